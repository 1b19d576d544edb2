/**
 * Scrape targets in Prometheus' own configuration language (`scrape_configs`), for the
 * implementations that hand Prometheus a configuration rather than Prometheus Operator resources:
 * the AMP managed scraper (buy on AWS) takes every target this way, kube-prometheus-stack (build)
 * the targets a PodMonitor cannot express (those that authenticate with the scraper's own
 * service-account token, which PodMonitors cannot read).
 */
import type { ScrapeTarget } from '../../core/contracts';

/**
 * The scraper's own service-account token as a bearer token: the only form of credentials AMP
 * managed scrapers accept, and the token kube-prometheus-stack's Prometheus runs with (its
 * ClusterRole allows `get` on `/metrics`).
 */
export const SERVICE_ACCOUNT_TOKEN = {
  /** The authorization scheme. */
  type: 'Bearer',
  /** Where the pod's projected service-account token is mounted. */
  credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token',
} as const;

/** `value` as a regular expression matching exactly that string (relabel regexes are anchored). */
export function regexLiteral(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The discovery meta label of a pod label (`app.kubernetes.io/name` → `__meta_kubernetes_pod_label_app_kubernetes_io_name`). */
export function podLabelMeta(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** A target as a scrape job: its pods by namespace, labels and container port, with its scheme, TLS and credentials. */
export function scrapeJobOf(target: ScrapeTarget): Record<string, unknown> {
  const labelKeep = Object.entries(target.podSelector).map(([k, v]) => ({ source_labels: [podLabelMeta(k)], action: 'keep', regex: regexLiteral(v) }));
  const portKeep =
    typeof target.port === 'number'
      ? { source_labels: ['__meta_kubernetes_pod_container_port_number'], action: 'keep', regex: String(target.port) }
      : { source_labels: ['__meta_kubernetes_pod_container_port_name'], action: 'keep', regex: regexLiteral(target.port) };
  return {
    job_name: target.name,
    metrics_path: target.path ?? '/metrics',
    ...(target.scheme === 'https' ? { scheme: 'https' } : {}),
    ...(target.insecureSkipVerify ? { tls_config: { insecure_skip_verify: true } } : {}),
    ...(target.auth === 'service-account-token' ? { authorization: { ...SERVICE_ACCOUNT_TOKEN } } : {}),
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [target.namespace] } }],
    relabel_configs: [
      ...labelKeep,
      portKeep,
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
    ],
  };
}

/**
 * Relabelling rules that drop the pods of `targets` from a discovery job (role `pod` or
 * `endpoints`), so that a job scraping whatever is annotated `prometheus.io/scrape` does not scrape
 * again what a target's own job scrapes — several charts annotate their pods or Services whenever
 * their own monitors are off.
 */
export function dropTargetPods(targets: readonly ScrapeTarget[]): Record<string, unknown>[] {
  return targets.map((t) => {
    const labels = Object.entries(t.podSelector);
    return {
      source_labels: ['__meta_kubernetes_namespace', ...labels.map(([k]) => podLabelMeta(k))],
      separator: ';',
      regex: [t.namespace, ...labels.map(([, v]) => v)].map(regexLiteral).join(';'),
      action: 'drop',
    };
  });
}
