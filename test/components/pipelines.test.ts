/**
 * The pipelines component behind one contract: Argo Workflows built on the batch cluster (its
 * archive, artifact repository, auth mode, Kueue queueing, identities, metrics, smoke template and
 * their order), SageMaker Pipelines and Vertex AI Pipelines bought — targeted assertions on what
 * each synthesizes, the grants a submitter gets, the client environment's keys (the same in every
 * mode), the chart values and custom resources against ../shared, and no secret value anywhere.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHARTS } from '../../catalog/charts';
import { App } from '../../constructs/core/cdk';
import { MlPlatform } from '../../stacks/ml-platform';
import { EksCluster } from '../../constructs/cluster/eks-cluster';
import { LOCAL_QUEUE_NAME } from '../../constructs/addons/kueue';
import {
  ARGO_CONTROLLER_METRICS_PORT,
  ARGO_RELEASE,
  ARGO_SMOKE_TEMPLATE,
  ARGO_SUBMITTERS_GROUP,
  ARGO_SUBMIT_ROLE,
  WORKFLOW_QUEUE_LABEL,
  PIPELINE_STEP_ACTIONS,
  pipelinesEnvironment,
  pipelinesFor,
  type ArgoWorkflows,
  type IPipelines,
  type SageMakerPipelines,
  type VertexAiPipelines,
} from '../../constructs/components/pipelines';
import { findResource, findResources, readStacks, resources, type StackJson } from '../helpers/synth';
import { chartDefaults, customResourceErrors, unknownValuesKeys, valuesSchemaErrors } from '../helpers/charts';
import { customResource, releaseOf } from '../addons/fixtures';
import { literalSecrets } from '../stores/fixtures';
import { awsSpec } from '../aws/fixtures';
import { gcpPlatformSpec } from '../helpers/gcp';
import { onpremSpec } from '../kubernetes/fixtures';
import { ONPREM_OBJECT_STORAGE, parseInterpolatedJson, releases, valuesOf } from './fixtures';
import { describeSkip, hasProvider, terraformEnv, terraformValidate } from '../helpers/terraform';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * A platform with `components` (on aws and gcp a bought registry, so that a services stack
 * exists), and `build` run on it — the pipelines component is built by calling its factory, as
 * until the platform's component table has its row.
 */
function synthInto(spec: Record<string, any>, build: (platform: MlPlatform) => void): { dir: string; stacks: Record<string, StackJson> } {
  const dir = mkdtempSync(join(tmpdir(), 'loom-pipelines-'));
  dirs.push(dir);
  const app = new App({ outdir: dir });
  const components = spec.cloud === 'kubernetes' ? {} : { registry: { mode: 'buy' } };
  const { name, ...props } = { ...spec, components };
  build(new MlPlatform(app, name, props as never));
  app.synth();
  return { dir, stacks: readStacks(dir) };
}
const synth = (spec: Record<string, any>, build: (platform: MlPlatform) => void) => synthInto(spec, build).stacks;
const clustersOf = (platform: MlPlatform) => Object.values(platform.addonsStacks);
const build = (platform: MlPlatform, mode: 'build' | 'buy' = 'build') =>
  pipelinesFor({ spec: { mode }, clusters: clustersOf(platform), ...(platform.servicesStack ? { services: platform.servicesStack } : {}) });
const policyOf = (r: Record<string, unknown>) => JSON.parse(String(r.policy)) as { Statement: { Sid?: string; Action: string | string[]; Resource: string | string[]; Condition?: any }[] };
const statement = (r: Record<string, unknown>, sid: string) => policyOf(r).Statement.find((s) => s.Sid === sid);
const argoValues = (stack: StackJson) => valuesOf(releases(stack)[ARGO_RELEASE]!);
const helmAddress = (stack: StackJson, releaseName: string) => `helm_release.${Object.entries(resources(stack, 'helm_release')).find(([, r]) => r.name === releaseName)![0]}`;

/** Each implementation synthesized by the describes below, with the names of its pipelines outputs, for the contract's checks. */
const synthesized: Record<string, { pipelines: () => IPipelines; outputs: string[] }> = {};
const remember = (key: string, pipelines: () => IPipelines, stacks: Record<string, StackJson>) => {
  synthesized[key] = { pipelines, outputs: Object.values(stacks).flatMap((st) => Object.keys(st.output ?? {}).filter((o) => o.startsWith('pipelines_'))).sort() };
};

/** The on-premises platform, its batch cluster describing its nodes (so that Kueue has a LocalQueue there). */
function onprem(): Record<string, any> {
  const spec = onpremSpec({ environment: 'prod' }) as Record<string, any>;
  const gpu = spec.clusters.find((c: any) => c.name === 'gpu');
  gpu.existing = { ...gpu.existing, capacity: [{ name: 'cpu', nodeLabels: { 'node.lab.example/group': 'cpu' }, nodes: 4, cpu: 32, memoryGiB: 128 }] };
  return { ...spec, objectStorage: { ...ONPREM_OBJECT_STORAGE } };
}

describe('build on AWS: Argo Workflows on the batch cluster', () => {
  let argo: ArgoWorkflows | undefined;
  const stacks = synth(awsSpec(), (platform) => {
    argo = build(platform) as ArgoWorkflows;
    const ci = (platform.clusters.apps as EksCluster).addServiceAccountRole('CiRole', 'loom-workloads', 'ci');
    argo.grantSubmit({ kind: 'aws-iam-role', roleName: ci.role.name, roleArn: ci.role.arn });
  });
  remember('aws build', () => argo!, stacks);
  const addons = stacks['acme-addons-training']!;
  const services = stacks['acme-services']!;
  const values = argoValues(addons);

  it('installs the pinned chart on the batch cluster, its minimal CRDs as templates of the release', () => {
    const release = releases(addons)[ARGO_RELEASE]!;
    expect(release).toMatchObject({ chart: CHARTS.argoWorkflows.chart, repository: CHARTS.argoWorkflows.repository, version: '1.0.18', namespace: expect.stringContaining('kubernetes_namespace') });
    expect(values.crds).toEqual({ install: true, full: false, keep: true });
    expect(releases(stacks['acme-addons-apps']!)[ARGO_RELEASE]).toBeUndefined();
  });

  it('archives workflows in RDS, the password read from the Secret External Secrets syncs as the controller', () => {
    const pg = values.controller.persistence;
    expect(pg).toMatchObject({ archive: true, nodeStatusOffLoad: true });
    expect(pg.postgresql).toMatchObject({
      host: expect.stringMatching(/aws_db_instance.*address/),
      port: 5432,
      database: 'argo',
      tableName: 'argo_workflows',
      userNameSecret: { name: 'argo-database', key: 'username' },
      passwordSecret: { name: 'argo-database', key: 'password' },
      ssl: true,
      sslMode: 'require',
    });
    const store = customResource(addons, 'SecretStore', 'argo-database');
    expect(store.spec.provider.aws.auth.jwt.serviceAccountRef).toEqual({ name: 'argo-workflows-controller' });
    expect(findResource(services, 'aws_db_instance')).toMatchObject({ identifier: 'acme-argo', db_name: 'argo' });
  });

  it('keeps artifacts in S3 under its prefix through the pods’ IRSA roles, no static keys', () => {
    expect(values.useStaticCredentials).toBe(false);
    expect(values.artifactRepository).toEqual({
      archiveLogs: true,
      s3: {
        bucket: expect.stringMatching(/aws_s3_bucket\w*Pipelines_Artifacts\w*bucket/),
        endpoint: 's3.us-east-1.amazonaws.com',
        region: 'us-east-1',
        insecure: false,
        useSDKCreds: true,
        keyFormat: 'artifacts/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}',
      },
    });
    expect(String(addons.output!.pipelines_artifact_root!.value)).toMatch(/^s3:\/\/\$\{data\.terraform_remote_state\.\S+aws_s3_bucket\S+bucket\}\/artifacts$/);
  });

  it('gives the controller, the server and the workflows each their own IRSA role, granted only what they touch', () => {
    const roles = findResources(services, 'aws_iam_role').filter((r) => /^acme-argo-/.test(String(r.name)));
    const subjects = Object.fromEntries(
      roles.map((r) => {
        const trust = parseInterpolatedJson(String(r.assume_role_policy));
        const sub = Object.entries(trust.Statement[0].Condition.StringEquals).find(([k]) => k.endsWith(':sub'))![1];
        return [r.name, sub];
      }),
    );
    expect(subjects).toEqual({
      'acme-argo-controller': 'system:serviceaccount:loom-system:argo-workflows-controller',
      'acme-argo-server': 'system:serviceaccount:loom-system:argo-workflows-server',
      'acme-argo-workflows': 'system:serviceaccount:loom-workloads:argo-workflow',
    });
    const grantsOn = (path: string) => findResources(services, 'aws_iam_role_policy').filter((p) => String(p.role).includes(path)).map((p) => String(p.name)).sort();
    expect(grantsOn('WorkflowsIdentity')).toEqual(['argo-artifacts-write-1']);
    expect(grantsOn('ServerIdentity')).toEqual(['argo-artifacts-read-2']);
    expect(grantsOn('ControllerIdentity')).toEqual(['read-secret-databasesecretaccess']);
    // Loom's service accounts carry the roles; the chart creates none of its own.
    const accounts = Object.values(resources(addons, 'kubernetes_service_account_v1')).map((a: any) => [a.metadata.name, a.metadata.annotations['eks.amazonaws.com/role-arn']]);
    expect(accounts).toEqual(expect.arrayContaining([['argo-workflows-controller', expect.stringContaining('ControllerIdentity')], ['argo-workflow', expect.stringContaining('WorkflowsIdentity')]]));
    expect(values.controller.serviceAccount).toEqual({ create: false, name: 'argo-workflows-controller' });
    expect(values.server.serviceAccount).toEqual({ create: false, name: 'argo-workflows-server' });
    expect(argo!.runWorkloadIdentity).toMatchObject({ kind: 'aws-iam-role' });
  });

  it('queues every workflow pod in the LocalQueue of loom-workloads, as the workflows’ service account, at batch-low priority', () => {
    expect(values.controller.workflowNamespaces).toEqual(['loom-workloads']);
    expect(values.controller.workflowDefaults.spec).toMatchObject({
      serviceAccountName: 'argo-workflow',
      podMetadata: { labels: { [WORKFLOW_QUEUE_LABEL]: LOCAL_QUEUE_NAME } },
      podPriorityClassName: expect.stringContaining('loom-batch-low'),
    });
    expect(WORKFLOW_QUEUE_LABEL).toBe('kueue.x-k8s.io/queue-name');
    // The defaults are a Workflow's spec: they must be one the full CRD accepts.
    const workflow = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'defaults' }, spec: { ...values.controller.workflowDefaults.spec, entrypoint: 'main', templates: [] } };
    expect(customResourceErrors(workflow)).toEqual([]);
  });

  it('serves the API inside the network only, in client auth mode over TLS, from an internal NLB', () => {
    expect(values.server).toMatchObject({
      authModes: ['client'],
      secure: true,
      serviceType: 'LoadBalancer',
      loadBalancerSourceRanges: ['10.0.0.0/16'],
      serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' },
    });
    // at the fixed addresses (slot 3 of each zone's reservation) its private DNS name answers with
    expect(values.server.serviceAnnotations['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses']).toMatch(/^(10\.0\.\d+\.227,){2}10\.0\.\d+\.227$/);
    expect(values.server.authModes).not.toContain('server');
    expect(values.server.authMode).toBeUndefined();
    expect(addons.output!.pipelines_submit_url!.value).toBe('https://argo.acme.internal:2746');
  });

  it('declares the controller’s metrics port on its pod and hands it to monitoring as a scrape target', () => {
    const defaults = chartDefaults('argo-workflows', CHARTS.argoWorkflows.version) as any;
    // The chart's controller Deployment declares `metricsConfig.portName`/`port` as a container port.
    expect(values.controller.metricsConfig).toMatchObject({ enabled: true, portName: defaults.controller.metricsConfig.portName, port: defaults.controller.metricsConfig.port, secure: false });
    expect(argo!.scrapeTargets).toEqual([
      {
        cluster: expect.anything(),
        target: expect.objectContaining({ port: ARGO_CONTROLLER_METRICS_PORT.name, namespace: 'loom-system', podSelector: { 'app.kubernetes.io/name': 'argo-workflows-workflow-controller', 'app.kubernetes.io/instance': 'argo-workflows' } }),
      },
    ]);
    expect(argo!.scrapeTargets[0]!.cluster.plan.name).toBe('training');
  });

  it('sets only keys the chart knows', () => {
    expect(unknownValuesKeys('argo-workflows', CHARTS.argoWorkflows.version, values)).toEqual([]);
    expect(valuesSchemaErrors('argo-workflows', CHARTS.argoWorkflows.version, values)).toEqual([]);
  });

  it('releases the smoke WorkflowTemplate, valid against the full CRD, after the chart that installs the CRD', () => {
    const template = customResource(addons, 'WorkflowTemplate', ARGO_SMOKE_TEMPLATE);
    expect(customResourceErrors(template)).toEqual([]);
    expect(template.metadata.namespace).toBe('loom-workloads');
    const holder = releaseOf(addons, 'WorkflowTemplate', ARGO_SMOKE_TEMPLATE);
    expect(holder.resource.depends_on).toEqual(expect.arrayContaining([helmAddress(addons, ARGO_RELEASE)]));
  });

  it('lets a submitter’s role in through an EKS access entry in the submitters’ group, which the submit Role is bound to', () => {
    const entry = findResource(services, 'aws_eks_access_entry');
    expect(entry).toMatchObject({ kubernetes_groups: [ARGO_SUBMITTERS_GROUP], type: 'STANDARD', principal_arn: expect.stringContaining('CiRole') });
    const binding = Object.values(resources(addons, 'kubernetes_role_binding_v1'))[0] as any;
    expect(binding).toMatchObject({ role_ref: { kind: 'Role', name: ARGO_SUBMIT_ROLE }, subject: [{ kind: 'Group', name: ARGO_SUBMITTERS_GROUP }] });
    const role = Object.values(resources(addons, 'kubernetes_role_v1'))[0] as any;
    expect(role.rule[0]).toMatchObject({ api_groups: ['argoproj.io'], resources: expect.arrayContaining(['workflows']), verbs: expect.arrayContaining(['create']) });
  });

  it('writes no secret value into any stack', () => {
    for (const stack of Object.values(stacks)) expect(literalSecrets(stack)).toEqual([]);
  });
});

describe('build on Google Cloud', () => {
  let argo: ArgoWorkflows | undefined;
  const stacks = synth(gcpPlatformSpec(), (platform) => {
    argo = build(platform) as ArgoWorkflows;
    argo.grantSubmit({ kind: 'gcp-service-account', email: 'ci@acme-ml-prod.iam.gserviceaccount.com' });
  });
  remember('gcp build', () => argo!, stacks);
  const addons = stacks['acme-addons-training']!;
  const services = stacks['acme-services']!;
  const values = argoValues(addons);

  it('archives in Cloud SQL with a built-in user, artifacts in GCS through Workload Identity, its key format quoted for the chart’s tpl', () => {
    expect(findResource(services, 'google_sql_user')).toMatchObject({ name: 'argo' });
    expect(values.controller.persistence.postgresql).toMatchObject({ database: 'argo', ssl: true, userNameSecret: { name: 'argo-database' } });
    expect(values.artifactRepository.gcs).toEqual({
      bucket: expect.stringMatching(/google_storage_bucket\w*Pipelines_Artifacts\w*name/),
      // The chart renders `gcs` through `tpl`: Argo's placeholders reach the ConfigMap as a string literal's output.
      keyFormat: '{{ "artifacts/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}" }}',
    });
    expect(values.useStaticCredentials).toBe(false);
    const members = findResources(services, 'google_service_account_iam_member').map((m) => String(m.member));
    expect(members).toEqual(expect.arrayContaining([expect.stringContaining('[loom-workloads/argo-workflow]'), expect.stringContaining('[loom-system/argo-workflows-controller]'), expect.stringContaining('[loom-system/argo-workflows-server]')]));
    expect(values.server.serviceAnnotations).toEqual({ 'networking.gke.io/load-balancer-type': 'Internal', 'networking.gke.io/load-balancer-ip-addresses': 'acme-argo' });
    expect(values.server.loadBalancerIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(unknownValuesKeys('argo-workflows', CHARTS.argoWorkflows.version, values)).toEqual([]);
  });

  it('binds the submit Role to a submitter’s service account by its email, the user name GKE gives it', () => {
    const binding = Object.values(resources(addons, 'kubernetes_role_binding_v1'))[0] as any;
    expect(binding.subject).toEqual([{ kind: 'User', name: 'ci@acme-ml-prod.iam.gserviceaccount.com', api_group: 'rbac.authorization.k8s.io' }]);
    expect(findResource(services, 'google_project_iam_member', { role: 'roles/container.clusterViewer' })).toMatchObject({ member: 'serviceAccount:ci@acme-ml-prod.iam.gserviceaccount.com' });
    expect(resources(services, 'aws_eks_access_entry')).toEqual({});
  });

  it('writes no secret value into any stack', () => {
    for (const stack of Object.values(stacks)) expect(literalSecrets(stack)).toEqual([]);
  });
});

describe('build on existing clusters', () => {
  let argo: ArgoWorkflows | undefined;
  const stacks = synth(onprem(), (platform) => {
    argo = build(platform) as ArgoWorkflows;
    argo.grantSubmitToServiceAccount('loom-workloads', 'ci');
  });
  remember('kubernetes build', () => argo!, stacks);
  const addons = stacks['lab-addons-gpu']!;
  const values = argoValues(addons);

  it('archives in a CloudNativePG cluster, reading its generated Secret, after the cluster’s release', () => {
    expect(values.controller.persistence.postgresql).toMatchObject({ host: 'argo-rw.loom-system.svc', userNameSecret: { name: 'argo-app', key: 'username' }, passwordSecret: { name: 'argo-app', key: 'password' }, sslMode: 'require' });
    const cluster = customResource(addons, 'Cluster', 'argo');
    expect(cluster.metadata.namespace).toBe('loom-system');
    expect(releases(addons)[ARGO_RELEASE]!.depends_on).toEqual(expect.arrayContaining([`helm_release.${releaseOf(addons, 'Cluster', 'argo').name}`]));
  });

  it('keeps artifacts in the data centre’s store with its keys, the endpoint as Argo takes it', () => {
    expect(values.useStaticCredentials).toBe(true);
    expect(values.artifactRepository.s3).toEqual({
      bucket: 'ml-platform',
      endpoint: 's3.dc1.example.internal',
      insecure: false,
      region: 'us-east-1',
      accessKeySecret: { name: 'object-storage-credentials', key: 'AWS_ACCESS_KEY_ID' },
      secretKeySecret: { name: 'object-storage-credentials', key: 'AWS_SECRET_ACCESS_KEY' },
      keyFormat: 'argo/artifacts/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}',
    });
    expect(argo!.artifactRoot).toBe('s3://ml-platform/argo/artifacts');
    expect(argo!.runWorkloadIdentity).toBeUndefined();
    expect(unknownValuesKeys('argo-workflows', CHARTS.argoWorkflows.version, values)).toEqual([]);
  });

  it('refuses a cloud identity as submitter, and binds a service account instead', () => {
    expect(() => argo!.grantSubmit({ kind: 'aws-iam-role', roleName: 'r', roleArn: 'arn:aws:iam::123456789012:role/r' })).toThrow(/existing clusters authenticate no cloud identity/);
    const binding = Object.values(resources(addons, 'kubernetes_role_binding_v1'))[0] as any;
    expect(binding.subject).toEqual([{ kind: 'ServiceAccount', name: 'ci', namespace: 'loom-workloads' }]);
  });

  it('writes no secret value into any stack', () => {
    for (const stack of Object.values(stacks)) expect(literalSecrets(stack)).toEqual([]);
  });
});

describe('buy on AWS: SageMaker Pipelines', () => {
  let pipelines: SageMakerPipelines | undefined;
  const stacks = synth(awsSpec(), (platform) => {
    pipelines = build(platform, 'buy') as SageMakerPipelines;
    const trainer = (platform.clusters.training as EksCluster).addServiceAccountRole('TrainerRole', 'loom-workloads', 'trainer');
    pipelines.grantSubmit({ kind: 'aws-iam-role', roleName: trainer.role.name, roleArn: trainer.role.arn });
  });
  remember('aws buy', () => pipelines!, stacks);
  const services = stacks['acme-services']!;
  const execution = () => findResource(services, 'aws_iam_role', { name: 'acme-sagemaker-pipelines' });

  it('runs pipelines as a role only SageMaker of this account assumes', () => {
    const trust = JSON.parse(String(execution().assume_role_policy));
    expect(trust.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': expect.stringMatching(/data\.aws_caller_identity/) } } },
    ]);
    expect(String(services.output!.pipelines_submit_url!.value)).toBe('https://api.sagemaker.us-east-1.amazonaws.com');
  });

  it('lets the execution role pass only itself, to SageMaker only, and act on SageMaker jobs of this account and region', () => {
    const policy = findResource(services, 'aws_iam_role_policy', { name: 'pipeline-execution' });
    expect(String(policy.role)).toContain('ExecutionRole');
    const pass = statement(policy, 'PassOnlyItself')!;
    expect(pass).toMatchObject({ Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } });
    expect(pass.Resource).toMatch(/^\$\{aws_iam_role\.\w*ExecutionRole\w*\.arn\}$/);
    const steps = statement(policy, 'PipelineSteps')!;
    expect(steps.Action).toEqual([...PIPELINE_STEP_ACTIONS]);
    expect(steps.Action).toEqual(expect.arrayContaining(['sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateModelPackage']));
    expect((steps.Action as string[]).some((a) => a.endsWith('*'))).toBe(false);
    expect((steps.Resource as string[]).every((r) => /^arn:\$\{data\.aws_partition\.\w+\.partition\}:sagemaker:us-east-1:\$\{data\.aws_caller_identity\.\w+\.account_id\}:[a-z-]+\/\*$/.test(r))).toBe(true);
    expect(statement(policy, 'PullImages')).toMatchObject({ Action: expect.arrayContaining(['ecr:BatchGetImage']), Resource: expect.stringMatching(/:ecr:us-east-1:\*:repository\/\*$/) });
  });

  it('keeps artifacts in its own bucket, the execution role allowed the prefix', () => {
    expect(String(findResource(services, 'aws_s3_bucket').bucket_prefix)).toMatch(/^acme-pipelines-artifacts-/);
    const grants = findResources(services, 'aws_iam_role_policy').filter((r) => /^pipelines-artifacts-write-\d+$/.test(String(r.name)));
    expect(grants.map((g) => String(g.role))).toEqual([expect.stringContaining('ExecutionRole'), expect.stringContaining('TrainerRole')]);
    expect(statement(grants[0]!, 'ReadWriteObjects')!.Resource).toMatch(/\/pipelines\/\*$/);
    expect(pipelines!.runIdentity).toMatchObject({ kind: 'aws-iam-role' });
  });

  it('lets a submitter manage and start pipelines and pass the execution role, nothing else', () => {
    const submit = findResource(services, 'aws_iam_role_policy', { name: 'sagemaker-pipelines-submit-1' });
    expect(String(submit.role)).toContain('TrainerRole');
    expect(statement(submit, 'Pipelines')!.Action).toEqual(expect.arrayContaining(['sagemaker:CreatePipeline', 'sagemaker:UpdatePipeline', 'sagemaker:StartPipelineExecution', 'sagemaker:Describe*', 'sagemaker:List*']));
    expect(statement(submit, 'PassExecutionRole')).toMatchObject({ Action: 'iam:PassRole', Resource: expect.stringMatching(/aws_iam_role\.\w*ExecutionRole\w*\.arn/), Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } });
  });

  it('refuses a Google service account as submitter', () => {
    expect(() => pipelines!.grantSubmit({ kind: 'gcp-service-account', email: 'a@b.iam.gserviceaccount.com' })).toThrow(/grants submission to IAM roles; got gcp-service-account/);
  });
});

describe('buy on Google Cloud: Vertex AI Pipelines', () => {
  let pipelines: VertexAiPipelines | undefined;
  const stacks = synth(gcpPlatformSpec(), (platform) => {
    pipelines = build(platform, 'buy') as VertexAiPipelines;
    pipelines.grantSubmit({ kind: 'gcp-service-account', email: 'trainer@acme-ml-prod.iam.gserviceaccount.com' });
  });
  remember('gcp buy', () => pipelines!, stacks);
  const services = stacks['acme-services']!;

  it('keeps pipeline templates in a KFP-format Artifact Registry repository of the region', () => {
    expect(findResource(services, 'google_artifact_registry_repository', { format: 'KFP' })).toMatchObject({ repository_id: 'acme-pipelines', location: 'us-central1' });
    expect(pipelines!.templatesUrl).toBe('https://us-central1-kfp.pkg.dev/acme-ml-prod/acme-pipelines');
  });

  it('enables the Vertex AI and Artifact Registry APIs', () => {
    const services_ = JSON.stringify(resources(services, 'google_project_service')) + JSON.stringify((services as any).locals ?? {});
    expect(services_).toContain('aiplatform.googleapis.com');
    expect(services_).toContain('artifactregistry.googleapis.com');
  });

  it('runs pipelines as their own service account: Vertex AI user, registry reader, writer of the pipeline root', () => {
    expect(findResource(services, 'google_service_account', { account_id: 'acme-pipelines' })).toBeDefined();
    const roles = findResources(services, 'google_project_iam_member').filter((m) => String(m.member).includes('RunServiceAccount')).map((m) => m.role).sort();
    expect(roles).toEqual(['roles/aiplatform.user', 'roles/artifactregistry.reader']);
    expect(String(services.output!.pipelines_artifact_root!.value)).toMatch(/^gs:\/\/\$\{google_storage_bucket\.\w+\.name\}\/pipeline-root$/);
    expect(String(services.output!.pipelines_submit_url!.value)).toBe('https://us-central1-aiplatform.googleapis.com');
  });

  it('lets a submitter submit jobs, act as the run service account and publish templates', () => {
    const member = 'serviceAccount:trainer@acme-ml-prod.iam.gserviceaccount.com';
    expect(findResource(services, 'google_project_iam_member', { member, role: 'roles/aiplatform.user' })).toBeDefined();
    expect(findResource(services, 'google_service_account_iam_member', { member, role: 'roles/iam.serviceAccountUser' }).service_account_id).toMatch(/google_service_account\.\w*RunServiceAccount\w*\.name/);
    expect(findResource(services, 'google_artifact_registry_repository_iam_member', { member })).toMatchObject({ role: 'roles/artifactregistry.writer', repository: expect.stringMatching(/google_artifact_registry_repository\.\w+\.name/) });
  });
});

describe('one contract', () => {
  const found = synthesized;
  const order = ['aws build', 'aws buy', 'gcp buy', 'kubernetes build'];
  it('gives clients the same environment keys from every implementation, the protocol telling them apart', () => {
    expect(Object.keys(found).sort()).toEqual(['aws build', 'aws buy', 'gcp build', 'gcp buy', 'kubernetes build']);
    const keys = Object.values(found).map(({ pipelines }) => Object.keys(pipelinesEnvironment(pipelines())).sort());
    expect(keys[0]).toEqual([
      'ARGO_INSECURE_SKIP_VERIFY',
      'ARGO_NAMESPACE',
      'ARGO_SECURE',
      'ARGO_SERVER',
      'LOOM_PIPELINES_ARTIFACT_ROOT',
      'LOOM_PIPELINES_PROTOCOL',
      'LOOM_PIPELINES_RUN_IDENTITY',
      'LOOM_PIPELINES_SUBMIT_URL',
    ]);
    for (const k of keys) expect(k).toEqual(keys[0]);
    expect(order.map((k) => pipelinesEnvironment(found[k]!.pipelines()).LOOM_PIPELINES_PROTOCOL)).toEqual(['argo-workflows', 'sagemaker-pipelines', 'vertex-ai-pipelines', 'argo-workflows']);
    expect(pipelinesEnvironment(found['aws buy']!.pipelines()).ARGO_SERVER).toBe('');
  });

  it('names the same stack outputs in every mode', () => {
    for (const { outputs } of Object.values(found)) expect(outputs).toEqual(['pipelines_artifact_root', 'pipelines_run_identity', 'pipelines_submit_url']);
  });

  it('gives Argo’s own cluster the in-cluster server, other clusters its fixed name', () => {
    const argo = found['aws build']!.pipelines() as ArgoWorkflows;
    expect(pipelinesEnvironment(argo, argo.cluster)).toMatchObject({
      ARGO_SERVER: 'argo-workflows-server.loom-system.svc.cluster.local:2746',
      LOOM_PIPELINES_SUBMIT_URL: 'https://argo-workflows-server.loom-system.svc.cluster.local:2746',
      ARGO_NAMESPACE: 'loom-workloads',
      ARGO_SECURE: 'true',
      LOOM_PIPELINES_RUN_IDENTITY: 'argo-workflow',
    });
    expect(pipelinesEnvironment(argo).ARGO_SERVER).toBe('argo.acme.internal:2746');
  });
});

describe('terraform validate (providers from the mirror)', () => {
  const env = terraformEnv();
  it.skipIf(!env.available)('accepts the AWS services stack of SageMaker Pipelines with a submitter', () => {
    const { dir } = synthInto(awsSpec(), (platform) => {
      const p = build(platform, 'buy');
      const role = (platform.clusters.apps as EksCluster).addServiceAccountRole('NotebookRole', 'loom-workloads', 'notebook');
      p.grantSubmit({ kind: 'aws-iam-role', roleName: role.role.name, roleArn: role.role.arn });
    });
    const result = terraformValidate(join(dir, 'stacks', 'acme-services'));
    expect(result.ok, result.output).toBe(true);
  });
  it.skipIf(!env.available)('accepts the AWS services stack of Argo Workflows’ archive, bucket, identities and an access entry', () => {
    const { dir } = synthInto(awsSpec(), (platform) => {
      const p = build(platform, 'build');
      const role = (platform.clusters.apps as EksCluster).addServiceAccountRole('NotebookRole', 'loom-workloads', 'notebook');
      p.grantSubmit({ kind: 'aws-iam-role', roleName: role.role.name, roleArn: role.role.arn });
    });
    const result = terraformValidate(join(dir, 'stacks', 'acme-services'));
    expect(result.ok, result.output).toBe(true);
  });
  if (!env.available) it('SKIPPED: terraform validate of pipelines needs terraform and the provider mirror', () => console.warn(describeSkip(env)));
  const googleReady = env.available && hasProvider(env, 'hashicorp/google');
  it.skipIf(!googleReady)('accepts the Google services stack of Vertex AI Pipelines with a submitter', () => {
    const { dir } = synthInto(gcpPlatformSpec(), (platform) => {
      build(platform, 'buy').grantSubmit({ kind: 'gcp-service-account', email: 'trainer@acme-ml-prod.iam.gserviceaccount.com' });
    });
    const result = terraformValidate(join(dir, 'stacks', 'acme-services'));
    expect(result.ok, result.output).toBe(true);
  });
});
