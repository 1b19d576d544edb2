/**
 * `teams`: the shape, every rule (names and derived names, clusters, GPU quotas, batch capacity
 * computed independently here, members per cloud, access to components the spec has), the
 * resolved plan and `loom validate`'s summary.
 */
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../schema/load';
import { resolvePlan } from '../../plan';
import { summarize } from '../../cli/summary';
import { MACHINE_TYPES } from '../../catalog/machine-types';
import { awsSpec, gcpSpec, lines } from './fixtures';

const ARN = 'arn:aws:iam::123456789012:role/ranking-engineers';
const team = (over: Record<string, unknown> = {}) => ({ name: 'ranking', quota: { cpu: 16, memoryGiB: 64 }, members: [ARN], ...over });
const problems = (spec: unknown) => {
  const r = validateSpec(spec, { today: '2026-11-30' });
  return r.ok ? [] : lines(r.errors);
};
/** The fixture's components, so that access rules have something to grant. */
const components = {
  experimentTracking: { mode: 'build' },
  registry: { mode: 'buy', repositories: ['images', 'models'] },
  streaming: { mode: 'buy', topics: [{ name: 'clicks' }] },
};

describe('teams: the spec', () => {
  it('accepts a team with defaults filled in: every cluster, no borrowing, no access', () => {
    const r = validateSpec(awsSpec({ teams: [team()] }), { today: '2026-11-30' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.teams[0]).toEqual({ name: 'ranking', quota: { cpu: 16, memoryGiB: 64, gpus: 0, pods: 100, storageGiB: 500 }, borrowingLimit: { cpu: 0, gpus: 0 }, members: [ARN], access: {} });
  });

  it('refuses a duplicate name (case-insensitively), an unknown cluster, and a name whose IAM role would not fit', () => {
    expect(problems(awsSpec({ teams: [team(), team({ name: 'ranking' })] }))).toContain("teams[1].name: 'ranking' is already teams[0]; team names must be unique");
    expect(problems(awsSpec({ teams: [team({ clusters: ['apps', 'gpus'] })] }))).toContain('teams[0].clusters[1]: no cluster \'gpus\'; the clusters are apps, events, training');
    const long = 'a'.repeat(40);
    expect(problems(awsSpec({ name: 'b'.repeat(20), teams: [team({ name: long })] }))).toContainEqual(expect.stringMatching(/^teams\[0\]\.name: the team's IAM role '.+' is 66 characters, over AWS's 64/));
  });

  it('refuses a Google service account id outside 6–30 characters', () => {
    expect(problems(gcpSpec({ teams: [team({ name: 'recommendations-and-ranking', members: ['group:ranking@example.com'] })] }))).toContainEqual(
      expect.stringMatching(/^teams\[0\]\.name: the team's Google service account id '.+-recommendations-and-ranking' is \d+ characters; Google takes 6 to 30: shorten/),
    );
  });

  it('refuses GPU quota and GPU borrowing on clusters without GPUs', () => {
    expect(problems(awsSpec({ teams: [team({ clusters: ['apps'], quota: { cpu: 4, memoryGiB: 8, gpus: 2 } })] }))).toContain(
      'teams[0].quota.gpus: none of the team\'s clusters (apps) has GPUs; set gpus: 0 or give the team a cluster with a GPU pool',
    );
    expect(problems(awsSpec({ teams: [team({ clusters: ['apps'], borrowingLimit: { gpus: 1 } })] }))).toContain('teams[0].borrowingLimit.gpus: the team borrows only on batch clusters with GPUs, and has none; set it to 0');
  });

  it('refuses teams whose quotas on a batch cluster exceed what its pools hold (computed here from the catalogue)', () => {
    // The fixture's training cluster: cpu pool 20 × c7i.2xlarge, gpu pool 8 × g5.xlarge (1 GPU each).
    const vcpu = 20 * MACHINE_TYPES.aws['c7i.2xlarge']!.vcpu + 8 * MACHINE_TYPES.aws['g5.xlarge']!.vcpu;
    const gpus = 8 * MACHINE_TYPES.aws['g5.xlarge']!.gpus;
    const half = (n: number) => Math.floor(n / 2) + 1;
    const teams = [team({ name: 'a', quota: { cpu: half(vcpu), memoryGiB: 8, gpus: half(gpus) } }), team({ name: 'b', quota: { cpu: half(vcpu), memoryGiB: 8, gpus: half(gpus) } })];
    expect(problems(awsSpec({ teams }))).toEqual([
      `clusters[2]: the teams' CPU quotas on batch cluster 'training' add up to ${2 * half(vcpu)} (a ${half(vcpu)}, b ${half(vcpu)}), more than its pools hold at most (${vcpu} vCPU); lower the quotas or raise the pools' maxNodes`,
      `clusters[2]: the teams' GPU quotas on batch cluster 'training' add up to ${2 * half(gpus)} (a ${half(gpus)}, b ${half(gpus)}), more than its pools hold at most (${gpus} GPUs); lower the quotas or raise the GPU pools' maxNodes`,
    ]);
    expect(problems(awsSpec({ teams: [team({ name: 'a', quota: { cpu: vcpu / 2, memoryGiB: 8, gpus: gpus / 2 } }), team({ name: 'b', quota: { cpu: vcpu / 2, memoryGiB: 8, gpus: gpus / 2 } })] }))).toEqual([]);
  });

  it('wants members as the cloud names them', () => {
    expect(problems(awsSpec({ teams: [team({ members: ['ranking-engineers'] })] }))).toEqual([
      "teams[0].members[0]: 'ranking-engineers' is not a member AWS knows (an IAM role or user ARN), e.g. arn:aws:iam::123456789012:role/ranking-engineers",
    ]);
    expect(problems(gcpSpec({ teams: [team({ members: [ARN] })] }))).toContainEqual(expect.stringMatching(/^teams\[0\]\.members\[0\]: .* is not a member Google Cloud knows \(group:<email> or user:<email>\), e\.g\. group:ranking@example\.com$/));
  });

  it('refuses access to a component the platform does not have, a repository it does not list, a topic it does not declare', () => {
    const access = { featureStore: 'read', registry: { push: ['images/ranking'] }, streaming: { produce: ['clicks', 'views'] } };
    expect(problems(awsSpec({ components, teams: [team({ access })] }))).toEqual([
      'teams[0].access.featureStore: the platform has no featureStore component; add components.featureStore or remove this access',
      "teams[0].access.registry.push[0]: 'images/ranking' is not a repository of the registry; add it to components.registry.repositories (images, models)",
      "teams[0].access.streaming.produce[1]: 'views' is not a declared topic; declare it in components.streaming.topics (clicks)",
    ]);
  });
});

describe('teams: the plan and the summary', () => {
  it('resolves each team on its clusters: GPUs only where the cluster has them, borrowing on batch clusters only', () => {
    const r = validateSpec(awsSpec({ teams: [team({ quota: { cpu: 16, memoryGiB: 64, gpus: 2 }, borrowingLimit: { cpu: 8, gpus: 1 } })] }), { today: '2026-11-30' });
    if (!r.ok) throw new Error(lines(r.errors).join('\n'));
    const plan = resolvePlan(r.spec);
    expect(plan.teams.map((t) => [t.name, t.namespace, t.roleName])).toEqual([['ranking', 'team-ranking', 'acme-team-ranking']]);
    expect(plan.teams[0]!.clusters.map((c) => [c.cluster, c.quota.gpus, c.borrowing])).toEqual([
      ['apps', 0, { cpu: 0, gpus: 0 }],
      ['events', 0, { cpu: 0, gpus: 0 }],
      ['training', 2, { cpu: 8, gpus: 1 }],
    ]);
    expect(summarize(plan)).toContain('  team ranking: namespace team-ranking on apps (16 CPU, 64 GiB), events (16 CPU, 64 GiB), training (16 CPU, 64 GiB, 2 GPU, borrows up to 8 CPU 1 GPU); 1 member');
  });
});
