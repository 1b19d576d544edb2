/** The short summary `loom validate` prints: what will be built. */
import { servicesStackNeeded, type PlatformPlan } from '../plan';
import { gkeReleaseChannel } from '../catalog/kubernetes-versions';
import { evaluationDate } from '../catalog/today';

export function summarize(plan: PlatformPlan): string {
  const lines: string[] = [];
  const where = plan.cloud === 'kubernetes' ? 'existing Kubernetes clusters' : `${plan.cloud} ${plan.region}`;
  lines.push(`${plan.name}: ${where}, ${plan.environment}`);
  if (plan.network) {
    const egress = plan.cloud === 'aws' ? `, NAT ${plan.network.natGateways}` : ', Cloud NAT';
    lines.push(`  network ${plan.network.cidr} over ${plan.zones.length} zone(s) (${plan.zones.join(', ')})${egress}`);
  }
  for (const c of plan.clusters) {
    const pools = c.pools.map((p) => `${p.name} ${p.minNodes}-${p.maxNodes}×${p.machineTypes[0]}${p.spot ? ' spot' : ''}${p.gpu ? ` gpu:${p.gpu.count}×${p.gpu.type}` : ''}`);
    const addr = c.block ? ` ${c.block}${c.gcp ? ` (pods ${c.gcp.podRange}, services ${c.gcp.serviceRange})` : ''}` : '';
    const channel = plan.cloud === 'gcp' ? `, ${gkeReleaseChannel(c.kubernetesVersion, plan.environment, evaluationDate()) === 'STABLE' ? 'Stable' : 'Regular'} channel` : '';
    lines.push(`  cluster ${c.name} (${c.flavour}, Kubernetes ${c.kubernetesVersion}${channel})${addr}${pools.length ? `: ${pools.join(', ')}` : ''}`);
  }
  for (const comp of plan.components) {
    lines.push(`  component ${comp.name}: ${comp.mode}${comp.cluster && comp.mode === 'build' ? ` on ${comp.cluster}` : ''}`);
  }
  for (const t of plan.teams) {
    const where = t.clusters.map((c) => `${c.cluster} (${c.quota.cpu} CPU, ${c.quota.memoryGiB} GiB${c.quota.gpus ? `, ${c.quota.gpus} GPU` : ''}${c.borrowing.cpu || c.borrowing.gpus ? `, borrows up to ${c.borrowing.cpu} CPU${c.borrowing.gpus ? ` ${c.borrowing.gpus} GPU` : ''}` : ''})`);
    const access = Object.entries(t.access)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k} ${typeof v === 'string' ? v : accessLists(v as Record<string, readonly string[]>)}`.trimEnd());
    lines.push(`  team ${t.name}: namespace ${t.namespace} on ${where.join(', ')}; ${t.members.length} member${t.members.length === 1 ? '' : 's'}${access.length ? `; ${access.join(', ')}` : ''}`);
  }
  const stacks = [
    ...(plan.network ? [plan.stacks.network] : []),
    ...(plan.cloud !== 'kubernetes' ? plan.clusters.map((c) => c.stackName) : []),
    ...(servicesStackNeeded(plan) ? [plan.stacks.services] : []),
    ...plan.clusters.map((c) => c.addonsStackName),
  ];
  if (stacks.length) lines.push(`  stacks: ${stacks.join(', ')}`);
  return lines.join('\n');
}

/** `{ produce: [a, b], consume: [c] }` → `produce a b consume c` (empty lists left out). */
function accessLists(access: Record<string, readonly string[]>): string {
  return Object.entries(access)
    .filter(([, list]) => list.length)
    .map(([verb, list]) => `${verb} ${list.join(' ')}`)
    .join(' ');
}
