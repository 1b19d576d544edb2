/**
 * The monitoring component: one contract (`IMonitoring`), three implementations, chosen by
 * `components.monitoring.mode` and the platform's cloud.
 */
export * from './contract';
export { monitoringFor } from './select';
export { KubePrometheusStack, kubePrometheusStackValues, podMonitorOf, KUBE_PROMETHEUS_STACK_RELEASE } from './build';
export { AmazonManagedPrometheus, scraperConfiguration } from './buy-aws';
export { scrapeJobOf, dropTargetPods } from './scrape-config';
export { GoogleManagedPrometheus, podMonitoringOf, GMP_SCRAPER } from './buy-gcp';
export * from './gke';

