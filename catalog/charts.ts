/**
 * Every Helm chart Loom installs, pinned in one place: chart, repository and version. The
 * versions match `../shared/charts/`, whose default values and CRD schemas the tests check
 * Loom's values and custom resources against.
 *
 * OCI charts keep the OCI base in `repository` and the chart name in `chart`, as Terraform's
 * helm_release expects.
 */
export interface PinnedChart {
  readonly chart: string;
  readonly repository: string;
  readonly version: string;
}

export const CHARTS = {
  certManager: { chart: 'cert-manager', repository: 'https://charts.jetstack.io', version: 'v1.21.1' },
  metricsServer: { chart: 'metrics-server', repository: 'https://kubernetes-sigs.github.io/metrics-server/', version: '3.13.1' },
  clusterAutoscaler: { chart: 'cluster-autoscaler', repository: 'https://kubernetes.github.io/autoscaler', version: '9.59.0' },
  karpenter: { chart: 'karpenter', repository: 'oci://public.ecr.aws/karpenter', version: '1.14.1' },
  karpenterCrd: { chart: 'karpenter-crd', repository: 'oci://public.ecr.aws/karpenter', version: '1.14.1' },
  awsLoadBalancerController: { chart: 'aws-load-balancer-controller', repository: 'https://aws.github.io/eks-charts', version: '3.5.0' },
  gpuOperator: { chart: 'gpu-operator', repository: 'https://helm.ngc.nvidia.com/nvidia', version: 'v26.7.0' },
  kueue: { chart: 'kueue', repository: 'oci://registry.k8s.io/kueue/charts', version: '0.19.2' },
  kubePrometheusStack: { chart: 'kube-prometheus-stack', repository: 'https://prometheus-community.github.io/helm-charts', version: '88.5.3' },
  // The versions kube-prometheus-stack 88.5.3 pins, installed on their own where a managed
  // Prometheus scrapes the cluster (monitoring: buy on AWS).
  kubeStateMetrics: { chart: 'kube-state-metrics', repository: 'https://prometheus-community.github.io/helm-charts', version: '8.4.0' },
  prometheusNodeExporter: { chart: 'prometheus-node-exporter', repository: 'https://prometheus-community.github.io/helm-charts', version: '4.56.1' },
  harbor: { chart: 'harbor', repository: 'https://helm.goharbor.io', version: '1.19.1' },
  mlflow: { chart: 'mlflow', repository: 'https://community-charts.github.io/helm-charts', version: '1.11.5' },
  feastFeatureServer: { chart: 'feast-feature-server', repository: 'https://feast-helm-charts.storage.googleapis.com', version: '0.66.0' },
  kserveCrd: { chart: 'kserve-crd', repository: 'oci://ghcr.io/kserve/charts', version: 'v0.20.0' },
  kserveResources: { chart: 'kserve-resources', repository: 'oci://ghcr.io/kserve/charts', version: 'v0.20.0' },
  argoWorkflows: { chart: 'argo-workflows', repository: 'https://argoproj.github.io/argo-helm', version: '1.0.18' },
  strimziKafkaOperator: { chart: 'strimzi-kafka-operator', repository: 'oci://quay.io/strimzi-helm', version: '1.2.0' },
} as const satisfies Record<string, PinnedChart>;

export type ChartName = keyof typeof CHARTS;
