/**
 * LOOM-IAM-007: buckets, registries and keys block public access. A public bucket or registry is
 * the most common cloud data leak; ACLs and "anyone" grants are how it happens by accident.
 *
 * aws, per `aws_s3_bucket`:
 * - an `aws_s3_bucket_public_access_block` of it with `block_public_acls`, `block_public_policy`,
 *   `ignore_public_acls` and `restrict_public_buckets` all true (`[PublicAccessBlock]`; each flag
 *   defaults to false; an `aws_s3_account_public_access_block` with all four true covers every
 *   bucket of the account);
 * - an `aws_s3_bucket_ownership_controls` with `object_ownership = BucketOwnerEnforced`
 *   (`[OwnershipControls]`: ACLs disabled; without one, buckets made since April 2023 already
 *   default to it, but the catalogue asks for it to be explicit);
 * - no public canned ACL (`aws_s3_bucket.acl`, `aws_s3_bucket_acl.acl`: `public-read`,
 *   `public-read-write`, `authenticated-read`) — `[PublicAcl]`.
 * Per `aws_s3_bucket_policy` and `aws_ecr_repository_policy`: no `Allow` statement to
 * `Principal: "*"` unless a condition narrows who (a key other than transport, time, user agent or
 * referer — `aws:PrincipalOrgID`, `aws:SourceVpce`, `aws:SourceArn`, …) — `[PublicPolicy]`.
 *
 * google: each `google_storage_bucket` has `public_access_prevention = "enforced"`
 * (`[PublicAccessPrevention]`; default `inherited`) and `uniform_bucket_level_access = true`
 * (`[UniformAccess]`; default false); no IAM member/binding/policy on a bucket, Artifact Registry
 * repository, KMS key ring or key, or Pub/Sub topic or subscription grants `allUsers` or
 * `allAuthenticatedUsers` (`[Member::allUsers]`).
 *
 * Flags or documents that are expressions are unknown.
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { flag, isObject, isReference, list, text } from '../../values';
import { readPolicyDocument } from './policy-document';

const PAB_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
const PUBLIC_ACLS = new Set(['public-read', 'public-read-write', 'authenticated-read']);
const NON_NARROWING = /^aws:(SecureTransport|CurrentTime|EpochTime|UserAgent|Referer|RequestedRegion)$/i;
const PUBLIC_MEMBERS = new Set(['allUsers', 'allAuthenticatedUsers']);
const GOOGLE_IAM = /^google_(storage_bucket|artifact_registry_repository|kms_key_ring|kms_crypto_key|pubsub_topic|pubsub_subscription)_iam_(member|binding|policy)$/;

/** Whether all four flags of a public access block are true: true, false (with the flags that are not), or unknown. */
function pabState(r: SynthResource): { ok: boolean; unknown: boolean; off: string[] } {
  const off: string[] = [];
  let unknown = false;
  for (const f of PAB_FLAGS) {
    const v = flag(r.values, f);
    if (v === 'unknown') unknown = true;
    else if (v !== true) off.push(f);
  }
  return { ok: off.length === 0 && !unknown, unknown, off };
}

function policyFindings(ctx: RuleContext, r: SynthResource): RuleFinding[] {
  const doc = readPolicyDocument(ctx, r, r.values.policy);
  if (doc.unknown !== undefined) return [{ resource: r, message: `policy: ${doc.unknown}`, unknown: true }];
  const open = doc.statements.filter(
    (s) => s.effect === 'Allow' && s.principals.some((p) => p.type === '*' || p.ids.includes('*')) && !s.conditions.some((c) => !NON_NARROWING.test(c.variable)),
  );
  return open.length
    ? [{ resource: r, message: `the policy allows ${open.map((s) => s.actions.join(', ')).join('; ')} to Principal "*" without a condition that narrows who`, detail: 'PublicPolicy' }]
    : [];
}

/** LOOM-IAM-007: buckets, registries and keys block public access (see the module comment). */
export const IAM_007: PolicyRule = {
  id: 'LOOM-IAM-007',
  area: 'IAM',
  title: 'Buckets, registries and keys block public access',
  severity: { baseline: 'CRITICAL' },
  rationale: 'Public buckets and registries are the most common cloud data leak; block-public-access, disabled ACLs and uniform access make a public grant impossible rather than merely absent.',
  fix: "Keep Loom's private-bucket defaults (public access block with all four flags, BucketOwnerEnforced, GCS public_access_prevention=enforced and uniform access); grant named principals, never allUsers / allAuthenticatedUsers or Principal \"*\" without a narrowing condition.",
  anchors: [
    'AwsSolutions-S2',
    'AwsSolutions-ECR1',
    'NIST.800.53.R5-S3BucketLevelPublicAccessProhibited',
    'HIPAA.Security-S3BucketPublicReadProhibited',
    'CKV_AWS_53',
    'CKV_AWS_54',
    'CKV_AWS_55',
    'CKV_AWS_56',
    'CKV_AWS_70',
    'CKV2_AWS_6',
    'CKV2_AWS_65',
    'CKV_AWS_32',
    'AVD-AWS-0086',
    'AVD-AWS-0087',
    'AVD-AWS-0091',
    'AVD-AWS-0093',
    'AVD-AWS-0032',
    'CKV_GCP_28',
    'CKV_GCP_29',
    'CKV_GCP_114',
    'CKV_GCP_101',
    'CKV_GCP_99',
    'CKV2_GCP_6',
    'CKV2_GCP_9',
    'AVD-GCP-0001',
    'AVD-GCP-0002',
  ],
  providers: ['aws', 'google'],
  suppressible: false,
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const accountBlocks = ctx.resources('aws_s3_account_public_access_block').map(pabState);
    const accountCovered = accountBlocks.some((s) => s.ok);
    for (const b of ctx.resources('aws_s3_bucket')) {
      if (!accountCovered) {
        const blocks = ctx.referencing(b, 'aws_s3_bucket_public_access_block').map(pabState);
        if (blocks.some((s) => s.ok)) {
          // covered
        } else if (blocks.some((s) => s.unknown) || accountBlocks.some((s) => s.unknown)) out.push({ resource: b, message: 'a public access block flag is decided at apply time', unknown: true });
        else if (blocks.length === 0) out.push({ resource: b, message: 'no aws_s3_bucket_public_access_block: public ACLs and policies are not blocked', detail: 'PublicAccessBlock' });
        else out.push({ resource: b, message: `the public access block leaves ${blocks[0]!.off.join(', ')} off (false by default)`, detail: 'PublicAccessBlock' });
      }
      const controls = ctx.referencing(b, 'aws_s3_bucket_ownership_controls').map((c) => text(c.values, 'rule.object_ownership'));
      if (controls.includes('BucketOwnerEnforced')) {
        // ACLs disabled
      } else if (controls.includes('unknown')) out.push({ resource: b, message: 'object_ownership is decided at apply time', unknown: true });
      else out.push({ resource: b, message: controls.length ? `object_ownership is ${controls.join(', ')}: ACLs stay enabled` : 'no aws_s3_bucket_ownership_controls with BucketOwnerEnforced: ACLs are not explicitly disabled', detail: 'OwnershipControls' });
      const acls = [text(b.values, 'acl'), ...ctx.referencing(b, 'aws_s3_bucket_acl').map((a) => text(a.values, 'acl'))];
      if (acls.some((a) => a !== undefined && a !== 'unknown' && PUBLIC_ACLS.has(a))) out.push({ resource: b, message: `a public canned ACL (${acls.filter((a) => a && PUBLIC_ACLS.has(a)).join(', ')})`, detail: 'PublicAcl' });
      else if (acls.includes('unknown')) out.push({ resource: b, message: 'the bucket ACL is decided at apply time', unknown: true });
    }
    for (const r of ctx.resources('aws_s3_bucket_policy', 'aws_ecr_repository_policy')) if (r.values.policy !== undefined) out.push(...policyFindings(ctx, r));
    for (const b of ctx.resources('google_storage_bucket')) {
      const pap = text(b.values, 'public_access_prevention');
      if (pap === 'unknown') out.push({ resource: b, message: 'public_access_prevention is decided at apply time', unknown: true });
      else if (pap !== 'enforced') out.push({ resource: b, message: `public_access_prevention is ${pap ?? 'not set (inherited)'}: the bucket can be made public`, detail: 'PublicAccessPrevention' });
      const ubla = flag(b.values, 'uniform_bucket_level_access');
      if (ubla === 'unknown') out.push({ resource: b, message: 'uniform_bucket_level_access is decided at apply time', unknown: true });
      else if (ubla !== true) out.push({ resource: b, message: `uniform_bucket_level_access is ${ubla === false ? 'false' : 'not set (false)'}: object ACLs stay in force`, detail: 'UniformAccess' });
    }
    for (const s of ctx.stacks)
      for (const r of s.resources) {
        if (!GOOGLE_IAM.test(r.type)) continue;
        let members: unknown[];
        if (r.type.endsWith('_member')) members = [r.values.member];
        else if (r.type.endsWith('_binding')) members = list(r.values, 'members');
        else {
          const data = r.values.policy_data;
          let doc: unknown;
          try {
            doc = typeof data === 'string' && !isReference(data) ? JSON.parse(data) : undefined;
          } catch {
            doc = undefined;
          }
          if (!isObject(doc)) {
            out.push({ resource: r, message: 'policy_data is decided at apply time', unknown: true });
            continue;
          }
          members = list(doc, 'bindings').flatMap((b) => list(b, 'members'));
        }
        for (const m of new Set(members.filter((m): m is string => typeof m === 'string' && PUBLIC_MEMBERS.has(m))))
          out.push({ resource: r, message: `grants ${String(r.values.role ?? 'roles')} to ${m}: anyone${m === 'allAuthenticatedUsers' ? ' with a Google account' : ''} may use it`, detail: `Member::${m}` });
      }
    return out;
  },
};
