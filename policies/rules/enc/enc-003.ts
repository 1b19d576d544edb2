/**
 * LOOM-ENC-003: object storage is encrypted with a customer key and reachable over TLS only.
 * Buckets hold models, features, pipeline artifacts and images. S3 has encrypted every new object
 * with SSE-S3 since January 2023, so a bucket without a customer key is encrypted but with a key
 * nobody can audit or revoke (a MEDIUM warning, an error in `regulated`); a bucket whose policy
 * does not deny `aws:SecureTransport=false` accepts plain HTTP (HIGH).
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, list, text } from '../../values';
import { boolCondition, CMK_SEVERITY, cmkRequired, hasKey, policyStatements } from './common';

const KMS_ALGORITHMS = new Set(['aws:kms', 'aws:kms:dsse']);

/** LOOM-ENC-003: S3 default encryption uses aws:kms with a key and the bucket policy denies insecure transport; GCS uses CMEK in regulated. */
export const ENC_003: PolicyRule = {
  id: 'LOOM-ENC-003',
  area: 'ENC',
  title: 'Object storage is encrypted and TLS-only',
  severity: { baseline: 'HIGH' },
  rationale: 'Buckets hold models, features and artifacts: plain-HTTP access exposes them on the wire, and a provider-managed key cannot be audited, restricted or revoked by the platform.',
  fix: "Loom's S3 object stores create a KMS key, an aws:kms default-encryption configuration and a DenyInsecureTransport bucket policy; for a hand-written bucket add aws_s3_bucket_server_side_encryption_configuration with sse_algorithm = \"aws:kms\" and kms_master_key_id, and an aws_s3_bucket_policy denying s3:* when aws:SecureTransport is false. On Google Cloud in the regulated pack set encryption.default_kms_key_name.",
  anchors: ['AwsSolutions-S10', 'HIPAA.Security-S3BucketSSLRequestsOnly', 'NIST.800.53.R5-S3DefaultEncryptionKMS', 'HIPAA.Security-S3DefaultEncryptionKMS', 'CKV_AWS_19', 'CKV_AWS_145', 'AVD-AWS-0088', 'AVD-AWS-0132', 'AVD-GCP-0066'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const bucket of ctx.resources('aws_s3_bucket')) {
      // Default encryption: the separate resource, or the bucket's legacy inline block.
      const configs = ctx.referencing(bucket, 'aws_s3_bucket_server_side_encryption_configuration').filter((c) => ctx.resolve(c, c.values.bucket) === bucket);
      const rules = [...configs.flatMap((c) => list(c.values, 'rule').map((rule) => ({ from: c, rule }))), ...list(bucket.values, 'server_side_encryption_configuration.rule').map((rule) => ({ from: bucket, rule }))];
      const cmk = encryption(rules);
      if (cmk === 'unknown') out.push({ resource: bucket, message: 'the default-encryption algorithm is a reference, decided at apply time', unknown: true });
      else if (cmk !== true) out.push({ resource: bucket, message: cmk, detail: 'CMK', severity: CMK_SEVERITY });

      // TLS only: a bucket policy (separate resource or legacy inline `policy`) denying aws:SecureTransport=false.
      const policies: { from: SynthResource; policy: unknown }[] = [
        ...ctx
          .referencing(bucket, 'aws_s3_bucket_policy')
          .filter((p) => ctx.resolve(p, p.values.bucket) === bucket)
          .map((p) => ({ from: p, policy: p.values.policy })),
        ...(bucket.values.policy !== undefined ? [{ from: bucket, policy: bucket.values.policy }] : []),
      ];
      let denies = false;
      let undecided = false;
      for (const p of policies) {
        const statements = policyStatements(ctx, p.from, p.policy);
        if (statements === 'unknown') {
          undecided = true;
          continue;
        }
        if (statements.some((s) => s.effect === 'Deny' && (boolCondition(s, 'aws:SecureTransport') ?? []).some((v) => v.toLowerCase() === 'false') && s.actions.some((a) => a === '*' || a === 's3:*' || a.startsWith('s3:'))))
          denies = true;
      }
      if (denies) continue;
      if (undecided) out.push({ resource: bucket, message: 'the bucket policy cannot be read at synth time (an expression or unresolved document)', unknown: true });
      else out.push({ resource: bucket, message: policies.length ? 'the bucket policy does not deny requests with aws:SecureTransport=false' : 'no bucket policy: requests over plain HTTP are accepted', detail: 'SecureTransport' });
    }
    if (cmkRequired(ctx))
      for (const r of ctx.resources('google_storage_bucket')) {
        if (!hasKey(attr(r.values, 'encryption.default_kms_key_name')))
          out.push({ resource: r, message: 'no encryption.default_kms_key_name: objects use a Google-managed key (the regulated pack requires CMEK)', detail: 'CMK', severity: CMK_SEVERITY });
      }
    return out;
  },
};

/** Whether default-encryption rules name a customer key: true, a message why not, or unknown. */
function encryption(rules: readonly { from: SynthResource; rule: unknown }[]): true | string | 'unknown' {
  if (rules.length === 0) return 'no default-encryption configuration: objects get SSE-S3 (an S3-managed key, the default since 2023)';
  let why = '';
  for (const { rule } of rules) {
    const algorithm = text(rule, 'apply_server_side_encryption_by_default.sse_algorithm');
    if (algorithm === 'unknown') return 'unknown';
    if (algorithm && KMS_ALGORITHMS.has(algorithm)) {
      if (hasKey(attr(rule, 'apply_server_side_encryption_by_default.kms_master_key_id'))) return true;
      why = `sse_algorithm ${algorithm} without kms_master_key_id: objects use the AWS-managed aws/s3 key`;
    } else why ||= `sse_algorithm is ${algorithm ?? 'absent'}: objects use SSE-S3, not a customer-managed KMS key`;
  }
  return why;
}
