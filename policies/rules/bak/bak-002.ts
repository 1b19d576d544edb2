/**
 * LOOM-BAK-002: artifact, model and dataset buckets keep versions and have lifecycle rules. Every
 * bucket is held to it (a bucket's purpose is not in the JSON reliably; Loom's are all artifact or
 * dataset buckets):
 *
 * - aws: an `aws_s3_bucket_versioning` with `status = Enabled` (or the legacy inline
 *   `versioning.enabled`), and an `aws_s3_bucket_lifecycle_configuration` with an enabled rule that
 *   expires non-current versions (`noncurrent_version_expiration`), so versioning does not grow
 *   without end. Omitted, S3 keeps no versions and expires nothing. In the regulated pack, model and
 *   audit buckets (purpose tag or name mentioning model, mlflow or audit) also need Object Lock.
 * - google: `versioning.enabled = true` (omitted: off) and a `lifecycle_rule` that deletes
 *   non-current versions (`days_since_noncurrent_time`, `num_newer_versions`, `noncurrent_time_before`
 *   or `with_state = ARCHIVED`).
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, flag, isObject, isReference, list, text } from '../../values';
import { attachToBuckets, isRegulated } from './common';

const NONCURRENT_CONDITIONS = ['days_since_noncurrent_time', 'num_newer_versions', 'noncurrent_time_before'];

/** Whether a bucket holds models or audit records (its purpose tag or label, or its name). */
function isModelBucket(r: SynthResource): boolean {
  const tags = { ...(isObject(r.values.tags) ? r.values.tags : {}), ...(isObject(r.values.labels) ? r.values.labels : {}) };
  const purpose = Object.entries(tags)
    .filter(([k]) => /purpose/.test(k))
    .map(([, v]) => String(v));
  const names = [r.values.bucket, r.values.bucket_prefix, r.values.name].filter((v) => typeof v === 'string' && !isReference(v)).map(String);
  return [...purpose, ...names].some((s) => /model|mlflow|audit/i.test(s));
}

/** LOOM-BAK-002 (MEDIUM; HIGH in the regulated pack). */
export const BAK_002: PolicyRule = {
  id: 'LOOM-BAK-002',
  area: 'BAK',
  title: 'Artifact, model and dataset buckets keep versions and have lifecycle rules',
  severity: { baseline: 'MEDIUM', regulated: 'HIGH' },
  rationale:
    'Models, datasets and run artifacts are overwritten and deleted by tools and people alike; versioning makes every overwrite recoverable, and a lifecycle rule on non-current versions keeps that from growing the bill without end.',
  fix: "Loom's buckets (constructs/aws/s3.ts, GCS object stores) are versioned with a 90-day non-current expiry; for a bucket written in TypeScript add aws_s3_bucket_versioning (status Enabled) and an aws_s3_bucket_lifecycle_configuration rule with noncurrent_version_expiration, or versioning.enabled and a Delete lifecycle_rule on non-current versions for GCS; in the regulated pack enable Object Lock on model buckets.",
  anchors: [
    'HIPAA.Security-S3BucketVersioningEnabled',
    'NIST.800.53.R5-S3BucketVersioningEnabled',
    'CKV_AWS_21',
    'CKV2_AWS_61',
    'CKV_AWS_143',
    'NIST.800.53.R4-S3BucketDefaultLockEnabled',
    'AVD-AWS-0090',
    'CKV_GCP_78',
    'AVD-GCP-0078',
  ],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const regulated = isRegulated(ctx.settings);
    const unknown = (r: SynthResource, what: string) => out.push({ resource: r, message: `${what} is a reference, decided at apply time`, unknown: true });

    const s3 = attachToBuckets(ctx, 'aws_s3_bucket', 'aws_s3_bucket_versioning', 'aws_s3_bucket_lifecycle_configuration', 'aws_s3_bucket_object_lock_configuration');
    for (const b of ctx.resources('aws_s3_bucket')) {
      const attached = s3.of(b);
      const lost = s3.unattributed(b.stack);
      // Versioning.
      const versionings = attached.filter((c) => c.type === 'aws_s3_bucket_versioning');
      const statuses = versionings.map((v) => text(v.values, 'versioning_configuration.status'));
      const inline = flag(b.values, 'versioning.enabled');
      if (statuses.includes('unknown') || inline === 'unknown') unknown(b, 'the versioning status');
      else if (!statuses.includes('Enabled') && inline !== true) {
        if (versionings.length === 0 && lost) unknown(b, "a versioning resource's bucket");
        else out.push({ resource: b, message: versionings.length ? `versioning status is ${statuses.join(', ')}, not Enabled` : 'no aws_s3_bucket_versioning with status Enabled: overwritten and deleted objects are gone', detail: 'Versioning' });
      }
      // Lifecycle: an enabled rule expiring non-current versions.
      const lifecycles = attached.filter((c) => c.type === 'aws_s3_bucket_lifecycle_configuration');
      const rules = [...lifecycles.flatMap((l) => list(l.values, 'rule')), ...list(b.values, 'lifecycle_rule')].filter(isObject);
      const expiring = rules.filter((r) => attr(r, 'noncurrent_version_expiration') !== undefined);
      const states = expiring.map((r) => (r.status !== undefined ? r.status : r.enabled));
      if (states.some((s) => isReference(s))) unknown(b, 'a lifecycle rule status');
      else if (!states.some((s) => s === 'Enabled' || s === true)) {
        if (lifecycles.length === 0 && lost) unknown(b, "a lifecycle configuration's bucket");
        else out.push({ resource: b, message: 'no enabled lifecycle rule expires non-current versions (noncurrent_version_expiration): old versions are kept, and billed, forever', detail: 'Lifecycle' });
      }
      // Object Lock for model and audit buckets (regulated).
      if (regulated && isModelBucket(b)) {
        const lock = flag(b.values, 'object_lock_enabled');
        const lockConfig = attached.some((c) => c.type === 'aws_s3_bucket_object_lock_configuration') || attr(b.values, 'object_lock_configuration.object_lock_enabled') === 'Enabled';
        if (lock === 'unknown') unknown(b, 'object_lock_enabled');
        else if (lock !== true && !lockConfig) out.push({ resource: b, message: 'a model or audit bucket without Object Lock (object_lock_enabled): in the regulated pack its versions must be immutable', detail: 'ObjectLock' });
      }
    }

    for (const b of ctx.resources('google_storage_bucket')) {
      const versioning = flag(b.values, 'versioning.enabled') ?? false;
      if (versioning === 'unknown') unknown(b, 'versioning.enabled');
      else if (!versioning) out.push({ resource: b, message: 'versioning.enabled is not true: overwritten and deleted objects are gone', detail: 'Versioning' });
      const rules = list(b.values, 'lifecycle_rule').filter(isObject);
      const deletesNoncurrent = rules.some((r) => {
        const condition = attr(r, 'condition');
        return (
          attr(r, 'action.type') === 'Delete' && isObject(condition) && (NONCURRENT_CONDITIONS.some((k) => condition[k] !== undefined) || condition.with_state === 'ARCHIVED')
        );
      });
      if (!deletesNoncurrent) {
        if (rules.some((r) => isReference(attr(r, 'action.type')))) unknown(b, 'a lifecycle rule action');
        else out.push({ resource: b, message: 'no lifecycle_rule deletes non-current versions: old versions are kept, and billed, forever', detail: 'Lifecycle' });
      }
    }
    return out;
  },
};
