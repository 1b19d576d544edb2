/**
 * Google Groups for RBAC on GKE (`gkeSecurityGroup`): the GKE clusters' authenticator_groups_config
 * when the key is set and not otherwise, the rule that it is for cloud: gcp only, and the warning
 * about teams' group members only without it.
 */
import { describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { MlPlatform } from '../../stacks/ml-platform';
import { validateSpec } from '../../schema';
import { findResources, synthSpec } from '../helpers/synth';
import { awsSpec, gcpSpec, k8sSpec, type Spec } from '../schema/fixtures';

const GROUP = 'gke-security-groups@example.com';
const quota = { cpu: 8, memoryGiB: 32 };
const withGroups = (extra: Spec = {}): Spec => gcpSpec({ teams: [{ name: 'ranking', quota, members: ['group:ranking@example.com', 'user:ana@example.com'] }], ...extra });

const clustersOf = (stacks: Record<string, any>) =>
  Object.entries(stacks)
    .filter(([name]) => name.includes('-cluster-'))
    .flatMap(([, json]) => findResources(json, 'google_container_cluster') as any[]);

const warningsOf = (spec: Spec) => {
  const platform = new MlPlatform(new App(), 'acme', spec as any);
  return platform.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
};

describe('gkeSecurityGroup', () => {
  it('sets authenticator_groups_config.security_group on every GKE cluster when given', () => {
    const { stacks } = synthSpec(withGroups({ gkeSecurityGroup: GROUP }));
    const clusters = clustersOf(stacks);
    expect(clusters.length).toBeGreaterThan(0);
    for (const c of clusters) expect(c.authenticator_groups_config).toEqual({ security_group: GROUP });
  });

  it('leaves it unset otherwise', () => {
    const { stacks } = synthSpec(withGroups());
    const clusters = clustersOf(stacks);
    expect(clusters.length).toBeGreaterThan(0);
    for (const c of clusters) expect(c.authenticator_groups_config).toBeUndefined();
  });

  it('warns about group members only when it is unset', () => {
    const gke = (ws: string[]) => ws.filter((w) => w.includes('Google Groups for RBAC'));
    expect(gke(warningsOf(withGroups()))).toHaveLength(1);
    expect(gke(warningsOf(withGroups())).join()).toContain('gkeSecurityGroup');
    expect(gke(warningsOf(withGroups({ gkeSecurityGroup: GROUP })))).toEqual([]);
  });

  it('is valid with cloud: gcp', () => {
    const r = validateSpec(gcpSpec({ gkeSecurityGroup: GROUP }));
    expect(r.ok ? [] : r.errors).toEqual([]);
  });

  it('is only for cloud: gcp, with what to do instead', () => {
    for (const spec of [awsSpec({ gkeSecurityGroup: GROUP }), k8sSpec({ gkeSecurityGroup: GROUP })]) {
      const r = validateSpec(spec);
      expect(r.ok).toBe(false);
      const issue = (r.ok ? [] : r.errors).find((e) => e.path === 'gkeSecurityGroup');
      expect(issue?.message).toMatch(/^is only for cloud: gcp .*; remove it/);
    }
    const aws = validateSpec(awsSpec({ gkeSecurityGroup: GROUP }));
    expect(aws.ok ? [] : aws.errors).toEqual([
      { path: 'gkeSecurityGroup', message: "is only for cloud: gcp (Google Groups for RBAC on GKE), and cloud is 'aws'; remove it (on EKS, list teams' members as IAM role or user ARNs)" },
    ]);
  });

  it('must be an email address named gke-security-groups', () => {
    for (const bad of ['not-an-email', 'ranking@example.com']) {
      const r = validateSpec(gcpSpec({ gkeSecurityGroup: bad }));
      expect(r.ok).toBe(false);
      expect((r.ok ? [] : r.errors).map((e) => e.path)).toContain('gkeSecurityGroup');
    }
  });
});
