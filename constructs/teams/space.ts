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
 *   controllers; `gmp-system` where Google's managed collection scrapes); on AWS with monitoring
 *   bought, from the cluster's node subnets — where AMP's managed scraper, which is no pod, has its
 *   network interfaces — to container ports named `metrics` only (the pods' IPs share those
 *   ranges, so nothing wider is opened to them). Egress is not isolated,
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
 * The platform's own ClusterQueue `loom-batch` (for `loom-workloads`) joins the teams' cohort on
 * a cluster with teams, holding only what their nominal quotas leave of each flavour
 * (`platformQueueShares`): the cohort's nominal quotas add up to the cluster once, never twice
 * (validation keeps the teams' sum within the pools). What one queue leaves idle another may use —
 * a team up to its borrowing limit, the platform's work without one — and reclaiming one's nominal
 * quota preempts borrowers.
 */
import { Construct } from 'constructs';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import type { NetworkPolicyV1, NetworkPolicyV1Config } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { cpuQuantity, flavourShares, memoryQuantity, PLATFORM_NAMESPACES, TEAM_COHORT, TEAM_NAMESPACE_ROLE, teamBorrowing, toMi, toMilli, type FlavourShare, type QueueFlavor, type TeamOnCluster, type TeamPlan } from '../../plan';
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
  /** Ingress to metrics ports from AMP's managed scraper (AWS, monitoring bought). */
  managedScraper: 'allow-managed-scraper',
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

/** The container port name AMP's managed scraper may reach in a team's namespace. */
export const TEAM_METRICS_PORT = 'metrics';

/**
 * Where AMP's managed scraper reaches `cluster`'s pods from: the cluster's node subnets, where its
 * network interfaces are (AWS with monitoring bought); none elsewhere.
 */
function managedScraperRanges(platform: TeamPlatform, cluster: string): string[] {
  const spec = platform.plan.spec;
  if (spec.cloud !== 'aws' || spec.components.monitoring?.mode !== 'buy') return [];
  return (platform.plan.clusters.find((c) => c.name === cluster)?.nodeSubnets ?? []).map((s) => s.cidr);
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

    // AMP's managed scraper is no pod: it scrapes from its network interfaces in the cluster's
    // subnets. Only the ports named `metrics` open to those ranges.
    const scraperRanges = managedScraperRanges(platform, on.cluster);
    if (scraperRanges.length) {
      policy('AllowManagedScraper', TEAM_NETWORK_POLICIES.managedScraper, {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: scraperRanges.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: TEAM_METRICS_PORT, protocol: 'TCP' }] }],
      });
    }

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
