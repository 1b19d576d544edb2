/**
 * The platform add-ons of one cluster — what turns a cluster into a platform — chosen from the
 * cluster's cloud and flavour:
 *
 * | add-on | EKS | GKE | existing |
 * |---|---|---|---|
 * | node autoscaling | cluster-autoscaler, or Karpenter (`autoscaler: karpenter`) | built in | the cluster's own |
 * | NVIDIA GPU operator | GPU pools | GPU pools | `existing.gpu` |
 * | Kueue + queues | batch | batch | batch (queues from `existing.capacity`) |
 * | cert-manager | always | always | always |
 * | metrics-server | always | built in | unless `existing.metricsServer` |
 * | load balancing | AWS Load Balancer Controller | built in | none imposed |
 *
 * Everything is installed with the Kubernetes and Helm providers of the cluster's add-ons stack;
 * what an add-on needs from AWS (IAM roles, Karpenter's queue) comes from the cluster stack
 * through {@link IAwsKubernetesCluster}.
 *
 * The add-ons know nothing of the platform's monitoring: each serves its metrics and declares
 * them as scrape targets ({@link PlatformAddons.scrapeTargets}) whatever the monitoring mode,
 * with its chart's own ServiceMonitors off; the monitoring component, when there is one, renders
 * the targets in its own form (`IMonitoring.scrape`). Switching the monitoring mode therefore
 * changes no add-on resource.
 */
import { Construct } from 'constructs';
import type { IKubernetesCluster, ScrapeTarget } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
import { isAwsKubernetesCluster } from '../aws/aws-cluster';
import { ADDON_SERVICE_ACCOUNTS, type TeamOnCluster } from '../../plan';
import { platformOf } from '../core/stack';
import { finalizePools } from '../core/pools';
import type { PriorityClasses } from '../kubernetes/priority-classes';
import { Aspects, TerraformStack } from '../core/cdk';
import { controllerPlacement, type AddonContext, type AddonDefinition, type AddonNamespaces, type AddonTarget, type IAddon } from './context';
import { ServiceWebhookOrdering, type AddonRelease } from './release';
import { CertManager } from './cert-manager';
import { MetricsServer, needsMetricsServer } from './metrics-server';
import { ClusterAutoscaler } from './cluster-autoscaler';
import { Karpenter } from './karpenter';
import { AwsLoadBalancerController } from './aws-load-balancer-controller';
import { GpuOperator, needsGpuOperator } from './gpu-operator';
import { Kueue } from './kueue';

export * from '../../catalog/charts';
export * from './context';
export * from './release';
export * from './cert-manager';
export * from './metrics-server';
export * from './cluster-autoscaler';
export * from './karpenter';
export * from './aws-load-balancer-controller';
export * from './gpu-operator';
export * from './kueue';

/** Props of {@link PlatformAddons}. */
export interface PlatformAddonsProps {
  /** The cluster the add-ons go on. */
  readonly cluster: IKubernetesCluster;
  /** The platform namespaces of its add-ons stack. */
  readonly namespaces: AddonNamespaces;
  /** The flavour's priority classes. */
  readonly priorityClasses: PriorityClasses;
  /**
   * Add-ons beyond Loom's own, installed after them on the clusters they apply to.
   * @default none
   */
  readonly extraAddons?: readonly AddonDefinition[];
  /**
   * The teams onboarded onto the cluster, with their share of it (a batch cluster's queue leaves
   * their nominal quota to them).
   * @default none
   */
  readonly teams?: readonly TeamOnCluster[];
}

const awsCluster = (cluster: IKubernetesCluster, scope: Construct) => {
  if (!isAwsKubernetesCluster(cluster)) {
    throw new PlatformValidationError(`cluster '${cluster.plan.name}' is on AWS but carries no add-on roles; build it with EksCluster (or implement IAwsKubernetesCluster)`, scope);
  }
  return cluster;
};

/**
 * Loom's add-ons, in the order they are installed and listed (see the module comment for which
 * cluster gets which). The one table `PlatformAddons` installs from and {@link plannedAddons}
 * summarizes.
 */
export const PLATFORM_ADDONS: readonly AddonDefinition[] = [
  { name: 'cert-manager', appliesTo: () => true, install: (scope, ctx) => new CertManager(scope, 'CertManager', ctx) },
  { name: 'metrics-server', appliesTo: needsMetricsServer, install: (scope, ctx) => new MetricsServer(scope, 'MetricsServer', ctx) },
  {
    name: 'cluster-autoscaler',
    appliesTo: (c) => c.cloud === 'aws' && c.plan.autoscaler !== 'karpenter',
    install: (scope, ctx) => {
      const cluster = awsCluster(ctx.cluster, scope);
      const role = cluster.addonRoles.clusterAutoscaler;
      if (!role) throw new PlatformValidationError(`EKS cluster '${cluster.plan.name}' has neither Karpenter nor a cluster-autoscaler role; its cluster stack must create one`, scope);
      checkServiceAccount(scope, 'clusterAutoscaler', role);
      return new ClusterAutoscaler(scope, 'ClusterAutoscaler', ctx, { role, clusterName: cluster.clusterName, region: cluster.region });
    },
  },
  {
    name: 'karpenter',
    appliesTo: (c) => c.cloud === 'aws' && c.plan.autoscaler === 'karpenter',
    install: (scope, ctx) => {
      const cluster = awsCluster(ctx.cluster, scope);
      if (!cluster.karpenter) throw new PlatformValidationError(`EKS cluster '${cluster.plan.name}' uses Karpenter but has no Karpenter roles or queue; its cluster stack must create them (EksCluster does)`, scope);
      checkServiceAccount(scope, 'karpenter', cluster.karpenter.controllerRole);
      return new Karpenter(scope, 'Karpenter', ctx, cluster, cluster.karpenter);
    },
  },
  {
    // Its Service webhook fails closed, so every other release of the stack — add-ons and
    // components, before or after it in this table — is ordered after it (ServiceWebhookOrdering),
    // except cert-manager, which issues the webhook's certificate.
    name: 'aws-load-balancer-controller',
    appliesTo: (c) => c.cloud === 'aws',
    install: (scope, ctx, installed) => {
      const cluster = awsCluster(ctx.cluster, scope);
      const roles = cluster.addonRoles;
      checkServiceAccount(scope, 'loadBalancerController', roles.loadBalancerController);
      const certManager = (installed.get('cert-manager') as CertManager).release.resource;
      const controller = new AwsLoadBalancerController(scope, 'LoadBalancerController', ctx, {
        role: roles.loadBalancerController,
        clusterName: cluster.clusterName,
        region: cluster.region,
        vpcId: cluster.vpcId,
        certManager,
      });
      Aspects.of(TerraformStack.of(scope)).add(new ServiceWebhookOrdering(controller.release.resource, [certManager]));
      return controller;
    },
  },
  { name: 'gpu-operator', appliesTo: needsGpuOperator, install: (scope, ctx) => new GpuOperator(scope, 'GpuOperator', ctx) },
  { name: 'kueue', appliesTo: (c) => c.flavour === 'batch', install: (scope, ctx) => new Kueue(scope, 'Kueue', ctx) },
];

/** Which add-ons a cluster gets, without building them (for summaries and tests): the table's verdict. */
export function plannedAddons(cluster: AddonTarget, extra: readonly AddonDefinition[] = []): string[] {
  return [...PLATFORM_ADDONS, ...extra].filter((a) => a.appliesTo(cluster)).map((a) => a.name);
}

/** The add-ons of one cluster, installed from {@link PLATFORM_ADDONS} (see the module comment). */
export class PlatformAddons extends Construct {
  /** The context every add-on was built with. */
  readonly context: AddonContext;
  private readonly installed = new Map<string, IAddon>();

  constructor(scope: Construct, id: string, props: PlatformAddonsProps) {
    super(scope, id);
    const { cluster } = props;
    finalizePools(cluster);
    const placement = controllerPlacement(cluster.plan);
    const platform = platformOf(this);
    this.context = {
      platform,
      cluster,
      namespaces: props.namespaces,
      priorityClasses: props.priorityClasses,
      highAvailability: platform.environment === 'prod',
      controllerTolerations: placement.tolerations,
      controllerNodeSelector: placement.nodeSelector,
      teams: props.teams ?? [],
    };
    for (const addon of [...PLATFORM_ADDONS, ...(props.extraAddons ?? [])]) this.addAddon(addon);
  }

  /**
   * Installs `addon` when it applies to the cluster, after the ones installed so far; returns it,
   * or undefined when the cluster does not get it. Its scrape targets join {@link scrapeTargets}.
   */
  addAddon(addon: AddonDefinition): IAddon | undefined {
    if (this.installed.has(addon.name)) throw new PlatformValidationError(`add-on '${addon.name}' is already installed on cluster '${this.context.cluster.plan.name}'`, this);
    if (!addon.appliesTo(this.context.cluster)) return undefined;
    const installed = addon.install(this, this.context, this.installed);
    this.installed.set(addon.name, installed);
    return installed;
  }

  /** The installed add-on called `name`, if the cluster has it. */
  addon(name: string): IAddon | undefined {
    return this.installed.get(name);
  }

  /** Names of the installed add-ons, in install order. */
  get names(): string[] {
    return [...this.installed.keys()];
  }

  /** cert-manager (every cluster gets it). */
  get certManager(): CertManager {
    return this.installed.get('cert-manager') as CertManager;
  }
  /** metrics-server, where the cluster lacks one of its own. */
  get metricsServer(): MetricsServer | undefined {
    return this.installed.get('metrics-server') as MetricsServer | undefined;
  }
  /** The cluster-autoscaler (EKS clusters without Karpenter). */
  get clusterAutoscaler(): ClusterAutoscaler | undefined {
    return this.installed.get('cluster-autoscaler') as ClusterAutoscaler | undefined;
  }
  /** Karpenter (EKS clusters with `autoscaler: karpenter`). */
  get karpenter(): Karpenter | undefined {
    return this.installed.get('karpenter') as Karpenter | undefined;
  }
  /** The AWS Load Balancer Controller (EKS clusters). */
  get loadBalancerController(): AwsLoadBalancerController | undefined {
    return this.installed.get('aws-load-balancer-controller') as AwsLoadBalancerController | undefined;
  }
  /** The NVIDIA GPU operator, where the cluster has GPU nodes. */
  get gpuOperator(): GpuOperator | undefined {
    return this.installed.get('gpu-operator') as GpuOperator | undefined;
  }
  /** Kueue and its queues (batch clusters). */
  get kueue(): Kueue | undefined {
    return this.installed.get('kueue') as Kueue | undefined;
  }

  /** Every Helm release of the add-ons, in install order. */
  get releases(): AddonRelease[] {
    return [...this.installed.values()].flatMap((a) => [...a.releases]);
  }

  /**
   * What the add-ons expose to the platform's monitoring, in install order: one scrape target per
   * metrics endpoint, the same whatever the monitoring mode (and whether there is a monitoring
   * component at all). `MlPlatform` hands them to `IMonitoring.scrape`.
   */
  get scrapeTargets(): ScrapeTarget[] {
    return [...this.installed.values()].flatMap((addon) => addon.scrapeTargets).map((t) => ({ ...t, podSelector: { ...t.podSelector } }));
  }
}

/** The role the cluster stack made must trust the service account the chart will create. */
function checkServiceAccount(scope: Construct, addon: keyof typeof ADDON_SERVICE_ACCOUNTS, role: { namespace: string; serviceAccount: string }): void {
  const expected = ADDON_SERVICE_ACCOUNTS[addon];
  if (role.namespace !== expected.namespace || role.serviceAccount !== expected.name) {
    throw new PlatformValidationError(
      `the ${addon} role trusts ${role.namespace}/${role.serviceAccount}, but the add-on runs as ${expected.namespace}/${expected.name}`,
      scope,
    );
  }
}

/**
 * Installs the platform add-ons of `props.cluster` into `scope` (an add-ons stack) and returns
 * them; see {@link PlatformAddons}.
 */
export function installAddons(scope: Construct, props: PlatformAddonsProps): PlatformAddons {
  return new PlatformAddons(scope, 'Addons', props);
}
