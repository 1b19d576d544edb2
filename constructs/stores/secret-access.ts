/**
 * Grants a workload identity read access to one secret of the cloud's secret manager — the one a
 * store keeps a component's password in — and nothing else: `secretsmanager:GetSecretValue` on
 * that ARN (IAM inline policy, numbered per role), or `roles/secretmanager.secretAccessor` on that
 * secret (Google Cloud). The External Secrets Operator reads it as that identity.
 *
 * RDS keeps its managed master password encrypted with the account's `aws/secretsmanager` key,
 * whose key policy already lets the account's principals decrypt through Secrets Manager; no KMS
 * grant is needed.
 */
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { platformOf } from '../core/stack';
import type { SecretReference, WorkloadIdentity } from './contract';

/** Secrets Manager actions the External Secrets Operator needs to read one secret. */
export const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] as const;

/** Lets `identity` read the secret `secret` (see the module comment); `id` names the grant's constructs. */
export function grantSecretRead(scope: Construct, id: string, secret: SecretReference, identity: WorkloadIdentity): void {
  if (secret.kind === 'aws-secrets-manager') {
    if (identity.kind !== 'aws-iam-role') throw new PlatformValidationError(`a Secrets Manager secret is read by an IAM role; got ${identity.kind}`, scope);
    const { IamRolePolicy } = require('@cdktf/provider-aws/lib/iam-role-policy') as typeof import('@cdktf/provider-aws/lib/iam-role-policy');
    new IamRolePolicy(scope, id, {
      role: identity.roleName,
      name: `read-secret-${id.toLowerCase()}`.slice(0, 128),
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: [...SECRET_READ_ACTIONS], Resource: secret.arn }] }),
    });
  } else if (secret.kind === 'gcp-secret-manager') {
    if (identity.kind !== 'gcp-service-account') throw new PlatformValidationError(`a Secret Manager secret is read by a Google service account; got ${identity.kind}`, scope);
    const { SecretManagerSecretIamMember } = require('@cdktf/provider-google/lib/secret-manager-secret-iam-member') as typeof import('@cdktf/provider-google/lib/secret-manager-secret-iam-member');
    new SecretManagerSecretIamMember(scope, id, {
      project: platformOf(scope).gcpProject!,
      secretId: secret.secretId,
      role: 'roles/secretmanager.secretAccessor',
      member: `serviceAccount:${identity.email}`,
    });
  } else {
    throw new PlatformValidationError(`Kubernetes Secret ${secret.namespace}/${secret.name} is read through the cluster's RBAC, not a cloud identity`, scope);
  }
}
