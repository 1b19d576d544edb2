/**
 * Karpenter on EKS clusters with `autoscaler: karpenter`: the spec's pools become NodePools
 * (what may be launched, and how it is disrupted) with one EC2NodeClass each (how it is launched),
 * while the controller itself runs on the cluster's small system node group. Its IAM roles,
 * interruption queue and event rules are in the cluster stack (`constructs/aws/addon-roles.ts`).
 */
import type { IAddon } from './context';
import { KARPENTER_AMI_ALIAS, KARPENTER_AMI_RELEASE } from '../../catalog/images';
import { Construct } from 'constructs';
import { PLATFORM_NAMESPACES, poolLimits, type FlavourProfile, type NodePoolPlan, type PlatformContext } from '../../plan';
import type { RegionalCloud } from '../../catalog/regions';
import type { ScrapeTarget } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
import type { IAwsKubernetesCluster, KarpenterAttributes } from '../aws/addon-roles';
import { AddonRelease, CustomResources, type CustomResourceManifest, type HelmValues } from './release';
import { controllerPriorityClass, type AddonContext } from './context';
import { GPU_RESOURCE } from './kueue';

/** The API versions of the Karpenter objects Loom writes (Karpenter v1). */
export const KARPENTER_API = {
  /** `NodePool`: what may be launched, and how it is disrupted. */
  nodePool: 'karpenter.sh/v1',
  /** `EC2NodeClass`: how a node is launched on AWS (AMI, subnets, role). */
  ec2NodeClass: 'karpenter.k8s.aws/v1',
} as const;

/** The AMI alias for a cluster's Kubernetes version, or a clear error when the pinned release has no image for it. */
export function karpenterAmiAlias(kubernetesVersion: string): string {
  if (!(KARPENTER_AMI_RELEASE.kubernetesVersions as readonly string[]).includes(kubernetesVersion)) {
    throw new PlatformValidationError(
      `the pinned EKS AMI release ${KARPENTER_AMI_RELEASE.version} has no AL2023 image for Kubernetes ${kubernetesVersion}; bump KARPENTER_AMI_RELEASE in catalog/images.ts to a release that has one`,
    );
  }
  return KARPENTER_AMI_ALIAS;
}

/** The Karpenter controller's values: its cluster, IRSA role, interruption queue and placement. */
export function karpenterValues(ctx: AddonContext, cluster: IAwsKubernetesCluster, karpenter: KarpenterAttributes): HelmValues {
  return {
    serviceAccount: {
      create: true,
      name: karpenter.controllerRole.serviceAccount,
      annotations: { 'eks.amazonaws.com/role-arn': karpenter.controllerRole.roleArn },
    },
    settings: {
      clusterName: cluster.clusterName,
      clusterEndpoint: cluster.clusterEndpoint,
      interruptionQueue: karpenter.interruptionQueueName,
    },
    priorityClassName: controllerPriorityClass(ctx),
    // On the system node group, which Karpenter does not manage (the chart already keeps it off
    // Karpenter's own nodes and tolerates CriticalAddonsOnly).
    nodeSelector: { 'kubernetes.io/os': 'linux', 'loom.dev/role': 'system', ...ctx.controllerNodeSelector },
    controller: {
      // The region explicitly: Karpenter takes it from the SDK's environment, else from IMDS, which
      // the nodes' hop limit of 1 closes to pods. EKS's IRSA webhook injects AWS_REGION today;
      // this keeps Karpenter working without it (e.g. under EKS Pod Identity, which does not).
      env: [{ name: 'AWS_REGION', value: cluster.region }],
      resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } },
    },
    // No ServiceMonitor of the chart's in any mode: its metrics are declared instead
    // (karpenterScrapeTargets) and scraped by whatever the platform monitors with.
    serviceMonitor: { enabled: false },
  };
}

/** How Karpenter may disrupt a pool's nodes: the flavour's GPU settings for GPU pools, its general ones otherwise. */
export function karpenterDisruptionOf(profile: FlavourProfile, pool: Pick<NodePoolPlan, 'gpu'>): FlavourProfile['karpenter'] {
  return pool.gpu ? profile.karpenterGpu : profile.karpenter;
}

/** The release name, which labels the controller's pods (`app.kubernetes.io/instance`). */
export const KARPENTER_RELEASE = 'karpenter';

/** The controller's metrics, on its `http-metrics` container port (`controller.metrics.port`, plain http). */
export function karpenterScrapeTargets(): ScrapeTarget[] {
  return [
    {
      name: 'karpenter',
      namespace: PLATFORM_NAMESPACES.system,
      podSelector: { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': KARPENTER_RELEASE },
      port: 'http-metrics',
    },
  ];
}

/** The EC2NodeClass of a pool: AMI, subnets and security group of the cluster, disk, IMDSv2, tags. */
export function ec2NodeClassManifest(plan: Pick<PlatformContext, "labels">, cluster: IAwsKubernetesCluster, karpenter: KarpenterAttributes, pool: NodePoolPlan): CustomResourceManifest {
  const clusterPlan = cluster.plan;
  return {
    apiVersion: KARPENTER_API.ec2NodeClass,
    kind: 'EC2NodeClass',
    metadata: { name: pool.name, labels: { 'app.kubernetes.io/managed-by': 'loom', 'loom.dev/pool': pool.name } },
    spec: {
      role: karpenter.nodeRoleName,
      amiSelectorTerms: [{ alias: karpenterAmiAlias(clusterPlan.kubernetesVersion) }],
      // The cluster's node subnets carry this tag (the network stack sets it); the pool's zones are
      // a requirement of its NodePool.
      subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': clusterPlan.resourceName } }],
      // The security group EKS creates for the cluster, which its managed nodes use too.
      securityGroupSelectorTerms: [{ tags: { 'aws:eks:cluster-name': clusterPlan.resourceName } }],
      // IMDSv2 only, hop limit 1: pods cannot borrow the node's credentials (as on managed nodes).
      metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          rootVolume: true,
          ebs: { volumeSize: `${pool.diskGb}Gi`, volumeType: 'gp3', encrypted: true, deleteOnTermination: true },
        },
      ],
      tags: { ...plan.labels, Name: `${clusterPlan.resourceName}-${pool.name}`, 'loom.dev/pool': pool.name },
    },
  };
}

/**
 * The NodePool of a pool:
 *
 * - requirements: the pool's machine types, its capacity type (spot or on-demand), its zones;
 * - the pool's labels and taints on every node;
 * - limits: `maxNodes` nodes, and CPU, memory (and GPUs) of `maxNodes` of its largest machine type;
 * - disruption from the flavour (`karpenterDisruptionOf`: GPU pools have their own): consolidation
 *   policy, `consolidateAfter` (the profile's scale-down time), a budget (`0` for streaming: brokers
 *   are never voluntarily disrupted), a separate budget for drift where the flavour forbids
 *   replacing a busy node for a new image (batch and GPU pools: `0`, so a drifted node goes only
 *   once empty), and node expiry (never for streaming and batch: expiry is forceful — it ignores
 *   budgets and would kill a running job).
 */
export function nodePoolManifest(cloud: RegionalCloud, cluster: IAwsKubernetesCluster, pool: NodePoolPlan): CustomResourceManifest {
  const clusterPlan = cluster.plan;
  const disruption = karpenterDisruptionOf(clusterPlan.profile, pool);
  const limits = poolLimits(cloud, clusterPlan, pool);
  return {
    apiVersion: KARPENTER_API.nodePool,
    kind: 'NodePool',
    metadata: { name: pool.name, labels: { 'app.kubernetes.io/managed-by': 'loom', 'loom.dev/pool': pool.name } },
    spec: {
      template: {
        metadata: { labels: { ...pool.labels } },
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: pool.name },
          requirements: [
            { key: 'node.kubernetes.io/instance-type', operator: 'In', values: [...pool.machineTypes] },
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: [pool.spot ? 'spot' : 'on-demand'] },
            { key: 'topology.kubernetes.io/zone', operator: 'In', values: [...pool.zones] },
            { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
          ],
          ...(pool.taints.length ? { taints: pool.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })) } : {}),
          expireAfter: disruption.expireAfter,
        },
      },
      limits: {
        nodes: String(limits.nodes),
        cpu: String(limits.vcpu),
        memory: `${limits.memoryGiB}Gi`,
        ...(limits.gpus > 0 ? { [GPU_RESOURCE]: String(limits.gpus) } : {}),
      },
      disruption: {
        consolidationPolicy: disruption.consolidationPolicy,
        consolidateAfter: clusterPlan.profile.scaleDownUnneededTime,
        budgets: [
          { nodes: disruption.disruptionBudget },
          ...(disruption.driftBudget !== undefined ? [{ nodes: disruption.driftBudget, reasons: ['Drifted'] }] : []),
        ],
      },
    },
  };
}

/** The release of the pools' NodePools and EC2NodeClasses. */
export const KARPENTER_NODEPOOLS_RELEASE = 'loom-karpenter-nodepools';

/**
 * Karpenter's CRDs, controller, and a NodePool and EC2NodeClass per pool — the latter as one
 * release of Loom's resources chart, after the CRDs and the controller. Nothing here waits for the
 * monitoring component — its pods need the nodes Karpenter launches.
 */
export class Karpenter extends Construct implements IAddon {
  /** The add-on's Helm releases. */
  get releases(): AddonRelease[] {
    return [this.crds, this.release];
  }

  /** The CRDs' release (catalogue chart `karpenterCrd`), so that `helm upgrade` upgrades them. */
  readonly crds: AddonRelease;
  /** The controller's release (catalogue chart `karpenter`, its `crds/` skipped). */
  readonly release: AddonRelease;
  /** Every pool's EC2NodeClass and NodePool. */
  readonly pools: CustomResources;
  /** What it exposes to the platform's monitoring. */
  readonly scrapeTargets: readonly ScrapeTarget[] = karpenterScrapeTargets();

  constructor(scope: Construct, id: string, ctx: AddonContext, cluster: IAwsKubernetesCluster, karpenter: KarpenterAttributes) {
    super(scope, id);
    const namespace = ctx.namespaces.system.name;
    // CRDs as their own chart, so that `helm upgrade` upgrades them (Helm never touches a chart's crds/ after install).
    this.crds = new AddonRelease(this, 'Crds', { chart: 'karpenterCrd', releaseName: 'karpenter-crd', namespace, values: {} });
    this.release = new AddonRelease(this, 'Release', {
      chart: 'karpenter',
      releaseName: KARPENTER_RELEASE,
      namespace,
      values: karpenterValues(ctx, cluster, karpenter),
      skipCrds: true,
      dependsOn: [this.crds.resource],
    });
    // One release for both kinds (Helm creates custom kinds sorted by kind name, EC2NodeClass
    // before NodePool; a NodePool whose class is not there yet just waits for it).
    this.pools = new CustomResources(this, 'Pools', {
      releaseName: KARPENTER_NODEPOOLS_RELEASE,
      namespace,
      manifests: [
        ...cluster.plan.pools.map((pool) => ec2NodeClassManifest(ctx.platform, cluster, karpenter, pool)),
        ...cluster.plan.pools.map((pool) => nodePoolManifest('aws', cluster, pool)),
      ],
      dependsOn: [this.crds.resource, this.release.resource],
    });
  }
}
