/**
 * KMS key policies with named administrators and users, after terraform-aws-modules/kms: without
 * a policy AWS applies its default one (account root `kms:*`), which lets any principal of the
 * account whose IAM policies allow it use the key — nobody is named as administrator or user.
 *
 * Plain data builders (no cdktf); principals may be Terraform tokens (see `account.ts` for the
 * account root and the identity running Terraform).
 */
import type { PolicyDocument, PolicyStatement } from './addon-policies';

/**
 * What key administrators may do: manage the key (policy, rotation, tags, deletion), never use it
 * to encrypt or decrypt. `kms:Create*` includes `kms:CreateGrant`, which services such as EKS use
 * on the caller's behalf when they are given the key. terraform-aws-modules/kms `KeyAdministration`.
 */
export const KEY_ADMINISTRATOR_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:ReplicateKey',
  'kms:ImportKeyMaterial',
] as const;

/** What key users may do: cryptographic operations. terraform-aws-modules/kms `KeyUsage`. */
export const KEY_USER_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'] as const;

/** What key service users may do: hand the key to AWS services through grants, for AWS resources only. */
export const KEY_SERVICE_USER_ACTIONS = ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'] as const;

/** Who may do what with a KMS key, for {@link keyPolicy}. */
export interface KeyPolicyProps {
  /**
   * Principals that administer the key. Give the account root (`accountRootArn`): the policy then
   * delegates administration to IAM, and cannot lock the account out of its own key.
   */
  readonly administrators: readonly string[];
  /**
   * Principals that encrypt and decrypt with the key (a role of the service using it).
   * @default none
   */
  readonly users?: readonly string[];
  /**
   * Principals that grant the key to AWS services on their resources (`kms:GrantIsForAWSResource`).
   * @default none
   */
  readonly serviceUsers?: readonly string[];
  /**
   * Further statements, e.g. a service principal such as `logs.<region>.amazonaws.com`.
   * @default none
   */
  readonly statements?: readonly PolicyStatement[];
}

/** A key policy: administrators, users, service users, then any extra statements. */
export function keyPolicy(props: KeyPolicyProps): PolicyDocument {
  if (props.administrators.length === 0) throw new Error('keyPolicy: name at least one administrator, or the key cannot be managed');
  const statements: PolicyStatement[] = [
    { Sid: 'KeyAdministration', Effect: 'Allow', Principal: { AWS: [...props.administrators] }, Action: [...KEY_ADMINISTRATOR_ACTIONS], Resource: '*' },
  ];
  if (props.users?.length) {
    statements.push({ Sid: 'KeyUsage', Effect: 'Allow', Principal: { AWS: [...props.users] }, Action: [...KEY_USER_ACTIONS], Resource: '*' });
  }
  if (props.serviceUsers?.length) {
    statements.push({
      Sid: 'KeyServiceUsage',
      Effect: 'Allow',
      Principal: { AWS: [...props.serviceUsers] },
      Action: [...KEY_SERVICE_USER_ACTIONS],
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  }
  return { Version: '2012-10-17', Statement: [...statements, ...(props.statements ?? [])] };
}
