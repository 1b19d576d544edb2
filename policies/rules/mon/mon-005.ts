/**
 * LOOM-MON-005: managed services log who used them. S3 buckets log their access to a separate log
 * bucket; GCS buckets name a log bucket other than themselves; application load balancers keep
 * access logs; RDS exports its database logs to CloudWatch and runs enhanced monitoring; MSK
 * brokers ship their logs. Buckets that receive other buckets' access logs are the log buckets and
 * are not asked to log into themselves.
 */
import type { PackSeverities, PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, flag, isReference, list, num, text } from '../../values';

/** Service and access logs: S3/GCS access logs to a separate bucket, ALB access logs, RDS log exports and enhanced monitoring, MSK broker logs. */
export const MON_005: PolicyRule = {
  id: 'LOOM-MON-005',
  area: 'MON',
  title: 'Service and access logs',
  severity: { baseline: 'MEDIUM', regulated: 'HIGH' },
  rationale: 'Access logs are the only record of who read or wrote data and who called a service; without them a leaked credential or a misused bucket cannot be scoped after the fact.',
  fix: 'Give each bucket an aws_s3_bucket_logging (GCS: logging.log_bucket) that targets a separate log bucket (the object stores Loom creates for components.*: constructs/aws/s3.ts, constructs/stores/object-store); set access_logs.enabled on application load balancers; set enabled_cloudwatch_logs_exports and monitoring_interval > 0 with a monitoring_role_arn on RDS (components.experimentTracking / featureStore databases); enable logging_info.broker_logs on MSK (components.streaming).',
  anchors: ['AwsSolutions-S1', 'AwsSolutions-ELB2', 'AwsSolutions-MSK6', 'HIPAA.Security-RDSLoggingEnabled', 'HIPAA.Security-RDSEnhancedMonitoringEnabled', 'CKV_AWS_18', 'CKV_AWS_91', 'CKV_AWS_80', 'CKV_AWS_129', 'CKV_AWS_118', 'AVD-AWS-0089', 'AVD-AWS-0074', 'CKV_GCP_62', 'CKV_GCP_63', 'AVD-GCP-0077'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    // Bucket access logs are LOW in dev (the catalogue's exception); the regulated pack still raises them.
    const bucketSeverity: PackSeverities | undefined = ctx.settings.environment === 'dev' ? { baseline: 'LOW', regulated: 'HIGH' } : undefined;
    const bucketFinding = (resource: SynthResource, message: string, detail = 'AccessLogs'): RuleFinding => ({ resource, message, detail, ...(bucketSeverity ? { severity: bucketSeverity } : {}) });

    // S3: which buckets log where (aws_s3_bucket_logging, or the bucket's legacy inline logging block).
    const logs = new Map<SynthResource, unknown[]>();
    const targets = new Set<SynthResource>();
    let unresolvedLogging = false;
    for (const l of ctx.resources('aws_s3_bucket_logging')) {
      const bucket = ctx.resolve(l, attr(l.values, 'bucket'));
      const target = attr(l.values, 'target_bucket');
      const targetBucket = ctx.resolve(l, target);
      if (targetBucket) targets.add(targetBucket);
      if (bucket) logs.set(bucket, [...(logs.get(bucket) ?? []), targetBucket ?? target]);
      else if (isReference(attr(l.values, 'bucket'))) unresolvedLogging = true;
    }
    const s3 = ctx.resources('aws_s3_bucket');
    for (const b of s3) {
      const inline = attr(b.values, 'logging.target_bucket');
      if (inline !== undefined) {
        logs.set(b, [...(logs.get(b) ?? []), ctx.resolve(b, inline) ?? inline]);
        const t = ctx.resolve(b, inline);
        if (t) targets.add(t);
      }
    }
    const bucketNames = new Map<string, SynthResource>();
    for (const b of s3) if (typeof b.values.bucket === 'string' && !isReference(b.values.bucket)) bucketNames.set(b.values.bucket, b);
    for (const b of s3) {
      const dest = logs.get(b) ?? [];
      const self = dest.some((d) => d === b || (typeof d === 'string' && bucketNames.get(d) === b));
      if (self) out.push(bucketFinding(b, 'server access logs go to the bucket itself: each log delivery writes a new object to log'));
      else if (dest.length > 0) continue;
      else if (targets.has(b)) continue; // the log bucket itself
      else if (unresolvedLogging) out.push({ resource: b, message: 'no aws_s3_bucket_logging names this bucket, and some names its bucket by a reference that cannot be followed', unknown: true });
      else out.push(bucketFinding(b, 'server access logging is not enabled (no aws_s3_bucket_logging names this bucket)'));
    }

    // GCS: logging.log_bucket, not the bucket itself; buckets named as log buckets are exempt.
    const gcs = ctx.resources('google_storage_bucket');
    const gcsNames = new Map<string, SynthResource>();
    for (const b of gcs) if (typeof b.values.name === 'string' && !isReference(b.values.name)) gcsNames.set(b.values.name, b);
    const gcsTargets = new Set<SynthResource>();
    for (const b of gcs) {
      const lb = attr(b.values, 'logging.log_bucket');
      const t = ctx.resolve(b, lb) ?? (typeof lb === 'string' ? gcsNames.get(lb) : undefined);
      if (t && t !== b) gcsTargets.add(t);
    }
    for (const b of gcs) {
      const lb = attr(b.values, 'logging.log_bucket');
      if (lb === undefined || lb === null || lb === '') {
        if (!gcsTargets.has(b)) out.push(bucketFinding(b, 'logging.log_bucket is not set: access to the bucket is not logged'));
        continue;
      }
      const t = ctx.resolve(b, lb) ?? (typeof lb === 'string' && !isReference(lb) ? gcsNames.get(lb) : undefined);
      if (t === b || lb === b.values.name) out.push(bucketFinding(b, 'logging.log_bucket is the bucket itself'));
      else if (!t && isReference(lb)) out.push({ resource: b, message: 'logging.log_bucket is a reference that cannot be followed: whether it is the bucket itself is decided at apply time', unknown: true });
    }

    // Application load balancers: access_logs.enabled (provider default: no access logs).
    for (const lb of ctx.resources('aws_lb', 'aws_alb')) {
      const type = text(lb.values, 'load_balancer_type') ?? 'application';
      if (type !== 'application' && type !== 'unknown') continue;
      const enabled = flag(lb.values, 'access_logs.enabled');
      if (type === 'unknown' || enabled === 'unknown') out.push({ resource: lb, message: 'load_balancer_type or access_logs.enabled is a reference, decided at apply time', unknown: true });
      else if (enabled !== true) out.push({ resource: lb, message: `access_logs ${attr(lb.values, 'access_logs') === undefined ? 'is omitted' : 'is not enabled'}: requests to the load balancer are not logged`, detail: 'AlbAccessLogs' });
    }

    // RDS: log exports (default none) and enhanced monitoring (monitoring_interval default 0).
    for (const db of ctx.resources('aws_db_instance', 'aws_rds_cluster')) {
      const raw = attr(db.values, 'enabled_cloudwatch_logs_exports');
      if (!isReference(raw) && list(db.values, 'enabled_cloudwatch_logs_exports').length === 0) out.push({ resource: db, message: 'enabled_cloudwatch_logs_exports is empty: database logs stay on the instance', detail: 'RdsLogExports' });
    }
    for (const db of ctx.resources('aws_db_instance', 'aws_rds_cluster_instance')) {
      const interval = num(db.values, 'monitoring_interval');
      if (interval === 'unknown') out.push({ resource: db, message: 'monitoring_interval is a reference, decided at apply time', unknown: true });
      else if (!interval) out.push({ resource: db, message: `monitoring_interval is ${interval === undefined ? 'omitted (0)' : '0'}: enhanced monitoring is off`, detail: 'RdsEnhancedMonitoring' });
    }

    // MSK: broker logs to CloudWatch, Firehose or S3 (provider default: none).
    for (const msk of ctx.resources('aws_msk_cluster')) {
      const dests = ['cloudwatch_logs', 'firehose', 's3'].map((d) => flag(msk.values, `logging_info.broker_logs.${d}.enabled`));
      if (dests.includes(true)) continue;
      if (dests.includes('unknown')) out.push({ resource: msk, message: 'logging_info.broker_logs.*.enabled is a reference, decided at apply time', unknown: true });
      else out.push({ resource: msk, message: 'logging_info.broker_logs ships broker logs nowhere', detail: 'MskBrokerLogs' });
    }
    return out;
  },
};
