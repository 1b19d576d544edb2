/**
 * Teams' access (constructs/teams/access*.ts): members bound to a namespaced edit role on each of
 * the team's clusters, the team's workload identity, and the grants each component makes to it
 * through its contract — in build and in buy mode, the grant moving with a mode switch.
 */
import { describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { MlPlatform } from '../../stacks/ml-platform';
import { join } from 'node:path';
import { findResources, resources, specFrom, specFromFile, synthSpec, type StackJson } from '../helpers/synth';
import { resolvePlan, servicesStackNeeded } from '../../plan';
import { summarize } from '../../cli/summary';
import { awsSpec, gcpSpec, k8sSpec, type Spec } from '../schema/fixtures';

const ROLE_A = 'arn:aws:iam::123456789012:role/ranking-engineers';
const SHARED = 'arn:aws:iam::123456789012:user/ana';
const ADMIN = 'arn:aws:iam::123456789012:role/platform-admins';

type Found = { stack: string; type: string; name: string; path: string; body: Record<string, any> };

/** Every resource of every stack, with its construct path. */
function all(stacks: Record<string, StackJson>): Found[] {
  return Object.entries(stacks).flatMap(([stack, json]) =>
    Object.entries(json.resource ?? {}).flatMap(([type, rs]) =>
      Object.entries(rs).map(([name, body]) => ({ stack, type, name, body: body as Record<string, any>, path: ((body as any)['//']?.metadata?.path as string) ?? '' })),
    ),
  );
}

/** Resources under component scope `scope` (`ExperimentTracking`, …) of any stack that refer to the team's identity. */
function grantsTo(stacks: Record<string, StackJson>, scope: string, identity: RegExp): Found[] {
  return all(stacks).filter((r) => r.path.split('/')[1] === scope && identity.test(JSON.stringify(r.body)));
}

/** The team's own resources (`TeamAccess/…`), without construct metadata, by stack, type and name. */
function teamResources(stacks: Record<string, StackJson>): Record<string, unknown> {
  return Object.fromEntries(
    all(stacks)
      .filter((r) => r.path.split('/')[1] === 'TeamAccess')
      .map((r) => {
        const { ['//']: _meta, ...body } = r.body;
        return [`${r.stack} ${r.type} ${r.name}`, body];
      }),
  );
}

const quota = { cpu: 8, memoryGiB: 32 };
const ACCESS = { experimentTracking: 'write', featureStore: 'read', pipelines: 'submit', streaming: { produce: ['clicks'], consume: ['clicks'] } };

function awsTeams(mode: 'build' | 'buy', extra: Spec = {}): Spec {
  const spec = awsSpec({
    components: {
      experimentTracking: { mode },
      featureStore: { mode },
      pipelines: { mode },
      streaming: { mode, topics: [{ name: 'clicks', partitions: 3 }] },
    },
    teams: [
      { name: 'ranking', clusters: ['apps', 'training'], quota, members: [ROLE_A, SHARED, ADMIN], access: ACCESS },
      { name: 'search', clusters: ['apps'], quota, members: [SHARED] },
    ],
    ...extra,
  });
  spec.clusters[0].admins = [ADMIN];
  return spec;
}

const AWS_ROLE = /TeamAccess_ranking_Role_/;

describe('teams on AWS (EKS)', () => {
  const { stacks } = synthSpec(awsTeams('build'));
  const services = stacks['acme-services']!;

  it('gives each member one access entry per cluster, with AmazonEKSEditPolicy scoped to its teams\' namespaces', () => {
    const entries = findResources(services, 'aws_eks_access_entry').filter((e: any) => e.principal_arn === ROLE_A || e.principal_arn === SHARED || e.principal_arn === ADMIN);
    // ROLE_A on apps and training, SHARED on apps (once for both teams) and training; ADMIN only on training (an admin of apps).
    const byPrincipal = (arn: string) => entries.filter((e: any) => e.principal_arn === arn).map((e: any) => e.cluster_name as string);
    expect(byPrincipal(ROLE_A)).toHaveLength(2);
    expect(byPrincipal(SHARED)).toHaveLength(2);
    expect(byPrincipal(ADMIN)).toHaveLength(1);
    expect(byPrincipal(ADMIN)[0]).toContain('cluster-training');
    for (const e of entries) expect(e).toMatchObject({ type: 'STANDARD' });
    // Each entry puts the member in the Kubernetes group of each of its teams on that cluster (what RBAC beyond edit binds).
    const groups = (arn: string, cluster: string) => entries.find((e: any) => e.principal_arn === arn && String(e.cluster_name).includes(`cluster-${cluster}`))?.kubernetes_groups;
    expect(groups(SHARED, 'apps')).toEqual(['loom-team-ranking', 'loom-team-search']);
    expect(groups(SHARED, 'training')).toEqual(['loom-team-ranking']);
    expect(groups(ROLE_A, 'apps')).toEqual(['loom-team-ranking']);
    expect(groups(ADMIN, 'training')).toEqual(['loom-team-ranking']);

    const associations = Object.values(resources(services, 'aws_eks_access_policy_association')).filter((a: any) => String(a['//'].metadata.path).includes('/TeamAccess/'));
    expect(associations).toHaveLength(5);
    for (const a of associations as any[]) {
      expect(a.policy_arn).toBe('arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy');
      expect(a.access_scope.type).toBe('namespace');
      expect(a.principal_arn).toMatch(/^\$\{aws_eks_access_entry\.TeamAccess_Members_/);
    }
    const scopes = (associations as any[]).map((a) => `${a['//'].metadata.path.split('/')[3]} ${a.principal_arn.includes('user-ana') ? 'ana' : a.principal_arn.includes('ranking-engineers') ? 'ranking' : 'admin'} ${a.access_scope.namespaces.join(',')}`).sort();
    expect(scopes).toEqual(['apps ana team-ranking,team-search', 'apps ranking team-ranking', 'training admin team-ranking', 'training ana team-ranking', 'training ranking team-ranking']);
  });

  it('never binds members cluster-wide', () => {
    const teamAssociations = all(stacks).filter((r) => r.type === 'aws_eks_access_policy_association' && r.path.includes('/TeamAccess/'));
    expect(teamAssociations.every((r) => r.body.access_scope.type === 'namespace' && !/ClusterAdmin/.test(r.body.policy_arn))).toBe(true);
    expect(all(stacks).filter((r) => r.type === 'kubernetes_cluster_role_binding_v1' && r.path.includes('/TeamAccess/'))).toEqual([]);
  });

  it('creates the IAM role <platform>-team-<name>, trusted by each of its clusters\' OIDC providers for team-<name>/team-workloads only', () => {
    const role = findResources(services, 'aws_iam_role', { name: 'acme-team-ranking' });
    expect(role).toHaveLength(1);
    // Terraform expressions (the issuer host's replace(…, "https://", "")) are interpolated before
    // the document is JSON: stand-ins first.
    const refs: string[] = [];
    const text = ((role[0] as any).assume_role_policy as string).replace(/\$\{[^}]*\}/g, (m) => `@${refs.push(m) - 1}`);
    const deref = (s: string) => s.replace(/@(\d+)/g, (_m, i) => refs[Number(i)]!);
    const trust = JSON.parse(text);
    expect(trust.Statement).toHaveLength(2);
    const providers = trust.Statement.map((s: any) => deref(s.Principal.Federated as string));
    expect(providers[0]).toMatch(/cluster-apps\.outputs\..*aws_iam_openid_connect_provider/);
    expect(providers[1]).toMatch(/cluster-training\.outputs\..*aws_iam_openid_connect_provider/);
    for (const [i, s] of trust.Statement.entries()) {
      expect(s.Action).toBe('sts:AssumeRoleWithWebIdentity');
      const conditions = Object.entries(s.Condition.StringEquals).map(([k, v]) => [deref(k), v]) as [string, string][];
      const cluster = i === 0 ? 'apps' : 'training';
      expect(conditions).toHaveLength(2);
      const sub = conditions.find(([k]) => k.endsWith(':sub'))!;
      const aud = conditions.find(([k]) => k.endsWith(':aud'))!;
      expect(sub[0]).toContain(`cluster-${cluster}.outputs`);
      expect(sub[1]).toBe('system:serviceaccount:team-ranking:team-workloads');
      expect(aud[1]).toBe('sts.amazonaws.com');
    }
    // No role for a team without cloud access? Every team has its identity.
    expect(findResources(services, 'aws_iam_role', { name: 'acme-team-search' })).toHaveLength(1);
  });

  it('creates team-workloads in the team namespace of each of its clusters only, annotated with the role', () => {
    for (const cluster of ['apps', 'training']) {
      const [sa] = findResources(stacks[`acme-addons-${cluster}`]!, 'kubernetes_service_account_v1', { metadata: { name: 'team-workloads', namespace: 'team-ranking' } }) as any[];
      expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/acme-services\.outputs\.cross-stack-output-aws_iam_roleTeamAccess_ranking_Role_\w+arn/);
      expect(sa.metadata.labels['loom.dev/team']).toBe('ranking');
      // It waits for the team's namespace (./space.ts) where that exists.
      const ns = Object.keys(resources(stacks[`acme-addons-${cluster}`]!, 'kubernetes_namespace_v1')).find((k) => k.startsWith('Team-ranking'));
      if (ns) expect(sa.depends_on).toContain(`kubernetes_namespace_v1.${ns}`);
    }
    expect(findResources(stacks['acme-addons-events']!, 'kubernetes_service_account_v1', { metadata: { namespace: 'team-ranking' } })).toEqual([]);
  });

  it('build mode: MLflow, Feast, Argo and Strimzi grant the team through their own mechanisms', () => {
    const tracking = grantsTo(stacks, 'ExperimentTracking', AWS_ROLE);
    expect(tracking.map((r) => r.type)).toEqual(['aws_iam_role_policy']);
    expect(tracking[0]!.body.policy).toContain('s3:PutObject');
    const features = grantsTo(stacks, 'FeatureStore', AWS_ROLE);
    expect(features.map((r) => r.type)).toEqual(['aws_iam_role_policy']);
    expect(features[0]!.body.policy).toContain('s3:GetObject');
    expect(features[0]!.body.policy).not.toContain('s3:PutObject');
    const pipelines = grantsTo(stacks, 'Pipelines', AWS_ROLE);
    expect(pipelines.map((r) => r.type)).toEqual(['aws_eks_access_entry']);
    expect(pipelines[0]!.body).toMatchObject({ kubernetes_groups: ['loom:pipelines-submitters'] });
    expect(pipelines[0]!.body.cluster_name).toContain('cluster-training');
    // Strimzi: a Kafka user named after the team's namespace, with the topic's ACLs.
    const release = all(stacks).find((r) => r.type === 'helm_release' && r.path.split('/')[1] === 'Streaming' && JSON.stringify(r.body.values ?? '').includes('KafkaUser'));
    const values = JSON.parse(release!.body.values[0]);
    const user = values.resources.find((m: any) => m.kind === 'KafkaUser' && m.metadata.name === 'team-ranking');
    expect(user.spec.authorization.acls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ resource: expect.objectContaining({ type: 'topic', name: 'clicks' }), operations: expect.arrayContaining(['Write']) }),
        expect.objectContaining({ resource: expect.objectContaining({ type: 'topic', name: 'clicks' }), operations: expect.arrayContaining(['Read']) }),
        expect.objectContaining({ resource: expect.objectContaining({ type: 'group', name: 'team-ranking', patternType: 'prefix' }) }),
      ]),
    );
  });

  it('buy mode: SageMaker MLflow, Feature Store, Pipelines and MSK grant the same role', () => {
    const { stacks: bought } = synthSpec(awsTeams('buy'));
    const policy = (scope: string) => grantsTo(bought, scope, AWS_ROLE).filter((r) => r.type === 'aws_iam_role_policy').map((r) => r.body.policy as string);
    expect(policy('ExperimentTracking').join()).toContain('sagemaker-mlflow:Log*');
    expect(policy('FeatureStore').join()).toContain('sagemaker:GetRecord');
    expect(policy('FeatureStore').join()).not.toContain('sagemaker:PutRecord');
    expect(policy('Pipelines').join()).toContain('sagemaker:StartPipelineExecution');
    const kafka = policy('Streaming');
    expect(kafka.some((p) => p.includes('kafka-cluster:WriteData') && p.includes('/clicks'))).toBe(true);
    expect(kafka.some((p) => p.includes('kafka-cluster:ReadData') && p.includes('/clicks'))).toBe(true);
    // The grant moved: nothing of the build mechanisms is left.
    expect(grantsTo(bought, 'Pipelines', AWS_ROLE).filter((r) => r.type === 'aws_eks_access_entry')).toEqual([]);
    // And the team's own resources are the same in both modes.
    expect(teamResources(bought)).toEqual(teamResources(stacks));
  });

  it('serving: invoke (and deploy) is SageMaker\'s InvokeEndpoint on the role when bought, nothing when built', () => {
    const serving = (mode: 'build' | 'buy') =>
      awsSpec({
        components: { serving: { mode, endpoints: [{ name: 'ranker', model: 's3://acme-models/ranker/v3', framework: 'xgboost' }] } },
        teams: [{ name: 'ranking', quota, access: { serving: 'deploy' } }],
      });
    const bought = grantsTo(synthSpec(serving('buy')).stacks, 'Serving', AWS_ROLE);
    expect(bought.map((r) => r.type)).toEqual(['aws_iam_role_policy']);
    expect(bought[0]!.body.policy).toContain('sagemaker:InvokeEndpoint');
    expect(grantsTo(synthSpec(serving('build')).stacks, 'Serving', AWS_ROLE)).toEqual([]);
  });

  it('a platform whose components keep nothing in the cloud still gets a services stack for its teams', () => {
    const { stacks: bare } = synthSpec(awsSpec({ teams: [{ name: 'ranking', quota, members: [ROLE_A] }] }));
    expect(findResources(bare['acme-services']!, 'aws_iam_role', { name: 'acme-team-ranking' })).toHaveLength(1);
    expect(findResources(bare['acme-services']!, 'aws_eks_access_entry', { principal_arn: ROLE_A })).toHaveLength(3);
  });
});

const GCP_SA = /TeamAccess_ranking_ServiceAccount_/;

function gcpTeams(mode: 'build' | 'buy'): Spec {
  const base = gcpSpec();
  return gcpSpec({
    clusters: [...base.clusters, { name: 'events', flavour: 'streaming', nodePools: [{ name: 'brokers', machineTypes: ['n2-standard-8'], minNodes: 3, maxNodes: 6 }] }],
    components: {
      experimentTracking: { mode },
      featureStore: { mode },
      pipelines: { mode },
      streaming: { mode, topics: [{ name: 'clicks', partitions: 3 }] },
    },
    teams: [{ name: 'ranking', quota, members: ['group:ranking@example.com', 'user:ana@example.com'], access: ACCESS }],
  });
}

describe('teams on Google Cloud (GKE)', () => {
  const { stacks } = synthSpec(gcpTeams('buy'));
  const services = stacks['acme-services']!;

  it('binds members to the ClusterRole edit in the team namespace, groups as Group and users as User', () => {
    for (const cluster of ['apps', 'training']) {
      const [binding] = findResources(stacks[`acme-addons-${cluster}`]!, 'kubernetes_role_binding_v1', { metadata: { namespace: 'team-ranking' } }) as any[];
      expect(binding.role_ref).toEqual({ api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' });
      expect(binding.subject).toEqual([
        { api_group: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ranking@example.com' },
        { api_group: 'rbac.authorization.k8s.io', kind: 'User', name: 'ana@example.com' },
      ]);
    }
    for (const member of ['group:ranking@example.com', 'user:ana@example.com']) {
      expect(findResources(services, 'google_project_iam_member', { member, role: 'roles/container.clusterViewer' })).toHaveLength(1);
    }
  });

  it('warns that group subjects need Google Groups for RBAC', () => {
    const app = new App();
    const platform = new MlPlatform(app, 'acme', gcpTeams('buy') as any);
    const warnings = platform.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings.some((w) => w.includes("teams 'ranking'") && w.includes('Google Groups for RBAC'))).toBe(true);
  });

  it('creates the Google service account with workloadIdentityUser for team-ranking/team-workloads, and the annotated service accounts', () => {
    const [account] = findResources(services, 'google_service_account', { account_id: 'acme-ranking' }) as any[];
    expect(account.project).toBe('acme-ml-prod');
    const bindings = findResources(services, 'google_service_account_iam_member', { role: 'roles/iam.workloadIdentityUser', member: 'serviceAccount:acme-ml-prod.svc.id.goog[team-ranking/team-workloads]' });
    expect(bindings).toHaveLength(1);
    expect((bindings[0] as any).service_account_id).toMatch(/google_service_account\.TeamAccess_ranking_ServiceAccount_\w+\.name/);
    for (const cluster of ['apps', 'training']) {
      const [sa] = findResources(stacks[`acme-addons-${cluster}`]!, 'kubernetes_service_account_v1', { metadata: { name: 'team-workloads', namespace: 'team-ranking' } }) as any[];
      expect(sa.metadata.annotations['iam.gke.io/gcp-service-account']).toMatch(/google_service_accountTeamAccess_ranking_ServiceAccount_\w+email/);
    }
  });

  it('buy mode: Vertex AI and Managed Kafka grant the team\'s service account', () => {
    const roles = (scope: string) => grantsTo(stacks, scope, GCP_SA).map((r) => `${r.type} ${r.body.role}`);
    expect(roles('ExperimentTracking')).toEqual(expect.arrayContaining(['google_project_iam_member roles/aiplatform.user']));
    expect(roles('FeatureStore').some((r) => r.startsWith('google_bigquery_dataset_iam_member'))).toBe(true);
    expect(roles('Pipelines')).toEqual(expect.arrayContaining(['google_project_iam_member roles/aiplatform.user', 'google_service_account_iam_member roles/iam.serviceAccountUser']));
    expect(roles('Streaming')).toEqual(['google_project_iam_member roles/managedkafka.client']);
  });

  it('build mode: the grants move to the built components, the team\'s own resources unchanged', () => {
    const { stacks: built } = synthSpec(gcpTeams('build'));
    const grants = (scope: string) => grantsTo(built, scope, GCP_SA).map((r) => r.type);
    expect(grants('ExperimentTracking')).toEqual(['google_storage_bucket_iam_member']);
    expect(grants('FeatureStore')).toEqual(['google_storage_bucket_iam_member']);
    // Argo: a RoleBinding of the submit Role to the account's email, and clusterViewer.
    expect(grants('Pipelines').sort()).toEqual(['google_project_iam_member', 'kubernetes_role_binding_v1']);
    expect(grantsTo(built, 'Streaming', GCP_SA)).toEqual([]);
    expect(JSON.stringify(all(built).filter((r) => r.type === 'helm_release' && r.path.split('/')[1] === 'Streaming').map((r) => r.body.values))).toContain('team-ranking');
    expect(teamResources(built)).toEqual(teamResources(stacks));
  });
});

describe('teams on existing clusters', () => {
  const { stacks } = synthSpec(k8sSpec({ teams: [{ name: 'ranking', clusters: ['apps'], quota, members: ['group:ml-ranking', 'user:ana'] }] }));

  it('binds the OIDC group and user names to edit in the team namespace, on the team\'s clusters only', () => {
    const [binding] = findResources(stacks['acme-addons-apps']!, 'kubernetes_role_binding_v1', { metadata: { name: 'loom-team-members', namespace: 'team-ranking' } }) as any[];
    expect(binding.role_ref).toMatchObject({ kind: 'ClusterRole', name: 'edit' });
    expect(binding.subject).toEqual([
      { api_group: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ml-ranking' },
      { api_group: 'rbac.authorization.k8s.io', kind: 'User', name: 'ana' },
    ]);
    expect(findResources(stacks['acme-addons-gpu']!, 'kubernetes_role_binding_v1', { metadata: { namespace: 'team-ranking' } })).toEqual([]);
  });

  it('gives the team its service account, with no cloud annotation', () => {
    const [sa] = findResources(stacks['acme-addons-apps']!, 'kubernetes_service_account_v1', { metadata: { name: 'team-workloads', namespace: 'team-ranking' } }) as any[];
    expect(sa.metadata.annotations).toBeUndefined();
    expect(Object.keys(stacks).some((s) => s.endsWith('-services'))).toBe(false);
  });
});

describe('teams on existing clusters with built components', () => {
  it('pipelines submit binds Argo\'s submit Role to the team\'s service account; Strimzi gets the team\'s Kafka user', () => {
    const raw = JSON.parse(JSON.stringify(specFromFile(join(__dirname, '..', '..', 'examples', 'onprem-sovereign.yaml'))));
    const topic = raw.components.streaming.topics[0].name as string;
    raw.teams = [{ name: 'ranking', clusters: ['training'], quota: { cpu: 4, memoryGiB: 16 }, access: { pipelines: 'submit', experimentTracking: 'read', streaming: { consume: [topic] } } }];
    const { stacks } = synthSpec(raw);
    const [binding] = all(stacks).filter((r) => r.type === 'kubernetes_role_binding_v1' && r.path.split('/')[1] === 'Pipelines' && JSON.stringify(r.body.subject).includes('team-workloads'));
    expect(binding!.stack).toBe(`${raw.name}-addons-training`);
    expect(binding!.body.subject).toEqual([{ kind: 'ServiceAccount', name: 'team-workloads', namespace: 'team-ranking' }]);
    expect(binding!.body.role_ref).toMatchObject({ kind: 'Role', name: 'loom-pipelines-submit' });
    const kafka = JSON.stringify(all(stacks).filter((r) => r.type === 'helm_release' && r.path.split('/')[1] === 'Streaming').map((r) => r.body.values));
    expect(kafka).toContain('\\"name\\": \\"team-ranking\\"');
  });
});

describe('registry push (see ./registry-push.test.ts for the grants themselves)', () => {
  it('is granted through the registry contract, with no warning', () => {
    const app = new App();
    const platform = new MlPlatform(app, 'acme', awsSpec({
      components: { registry: { mode: 'buy', repositories: ['images'] } },
      teams: [{ name: 'ranking', quota, access: { registry: { push: ['images'] } } }],
    }) as any);
    const warnings = platform.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings.filter((w) => w.includes('registry push'))).toEqual([]);
    expect(app.node.findAll().some((c) => /\/Registry\/.*Push1$/.test(c.node.path))).toBe(true);
  });
});

describe('the services stack of a platform whose only cloud-side resources are its teams', () => {
  const teams = (members: string[]) => [{ name: 'vision', quota: { cpu: 4, memoryGiB: 16 }, members }];

  it.each([
    ['aws', () => awsSpec({ teams: teams(['arn:aws:iam::123456789012:role/vision']) }), 'aws_iam_role'],
    ['gcp', () => gcpSpec({ teams: teams(['user:lead@example.com']) }), 'google_service_account'],
  ] as const)('%s: exists, holds the team identity, and the plan says so (loom validate lists it)', (_cloud, spec, identity) => {
    const validated = specFrom(spec());
    expect(validated.components).toEqual({});
    const plan = resolvePlan(validated);
    expect(servicesStackNeeded(plan)).toBe(true);
    expect(summarize(plan)).toMatch(/stacks: .*acme-services/);
    const { stacks } = synthSpec(validated);
    expect(findResources(stacks['acme-services']!, identity)).toHaveLength(1);
    // Without teams: no services stack at all.
    expect(servicesStackNeeded(resolvePlan(specFrom({ ...spec(), teams: [] })))).toBe(false);
  });

  it('existing clusters: none (no cloud identity to keep)', () => {
    expect(servicesStackNeeded(resolvePlan(specFrom(k8sSpec({ teams: [{ ...teams(['group:vision'])[0], clusters: ['apps'] }] }))))).toBe(false);
  });
});
