/**
 * A team's place on each of its clusters (see ./index.ts), all in the cluster's add-ons stack
 * under `Team-<name>`:
 *
 * - **Namespace** `team-<name>`: Pod Security Admission enforcing `restricted` (dev: `baseline`,
 *   as `loom-workloads` does, warned and audited at `restricted`), labelled with the platform's
 *   labels (its `cost-center` among them when the spec has one), `loom.dev/namespace-role: team`,
 *   `loom.dev/team` and `team`.
 * - **ResourceQuota** `team-quota`: the team's CPU, memory, pods and storage, and
 *   `requests.nvidia.com/gpu` on clusters with GPUs. On batch clusters the requests are the quota
 *   plus what the team may borrow (Kueue admits borrowed work; the quota must let its pods in).
 * - **LimitRange** `team-limits`: requests for containers that give none (so the quota counts
 *   them), a memory limit for those that set none (no CPU limit: throttling ML work by default does
 *   more harm than good), and claims between 1 GiB and the team's storage.
 * - **NetworkPolicies**: default-deny ingress; ingress allowed from the namespace's own pods and
 *   from the platform's namespaces (`loom-system`: monitoring, serving, the load balancer
 *   controllers; `gmp-system` where Google's managed collection scrapes). Egress is not isolated,
 *   so DNS (and the components, the registry, the cloud's APIs) stay reachable: an egress policy
 *   that allowed DNS alone would cut a team's code off from every component it was given.
 * - **`loom-platform`**: the cluster's ConfigMap mirrored into the namespace
 *   ({@link PlatformConfig.mirrorInto}), so its code reads every component with `envFrom`.
 * - **Queues** (batch clusters): a Kueue ClusterQueue `team-<name>` in cohort {@link TEAM_COHORT}
 *   over the cluster's ResourceFlavors, with the team's quota as nominal quota and its borrowing
 *   limits, only for the team's namespace; and the LocalQueue `default` there, which Kueue uses for
 *   every job of the namespace that names no queue — the namespace's only queue, so its workloads
 *   are admitted through the team's ClusterQueue alone. Released through Loom's resources chart
 *   after Kueue's (CRDs, webhooks) and the platform's flavours.
 *
 * The platform's own ClusterQueue `loom-batch` stays out of the teams' cohort. It holds the whole
 * cluster as nominal quota for `loom-workloads`; in the cohort, all of it would be lendable to every
 * team, so a team's nominal quota (what validation sums against the pools) would no longer bound
 * what it can take beyond its borrowing limit, and the cohort would count the cluster twice. Apart,
 * the teams lend to and borrow from each other only — what one team leaves idle another may use, up
 * to its borrowing limit, and reclaiming one's nominal quota preempts borrowers.
 */
import { Construct } from 'constructs';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import type { NetworkPolicyV1, NetworkPolicyV1Config } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { PLATFORM_NAMESPACES, TEAM_COHORT, TEAM_NAMESPACE_ROLE, type QueueFlavor, type TeamOnCluster, type TeamPlan } from '../../plan';
import type { Environment } from '../../schema/schema';
import type { AddonsStack } from '../../stacks/addons-stack';
import { PlatformNamespace, type PodSecurity } from '../kubernetes/namespace';
import { CustomResources, type CustomResourceManifest } from '../addons/release';
import { coveredResources, GPU_RESOURCE, KUEUE_API_VERSION, LOCAL_QUEUE_NAME } from '../addons/kueue';
import type { TeamPlatform } from './index';

/** The label naming a team on its namespace (the policy rules read it). */
export const TEAM_LABEL = 'loom.dev/team';
/** The team's ResourceQuota. */
export const TEAM_QUOTA_NAME = 'team-quota';
/** The team's LimitRange. */
export const TEAM_LIMITS_NAME = 'team-limits';
/** The team's NetworkPolicies. */
export const TEAM_NETWORK_POLICIES = {
  /** Selects every pod, allows no ingress. */
  denyIngress: 'default-deny-ingress',
  /** Ingress from the namespace's own pods. */
  sameNamespace: 'allow-same-namespace',
  /** Ingress from the platform's namespaces. */
  platform: 'allow-platform',
} as const;
/** A container's requests where it gives none, and its memory limit where it sets none. */
export const TEAM_CONTAINER_DEFAULTS = {
  /** Requests. */
  defaultRequest: { cpu: '250m', memory: '512Mi' },
  /** Limits. */
  default: { memory: '1Gi' },
} as const;
/** The smallest claim a team may make. */
export const TEAM_MIN_CLAIM = '1Gi';
/** Where Google Cloud Managed Service for Prometheus's collectors run (GKE). */
const GMP_NAMESPACE = 'gmp-system';

/** The namespace's Pod Security levels: `restricted` enforced, `baseline` in dev (like `loom-workloads`). */
export function teamPodSecurity(environment: Environment): PodSecurity {
  return { enforce: environment === 'dev' ? 'baseline' : 'restricted', audit: 'restricted', warn: 'restricted' };
}

/** The construct every object of `team` in `stack` goes under: `Team-<name>` (created once, then shared). */
export function teamScope(stack: Construct, team: Pick<TeamPlan, 'name'>): Construct {
  const id = `Team-${team.name}`;
  return stack.node.tryFindChild(id) ?? new Construct(stack, id);
}

/** A quantity in integer units, so that shares add up exactly: CPU in millicores, memory in MiB. */
const toMilli = (cores: number) => Math.round(cores * 1000);
const toMi = (gib: number) => Math.round(gib * 1024);
/** Millicores as Kubernetes writes them: whole cores plainly. */
export const cpuQuantity = (milli: number): string => (milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`);
/** MiB as Kubernetes writes them: whole GiB as `Gi`. */
export const memoryQuantity = (mi: number): string => (mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`);

/** `total` (an integer) split in proportion to `weights`, largest remainders first, summing to `total` exactly. */
export function splitByWeight(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const w = weights.every((x) => x <= 0) ? weights.map(() => 1) : weights.map((x) => Math.max(0, x));
  const sum = w.reduce((a, b) => a + b, 0);
  const exact = w.map((x) => (total * x) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k]!.i]!++;
  return out;
}

/** A team's share of one flavour: millicores, MiB, GPUs. */
export interface FlavourShare {
  /** CPU, millicores. */
  readonly cpu: number;
  /** Memory, MiB. */
  readonly memory: number;
  /** GPUs. */
  readonly gpus: number;
}

/**
 * The team's nominal quota split over the cluster's flavours (Kueue's quotas are per flavour; the
 * team's is per cluster), summing exactly to it: its GPUs over the GPU flavours in proportion to
 * their GPUs, with the CPU and memory those GPUs' nodes have per GPU (what its GPU jobs need
 * there); the rest of its CPU and memory over the CPU flavours in proportion to their size (over
 * the GPU flavours when the cluster has no other). Since every team's share of a flavour is in
 * proportion to it, the teams' shares of a flavour stay within it whenever their quotas stay
 * within the cluster, as validation requires.
 */
export function flavourShares(flavors: readonly QueueFlavor[], quota: Pick<TeamOnCluster['quota'], 'cpu' | 'memoryGiB' | 'gpus'>): FlavourShare[] {
  const cpu = toMilli(quota.cpu);
  const memory = toMi(quota.memoryGiB);
  const shares = flavors.map(() => ({ cpu: 0, memory: 0, gpus: 0 }));
  const gpuIdx = flavors.flatMap((f, i) => (f.quota.gpus > 0 ? [i] : []));
  const cpuIdx = flavors.flatMap((f, i) => (f.quota.gpus > 0 ? [] : [i]));
  if (gpuIdx.length && quota.gpus > 0) {
    const gpus = splitByWeight(quota.gpus, gpuIdx.map((i) => flavors[i]!.quota.gpus));
    const cpuNeed = gpuIdx.map((i, k) => Math.floor((gpus[k]! * toMilli(flavors[i]!.quota.vcpu)) / flavors[i]!.quota.gpus));
    const memNeed = gpuIdx.map((i, k) => Math.floor((gpus[k]! * toMi(flavors[i]!.quota.memoryGiB)) / flavors[i]!.quota.gpus));
    const fit = (need: number[], total: number) => (need.reduce((a, b) => a + b, 0) <= total ? need : splitByWeight(total, need));
    const cpuGpu = fit(cpuNeed, cpu);
    const memGpu = fit(memNeed, memory);
    gpuIdx.forEach((i, k) => (shares[i] = { cpu: cpuGpu[k]!, memory: memGpu[k]!, gpus: gpus[k]! }));
  }
  const rest = cpuIdx.length ? cpuIdx : gpuIdx;
  const cpuLeft = cpu - shares.reduce((n, s) => n + s.cpu, 0);
  const memLeft = memory - shares.reduce((n, s) => n + s.memory, 0);
  const cpuRest = splitByWeight(cpuLeft, rest.map((i) => flavors[i]!.quota.vcpu));
  const memRest = splitByWeight(memLeft, rest.map((i) => flavors[i]!.quota.memoryGiB));
  rest.forEach((i, k) => (shares[i] = { ...shares[i]!, cpu: shares[i]!.cpu + cpuRest[k]!, memory: shares[i]!.memory + memRest[k]! }));
  return shares;
}

/**
 * What the team may borrow on a batch cluster, in millicores, MiB and GPUs: its borrowing limit,
 * with memory in the proportion of its own quota (borrowed CPU brings the memory its jobs use; the
 * spec states no memory limit, and Kueue's absent limit would mean "unlimited").
 */
export function teamBorrowing(on: Pick<TeamOnCluster, 'quota' | 'borrowing'>): FlavourShare {
  const cpu = toMilli(on.borrowing.cpu);
  return { cpu, memory: Math.round((toMi(on.quota.memoryGiB) * cpu) / toMilli(on.quota.cpu)), gpus: on.borrowing.gpus };
}

/** The ResourceQuota's `hard`: the quota, plus the borrowing limit on batch clusters; GPUs where the cluster has them. */
export function teamQuotaHard(on: TeamOnCluster): Record<string, string> {
  const borrow = on.flavour === 'batch' ? teamBorrowing(on) : { cpu: 0, memory: 0, gpus: 0 };
  return {
    'requests.cpu': cpuQuantity(toMilli(on.quota.cpu) + borrow.cpu),
    'requests.memory': memoryQuantity(toMi(on.quota.memoryGiB) + borrow.memory),
    ...(on.gpus ? { [`requests.${GPU_RESOURCE}`]: String(on.quota.gpus + borrow.gpus) } : {}),
    'requests.storage': memoryQuantity(toMi(on.quota.storageGiB)),
    pods: String(on.quota.pods),
  };
}

/** The team's ClusterQueue on a batch cluster with `flavors` (CPU flavours first, as the platform's queue has them). */
export function teamClusterQueueManifest(team: Pick<TeamPlan, 'name' | 'namespace'>, on: TeamOnCluster, flavors: readonly QueueFlavor[], labels: Record<string, string>): CustomResourceManifest {
  const covered = coveredResources(flavors);
  const shares = flavourShares(flavors, on.quota);
  const borrow = teamBorrowing(on);
  const amounts = (resource: string, s: FlavourShare, gpuFlavour: boolean): { nominalQuota: string; borrowingLimit: string } => {
    switch (resource) {
      case 'cpu':
        return { nominalQuota: cpuQuantity(s.cpu), borrowingLimit: cpuQuantity(borrow.cpu) };
      case 'memory':
        return { nominalQuota: memoryQuantity(s.memory), borrowingLimit: memoryQuantity(borrow.memory) };
      default:
        return { nominalQuota: String(s.gpus), borrowingLimit: String(gpuFlavour ? borrow.gpus : 0) };
    }
  };
  return {
    apiVersion: KUEUE_API_VERSION,
    kind: 'ClusterQueue',
    metadata: { name: team.namespace, labels },
    spec: {
      cohortName: TEAM_COHORT,
      // Only the team's namespace may queue here.
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': team.namespace } },
      queueingStrategy: 'BestEffortFIFO',
      // Higher priority first within the team; its nominal quota lent out is taken back.
      preemption: { withinClusterQueue: 'LowerPriority', reclaimWithinCohort: 'Any' },
      resourceGroups: [
        {
          coveredResources: covered,
          flavors: flavors.map((f, i) => ({ name: f.name, resources: covered.map((r) => ({ name: r, ...amounts(r, shares[i]!, f.quota.gpus > 0) })) })),
        },
      ],
    },
  };
}

/** The team's LocalQueue `default`, in its namespace, onto its ClusterQueue. */
export function teamLocalQueueManifest(team: Pick<TeamPlan, 'namespace'>, labels: Record<string, string>): CustomResourceManifest {
  return {
    apiVersion: KUEUE_API_VERSION,
    kind: 'LocalQueue',
    metadata: { name: LOCAL_QUEUE_NAME, namespace: team.namespace, labels },
    spec: { clusterQueue: team.namespace },
  };
}

/** The release of a team's queues on one cluster (at most 52 characters: team names have at most 40). */
export const teamQueuesRelease = (team: Pick<TeamPlan, 'namespace'>): string => `${team.namespace}-queues`;

/** The namespaces whose pods may reach a team's pods: the platform's controllers and components, and GKE's managed collection when monitoring is bought there. */
function platformIngressNamespaces(platform: TeamPlatform): string[] {
  const spec = platform.plan.spec;
  return [PLATFORM_NAMESPACES.system, ...(spec.cloud === 'gcp' && spec.components.monitoring?.mode === 'buy' ? [GMP_NAMESPACE] : [])];
}

/** Gives `team` its namespace, quota, limits, network policies, ConfigMap and queues on each of its clusters. */
export function teamSpaces(platform: TeamPlatform, team: TeamPlan): void {
  // Loaded only for platforms with teams (nothing else of Loom uses them).
  const { LimitRangeV1: LimitRange } = require('@cdktf/provider-kubernetes/lib/limit-range-v1') as typeof import('@cdktf/provider-kubernetes/lib/limit-range-v1');
  const { NetworkPolicyV1: NetworkPolicy } = require('@cdktf/provider-kubernetes/lib/network-policy-v1') as typeof import('@cdktf/provider-kubernetes/lib/network-policy-v1');
  const ingressFrom = platformIngressNamespaces(platform);

  for (const on of team.clusters) {
    const stack: AddonsStack | undefined = platform.addonsStacks[on.cluster];
    if (!stack) continue;
    const scope = teamScope(stack, team);
    const objectLabels = { 'app.kubernetes.io/managed-by': 'loom', 'loom.dev/cluster': on.cluster, [TEAM_LABEL]: team.name };

    const namespace = new PlatformNamespace(scope, 'Namespace', {
      name: team.namespace,
      podSecurity: teamPodSecurity(stack.platform.environment),
      labels: {
        ...stack.platform.labels,
        'loom.dev/cluster': on.cluster,
        'loom.dev/flavour': on.flavour,
        [TEAM_NAMESPACE_ROLE.key]: TEAM_NAMESPACE_ROLE.value,
        [TEAM_LABEL]: team.name,
        team: team.name,
      },
    });
    const ns = namespace.name;
    const metadata = (name: string) => ({ name, namespace: ns, labels: { ...objectLabels } });

    new ResourceQuotaV1(scope, 'Quota', { metadata: metadata(TEAM_QUOTA_NAME), spec: { hard: teamQuotaHard(on) } });
    new LimitRange(scope, 'Limits', {
      metadata: metadata(TEAM_LIMITS_NAME),
      spec: {
        limit: [
          { type: 'Container', defaultRequest: { ...TEAM_CONTAINER_DEFAULTS.defaultRequest }, default: { ...TEAM_CONTAINER_DEFAULTS.default } },
          { type: 'PersistentVolumeClaim', min: { storage: TEAM_MIN_CLAIM }, max: { storage: memoryQuantity(toMi(on.quota.storageGiB)) } },
        ],
      },
    });

    const policy = (id: string, name: string, spec: NetworkPolicyV1Config['spec']): NetworkPolicyV1 => new NetworkPolicy(scope, id, { metadata: metadata(name), spec });
    policy('DenyIngress', TEAM_NETWORK_POLICIES.denyIngress, { podSelector: {}, policyTypes: ['Ingress'] });
    policy('AllowSameNamespace', TEAM_NETWORK_POLICIES.sameNamespace, { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });
    policy('AllowPlatform', TEAM_NETWORK_POLICIES.platform, {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: ingressFrom.map((n) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } })) }],
    });

    // The cluster's loom-platform, with the same data, in the team's namespace.
    stack.platformConfig.mirrorInto(team.namespace, ns);

    const kueue = on.flavour === 'batch' ? stack.addons.kueue : undefined;
    if (kueue && kueue.flavors.length) {
      new CustomResources(scope, 'Queues', {
        releaseName: teamQueuesRelease(team),
        namespace: stack.namespaces.system.name,
        manifests: [teamClusterQueueManifest(team, on, kueue.flavors, objectLabels), teamLocalQueueManifest(team, objectLabels)],
        // Kueue's CRDs and webhooks, the flavours the queue names, and the namespace the LocalQueue names literally.
        dependsOn: [kueue.release.resource, ...(kueue.queues ? [kueue.queues.resource] : []), namespace.resource],
      });
    }
  }
}
