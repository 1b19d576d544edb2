/**
 * The monitoring component: one contract (`IMonitoring`), three implementations, chosen by
 * `components.monitoring.mode` and the platform's cloud.
 */
export * from './contract';
export { monitoringFor } from './select';
export { KubePrometheusStack, kubePrometheusStackValues, podMonitorOf, KUBE_PROMETHEUS_STACK_RELEASE } from './build';
export { AmazonManagedPrometheus, scraperConfiguration, scrapeJobOf } from './buy-aws';
export { GoogleManagedPrometheus, podMonitoringOf } from './buy-gcp';
export * from './gke';

