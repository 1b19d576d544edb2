/**
 * Monitoring, built: kube-prometheus-stack on every cluster — a Prometheus per cluster with
 * retention and a persistent volume sized by environment (`MONITORING_PROFILES`), Alertmanager,
 * kube-state-metrics, node exporters — and Grafana on the monitoring component's cluster only.
 *
 * Prometheus picks up every ServiceMonitor, PodMonitor, Probe, ScrapeConfig and PrometheusRule in
 * the cluster, not only the chart's own (`*SelectorNilUsesHelmValues: false`), for what teams add
 * themselves. Targets given through the contract — the platform add-ons' metrics among them: the
 * GPU operator's DCGM exporter where there are GPUs, Kueue, cert-manager, the autoscaler — become
 * PodMonitors in the values (or scrape jobs, for targets that authenticate with Prometheus' own
 * token), so nothing outside this release needs the Prometheus Operator's CRDs and nothing has to
 * wait for them.
 *
 * Placement: the release and its controllers in `loom-system` (Pod Security baseline); the node
 * exporter DaemonSet, which needs the host's network, PID namespace and filesystem, in
 * `loom-node-agents`, the one namespace where privileged pods are admitted. The operator,
 * Prometheus, Alertmanager, Grafana, kube-state-metrics and the admission webhook's jobs run where
 * the platform's controllers run (the system pool where the cluster has one, so that pools scale
 * to zero); Prometheus, Alertmanager and Grafana, which keep state on zonal volumes, never on spot
 * capacity (`statefulAffinity`).
 */
import type { ResolvedMonitoringProps } from './contract';
import { Construct } from 'constructs';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { IKubernetesCluster } from '../../core/contracts';
import { CHARTS } from '../../../catalog/charts';
import { controllerPlacement, placementValues, statefulAffinity } from '../../addons/context';
import { MONITORING_PROFILES, monitoringRetentionSize, PLATFORM_NAMESPACES, type PlatformContext } from '../../../plan';
import { componentClusterAddons, componentOutput, componentScope, componentTags, type IClusterAddons } from '../contract';
import { componentRelease } from '../helm';
import { assertMonitored, CLUSTER_LABEL, ScrapeTargets, type IMonitoring, type RemoteWriteTarget, type ScrapeTarget } from './contract';
import { scrapeJobOf } from './scrape-config';

/** The release name; the chart names its services after it. */
export const KUBE_PROMETHEUS_STACK_RELEASE = 'kube-prometheus-stack';
/** Prometheus' service in each cluster (the chart's `<release>-prometheus`). */
const PROMETHEUS_SERVICE = `${KUBE_PROMETHEUS_STACK_RELEASE}-prometheus`;
/** Grafana's service on the monitoring cluster (the Grafana subchart's `<release>-grafana`). */
const GRAFANA_SERVICE = `${KUBE_PROMETHEUS_STACK_RELEASE}-grafana`;

/** What {@link kubePrometheusStackValues} renders one cluster's values from. */
export interface KubePrometheusStackValuesProps {
  /** The platform's settings (environment: retention and volume size). */
  readonly platform: PlatformContext;
  /** The cluster the release is on. */
  readonly cluster: IKubernetesCluster;
  /** The cluster's add-ons stack (namespaces, priority classes). */
  readonly addons: IClusterAddons;
  /** Whether Grafana runs here: only on the monitoring component's cluster. */
  readonly grafana: boolean;
  /** The cluster's scrape targets, as PodMonitors or scrape jobs. */
  readonly targets: readonly ScrapeTarget[];
}

/**
 * A scrape target as a PodMonitor of the chart's `prometheus.additionalPodMonitors` (the chart
 * renders it with its CRDs, in the same release).
 */
export function podMonitorOf(target: ScrapeTarget): Record<string, unknown> {
  return {
    name: target.name,
    additionalLabels: componentTags('monitoring'),
    selector: { matchLabels: { ...target.podSelector } },
    namespaceSelector: { matchNames: [target.namespace] },
    podMetricsEndpoints: [
      {
        ...(typeof target.port === 'number' ? { portNumber: target.port } : { port: target.port }),
        path: target.path ?? '/metrics',
        ...(target.scheme === 'https' ? { scheme: 'https' } : {}),
        ...(target.insecureSkipVerify ? { tlsConfig: { insecureSkipVerify: true } } : {}),
      },
    ],
  };
}

/**
 * Whether a target needs Prometheus' own service-account token, which a PodMonitor cannot hand
 * over (it takes credentials from Secrets only): such targets become scrape jobs in
 * `prometheusSpec.additionalScrapeConfigs` instead, presenting the token Prometheus runs with —
 * the chart's ClusterRole for Prometheus allows `get` on `/metrics`.
 */
const needsOwnToken = (t: ScrapeTarget) => t.auth === 'service-account-token';

/** kube-prometheus-stack's values for one cluster. */
export function kubePrometheusStackValues(props: KubePrometheusStackValuesProps): Record<string, unknown> {
  const { platform: plan, cluster, addons } = props;
  const profile = MONITORING_PROFILES[plan.environment];
  // EKS and GKE run the control plane: its scheduler, controller manager and etcd are not
  // scrapable from the nodes, and kube-proxy binds its metrics to localhost (or is absent).
  const managedControlPlane = plan.cloud !== 'kubernetes';
  const controllers = placementValues(controllerPlacement(cluster.plan));
  const affinity = statefulAffinity(cluster.plan);
  const stateful = { ...controllers, ...(affinity ? { affinity } : {}) };
  return {
    crds: { enabled: true },
    commonLabels: { ...componentTags('monitoring'), 'loom.dev/cluster': cluster.plan.name },
    ...(managedControlPlane
      ? { kubeControllerManager: { enabled: false }, kubeScheduler: { enabled: false }, kubeEtcd: { enabled: false }, kubeProxy: { enabled: false } }
      : {}),
    prometheus: {
      prometheusSpec: {
        replicas: profile.prometheusReplicas,
        retention: profile.retention,
        retentionSize: monitoringRetentionSize(profile),
        scrapeInterval: profile.scrapeInterval,
        externalLabels: { [CLUSTER_LABEL]: cluster.plan.name },
        // Workloads in the cluster may push samples (the contract's remoteWrite).
        enableRemoteWriteReceiver: true,
        // Select every monitor and rule in the cluster, not only those labelled for this release.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
        priorityClassName: addons.priorityClasses.nameOf('loom-critical'),
        resources: {
          requests: { cpu: profile.prometheusResources.cpu, memory: profile.prometheusResources.memory },
          limits: { memory: profile.prometheusResources.memoryLimit },
        },
        ...stateful,
        additionalScrapeConfigs: props.targets.filter(needsOwnToken).map(scrapeJobOf),
        storageSpec: {
          volumeClaimTemplate: {
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${profile.storageGi}Gi` } } },
          },
        },
      },
      additionalPodMonitors: props.targets.filter((t) => !needsOwnToken(t)).map(podMonitorOf),
    },
    alertmanager: { alertmanagerSpec: { priorityClassName: addons.priorityClasses.nameOf('loom-critical'), ...stateful } },
    prometheusOperator: { ...controllers, admissionWebhooks: { patch: { ...controllers } } },
    'kube-state-metrics': { ...controllers },
    grafana: props.grafana ? { enabled: true, defaultDashboardsTimezone: 'utc', ...stateful } : { enabled: false },
    'prometheus-node-exporter': {
      namespaceOverride: addons.namespaces.nodeAgents.name,
      priorityClassName: addons.priorityClasses.nameOf('loom-critical'),
    },
  };
}

/**
 * Monitoring, built: a kube-prometheus-stack release on every cluster, Grafana on the monitoring
 * component's cluster only (see the module comment).
 */
export class KubePrometheusStack extends Construct implements IMonitoring {
  readonly componentName = 'monitoring' as const;
  readonly mode = 'build' as const;
  readonly implementation = 'build' as const;
  readonly product = 'kube-prometheus-stack' as const;
  readonly clusters: readonly IKubernetesCluster[];
  readonly dashboardsUrl: string;
  /** The release on each cluster, by cluster name. */
  readonly releases: Readonly<Record<string, Release>>;
  private readonly targets: ScrapeTargets;

  constructor(scope: Construct, id: string, props: ResolvedMonitoringProps) {
    super(scope, id);
    const plan = props.platform;
    const home = componentClusterAddons(props);
    this.clusters = props.clusters.map((a) => a.cluster);
    this.targets = new ScrapeTargets(this.clusters);
    const releases: Record<string, Release> = {};
    for (const addons of props.clusters) {
      const cluster = addons.cluster;
      const grafana = addons === home;
      // Under the `Monitoring` scope of each add-ons stack, the same address on every cluster
      // (moving Grafana to another cluster changes values, not addresses).
      const scope = componentScope(addons, 'monitoring');
      const release = componentRelease(scope, 'KubePrometheusStack', {
        name: KUBE_PROMETHEUS_STACK_RELEASE,
        chart: CHARTS.kubePrometheusStack,
        namespace: addons.namespaces.system.name,
        values: () => kubePrometheusStackValues({ platform: plan, cluster, addons, grafana, targets: this.targets.of(cluster) }),
        timeout: 900,
      });
      releases[cluster.plan.name] = release;
    }
    this.releases = releases;
    this.dashboardsUrl = `http://${GRAFANA_SERVICE}.${PLATFORM_NAMESPACES.system}.svc`;
    componentOutput(this, 'grafana_url', this.dashboardsUrl, 'Grafana (an in-cluster URL: reach it with kubectl port-forward)');
  }

  queryEndpoint(cluster: IKubernetesCluster): string {
    assertMonitored(this.clusters, cluster);
    return `http://${PROMETHEUS_SERVICE}.${PLATFORM_NAMESPACES.system}.svc:9090`;
  }

  remoteWrite(cluster: IKubernetesCluster): RemoteWriteTarget {
    return { url: `${this.queryEndpoint(cluster)}/api/v1/write`, auth: 'none' };
  }

  scrape(cluster: IKubernetesCluster, target: ScrapeTarget): void {
    this.targets.add(cluster, target);
  }
}


/** Monitoring, built: kube-prometheus-stack in every cluster's add-ons stack. */
export function buildMonitoring(props: ResolvedMonitoringProps): KubePrometheusStack {
  return new KubePrometheusStack(componentScope(componentClusterAddons(props), 'monitoring'), 'Resource', props);
}
