/** Small IAM helpers shared by the AWS constructs. */

/** A trust policy letting `principal` assume the role. */
export function assumeRolePolicy(principal: Record<string, string | string[]>, actions: string[] = ['sts:AssumeRole']): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: actions }],
  });
}

/**
 * A trust policy for IAM roles for service accounts: only `namespace/serviceAccount` of the
 * cluster whose OIDC provider is given may assume the role.
 */
export function serviceAccountTrustPolicy(oidcProviderArn: string, oidcIssuerHost: string, namespace: string, serviceAccount: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: oidcProviderArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${oidcIssuerHost}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
            [`${oidcIssuerHost}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ],
  });
}

/**
 * A trust policy letting AWS service `service` (`sagemaker.amazonaws.com`) assume the role for
 * account `accountId` only (`aws:SourceAccount`: no confused deputy acting for another account).
 */
export function serviceTrustPolicy(service: string, accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': accountId } } }],
  });
}

/** ARN of an AWS-managed policy. */
export const managedPolicy = (name: string) => `arn:aws:iam::aws:policy/${name}`;
