/**
 * A team's place on each of its clusters (constructs/teams/space.ts), per cloud: the namespace and
 * its labels, the ResourceQuota and LimitRange, the NetworkPolicies, the loom-platform ConfigMap
 * and, on batch clusters, the Kueue ClusterQueue and LocalQueue — quotas computed here from the
 * spec and from the platform's own flavours, never with the construct's functions. Also: clusters
 * a team does not use get nothing, and the policy rules on team namespaces find nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { awsSpec, gcpSpec } from '../schema/fixtures';
import { onpremSpec } from '../kubernetes/fixtures';
import { specFrom, synthSpec, type StackJson } from '../helpers/synth';
import { customResourceErrors } from '../helpers/charts';
import { checkPolicies } from '../../policies/engine';
import { stackFromJson } from '../../policies/stacks';
import type { PolicySettings } from '../../policies/types';
import type { PlatformSpec } from '../../schema/schema';

type Json = Record<string, any>;

/** Instance sizes (AWS's published figures), so that the tests' quota arithmetic needs no Loom code. */
const G5_XLARGE = { cpu: 4, memoryGiB: 16 };
const C7I_2XLARGE = { cpu: 8, memoryGiB: 16 };

const RANKING = { name: 'ranking', quota: { cpu: 64, memoryGiB: 256, gpus: 4, pods: 200, storageGiB: 2000 }, borrowingLimit: { cpu: 32, gpus: 2 } };
/** Defaults: 100 pods, 500 GiB, no GPUs, no borrowing. */
const SEARCH = { name: 'search', clusters: ['apps'], quota: { cpu: 8, memoryGiB: 32 } };

/** The objects of `type` in `stack` whose construct path is under `Team-<team>`. */
function teamObjects(stack: StackJson, type: string, team: string): Json[] {
  return Object.values(stack.resource?.[type] ?? {}).filter((r: Json) => String(r['//']?.metadata?.path ?? '').split('/')[1] === `Team-${team}`) as Json[];
}

/** The team's namespace resource (exactly one) and the reference its objects use. */
function namespaceOf(stack: StackJson, team: string): { ns: Json; ref: string } {
  const entries = Object.entries(stack.resource?.kubernetes_namespace_v1 ?? {}).filter(([, r]: [string, Json]) => r.metadata?.name === `team-${team}`);
  expect(entries).toHaveLength(1);
  const [key, ns] = entries[0]!;
  return { ns: ns as Json, ref: `\${kubernetes_namespace_v1.${key}.metadata[0].name}` };
}

/** The one object of `type` under `Team-<team>` named `name`. */
function teamObject(stack: StackJson, type: string, team: string, name: string): Json {
  const found = teamObjects(stack, type, team).filter((r) => r.metadata?.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0]!;
}

/** The objects a `loom-resources` release carries. */
const releaseObjects = (release: Json): Json[] => JSON.parse(release.values[0]).resources;

/** The platform's ClusterQueue `loom-batch` of a batch cluster's add-ons stack. */
function platformQueue(stack: StackJson): Json {
  const release = Object.values(stack.resource?.helm_release ?? {}).find((r: Json) => r.name === 'loom-kueue-queues') as Json;
  return releaseObjects(release).find((o) => o.kind === 'ClusterQueue');
}

/** `"48"`, `"500m"` → millicores; `"192Gi"`, `"100Mi"` → MiB; plain numbers as they are. */
function milli(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}
function mebi(q: string): number {
  if (q.endsWith('Gi')) return Number(q.slice(0, -2)) * 1024;
  if (q.endsWith('Mi')) return Number(q.slice(0, -2));
  throw new Error(`unexpected memory quantity ${q}`);
}

/** Per flavour: resource → { nominalQuota, borrowingLimit }. */
function byFlavour(queue: Json): Record<string, Record<string, { nominalQuota: string; borrowingLimit?: string }>> {
  const group = queue.spec.resourceGroups[0];
  return Object.fromEntries(group.flavors.map((f: Json) => [f.name, Object.fromEntries(f.resources.map((r: Json) => [r.name, { nominalQuota: r.nominalQuota, ...(r.borrowingLimit !== undefined ? { borrowingLimit: r.borrowingLimit } : {}) }]))]));
}

/** Expected ResourceQuota `hard`, from the spec: the quota, plus the borrowing limit on batch clusters. */
function expectedHard(team: { quota: Json; borrowingLimit?: Json }, opts: { gpus: boolean; batch: boolean }): Record<string, string> {
  const q = { gpus: 0, pods: 100, storageGiB: 500, ...team.quota };
  const b = opts.batch ? { cpu: 0, gpus: 0, ...(team.borrowingLimit ?? {}) } : { cpu: 0, gpus: 0 };
  // Borrowed memory: in the proportion of the team's own memory to its CPU.
  const memory = q.memoryGiB + (q.memoryGiB * b.cpu) / q.cpu;
  return {
    'requests.cpu': String(q.cpu + b.cpu),
    'requests.memory': `${memory}Gi`,
    ...(opts.gpus ? { 'requests.nvidia.com/gpu': String(q.gpus + b.gpus) } : {}),
    'requests.storage': `${q.storageGiB}Gi`,
    pods: String(q.pods),
  };
}

/** The checks every team namespace passes, on any cloud. */
function expectSpace(stack: StackJson, team: string, cluster: string, enforce: 'restricted' | 'baseline', platformNamespaces: string[]): void {
  const { ns, ref } = namespaceOf(stack, team);
  expect(ns.metadata.labels).toMatchObject({
    'app.kubernetes.io/managed-by': 'loom',
    'loom.dev/namespace-role': 'team',
    'loom.dev/team': team,
    team,
    'loom.dev/cluster': cluster,
    'pod-security.kubernetes.io/enforce': enforce,
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/warn': 'restricted',
  });

  const limits = teamObject(stack, 'kubernetes_limit_range_v1', team, 'team-limits');
  expect(limits.metadata.namespace).toBe(ref);
  const container = limits.spec.limit.find((l: Json) => l.type === 'Container');
  expect(container.default_request).toEqual({ cpu: '250m', memory: '512Mi' });
  expect(container.default).toEqual({ memory: '1Gi' });
  expect(container.default.cpu).toBeUndefined();
  const claims = limits.spec.limit.find((l: Json) => l.type === 'PersistentVolumeClaim');
  expect(claims.min).toEqual({ storage: '1Gi' });

  const policies = teamObjects(stack, 'kubernetes_network_policy_v1', team);
  expect(policies.map((p) => p.metadata.name).sort()).toEqual(['allow-platform', 'allow-same-namespace', 'default-deny-ingress']);
  for (const p of policies) {
    expect(p.metadata.namespace).toBe(ref);
    expect(p.metadata.labels['app.kubernetes.io/managed-by']).toBe('loom');
    expect(p.spec.pod_selector).toEqual({});
    // Ingress only: egress (DNS, the components, the cloud's APIs) is never isolated.
    expect(p.spec.policy_types).toEqual(['Ingress']);
    expect(p.spec.egress).toBeUndefined();
  }
  const byName = Object.fromEntries(policies.map((p) => [p.metadata.name, p]));
  expect(byName['default-deny-ingress']!.spec.ingress).toBeUndefined();
  expect(byName['allow-same-namespace']!.spec.ingress).toEqual([{ from: [{ pod_selector: {} }] }]);
  expect(byName['allow-platform']!.spec.ingress).toEqual([{ from: platformNamespaces.map((n) => ({ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': n } } })) }]);

  // loom-platform, mirrored from the cluster's workloads namespace with the same data.
  const maps = Object.values(stack.resource?.kubernetes_config_map_v1 ?? {}) as Json[];
  const mirror = maps.filter((m) => m.metadata.name === 'loom-platform' && m.metadata.namespace === ref);
  expect(mirror).toHaveLength(1);
  const original = maps.find((m) => m.metadata.name === 'loom-platform' && String(m['//'].metadata.path).endsWith('/PlatformConfig/Resource'))!;
  expect(mirror[0]!.data).toEqual(original.data);

  // Every object of the team carries Loom's label.
  for (const type of ['kubernetes_resource_quota_v1', 'kubernetes_limit_range_v1', 'kubernetes_network_policy_v1']) {
    for (const o of teamObjects(stack, type, team)) expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'loom', 'loom.dev/team': team });
  }
}

/** The team's queues release on a batch cluster, checked against the CRDs; returns its ClusterQueue and LocalQueue. */
function expectQueues(stack: StackJson, team: string): { cq: Json; lq: Json; release: Json } {
  const releases = teamObjects(stack, 'helm_release', team);
  expect(releases).toHaveLength(1);
  const release = releases[0]!;
  expect(release.name).toBe(`team-${team}-queues`);
  const kueue = Object.entries(stack.resource?.helm_release ?? {}).find(([, r]: [string, Json]) => r.name === 'kueue')![0];
  const flavours = Object.entries(stack.resource?.helm_release ?? {}).find(([, r]: [string, Json]) => r.name === 'loom-kueue-queues')![0];
  expect(release.depends_on).toEqual(expect.arrayContaining([`helm_release.${kueue}`, `helm_release.${flavours}`, `kubernetes_namespace_v1.${Object.entries(stack.resource!.kubernetes_namespace_v1!).find(([, r]: [string, Json]) => r.metadata.name === `team-${team}`)![0]}`]));
  const objects = releaseObjects(release);
  for (const o of objects) expect(customResourceErrors(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
  const cq = objects.find((o) => o.kind === 'ClusterQueue')!;
  const lq = objects.find((o) => o.kind === 'LocalQueue')!;
  expect(cq.metadata.name).toBe(`team-${team}`);
  expect(cq.spec.cohortName).toBe('loom-teams');
  expect(cq.spec.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': `team-${team}` } });
  // The same flavours, in the same order, covering the same resources as the platform's queue.
  const platform = platformQueue(stack);
  expect(cq.spec.resourceGroups[0].coveredResources).toEqual(platform.spec.resourceGroups[0].coveredResources);
  expect(cq.spec.resourceGroups[0].flavors.map((f: Json) => f.name)).toEqual(platform.spec.resourceGroups[0].flavors.map((f: Json) => f.name));
  // The platform's own queue is in the teams' cohort with them.
  expect(platform.spec.cohortName).toBe('loom-teams');
  expect(lq).toEqual({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'default', namespace: `team-${team}`, labels: expect.objectContaining({ 'app.kubernetes.io/managed-by': 'loom' }) }, spec: { clusterQueue: `team-${team}` } });
  return { cq, lq, release };
}

/** No objects of `team` at all in `stack`. */
function expectNothing(stack: StackJson, team: string): void {
  for (const type of Object.keys(stack.resource ?? {})) expect(teamObjects(stack, type, team), type).toEqual([]);
  expect(Object.values(stack.resource?.kubernetes_namespace_v1 ?? {}).map((n: Json) => n.metadata.name)).not.toContain(`team-${team}`);
  expect(Object.values(stack.resource?.kubernetes_config_map_v1 ?? {}).filter((m: Json) => String(m['//'].metadata.path).includes(`In-team-${team}`))).toEqual([]);
}

/** The policy findings of the team rules over every stack. */
function teamFindings(stacks: Record<string, StackJson>, spec: PlatformSpec) {
  const settings: PolicySettings = { environment: spec.environment, packs: spec.policies.packs, allowedRegions: [], managedServicesForbidden: false, cloud: spec.cloud, today: '2026-11-30' };
  const report = checkPolicies(Object.entries(stacks).map(([name, json]) => stackFromJson(name, json)), settings);
  return report.findings.filter((f) => ['LOOM-ING-007', 'LOOM-AS-002', 'LOOM-HARD-006'].includes(f.rule) && f.path.includes('/Team-'));
}

describe('teams on AWS (prod)', () => {
  const spec = specFrom(awsSpec({ environment: 'prod', labels: { 'cost-center': 'ml' }, teams: [RANKING, SEARCH] }));
  let stacks: Record<string, StackJson>;
  beforeAll(() => {
    stacks = synthSpec(spec).stacks;
  });

  it('gives ranking its namespace on every cluster (it lists none), restricted, with the team and cost labels', () => {
    for (const cluster of ['apps', 'events', 'training']) {
      const stack = stacks[`acme-addons-${cluster}`]!;
      expectSpace(stack, 'ranking', cluster, 'restricted', ['loom-system']);
      expect(namespaceOf(stack, 'ranking').ns.metadata.labels).toMatchObject({ 'cost-center': 'ml', 'loom-platform': 'acme', 'loom-environment': 'prod' });
    }
  });

  it('gives search a namespace on apps only (clusters: [apps]), and nothing anywhere else', () => {
    expectSpace(stacks['acme-addons-apps']!, 'search', 'apps', 'restricted', ['loom-system']);
    expectNothing(stacks['acme-addons-events']!, 'search');
    expectNothing(stacks['acme-addons-training']!, 'search');
    for (const [name, stack] of Object.entries(stacks)) if (!name.includes('-addons-')) expectNothing(stack, 'search');
  });

  it('quotas: the spec quota; GPUs only on the GPU cluster; borrowing added on the batch cluster', () => {
    expect(teamObject(stacks['acme-addons-apps']!, 'kubernetes_resource_quota_v1', 'ranking', 'team-quota').spec.hard).toEqual(expectedHard(RANKING, { gpus: false, batch: false }));
    expect(teamObject(stacks['acme-addons-events']!, 'kubernetes_resource_quota_v1', 'ranking', 'team-quota').spec.hard).toEqual(expectedHard(RANKING, { gpus: false, batch: false }));
    // training: 64 + 32 CPU, 256 + 256 × 32/64 GiB, 4 + 2 GPUs.
    const training = teamObject(stacks['acme-addons-training']!, 'kubernetes_resource_quota_v1', 'ranking', 'team-quota').spec.hard;
    expect(training).toEqual(expectedHard(RANKING, { gpus: true, batch: true }));
    expect(training).toEqual({ 'requests.cpu': '96', 'requests.memory': '384Gi', 'requests.nvidia.com/gpu': '6', 'requests.storage': '2000Gi', pods: '200' });
    expect(teamObject(stacks['acme-addons-apps']!, 'kubernetes_resource_quota_v1', 'search', 'team-quota').spec.hard).toEqual({ 'requests.cpu': '8', 'requests.memory': '32Gi', 'requests.storage': '500Gi', pods: '100' });
  });

  it("the LimitRange caps a claim at the team's storage", () => {
    const claims = teamObject(stacks['acme-addons-training']!, 'kubernetes_limit_range_v1', 'ranking', 'team-limits').spec.limit.find((l: Json) => l.type === 'PersistentVolumeClaim');
    expect(claims.max).toEqual({ storage: '2000Gi' });
  });

  it('queues on the batch cluster only: nominal quota split over the flavours, borrowing limits', () => {
    expect(teamObjects(stacks['acme-addons-apps']!, 'helm_release', 'ranking')).toEqual([]);
    expect(teamObjects(stacks['acme-addons-events']!, 'helm_release', 'ranking')).toEqual([]);
    const stack = stacks['acme-addons-training']!;
    const { cq } = expectQueues(stack, 'ranking');
    // The GPU flavour's nodes per GPU: g5.xlarge has 4 vCPUs, 16 GiB and one A10G.
    const cpuPerGpu = G5_XLARGE.cpu * 1000;
    const memPerGpu = G5_XLARGE.memoryGiB * 1024;
    const team = byFlavour(cq);
    // The team's 4 GPUs on the GPU flavour, with the CPU and memory of their nodes; the rest of its quota on the CPU flavour.
    expect(team['loom-gpu']!['nvidia.com/gpu']).toEqual({ nominalQuota: '4', borrowingLimit: '2' });
    expect(milli(team['loom-gpu']!.cpu!.nominalQuota)).toBe(4 * cpuPerGpu);
    expect(mebi(team['loom-gpu']!.memory!.nominalQuota)).toBe(4 * memPerGpu);
    expect(milli(team['loom-cpu']!.cpu!.nominalQuota)).toBe(64_000 - 4 * cpuPerGpu);
    expect(mebi(team['loom-cpu']!.memory!.nominalQuota)).toBe(256 * 1024 - 4 * memPerGpu);
    expect(team['loom-cpu']!['nvidia.com/gpu']).toEqual({ nominalQuota: '0', borrowingLimit: '0' });
    // Borrowing: 32 CPU (and 128 GiB, the team's memory per CPU) on each flavour.
    for (const f of ['loom-cpu', 'loom-gpu']) {
      expect(team[f]!.cpu!.borrowingLimit).toBe('32');
      expect(team[f]!.memory!.borrowingLimit).toBe('128Gi');
    }
    // Every resource of every flavour has a borrowing limit: none is left unlimited.
    for (const f of Object.values(team)) for (const r of Object.values(f)) expect(r.borrowingLimit).toBeDefined();
  });

  it("the platform's queue keeps what the teams leave, in their cohort: the cluster is promised once", () => {
    const stack = stacks['acme-addons-training']!;
    const platform = platformQueue(stack);
    expect(platform.spec.cohortName).toBe('loom-teams');
    expect(platform.spec.preemption).toEqual({ withinClusterQueue: 'LowerPriority', reclaimWithinCohort: 'Any' });
    expect(customResourceErrors(platform)).toEqual([]);
    const team = byFlavour(expectQueues(stack, 'ranking').cq);
    const kept = byFlavour(platform);
    // The pools: 20 × c7i.2xlarge, 8 × g5.xlarge.
    const capacity: Record<string, { cpu: number; memory: number; gpus: number }> = {
      'loom-cpu': { cpu: 20 * C7I_2XLARGE.cpu * 1000, memory: 20 * C7I_2XLARGE.memoryGiB * 1024, gpus: 0 },
      'loom-gpu': { cpu: 8 * G5_XLARGE.cpu * 1000, memory: 8 * G5_XLARGE.memoryGiB * 1024, gpus: 8 },
    };
    for (const [flavour, c] of Object.entries(capacity)) {
      expect(milli(kept[flavour]!.cpu!.nominalQuota) + milli(team[flavour]!.cpu!.nominalQuota), `${flavour} cpu`).toBe(c.cpu);
      expect(mebi(kept[flavour]!.memory!.nominalQuota) + mebi(team[flavour]!.memory!.nominalQuota), `${flavour} memory`).toBe(c.memory);
      expect(Number(kept[flavour]!['nvidia.com/gpu']!.nominalQuota) + Number(team[flavour]!['nvidia.com/gpu']!.nominalQuota), `${flavour} gpus`).toBe(c.gpus);
      // No borrowing limit: the platform's work may use whatever the teams leave idle.
      for (const r of Object.values(kept[flavour]!)) expect(r.borrowingLimit).toBeUndefined();
    }
    // search is not on the batch cluster: ranking's 4 GPUs are the only ones promised to a team.
    expect(kept['loom-gpu']!['nvidia.com/gpu']!.nominalQuota).toBe('4');
  });

  it('no finding of LOOM-ING-007, LOOM-AS-002 or LOOM-HARD-006 on the team namespaces', () => {
    expect(teamFindings(stacks, spec)).toEqual([]);
    // …and the rules did see them: a namespace without the objects would be reported.
    const bare = JSON.parse(JSON.stringify(stacks['acme-addons-apps'])) as StackJson;
    for (const type of ['kubernetes_resource_quota_v1', 'kubernetes_network_policy_v1']) for (const k of Object.keys(bare.resource![type]!)) if (k.startsWith('Team-')) delete bare.resource![type]![k];
    expect(teamFindings({ 'acme-addons-apps': bare }, spec).map((f) => f.rule).sort()).toEqual(['LOOM-AS-002', 'LOOM-AS-002', 'LOOM-ING-007', 'LOOM-ING-007']);
  });
});

describe("teams on AWS with monitoring bought (AMP's managed scraper)", () => {
  const { stacks } = synthSpec(awsSpec({ components: { monitoring: { mode: 'buy' } }, teams: [SEARCH] }));
  const subnetsOf = (cluster: string) =>
    Object.values(stacks['acme-network']!.resource!['aws_subnet']!)
      .filter((s: Json) => s.tags['loom.dev/cluster'] === cluster && s.tags['loom.dev/tier'] === 'private')
      .map((s: Json) => s.cidr_block as string);

  it("opens ports named metrics, and nothing else, to the cluster's node subnets (where the scraper's interfaces are)", () => {
    const policy = teamObject(stacks['acme-addons-apps']!, 'kubernetes_network_policy_v1', 'search', 'allow-managed-scraper');
    expect(subnetsOf('apps')).toHaveLength(3);
    expect(policy.spec).toEqual({
      pod_selector: {},
      policy_types: ['Ingress'],
      ingress: [{ from: subnetsOf('apps').map((cidr) => ({ ip_block: { cidr } })), ports: [{ port: 'metrics', protocol: 'TCP' }] }],
    });
  });

  it('not with monitoring built (the scraper is a pod in loom-system)', () => {
    expect(teamObjects(synthSpec(awsSpec({ components: { monitoring: { mode: 'build' } }, teams: [SEARCH] })).stacks['acme-addons-apps']!, 'kubernetes_network_policy_v1', 'search').map((p) => p.metadata.name)).not.toContain('allow-managed-scraper');
  });
});

describe('teams on AWS (dev)', () => {
  const spec = specFrom(awsSpec({ environment: 'dev', teams: [RANKING] }));
  let stacks: Record<string, StackJson>;
  beforeAll(() => {
    stacks = synthSpec(spec).stacks;
  });

  it('enforces baseline in dev (warned and audited at restricted); no cost-center label without one in the spec', () => {
    for (const cluster of ['apps', 'events', 'training']) {
      const stack = stacks[`acme-addons-${cluster}`]!;
      expectSpace(stack, 'ranking', cluster, 'baseline', ['loom-system']);
      expect(namespaceOf(stack, 'ranking').ns.metadata.labels['cost-center']).toBeUndefined();
    }
  });

  it('no finding of LOOM-ING-007 or LOOM-AS-002', () => {
    expect(teamFindings(stacks, spec).filter((f) => f.rule !== 'LOOM-HARD-006')).toEqual([]);
  });
});

describe('teams on Google Cloud', () => {
  const VISION = { name: 'vision', quota: { cpu: 20, memoryGiB: 80, gpus: 2 }, borrowingLimit: { cpu: 4, gpus: 1 } };
  const spec = specFrom(gcpSpec({ environment: 'prod', labels: { 'cost-center': 'ml' }, components: { monitoring: { mode: 'buy' } }, teams: [VISION] }));
  let stacks: Record<string, StackJson>;
  beforeAll(() => {
    stacks = synthSpec(spec).stacks;
  });

  it("namespaces on both clusters; managed collection's namespace may reach the pods", () => {
    expectSpace(stacks['acme-addons-apps']!, 'vision', 'apps', 'restricted', ['loom-system', 'gmp-system']);
    expectSpace(stacks['acme-addons-training']!, 'vision', 'training', 'restricted', ['loom-system', 'gmp-system']);
  });

  it('quotas: no GPUs on apps; GPUs and borrowing on the batch GPU cluster', () => {
    expect(teamObject(stacks['acme-addons-apps']!, 'kubernetes_resource_quota_v1', 'vision', 'team-quota').spec.hard).toEqual(expectedHard(VISION, { gpus: false, batch: false }));
    expect(teamObject(stacks['acme-addons-training']!, 'kubernetes_resource_quota_v1', 'vision', 'team-quota').spec.hard).toEqual(expectedHard(VISION, { gpus: true, batch: true }));
  });

  it('one GPU flavour, no CPU flavour: the whole quota on it', () => {
    expect(teamObjects(stacks['acme-addons-apps']!, 'helm_release', 'vision')).toEqual([]);
    const { cq } = expectQueues(stacks['acme-addons-training']!, 'vision');
    expect(byFlavour(cq)).toEqual({
      'loom-gpu': {
        cpu: { nominalQuota: '20', borrowingLimit: '4' },
        memory: { nominalQuota: '80Gi', borrowingLimit: `${(80 * 4) / 20}Gi` },
        'nvidia.com/gpu': { nominalQuota: '2', borrowingLimit: '1' },
      },
    });
  });

  it('no finding of LOOM-ING-007, LOOM-AS-002 or LOOM-HARD-006 on the team namespaces', () => {
    expect(teamFindings(stacks, spec)).toEqual([]);
  });
});

describe('teams on existing clusters', () => {
  const CAPACITY = [
    { name: 'cpu', nodeLabels: { pool: 'cpu' }, nodes: 4, cpu: 32, memoryGiB: 128 },
    { name: 'h100', nodeLabels: { pool: 'h100' }, nodes: 2, cpu: 192, memoryGiB: 2048, gpus: 8, taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] },
  ];
  const LLM = { name: 'llm', clusters: ['gpu'], quota: { cpu: 100, memoryGiB: 1200, gpus: 4, pods: 50 }, borrowingLimit: { cpu: 10, gpus: 2 } };
  const WEB = { name: 'web', clusters: ['apps'], quota: { cpu: 4.5, memoryGiB: 10 } };
  function onprem(): Json {
    const s = onpremSpec({ environment: 'staging', teams: [LLM, WEB] });
    s.clusters[2].existing.gpu = { driver: 'operator', toolkit: 'operator' };
    s.clusters[2].existing.capacity = CAPACITY;
    return s;
  }
  const spec = specFrom(onprem());
  let stacks: Record<string, StackJson>;
  beforeAll(() => {
    stacks = synthSpec(spec).stacks;
  });

  it('each team only on the cluster it lists', () => {
    expectSpace(stacks['lab-addons-gpu']!, 'llm', 'gpu', 'restricted', ['loom-system']);
    expectSpace(stacks['lab-addons-apps']!, 'web', 'apps', 'restricted', ['loom-system']);
    expectNothing(stacks['lab-addons-apps']!, 'llm');
    expectNothing(stacks['lab-addons-events']!, 'llm');
    expectNothing(stacks['lab-addons-gpu']!, 'web');
    expectNothing(stacks['lab-addons-events']!, 'web');
  });

  it('quotas (fractional CPU in millicores)', () => {
    expect(teamObject(stacks['lab-addons-apps']!, 'kubernetes_resource_quota_v1', 'web', 'team-quota').spec.hard).toEqual({ 'requests.cpu': '4500m', 'requests.memory': '10Gi', 'requests.storage': '500Gi', pods: '100' });
    expect(teamObject(stacks['lab-addons-gpu']!, 'kubernetes_resource_quota_v1', 'llm', 'team-quota').spec.hard).toEqual(expectedHard(LLM, { gpus: true, batch: true }));
  });

  it("queues over the capacity groups' flavours: GPUs with their nodes' CPU and memory per GPU, the rest on the CPU group", () => {
    const { cq } = expectQueues(stacks['lab-addons-gpu']!, 'llm');
    const h100 = CAPACITY[1]!;
    const cpuPerGpu = h100.cpu / h100.gpus!; // 24
    const memPerGpu = h100.memoryGiB / h100.gpus!; // 256 GiB
    expect(byFlavour(cq)).toEqual({
      'loom-cpu': {
        cpu: { nominalQuota: String(100 - 4 * cpuPerGpu), borrowingLimit: '10' },
        memory: { nominalQuota: `${1200 - 4 * memPerGpu}Gi`, borrowingLimit: `${(1200 * 10) / 100}Gi` },
        'nvidia.com/gpu': { nominalQuota: '0', borrowingLimit: '0' },
      },
      'loom-h100': {
        cpu: { nominalQuota: String(4 * cpuPerGpu), borrowingLimit: '10' },
        memory: { nominalQuota: `${4 * memPerGpu}Gi`, borrowingLimit: `${(1200 * 10) / 100}Gi` },
        'nvidia.com/gpu': { nominalQuota: '4', borrowingLimit: '2' },
      },
    });
  });

  it("the platform's queue on the GPU cluster: the capacity groups less llm's share", () => {
    const kept = byFlavour(platformQueue(stacks['lab-addons-gpu']!));
    // cpu group: 4 × 32 CPU, 4 × 128 GiB, less llm's 100 − 4 × 24 CPU and 1200 − 4 × 256 GiB there.
    expect(kept['loom-cpu']).toEqual({ cpu: { nominalQuota: String(4 * 32 - (100 - 4 * 24)) }, memory: { nominalQuota: `${4 * 128 - (1200 - 4 * 256)}Gi` }, 'nvidia.com/gpu': { nominalQuota: '0' } });
    // h100 group: 2 × 192 CPU, 2 × 2048 GiB, 2 × 8 GPUs, less 4 GPUs with their nodes' share.
    expect(kept['loom-h100']).toEqual({ cpu: { nominalQuota: String(2 * 192 - 4 * 24) }, memory: { nominalQuota: `${2 * 2048 - 4 * 256}Gi` }, 'nvidia.com/gpu': { nominalQuota: String(2 * 8 - 4) } });
  });

  it('no finding of LOOM-ING-007, LOOM-AS-002 or LOOM-HARD-006 on the team namespaces', () => {
    expect(teamFindings(stacks, spec)).toEqual([]);
  });
});

describe('a platform without teams', () => {
  it("keeps the platform's queue whole and out of any cohort", () => {
    const stack = synthSpec(awsSpec({ environment: 'prod' })).stacks['acme-addons-training']!;
    const queue = platformQueue(stack);
    expect(queue.spec.cohortName).toBeUndefined();
    expect(byFlavour(queue)['loom-gpu']!['nvidia.com/gpu']!.nominalQuota).toBe('8');
    expect(byFlavour(queue)['loom-cpu']!.cpu!.nominalQuota).toBe(String(20 * C7I_2XLARGE.cpu));
  });

  it('has no team object', () => {
    const { stacks } = synthSpec(awsSpec({ environment: 'prod' }));
    for (const stack of Object.values(stacks)) {
      for (const r of Object.values(stack.resource ?? {})) for (const v of Object.values(r)) expect(String((v as Json)['//']?.metadata?.path)).not.toContain('/Team-');
    }
  });
});

describe('splitting a quota over flavours (edge cases)', () => {
  const flavour = (name: string, vcpu: number, memoryGiB: number, gpus: number) => ({ name, source: name, nodeLabels: {}, taints: [], quota: { vcpu, memoryGiB, gpus } });

  it("caps the GPU flavours' CPU and memory at the team's quota, and the shares still add up exactly", async () => {
    const { flavourShares } = await import('../../plan');
    const shares = flavourShares([flavour('cpu', 64, 256, 0), flavour('a', 96, 1024, 8), flavour('b', 48, 512, 4)], { cpu: 10, memoryGiB: 100, gpus: 3 });
    expect(shares.reduce((n, s) => n + s.cpu, 0)).toBe(10_000);
    expect(shares.reduce((n, s) => n + s.memory, 0)).toBe(100 * 1024);
    expect(shares.map((s) => s.gpus)).toEqual([0, 2, 1]);
    expect(shares[0]).toEqual({ cpu: 0, memory: 0, gpus: 0 });
  });

  it('splits a fractional remainder to the millicore, largest remainders first', async () => {
    const { flavourShares } = await import('../../plan');
    const shares = flavourShares([flavour('x', 3, 3, 0), flavour('y', 3, 3, 0), flavour('z', 3, 3, 0)], { cpu: 1, memoryGiB: 1, gpus: 0 });
    expect(shares.map((s) => s.cpu)).toEqual([334, 333, 333]);
    expect(shares.map((s) => s.memory)).toEqual([342, 341, 341]);
  });
});
