/**
 * The COST rules: per rule and provider a non-compliant, a compliant, an attribute-omitted (the
 * provider's default) and an unresolved-reference fixture, asserting the exact findings; then the
 * exact findings of every example.
 */
import { describe, expect, it } from 'vitest';
import { COST_001 } from '../../../policies/rules/cost/cost-001';
import { COST_002 } from '../../../policies/rules/cost/cost-002';
import { COST_003 } from '../../../policies/rules/cost/cost-003';
import { COST_RULES } from '../../../policies/rules/cost';
import { addresses, EXAMPLES, fixtureStack, onExample, runRule } from '../helpers';


const LOOM_TAGS = { 'loom-platform': 'acme', 'loom-environment': 'prod', 'managed-by': 'loom', team: 'platform', 'cost-center': 'ml' };
const aws = (tags: unknown, resources: Record<string, Record<string, Record<string, unknown>>> = { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } } }) =>
  fixtureStack('s', resources, { provider: { aws: [{ region: 'us-east-1', ...(tags === undefined ? {} : { default_tags: [{ tags }] }) }] } });

describe('LOOM-COST-001 cost-allocation tags and labels everywhere', () => {
  it('AWS: default_tags with Loom\'s names (loom-platform, loom-environment) or the catalogue\'s (platform, environment) pass; a missing team or cost-center fails', () => {
    expect(runRule(COST_001, aws(LOOM_TAGS))).toEqual([]);
    expect(runRule(COST_001, aws({ platform: 'acme', environment: 'prod', team: 't', 'cost-center': 'c' }))).toEqual([]);
    expect(addresses(runRule(COST_001, aws({ 'loom-platform': 'acme', 'loom-environment': 'dev', 'managed-by': 'loom' })))).toEqual(['provider.aws [Tag::team]', 'provider.aws [Tag::cost-center]']);
  });

  it('AWS: default_tags omitted misses every key, unless every resource tags the key itself', () => {
    expect(addresses(runRule(COST_001, aws(undefined)))).toEqual(['platform', 'environment', 'team', 'cost-center'].map((k) => `provider.aws [Tag::${k}]`));
    expect(addresses(runRule(COST_001, aws({ ...LOOM_TAGS, team: undefined }, { aws_vpc: { v: { tags: { team: 't' } } }, aws_subnet: { s: { tags: { team: 't', Name: 's' } } } })))).toEqual([]);
  });

  it('AWS: default_tags given by a reference are unknown; a value by reference is present', () => {
    expect(addresses(runRule(COST_001, aws('${var.tags}')))).toEqual(['provider.aws (unknown)']);
    expect(runRule(COST_001, aws({ ...LOOM_TAGS, team: '${var.team}' }))).toEqual([]);
  });

  it('ASG tags propagate at launch; RDS copies tags to snapshots (omitted: false)', () => {
    const asg = (p: unknown) => aws(LOOM_TAGS, { aws_autoscaling_group: { g: { max_size: 1, min_size: 0, tag: [{ key: 'team', value: 't', propagate_at_launch: p }] } } });
    expect(runRule(COST_001, asg(true))).toEqual([]);
    expect(addresses(runRule(COST_001, asg(false)))).toEqual(['aws_autoscaling_group.g [PropagateAtLaunch::team]']);
    expect(addresses(runRule(COST_001, asg('${var.p}')))).toEqual(['aws_autoscaling_group.g (unknown)']);
    const db = (extra: Record<string, unknown>) => aws(LOOM_TAGS, { aws_db_instance: { d: { engine: 'postgres', ...extra } } });
    expect(runRule(COST_001, db({ copy_tags_to_snapshot: true }))).toEqual([]);
    expect(addresses(runRule(COST_001, db({})))).toEqual(['aws_db_instance.d [CopyTagsToSnapshot]']);
    expect(addresses(runRule(COST_001, db({ copy_tags_to_snapshot: false })))).toEqual(['aws_db_instance.d [CopyTagsToSnapshot]']);
    expect(addresses(runRule(COST_001, db({ copy_tags_to_snapshot: '${var.c}' })))).toEqual(['aws_db_instance.d (unknown)']);
  });

  it('GKE: cluster resource_labels (with the provider\'s default_labels) and node pool resource_labels carry every key', () => {
    const gke = (clusterLabels: unknown, poolLabels: unknown, defaults?: Record<string, string>) =>
      fixtureStack('s', { google_container_cluster: { c: { name: 'c', ...(clusterLabels === undefined ? {} : { resource_labels: clusterLabels }) } }, google_container_node_pool: { p: { name: 'p', cluster: '${google_container_cluster.c.id}', node_config: { ...(poolLabels === undefined ? {} : { resource_labels: poolLabels }) } } } }, { provider: { google: [{ project: 'x', ...(defaults ? { default_labels: defaults } : {}) }] } });
    expect(runRule(COST_001, gke(LOOM_TAGS, LOOM_TAGS))).toEqual([]);
    expect(runRule(COST_001, gke({ team: 't' }, LOOM_TAGS, LOOM_TAGS))).toEqual([]);
    expect(addresses(runRule(COST_001, gke({ 'loom-platform': 'a', 'loom-environment': 'p', team: 't' }, { ...LOOM_TAGS, 'cost-center': undefined })))).toEqual(['google_container_cluster.c [Label::cost-center]', 'google_container_node_pool.p [Label::cost-center]']);
    expect(addresses(runRule(COST_001, gke(undefined, undefined)))).toEqual([
      ...['platform', 'environment', 'team', 'cost-center'].map((k) => `google_container_cluster.c [Label::${k}]`),
      ...['platform', 'environment', 'team', 'cost-center'].map((k) => `google_container_node_pool.p [Label::${k}]`),
    ]);
    expect(addresses(runRule(COST_001, gke('${var.labels}', LOOM_TAGS)))).toEqual(['google_container_cluster.c (unknown)']);
  });

  it('Kubernetes: namespaces are labelled with team and cost-center', () => {
    const ns = (labels: unknown) => fixtureStack('s', { kubernetes_namespace_v1: { n: { metadata: { name: 'ml', ...(labels === undefined ? {} : { labels }) } } } });
    expect(runRule(COST_001, ns({ team: 't', 'cost-center': 'c' }))).toEqual([]);
    expect(addresses(runRule(COST_001, ns({ team: 't' })))).toEqual(['kubernetes_namespace_v1.n [Label::cost-center]']);
    expect(addresses(runRule(COST_001, ns(undefined)))).toEqual(['kubernetes_namespace_v1.n [Label::team]', 'kubernetes_namespace_v1.n [Label::cost-center]']);
    expect(addresses(runRule(COST_001, ns('${var.labels}')))).toEqual(['kubernetes_namespace_v1.n (unknown)']);
  });

  it('examples: every spec gives team and cost-center labels, so everything is tagged and labelled', () => {
    for (const f of EXAMPLES) expect(onExample(COST_001, f), f).toEqual([]);
  });
});

describe('LOOM-COST-002 budgets with alerts exist', () => {
  it('AWS: a budget notifying subscribers passes; none is reported at the provider; one without notifications fails', () => {
    const budget = (extra: Record<string, unknown>) => aws(LOOM_TAGS, { aws_budgets_budget: { b: { budget_type: 'COST', limit_amount: '1000', limit_unit: 'USD', time_unit: 'MONTHLY', ...extra } } });
    expect(runRule(COST_002, budget({ notification: [{ comparison_operator: 'GREATER_THAN', threshold: 80, threshold_type: 'PERCENTAGE', notification_type: 'FORECASTED', subscriber_email_addresses: ['ml-platform@example.com'] }] }))).toEqual([]);
    const none = runRule(COST_002, aws(LOOM_TAGS));
    expect(addresses(none)).toEqual(['provider.aws [NoBudget]']);
    expect(none[0]!.resource.stack).toBe('s');
    expect(addresses(runRule(COST_002, budget({ notification: [{ threshold: 80, subscriber_email_addresses: [] }] })))).toEqual(['aws_budgets_budget.b [Notifications]']);
  });

  it('AWS: notification omitted (the provider\'s default: none) fails', () => {
    expect(addresses(runRule(COST_002, aws(LOOM_TAGS, { aws_budgets_budget: { b: { budget_type: 'COST', limit_amount: '1000' } } })))).toEqual(['aws_budgets_budget.b [Notifications]']);
  });

  it('AWS: subscribers given by reference are present (presence check)', () => {
    expect(runRule(COST_002, aws(LOOM_TAGS, { aws_budgets_budget: { b: { notification: [{ threshold: 80, subscriber_sns_topic_arns: ['${aws_sns_topic.t.arn}'] }] } } }))).toEqual([]);
    expect(runRule(COST_002, aws(LOOM_TAGS, { aws_budgets_budget: { b: { notification: [{ threshold: 80, subscriber_email_addresses: '${var.contacts}' }] } } }))).toEqual([]);
  });

  it('Google: a budget with thresholds and channels passes; none, or one without them, fails', () => {
    const google = (resources: Record<string, Record<string, Record<string, unknown>>>) => fixtureStack('g', resources, { provider: { google: [{ project: 'x' }] } });
    expect(runRule(COST_002, google({ google_billing_budget: { b: { billing_account: 'A', threshold_rules: [{ threshold_percent: 0.8 }], all_updates_rule: { monitoring_notification_channels: ['${google_monitoring_notification_channel.c.id}'] } } } }))).toEqual([]);
    expect(addresses(runRule(COST_002, google({ google_compute_network: { n: { name: 'n' } } })))).toEqual(['provider.google [NoBudget]']);
    expect(addresses(runRule(COST_002, google({ google_billing_budget: { b: { billing_account: 'A' } } })))).toEqual(['google_billing_budget.b [ThresholdRules]', 'google_billing_budget.b [Notifications]']);
  });

  it('a platform without a cloud provider (existing clusters) needs no cloud budget', () => {
    expect(runRule(COST_002, fixtureStack('k', {}, { provider: { kubernetes: [{ config_context: 'dc1' }] } }))).toEqual([]);
  });

  it('examples: Loom synthesizes no budget, so every cloud platform is reported once', () => {
    expect(onExample(COST_002, 'aws-platform.yaml')).toEqual(['acme-cluster-apps provider.aws [NoBudget]']);
    expect(onExample(COST_002, 'aws-buy-everything.yaml')).toEqual(['smallco-cluster-apps provider.aws [NoBudget]']);
    expect(onExample(COST_002, 'aws-minimal.yaml')).toEqual(['sandbox-cluster-apps provider.aws [NoBudget]']);
    expect(onExample(COST_002, 'gcp-platform.yaml')).toEqual(['acme-cluster-apps provider.google [NoBudget]']);
    expect(onExample(COST_002, 'onprem-sovereign.yaml')).toEqual([]);
  });
});

describe('LOOM-COST-003 expensive capacity is bounded', () => {
  const nodeGroup = (extra: Record<string, unknown>) => ({ node_group_name: 'g', cluster_name: '${aws_eks_cluster.c.name}', instance_types: ['m7i.large'], scaling_config: { min_size: 0, max_size: 4, desired_size: 0 }, ...extra });
  const eks = (groups: Record<string, Record<string, unknown>>) => fixtureStack('s', { aws_eks_cluster: { c: { name: 'c' } }, aws_eks_node_group: groups });

  it('EKS: GPU and batch pools scale to zero; a GPU pool keeping nodes fails; a system pool may keep them', () => {
    expect(runRule(COST_003, eks({ gpu: nodeGroup({ instance_types: ['g5.xlarge'], ami_type: 'AL2023_x86_64_NVIDIA' }) }))).toEqual([]);
    expect(addresses(runRule(COST_003, eks({ gpu: nodeGroup({ instance_types: ['g5.xlarge'], scaling_config: { min_size: 1, max_size: 4 } }) })))).toEqual(['aws_eks_node_group.gpu [ScaleToZero]']);
    expect(addresses(runRule(COST_003, eks({ batch: nodeGroup({ labels: { 'loom.dev/flavour': 'batch' }, scaling_config: { min_size: 2, max_size: 4 } }) })))).toEqual(['aws_eks_node_group.batch [ScaleToZero]']);
    expect(runRule(COST_003, eks({ system: nodeGroup({ labels: { 'loom.dev/flavour': 'batch', 'loom.dev/role': 'system' }, scaling_config: { min_size: 2, max_size: 3 } }) }))).toEqual([]);
    expect(runRule(COST_003, eks({ general: nodeGroup({ scaling_config: { min_size: 2, max_size: 10 } }) }))).toEqual([]);
  });

  it('EKS: spot only in batch / interruptible pools; capacity_type omitted is ON_DEMAND', () => {
    expect(runRule(COST_003, eks({ cpu: nodeGroup({ capacity_type: 'SPOT', labels: { 'loom.dev/flavour': 'batch' } }) }))).toEqual([]);
    expect(addresses(runRule(COST_003, eks({ web: nodeGroup({ capacity_type: 'SPOT', labels: { 'loom.dev/flavour': 'microservice' } }) })))).toEqual(['aws_eks_node_group.web [SpotPool]']);
    expect(runRule(COST_003, eks({ web: nodeGroup({ labels: { 'loom.dev/flavour': 'microservice' } }) }))).toEqual([]);
  });

  it('EKS: references in the minimum or the capacity type are unknown', () => {
    expect(addresses(runRule(COST_003, eks({ gpu: nodeGroup({ instance_types: ['p5.48xlarge'], scaling_config: { min_size: '${var.min}', max_size: 2 } }) })))).toEqual(['aws_eks_node_group.gpu (unknown)']);
    expect(addresses(runRule(COST_003, eks({ web: nodeGroup({ capacity_type: '${var.capacity}' }) })))).toEqual(['aws_eks_node_group.web (unknown)']);
  });

  it('GKE: a GPU pool without autoscaling keeps its fixed size (initial_node_count, default 1); with total_min_node_count 0 it scales to zero', () => {
    const pool = (extra: Record<string, unknown>) => fixtureStack('s', { google_container_cluster: { c: { name: 'c' } }, google_container_node_pool: { p: { name: 'gpu', cluster: '${google_container_cluster.c.id}', node_config: { machine_type: 'g2-standard-8', guest_accelerator: [{ type: 'nvidia-l4', count: 1 }] }, ...extra } } });
    expect(addresses(runRule(COST_003, pool({})))).toEqual(['google_container_node_pool.p [ScaleToZero]']);
    expect(runRule(COST_003, pool({ autoscaling: { total_min_node_count: 0, total_max_node_count: 8 } }))).toEqual([]);
    expect(addresses(runRule(COST_003, pool({ autoscaling: { total_min_node_count: '${var.min}', total_max_node_count: 8 } })))).toEqual(['google_container_node_pool.p (unknown)']);
  });

  it('prod: a serving workload that can be scheduled onto a spot pool fails; one pinned to on-demand nodes (or not tolerating the GPU taint) passes', () => {
    const inference = (predictor: Record<string, unknown>) => ({ kubernetes_manifest: { isvc: { manifest: { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'ranker', namespace: 'serving' }, spec: { predictor } } } } });
    const stack = (predictor: Record<string, unknown>) =>
      fixtureStack(
        's',
        {
          google_container_cluster: { c: { name: 'c' } },
          google_container_node_pool: {
            spot: { name: 'cpu', cluster: '${google_container_cluster.c.id}', node_config: { spot: true, labels: { 'loom.dev/flavour': 'batch', 'loom.dev/capacity': 'spot' } }, autoscaling: { total_min_node_count: 0, total_max_node_count: 10 } },
            gpu: { name: 'gpu', cluster: '${google_container_cluster.c.id}', node_config: { spot: true, labels: { 'loom.dev/flavour': 'batch', 'loom.dev/gpu': 'nvidia-l4' }, guest_accelerator: [{ type: 'nvidia-l4', count: 1 }] }, autoscaling: { total_min_node_count: 0, total_max_node_count: 4 } },
            ondemand: { name: 'general', cluster: '${google_container_cluster.c.id}', node_config: { labels: { 'loom.dev/capacity': 'on-demand' } }, autoscaling: { total_min_node_count: 2, total_max_node_count: 4 } },
          },
          ...inference(predictor),
        },
        { provider: { kubernetes: [{ host: 'https://${google_container_cluster.c.endpoint}' }] } },
      );
    expect(addresses(runRule(COST_003, stack({})))).toEqual(['google_container_node_pool.spot [Serving::ranker]']);
    expect(addresses(runRule(COST_003, stack({ nodeSelector: { 'loom.dev/gpu': 'nvidia-l4' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] })))).toEqual(['google_container_node_pool.gpu [Serving::ranker]']);
    expect(runRule(COST_003, stack({ nodeSelector: { 'loom.dev/capacity': 'on-demand' } }))).toEqual([]);
    expect(runRule(COST_003, stack({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'cloud.google.com/gke-spot', operator: 'DoesNotExist' }] }] } } } }))).toEqual([]);
    expect(runRule(COST_003, stack({}), { environment: 'dev' })).toEqual([]);
    expect(addresses(runRule(COST_003, stack({ nodeSelector: { 'loom.dev/capacity': '${var.capacity}' } })))).toEqual(['google_container_node_pool.spot (unknown)', 'google_container_node_pool.gpu (unknown)']);
  });

  it('S3: an enabled rule aborting incomplete multipart uploads passes; a bucket without one (no lifecycle configuration) fails; a reference is unknown', () => {
    const s3 = (rule: Record<string, unknown> | undefined) => fixtureStack('s', { aws_s3_bucket: { b: { bucket_prefix: 'b-' } }, ...(rule ? { aws_s3_bucket_lifecycle_configuration: { l: { bucket: '${aws_s3_bucket.b.id}', rule: [rule] } } } : {}) });
    expect(runRule(COST_003, s3({ id: 'abort', status: 'Enabled', filter: [{ prefix: '' }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }))).toEqual([]);
    expect(addresses(runRule(COST_003, s3({ id: 'abort', status: 'Disabled', abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] })))).toEqual(['aws_s3_bucket.b [AbortMultipartUpload]']);
    expect(addresses(runRule(COST_003, s3(undefined)))).toEqual(['aws_s3_bucket.b [AbortMultipartUpload]']);
    expect(addresses(runRule(COST_003, s3({ id: 'abort', status: '${var.status}', abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] })))).toEqual(['aws_s3_bucket.b (unknown)']);
  });

  it('GCS: a lifecycle_rule with AbortIncompleteMultipartUpload passes; none fails', () => {
    const gcs = (rules: unknown[]) => fixtureStack('s', { google_storage_bucket: { b: { name: 'b', location: 'EU', lifecycle_rule: rules } } });
    expect(runRule(COST_003, gcs([{ action: { type: 'AbortIncompleteMultipartUpload' }, condition: { age: 7 } }]))).toEqual([]);
    expect(addresses(runRule(COST_003, gcs([{ action: { type: 'Delete' }, condition: { days_since_noncurrent_time: 30 } }])))).toEqual(['google_storage_bucket.b [AbortMultipartUpload]']);
    expect(addresses(runRule(COST_003, gcs([{ action: { type: '${var.action}' } }])))).toEqual(['google_storage_bucket.b (unknown)']);
  });

  it('examples: GPU and batch pools scale to zero, spot stays in batch pools and GCS buckets abort incomplete uploads; gcp-platform serves on spot in prod', () => {
    for (const f of ['aws-platform.yaml', 'aws-buy-everything.yaml', 'aws-minimal.yaml', 'onprem-sovereign.yaml'] as const) expect(onExample(COST_003, f), f).toEqual([]);
    expect(onExample(COST_003, 'gcp-platform.yaml')).toEqual([
      'acme-cluster-training google_container_node_pool.Cluster_NodePools_cpu_2E838754 [Serving::ranker]',
      'acme-cluster-training google_container_node_pool.Cluster_NodePools_gpu_BBA4249E [Serving::embedder]',
    ]);
  });
});

describe('the COST area', () => {
  it('lists its rules in id order', () => {
    expect(COST_RULES.map((r) => r.id)).toEqual(['LOOM-COST-001', 'LOOM-COST-002', 'LOOM-COST-003']);
    for (const r of COST_RULES) expect(r.area).toBe('COST');
  });

  it('runs over every example', () => {
    for (const f of EXAMPLES) for (const r of COST_RULES) expect(() => onExample(r, f)).not.toThrow();
  });
});
