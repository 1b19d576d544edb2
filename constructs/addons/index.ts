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
import { ADDON_SERVICE_ACCOUNTS, type PlatformPlan } from '../../plan';
import type { PriorityClasses } from '../kubernetes/priority-classes';
import { Aspects, TerraformStack } from '../core/cdk';
import { controllerPlacement, type AddonContext, type AddonNamespaces } from './context';
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

export interface PlatformAddonsProps {
  readonly plan: PlatformPlan;
  readonly cluster: IKubernetesCluster;
  readonly namespaces: AddonNamespaces;
  readonly priorityClasses: PriorityClasses;
}

/** Which add-ons a cluster gets, without building them (for summaries and tests). */
export function plannedAddons(cluster: IKubernetesCluster): string[] {
  const aws = isAwsKubernetesCluster(cluster);
  const out = ['cert-manager'];
  if (needsMetricsServer(cluster)) out.push('metrics-server');
  if (aws) out.push(cluster.karpenter ? 'karpenter' : 'cluster-autoscaler', 'aws-load-balancer-controller');
  if (needsGpuOperator(cluster)) out.push('gpu-operator');
  if (cluster.flavour === 'batch') out.push('kueue');
  return out;
}

/** The add-ons of one cluster (see the module comment for which it gets). */
export class PlatformAddons extends Construct {
  readonly certManager: CertManager;
  readonly metricsServer?: MetricsServer;
  readonly clusterAutoscaler?: ClusterAutoscaler;
  readonly karpenter?: Karpenter;
  readonly loadBalancerController?: AwsLoadBalancerController;
  readonly gpuOperator?: GpuOperator;
  readonly kueue?: Kueue;
  /** The context every add-on was built with. */
  readonly context: AddonContext;

  constructor(scope: Construct, id: string, props: PlatformAddonsProps) {
    super(scope, id);
    const { plan, cluster } = props;
    const placement = controllerPlacement(cluster.plan);
    const base: AddonContext = {
      plan,
      cluster,
      namespaces: props.namespaces,
      priorityClasses: props.priorityClasses,
      highAvailability: plan.environment === 'prod',
      controllerTolerations: placement.tolerations,
      controllerNodeSelector: placement.nodeSelector,
    };

    this.certManager = new CertManager(this, 'CertManager', base);

    // The load balancer controller first (after cert-manager, which issues its webhook's
    // certificate): its Service webhook fails closed, so every other release of the stack —
    // add-ons here, components later — is ordered after it (ServiceWebhookOrdering).
    if (isAwsKubernetesCluster(cluster)) {
      const roles = cluster.addonRoles;
      checkServiceAccount(this, 'loadBalancerController', roles.loadBalancerController);
      this.loadBalancerController = new AwsLoadBalancerController(this, 'LoadBalancerController', base, {
        role: roles.loadBalancerController,
        clusterName: cluster.clusterName,
        region: cluster.region,
        vpcId: cluster.vpcId,
        certManager: this.certManager.release.resource,
      });
      Aspects.of(TerraformStack.of(this)).add(new ServiceWebhookOrdering(this.loadBalancerController.release.resource, [this.certManager.release.resource]));
    } else if (cluster.cloud === 'aws') {
      throw new PlatformValidationError(
        `cluster '${cluster.plan.name}' is on AWS but carries no add-on roles; build it with EksCluster (or implement IAwsKubernetesCluster)`,
        this,
      );
    }
    this.context = this.loadBalancerController ? { ...base, serviceWebhookReady: this.loadBalancerController.release.resource } : base;
    const ctx = this.context;

    if (needsMetricsServer(cluster)) this.metricsServer = new MetricsServer(this, 'MetricsServer', ctx);

    if (isAwsKubernetesCluster(cluster)) {
      const roles = cluster.addonRoles;
      if (cluster.karpenter) {
        checkServiceAccount(this, 'karpenter', cluster.karpenter.controllerRole);
        this.karpenter = new Karpenter(this, 'Karpenter', ctx, cluster, cluster.karpenter);
      } else {
        if (!roles.clusterAutoscaler) {
          throw new PlatformValidationError(`EKS cluster '${cluster.plan.name}' has neither Karpenter nor a cluster-autoscaler role; its cluster stack must create one`, this);
        }
        checkServiceAccount(this, 'clusterAutoscaler', roles.clusterAutoscaler);
        this.clusterAutoscaler = new ClusterAutoscaler(this, 'ClusterAutoscaler', ctx, {
          role: roles.clusterAutoscaler,
          clusterName: cluster.clusterName,
          region: cluster.region,
        });
      }
    }

    if (needsGpuOperator(cluster)) this.gpuOperator = new GpuOperator(this, 'GpuOperator', ctx);
    if (cluster.flavour === 'batch') this.kueue = new Kueue(this, 'Kueue', ctx);
  }

  /** Every Helm release of the add-ons. */
  get releases(): AddonRelease[] {
    return [
      this.certManager.release,
      this.metricsServer?.release,
      this.clusterAutoscaler?.release,
      this.karpenter?.crds,
      this.karpenter?.release,
      this.loadBalancerController?.release,
      this.gpuOperator?.release,
      this.kueue?.release,
    ].filter((r): r is AddonRelease => r !== undefined);
  }

  /**
   * What the add-ons expose to the platform's monitoring, in the order of {@link releases}: one
   * scrape target per metrics endpoint, the same whatever the monitoring mode (and whether there is
   * a monitoring component at all). `MlPlatform` hands them to `IMonitoring.scrape`.
   */
  get scrapeTargets(): ScrapeTarget[] {
    return [this.certManager, this.metricsServer, this.clusterAutoscaler, this.karpenter, this.loadBalancerController, this.gpuOperator, this.kueue]
      .flatMap((addon) => addon?.scrapeTargets ?? [])
      .map((t) => ({ ...t, podSelector: { ...t.podSelector } }));
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
