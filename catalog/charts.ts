/**
 * Every Helm chart Loom installs, pinned in one place: chart, repository and version. The
 * versions match `../shared/charts/`, whose default values and CRD schemas the tests check
 * Loom's values and custom resources against.
 *
 * OCI charts keep the OCI base in `repository` and the chart name in `chart`, as Terraform's
 * helm_release expects.
 */
export interface PinnedChart {
  /** The chart's name in its repository (for OCI charts, the last path segment). */
  readonly chart: string;
  /** The Helm repository's URL, or the OCI base (`oci://…`) without the chart name. */
  readonly repository: string;
  /** The chart version Loom installs; changing it is a reviewed catalogue change. */
  readonly version: string;
}

/** The pinned chart of every add-on and built component, by the key constructs name it with. */
export const CHARTS = {
  /** cert-manager on every cluster: certificates for the platform's webhooks and services. */
  certManager: {
    /** The chart's name. */
    chart: 'cert-manager',
    /** Its Helm repository. */
    repository: 'https://charts.jetstack.io',
    /** The pinned chart version. */
    version: 'v1.21.1',
  },
  /** metrics-server: the resource metrics API behind HPAs and `kubectl top` (skipped where the cluster has one). */
  metricsServer: {
    /** The chart's name. */
    chart: 'metrics-server',
    /** Its Helm repository. */
    repository: 'https://kubernetes-sigs.github.io/metrics-server/',
    /** The pinned chart version. */
    version: '3.13.1',
  },
  /** cluster-autoscaler: scales the node groups (`autoscaler: cluster-autoscaler`, the default). */
  clusterAutoscaler: {
    /** The chart's name. */
    chart: 'cluster-autoscaler',
    /** Its Helm repository. */
    repository: 'https://kubernetes.github.io/autoscaler',
    /** The pinned chart version. */
    version: '9.59.0',
  },
  /** Karpenter's controller (`autoscaler: karpenter`, AWS only), its `crds/` skipped. */
  karpenter: {
    /** The chart's name. */
    chart: 'karpenter',
    /** Its Helm repository. */
    repository: 'oci://public.ecr.aws/karpenter',
    /** The pinned chart version. */
    version: '1.14.1',
  },
  /** Karpenter's CRDs as their own chart, so that `helm upgrade` upgrades them. */
  karpenterCrd: {
    /** The chart's name. */
    chart: 'karpenter-crd',
    /** Its Helm repository. */
    repository: 'oci://public.ecr.aws/karpenter',
    /** The pinned chart version. */
    version: '1.14.1',
  },
  /** The AWS Load Balancer Controller: load balancers for Services and Ingresses on EKS. */
  awsLoadBalancerController: {
    /** The chart's name. */
    chart: 'aws-load-balancer-controller',
    /** Its Helm repository. */
    repository: 'https://aws.github.io/eks-charts',
    /** The pinned chart version. */
    version: '3.5.0',
  },
  /** The NVIDIA GPU operator on clusters with GPUs: device plugin, feature discovery, DCGM exporter. */
  gpuOperator: {
    /** The chart's name. */
    chart: 'gpu-operator',
    /** Its Helm repository. */
    repository: 'https://helm.ngc.nvidia.com/nvidia',
    /** The pinned chart version. */
    version: 'v26.7.0',
  },
  /** Kueue on batch clusters: job queueing with quotas per ResourceFlavor. */
  kueue: {
    /** The chart's name. */
    chart: 'kueue',
    /** Its Helm repository. */
    repository: 'oci://registry.k8s.io/kueue/charts',
    /** The pinned chart version. */
    version: '0.19.2',
  },
  /** kube-prometheus-stack: monitoring `build` (Prometheus, Alertmanager, Grafana) on every cluster. */
  kubePrometheusStack: {
    /** The chart's name. */
    chart: 'kube-prometheus-stack',
    /** Its Helm repository. */
    repository: 'https://prometheus-community.github.io/helm-charts',
    /** The pinned chart version. */
    version: '88.5.3',
  },
  // The versions kube-prometheus-stack 88.5.3 pins, installed on their own where a managed
  // Prometheus scrapes the cluster (monitoring: buy on AWS).
  /** kube-state-metrics on its own, for a managed Prometheus to scrape (monitoring `buy` on AWS). */
  kubeStateMetrics: {
    /** The chart's name. */
    chart: 'kube-state-metrics',
    /** Its Helm repository. */
    repository: 'https://prometheus-community.github.io/helm-charts',
    /** The pinned chart version. */
    version: '8.4.0',
  },
  /** The Prometheus node exporter on its own, for a managed Prometheus to scrape (monitoring `buy` on AWS). */
  prometheusNodeExporter: {
    /** The chart's name. */
    chart: 'prometheus-node-exporter',
    /** Its Helm repository. */
    repository: 'https://prometheus-community.github.io/helm-charts',
    /** The pinned chart version. */
    version: '4.56.1',
  },
  /** Harbor: the registry `build`. */
  harbor: {
    /** The chart's name. */
    chart: 'harbor',
    /** Its Helm repository. */
    repository: 'https://helm.goharbor.io',
    /** The pinned chart version. */
    version: '1.19.1',
  },
  /** MLflow: experiment tracking `build` (also the model registry). */
  mlflow: {
    /** The chart's name. */
    chart: 'mlflow',
    /** Its Helm repository. */
    repository: 'https://community-charts.github.io/helm-charts',
    /** The pinned chart version. */
    version: '1.11.5',
  },
  /** Feast's feature server: the feature store `build`. */
  feastFeatureServer: {
    /** The chart's name. */
    chart: 'feast-feature-server',
    /** Its Helm repository. */
    repository: 'https://feast-helm-charts.storage.googleapis.com',
    /** The pinned chart version. */
    version: '0.66.0',
  },
  /** KServe's CRDs as their own chart: the serving `build`. */
  kserveCrd: {
    /** The chart's name. */
    chart: 'kserve-crd',
    /** Its Helm repository. */
    repository: 'oci://ghcr.io/kserve/charts',
    /** The pinned chart version. */
    version: 'v0.20.0',
  },
  /** KServe's controller and resources: the serving `build`. */
  kserveResources: {
    /** The chart's name. */
    chart: 'kserve-resources',
    /** Its Helm repository. */
    repository: 'oci://ghcr.io/kserve/charts',
    /** The pinned chart version. */
    version: 'v0.20.0',
  },
  /** Argo Workflows: the pipelines `build`. */
  argoWorkflows: {
    /** The chart's name. */
    chart: 'argo-workflows',
    /** Its Helm repository. */
    repository: 'https://argoproj.github.io/argo-helm',
    /** The pinned chart version. */
    version: '1.0.18',
  },
  /** The Strimzi Kafka operator: the streaming `build`. */
  strimziKafkaOperator: {
    /** The chart's name. */
    chart: 'strimzi-kafka-operator',
    /** Its Helm repository. */
    repository: 'oci://quay.io/strimzi-helm',
    /** The pinned chart version. */
    version: '1.2.0',
  },
  /** The CloudNativePG operator (and its postgresql.cnpg.io CRDs): built components' PostgreSQL on existing clusters. */
  cloudNativePg: {
    /** The chart's name. */
    chart: 'cloudnative-pg',
    /** Its Helm repository. */
    repository: 'https://cloudnative-pg.github.io/charts',
    /** The pinned chart version (operator 1.30.0). */
    version: '0.29.0',
  },
  /** Valkey (the official chart): built components' online key/value store (Feast) on existing clusters. */
  valkey: {
    /** The chart's name. */
    chart: 'valkey',
    /** Its Helm repository. */
    repository: 'https://valkey.io/valkey-helm/',
    /** The pinned chart version (Valkey 9.1.1). */
    version: '0.11.0',
  },
  /**
   * The External Secrets Operator (and its external-secrets.io/v1 CRDs): built components' database
   * passwords from the cloud's secret manager into Kubernetes Secrets, through workload identity.
   */
  externalSecrets: {
    /** The chart's name. */
    chart: 'external-secrets',
    /** Its Helm repository. */
    repository: 'https://charts.external-secrets.io',
    /** The pinned chart version (ESO v2.9.0). */
    version: '2.9.0',
  },
} as const satisfies Record<string, PinnedChart>;

/** The key of a chart in {@link CHARTS}. */
export type ChartName = keyof typeof CHARTS;
