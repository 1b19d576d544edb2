/**
 * LOOM-BAK-003: the Terraform state backend is remote, encrypted, versioned and locked. Per stack:
 *
 * - no backend, or `local` (Terraform's default: a file on the machine that applies): only in
 *   `environment: dev`;
 * - `s3`: `encrypt = true` (omitted: false), a lock — `use_lockfile = true` or a `dynamodb_table`
 *   (omitted: none) — and, in the regulated pack, a `kms_key_id` (AWS S3 only: an S3-compatible
 *   store of one's own, `endpoints.s3`, has no KMS);
 * - `gcs`: locked and encrypted by Google always; in the regulated pack a `kms_encryption_key`;
 * - when the state bucket is itself in the synthesized stacks: S3 versioning Enabled and a public
 *   access block with all four settings true; GCS `versioning.enabled`, `uniform_bucket_level_access`
 *   and `public_access_prevention = enforced`. Loom never creates the state bucket (schema: "it must
 *   exist before the first apply"), so for Loom's platforms that part is the operator's — it cannot
 *   be seen in the JSON and is not reported.
 *
 * Findings point at `terraform.backend` of the stack. Other remote backends (HCP Terraform,
 * azurerm, …) are not judged.
 */
import type { FindingLocation, PolicyRule, RuleFinding, SynthResource } from '../../types';
import { flag, isObject, isReference, text } from '../../values';
import { attachToBuckets, isRegulated } from './common';

const PAB = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

/** LOOM-BAK-003 (HIGH). */
export const BAK_003: PolicyRule = {
  id: 'LOOM-BAK-003',
  area: 'BAK',
  title: 'The Terraform state backend is remote, encrypted, versioned and locked',
  severity: { baseline: 'HIGH' },
  rationale:
    "Terraform state holds every endpoint and many secrets of the platform: on a laptop it is neither shared nor backed up, unencrypted it leaks, unversioned one bad apply loses it, and unlocked two applies corrupt it.",
  fix: 'Set state: { backend: s3, bucket, region } (Loom writes encrypt and use_lockfile; add kmsKeyId in the regulated pack) or state: { backend: gcs, bucket }; keep backend: local for environment: dev only. Create the state bucket versioned, with public access blocked (S3) or with uniform bucket-level access and public access prevention (GCS).',
  anchors: [],
  providers: ['terraform', 'aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const regulated = isRegulated(ctx.settings);
    const dev = ctx.settings.environment === 'dev';
    const s3Buckets = new Map<string, SynthResource>();
    for (const b of ctx.resources('aws_s3_bucket')) if (typeof b.values.bucket === 'string' && !isReference(b.values.bucket)) s3Buckets.set(b.values.bucket, b);
    const gcsBuckets = new Map<string, SynthResource>();
    for (const b of ctx.resources('google_storage_bucket')) if (typeof b.values.name === 'string' && !isReference(b.values.name)) gcsBuckets.set(b.values.name, b);
    const s3Attached = attachToBuckets(ctx, 'aws_s3_bucket', 'aws_s3_bucket_versioning', 'aws_s3_bucket_public_access_block');

    for (const stack of ctx.stacks) {
      const where: FindingLocation = { stack: stack.name, path: 'terraform.backend' };
      const backend = stack.backend;
      const push = (message: string, detail: string) => out.push({ resource: where, message, detail });
      const unknown = (message: string) => out.push({ resource: where, message, unknown: true });
      if (!backend || backend.type === 'local') {
        if (!dev) push(`${backend ? 'local' : 'no'} backend: state is a file on the machine that applies (not shared, locked or backed up), allowed in environment: dev only, not ${ctx.settings.environment}`, 'Local');
        continue;
      }
      const c = backend.config;
      if (backend.type === 's3') {
        const encrypt = flag(c, 'encrypt') ?? false;
        if (encrypt === 'unknown') unknown('encrypt is not a literal');
        else if (!encrypt) push('encrypt is not true: state objects are written without server-side encryption', 'Encrypt');
        const lockfile = flag(c, 'use_lockfile') ?? false;
        if (lockfile === 'unknown') unknown('use_lockfile is not a literal');
        else if (!lockfile && c.dynamodb_table === undefined) push('neither use_lockfile nor dynamodb_table: two applies at once can corrupt the state', 'Lock');
        const custom = c.endpoint !== undefined || (isObject(c.endpoints) && c.endpoints.s3 !== undefined);
        if (regulated && !custom && c.kms_key_id === undefined) push('no kms_key_id: the regulated pack keeps state under a customer-managed key', 'KmsKey');
        const bucket = typeof c.bucket === 'string' ? s3Buckets.get(c.bucket) : undefined;
        if (bucket) {
          const attached = s3Attached.of(bucket);
          const status = attached.filter((a) => a.type === 'aws_s3_bucket_versioning').map((v) => text(v.values, 'versioning_configuration.status'));
          if (status.includes('unknown')) unknown("the state bucket's versioning status is a reference");
          else if (!status.includes('Enabled') && flag(bucket.values, 'versioning.enabled') !== true) push(`the state bucket ${bucket.address} is not versioned: one bad write loses the state`, 'Versioning');
          const pabs = attached.filter((a) => a.type === 'aws_s3_bucket_public_access_block');
          const flags = pabs.flatMap((p) => PAB.map((k) => flag(p.values, k) ?? false));
          if (flags.includes('unknown')) unknown("the state bucket's public access block is a reference");
          else if (!pabs.some((p) => PAB.every((k) => flag(p.values, k) === true))) push(`the state bucket ${bucket.address} has no public access block with all four settings true`, 'PublicAccess');
        }
      } else if (backend.type === 'gcs') {
        if (regulated && c.kms_encryption_key === undefined && c.encryption_key === undefined) push('no kms_encryption_key: the regulated pack keeps state under a customer-managed key', 'KmsKey');
        const bucket = typeof c.bucket === 'string' ? gcsBuckets.get(c.bucket) : undefined;
        if (bucket) {
          const versioning = flag(bucket.values, 'versioning.enabled') ?? false;
          const ubla = flag(bucket.values, 'uniform_bucket_level_access') ?? false;
          const pap = text(bucket.values, 'public_access_prevention') ?? 'inherited';
          if (versioning === 'unknown' || ubla === 'unknown' || pap === 'unknown') unknown("the state bucket's settings are references");
          else {
            if (!versioning) push(`the state bucket ${bucket.address} is not versioned: one bad write loses the state`, 'Versioning');
            if (!ubla || pap !== 'enforced') push(`the state bucket ${bucket.address} needs uniform_bucket_level_access and public_access_prevention = enforced`, 'PublicAccess');
          }
        }
      }
    }
    return out;
  },
};
