/**
 * LOOM-MON-003: logs are kept long enough, and no longer than planned, and CloudWatch log groups
 * are encrypted with a customer-managed key. A log group without retention keeps everything
 * forever (and bills for it); a regulated platform keeps a year at least.
 */
import type { PolicyRule, RuleFinding } from '../../types';
import { attr, num } from '../../values';

/** The retention (days) the `regulated` pack requires of every log store (HIPAA / CKV_AWS_338: a year). */
export const REGULATED_LOG_RETENTION_DAYS = 365;
/** Cloud Logging's default bucket retention (days), when `retention_days` is omitted. */
const GCP_DEFAULT_RETENTION_DAYS = 30;

/** Log retention and encryption: CloudWatch retention set (≥365 days in regulated) with a KMS key; Cloud Logging buckets ≥ the minimum. */
export const MON_003: PolicyRule = {
  id: 'LOOM-MON-003',
  area: 'MON',
  title: 'Log retention and encryption',
  severity: { baseline: 'MEDIUM', regulated: 'HIGH' },
  rationale: 'Logs kept for less than an investigation takes are useless when needed, logs kept forever cost money for nothing, and logs encrypted only with an AWS-owned key can be read by anyone with logs:GetLogEvents, without a key policy to say otherwise.',
  fix: 'Set retention_in_days on every aws_cloudwatch_log_group (network.flowLogRetentionDays for the VPC flow logs; 365 or more under policies.packs: [regulated]) and encrypt it with a customer-managed key (kms_key_id, whose key policy lets logs.<region>.amazonaws.com use it); on Google Cloud set retention_days of google_logging_project_bucket_config.',
  anchors: ['HIPAA.Security-CloudWatchLogGroupRetentionPeriod', 'HIPAA.Security-CloudWatchLogGroupEncrypted', 'CKV_AWS_66', 'CKV_AWS_338', 'CKV_AWS_158', 'AVD-AWS-0017'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const regulated = ctx.settings.packs.includes('regulated');
    const minimum = regulated ? REGULATED_LOG_RETENTION_DAYS : 1;
    for (const r of ctx.resources('aws_cloudwatch_log_group')) {
      // Provider default: retention_in_days 0, events never expire.
      const days = num(r.values, 'retention_in_days');
      if (days === 'unknown') out.push({ resource: r, message: 'retention_in_days is a reference, decided at apply time', unknown: true });
      else if (days === undefined || days === 0) out.push({ resource: r, message: `retention_in_days is ${days === undefined ? 'omitted' : '0'}: events never expire`, detail: 'Retention' });
      else if (days < minimum) out.push({ resource: r, message: `retention_in_days is ${days}, below the ${minimum} days the regulated pack requires`, detail: 'Retention' });
      // Provider default: no kms_key_id, encrypted with a key CloudWatch Logs owns.
      const key = attr(r.values, 'kms_key_id');
      if (key === undefined || key === null || key === '') out.push({ resource: r, message: 'kms_key_id is not set: the log group is encrypted only with a key CloudWatch Logs owns', detail: 'KmsKey' });
    }
    for (const r of ctx.resources('google_logging_project_bucket_config')) {
      const days = num(r.values, 'retention_days');
      if (days === 'unknown') out.push({ resource: r, message: 'retention_days is a reference, decided at apply time', unknown: true });
      else {
        const effective = days ?? GCP_DEFAULT_RETENTION_DAYS;
        if (effective < minimum) out.push({ resource: r, message: `retention_days is ${effective}${days === undefined ? ' (omitted: the default)' : ''}, below the ${minimum} days the regulated pack requires`, detail: 'Retention' });
      }
    }
    return out;
  },
};
