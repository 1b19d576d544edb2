/**
 * The monitoring contract: metrics from every cluster, where to query them, where dashboards
 * are, and how a consumer gets its own pods scraped.
 *
 * Consumers (add-ons exposing metrics, serving and pipelines reading them) call `scrape(cluster,
 * target)` and read `queryEndpoint(cluster)` / `dashboardsUrl`; each implementation turns a scrape
 * target into its own form — a PodMonitor in kube-prometheus-stack's values (build), a job in the
 * cluster's AMP scraper configuration (buy on AWS), a `PodMonitoring` resource for Google Managed
 * Service for Prometheus (buy on Google Cloud) — so a consumer is the same code in every mode.
 * The platform's add-ons declare their targets whatever the mode (`PlatformAddons.scrapeTargets`)
 * and `MlPlatform` hands them to `scrape`: all scrape wiring is the monitoring component's.
 * Every series carries the label `cluster` naming the cluster it came from.
 */
import type { IKubernetesCluster, ScrapeTarget } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import type { ComponentProps, IPlatformComponent, ResolvedComponentProps } from '../contract';
import type { MonitoringComponentSpec, MonitoringComponentSpecInput } from '../../../schema/schema';

/** The products behind the monitoring contract. */
export type MonitoringProduct = 'kube-prometheus-stack' | 'amazon-managed-prometheus' | 'google-managed-prometheus';

/** The label every series carries with its cluster's name. */
export const CLUSTER_LABEL = 'cluster';

export type { ScrapeTarget } from '../../core/contracts';

/** Where and how to push samples with Prometheus remote write. */
export interface RemoteWriteTarget {
  /** The remote-write URL. */
  readonly url: string;
  /** `none` inside the cluster; `aws-sigv4` signs with an identity allowed `aps:RemoteWrite`. */
  readonly auth: 'none' | 'aws-sigv4';
  /** The region to sign for (aws-sigv4). */
  readonly region?: string;
}

/**
 * The monitoring component: collects every cluster's metrics, serves dashboards, and scrapes what
 * add-ons and components declare, whichever product does it.
 */
export interface IMonitoring extends IPlatformComponent {
  /** Always `monitoring`. */
  readonly componentName: 'monitoring';
  /** The product behind it. */
  readonly product: MonitoringProduct;
  /** The clusters whose metrics are collected: every cluster of the platform. */
  readonly clusters: readonly IKubernetesCluster[];
  /**
   * Where dashboards are: Grafana on the monitoring cluster (build, an in-cluster URL), Amazon
   * Managed Grafana (buy on AWS), Cloud Monitoring (buy on Google Cloud).
   * @attribute
   */
  readonly dashboardsUrl: string;
  /**
   * The Prometheus HTTP API that holds `cluster`'s metrics (`<endpoint>/api/v1/query`): the
   * cluster's own Prometheus (build, reachable inside that cluster), the AMP workspace (SigV4),
   * or Google Cloud's Prometheus-compatible API (OAuth).
   */
  queryEndpoint(cluster: IKubernetesCluster): string;
  /** Where `cluster`'s workloads may push samples, or undefined where the product takes none (Google Cloud). */
  remoteWrite(cluster: IKubernetesCluster): RemoteWriteTarget | undefined;
  /** Scrapes the pods of `target` on `cluster`. Throws for a cluster the platform does not have or a name used twice. */
  scrape(cluster: IKubernetesCluster, target: ScrapeTarget): void;
}

const TARGET_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Keeps the scrape targets of every cluster, checking each as it is added; implementations render
 * them when they synthesize.
 */
export class ScrapeTargets {
  private readonly byCluster = new Map<string, ScrapeTarget[]>();

  constructor(private readonly clusters: readonly IKubernetesCluster[]) {}

  /**
   * Adds `target` on `cluster`. Throws for a cluster monitoring does not collect from, a name used
   * twice on the cluster, or a target that is not well-formed (no pods selected, a token over http, …).
   */
  add(cluster: IKubernetesCluster, target: ScrapeTarget): void {
    if (!this.clusters.includes(cluster)) {
      throw new PlatformValidationError(`monitoring collects from ${this.clusters.map((c) => c.plan.name).join(', ')}; cluster '${cluster.plan.name}' is not one of them`);
    }
    if (!TARGET_NAME.test(target.name) || target.name.length > 40) {
      throw new PlatformValidationError(`scrape target name '${target.name}' must be a lowercase DNS label of at most 40 characters`);
    }
    if (Object.keys(target.podSelector).length === 0) {
      throw new PlatformValidationError(`scrape target '${target.name}' selects no pods; give podSelector labels`);
    }
    checkPort(target);
    const https = target.scheme === 'https';
    if (!https && target.insecureSkipVerify) {
      throw new PlatformValidationError(`scrape target '${target.name}' sets insecureSkipVerify without scheme 'https'; set scheme: 'https' or drop insecureSkipVerify`);
    }
    if (!https && target.auth === 'service-account-token') {
      throw new PlatformValidationError(`scrape target '${target.name}' would send a service-account token over plain http; set scheme: 'https'`);
    }
    const list = this.byCluster.get(cluster.plan.name) ?? [];
    if (list.some((t) => t.name === target.name)) {
      throw new PlatformValidationError(`scrape target '${target.name}' is already defined on cluster '${cluster.plan.name}'`);
    }
    list.push({ ...target, podSelector: { ...target.podSelector } });
    this.byCluster.set(cluster.plan.name, list);
  }

  /** The targets of `cluster`, in the order they were added (copies). */
  of(cluster: IKubernetesCluster | string): ScrapeTarget[] {
    const name = typeof cluster === 'string' ? cluster : cluster.plan.name;
    return (this.byCluster.get(name) ?? []).map((t) => ({ ...t }));
  }
}

/** Checks `cluster` is one monitoring collects from. */
export function assertMonitored(clusters: readonly IKubernetesCluster[], cluster: IKubernetesCluster): void {
  if (!clusters.includes(cluster)) {
    throw new PlatformValidationError(`monitoring collects from ${clusters.map((c) => c.plan.name).join(', ')}; cluster '${cluster.plan.name}' is not one of them`);
  }
}

/** A container port name (IANA service name: at most 15 characters) or number. */
const PORT_NAME = /^(?=.{1,15}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkPort(target: ScrapeTarget): void {
  const port = target.port;
  const ok = typeof port === 'number' ? Number.isInteger(port) && port >= 1 && port <= 65535 : PORT_NAME.test(port) && /[a-z]/.test(port);
  if (!ok) {
    throw new PlatformValidationError(
      `scrape target '${target.name}' has port ${JSON.stringify(port)}; give the container port's name (at most 15 lowercase letters, digits and '-') or its number (1-65535)`,
    );
  }
}

/** Monitoring's props: `components.monitoring` of platform.yaml, the clusters' add-ons stacks and the services stack. */
export type MonitoringProps = ComponentProps<MonitoringComponentSpecInput>;
/** Monitoring's props, validated. */
export type ResolvedMonitoringProps = ResolvedComponentProps<MonitoringComponentSpec>;

/**
 * Monitoring's client environment on `cluster`, in its `loom-platform` ConfigMap: where that
 * cluster's metrics are queried (Prometheus HTTP API) and where dashboards are — the same keys
 * whichever mode provides them.
 */
export function monitoringEnvironment(monitoring: Pick<IMonitoring, 'queryEndpoint' | 'dashboardsUrl'>, cluster: IKubernetesCluster): Record<string, string> {
  return { LOOM_DASHBOARDS_URL: monitoring.dashboardsUrl, LOOM_PROMETHEUS_URL: monitoring.queryEndpoint(cluster) };
}
