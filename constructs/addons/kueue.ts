/**
 * Kueue on batch clusters: jobs wait in a queue until the cluster has room for all of their pods,
 * instead of half-starting and holding nodes the autoscaler then cannot free.
 *
 * - The controller (Helm), with its integrations kept away from the platform's own namespaces.
 * - One `ResourceFlavor` per node pool (or, on existing clusters, per `existing.capacity` group):
 *   its node labels, plus tolerations for GPU pools, which Kueue adds to the pods it admits there.
 * - One `ClusterQueue`, `loom-batch`, with a nominal quota per flavour: `maxNodes` × the machine
 *   type's vCPUs, memory and GPUs (see `plan/capacity.ts` for multi-type pools). CPU flavours
 *   come first, so CPU-only work fills CPU pools before it spills onto GPU nodes; jobs of a higher
 *   priority class may preempt lower ones within the queue (`loom-batch-high` over `loom-batch-low`).
 *   Where teams are onboarded (`teams[]`, see `constructs/teams/space.ts`) it keeps only what their
 *   nominal quotas leave, in their cohort, so that the cluster is promised once.
 * - A `LocalQueue` named `default` in the workloads namespace: jobs there without a
 *   `kueue.x-k8s.io/queue-name` label are queued in it.
 */
import type { IAddon } from './context';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { ScrapeTarget } from '../core/contracts';
import { cpuQuantity, memoryQuantity, PLATFORM_NAMESPACES, platformQueueShares, queueFlavors, TEAM_COHORT, type QueueFlavor, type TeamOnCluster } from '../../plan';
import { AddonRelease, CustomResources, type CustomResourceManifest, type HelmValues } from './release';
import { controllerPriorityClass, controllerValues, tolerationFor, type AddonContext } from './context';

/** Kueue's API version for the resources Loom writes (v0.19 stores v1beta2). */
export const KUEUE_API_VERSION = 'kueue.x-k8s.io/v1beta2';
/** The one ClusterQueue of a batch cluster, holding the quota of every flavour. */
export const CLUSTER_QUEUE_NAME = 'loom-batch';
/** The LocalQueue of the workloads namespace, where jobs without a `kueue.x-k8s.io/queue-name` label go. */
export const LOCAL_QUEUE_NAME = 'default';
/** The GPU resource the NVIDIA device plugin advertises. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/**
 * The chart's default controller configuration (`managerConfig.controllerManagerConfigYaml` of
 * kueue 0.19.2), which Loom extends; the add-on tests compare it with the chart's.
 */
export const KUEUE_DEFAULT_CONTROLLER_CONFIG = {
  /** The configuration file's API version. */
  apiVersion: 'config.kueue.x-k8s.io/v1beta2',
  /** The configuration file's kind. */
  kind: 'Configuration',
  /** The health probes' endpoint. */
  health: {
    /** Where the liveness and readiness probes are served. */
    healthProbeBindAddress: ':8081',
  },
  /** The metrics endpoint. */
  metrics: {
    /** Where metrics are served (https; {@link KUEUE_METRICS_PORT}). */
    bindAddress: ':8443',
  },
  /** The admission webhooks' server. */
  webhook: {
    /** The webhook server's port. */
    port: 9443,
  },
  /** Leader election among the controller's replicas. */
  leaderElection: {
    /** Elect a leader, so that two replicas never reconcile at once. */
    leaderElect: true,
    /** The lease the replicas contend for. */
    resourceName: 'c1f6bfd2.kueue.x-k8s.io',
  },
  /** The controllers' settings. */
  controller: {
    /** How many objects of each kind are reconciled at once. */
    groupKindConcurrency: {
      /** Jobs (`batch/v1`). */
      'Job.batch': 5,
      /** Plain pods. */
      Pod: 5,
      /** Kueue's Workloads. */
      'Workload.kueue.x-k8s.io': 10,
      /** LocalQueues. */
      'LocalQueue.kueue.x-k8s.io': 5,
      /** ClusterQueues. */
      'ClusterQueue.kueue.x-k8s.io': 5,
      /** ResourceFlavors. */
      'ResourceFlavor.kueue.x-k8s.io': 1,
    },
  },
  /** The controller's client of the API server. */
  clientConnection: {
    /** Requests per second, sustained. */
    qps: 300,
    /** Requests per second, in bursts. */
    burst: 500,
  },
  /** The job frameworks Kueue manages. */
  integrations: {
    /** The frameworks, by group and kind (`batch/job`, `ray.io/rayjob`, …). */
    frameworks: [
      'batch/job',
      'kubeflow.org/mpijob',
      'ray.io/rayjob',
      'ray.io/rayservice',
      'ray.io/raycluster',
      'jobset.x-k8s.io/jobset',
      'workload.codeflare.dev/appwrapper',
      'trainer.kubeflow.org/trainjob',
      'pod',
      'deployment',
      'statefulset',
      'leaderworkerset.x-k8s.io/leaderworkerset',
    ],
  },
} as const;

/**
 * Kueue's controller configuration: the chart's default, with `managedJobsNamespaceSelector`
 * narrowed so that Kueue never manages (or gates) pods in kube-system or the platform's own
 * namespaces — a queue must not stand between the cluster and its controllers — and per-ClusterQueue
 * resource metrics (a configuration switch, on in every mode).
 */
export function kueueControllerConfig(): Record<string, unknown> {
  const d = KUEUE_DEFAULT_CONTROLLER_CONFIG;
  return {
    ...d,
    metrics: { ...d.metrics, enableClusterQueueResources: true },
    managedJobsNamespaceSelector: {
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', PLATFORM_NAMESPACES.system, PLATFORM_NAMESPACES.nodeAgents] },
      ],
    },
  };
}

/**
 * Kueue's values: priority class and tolerations of the controllers, HA in prod. `enablePrometheus`
 * stays off in every mode: it only adds the chart's ServiceMonitor (and a Role for a
 * `prometheus-k8s` service account); the metrics endpoint itself is always served — see
 * {@link kueueScrapeTargets}.
 */
export function kueueValues(ctx: AddonContext): HelmValues {
  return {
    enablePrometheus: false,
    controllerManager: {
      manager: { priorityClassName: controllerPriorityClass(ctx) },
      ...(ctx.highAvailability ? { replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } } : {}),
      ...controllerValues(ctx),
    },
    managerConfig: { controllerManagerConfigYaml: stringify(kueueControllerConfig(), { lineWidth: 0, aliasDuplicateObjects: false }) },
  };
}

/** The release name, which labels the controller's pods (`app.kubernetes.io/instance`). */
export const KUEUE_RELEASE = 'kueue';
/** The controller's metrics port (`metrics.bindAddress` of the configuration, declared on the pod). */
export const KUEUE_METRICS_PORT = 8443;

/**
 * Kueue's metrics: the controller manager serves them over https with a self-signed certificate,
 * to clients whose token may `get` `/metrics` (controller-runtime's authentication and
 * authorization filter), as the chart's own ServiceMonitor scrapes them.
 */
export function kueueScrapeTargets(): ScrapeTarget[] {
  return [
    {
      name: 'kueue',
      namespace: PLATFORM_NAMESPACES.system,
      podSelector: { 'app.kubernetes.io/name': 'kueue', 'app.kubernetes.io/instance': KUEUE_RELEASE, 'control-plane': 'controller-manager' },
      port: KUEUE_METRICS_PORT,
      scheme: 'https',
      insecureSkipVerify: true,
      auth: 'service-account-token',
    },
  ];
}

/** The ResourceFlavor of a queue flavour. */
export function resourceFlavorManifest(flavor: QueueFlavor, labels: Record<string, string>): CustomResourceManifest {
  return {
    apiVersion: KUEUE_API_VERSION,
    kind: 'ResourceFlavor',
    metadata: { name: flavor.name, labels },
    spec: {
      nodeLabels: { ...flavor.nodeLabels },
      ...(flavor.taints.length ? { tolerations: flavor.taints.map(tolerationFor) } : {}),
    },
  };
}

/** The covered resources of the cluster queue: CPU and memory, and GPUs where a flavour has them. */
export function coveredResources(flavors: readonly QueueFlavor[]): string[] {
  return flavors.some((f) => f.quota.gpus > 0) ? ['cpu', 'memory', GPU_RESOURCE] : ['cpu', 'memory'];
}

/**
 * The ClusterQueue: one resource group, a nominal quota per flavour (every covered resource, in
 * order). Alone on the cluster it holds every flavour whole. With `teams` on the cluster it joins
 * their cohort holding what they leave ({@link platformQueueShares}), so that the cohort's nominal
 * quotas add up to the cluster once: the platform's work borrows what the teams leave idle, and
 * each side takes its own nominal quota back by preempting borrowers.
 */
export function clusterQueueManifest(flavors: readonly QueueFlavor[], labels: Record<string, string>, teams: readonly Pick<TeamOnCluster, 'quota'>[] = []): CustomResourceManifest {
  const covered = coveredResources(flavors);
  const kept = teams.length ? platformQueueShares(flavors, teams) : undefined;
  const quantity = (f: QueueFlavor, i: number, resource: string): string => {
    const share = kept?.[i];
    switch (resource) {
      case 'cpu':
        return share ? cpuQuantity(share.cpu) : String(f.quota.vcpu);
      case 'memory':
        return share ? memoryQuantity(share.memory) : `${f.quota.memoryGiB}Gi`;
      default:
        return String(share ? share.gpus : f.quota.gpus);
    }
  };
  return {
    apiVersion: KUEUE_API_VERSION,
    kind: 'ClusterQueue',
    metadata: { name: CLUSTER_QUEUE_NAME, labels },
    spec: {
      ...(kept ? { cohortName: TEAM_COHORT } : {}),
      // Which namespaces may use it is decided by where LocalQueues point at it.
      namespaceSelector: {},
      queueingStrategy: 'BestEffortFIFO',
      preemption: kept ? { withinClusterQueue: 'LowerPriority', reclaimWithinCohort: 'Any' } : { withinClusterQueue: 'LowerPriority' },
      resourceGroups: [
        {
          coveredResources: covered,
          flavors: flavors.map((f, i) => ({ name: f.name, resources: covered.map((r) => ({ name: r, nominalQuota: quantity(f, i, r) })) })),
        },
      ],
    },
  };
}

/** The LocalQueue `default` of the workloads namespace. */
export function localQueueManifest(labels: Record<string, string>): CustomResourceManifest {
  return {
    apiVersion: KUEUE_API_VERSION,
    kind: 'LocalQueue',
    metadata: { name: LOCAL_QUEUE_NAME, namespace: PLATFORM_NAMESPACES.workloads, labels },
    spec: { clusterQueue: CLUSTER_QUEUE_NAME },
  };
}

/** The release of the platform's flavours and queues. */
export const KUEUE_QUEUES_RELEASE = 'loom-kueue-queues';

/**
 * Kueue's controller and the platform's queues: the flavours, the cluster queue and the local
 * queue as one release of Loom's resources chart, after the controller (whose release brings the
 * CRDs and the webhooks that validate them) and the workloads namespace.
 */
export class Kueue extends Construct implements IAddon {
  /** The add-on's Helm releases. */
  get releases(): AddonRelease[] {
    return [this.release];
  }

  /** The controller's release (catalogue chart `kueue`), which brings the CRDs and webhooks. */
  readonly release: AddonRelease;
  /** What it exposes to the platform's monitoring. */
  readonly scrapeTargets: readonly ScrapeTarget[] = kueueScrapeTargets();
  /** The queue flavours, one per node pool (or `existing.capacity` group), CPU ones first. */
  readonly flavors: readonly QueueFlavor[];
  /** Absent on an existing cluster whose spec describes no capacity. */
  readonly queues?: CustomResources;

  constructor(scope: Construct, id: string, ctx: AddonContext) {
    super(scope, id);
    this.release = new AddonRelease(this, 'Release', {
      chart: 'kueue',
      releaseName: KUEUE_RELEASE,
      namespace: ctx.namespaces.system.name,
      values: kueueValues(ctx),
    });
    this.flavors = queueFlavors(ctx.cluster.cloud, ctx.cluster.plan);
    if (this.flavors.length === 0) return;

    const labels = { 'app.kubernetes.io/managed-by': 'loom', 'loom.dev/cluster': ctx.cluster.plan.name };
    this.queues = new CustomResources(this, 'Queues', {
      releaseName: KUEUE_QUEUES_RELEASE,
      namespace: ctx.namespaces.system.name,
      manifests: [...this.flavors.map((f) => resourceFlavorManifest(f, labels)), clusterQueueManifest(this.flavors, labels, ctx.teams), localQueueManifest(labels)],
      // The LocalQueue names the workloads namespace literally: wait for it explicitly.
      dependsOn: [this.release.resource, ctx.namespaces.workloads.resource],
    });
  }
}
