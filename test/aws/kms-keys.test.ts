/**
 * m4: KMS keys with explicit key policies (constructs/aws/kms.ts): the account (through IAM)
 * administers the cluster's secrets key, the cluster role uses it; no statement lets the account
 * root decrypt with `kms:*`, as the default policy does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ADMINISTRATOR_ACTIONS, KEY_USER_ACTIONS, keyPolicy } from '../../constructs/aws/kms';
import { findResource, synthSpec, type Synthesized } from '../helpers/synth';
import { awsSpec } from './fixtures';

describe('keyPolicy', () => {
  it('names administrators, users and service users in separate statements', () => {
    const doc = keyPolicy({ administrators: ['arn:aws:iam::1:root'], users: ['arn:aws:iam::1:role/r'], serviceUsers: ['arn:aws:iam::1:role/s'] });
    expect(doc.Statement.map((s) => s.Sid)).toEqual(['KeyAdministration', 'KeyUsage', 'KeyServiceUsage']);
    expect(doc.Statement[0]).toMatchObject({ Principal: { AWS: ['arn:aws:iam::1:root'] }, Action: [...KEY_ADMINISTRATOR_ACTIONS] });
    expect(doc.Statement[1]).toMatchObject({ Principal: { AWS: ['arn:aws:iam::1:role/r'] }, Action: [...KEY_USER_ACTIONS] });
    expect(doc.Statement[2]!.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
    // Administrators manage the key, never use it.
    expect(KEY_ADMINISTRATOR_ACTIONS).not.toContain('kms:Decrypt');
    expect(KEY_ADMINISTRATOR_ACTIONS).not.toContain('kms:*');
  });

  it('refuses a policy with no administrator (the key could not be managed)', () => {
    expect(() => keyPolicy({ administrators: [] })).toThrow(/at least one administrator/);
  });
});

describe('the EKS secrets key', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(awsSpec());
  });
  afterAll(() => out.cleanup());

  it('is administered by the account root of the caller and used by the cluster role only', () => {
    const key = findResource(out.stacks['acme-cluster-apps']!, 'aws_kms_key');
    const policy = JSON.parse(String(key.policy)) as { Statement: { Sid: string; Principal: { AWS: string[] }; Action: string[] }[] };
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual(['KeyAdministration', 'KeyUsage']);
    expect(bySid.KeyAdministration!.Principal.AWS).toEqual([
      expect.stringMatching(/^arn:\$\{data\.aws_partition\.\w+\.partition\}:iam::\$\{data\.aws_caller_identity\.\w+\.account_id\}:root$/),
    ]);
    expect(bySid.KeyUsage!.Principal.AWS).toEqual([expect.stringMatching(/^\$\{aws_iam_role\.Cluster_ClusterRole_\w+\.arn\}$/)]);
    expect(JSON.stringify(policy)).not.toContain('"kms:*"');
  });
});
