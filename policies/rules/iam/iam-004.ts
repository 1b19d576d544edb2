/**
 * LOOM-IAM-004: no long-lived credentials; secrets rotate. A static key does not expire, is copied
 * into places nobody tracks, and outlives the person or pod it was made for.
 *
 * HIGH (keys): every `aws_iam_user` (`[User]`) and `aws_iam_access_key` (`[AccessKey]`), every
 * `google_service_account_key` (`[ServiceAccountKey]`), and `roles/iam.serviceAccountUser` /
 * `roles/iam.serviceAccountTokenCreator` granted on a whole project, folder or organization
 * (`[Role::<role>]`: the member may act as every service account there). A user Loom tags with
 * `loom.dev/purpose` is still reported — with that purpose in the message — because it is a
 * long-lived key all the same: the known case is Harbor's S3 image store
 * (`constructs/components/registry/s3-image-store.ts`: Harbor's registry, distribution 2.8, cannot
 * use IRSA — goharbor/harbor#22690), which needs an exception with that reason and an expiry tied
 * to Harbor shipping distribution v3.
 *
 * MEDIUM (rotation; HIGH in the regulated pack): each `aws_secretsmanager_secret` has an
 * `aws_secretsmanager_secret_rotation` (`[Rotation]`) and a customer-managed `kms_key_id`
 * (`[CMK]`; omitted, the provider leaves the AWS-managed `aws/secretsmanager` key).
 */
import type { PackSeverities, PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, isReference, text } from '../../values';

const ROTATION: PackSeverities = { baseline: 'MEDIUM', regulated: 'HIGH' };
const ACT_AS_ROLES = new Set(['roles/iam.serviceAccountUser', 'roles/iam.serviceAccountTokenCreator']);

const purposeOf = (user: SynthResource | undefined): string => {
  const purpose = user ? attr(user.values, 'tags') : undefined;
  const v = purpose && typeof purpose === 'object' ? (purpose as Record<string, unknown>)['loom.dev/purpose'] : undefined;
  return typeof v === 'string' ? ` (loom.dev/purpose: ${v}) — a genuine case for an exception with that reason` : '';
};

/** LOOM-IAM-004: no long-lived credentials; secrets rotate (see the module comment). */
export const IAM_004: PolicyRule = {
  id: 'LOOM-IAM-004',
  area: 'IAM',
  title: 'No long-lived credentials; secrets rotate',
  severity: { baseline: 'HIGH' },
  rationale: 'Static access keys and service-account keys never expire and leak through copies nobody tracks; secrets that never rotate stay valid after they leak.',
  fix: 'Use workload identity (IRSA / EKS Pod Identity / GKE Workload Identity) instead of users and keys; grant serviceAccountUser/TokenCreator on one service account, not the project; give Secrets Manager secrets a rotation and a customer-managed KMS key.',
  anchors: [
    'CKV_AWS_273',
    'HIPAA.Security-IAMUserNoPolicies',
    'AVD-AWS-0143',
    'CKV2_GCP_3',
    'CKV_GCP_41',
    'CKV_GCP_49',
    'AVD-GCP-0011',
    'AwsSolutions-SMG4',
    'HIPAA.Security-SecretsManagerRotationEnabled',
    'HIPAA.Security-SecretsManagerUsingKMSKey',
    'CKV_AWS_149',
    'CKV2_AWS_57',
    'CKV_AWS_304',
  ],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const r of ctx.resources('aws_iam_user')) out.push({ resource: r, message: `an IAM user: its credentials are long-lived${purposeOf(r)}`, detail: 'User' });
    for (const r of ctx.resources('aws_iam_access_key')) {
      const user = ctx.resolve(r, r.values.user);
      out.push({ resource: r, message: `a static access key${user ? ` of ${user.address}` : ''}: it never expires${purposeOf(user)}`, detail: 'AccessKey' });
    }
    for (const r of ctx.resources('google_service_account_key')) out.push({ resource: r, message: 'a service-account key: it is valid until deleted (10 years by default)', detail: 'ServiceAccountKey' });
    for (const scope of ['project', 'folder', 'organization'])
      for (const r of ctx.resources(`google_${scope}_iam_member`, `google_${scope}_iam_binding`)) {
        const role = text(r.values, 'role');
        if (role === 'unknown') out.push({ resource: r, message: 'the role is decided at apply time', unknown: true });
        else if (role !== undefined && ACT_AS_ROLES.has(role)) out.push({ resource: r, message: `${role} on the whole ${scope}: the members may act as every service account of it`, detail: `Role::${role}` });
      }
    for (const r of ctx.resources('aws_secretsmanager_secret')) {
      if (ctx.referencing(r, 'aws_secretsmanager_secret_rotation').length === 0)
        out.push({ resource: r, message: 'no aws_secretsmanager_secret_rotation: the secret never rotates', detail: 'Rotation', severity: ROTATION });
      const key = r.values.kms_key_id;
      if (key === undefined || key === null || key === '' || (typeof key === 'string' && !isReference(key) && /alias\/aws\/secretsmanager$/.test(key)))
        out.push({ resource: r, message: 'kms_key_id is not set: the secret is encrypted with the AWS-managed aws/secretsmanager key', detail: 'CMK', severity: ROTATION });
    }
    return out;
  },
};
