/**
 * metrics-server where the cluster lacks one: the resource metrics API that the Horizontal Pod
 * Autoscaler and `kubectl top` read. EKS does not run it unless asked; GKE always does; an existing
 * cluster says whether it has one (`existing.metricsServer`).
 */
import { Construct } from 'constructs';
import type { IKubernetesCluster } from '../core/contracts';
import { AddonRelease, type HelmValues } from './release';
import { controllerPriorityClass, type AddonContext } from './context';

/** Whether Loom installs metrics-server on `cluster`. */
export function needsMetricsServer(cluster: IKubernetesCluster): boolean {
  switch (cluster.cloud) {
    case 'aws':
      return true;
    case 'gcp':
      // GKE runs metrics-server itself (kube-system), sized by its own addon resizer.
      return false;
    case 'kubernetes':
      return !cluster.plan.spec.existing?.metricsServer;
  }
}

/**
 * metrics-server's values: the platform controllers' priority class and tolerations (HPA stops
 * scaling when the metrics API is down), two replicas with a disruption budget in prod, and a
 * ServiceMonitor when the platform scrapes its add-ons.
 */
export function metricsServerValues(ctx: AddonContext): HelmValues {
  return {
    priorityClassName: controllerPriorityClass(ctx),
    ...(ctx.highAvailability ? { replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } } : {}),
    tolerations: [...ctx.controllerTolerations],
    ...(ctx.monitoring.enabled ? { metrics: { enabled: true }, serviceMonitor: { enabled: true } } : {}),
  };
}

/** The metrics-server release in the system namespace. */
export class MetricsServer extends Construct {
  readonly release: AddonRelease;

  constructor(scope: Construct, id: string, ctx: AddonContext) {
    super(scope, id);
    this.release = new AddonRelease(this, 'Release', {
      chart: 'metricsServer',
      releaseName: 'metrics-server',
      namespace: ctx.namespaces.system.name,
      values: metricsServerValues(ctx),
    });
  }
}
