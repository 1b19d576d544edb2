/**
 * m5: values one stack hands another are sensitive only when they are secrets, so that a plan of
 * the consuming stack shows the names, ARNs and ids it uses (cdktf marks every one sensitive).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { isSecretReference } from '../../constructs/core/stack';
import { cleanupSynths, synthPlatform } from './fixtures';

afterAll(cleanupSynths);

describe('cross-stack outputs', () => {
  const out = () => synthPlatform('aws', { registry: 'build', monitoring: 'buy' });
  const crossStackOutputs = () =>
    Object.values(out().stacks).flatMap((stack) =>
      Object.entries(((stack as { output?: Record<string, { value: string; sensitive?: boolean }> }).output ?? {})).filter(([k]) => k.startsWith('cross-stack-output-')),
    );

  it('are plain for identifiers (cluster endpoint and CA, role ARNs, subnet and VPC ids)', () => {
    const plain = crossStackOutputs().filter(([, o]) => !o.sensitive).map(([, o]) => o.value);
    expect(plain.some((v) => /aws_eks_cluster\.[^.]+\.endpoint/.test(v))).toBe(true);
    expect(plain.some((v) => /aws_iam_role\.[^.]+\.arn/.test(v))).toBe(true);
    expect(plain.some((v) => /aws_subnet\.[^.]+\.id/.test(v))).toBe(true);
  });

  it("stay sensitive for secrets: Harbor's access key secret and the CA's private key", () => {
    const sensitive = crossStackOutputs().filter(([, o]) => o.sensitive).map(([, o]) => o.value);
    expect(sensitive.some((v) => /aws_iam_access_key\.[^.]+\.secret/.test(v))).toBe(true);
    for (const [, o] of crossStackOutputs()) expect(o.sensitive, o.value).toBe(isSecretReference(o.value));
  });

  it('tells secrets from identifiers by attribute, not by resource name', () => {
    expect(isSecretReference('aws_iam_access_key.Harbor_Key.secret')).toBe(true);
    expect(isSecretReference('aws_iam_access_key.Harbor_Key.id')).toBe(false);
    expect(isSecretReference('tls_private_key.Ca_Key.private_key_pem')).toBe(true);
    expect(isSecretReference('tls_self_signed_cert.Ca.cert_pem')).toBe(false);
    expect(isSecretReference('var.harbor_robot_secret')).toBe(true);
    expect(isSecretReference('aws_secretsmanager_secret.Store.arn')).toBe(false);
    expect(isSecretReference('random_password.Streaming_Credentials_User-orders_1A2B.result')).toBe(true);
    expect(isSecretReference('random_id.Suffix.result')).toBe(false);
    expect(isSecretReference('aws_eks_cluster.Cluster.certificate_authority[0].data')).toBe(false);
  });
});
