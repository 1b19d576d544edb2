/**
 * Teams' serving deploy (`teams[].access.serving: deploy`, IServing.grantDeploy): on SageMaker an
 * inline policy on the team's role — create/update/delete of `<platform>-*` models, endpoint
 * configurations and endpoints, invoke, PassRole of the execution role to SageMaker only, the
 * volume key through SageMaker only — that LOOM-IAM-001 finds nothing in; on Vertex AI, Vertex AI
 * User on the project and Service Account User on the serving service account; built (KServe), a
 * Role on InferenceServices in the serving namespace bound to the team's `team-workloads` service
 * account. `invoke` still grants invoke only.
 */
import { describe, expect, it } from 'vitest';
import { stackFromJson } from '../../policies/stacks';
import { IAM_001 } from '../../policies/rules/iam/iam-001';
import { runRule, addresses } from '../policies/helpers';
import { constructionWarnings, synthSpec, type StackJson } from '../helpers/synth';
import { awsSpec, gcpSpec } from '../schema/fixtures';
import { onpremSpec } from '../kubernetes/fixtures';
import { validateSpec } from '../../schema/load';

const quota = { cpu: 8, memoryGiB: 32 };
const AWS_ENDPOINT = { name: 'ranker', model: 's3://acme-models/ranker/v3', framework: 'xgboost' };
const GCP_ENDPOINT = { name: 'ranker', model: 'gs://acme-models/ranker/v3', framework: 'xgboost' };

type Found = { stack: string; type: string; name: string; path: string; body: Record<string, any> };

function all(stacks: Record<string, StackJson>): Found[] {
  return Object.entries(stacks).flatMap(([stack, json]) =>
    Object.entries(json.resource ?? {}).flatMap(([type, rs]) =>
      Object.entries(rs).map(([name, body]) => ({ stack, type, name, body: body as Record<string, any>, path: ((body as any)['//']?.metadata?.path as string) ?? '' })),
    ),
  );
}

/** Resources of the serving component (`Serving` scope) that refer to `identity`. */
const servingGrants = (stacks: Record<string, StackJson>, identity: RegExp) => all(stacks).filter((r) => r.path.split('/')[1] === 'Serving' && identity.test(JSON.stringify(r.body)));

/** LOOM-IAM-001's findings on the serving component's resources. */
function iamFindingsOnServing(stacks: Record<string, StackJson>, cloud: 'aws' | 'gcp'): string[] {
  const synth = Object.entries(stacks).map(([name, json]) => stackFromJson(name, json as any));
  return addresses(runRule(IAM_001, synth, { cloud })).filter((a) => /Serving|sagemaker/i.test(a));
}

const AWS_ROLE = /TeamAccess_ranking_Role_/;
const GCP_SA = /TeamAccess_ranking_ServiceAccount_/;

const awsServing = (mode: 'build' | 'buy', serving: 'invoke' | 'deploy') =>
  awsSpec({ components: { serving: { mode, endpoints: [AWS_ENDPOINT] } }, teams: [{ name: 'ranking', quota, members: ['arn:aws:iam::123456789012:role/ranking-engineers'], access: { serving } }] });
const gcpServing = (mode: 'build' | 'buy', serving: 'invoke' | 'deploy') =>
  gcpSpec({ components: { serving: { mode, endpoints: [GCP_ENDPOINT] } }, teams: [{ name: 'ranking', quota, members: ['group:ranking@example.com'], access: { serving } }] });

describe('serving deploy on AWS (SageMaker)', () => {
  const { stacks } = synthSpec(awsServing('buy', 'deploy'));
  const resources = all(stacks);
  const grants = servingGrants(stacks, AWS_ROLE);
  const executionRole = resources.find((r) => r.type === 'aws_iam_role' && r.path.split('/')[1] === 'Serving')!;
  const key = resources.find((r) => r.type === 'aws_kms_key' && r.path.split('/')[1] === 'Serving')!;

  it("puts one inline policy on the team's role: deploy and invoke on <platform>-* models, configurations and endpoints", () => {
    expect(grants.map((g) => g.type)).toEqual(['aws_iam_role_policy']);
    const policy = grants[0]!;
    expect(policy.stack).toBe('acme-services');
    expect(policy.body.name).toBe('serving-deploy-1');
    const doc = JSON.parse(policy.body.policy as string);
    const [deploy, invoke] = doc.Statement;
    expect(deploy.Sid).toBe('DeployModels');
    expect(deploy.Action).toEqual([
      'sagemaker:CreateModel',
      'sagemaker:CreateEndpointConfig',
      'sagemaker:CreateEndpoint',
      'sagemaker:UpdateEndpoint',
      'sagemaker:UpdateEndpointWeightsAndCapacities',
      'sagemaker:DeleteEndpoint',
      'sagemaker:DeleteEndpointConfig',
      'sagemaker:DeleteModel',
      'sagemaker:DescribeModel',
      'sagemaker:DescribeEndpointConfig',
      'sagemaker:DescribeEndpoint',
      'sagemaker:AddTags',
    ]);
    const arn = /^arn:\$\{data\.aws_partition\.[\w]+\.partition\}:sagemaker:us-east-1:\$\{data\.aws_caller_identity\.[\w]+\.account_id\}:(model|endpoint-config|endpoint)\/acme-team-ranking-\*$/;
    expect(deploy.Resource).toHaveLength(3);
    for (const r of deploy.Resource) expect(r).toMatch(arn);
    expect(deploy.Resource.map((r: string) => arn.exec(r)![1])).toEqual(['model', 'endpoint-config', 'endpoint']);
    // Its own endpoints and the spec's (never deployable: the spec's are acme-<endpoint>, not under the team's prefix).
    const specEndpoint = resources.find((r) => r.type === 'aws_sagemaker_endpoint' && r.path.split('/')[1] === 'Serving')!;
    expect(specEndpoint.body.name).toBe('acme-ranker');
    expect(invoke).toEqual({ Sid: 'InvokeEndpoints', Effect: 'Allow', Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'], Resource: [deploy.Resource[2], `\${aws_sagemaker_endpoint.${specEndpoint.name}.arn}`] });
  });

  it('passes only the serving execution role, only to SageMaker; uses only the volume key, only through SageMaker', () => {
    const doc = JSON.parse(grants[0]!.body.policy as string);
    const pass = doc.Statement.find((s: any) => s.Sid === 'PassExecutionRole');
    expect(pass).toEqual({
      Sid: 'PassExecutionRole',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: [`\${aws_iam_role.${executionRole.name}.arn}`],
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    const kms = doc.Statement.find((s: any) => s.Sid === 'VolumeKey');
    expect(kms).toEqual({
      Sid: 'VolumeKey',
      Effect: 'Allow',
      Action: ['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [`\${aws_kms_key.${key.name}.arn}`],
      Condition: { StringEquals: { 'kms:ViaService': 'sagemaker.us-east-1.amazonaws.com' } },
    });
    expect(doc.Statement).toHaveLength(4);
    expect(JSON.stringify(doc)).not.toContain('"Resource":"*"');
  });

  it('gives LOOM-IAM-001 nothing to find (and it would find the deploy actions on "*")', () => {
    expect(iamFindingsOnServing(stacks, 'aws')).toEqual([]);
    const widened: Record<string, StackJson> = JSON.parse(JSON.stringify(stacks));
    const policy = widened['acme-services']!.resource!['aws_iam_role_policy']![grants[0]!.name]!;
    const doc = JSON.parse(policy.policy as string);
    doc.Statement[0].Resource = '*';
    policy.policy = JSON.stringify(doc);
    expect(iamFindingsOnServing(widened, 'aws')).toEqual([expect.stringContaining(grants[0]!.name)]);
  });

  it('invoke still grants invoke only', () => {
    const invoke = servingGrants(synthSpec(awsServing('buy', 'invoke')).stacks, AWS_ROLE);
    expect(invoke.map((g) => g.type)).toEqual(['aws_iam_role_policy']);
    const doc = JSON.parse(invoke[0]!.body.policy as string);
    expect(doc.Statement).toHaveLength(1);
    expect(doc.Statement[0].Action).toEqual(['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream']);
    expect(invoke[0]!.body.policy).not.toContain('iam:PassRole');
  });
});

describe('serving deploy on Google Cloud (Vertex AI)', () => {
  const { stacks } = synthSpec(gcpServing('buy', 'deploy'));
  const grants = servingGrants(stacks, GCP_SA);
  const member = /^serviceAccount:\$\{google_service_account\.TeamAccess_ranking_ServiceAccount_\w+\.email\}$/;

  it("binds Vertex AI User on the project and Service Account User on the serving service account (not the project) to the team's service account", () => {
    expect(grants.map((g) => `${g.type} ${g.body.role}`).sort()).toEqual([
      'google_project_iam_member roles/aiplatform.user',
      'google_service_account_iam_member roles/iam.serviceAccountUser',
    ]);
    for (const g of grants) expect(g.body.member).toMatch(member);
    const servingAccount = all(stacks).find((r) => r.type === 'google_service_account' && r.path.split('/')[1] === 'Serving')!;
    const actAs = grants.find((g) => g.type === 'google_service_account_iam_member')!;
    expect(actAs.body.service_account_id).toBe(`\${google_service_account.${servingAccount.name}.name}`);
    // Service Account User is never granted on the project.
    expect(all(stacks).filter((r) => r.type === 'google_project_iam_member' && r.body.role === 'roles/iam.serviceAccountUser')).toEqual([]);
  });

  it('gives LOOM-IAM-001 nothing to find', () => {
    expect(iamFindingsOnServing(stacks, 'gcp')).toEqual([]);
  });

  it('invoke still grants invoke only (the predict-only custom role)', () => {
    const invoke = servingGrants(synthSpec(gcpServing('buy', 'invoke')).stacks, GCP_SA);
    expect(invoke.map((g) => g.type)).toEqual(['google_project_iam_member']);
    expect(invoke[0]!.body.role).toMatch(/google_project_iam_custom_role/);
  });
});

describe('serving deploy, built (KServe)', () => {
  for (const [cloud, spec, subjects] of [
    ['aws', awsServing, [{ kind: 'Group', name: 'loom-team-ranking', api_group: 'rbac.authorization.k8s.io' }]],
    ['gcp', gcpServing, [{ kind: 'Group', name: 'ranking@example.com', api_group: 'rbac.authorization.k8s.io' }]],
  ] as const) {
    it(`${cloud}: a Role on InferenceServices in the team's own namespace on KServe's cluster, bound to its service account and members`, () => {
      const { stacks } = synthSpec(spec('build', 'deploy'));
      const resources = all(stacks);
      const roles = resources.filter((r) => r.type === 'kubernetes_role_v1' && r.body.metadata.name === 'loom-serving-deployer');
      expect(roles).toHaveLength(1);
      const [role] = roles;
      // KServe's cluster (the microservice cluster, apps), never loom-system.
      expect(role!.stack).toBe('acme-addons-apps');
      expect(role!.body.metadata.namespace).toBe('team-ranking');
      const namespace = Object.entries(stacks['acme-addons-apps']!.resource!['kubernetes_namespace_v1']!).find(([, n]: [string, any]) => n.metadata.name === 'team-ranking')![0];
      expect(role!.body.depends_on).toEqual([`kubernetes_namespace_v1.${namespace}`]);
      expect(role!.body.rule).toEqual([{ api_groups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'] }]);
      const bindings = resources.filter((r) => r.type === 'kubernetes_role_binding_v1' && r.body.role_ref?.name === 'loom-serving-deployer');
      expect(bindings).toHaveLength(1);
      const [binding] = bindings;
      expect(binding!.stack).toBe(role!.stack);
      expect(binding!.body.metadata.namespace).toBe('team-ranking');
      expect(binding!.body.role_ref).toEqual({ api_group: 'rbac.authorization.k8s.io', kind: 'Role', name: 'loom-serving-deployer' });
      expect(binding!.body.subject).toEqual([{ kind: 'ServiceAccount', name: 'team-workloads', namespace: 'team-ranking' }, ...subjects]);
      // No cloud grant on the serving side: KServe authorizes Kubernetes subjects.
      expect(servingGrants(stacks, cloud === 'aws' ? AWS_ROLE : GCP_SA)).toEqual([]);
    });

    it(`${cloud}: invoke binds nothing`, () => {
      const { stacks } = synthSpec(spec('build', 'invoke'));
      const resources = all(stacks);
      expect(resources.filter((r) => r.type === 'kubernetes_role_v1' && r.body.metadata.name === 'loom-serving-deployer')).toEqual([]);
      expect(resources.filter((r) => r.type === 'kubernetes_role_binding_v1' && r.body.role_ref?.name === 'loom-serving-deployer')).toEqual([]);
    });
  }

  it('existing clusters: the same Role and binding, without any cloud identity', () => {
    const spec = onpremSpec({
      objectStorage: { endpoint: 'https://s3.dc1.example.internal', bucket: 'ml-platform', credentialsSecret: 'dc1-object-storage' },
      components: { serving: { mode: 'build', endpoints: [{ name: 'ranker', model: 's3://models/ranker/v3', framework: 'xgboost' }] } },
      teams: [{ name: 'ranking', clusters: ['apps'], quota, members: ['group:ranking'], access: { serving: 'deploy' } }],
    });
    const resources = all(synthSpec(spec).stacks);
    const binding = resources.find((r) => r.type === 'kubernetes_role_binding_v1' && r.body.role_ref?.name === 'loom-serving-deployer')!;
    expect(binding.body.metadata.namespace).toBe('team-ranking');
    expect(binding.body.subject).toEqual([
      { kind: 'ServiceAccount', name: 'team-workloads', namespace: 'team-ranking' },
      { kind: 'Group', name: 'ranking', api_group: 'rbac.authorization.k8s.io' },
    ]);
  });
});

describe('serving deploy: validation', () => {
  it("refuses a deploying team without a namespace on KServe's cluster, naming the cluster", () => {
    const spec = awsSpec({ components: { serving: { mode: 'build', endpoints: [AWS_ENDPOINT] } }, teams: [{ name: 'ranking', clusters: ['training'], quota, access: { serving: 'deploy' } }] });
    const result = validateSpec(spec);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([expect.stringMatching(/^teams\[0\]\.clusters: .*cluster 'apps'.*add 'apps' to its clusters/)]);
    // invoke needs no namespace there.
    expect(validateSpec(awsSpec({ components: { serving: { mode: 'build', endpoints: [AWS_ENDPOINT] } }, teams: [{ name: 'ranking', clusters: ['training'], quota, access: { serving: 'invoke' } }] })).ok).toBe(true);
  });

  it("refuses a spec endpoint under a deploying team's prefix (it could change it)", () => {
    const spec = awsSpec({ components: { serving: { mode: 'buy', endpoints: [{ ...AWS_ENDPOINT, name: 'team-ranking-v2' }] } }, teams: [{ name: 'ranking', quota, access: { serving: 'deploy' } }] });
    const result = validateSpec(spec);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(['components.serving.endpoints[0].name']);
  });

  it('warns that Vertex AI User reaches the spec\'s endpoints too', () => {
    expect(constructionWarnings(gcpServing('buy', 'deploy')).join('\n')).toMatch(/team-ranking' deploys with Vertex AI User on project/);
  });
});
