/**
 * M8: cluster-admin through managed access entries only. No unmanaged creator entry
 * (`bootstrap_cluster_creator_admin_permissions = false`); the identity running Terraform and the
 * spec's admins get one entry each, de-duplicated so that listing the CI role in `admins` cannot
 * collide with the creator's entry (409 ResourceInUseException).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findResource, resources, synthSpec, type Synthesized } from '../helpers/synth';
import { describeSkip, terraformEnv, terraformPlan } from '../helpers/terraform';
import { FAKE_CALLER_ARN } from '../helpers/fake-aws';
import { awsSpec } from './fixtures';

const ADMIN = 'arn:aws:iam::123456789012:role/platform-admins';

describe('EKS access entries', () => {
  let out: Synthesized;
  beforeAll(() => {
    const spec = awsSpec();
    // The identity running Terraform listed as an admin too, the case that used to 409.
    spec.clusters[0].admins = [ADMIN, FAKE_CALLER_ARN];
    out = synthSpec(spec);
  });
  afterAll(() => out.cleanup());
  const apps = () => out.stacks['acme-cluster-apps']!;

  it('creates no unmanaged admin entry for the cluster creator', () => {
    for (const c of ['apps', 'events', 'training']) {
      expect(findResource(out.stacks[`acme-cluster-${c}`]!, 'aws_eks_cluster').access_config).toEqual({
        authentication_mode: 'API',
        bootstrap_cluster_creator_admin_permissions: false,
      });
    }
  });

  it('gives the session issuer and the admins one entry each, over a de-duplicated set keyed by ARN', () => {
    const entries = Object.values(resources(apps(), 'aws_eks_access_entry')).filter((e) => e.type === 'STANDARD');
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(entry.for_each).toMatch(/^\$\{toset\(distinct\(concat\(\[data\.aws_iam_session_context\.\w+\.issuer_arn\], \[.*\]\)\)\)\}$/);
    expect(String(entry.for_each)).toContain(`"${ADMIN}"`);
    expect(String(entry.for_each)).toContain(`"${FAKE_CALLER_ARN}"`);
    expect(entry.principal_arn).toBe('${each.value}');
    // The issuer comes from the caller's session (an assumed role's role ARN, not the session's).
    const session = Object.values(apps().data!.aws_iam_session_context!)[0]!;
    expect(session.arn).toMatch(/^\$\{data\.aws_caller_identity\.\w+\.arn\}$/);
  });

  it('associates cluster-admin with each entry, through the entry', () => {
    const assoc = Object.values(resources(apps(), 'aws_eks_access_policy_association'));
    expect(assoc).toHaveLength(1);
    expect(assoc[0]!.for_each).toMatch(/^\$\{aws_eks_access_entry\.Cluster_Admins_Entry_\w+\}$/);
    expect(assoc[0]).toMatchObject({ principal_arn: '${each.value.principal_arn}', access_scope: { type: 'cluster' } });
    expect(String(assoc[0]!.policy_arn)).toMatch(/:eks::aws:cluster-access-policy\/AmazonEKSClusterAdminPolicy$/);
  });

  it('gives the Terraform identity an entry on clusters with no admins listed', () => {
    const events = Object.values(resources(out.stacks['acme-cluster-events']!, 'aws_eks_access_entry'));
    expect(events).toHaveLength(1);
    expect(String(events[0]!.for_each)).toMatch(/concat\(\[data\.aws_iam_session_context\.\w+\.issuer_arn\], \[\]\)/);
  });

  const env = terraformEnv();
  it.skipIf(!env.available)(
    'plans with for_each keys known at plan time, one entry for a caller also listed in admins',
    async () => {
      const result = await terraformPlan(out.stackDir('acme-cluster-apps'));
      expect(result.ok, result.output).toBe(true);
      const planned = [...result.output.matchAll(/# (aws_eks_access_entry\.Cluster_Admins_Entry_\w+\["([^"]+)"\]) will be created/g)].map((m) => m[2]);
      expect(planned.sort()).toEqual([ADMIN, FAKE_CALLER_ARN].sort());
      const associations = [...result.output.matchAll(/# aws_eks_access_policy_association\.Cluster_Admins_ClusterAdmin_\w+\["([^"]+)"\] will be created/g)].map((m) => m[1]);
      expect(associations.sort()).toEqual([ADMIN, FAKE_CALLER_ARN].sort());
    },
    300_000,
  );
  if (!env.available) it.skip(describeSkip(env), () => {});
});
