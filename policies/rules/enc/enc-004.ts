/**
 * LOOM-ENC-004: KMS key hygiene. Every other ENC rule rests on the keys: a key that never rotates
 * keeps one piece of key material for all the data it ever protected; a key policy open to `"*"`
 * lets any account use it; a disabled key or a short deletion window (AWS), or a key Terraform can
 * destroy (Google Cloud, where destroying a crypto key destroys its versions), makes data
 * unrecoverable by one mistaken change.
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, flag, isObject, isReference, num, text } from '../../values';
import { isEveryone, policyStatements } from './common';

/** Google's maximum rotation period for this rule: 90 days. */
const MAX_ROTATION_SECONDS = 90 * 24 * 3600;
/** Members that make a Google Cloud resource public. */
const PUBLIC_MEMBERS = new Set(['allUsers', 'allAuthenticatedUsers']);
const KEY_IAM_MEMBER = ['google_kms_crypto_key_iam_member', 'google_kms_key_ring_iam_member'];
const KEY_IAM_BINDING = ['google_kms_crypto_key_iam_binding', 'google_kms_key_ring_iam_binding'];
const KEY_IAM_POLICY = ['google_kms_crypto_key_iam_policy', 'google_kms_key_ring_iam_policy'];

/**
 * The minimum `deletion_window_in_days`: 30 days (AWS's maximum and default) for prod or regulated
 * platforms; 7 (AWS's floor, so any valid window) otherwise. The spec has no key for it.
 */
export const minimumDeletionWindow = (environment: string, packs: readonly string[]): number => (environment === 'prod' || packs.includes('regulated') ? 30 : 7);

/** LOOM-ENC-004: AWS keys rotate, have an explicit policy without unconditioned `"*"`, are enabled, with a long deletion window; Google keys rotate within 90 days, are protected from destroy and are not public. */
export const ENC_004: PolicyRule = {
  id: 'LOOM-ENC-004',
  area: 'ENC',
  title: 'KMS key hygiene',
  severity: { baseline: 'HIGH' },
  rationale: 'The keys protect everything else: without rotation one key version guards all data ever written, a "*" principal opens the key to any account, and a disabled or destroyed key makes its data unrecoverable.',
  fix: "Loom's keys (constructs/aws/kms.ts key policies, KMS_ROTATION_PERIOD on Google Cloud) rotate and name their administrators and users; for a hand-written aws_kms_key set enable_key_rotation = true, an explicit policy without an unconditioned Principal \"*\", is_enabled and deletion_window_in_days = 30; for google_kms_crypto_key set rotation_period <= 7776000s and lifecycle { prevent_destroy = true }, and never grant allUsers / allAuthenticatedUsers on keys or key rings.",
  anchors: ['AwsSolutions-KMS5', 'NIST.800.53.R5-KMSBackingKeyRotationEnabled', 'PCI.DSS.321-KMSBackingKeyRotationEnabled', 'CKV_AWS_7', 'CKV_AWS_33', 'CKV_AWS_227', 'CKV2_AWS_64', 'AVD-AWS-0065', 'CKV_GCP_43', 'CKV_GCP_82', 'CKV_GCP_112', 'CKV2_GCP_6', 'CKV2_GCP_8', 'AVD-GCP-0065'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const minWindow = minimumDeletionWindow(ctx.settings.environment, ctx.settings.packs);
    for (const r of ctx.resources('aws_kms_key')) {
      // Rotation: symmetric encryption keys only (the defaults: ENCRYPT_DECRYPT, SYMMETRIC_DEFAULT).
      const usage = text(r.values, 'key_usage') ?? 'ENCRYPT_DECRYPT';
      const spec = text(r.values, 'customer_master_key_spec') ?? 'SYMMETRIC_DEFAULT';
      if (usage === 'unknown' || spec === 'unknown') out.push({ resource: r, message: 'key_usage or customer_master_key_spec is a reference, decided at apply time', unknown: true });
      else if (usage === 'ENCRYPT_DECRYPT' && spec === 'SYMMETRIC_DEFAULT') {
        const rotation = flag(r.values, 'enable_key_rotation');
        if (rotation === 'unknown') out.push({ resource: r, message: 'enable_key_rotation is a reference, decided at apply time', unknown: true });
        else if (rotation !== true) out.push({ resource: r, message: `enable_key_rotation is ${rotation === false ? 'false' : 'absent (false, the default)'}: the key material never rotates`, detail: 'Rotation' });
      }

      // Policy: explicit (on the key or in an aws_kms_key_policy), no unconditioned "*" principal.
      const policies: { from: SynthResource; policy: unknown }[] = [
        ...(r.values.policy !== undefined ? [{ from: r, policy: r.values.policy }] : []),
        ...ctx
          .referencing(r, 'aws_kms_key_policy')
          .filter((p) => ctx.resolve(p, p.values.key_id) === r)
          .map((p) => ({ from: p, policy: p.values.policy })),
      ];
      if (policies.length === 0) out.push({ resource: r, message: 'no explicit policy: AWS applies its default key policy (account root kms:*), naming no administrator or user', detail: 'Policy' });
      for (const p of policies) {
        const statements = policyStatements(ctx, p.from, p.policy);
        if (statements === 'unknown') out.push({ resource: r, message: 'the key policy cannot be read at synth time (an expression or unresolved document)', unknown: true });
        else if (statements.some((s) => s.effect === 'Allow' && isEveryone(s.principals) && Object.keys(s.conditions).length === 0))
          out.push({ resource: r, message: 'the key policy allows Principal "*" without a condition', detail: 'Principal::*' });
      }

      const enabled = flag(r.values, 'is_enabled');
      if (enabled === 'unknown') out.push({ resource: r, message: 'is_enabled is a reference, decided at apply time', unknown: true });
      else if (enabled === false) out.push({ resource: r, message: 'is_enabled is false: data encrypted under the key cannot be read', detail: 'Disabled' });

      const window = num(r.values, 'deletion_window_in_days') ?? 30;
      if (window === 'unknown') out.push({ resource: r, message: 'deletion_window_in_days is a reference, decided at apply time', unknown: true });
      else if (window < minWindow) out.push({ resource: r, message: `deletion_window_in_days is ${window}, below the minimum of ${minWindow}`, detail: 'DeletionWindow' });
    }

    for (const r of ctx.resources('google_kms_crypto_key')) {
      const purpose = text(r.values, 'purpose') ?? 'ENCRYPT_DECRYPT';
      if (purpose === 'unknown') out.push({ resource: r, message: 'purpose is a reference, decided at apply time', unknown: true });
      else if (purpose === 'ENCRYPT_DECRYPT') {
        const period = attr(r.values, 'rotation_period');
        if (isReference(period)) out.push({ resource: r, message: 'rotation_period is a reference, decided at apply time', unknown: true });
        else {
          const seconds = typeof period === 'string' ? Number(/^(\d+(?:\.\d+)?)s$/.exec(period.trim())?.[1] ?? NaN) : NaN;
          if (period === undefined || period === null) out.push({ resource: r, message: 'no rotation_period: the key never rotates', detail: 'Rotation' });
          else if (Number.isNaN(seconds)) out.push({ resource: r, message: `rotation_period ${String(period)} cannot be read as seconds ("<n>s")`, unknown: true });
          else if (seconds > MAX_ROTATION_SECONDS) out.push({ resource: r, message: `rotation_period ${String(period)} is longer than 90 days (7776000s)`, detail: 'Rotation' });
        }
      }
      const preventDestroy = flag(r.values, 'lifecycle.prevent_destroy');
      if (preventDestroy === 'unknown') out.push({ resource: r, message: 'lifecycle.prevent_destroy is a reference, decided at apply time', unknown: true });
      else if (preventDestroy !== true) out.push({ resource: r, message: 'lifecycle.prevent_destroy is not true: destroying the resource destroys every key version and the data encrypted under them', detail: 'PreventDestroy' });
    }

    // Keys and key rings are not public.
    const publicMember = (r: SynthResource, members: readonly unknown[]) => {
      for (const m of members) {
        if (typeof m !== 'string') continue;
        if (PUBLIC_MEMBERS.has(m)) out.push({ resource: r, message: `grants ${String(attr(r.values, 'role') ?? 'a role')} to ${m}`, detail: `Member::${m}` });
        else if (/^\$\{[^}]*\}$/.test(m.trim())) out.push({ resource: r, message: 'a member is a reference, decided at apply time', unknown: true });
      }
    };
    for (const r of ctx.resources(...KEY_IAM_MEMBER)) publicMember(r, [r.values.member]);
    for (const r of ctx.resources(...KEY_IAM_BINDING)) publicMember(r, Array.isArray(r.values.members) ? r.values.members : [r.values.members]);
    for (const r of ctx.resources(...KEY_IAM_POLICY)) {
      const data = r.values.policy_data;
      let members: unknown[] | undefined;
      if (typeof data === 'string' && data.trim().startsWith('{')) {
        try {
          const doc: unknown = JSON.parse(data);
          const bindings = isObject(doc) && Array.isArray(doc.bindings) ? doc.bindings : [];
          members = bindings.flatMap((b) => (isObject(b) && Array.isArray(b.members) ? b.members : []));
        } catch {
          members = undefined;
        }
      } else if (isReference(data)) {
        const doc = ctx.resolve(r, data);
        if (doc?.type === 'data.google_iam_policy') {
          const bindings = Array.isArray(doc.values.binding) ? doc.values.binding : doc.values.binding !== undefined ? [doc.values.binding] : [];
          members = bindings.flatMap((b) => (isObject(b) && Array.isArray(b.members) ? b.members : []));
        }
      }
      if (members === undefined) out.push({ resource: r, message: 'policy_data cannot be read at synth time', unknown: true });
      else publicMember(r, members);
    }
    return out;
  },
};
