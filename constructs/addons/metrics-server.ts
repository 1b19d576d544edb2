/**
 * metrics-server where the cluster lacks one: the resource metrics API that the Horizontal Pod
 * Autoscaler and `kubectl top` read. EKS does not run it unless asked; GKE always does; an existing
 * cluster says whether it has one (`existing.metricsServer`).
 */
import type { AddonTarget, IAddon } from './context';
import { Construct } from 'constructs';
import type { ScrapeTarget } from '../core/contracts';
import { PLATFORM_NAMESPACES } from '../../plan';
import { AddonRelease, type HelmValues } from './release';
import { controllerPriorityClass, type AddonContext } from './context';

/** Whether Loom installs metrics-server on `cluster`. */
export function needsMetricsServer(cluster: AddonTarget): boolean {
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
 * scaling when the metrics API is down), two replicas with a disruption budget in prod, and its own
 * metrics readable without a token (`metrics.enabled` adds `--authorization-always-allow-paths=/metrics`)
 * in every mode; the chart's ServiceMonitor stays off — see {@link metricsServerScrapeTargets}.
 */
export function metricsServerValues(ctx: AddonContext): HelmValues {
  return {
    priorityClassName: controllerPriorityClass(ctx),
    ...(ctx.highAvailability ? { replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } } : {}),
    tolerations: [...ctx.controllerTolerations],
    ...(Object.keys(ctx.controllerNodeSelector).length ? { nodeSelector: { ...ctx.controllerNodeSelector } } : {}),
    metrics: { enabled: true },
    serviceMonitor: { enabled: false },
  };
}

/** The release name, which labels its pods (`app.kubernetes.io/instance`). */
export const METRICS_SERVER_RELEASE = 'metrics-server';

/**
 * metrics-server's own metrics: on its secure port (`https`), with the certificate it generates
 * for itself (so unverified, as the chart's ServiceMonitor does), `/metrics` open to any client.
 */
export function metricsServerScrapeTargets(): ScrapeTarget[] {
  return [
    {
      name: 'metrics-server',
      namespace: PLATFORM_NAMESPACES.system,
      podSelector: { 'app.kubernetes.io/name': 'metrics-server', 'app.kubernetes.io/instance': METRICS_SERVER_RELEASE },
      port: 'https',
      scheme: 'https',
      insecureSkipVerify: true,
    },
  ];
}

/** The metrics-server release in the system namespace. */
export class MetricsServer extends Construct implements IAddon {
  /** The add-on's Helm releases. */
  get releases(): AddonRelease[] {
    return [this.release];
  }

  /** metrics-server's release (catalogue chart `metricsServer`). */
  readonly release: AddonRelease;
  /** What it exposes to the platform's monitoring. */
  readonly scrapeTargets: readonly ScrapeTarget[] = metricsServerScrapeTargets();

  constructor(scope: Construct, id: string, ctx: AddonContext) {
    super(scope, id);
    this.release = new AddonRelease(this, 'Release', {
      chart: 'metricsServer',
      releaseName: METRICS_SERVER_RELEASE,
      namespace: ctx.namespaces.system.name,
      values: metricsServerValues(ctx),
    });
  }
}
