/**
 * cluster-autoscaler on EKS clusters (the default `autoscaler`): it resizes the cluster's managed
 * node groups, found by the tags EKS puts on their Auto Scaling groups, and behaves as the
 * cluster's flavour asks — least-waste and scale-down for services, no scale-down and a priority
 * order for brokers, fast scale-to-zero for batch.
 */
import type { IAddon } from './context';
import { Construct } from 'constructs';
import { awsNodePoolNames, PLATFORM_NAMESPACES, zonalNodeGroups, type ClusterPlan, type FlavourProfile } from '../../plan';
import type { ScrapeTarget } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
import type { AddonIdentity } from '../aws/addon-roles';
import { AddonRelease, type HelmValues } from './release';
import { CLUSTER_AUTOSCALER_IMAGE_TAGS } from '../../catalog/images';
import { controllerPriorityClass, controllerValues, type AddonContext } from './context';

/** cluster-autoscaler's utilisation threshold below which a node counts as empty. */
export const EMPTY_NODE_UTILIZATION_THRESHOLD = 0.001;

/**
 * The autoscaler's command-line flags for a flavour (the chart's free-form `extraArgs`):
 *
 * - `expander`: the profile's (least-waste: fewest idle resources after scale-up). The priority
 *   expander (streaming) falls back to least-waste among node groups of equal priority.
 * - `scale-down-enabled: false` on flavours that must not lose nodes (streaming: brokers hold
 *   partitions); otherwise `scale-down-unneeded-time` and `scale-down-delay-after-add` from the
 *   profile, which batch keeps short so that a burst's nodes go soon after it ends.
 * - `balance-similar-node-groups`: keep zones even when a pool spans them.
 * - `skip-nodes-with-local-storage: false`: emptyDir scratch space (caches, batch working files)
 *   must not pin a node forever.
 * - batch also removes nodes running kube-system pods (those have disruption budgets) and ignores
 *   DaemonSet utilisation (GPU and monitoring agents would otherwise keep idle nodes "busy"), so
 *   that pools really reach zero — but only empty nodes (`scaleDownOnlyEmpty`): a busy node is
 *   never drained under a running job.
 */
export function clusterAutoscalerArgs(profile: FlavourProfile): Record<string, string | boolean | number> {
  const args: Record<string, string | boolean | number> = {
    logtostderr: true,
    stderrthreshold: 'info',
    v: 4,
    expander: profile.expander === 'priority' ? 'priority,least-waste' : profile.expander,
    'balance-similar-node-groups': true,
    'skip-nodes-with-local-storage': false,
    'scale-down-enabled': profile.scaleDown,
  };
  if (profile.scaleDown) {
    args['scale-down-unneeded-time'] = profile.scaleDownUnneededTime;
    args['scale-down-delay-after-add'] = profile.scaleDownDelayAfterAdd;
  }
  if (profile.scaleToZero) {
    args['skip-nodes-with-system-pods'] = false;
    args['ignore-daemonsets-utilization'] = true;
  }
  if (profile.scaleDown && profile.scaleDownOnlyEmpty) {
    // Only nodes whose non-DaemonSet requests are (nearly) nothing are unneeded: any running pod
    // requests more than 0.1% of a node. Not 0, which versions before the 2026-01 fix
    // (kubernetes/autoscaler#8975) read as "never scale down".
    args['scale-down-utilization-threshold'] = EMPTY_NODE_UTILIZATION_THRESHOLD;
    args['ignore-daemonsets-utilization'] = true;
  }
  return args;
}

/** The node group UUID EKS appends to a managed node group's Auto Scaling group name. */
const ASG_UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * The priority expander's configuration (streaming): node groups in the spec's pool order, the
 * first pool the most preferred. EKS names a managed node group's Auto Scaling group
 * `eks-<node group>-<uuid>`; each expression names the pool's node groups exactly (one per zone
 * for zonal pools) followed by the UUID, so that pool `brokers` never also matches a pool named
 * `brokers-a` or `brokers-large`.
 */
export function expanderPriorities(platform: string, cluster: ClusterPlan): string {
  const lines: string[] = [];
  const n = cluster.pools.length;
  cluster.pools.forEach((pool, i) => {
    const groups = zonalNodeGroups(cluster, pool)
      ? pool.zones.map((z) => awsNodePoolNames(platform, cluster.name, pool.name, z).nodeGroup)
      : [awsNodePoolNames(platform, cluster.name, pool.name).nodeGroup];
    const names = groups.map((g) => g.replace(/[.]/g, '\\.'));
    const alternatives = names.length === 1 ? names[0]! : `(${names.join('|')})`;
    lines.push(`${(n - i) * 10}:`, `  - ^eks-${alternatives}-${ASG_UUID}$`);
  });
  return lines.join('\n') + '\n';
}

/** What {@link ClusterAutoscaler} needs from the cluster stack, beyond the add-on context. */
export interface ClusterAutoscalerProps {
  /** The role its service account assumes (from the cluster stack). */
  readonly role: AddonIdentity;
  /** The EKS cluster's name (auto-discovery tag `k8s.io/cluster-autoscaler/<name>`). */
  readonly clusterName: string;
  /** The cluster's AWS region, which the autoscaler calls the Auto Scaling API in. */
  readonly region: string;
}

/** cluster-autoscaler's values; see {@link clusterAutoscalerArgs} for the flags. */
export function clusterAutoscalerValues(ctx: AddonContext, props: ClusterAutoscalerProps): HelmValues {
  const plan = ctx.cluster.plan;
  const profile = plan.profile;
  const tag = CLUSTER_AUTOSCALER_IMAGE_TAGS[plan.kubernetesVersion];
  if (!tag) {
    throw new PlatformValidationError(
      `no cluster-autoscaler image for Kubernetes ${plan.kubernetesVersion}; add one to CLUSTER_AUTOSCALER_IMAGE_TAGS in catalog/images.ts`,
    );
  }
  return {
    cloudProvider: 'aws',
    awsRegion: props.region,
    autoDiscovery: { clusterName: props.clusterName },
    image: { tag },
    rbac: {
      serviceAccount: {
        create: true,
        name: props.role.serviceAccount,
        annotations: { 'eks.amazonaws.com/role-arn': props.role.roleArn },
      },
    },
    priorityClassName: controllerPriorityClass(ctx),
    extraArgs: clusterAutoscalerArgs(profile),
    ...(profile.expander === 'priority' ? { expanderPriorities: expanderPriorities(ctx.platform.name, plan) } : {}),
    ...controllerValues(ctx),
    service: { create: true },
    // No ServiceMonitor of the chart's in any mode: its metrics are declared instead
    // (clusterAutoscalerScrapeTargets) and scraped by whatever the platform monitors with.
    serviceMonitor: { enabled: false },
  };
}

/** The release name, which labels its pods (`app.kubernetes.io/instance`). */
export const CLUSTER_AUTOSCALER_RELEASE = 'cluster-autoscaler';
/** The chart's name label: `<cloudProvider>-cluster-autoscaler` unless overridden. */
export const CLUSTER_AUTOSCALER_NAME = 'aws-cluster-autoscaler';
/** The autoscaler's metrics port: the chart declares it on the container without a name. */
export const CLUSTER_AUTOSCALER_METRICS_PORT = 8085;

/** The autoscaler's metrics (plain http on its one container port, by number since the chart leaves it unnamed). */
export function clusterAutoscalerScrapeTargets(): ScrapeTarget[] {
  return [
    {
      name: 'cluster-autoscaler',
      namespace: PLATFORM_NAMESPACES.system,
      podSelector: { 'app.kubernetes.io/name': CLUSTER_AUTOSCALER_NAME, 'app.kubernetes.io/instance': CLUSTER_AUTOSCALER_RELEASE },
      port: CLUSTER_AUTOSCALER_METRICS_PORT,
    },
  ];
}

/**
 * The cluster-autoscaler release in the system namespace. It waits for nothing of the monitoring
 * component's — the monitoring stack's pods may need the very nodes the autoscaler adds — and
 * nothing it creates needs the Prometheus Operator's CRDs.
 */
export class ClusterAutoscaler extends Construct implements IAddon {
  /** The add-on's Helm releases. */
  get releases(): AddonRelease[] {
    return [this.release];
  }

  /** The autoscaler's release (catalogue chart `clusterAutoscaler`). */
  readonly release: AddonRelease;
  /** What it exposes to the platform's monitoring. */
  readonly scrapeTargets: readonly ScrapeTarget[] = clusterAutoscalerScrapeTargets();

  constructor(scope: Construct, id: string, ctx: AddonContext, props: ClusterAutoscalerProps) {
    super(scope, id);
    this.release = new AddonRelease(this, 'Release', {
      chart: 'clusterAutoscaler',
      releaseName: CLUSTER_AUTOSCALER_RELEASE,
      namespace: ctx.namespaces.system.name,
      values: clusterAutoscalerValues(ctx, props),
    });
  }
}
