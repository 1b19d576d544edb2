/**
 * Monitoring, bought on Google Cloud: Google Managed Service for Prometheus, enabled on every GKE
 * cluster with managed collection and GKE's metric packages (see `gke.ts`; the setting lives on
 * the cluster, in its cluster stack). Metrics land in Cloud Monitoring, queried through its
 * Prometheus-compatible API and seen in Cloud Monitoring's dashboards. Nothing goes in the
 * services stack.
 *
 * Targets given through the contract become `PodMonitoring` resources (managed collection's own
 * kind; its CRD exists once managed collection is on, which the cluster stack does) in the
 * cluster's add-ons stack, all in one release of Loom's resources chart (`loom-podmonitorings`), so
 * that no plan needs the CRD; targets that authenticate with a service-account token get a token of
 * Loom's to present (`GMP_SCRAPER`).
 */
import type { ResolvedMonitoringProps } from './contract';
import { Construct } from 'constructs';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { IKubernetesCluster } from '../../core/contracts';
import type { ITerraformDependable } from '../../core/cdk';
import { PlatformValidationError } from '../../core/errors';
import { PLATFORM_NAMESPACES } from '../../../plan';
import { CustomResources, type CustomResourceManifest } from '../../addons/release';
import { componentClusterAddons, componentOutput, componentScope, componentTags, type IClusterAddons } from '../contract';
import { gkeClusterOf } from '../clusters';
import { assertMonitored, ScrapeTargets, type IMonitoring, type ScrapeTarget } from './contract';

/**
 * The identity managed collection presents to endpoints that check a Kubernetes token
 * (`auth: service-account-token`): a service account of Loom's allowed `get` on `/metrics`, whose
 * long-lived token sits in a Secret the collector may read. Managed collection cannot present its
 * own token; a `PodMonitoring` takes credentials from a Secret in its namespace only.
 */
export const GMP_SCRAPER = {
  /** The service account whose token the collector presents. */
  serviceAccount: 'loom-metrics-scraper',
  /** The Secret holding the service account's long-lived token (one per namespace with such targets). */
  tokenSecret: 'loom-metrics-scraper-token',
  /** The token's key in that Secret. */
  tokenKey: 'token',
  /** The ClusterRole allowing `get` on the non-resource URL `/metrics`, bound to the service account. */
  clusterRole: 'loom-metrics-reader',
  /** Managed collection's collector on GKE Standard. */
  collector: {
    /** The collector's namespace. */
    namespace: 'gmp-system',
    /** The collector's service account, which may read the token Secret. */
    name: 'collector',
  },
} as const;

/** The release holding a cluster's PodMonitorings. */
export const PODMONITORINGS_RELEASE = 'loom-podmonitorings';

/** A contract scrape target as managed collection's `PodMonitoring`; `tokenSecret` for targets that authenticate. */
export function podMonitoringOf(target: ScrapeTarget, interval: string, tokenSecret?: string): CustomResourceManifest {
  if (target.auth === 'service-account-token' && !tokenSecret) {
    throw new PlatformValidationError(`scrape target '${target.name}' authenticates with a service-account token; give the Secret holding it`);
  }
  return {
    apiVersion: 'monitoring.googleapis.com/v1',
    kind: 'PodMonitoring',
    metadata: { name: target.name, namespace: target.namespace, labels: { ...componentTags('monitoring'), 'app.kubernetes.io/managed-by': 'loom' } },
    spec: {
      selector: { matchLabels: { ...target.podSelector } },
      endpoints: [
        {
          port: target.port,
          path: target.path ?? '/metrics',
          interval,
          ...(target.scheme === 'https' ? { scheme: 'https' } : {}),
          ...(target.insecureSkipVerify ? { tls: { insecureSkipVerify: true } } : {}),
          ...(target.auth === 'service-account-token' ? { authorization: { type: 'Bearer', credentials: { secret: { name: tokenSecret, key: GMP_SCRAPER.tokenKey } } } } : {}),
        },
      ],
    },
  };
}

/** The scraper token of one namespace: the Secret's name, and what a PodMonitoring using it waits for. */
interface ScraperToken {
  readonly secretName: string;
  readonly dependsOn: ITerraformDependable[];
}

/**
 * Monitoring, bought on Google Cloud: managed collection on every GKE cluster, with the contract's
 * scrape targets as `PodMonitoring` resources (see the module comment).
 */
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
  private readonly tokens = new Map<string, ScraperToken>();
  private readonly interval: string;

  constructor(scope: Construct, id: string, props: ResolvedMonitoringProps) {
    super(scope, id);
    const plan = props.platform;
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
    const monitors =
      (scope.node.tryFindChild('PodMonitorings') as CustomResources | undefined) ??
      new CustomResources(scope, 'PodMonitorings', { releaseName: PODMONITORINGS_RELEASE, namespace: addons.namespaces.system.name });
    const token = target.auth === 'service-account-token' ? this.scraperToken(addons, target.namespace) : undefined;
    // The manifest names its namespace literally: wait for a platform namespace explicitly.
    const namespace = platformNamespaceOf(addons, target.namespace)?.resource;
    for (const d of [...(namespace ? [namespace] : []), ...(token?.dependsOn ?? [])]) monitors.addDependency(d);
    monitors.add(podMonitoringOf(target, this.interval, token?.secretName));
  }

  /**
   * The scraper token of `namespace` on the cluster of `addons`, created on first use: the service
   * account, its binding to the `/metrics` reader role (one per cluster), the token Secret, and a
   * Role letting managed collection's collector read that Secret alone.
   */
  private scraperToken(addons: IClusterAddons, namespace: string): ScraperToken {
    const key = `${addons.cluster.plan.name}/${namespace}`;
    const existing = this.tokens.get(key);
    if (existing) return existing;
    const scope = componentScope(addons, 'monitoring');
    const root = (scope.node.tryFindChild('ScraperToken') as Construct | undefined) ?? new Construct(scope, 'ScraperToken');
    const labels = { ...componentTags('monitoring'), 'app.kubernetes.io/managed-by': 'loom' };
    const reader =
      (root.node.tryFindChild('MetricsReader') as ClusterRoleV1 | undefined) ??
      new ClusterRoleV1(root, 'MetricsReader', {
        metadata: { name: GMP_SCRAPER.clusterRole, labels },
        rule: [{ nonResourceUrls: ['/metrics'], verbs: ['get'] }],
      });
    // A platform namespace by reference (so that everything here waits for it), any other by name.
    const ns = platformNamespaceOf(addons, namespace)?.name ?? namespace;
    const within = new Construct(root, namespace);
    const account = new ServiceAccountV1(within, 'ServiceAccount', {
      metadata: { name: GMP_SCRAPER.serviceAccount, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    const binding = new ClusterRoleBindingV1(within, 'MetricsReaderBinding', {
      metadata: { name: `${GMP_SCRAPER.clusterRole}-${namespace}`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: reader.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: account.metadata.name, namespace }],
    });
    const secret = new SecretV1(within, 'Token', {
      metadata: { name: GMP_SCRAPER.tokenSecret, namespace: ns, labels, annotations: { 'kubernetes.io/service-account.name': account.metadata.name } },
      type: 'kubernetes.io/service-account-token',
      waitForServiceAccountToken: true,
    });
    const secretRole = new RoleV1(within, 'CollectorSecretReader', {
      metadata: { name: `${GMP_SCRAPER.tokenSecret}-reader`, namespace: ns, labels },
      rule: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [GMP_SCRAPER.tokenSecret], verbs: ['get', 'list', 'watch'] }],
    });
    const collectorBinding = new RoleBindingV1(within, 'CollectorSecretReaderBinding', {
      metadata: { name: `${GMP_SCRAPER.tokenSecret}-reader`, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: secretRole.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: GMP_SCRAPER.collector.name, namespace: GMP_SCRAPER.collector.namespace }],
    });
    const token: ScraperToken = { secretName: GMP_SCRAPER.tokenSecret, dependsOn: [secret, binding, collectorBinding] };
    this.tokens.set(key, token);
    return token;
  }
}

/** The platform namespace called `name` in the add-ons stack of `addons`, if it is one. */
function platformNamespaceOf(addons: IClusterAddons, name: string): IClusterAddons['namespaces'][keyof typeof PLATFORM_NAMESPACES] | undefined {
  const role = (Object.keys(PLATFORM_NAMESPACES) as (keyof typeof PLATFORM_NAMESPACES)[]).find((r) => PLATFORM_NAMESPACES[r] === name);
  return role ? addons.namespaces[role] : undefined;
}

/** Monitoring, bought on Google Cloud: managed collection on the clusters (see `gke.ts`). */
export function buyGcpMonitoring(props: ResolvedMonitoringProps): GoogleManagedPrometheus {
  return new GoogleManagedPrometheus(componentScope(componentClusterAddons(props), 'monitoring'), 'Resource', props);
}
