/**
 * Teams' registry push (`teams[].access.registry.push`, IRegistry.grantPush): ECR push on exactly
 * the listed repositories for the team's IAM role, Artifact Registry's writer role on the
 * platform's repository for the team's service account, and a validation error for Harbor (build).
 * LOOM-IAM-001 finds nothing in either grant.
 */
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../schema/load';
import { stackFromJson } from '../../policies/stacks';
import { IAM_001 } from '../../policies/rules/iam/iam-001';
import { runRule, addresses } from '../policies/helpers';
import { synthSpec, type StackJson } from '../helpers/synth';
import { awsSpec, gcpSpec, lines } from '../schema/fixtures';

const quota = { cpu: 8, memoryGiB: 32 };
const REPOSITORIES = ['images', 'models', 'tools'];

type Found = { stack: string; type: string; name: string; path: string; body: Record<string, any> };

function all(stacks: Record<string, StackJson>): Found[] {
  return Object.entries(stacks).flatMap(([stack, json]) =>
    Object.entries(json.resource ?? {}).flatMap(([type, rs]) =>
      Object.entries(rs).map(([name, body]) => ({ stack, type, name, body: body as Record<string, any>, path: ((body as any)['//']?.metadata?.path as string) ?? '' })),
    ),
  );
}

/** LOOM-IAM-001's findings on the registry component's resources. */
function iamFindingsOnRegistry(stacks: Record<string, StackJson>, cloud: 'aws' | 'gcp'): string[] {
  const synth = Object.entries(stacks).map(([name, json]) => stackFromJson(name, json as any));
  return addresses(runRule(IAM_001, synth, { cloud })).filter((a) => /Registry|ecr|artifact_registry/i.test(a));
}

describe('registry push on AWS (ECR)', () => {
  const spec = awsSpec({
    components: { registry: { mode: 'buy', repositories: REPOSITORIES } },
    teams: [
      { name: 'ranking', quota, access: { registry: { push: ['images', 'models'] } } },
      { name: 'search', quota, access: { registry: { push: ['tools'] } } },
    ],
  });
  const { stacks } = synthSpec(spec);
  const resources = all(stacks);
  const repoRef = (name: string) => {
    const repo = resources.find((r) => r.type === 'aws_ecr_repository' && r.body.name === `acme/${name}`)!;
    return `\${aws_ecr_repository.${repo.name}.arn}`;
  };
  const policies = resources.filter((r) => r.type === 'aws_iam_role_policy' && r.path.split('/')[1] === 'Registry');

  it("puts an inline policy on each team's role: the push actions on exactly its repositories, GetAuthorizationToken on \"*\"", () => {
    expect(policies).toHaveLength(2);
    const of = (team: string) => policies.find((p) => new RegExp(`TeamAccess_${team}_Role_`).test(String(p.body.role)))!;
    for (const [team, repos] of [['ranking', ['images', 'models']], ['search', ['tools']]] as const) {
      const policy = of(team);
      expect(policy, team).toBeDefined();
      expect(policy.stack).toBe('acme-services');
      const doc = JSON.parse(policy.body.policy as string);
      expect(doc.Statement).toEqual([
        {
          Sid: 'Push',
          Effect: 'Allow',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage'],
          Resource: repos.map(repoRef),
        },
        { Sid: 'Login', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      ]);
    }
    // Inline policy names are unique per role (numbered per grant).
    expect(new Set(policies.map((p) => p.body.name)).size).toBe(2);
  });

  it('gives LOOM-IAM-001 nothing to find (and it would find the push actions on "*")', () => {
    expect(iamFindingsOnRegistry(stacks, 'aws')).toEqual([]);
    // The same grant with the repositories widened to "*" is a finding: the rule sees these policies.
    const widened: Record<string, StackJson> = JSON.parse(JSON.stringify(stacks));
    const policy = widened['acme-services']!.resource!['aws_iam_role_policy']![policies[0]!.name]!;
    const doc = JSON.parse(policy.policy as string);
    doc.Statement[0].Resource = '*';
    policy.policy = JSON.stringify(doc);
    expect(iamFindingsOnRegistry(widened, 'aws')).toEqual([expect.stringContaining(policies[0]!.name)]);
  });
});

describe('registry push on Google Cloud (Artifact Registry)', () => {
  const spec = gcpSpec({
    components: { registry: { mode: 'buy', repositories: REPOSITORIES } },
    teams: [{ name: 'ranking', quota, members: ['group:ranking@example.com'], access: { registry: { push: ['images'] } } }],
  });
  const { stacks } = synthSpec(spec);

  it("binds roles/artifactregistry.writer on the platform's repository to the team's service account", () => {
    const bindings = all(stacks).filter((r) => r.type === 'google_artifact_registry_repository_iam_member' && r.body.role === 'roles/artifactregistry.writer');
    expect(bindings).toHaveLength(1);
    const [binding] = bindings;
    expect(binding!.path.split('/')[1]).toBe('Registry');
    expect(binding!.body.member).toMatch(/^serviceAccount:\$\{google_service_account\.TeamAccess_ranking_ServiceAccount_\w+\.email\}$/);
    const repository = all(stacks).find((r) => r.type === 'google_artifact_registry_repository')!;
    expect(binding!.body.repository).toBe(`\${google_artifact_registry_repository.${repository.name}.name}`);
    expect(binding!.body.condition).toBeUndefined();
  });

  it('gives LOOM-IAM-001 nothing to find', () => {
    expect(iamFindingsOnRegistry(stacks, 'gcp')).toEqual([]);
  });
});

describe('registry push on a built registry (Harbor)', () => {
  it('is a validation error at teams[i].access.registry.push', () => {
    const spec = awsSpec({
      components: { registry: { mode: 'build', repositories: REPOSITORIES } },
      teams: [
        { name: 'ranking', quota },
        { name: 'search', quota, access: { registry: { push: ['images'] } } },
      ],
    });
    const r = validateSpec(spec, { today: '2026-11-30' });
    const problems = r.ok ? [] : lines(r.errors);
    expect(problems.filter((p) => p.startsWith('teams['))).toEqual([
      "teams[1].access.registry.push: pushing to Harbor from a team's identity is not supported yet (components.registry.mode is build); push with the project's robot, use registry mode buy, or remove this access",
    ]);
  });
});
