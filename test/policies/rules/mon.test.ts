/**
 * The MON rules: per rule and provider a non-compliant, a compliant, an attribute-omitted (the
 * provider's default) and an unresolved-reference fixture, asserting the exact findings; then the
 * exact findings of every example.
 */
import { describe, expect, it } from 'vitest';
import { MON_001 } from '../../../policies/rules/mon/mon-001';
import { MON_002 } from '../../../policies/rules/mon/mon-002';
import { MON_003 } from '../../../policies/rules/mon/mon-003';
import { MON_004 } from '../../../policies/rules/mon/mon-004';
import { MON_005 } from '../../../policies/rules/mon/mon-005';
import { MON_RULES } from '../../../policies/rules/mon';
import { addresses, EXAMPLES, fixtureStack, onExample, runRule } from '../helpers';


const ALL_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

describe('LOOM-MON-001 control-plane logs', () => {
  const eks = (extra: Record<string, unknown>) => fixtureStack('s', { aws_eks_cluster: { c: { name: 'c', ...extra } } });
  const gke = (extra: Record<string, unknown>) => fixtureStack('s', { google_container_cluster: { c: { name: 'c', ...extra } } });
  const gkeLogs = { logging_config: { enable_components: ['SYSTEM_COMPONENTS', 'APISERVER', 'WORKLOADS'] } };

  it('EKS: fails missing log types, passes all five', () => {
    expect(addresses(runRule(MON_001, eks({ enabled_cluster_log_types: ['api', 'audit'] })))).toEqual(['aws_eks_cluster.c [LogType::authenticator]', 'aws_eks_cluster.c [LogType::controllerManager]', 'aws_eks_cluster.c [LogType::scheduler]']);
    expect(runRule(MON_001, eks({ enabled_cluster_log_types: ALL_TYPES }))).toEqual([]);
  });

  it('EKS: enabled_cluster_log_types omitted enables no log type', () => {
    expect(addresses(runRule(MON_001, eks({})))).toEqual(ALL_TYPES.map((t) => `aws_eks_cluster.c [LogType::${t}]`));
  });

  it('EKS: a reference is unknown, not a pass', () => {
    expect(addresses(runRule(MON_001, eks({ enabled_cluster_log_types: '${var.log_types}' })))).toEqual(['aws_eks_cluster.c (unknown)']);
    expect(addresses(runRule(MON_001, eks({ enabled_cluster_log_types: ['api', '${var.more}'] })))).toEqual(['aws_eks_cluster.c (unknown)']);
  });

  it('GKE: passes system, workload and API server logs with monitoring; fails without API server logs or with logging or monitoring off', () => {
    expect(runRule(MON_001, gke({ ...gkeLogs, monitoring_config: { enable_components: ['SYSTEM_COMPONENTS'], managed_prometheus: { enabled: true } } }))).toEqual([]);
    expect(addresses(runRule(MON_001, gke({ logging_config: { enable_components: ['SYSTEM_COMPONENTS', 'WORKLOADS'] } })))).toEqual(['google_container_cluster.c [LogComponent::APISERVER]']);
    expect(addresses(runRule(MON_001, gke({ logging_service: 'none' })))).toEqual(['SYSTEM_COMPONENTS', 'WORKLOADS', 'APISERVER'].map((c) => `google_container_cluster.c [LogComponent::${c}]`));
    expect(addresses(runRule(MON_001, gke({ ...gkeLogs, monitoring_service: 'none' })))).toEqual(['google_container_cluster.c [Monitoring]']);
    expect(addresses(runRule(MON_001, gke({ ...gkeLogs, monitoring_config: { enable_components: [] } })))).toEqual(['google_container_cluster.c [Monitoring]']);
  });

  it('GKE: logging_config omitted logs system components and workloads only; monitoring stays on', () => {
    expect(addresses(runRule(MON_001, gke({})))).toEqual(['google_container_cluster.c [LogComponent::APISERVER]']);
  });

  it('GKE: references are unknown', () => {
    expect(addresses(runRule(MON_001, gke({ logging_config: { enable_components: '${var.c}' } })))).toEqual(['google_container_cluster.c (unknown)']);
    expect(addresses(runRule(MON_001, gke({ ...gkeLogs, monitoring_service: '${var.m}' })))).toEqual(['google_container_cluster.c (unknown)']);
  });

  it('finds nothing in any example (Loom enables every log type, GKE logs and monitoring)', () => {
    for (const f of EXAMPLES) expect(onExample(MON_001, f), f).toEqual([]);
  });
});

describe('LOOM-MON-002 flow logs', () => {
  it('AWS: passes a VPC with a flow log (also from another stack), fails one without', () => {
    expect(runRule(MON_002, fixtureStack('s', { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } }, aws_flow_log: { f: { vpc_id: '${aws_vpc.v.id}', traffic_type: 'ALL' } } }))).toEqual([]);
    const net = fixtureStack('net', { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } } }, { output: { 'cross-stack-output-aws_vpcvid': { value: '${aws_vpc.v.id}' } } });
    const logs = fixtureStack('logs', { aws_flow_log: { f: { vpc_id: '${data.terraform_remote_state.cross-stack-reference-input-net.outputs.cross-stack-output-aws_vpcvid}' } } });
    expect(runRule(MON_002, [net, logs])).toEqual([]);
    expect(addresses(runRule(MON_002, fixtureStack('s', { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } }, aws_flow_log: { f: { subnet_id: 'subnet-1' } } })))).toEqual(['aws_vpc.v [VpcFlowLog]']);
  });

  it('AWS: a VPC alone (no aws_flow_log at all) fails', () => {
    expect(addresses(runRule(MON_002, fixtureStack('s', { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } } })))).toEqual(['aws_vpc.v [VpcFlowLog]']);
  });

  it('AWS: a flow log naming its VPC by a reference that cannot be followed makes it unknown', () => {
    expect(addresses(runRule(MON_002, fixtureStack('s', { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } }, aws_flow_log: { f: { vpc_id: '${var.vpc_id}' } } })))).toEqual(['aws_vpc.v (unknown)']);
  });

  it('Google: subnetworks need log_config (omitted or disabled fails; proxy-only subnetworks are exempt)', () => {
    const sub = (extra: Record<string, unknown>) => fixtureStack('s', { google_compute_subnetwork: { n: { name: 'n', ip_cidr_range: '10.0.0.0/20', ...extra } } });
    expect(runRule(MON_002, sub({ log_config: { aggregation_interval: 'INTERVAL_5_SEC', flow_sampling: 0.5 } }))).toEqual([]);
    expect(addresses(runRule(MON_002, sub({})))).toEqual(['google_compute_subnetwork.n [SubnetworkFlowLogs]']);
    expect(addresses(runRule(MON_002, sub({ log_config: { enable: false } })))).toEqual(['google_compute_subnetwork.n [SubnetworkFlowLogs]']);
    expect(runRule(MON_002, sub({ purpose: 'REGIONAL_MANAGED_PROXY' }))).toEqual([]);
    expect(addresses(runRule(MON_002, sub({ log_config: { enable: '${var.on}' } })))).toEqual(['google_compute_subnetwork.n (unknown)']);
  });

  it('GKE: intranode visibility true passes; omitted (off by default) or false fails; a reference is unknown', () => {
    const gke = (extra: Record<string, unknown>) => fixtureStack('s', { google_container_cluster: { c: { name: 'c', ...extra } } });
    expect(runRule(MON_002, gke({ enable_intranode_visibility: true }))).toEqual([]);
    expect(addresses(runRule(MON_002, gke({})))).toEqual(['google_container_cluster.c [IntranodeVisibility]']);
    expect(addresses(runRule(MON_002, gke({ enable_intranode_visibility: false })))).toEqual(['google_container_cluster.c [IntranodeVisibility]']);
    expect(addresses(runRule(MON_002, gke({ enable_intranode_visibility: '${var.v}' })))).toEqual(['google_container_cluster.c (unknown)']);
  });

  it('examples: every VPC and subnetwork logs its flows and the GKE clusters have intranode visibility', () => {
    for (const f of EXAMPLES) expect(onExample(MON_002, f), f).toEqual([]);
  });
});

describe('LOOM-MON-003 log retention and encryption', () => {
  const group = (extra: Record<string, unknown>) => fixtureStack('s', { aws_cloudwatch_log_group: { g: { name: '/x', ...extra } } });
  const KEY = { kms_key_id: '${aws_kms_key.k.arn}' };

  it('passes retention with a KMS key; fails a retention below 365 days in the regulated pack', () => {
    expect(runRule(MON_003, group({ retention_in_days: 90, ...KEY }))).toEqual([]);
    expect(addresses(runRule(MON_003, group({ retention_in_days: 90, ...KEY }), { packs: ['baseline', 'regulated'] }))).toEqual(['aws_cloudwatch_log_group.g [Retention]']);
    expect(runRule(MON_003, group({ retention_in_days: 365, ...KEY }), { packs: ['baseline', 'regulated'] })).toEqual([]);
    expect(addresses(runRule(MON_003, group({ retention_in_days: 0, ...KEY })))).toEqual(['aws_cloudwatch_log_group.g [Retention]']);
  });

  it('omitted retention (never expires) and omitted kms_key_id (AWS-owned key) fail', () => {
    expect(addresses(runRule(MON_003, group({})))).toEqual(['aws_cloudwatch_log_group.g [Retention]', 'aws_cloudwatch_log_group.g [KmsKey]']);
  });

  it('a retention reference is unknown; a key reference is set', () => {
    expect(addresses(runRule(MON_003, group({ retention_in_days: '${var.days}', ...KEY })))).toEqual(['aws_cloudwatch_log_group.g (unknown)']);
  });

  it('Google: project bucket retention (default 30 days) meets the baseline, not the regulated minimum', () => {
    const bucket = (extra: Record<string, unknown>) => fixtureStack('s', { google_logging_project_bucket_config: { b: { bucket_id: '_Default', location: 'global', ...extra } } });
    expect(runRule(MON_003, bucket({}))).toEqual([]);
    expect(addresses(runRule(MON_003, bucket({}), { packs: ['regulated'] }))).toEqual(['google_logging_project_bucket_config.b [Retention]']);
    expect(runRule(MON_003, bucket({ retention_days: 400 }), { packs: ['regulated'] })).toEqual([]);
    expect(addresses(runRule(MON_003, bucket({ retention_days: '${var.d}' })))).toEqual(['google_logging_project_bucket_config.b (unknown)']);
  });

  it('examples: every log group has a retention, none a customer-managed key (a gap of the constructs creating them)', () => {
    expect(onExample(MON_003, 'aws-platform.yaml')).toEqual([
      'acme-cluster-apps aws_cloudwatch_log_group.Cluster_ControlPlaneLogs_F2A89661 [KmsKey]',
      'acme-cluster-events aws_cloudwatch_log_group.Cluster_ControlPlaneLogs_F2A89661 [KmsKey]',
      'acme-cluster-training aws_cloudwatch_log_group.Cluster_ControlPlaneLogs_F2A89661 [KmsKey]',
      'acme-network aws_cloudwatch_log_group.Network_FlowLogs_LogGroup_06F8465A [KmsKey]',
      'acme-services aws_cloudwatch_log_group.ExperimentTracking_Database_Logs-postgresql_C7F4FB3A [KmsKey]',
      'acme-services aws_cloudwatch_log_group.ExperimentTracking_Database_Logs-upgrade_9C1F8BC3 [KmsKey]',
      'acme-services aws_cloudwatch_log_group.Monitoring_WorkspaceLogs_4E24AD75 [KmsKey]',
      'acme-services aws_cloudwatch_log_group.Streaming_BrokerLogs_8C5DC205 [KmsKey]',
    ]);
    expect(onExample(MON_003, 'aws-buy-everything.yaml')).toEqual([
      'smallco-cluster-apps aws_cloudwatch_log_group.Cluster_ControlPlaneLogs_F2A89661 [KmsKey]',
      'smallco-network aws_cloudwatch_log_group.Network_FlowLogs_LogGroup_06F8465A [KmsKey]',
      'smallco-services aws_cloudwatch_log_group.Monitoring_WorkspaceLogs_4E24AD75 [KmsKey]',
    ]);
    expect(onExample(MON_003, 'aws-minimal.yaml')).toEqual(['sandbox-cluster-apps aws_cloudwatch_log_group.Cluster_ControlPlaneLogs_F2A89661 [KmsKey]', 'sandbox-network aws_cloudwatch_log_group.Network_FlowLogs_LogGroup_06F8465A [KmsKey]']);
    for (const f of ['gcp-platform.yaml', 'onprem-sovereign.yaml'] as const) expect(onExample(MON_003, f), f).toEqual([]);
  });
});

describe('LOOM-MON-004 a metrics stack exists and alarms act', () => {
  const eks = { aws_eks_cluster: { c: { name: 'c' } } };
  const scraper = (arn: string) => ({ aws_prometheus_scraper: { s: { source: [{ eks: [{ cluster_arn: arn }] }] } } });
  const kps = { helm_release: { kps: { name: 'kube-prometheus-stack', chart: 'kube-prometheus-stack', repository: 'https://prometheus-community.github.io/helm-charts' } } };

  it('EKS: passes with an AMP scraper naming it or kube-prometheus-stack installed into it (across stacks); fails with neither', () => {
    expect(runRule(MON_004, fixtureStack('s', { ...eks, ...scraper('${aws_eks_cluster.c.arn}') }))).toEqual([]);
    const cluster = fixtureStack('cluster', eks, { output: { 'cross-stack-output-aws_eks_clusterCendpoint': { value: '${aws_eks_cluster.c.endpoint}' } } });
    const addons = fixtureStack('addons', kps, { provider: { kubernetes: [{ host: '${data.terraform_remote_state.cross-stack-reference-input-cluster.outputs.cross-stack-output-aws_eks_clusterCendpoint}' }] } });
    expect(runRule(MON_004, [cluster, addons])).toEqual([]);
    const bare = fixtureStack('addons', { helm_release: { m: { name: 'metrics-server', chart: 'metrics-server' } } }, { provider: { kubernetes: [{ host: '${data.terraform_remote_state.cross-stack-reference-input-cluster.outputs.cross-stack-output-aws_eks_clusterCendpoint}' }] } });
    expect(addresses(runRule(MON_004, [cluster, bare]))).toEqual(['aws_eks_cluster.c [MetricsStack]']);
  });

  it('EKS alone (no monitoring component) has no metrics stack', () => {
    expect(addresses(runRule(MON_004, fixtureStack('s', eks)))).toEqual(['aws_eks_cluster.c [MetricsStack]']);
  });

  it('EKS: a scraper naming its cluster by a reference that cannot be followed makes it unknown', () => {
    expect(addresses(runRule(MON_004, fixtureStack('s', { ...eks, ...scraper('${var.cluster_arn}') })))).toEqual(['aws_eks_cluster.c (unknown)']);
  });

  it('GKE: managed collection on (explicitly or by default since 1.27) passes; disabled fails; a reference is unknown', () => {
    const gke = (extra: Record<string, unknown>) => fixtureStack('s', { google_container_cluster: { c: { name: 'c', ...extra } } });
    expect(runRule(MON_004, gke({ monitoring_config: { managed_prometheus: { enabled: true } } }))).toEqual([]);
    expect(runRule(MON_004, gke({}))).toEqual([]);
    expect(addresses(runRule(MON_004, gke({ monitoring_config: { managed_prometheus: { enabled: false } } })))).toEqual(['google_container_cluster.c [MetricsStack]']);
    expect(addresses(runRule(MON_004, gke({ monitoring_service: 'none' })))).toEqual(['google_container_cluster.c [MetricsStack]']);
    expect(addresses(runRule(MON_004, gke({ monitoring_config: { managed_prometheus: { enabled: '${var.gmp}' } } })))).toEqual(['google_container_cluster.c (unknown)']);
  });

  it('existing clusters (cloud: kubernetes): the stack reaching it installs kube-prometheus-stack, or its provider is reported', () => {
    const existing = (resources: Record<string, Record<string, Record<string, unknown>>>) => fixtureStack('addons', resources, { provider: { kubernetes: [{ config_context: 'dc1' }], helm: [{ kubernetes: { config_context: 'dc1' } }] } });
    expect(runRule(MON_004, existing(kps))).toEqual([]);
    const none = runRule(MON_004, existing({ kubernetes_namespace_v1: { n: { metadata: { name: 'x' } } } }));
    expect(addresses(none)).toEqual(['provider.kubernetes [MetricsStack]']);
    expect(none[0]!.resource.stack).toBe('addons');
    const unresolved = fixtureStack('addons', {}, { provider: { kubernetes: [{ host: '${var.host}' }] } });
    expect(addresses(runRule(MON_004, unresolved))).toEqual(['provider.kubernetes (unknown)']);
  });

  it('alarms act: actions_enabled (default true) with an action; alert policies name channels', () => {
    const alarm = (extra: Record<string, unknown>) => fixtureStack('s', { aws_cloudwatch_metric_alarm: { a: { alarm_name: 'a', ...extra } } });
    expect(runRule(MON_004, alarm({ actions_enabled: true, alarm_actions: ['${aws_sns_topic.t.arn}'] }))).toEqual([]);
    expect(runRule(MON_004, alarm({ alarm_actions: ['arn:aws:sns:us-east-1:123456789012:t'] }))).toEqual([]);
    expect(addresses(runRule(MON_004, alarm({})))).toEqual(['aws_cloudwatch_metric_alarm.a [AlarmActions]']);
    expect(addresses(runRule(MON_004, alarm({ actions_enabled: false, alarm_actions: ['arn:x'] })))).toEqual(['aws_cloudwatch_metric_alarm.a [ActionsEnabled]']);
    expect(addresses(runRule(MON_004, alarm({ actions_enabled: '${var.on}', alarm_actions: ['arn:x'] })))).toEqual(['aws_cloudwatch_metric_alarm.a (unknown)']);
    const policy = (extra: Record<string, unknown>) => fixtureStack('s', { google_monitoring_alert_policy: { p: { display_name: 'p', ...extra } } });
    expect(runRule(MON_004, policy({ notification_channels: ['${google_monitoring_notification_channel.c.id}'] }))).toEqual([]);
    expect(addresses(runRule(MON_004, policy({})))).toEqual(['google_monitoring_alert_policy.p [NotificationChannels]']);
  });

  it('examples: every cluster is scraped (AMP, GKE managed collection, kube-prometheus-stack on existing clusters) except aws-minimal, whose spec has no monitoring component', () => {
    for (const f of ['aws-platform.yaml', 'aws-buy-everything.yaml', 'gcp-platform.yaml', 'onprem-sovereign.yaml'] as const) expect(onExample(MON_004, f), f).toEqual([]);
    expect(onExample(MON_004, 'aws-minimal.yaml')).toEqual(['sandbox-cluster-apps aws_eks_cluster.Cluster_EB0386A7 [MetricsStack]']);
  });
});

describe('LOOM-MON-005 service and access logs', () => {
  const bucket = { aws_s3_bucket: { b: { bucket_prefix: 'b-' }, logs: { bucket_prefix: 'logs-' } } };

  it('S3: passes access logs to a separate log bucket (which itself is exempt); fails none or logging into itself; LOW in dev', () => {
    expect(runRule(MON_005, fixtureStack('s', { ...bucket, aws_s3_bucket_logging: { l: { bucket: '${aws_s3_bucket.b.id}', target_bucket: '${aws_s3_bucket.logs.id}', target_prefix: 'b/' } } }))).toEqual([]);
    expect(addresses(runRule(MON_005, fixtureStack('s', { aws_s3_bucket: { b: { bucket: 'b' } }, aws_s3_bucket_logging: { l: { bucket: '${aws_s3_bucket.b.id}', target_bucket: 'b' } } })))).toEqual(['aws_s3_bucket.b [AccessLogs]']);
    const dev = runRule(MON_005, fixtureStack('s', { aws_s3_bucket: { b: { bucket_prefix: 'b-' } } }), { environment: 'dev' });
    expect(addresses(dev)).toEqual(['aws_s3_bucket.b [AccessLogs]']);
    expect(dev[0]!.severity).toEqual({ baseline: 'LOW', regulated: 'HIGH' });
  });

  it('S3: a bucket with no logging configuration fails (MEDIUM outside dev)', () => {
    const f = runRule(MON_005, fixtureStack('s', { aws_s3_bucket: { b: { bucket_prefix: 'b-' } } }));
    expect(addresses(f)).toEqual(['aws_s3_bucket.b [AccessLogs]']);
    expect(f[0]!.severity).toBeUndefined();
  });

  it('S3: a logging resource naming its bucket by a reference that cannot be followed makes unlogged buckets unknown', () => {
    expect(addresses(runRule(MON_005, fixtureStack('s', { aws_s3_bucket: { b: { bucket_prefix: 'b-' } }, aws_s3_bucket_logging: { l: { bucket: '${var.bucket}', target_bucket: 'logs' } } })))).toEqual(['aws_s3_bucket.b (unknown)']);
  });

  it('GCS: log_bucket set to another bucket passes (that bucket is exempt); omitted or itself fails; an unresolved reference is unknown', () => {
    const gcs = (extra: Record<string, unknown>) => fixtureStack('s', { google_storage_bucket: { b: { name: 'data', location: 'EU', ...extra }, logs: { name: 'logs', location: 'EU' } } });
    expect(runRule(MON_005, gcs({ logging: { log_bucket: '${google_storage_bucket.logs.name}' } }))).toEqual([]);
    expect(runRule(MON_005, gcs({ logging: { log_bucket: 'logs' } }))).toEqual([]);
    expect(addresses(runRule(MON_005, gcs({})))).toEqual(['google_storage_bucket.b [AccessLogs]', 'google_storage_bucket.logs [AccessLogs]']);
    expect(addresses(runRule(MON_005, gcs({ logging: { log_bucket: 'data' } })))).toEqual(['google_storage_bucket.b [AccessLogs]', 'google_storage_bucket.logs [AccessLogs]']);
    expect(addresses(runRule(MON_005, gcs({ logging: { log_bucket: '${var.log_bucket}' } })))).toEqual(['google_storage_bucket.b (unknown)', 'google_storage_bucket.logs [AccessLogs]']);
  });

  it('ALB: access_logs.enabled passes; omitted (off) fails; network load balancers are out of scope; a reference is unknown', () => {
    const lb = (extra: Record<string, unknown>) => fixtureStack('s', { aws_lb: { l: { name: 'l', ...extra } } });
    expect(runRule(MON_005, lb({ access_logs: { bucket: 'logs', enabled: true } }))).toEqual([]);
    expect(addresses(runRule(MON_005, lb({})))).toEqual(['aws_lb.l [AlbAccessLogs]']);
    expect(addresses(runRule(MON_005, lb({ access_logs: { bucket: 'logs', enabled: false } })))).toEqual(['aws_lb.l [AlbAccessLogs]']);
    expect(runRule(MON_005, lb({ load_balancer_type: 'network' }))).toEqual([]);
    expect(addresses(runRule(MON_005, lb({ access_logs: { bucket: 'logs', enabled: '${var.on}' } })))).toEqual(['aws_lb.l (unknown)']);
  });

  it('RDS: log exports and enhanced monitoring pass; omitted fails both; a reference is unknown', () => {
    const db = (extra: Record<string, unknown>) => fixtureStack('s', { aws_db_instance: { d: { engine: 'postgres', ...extra } } });
    expect(runRule(MON_005, db({ enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'], monitoring_interval: 60, monitoring_role_arn: '${aws_iam_role.r.arn}' }))).toEqual([]);
    expect(addresses(runRule(MON_005, db({})))).toEqual(['aws_db_instance.d [RdsLogExports]', 'aws_db_instance.d [RdsEnhancedMonitoring]']);
    expect(addresses(runRule(MON_005, db({ enabled_cloudwatch_logs_exports: ['postgresql'], monitoring_interval: '${var.i}' })))).toEqual(['aws_db_instance.d (unknown)']);
  });

  it('MSK: broker logs enabled pass; omitted fails; a reference is unknown', () => {
    const msk = (extra: Record<string, unknown>) => fixtureStack('s', { aws_msk_cluster: { m: { cluster_name: 'm', ...extra } } });
    expect(runRule(MON_005, msk({ logging_info: { broker_logs: { cloudwatch_logs: { enabled: true, log_group: 'g' } } } }))).toEqual([]);
    expect(addresses(runRule(MON_005, msk({})))).toEqual(['aws_msk_cluster.m [MskBrokerLogs]']);
    expect(addresses(runRule(MON_005, msk({ logging_info: { broker_logs: { s3: { enabled: '${var.on}' } } } })))).toEqual(['aws_msk_cluster.m (unknown)']);
  });

  it('examples: buckets have no access logs and the MLflow database, which exports its logs, runs no enhanced monitoring (gaps of the object-store and RDS constructs)', () => {
    expect(onExample(MON_005, 'aws-platform.yaml')).toEqual([
      'acme-services aws_s3_bucket.ExperimentTracking_Artifacts_Bucket_BCF77D00 [AccessLogs]',
      'acme-services aws_s3_bucket.FeatureStore_Offline_Bucket_1DB5B217 [AccessLogs]',
      'acme-services aws_s3_bucket.Pipelines_Artifacts_Bucket_FA90F6A4 [AccessLogs]',
      'acme-services aws_db_instance.ExperimentTracking_Database_Instance_48AC1913 [RdsEnhancedMonitoring]',
    ]);
    expect(onExample(MON_005, 'aws-buy-everything.yaml')).toEqual([
      'smallco-services aws_s3_bucket.ExperimentTracking_Artifacts_Bucket_86922B95 [AccessLogs]',
      'smallco-services aws_s3_bucket.FeatureStore_Offline_Bucket_1DB5B217 [AccessLogs]',
      'smallco-services aws_s3_bucket.Pipelines_Artifacts_Bucket_FA90F6A4 [AccessLogs]',
    ]);
    expect(onExample(MON_005, 'gcp-platform.yaml')).toEqual([
      'acme-services google_storage_bucket.ExperimentTracking_Staging_Bucket_7152D7C0 [AccessLogs]',
      'acme-services google_storage_bucket.FeatureStore_Offline_Bucket_FDFED300 [AccessLogs]',
      'acme-services google_storage_bucket.Pipelines_PipelineRoot_Bucket_6AB6188C [AccessLogs]',
      'acme-services google_storage_bucket.Registry_ImageStore_Bucket_51D7D884 [AccessLogs]',
    ]);
    for (const f of ['aws-minimal.yaml', 'onprem-sovereign.yaml'] as const) expect(onExample(MON_005, f), f).toEqual([]);
  });
});

describe('the MON area', () => {
  it('lists its rules in id order with the catalogue metadata', () => {
    expect(MON_RULES.map((r) => r.id)).toEqual(['LOOM-MON-001', 'LOOM-MON-002', 'LOOM-MON-003', 'LOOM-MON-004', 'LOOM-MON-005']);
    for (const r of MON_RULES) {
      expect(r.area).toBe('MON');
      expect(r.anchors.length).toBeGreaterThan(0);
    }
  });
});
