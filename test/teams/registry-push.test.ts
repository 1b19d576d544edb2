/**
 * Teams' registry push (`teams[].access.registry.push`, IRegistry.grantPush), to the principal the
 * registry authorizes: ECR push on exactly the listed repositories for the team's IAM role,
 * Artifact Registry's writer role on the platform's repository for the team's service account, and
 * on a built registry (Harbor, every cloud and existing clusters) a project robot with push and pull
 * made by the setup Job, whose login is the `harbor-push` Secret in the team's namespace on each of
 * its clusters. LOOM-IAM-001 finds nothing in either cloud grant.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { MlPlatform } from '../../stacks/ml-platform';
import { registryPusher } from '../../constructs/teams/access';
import { harborSetupScript } from '../../constructs/components/registry/pull-access';
import type { IRegistry } from '../../constructs/components/registry/contract';
import { PlatformValidationError } from '../../constructs/core/errors';
import { validateSpec } from '../../schema/load';
import { stackFromJson } from '../../policies/stacks';
import { IAM_001 } from '../../policies/rules/iam/iam-001';
import { runRule, addresses } from '../policies/helpers';
import { findResource, findResources, readStacks, specFrom, synthSpec, type StackJson } from '../helpers/synth';
import { awsSpec, gcpSpec, k8sSpec, lines, type Spec } from '../schema/fixtures';

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

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Synthesizes `spec` (teams and their grants included), with the warnings synth annotated. */
function synthWithWarnings(spec: Spec): { stacks: Record<string, StackJson>; warnings: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'loom-registry-push-'));
  dirs.push(dir);
  const app = new App({ outdir: dir, skipValidation: true });
  new MlPlatform(app, 'acme', specFrom(spec) as any);
  const warnings = app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
  app.synth();
  return { stacks: readStacks(dir), warnings };
}

/** The `harbor-push` Secrets of a stack, in `namespace`. */
const pushSecrets = (stack: StackJson, namespace: string) => findResources(stack, 'kubernetes_secret_v1', { metadata: { name: 'harbor-push', namespace } }) as any[];
/** Terraform names of a stack's resources of `type`. */
const namesOf = (stack: StackJson, type: string) => Object.keys(stack.resource?.[type] ?? {});

/** The same teams on AWS in either registry mode: ranking pushes from two clusters, search does not push. */
const awsTeams = (mode: 'build' | 'buy') =>
  awsSpec({
    components: { registry: { mode, repositories: REPOSITORIES } },
    teams: [
      { name: 'ranking', clusters: ['apps', 'training'], quota, access: { registry: { push: ['images', 'models'] } } },
      { name: 'search', clusters: ['apps'], quota },
    ],
  });

describe('registry push on a built registry (Harbor) on AWS', () => {
  // The registry runs on `apps`; the team also runs on `training`.
  const { stacks, warnings } = synthWithWarnings(awsTeams('build'));
  const apps = stacks['acme-addons-apps']!;
  const training = stacks['acme-addons-training']!;
  const [password] = namesOf(apps, 'random_password');
  const secretRef = `random_password.${password}.result`;

  it("generates the robot's secret in the registry cluster's add-ons stack, to Harbor's rule (8–128, upper, lower, digit)", () => {
    expect(namesOf(apps, 'random_password')).toEqual([expect.stringMatching(/^Registry_PushSecret-team-ranking_/)]);
    const secret = findResource(apps, 'random_password') as any;
    expect(secret.length).toBeGreaterThanOrEqual(8);
    expect(secret.length).toBeLessThanOrEqual(128);
    expect(secret.min_upper).toBeGreaterThanOrEqual(1);
    expect(secret.min_lower).toBeGreaterThanOrEqual(1);
    expect(secret.min_numeric).toBeGreaterThanOrEqual(1);
    // Nothing the setup script's JSON would have to quote.
    expect(secret.special).toBe(false);
    expect(Object.keys(apps.terraform?.required_providers ?? {})).toContain('random');
    expect(apps.provider?.random).toBeDefined();
    // Only there: the other clusters read it.
    for (const [name, stack] of Object.entries(stacks)) if (name !== 'acme-addons-apps') expect(namesOf(stack, 'random_password'), name).toEqual([]);
  });

  it("has the setup Job make the robot team-ranking with the generated secret, and re-run when it changes", () => {
    const job = findResource(apps, 'kubernetes_job_v1', { metadata: { name: 'harbor-setup' } }) as any;
    const pod = job.spec.template.spec;
    const env = Object.fromEntries(pod.container[0].env.map((e: any) => [e.name, e.value ?? e.value_from.secret_key_ref.key]));
    expect(env).toMatchObject({ HARBOR_PUSH_ROBOTS: 'team-ranking', HARBOR_PUSH_DIR: '/push' });
    const credentials = findResource(apps, 'kubernetes_secret_v1', { metadata: { name: 'harbor-setup' } }) as any;
    expect(credentials.data['push.team-ranking']).toBe(`\${${secretRef}}`);
    // The robot's secret reaches the Job as a file named after the robot, and nothing else of the credentials does.
    const volume = pod.volume.find((v: any) => v.name === 'push');
    expect(volume.secret).toEqual({ secret_name: expect.stringMatching(/kubernetes_secret_v1\.Registry_Setup_Credentials_/), items: [{ key: 'push.team-ranking', path: 'team-ranking' }] });
    expect(pod.container[0].volume_mount).toContainEqual({ name: 'push', mount_path: '/push', read_only: true });
    // The robot and its secret are inputs: the Job re-runs for a new robot or a new secret.
    const inputs = job.spec.template.metadata.annotations['loom.dev/inputs'];
    expect(inputs).toContain(`"team-ranking", ${secretRef}))}`);
    expect(inputs).toMatch(/^\$\{sha256\(format\("%s\|%s\|%s\|%s\|%s=%s", var\.harbor_secret_key, /);
  });

  it('the setup script gives a team robot push and pull on the project (not pull only)', () => {
    const script = harborSetupScript();
    expect(script).not.toMatch(/\$\{|%\{/);
    expect(script).toContain('for robot in $(printenv HARBOR_PUSH_ROBOTS || true); do');
    expect(script).toContain(
      'access="{\\"kind\\":\\"project\\",\\"namespace\\":\\"$HARBOR_PROJECT\\",\\"access\\":[{\\"resource\\":\\"repository\\",\\"action\\":\\"push\\"},{\\"resource\\":\\"repository\\",\\"action\\":\\"pull\\"}]}"',
    );
    expect(script).toContain('secret=$(cat "$HARBOR_PUSH_DIR/$robot")');
    // What the script says is what the Job's ConfigMap carries.
    expect((findResource(apps, 'kubernetes_config_map_v1', { metadata: { name: 'harbor-setup' } }) as any).data['setup.sh']).toBe(script);
  });

  it("writes the robot's login as harbor-push in team-ranking on both its clusters, after the namespace", () => {
    for (const [name, stack] of [['apps', apps], ['training', training]] as const) {
      const secrets = pushSecrets(stack, 'team-ranking');
      expect(secrets, name).toHaveLength(1);
      const [secret] = secrets;
      expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
      const namespace = namesOf(stack, 'kubernetes_namespace_v1').find((n) => (stack.resource!['kubernetes_namespace_v1']![n] as any).metadata.name === 'team-ranking');
      expect(namespace, name).toBeDefined();
      expect(secret.depends_on).toEqual([`kubernetes_namespace_v1.${namespace}`]);
      const config = String(secret.data['.dockerconfigjson']);
      expect(config).toContain('"harbor.acme.internal" = {"username" = "robot$acme+team-ranking"');
      if (name === 'apps') {
        expect(config).toContain(`"password" = ${secretRef},`);
      } else {
        // Another cluster's stack reads it from the registry cluster's, never as a literal.
        expect(config).toMatch(/"password" = data\.terraform_remote_state\.cross-stack-reference-input-acme-addons-apps\.outputs\.cross-stack-output-random_password\S*PushSecret-team-ranking\S*result,/);
        expect(config).not.toContain('random_password.');
      }
    }
    // It leaves the registry cluster's stack only as a sensitive output.
    const outputs = Object.values(apps.output ?? {}).filter((o: any) => String(o.value).includes(secretRef));
    expect(outputs).toEqual([expect.objectContaining({ sensitive: true })]);
    // Not on a cluster the team does not use, nor for the team that does not push.
    expect(pushSecrets(stacks['acme-addons-events']!, 'team-ranking')).toEqual([]);
    expect(pushSecrets(apps, 'team-search')).toEqual([]);
  });

  it('warns that the robot may push to any repository of the project, naming the granted ones', () => {
    const pushWarnings = warnings.filter((w) => w.includes('robot$acme+team-ranking'));
    expect(pushWarnings).toHaveLength(1);
    expect(pushWarnings[0]).toMatch(/any repository of project acme, not only images, models/);
  });

  it('gives a team without push no robot, and a platform without pushers no random password', () => {
    const { stacks: none } = synthSpec(awsSpec({ components: { registry: { mode: 'build', repositories: REPOSITORIES } }, teams: [{ name: 'search', quota }] }));
    const addons = none['acme-addons-apps']!;
    expect(namesOf(addons, 'random_password')).toEqual([]);
    expect(Object.keys(addons.terraform?.required_providers ?? {})).not.toContain('random');
    const job = findResource(addons, 'kubernetes_job_v1', { metadata: { name: 'harbor-setup' } }) as any;
    expect(job.spec.template.spec.container[0].env.map((e: any) => e.name)).not.toContain('HARBOR_PUSH_ROBOTS');
    expect(job.spec.template.spec.volume.map((v: any) => v.name)).toEqual(['script', 'tls']);
    expect(Object.keys((findResource(addons, 'kubernetes_secret_v1', { metadata: { name: 'harbor-setup' } }) as any).data)).toEqual(['HARBOR_ADMIN_PASSWORD', 'ROBOT_SECRET']);
    expect(findResources(addons, 'kubernetes_secret_v1', { metadata: { name: 'harbor-push' } })).toEqual([]);
  });
});

describe('registry push follows a mode switch (build ↔ buy) for the same team', () => {
  it('buy: ECR push on the repositories for the team role, and no robot; build: the Harbor robot and its Secret, and no ECR policy', () => {
    const { stacks: bought } = synthSpec(awsTeams('buy'));
    const policies = all(bought).filter((r) => r.type === 'aws_iam_role_policy' && /TeamAccess_ranking_Role_/.test(String(r.body.role)));
    expect(policies).toHaveLength(1);
    const doc = JSON.parse(policies[0]!.body.policy as string);
    expect(doc.Statement[0].Action).toContain('ecr:PutImage');
    expect(doc.Statement[0].Resource).toHaveLength(2);
    expect(all(bought).filter((r) => r.type === 'random_password' || (r.type === 'kubernetes_secret_v1' && r.body.metadata?.name === 'harbor-push'))).toEqual([]);

    const { stacks: built } = synthSpec(awsTeams('build'));
    expect(all(built).filter((r) => r.type === 'aws_iam_role_policy' && /TeamAccess_ranking_Role_/.test(String(r.body.role)) && String(r.body.policy).includes('ecr:'))).toEqual([]);
    expect(all(built).filter((r) => r.type === 'random_password').map((r) => r.stack)).toEqual(['acme-addons-apps']);
    expect(all(built).filter((r) => r.type === 'kubernetes_secret_v1' && r.body.metadata?.name === 'harbor-push').map((r) => `${r.stack}/${r.body.metadata.namespace}`).sort()).toEqual([
      'acme-addons-apps/team-ranking',
      'acme-addons-training/team-ranking',
    ]);
  });
});

describe("each registry grants push to its own kind of principal only", () => {
  /** The registry of a platform built from `spec` (its teams' grants made), for a further grant. */
  const registryOf = (spec: Spec) => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-registry-push-'));
    dirs.push(dir);
    return (new MlPlatform(new App({ outdir: dir, skipValidation: true }), 'acme', specFrom(spec) as any).components.registry as IRegistry);
  };
  const serviceAccount = { kind: 'kubernetes-service-account', name: 'team-workloads', namespace: 'team-ranking', clusters: ['apps'] } as const;

  it('ECR and Artifact Registry refuse a Kubernetes service account; Harbor refuses a cloud identity', () => {
    expect(() => registryOf(awsTeams('buy')).grantPush(serviceAccount, ['images'])).toThrow(PlatformValidationError);
    expect(() => registryOf(awsTeams('buy')).grantPush(serviceAccount, ['images'])).toThrow(/ECR grants push to IAM roles .*not to a kubernetes-service-account/);
    const gcp = gcpSpec({ components: { registry: { mode: 'buy', repositories: REPOSITORIES } } });
    expect(() => registryOf(gcp).grantPush(serviceAccount, ['images'])).toThrow(/Artifact Registry grants push to Google service accounts .*not to a kubernetes-service-account/);
    const harbor = registryOf(awsTeams('build'));
    expect(harbor.authentication).toBe('harbor-robot');
    expect(() => harbor.grantPush({ kind: 'aws-iam-role', roleName: 'r', roleArn: 'arn:aws:iam::1:role/r' }, ['images'])).toThrow(/Harbor grants push to Kubernetes service accounts/);
    expect(() => harbor.grantPush({ ...serviceAccount, namespace: 'team-other' }, ['nope'])).toThrow(/no repository 'nope'/);
    expect(() => harbor.grantPush({ ...serviceAccount, namespace: 'team-other', clusters: ['nowhere'] }, ['images'])).toThrow(/cluster 'nowhere'/);
  });
});

describe('registry push on a built registry on existing clusters (cloud kubernetes)', () => {
  const base = k8sSpec();
  const spec = k8sSpec({
    clusters: [...base.clusters, { name: 'serve', flavour: 'microservice', existing: { kubeconfigContext: 'onprem-serve' } }],
    components: { registry: { mode: 'build', repositories: REPOSITORIES } },
    teams: [{ name: 'ranking', clusters: ['apps', 'serve'], quota, access: { registry: { push: ['tools'] } } }],
  });

  it('grants push where it used to throw: the robot in the registry cluster, its login in the team namespace on both clusters', () => {
    const { stacks } = synthSpec(spec);
    const apps = stacks['acme-addons-apps']!;
    expect(namesOf(apps, 'random_password')).toHaveLength(1);
    const job = findResource(apps, 'kubernetes_job_v1', { metadata: { name: 'harbor-setup' } }) as any;
    expect(job.spec.template.spec.container[0].env).toContainEqual({ name: 'HARBOR_PUSH_ROBOTS', value: 'team-ranking' });
    for (const name of ['apps', 'serve']) expect(pushSecrets(stacks[`acme-addons-${name}`]!, 'team-ranking'), name).toHaveLength(1);
    expect(pushSecrets(stacks['acme-addons-gpu']!, 'team-ranking')).toEqual([]);
    expect(String(pushSecrets(stacks['acme-addons-serve']!, 'team-ranking')[0].data['.dockerconfigjson'])).toMatch(/cross-stack-reference-input-acme-addons-apps/);
  });

  it("picks the team's service account in its namespace on its clusters for Harbor, the cloud identity for ECR and Artifact Registry", () => {
    const team = { namespace: 'team-ranking', clusters: [{ cluster: 'apps' }, { cluster: 'gpu' }] } as any;
    expect(registryPusher({ authentication: 'harbor-robot' }, team, undefined)).toEqual({ kind: 'kubernetes-service-account', name: 'team-workloads', namespace: 'team-ranking', clusters: ['apps', 'gpu'] });
    const role = { kind: 'aws-iam-role', roleName: 'r', roleArn: 'arn' } as const;
    expect(registryPusher({ authentication: 'harbor-robot' }, team, role)).toMatchObject({ kind: 'kubernetes-service-account' });
    expect(registryPusher({ authentication: 'aws-iam' }, team, role)).toBe(role);
    expect(registryPusher({ authentication: 'aws-iam' }, team, undefined)).toBeUndefined();
    expect(registryPusher({ authentication: 'google-iam' }, team, role)).toBeUndefined();
  });
});

describe('validation of registry push', () => {
  it('accepts push to a built registry (Harbor)', () => {
    const r = validateSpec(awsTeams('build'), { today: '2026-11-30' });
    const problems = r.ok ? [] : lines(r.errors);
    expect(problems.filter((p) => p.startsWith('teams['))).toEqual([]);
  });

  it('still reports a repository the registry does not list, in either mode', () => {
    for (const mode of ['build', 'buy'] as const) {
      const spec = awsSpec({
        components: { registry: { mode, repositories: REPOSITORIES } },
        teams: [{ name: 'search', quota, access: { registry: { push: ['images', 'nope'] } } }],
      });
      const r = validateSpec(spec, { today: '2026-11-30' });
      const problems = r.ok ? [] : lines(r.errors);
      expect(problems.filter((p) => p.startsWith('teams[')), mode).toEqual([
        "teams[0].access.registry.push[1]: 'nope' is not a repository of the registry; add it to components.registry.repositories (images, models, tools)",
      ]);
    }
  });
});
