/**
 * The AS rules: per rule a non-compliant, a compliant, an attribute-omitted (the provider's or the
 * pinned chart's default) and an unresolved-reference fixture, asserting the exact findings, then
 * the exact findings on every example. The examples are synthesized without the synth's policy
 * gate (which stops at any rule's error finding) and findings located as `<stack> <address> [detail]`.
 */
import { describe, expect, it } from 'vitest';
import { AS_RULES } from '../../../policies/rules/as';
import { AS_001 } from '../../../policies/rules/as/as-001';
import { AS_002 } from '../../../policies/rules/as/as-002';
import { AS_003 } from '../../../policies/rules/as/as-003';
import { addresses, fixtureStack, onExamples, runRule } from '../helpers';


it('the area lists its rules in id order', () => {
  expect(AS_RULES.map((r) => r.id)).toEqual(['LOOM-AS-001', 'LOOM-AS-002', 'LOOM-AS-003']);
});

describe('LOOM-AS-001 scaling bounds are coherent and an autoscaler exists', () => {
  const cluster = { c: { name: 'prod-apps' } };
  const group = (scaling_config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ n: { cluster_name: '${aws_eks_cluster.c.name}', scaling_config, lifecycle: { ignore_changes: ['scaling_config[0].desired_size'] }, ...extra } });
  const ca = (clusterName: string) => ({ a: { chart: 'cluster-autoscaler', values: [JSON.stringify({ autoDiscovery: { clusterName } })] } });

  it('fails incoherent bounds, a growable group nothing scales, and a desired size Terraform owns', () => {
    expect(addresses(runRule(AS_001, fixtureStack('s', { aws_eks_cluster: cluster, aws_eks_node_group: group({ min_size: 3, desired_size: 2, max_size: 5 }), helm_release: ca('prod-apps') })))).toEqual(['aws_eks_node_group.n [Bounds]']);
    expect(addresses(runRule(AS_001, fixtureStack('s', { aws_eks_cluster: cluster, aws_eks_node_group: group({ min_size: 1, desired_size: 1, max_size: 4 }), helm_release: { k: { chart: 'karpenter' } } })))).toEqual(['aws_eks_node_group.n [Autoscaler]']);
    expect(addresses(runRule(AS_001, fixtureStack('s', { aws_eks_cluster: cluster, aws_eks_node_group: group({ min_size: 1, desired_size: 1, max_size: 4 }, { lifecycle: {} }), helm_release: ca('${aws_eks_cluster.c.name}') })))).toEqual(['aws_eks_node_group.n [IgnoreDesiredSize]']);
    expect(addresses(runRule(AS_001, fixtureStack('s', { google_container_node_pool: { p: { autoscaling: { total_min_node_count: 5, total_max_node_count: 2 } } } })))).toEqual(['google_container_node_pool.p [Bounds]']);
    expect(addresses(runRule(AS_001, fixtureStack('s', { aws_autoscaling_group: { g: { min_size: 1, max_size: 2, launch_configuration: 'lc', target_group_arns: ['tg'], health_check_type: 'EC2' } } })))).toEqual(['aws_autoscaling_group.g [LaunchTemplate]', 'aws_autoscaling_group.g [HealthCheck]']);
  });

  it('passes a watched group (by reference or by name), a fixed-size group, ordered GKE bounds, an ASG with a template and ELB checks', () => {
    expect(runRule(AS_001, fixtureStack('s', { aws_eks_cluster: cluster, aws_eks_node_group: group({ min_size: 2, desired_size: 2, max_size: 10 }), helm_release: ca('${aws_eks_cluster.c.name}') }))).toEqual([]);
    expect(runRule(AS_001, fixtureStack('s', { aws_eks_cluster: cluster, aws_eks_node_group: group({ min_size: 2, desired_size: 2, max_size: 10 }), helm_release: ca('prod-apps') }))).toEqual([]);
    expect(runRule(AS_001, fixtureStack('s', { aws_eks_cluster: cluster, aws_eks_node_group: group({ min_size: 2, desired_size: 2, max_size: 2 }) }))).toEqual([]);
    expect(runRule(AS_001, fixtureStack('s', { google_container_node_pool: { p: { autoscaling: { total_min_node_count: 0, total_max_node_count: 8 } } } }))).toEqual([]);
    expect(runRule(AS_001, fixtureStack('s', { aws_autoscaling_group: { g: { min_size: 1, max_size: 2, launch_template: { id: 'lt' }, target_group_arns: ['tg'], health_check_type: 'ELB' } } }))).toEqual([]);
  });

  it('omitted attributes: a scaling_config without desired_size is incomplete; an ASG behind a load balancer defaults to EC2 checks', () => {
    expect(addresses(runRule(AS_001, fixtureStack('s', { aws_eks_node_group: { n: { scaling_config: { min_size: 1, max_size: 2 } } } })))).toEqual(['aws_eks_node_group.n [Bounds]']);
    expect(addresses(runRule(AS_001, fixtureStack('s', { aws_autoscaling_group: { g: { min_size: 1, max_size: 2, launch_template: { id: 'lt' }, load_balancers: ['elb'] } } })))).toEqual(['aws_autoscaling_group.g [HealthCheck]']);
  });

  it('reports references as unknown: sizes, and an autoscaler whose cluster cannot be followed', () => {
    expect(addresses(runRule(AS_001, fixtureStack('s', { aws_eks_node_group: group({ min_size: '${var.min}', desired_size: 1, max_size: 3 }) })))).toEqual(['aws_eks_node_group.n (unknown)']);
    expect(addresses(runRule(AS_001, fixtureStack('s', { aws_eks_cluster: cluster, aws_eks_node_group: group({ min_size: 1, desired_size: 1, max_size: 3 }), helm_release: ca('${var.cluster}') })))).toEqual(['aws_eks_node_group.n (unknown)']);
  });

  it('finds nothing in the examples: the Karpenter cluster\'s system node group of aws-platform is fixed-size (max = min)', () => {
    expect(onExamples(AS_001)).toEqual({
      'aws-platform.yaml': [],
      'aws-buy-everything.yaml': [],
      'aws-minimal.yaml': [],
      'gcp-platform.yaml': [],
      'onprem-sovereign.yaml': [],
    });
  });
});

describe('LOOM-AS-002 workloads declare resources; namespaces have quotas', () => {
  const job = (resources: unknown, extra: Record<string, unknown> = {}) =>
    fixtureStack('s', { kubernetes_job_v1: { j: { metadata: { name: 'j', namespace: 'x' }, spec: { template: { spec: { container: [{ name: 'c', image: 'i', resources }], ...extra } } } } } });
  const team = { n: { metadata: { name: 'team', labels: { 'loom.dev/namespace-role': 'team' } } } };
  const nsRef = '${kubernetes_namespace_v1.n.metadata[0].name}';

  it('fails containers without requests or memory limit, GPU pods without GPU limits, a chart without resources, a team namespace without quota', () => {
    expect(addresses(runRule(AS_002, job({ requests: { cpu: '1' } })))).toEqual(['kubernetes_job_v1.j [j/c:Resources]']);
    expect(addresses(runRule(AS_002, job({ requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } }, { toleration: [{ key: 'nvidia.com/gpu', operator: 'Exists' }] })))).toEqual(['kubernetes_job_v1.j [j/c:Resources]']);
    expect(addresses(runRule(AS_002, fixtureStack('s', { helm_release: { h: { chart: 'mlflow', values: [JSON.stringify({ resources: { limits: { memory: '1Gi' } } })] } } })))).toEqual(['helm_release.h [resources:Resources]']);
    expect(addresses(runRule(AS_002, fixtureStack('s', { kubernetes_namespace_v1: team, kubernetes_limit_range_v1: { l: { metadata: { name: 'l', namespace: nsRef } } } })))).toEqual(['kubernetes_namespace_v1.n [team:ResourceQuota]']);
  });

  it('passes declared resources and a namespace with quota and limit range', () => {
    expect(runRule(AS_002, job({ requests: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': 1 }, limits: { memory: '1Gi', 'nvidia.com/gpu': 1 } }))).toEqual([]);
    const full = fixtureStack('s', { kubernetes_namespace_v1: team, kubernetes_resource_quota_v1: { q: { metadata: { name: 'q', namespace: nsRef } } }, kubernetes_limit_range_v1: { l: { metadata: { name: 'l', namespace: 'team' } } } });
    expect(runRule(AS_002, full)).toEqual([]);
  });

  it('omitted: no resources block requests nothing; a chart left at its default resources: {} requests nothing', () => {
    expect(addresses(runRule(AS_002, job(undefined)))).toEqual(['kubernetes_job_v1.j [j/c:Resources]']);
    expect(addresses(runRule(AS_002, fixtureStack('s', { helm_release: { h: { chart: 'feast-feature-server', values: ['{}'] } } })))).toEqual(['helm_release.h [resources:Resources]']);
  });

  it('reports references as unknown', () => {
    expect(addresses(runRule(AS_002, job('${var.resources}')))).toEqual(['kubernetes_job_v1.j (unknown)']);
    expect(addresses(runRule(AS_002, fixtureStack('s', { helm_release: { h: { chart: 'mlflow', values: ['${var.values}'] } } })))).toEqual(['helm_release.h (unknown)']);
  });

  it('finds nothing in the examples: every workload declares its resources, and the shared loom-workloads namespace is not a team\'s', () => {
    expect(onExamples(AS_002)).toEqual({ 'aws-platform.yaml': [], 'aws-buy-everything.yaml': [], 'aws-minimal.yaml': [], 'gcp-platform.yaml': [], 'onprem-sovereign.yaml': [] });
  });
});

describe('LOOM-AS-003 serving is highly available', () => {
  const isvc = (predictor: Record<string, unknown>, extra: Record<string, unknown>[] = []) =>
    fixtureStack('s', { helm_release: { r: { chart: './assets/LoomResourcesChart/abc', values: [JSON.stringify({ resources: [{ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'm', namespace: 'x' }, spec: { predictor } }, ...extra] })] } } });
  const zone = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }] };
  const probes = { livenessProbe: { httpGet: { path: '/' } }, readinessProbe: { httpGet: { path: '/' } } };
  const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'm', namespace: 'x' }, spec: { minAvailable: 1, selector: { matchLabels: { 'serving.kserve.io/inferenceservice': 'm' } } } };

  it('is HIGH in prod, MEDIUM otherwise', () => {
    expect(AS_003.severity).toEqual({ baseline: 'MEDIUM', prod: 'HIGH' });
  });

  it('fails a single-replica predictor without budget, spread or probes; a single-replica feast server', () => {
    expect(addresses(runRule(AS_003, isvc({ minReplicas: 1, model: { modelFormat: { name: 'x' } } })))).toEqual(['helm_release.r [m:Replicas]', 'helm_release.r [m:PodDisruptionBudget]', 'helm_release.r [m:TopologySpread]', 'helm_release.r [m:Probes]']);
    const feast = fixtureStack('s', { helm_release: { f: { name: 'feast', chart: 'feast-feature-server', values: [JSON.stringify({ replicaCount: 1, ...zone })] } } });
    expect(addresses(runRule(AS_003, feast))).toEqual(['helm_release.f [feast:Replicas]', 'helm_release.f [feast:PodDisruptionBudget]']);
  });

  it('passes an HA predictor, an HA feast server with a separate budget, an HA valkey', () => {
    expect(runRule(AS_003, isvc({ minReplicas: 2, maxReplicas: 4, ...zone, model: { ...probes } }, [pdb]))).toEqual([]);
    const feast = fixtureStack('s', {
      helm_release: { f: { name: 'feast', chart: 'feast-feature-server', values: [JSON.stringify({ replicaCount: 2, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'topology.kubernetes.io/zone' }] } } })] } },
      kubernetes_pod_disruption_budget_v1: { p: { metadata: { name: 'feast' }, spec: { min_available: 1, selector: { match_labels: { 'app.kubernetes.io/instance': 'feast' } } } } },
    });
    expect(runRule(AS_003, feast)).toEqual([]);
    const valkey = { replica: { enabled: true, replicas: 2 }, podDisruptionBudget: { enabled: true }, readinessProbe: { enabled: true }, ...zone };
    expect(runRule(AS_003, fixtureStack('s', { helm_release: { v: { chart: 'valkey', values: [JSON.stringify(valkey)] } } }))).toEqual([]);
  });

  it('omitted values take the pinned charts\' defaults: one predictor, one Harbor replica each, valkey without replicas, budget or readiness probe', () => {
    expect(addresses(runRule(AS_003, isvc({ ...zone, model: { ...probes } }, [pdb])))).toEqual(['helm_release.r [m:Replicas]']);
    expect(addresses(runRule(AS_003, fixtureStack('s', { helm_release: { v: { chart: 'valkey', values: ['{}'] } } })))).toEqual(['helm_release.v [valkey:Replicas]', 'helm_release.v [valkey:PodDisruptionBudget]', 'helm_release.v [valkey:TopologySpread]', 'helm_release.v [valkey:Probes]']);
    const harbor = fixtureStack('s', { helm_release: { h: { chart: 'harbor', values: ['{}'] } } });
    expect(addresses(runRule(AS_003, harbor))).toEqual(['core', 'portal', 'registry'].flatMap((p) => ['Replicas', 'PodDisruptionBudget', 'TopologySpread'].map((d) => `helm_release.h [harbor-${p}:${d}]`)));
  });

  it('reports references as unknown', () => {
    expect(addresses(runRule(AS_003, isvc({ minReplicas: '${var.min}', ...zone, model: { ...probes } }, [pdb])))).toEqual(['helm_release.r (unknown)']);
    expect(addresses(runRule(AS_003, fixtureStack('s', { helm_release: { v: { chart: 'valkey', values: ['${var.v}'] } } })))).toEqual(['helm_release.v (unknown)']);
  });

  it('finds the registry gaps of the examples (genuine gaps); serving, the feature store and valkey are highly available', () => {
    const harbor = (stack: string) => ['core', 'portal', 'registry', 'nginx'].flatMap((p) => ['Replicas', 'PodDisruptionBudget', 'TopologySpread'].map((d) => `${stack} helm_release.Registry_Release_FE989A6B [harbor-${p}:${d}]`));
    expect(onExamples(AS_003)).toEqual({
      'aws-platform.yaml': [],
      'aws-buy-everything.yaml': [],
      'aws-minimal.yaml': [],
      'gcp-platform.yaml': harbor('acme-addons-apps'),
      'onprem-sovereign.yaml': harbor('sovereign-addons-apps'),
    });
  });
});
