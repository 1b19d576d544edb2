/**
 * Monitoring, bought on Google Cloud: Google Managed Service for Prometheus, enabled on every GKE
 * cluster with managed collection and GKE's metric packages (see `gke.ts`; the setting lives on
 * the cluster, in its cluster stack). Metrics land in Cloud Monitoring, queried through its
 * Prometheus-compatible API and seen in Cloud Monitoring's dashboards. Nothing goes in the
 * services stack.
 *
 * Targets given through the contract become `PodMonitoring` resources (managed collection's own
 * kind; its CRD exists once managed collection is on) in the cluster's add-ons stack.
 */
import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { IKubernetesCluster } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { componentClusterAddons, componentOutput, componentScope, componentTags, type ComponentProps, type IClusterAddons } from '../contract';
import { gkeClusterOf } from '../clusters';
import { assertMonitored, ScrapeTargets, type IMonitoring, type ScrapeTarget } from './contract';

/** A contract scrape target as managed collection's `PodMonitoring`. */
export function podMonitoringOf(target: ScrapeTarget, interval: string): Record<string, unknown> {
  return {
    apiVersion: 'monitoring.googleapis.com/v1',
    kind: 'PodMonitoring',
    metadata: { name: target.name, namespace: target.namespace, labels: { ...componentTags('monitoring'), 'app.kubernetes.io/managed-by': 'loom' } },
    spec: {
      selector: { matchLabels: { ...target.podSelector } },
      endpoints: [{ port: target.port, path: target.path ?? '/metrics', interval }],
    },
  };
}

export class GoogleManagedPrometheus extends Construct implements IMonitoring {
  readonly componentName = 'monitoring' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-gcp' as const;
  readonly product = 'google-managed-prometheus' as const;
  readonly clusters: readonly IKubernetesCluster[];
  readonly dashboardsUrl: string;
  /** Cloud Monitoring's Prometheus API of the project. @attribute */
  readonly prometheusApi: string;
  private readonly targets: ScrapeTargets;
  private readonly addonsByCluster = new Map<string, IClusterAddons>();
  private readonly interval: string;

  constructor(scope: Construct, id: string, props: ComponentProps) {
    super(scope, id);
    const { plan } = props;
    if (!plan.gcpProject) throw new PlatformValidationError('Google Managed Service for Prometheus needs gcpProject in the plan', this);
    this.clusters = props.clusters.map((a) => a.cluster);
    // Managed collection is a setting of each GKE cluster; every cluster must be one.
    props.clusters.forEach((a) => {
      gkeClusterOf(a.cluster, 'Google Managed Service for Prometheus');
      this.addonsByCluster.set(a.cluster.plan.name, a);
    });
    this.targets = new ScrapeTargets(this.clusters);
    this.interval = plan.environment === 'prod' ? '30s' : '60s';
    this.prometheusApi = `https://monitoring.googleapis.com/v1/projects/${plan.gcpProject}/location/global/prometheus`;
    this.dashboardsUrl = `https://console.cloud.google.com/monitoring/dashboards?project=${plan.gcpProject}`;
    componentOutput(this, 'prometheus_query_endpoint', this.prometheusApi, 'Google Managed Service for Prometheus: the Prometheus API (OAuth)');
    componentOutput(this, 'grafana_url', this.dashboardsUrl, 'Cloud Monitoring dashboards (Google Managed Service for Prometheus has no Grafana of its own)');
  }

  queryEndpoint(cluster: IKubernetesCluster): string {
    assertMonitored(this.clusters, cluster);
    return this.prometheusApi;
  }

  /** Managed Service for Prometheus ingests through its collectors; it takes no remote write. */
  remoteWrite(cluster: IKubernetesCluster): undefined {
    assertMonitored(this.clusters, cluster);
    return undefined;
  }

  scrape(cluster: IKubernetesCluster, target: ScrapeTarget): void {
    this.targets.add(cluster, target);
    const addons = this.addonsByCluster.get(cluster.plan.name)!;
    const scope = componentScope(addons, 'monitoring');
    const monitors = (scope.node.tryFindChild('PodMonitorings') as Construct | undefined) ?? new Construct(scope, 'PodMonitorings');
    new Manifest(monitors, target.name, { manifest: podMonitoringOf(target, this.interval) });
  }
}

/** Monitoring, bought on Google Cloud: managed collection on the clusters (see `gke.ts`). */
export function buyGcpMonitoring(props: ComponentProps): GoogleManagedPrometheus {
  return new GoogleManagedPrometheus(componentScope(componentClusterAddons(props), 'monitoring'), 'Resource', props);
}
