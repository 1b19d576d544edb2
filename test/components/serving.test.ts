/**
 * Serving, in every mode: KServe built (aws, gcp, existing clusters), SageMaker endpoints, Vertex AI
 * endpoints — targeted assertions on what each synthesizes, chart values and custom resources
 * against ../shared, the ordering of the releases, grants, reach, the client environment's keys
 * (the same in every mode), refusals, and no secret value anywhere.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHARTS } from '../../catalog/charts';
import { App } from '../../constructs/core/cdk';
import { PlatformValidationError } from '../../constructs/core/errors';
import { MlPlatform } from '../../stacks/ml-platform';
import { EksCluster } from '../../constructs/cluster/eks-cluster';
import type { StoreAccess, WorkloadIdentity } from '../../constructs/stores/contract';
import { servingEnvironment, servingFor, type IServing, type ServingConsumes } from '../../constructs/components/serving';
import type { KServeServing } from '../../constructs/components/serving/build';
import type { VertexAiServing } from '../../constructs/components/serving/buy-gcp';
import { findResource, findResources, readStacks, resources, type StackJson } from '../helpers/synth';
import { customResourceErrors, loomResourcesValuesErrors, unknownValuesKeys, valuesSchemaErrors } from '../helpers/charts';
import { customResource, releaseOf } from '../addons/fixtures';
import { literalSecrets } from '../stores/fixtures';
import { awsSpec } from '../aws/fixtures';
import { gcpPlatformSpec } from '../helpers/gcp';
import { onpremSpec } from '../kubernetes/fixtures';
import { describeSkip, hasProvider, terraformEnv, terraformValidate } from '../helpers/terraform';
import { ONPREM_OBJECT_STORAGE, parseInterpolatedJson, releases, valuesOf } from './fixtures';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Synth {
  readonly dir: string;
  readonly stacks: Record<string, StackJson>;
  readonly serving: IServing;
  readonly platform: MlPlatform;
  /** The grants the fake artifact store was asked for. */
  readonly grants: [WorkloadIdentity, StoreAccess][];
}

/** A platform with `components` (a bought registry by default, so that it has a services stack), and serving built on it with `spec`. */
function synth(base: Record<string, any>, spec: Record<string, any>, consumes: Partial<ServingConsumes> = {}, components: Record<string, any> = { registry: { mode: 'buy' } }, then?: (s: IServing, p: MlPlatform) => void): Synth {
  const dir = mkdtempSync(join(tmpdir(), 'loom-serving-'));
  dirs.push(dir);
  const app = new App({ outdir: dir });
  const { name, ...props } = { ...base, components };
  const platform = new MlPlatform(app, name, props as never);
  const grants: [WorkloadIdentity, StoreAccess][] = [];
  const scheme = base.cloud === 'gcp' ? 'gs' : 's3';
  const serving = servingFor({
    spec: spec as never,
    clusters: Object.values(platform.addonsStacks),
    ...(platform.servicesStack ? { services: platform.servicesStack } : {}),
    modelStoreUri: `${scheme}://acme-artifacts/mlflow/artifacts`,
    modelStore: { uri: `${scheme}://acme-artifacts/mlflow/artifacts`, grant: (identity, access) => grants.push([identity, access]) },
    registryUrl: 'registry.acme.internal/acme',
    ...consumes,
  });
  then?.(serving, platform);
  app.synth();
  return { dir, stacks: readStacks(dir), serving, platform, grants };
}

const stackOf = (stacks: Record<string, StackJson>, suffix: string): StackJson => {
  const found = Object.entries(stacks).find(([n]) => n.endsWith(suffix));
  if (!found) throw new Error(`no stack ending ${suffix} in ${Object.keys(stacks).join(', ')}`);
  return found[1];
};
/** The helm_release resource name (`helm_release.<name>`) of the release called `release`. */
const releaseAddress = (stack: StackJson, release: string) => `helm_release.${Object.entries(resources(stack, 'helm_release')).find(([, r]) => r.name === release)![0]}`;
const dependsOn = (r: Record<string, any>) => (r.depends_on ?? []) as string[];
const policyOf = (r: Record<string, unknown>) => parseInterpolatedJson(String(r.policy)) as { Statement: { Sid?: string; Action: string[]; Resource: string | string[]; Condition?: any }[] };

const gpuEndpoint = (type: string) => ({ name: 'vision', model: 'vision/v2', framework: 'pytorch', gpu: { type, count: 1 }, minReplicas: 1, maxReplicas: 3 });
/** The environment the platform hands model servers (the feature store's client environment). */
const FEATURES = { LOOM_FEATURE_STORE_ENDPOINT: 'http://feast.loom-system.svc.cluster.local', LOOM_FEATURE_STORE_PROTOCOL: 'feast' };
const RANKER = { name: 'ranker', model: 'ranker/v3', framework: 'xgboost', minReplicas: 2, maxReplicas: 6 };
const RERANKER = { name: 'reranker', model: 's3://acme-models/reranker/v1', framework: 'custom', image: 'images/reranker:1.4.2', minReplicas: 1, maxReplicas: 2 };

describe('build on AWS: KServe in Standard mode on the batch cluster', () => {
  const out = synth(awsSpec(), { mode: 'build', cluster: 'training', endpoints: [RANKER, gpuEndpoint('nvidia-a10g'), RERANKER] }, { environment: FEATURES });
  const training = stackOf(out.stacks, '-addons-training');
  const services = stackOf(out.stacks, '-services');
  const rel = releases(training);

  it('installs the pinned KServe CRDs and controller from their OCI repository, the controller after the CRDs and cert-manager', () => {
    expect(rel['kserve-crd']).toMatchObject({ chart: 'kserve-crd', repository: 'oci://ghcr.io/kserve/charts', version: CHARTS.kserveCrd.version, namespace: expect.stringContaining('Namespaces_System') });
    const kserve = rel.kserve!;
    expect(kserve).toMatchObject({ chart: 'kserve-resources', repository: 'oci://ghcr.io/kserve/charts', version: CHARTS.kserveResources.version });
    expect(dependsOn(kserve)).toEqual(expect.arrayContaining([releaseAddress(training, 'kserve-crd'), releaseAddress(training, 'cert-manager')]));
  });

  it('runs the controller in Standard mode, without Ingress objects, the storage initializer signing for the region; keys the chart knows', () => {
    const values = valuesOf(rel.kserve!);
    expect(values.kserve.controller).toMatchObject({ deploymentMode: 'Standard', gateway: { disableIngressCreation: true } });
    expect(values.kserve.storage).toEqual({ s3: { region: 'us-east-1' } });
    expect(unknownValuesKeys('kserve-resources', CHARTS.kserveResources.version, values)).toEqual([]);
    expect(valuesSchemaErrors('kserve-resources', CHARTS.kserveResources.version, values)).toEqual([]);
    expect(valuesOf(rel['kserve-crd']!)).toEqual({});
  });

  it('declares the five runtimes as ClusterServingRuntimes that validate, after the controller whose webhook checks them, ports declared', () => {
    const runtimes = releaseOf(training, 'ClusterServingRuntime', 'kserve-sklearnserver');
    expect((runtimes.values.resources as any[]).map((r) => r.metadata.name).sort()).toEqual(['kserve-huggingfaceserver', 'kserve-sklearnserver', 'kserve-torchserve', 'kserve-tritonserver', 'kserve-xgbserver']);
    for (const m of runtimes.values.resources as any[]) expect(customResourceErrors(m), m.metadata.name).toEqual([]);
    expect(loomResourcesValuesErrors(runtimes.values)).toEqual([]);
    expect(dependsOn(runtimes.resource)).toEqual(expect.arrayContaining([releaseAddress(training, 'kserve-crd'), releaseAddress(training, 'kserve')]));
    const torch = customResource(training, 'ClusterServingRuntime', 'kserve-torchserve');
    expect(torch.spec.containers[0].ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 8082, protocol: 'TCP' },
    ]);
    expect(customResource(training, 'ClusterServingRuntime', 'kserve-xgbserver').spec.containers[0].image).toBe('kserve/xgbserver:v0.20.0');
  });

  it('serves each endpoint as an InferenceService that validates, in Standard mode with HPA between the spec’s replicas, after CRDs, controller and runtimes', () => {
    const isvcs = releaseOf(training, 'InferenceService', 'ranker');
    expect(dependsOn(isvcs.resource)).toEqual(expect.arrayContaining([releaseAddress(training, 'kserve-crd'), releaseAddress(training, 'kserve'), releaseAddress(training, 'loom-kserve-runtimes')]));
    expect(loomResourcesValuesErrors(isvcs.values)).toEqual([]);
    for (const m of isvcs.values.resources as any[]) expect(customResourceErrors(m), m.metadata.name).toEqual([]);
    const ranker = customResource(training, 'InferenceService', 'ranker');
    expect(ranker.metadata).toMatchObject({ namespace: 'loom-system', annotations: { 'serving.kserve.io/deploymentMode': 'Standard', 'serving.kserve.io/autoscalerClass': 'hpa' } });
    expect(ranker.spec.predictor).toMatchObject({
      serviceAccountName: 'kserve-models',
      minReplicas: 2,
      maxReplicas: 6,
      autoScaling: { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
      model: { modelFormat: { name: 'xgboost' }, runtime: 'kserve-xgbserver', protocolVersion: 'v2', storageUri: 's3://acme-artifacts/mlflow/artifacts/ranker/v3' },
    });
    expect(ranker.spec.predictor.nodeSelector).toBeUndefined();
    // Model servers read online features through the platform's environment.
    expect(ranker.spec.predictor.model.env).toEqual([
      { name: 'LOOM_FEATURE_STORE_ENDPOINT', value: 'http://feast.loom-system.svc.cluster.local' },
      { name: 'LOOM_FEATURE_STORE_PROTOCOL', value: 'feast' },
    ]);
  });

  it('puts GPU endpoints on pools of their GPU, tolerating the GPU taint and requesting the GPUs', () => {
    const vision = customResource(training, 'InferenceService', 'vision').spec.predictor;
    expect(vision.nodeSelector).toEqual({ 'loom.dev/gpu': 'nvidia-a10g' });
    expect(vision.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(vision.model.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(vision.model.runtime).toBe('kserve-torchserve');
    // The training cluster's GPU pool carries what the endpoint selects.
    expect(out.platform.plan.clusters.find((c) => c.name === 'training')!.pools.find((p) => p.gpu)!.labels['loom.dev/gpu']).toBe('nvidia-a10g');
  });

  it('runs a custom endpoint as the registry’s image, its model downloaded for it', () => {
    const reranker = customResource(training, 'InferenceService', 'reranker').spec.predictor;
    expect(reranker.model).toBeUndefined();
    expect(reranker.containers).toEqual([
      expect.objectContaining({
        name: 'kserve-container',
        image: 'registry.acme.internal/acme/images/reranker:1.4.2',
        env: [{ name: 'STORAGE_URI', value: 's3://acme-models/reranker/v1' }, ...Object.entries(FEATURES).map(([name, value]) => ({ name, value }))],
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      }),
    ]);
  });

  it('reads models as an IRSA role of loom-system/kserve-models: the artifact store through its grant, a full URI on exactly its prefix', () => {
    const role = findResource(services, 'aws_iam_role', { name: 'acme-serving' });
    expect(String(role.assume_role_policy)).toContain('system:serviceaccount:loom-system:kserve-models');
    expect(out.grants.map(([identity, access]) => [identity.kind, access])).toEqual([['aws-iam-role', 'read']]);
    const models = findResource(services, 'aws_iam_role_policy', { name: 'serving-models-read' });
    expect(policyOf(models).Statement).toEqual([
      { Sid: 'ListModel0', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: expect.stringMatching(/:s3:::acme-models$/), Condition: { StringLike: { 's3:prefix': ['reranker/v1', 'reranker/v1/*'] } } },
      { Sid: 'ReadModel0', Effect: 'Allow', Action: ['s3:GetObject'], Resource: expect.stringMatching(/:s3:::acme-models\/reranker\/v1\/\*$/) },
    ]);
    const sa = Object.values(resources(training, 'kubernetes_service_account_v1')).find((s: any) => s.metadata.name === 'kserve-models') as any;
    expect(sa.metadata.namespace).toContain('Namespaces_System');
    expect(Object.keys(sa.metadata.annotations)).toEqual(['eks.amazonaws.com/role-arn']);
  });

  it('exposes each endpoint inside the platform: its predictor Service on the cluster, an internal NLB at its fixed name elsewhere', () => {
    const lb = findResources(training, 'kubernetes_service_v1').find((s: any) => s.metadata[0]?.name === 'ranker-lb' || s.metadata?.name === 'ranker-lb') as any;
    const meta = Array.isArray(lb.metadata) ? lb.metadata[0] : lb.metadata;
    const spec = Array.isArray(lb.spec) ? lb.spec[0] : lb.spec;
    expect(meta.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internal');
    expect(spec).toMatchObject({ type: 'LoadBalancer', selector: { app: 'isvc.ranker-predictor' }, load_balancer_source_ranges: ['10.0.0.0/16'] });
    const serving = out.serving as KServeServing;
    expect(serving.protocol).toBe('open-inference');
    expect(serving.endpointUrlFor('ranker', out.platform.clusters.training!)).toBe('http://ranker-predictor.loom-system.svc.cluster.local');
    // each endpoint's slot of the reservation (5, 6, 7 in endpoint order), under its own name
    expect(meta.annotations['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses']).toMatch(/^(10\.0\.\d+\.229,){2}10\.0\.\d+\.229$/);
    const endpoints = JSON.parse(String(training.output!.serving_endpoints!.value));
    expect(endpoints).toEqual({ ranker: 'http://ranker.serving.acme.internal', vision: 'http://vision.serving.acme.internal', reranker: 'http://reranker.serving.acme.internal' });
    const records = findResources(out.stacks['acme-services']!, 'aws_route53_record') as any[];
    expect(records.map((r) => r.name).sort()).toEqual(['ranker.serving.acme.internal', 'reranker.serving.acme.internal', 'vision.serving.acme.internal']);
    expect(() => serving.endpointUrl('nope')).toThrow(/serving has no endpoint 'nope'; the spec declares ranker, vision, reranker/);
  });

  it('declares the predictors’ and the controller’s metrics as scrape targets, on ports the pods declare', () => {
    const targets = (out.serving as KServeServing).scrapeTargets.map((t) => t.target);
    expect(targets.map((t) => [t.name, t.port])).toEqual([
      ['kserve-controller', 'https'],
      ['kserve-predictors-http', 'http'],
      ['kserve-predictors-metrics', 'metrics'],
    ]);
    expect(targets[0]).toMatchObject({ scheme: 'https', auth: 'service-account-token', podSelector: { 'control-plane': 'kserve-controller-manager' } });
    // Pods carry the label the target selects (predictor labels), and the runtime declares the port.
    expect(customResource(training, 'InferenceService', 'vision').spec.predictor.labels).toEqual({ 'loom.dev/component': 'serving', 'loom.dev/serving-metrics': 'metrics' });
    expect(customResource(training, 'InferenceService', 'ranker').spec.predictor.labels['loom.dev/serving-metrics']).toBe('http');
    expect((out.serving as KServeServing).scrapeTargets.every((t) => t.cluster === out.platform.clusters.training)).toBe(true);
  });

  it('puts no secret value in any stack', () => {
    for (const [name, stack] of Object.entries(out.stacks)) expect(literalSecrets(stack), name).toEqual([]);
  });
});

describe('build on Google Cloud and on existing clusters', () => {
  const gcp = synth(gcpPlatformSpec(), { mode: 'build', cluster: 'training', endpoints: [RANKER, gpuEndpoint('nvidia-l4'), { ...RERANKER, model: 'gs://acme-models/reranker/v1' }] });
  const onprem = synth(
    onpremSpec({ objectStorage: { ...ONPREM_OBJECT_STORAGE }, clusters: onpremSpec().clusters.map((c: any) => (c.name === 'gpu' ? { ...c, existing: { ...c.existing, gpu: { driver: 'preinstalled' } } } : c)) }),
    { mode: 'build', cluster: 'gpu', endpoints: [RANKER, gpuEndpoint('nvidia-a100')] },
    {},
    {},
  );

  it('reads models on GKE as a Workload Identity service account: the artifact store through its grant, a full URI’s bucket as object viewer', () => {
    const services = stackOf(gcp.stacks, '-services');
    expect(gcp.grants.map(([identity, access]) => [identity.kind, access])).toEqual([['gcp-service-account', 'read']]);
    expect(findResource(services, 'google_storage_bucket_iam_member', { bucket: 'acme-models' })).toMatchObject({ role: 'roles/storage.objectViewer' });
    const training = stackOf(gcp.stacks, '-addons-training');
    const sa = Object.values(resources(training, 'kubernetes_service_account_v1')).find((s: any) => s.metadata.name === 'kserve-models') as any;
    expect(Object.keys(sa.metadata.annotations)).toEqual(['iam.gke.io/gcp-service-account']);
    expect(customResource(training, 'InferenceService', 'vision').spec.predictor.nodeSelector).toEqual({ 'loom.dev/gpu': 'nvidia-l4' });
    expect(valuesOf(releases(training).kserve!).kserve.storage).toEqual({ s3: {} });
  });

  it("on existing clusters, reads models with the data centre store's keys (listed on the service account), from its endpoint", () => {
    const gpu = stackOf(onprem.stacks, '-addons-gpu');
    const sa = Object.values(resources(gpu, 'kubernetes_service_account_v1')).find((s: any) => s.metadata.name === 'kserve-models') as any;
    expect(sa.secret).toEqual([{ name: ONPREM_OBJECT_STORAGE.credentialsSecret }]);
    expect(sa.metadata.annotations ?? {}).toEqual({});
    const values = valuesOf(releases(gpu).kserve!);
    expect(values.kserve.storage.s3).toEqual({ endpoint: 's3.dc1.example.internal', useHttps: '1', region: 'us-east-1', useVirtualBucket: 'false' });
    expect(unknownValuesKeys('kserve-resources', CHARTS.kserveResources.version, values)).toEqual([]);
    const vision = customResource(gpu, 'InferenceService', 'vision').spec.predictor;
    expect(vision.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(customResource(gpu, 'InferenceService', 'ranker').spec.predictor.model.storageUri).toBe('s3://acme-artifacts/mlflow/artifacts/ranker/v3');
    expect(onprem.grants).toEqual([]);
    for (const [name, stack] of Object.entries(onprem.stacks)) expect(literalSecrets(stack), name).toEqual([]);
  });

  it('refuses a model path without the artifact store, and a custom endpoint without the registry', () => {
    expect(() => synth(awsSpec(), { mode: 'build', endpoints: [RANKER] }, { modelStoreUri: undefined })).toThrow(PlatformValidationError);
    expect(() => synth(awsSpec(), { mode: 'build', endpoints: [RANKER] }, { modelStoreUri: undefined })).toThrow(/model 'ranker\/v3' is a path inside the experiment tracking component's artifact store, and serving was given none/);
    expect(() => synth(awsSpec(), { mode: 'build', endpoints: [RERANKER] }, { registryUrl: undefined })).toThrow(/framework custom runs an image of the registry component; pass registryUrl/);
  });
});

describe('buy on AWS: SageMaker endpoints', () => {
  let trainerRole: WorkloadIdentity | undefined;
  const out = synth(awsSpec(), { mode: 'buy', endpoints: [RANKER, gpuEndpoint('nvidia-a10g'), { ...RERANKER }] }, { registryUrl: '123456789012.dkr.ecr.us-east-1.amazonaws.com/acme', environment: FEATURES }, undefined, (serving, platform) => {
    const trainer = (platform.clusters.training as EksCluster).addServiceAccountRole('TrainerRole', 'loom-workloads', 'caller');
    trainerRole = { kind: 'aws-iam-role', roleName: trainer.role.name, roleArn: trainer.role.arn };
    serving.grantInvoke(trainerRole);
  });
  const services = stackOf(out.stacks, '-services');
  const models = findResources(services, 'aws_sagemaker_model');
  const configs = findResources(services, 'aws_sagemaker_endpoint_configuration');
  const modelOf = (endpoint: string) => models.find((m: any) => m.tags['loom.dev/endpoint'] === endpoint) as any;
  const configOf = (endpoint: string) => configs.find((m: any) => m.tags['loom.dev/endpoint'] === endpoint) as any;

  it('creates one model per endpoint: prebuilt images from the lookup data source, the registry’s for custom, models read uncompressed from their prefix', () => {
    const lookups = findResources(services, 'data.aws_sagemaker_prebuilt_ecr_image' as never).length
      ? findResources(services, 'data.aws_sagemaker_prebuilt_ecr_image' as never)
      : (Object.values((services as any).data?.aws_sagemaker_prebuilt_ecr_image ?? {}) as any[]);
    expect(lookups.map((l: any) => [l.repository_name, l.image_tag]).sort()).toEqual([
      ['pytorch-inference', '2.1.0-gpu-py310'],
      ['sagemaker-xgboost', '1.7-1'],
    ]);
    expect(String(modelOf('ranker').primary_container.image)).toMatch(/^\$\{data\.aws_sagemaker_prebuilt_ecr_image\.\w+\.registry_path\}$/);
    expect(modelOf('reranker').primary_container.image).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/images/reranker:1.4.2');
    expect(modelOf('ranker').primary_container.model_data_source).toEqual({ s3_data_source: [{ s3_uri: 's3://acme-artifacts/mlflow/artifacts/ranker/v3/', s3_data_type: 'S3Prefix', compression_type: 'None' }] });
    expect(modelOf('vision').primary_container.environment).toEqual({ ...FEATURES, SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code' });
    expect(modelOf('ranker').primary_container.environment).toEqual(FEATURES);
    for (const m of [...models, ...configs] as any[]) expect(m.lifecycle).toEqual({ create_before_destroy: true });
  });

  it('sizes each variant from the spec, its volume KMS-encrypted except on GPU instances with local storage (which SageMaker refuses a key for)', () => {
    const [keyName] = Object.entries(resources(services, 'aws_kms_key')).find(([, k]) => String(k.description).includes('SageMaker endpoint volumes'))!;
    expect(configOf('ranker').production_variants).toEqual([expect.objectContaining({ variant_name: 'AllTraffic', instance_type: 'ml.m5.xlarge', initial_instance_count: 2 })]);
    expect(configOf('ranker').kms_key_arn).toBe(`\${aws_kms_key.${keyName}.arn}`);
    expect(configOf('vision').production_variants[0].instance_type).toBe('ml.g5.xlarge');
    expect(configOf('vision').kms_key_arn).toBeUndefined();
    const key = findResource(services, 'aws_kms_key', { description: 'Loom: SageMaker endpoint volumes of platform acme' });
    expect(key.enable_key_rotation).toBe(true);
    expect(JSON.stringify(policyOf(key))).toContain('sagemaker.us-east-1.amazonaws.com');
  });

  it('names the endpoints <platform>-<endpoint> and autoscales each variant between min and max replicas on invocations per instance', () => {
    expect(findResources(services, 'aws_sagemaker_endpoint').map((e: any) => e.name).sort()).toEqual(['acme-ranker', 'acme-reranker', 'acme-vision']);
    const target = findResources(services, 'aws_appautoscaling_target').find((t: any) => String(t.resource_id).includes('Endpoint-ranker')) as any;
    expect(target).toMatchObject({ service_namespace: 'sagemaker', scalable_dimension: 'sagemaker:variant:DesiredInstanceCount', min_capacity: 2, max_capacity: 6 });
    expect(String(target.resource_id)).toMatch(/^endpoint\/\$\{aws_sagemaker_endpoint\.[\w-]+\.name\}\/variant\/AllTraffic$/);
    const policy = findResources(services, 'aws_appautoscaling_policy').find((p: any) => p.name === 'acme-ranker-invocations') as any;
    expect(policy).toMatchObject({ policy_type: 'TargetTrackingScaling', target_tracking_scaling_policy_configuration: { predefined_metric_specification: { predefined_metric_type: 'SageMakerVariantInvocationsPerInstance' }, target_value: 100 } });
    expect(out.serving.endpointUrl('ranker')).toBe('https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/acme-ranker/invocations');
    expect(JSON.parse(String(services.output!.serving_endpoints!.value))).toEqual({
      ranker: 'https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/acme-ranker/invocations',
      vision: 'https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/acme-vision/invocations',
      reranker: 'https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/acme-reranker/invocations',
    });
  });

  it('runs the models as a role only SageMaker of this account assumes, reading the models and pulling exactly the images it serves', () => {
    const role = findResource(services, 'aws_iam_role', { name: 'acme-sagemaker-serving' });
    expect(JSON.parse(String(role.assume_role_policy)).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': expect.stringMatching(/data\.aws_caller_identity/) } } },
    ]);
    expect(out.grants).toHaveLength(1);
    expect(out.grants[0]![1]).toBe('read');
    const execution = policyOf(findResource(services, 'aws_iam_role_policy', { name: 'sagemaker-serving' }));
    const pull = execution.Statement.find((s) => s.Sid === 'PullImages')!;
    expect(pull.Action).toEqual(['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']);
    expect(pull.Resource).toEqual([
      expect.stringMatching(/:ecr:us-east-1:<ref:data\.aws_sagemaker_prebuilt_ecr_image\.\w+\.registry_id>:repository\/sagemaker-xgboost$/),
      expect.stringMatching(/:ecr:us-east-1:<ref:data\.aws_sagemaker_prebuilt_ecr_image\.\w+\.registry_id>:repository\/pytorch-inference$/),
      expect.stringMatching(/:ecr:us-east-1:<ref:data\.aws_caller_identity\.\w+\.account_id>:repository\/\*$/),
    ]);
    expect(policyOf(findResource(services, 'aws_iam_role_policy', { name: 'serving-models-read' })).Statement.map((s) => s.Sid)).toEqual(['ListModel0', 'ReadModel0']);
  });

  it('grants a caller sagemaker:InvokeEndpoint on the endpoints, and refuses a Google identity', () => {
    const invoke = findResource(services, 'aws_iam_role_policy', { name: 'serving-invoke-1' });
    expect(String(invoke.role)).toContain('TrainerRole');
    const statement = policyOf(invoke).Statement[0]!;
    expect(statement.Action).toEqual(['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream']);
    expect(statement.Resource).toEqual(['ranker', 'vision', 'reranker'].map((e) => expect.stringMatching(new RegExp(`^<ref:aws_sagemaker_endpoint\\.Serving_Endpoint-${e}_Endpoint_\\w+\\.arn>$`))));
    expect(() => out.serving.grantInvoke({ kind: 'gcp-service-account', email: 'x@p.iam.gserviceaccount.com' })).toThrow(/invoked by IAM roles; got gcp-service-account/);
  });

  it('puts no secret value in any stack', () => {
    for (const [name, stack] of Object.entries(out.stacks)) expect(literalSecrets(stack), name).toEqual([]);
  });
});

describe('buy on Google Cloud: Vertex AI endpoints, models deployed by the printed commands', () => {
  const caller = 'caller@acme-ml-prod.iam.gserviceaccount.com';
  const out = synth(
    gcpPlatformSpec(),
    { mode: 'buy', endpoints: [RANKER, gpuEndpoint('nvidia-l4'), { ...RERANKER, model: 'gs://acme-models/reranker/v1' }] },
    { registryUrl: 'us-central1-docker.pkg.dev/acme-ml-prod/acme', environment: FEATURES },
    undefined,
    (serving) => serving.grantInvoke({ kind: 'gcp-service-account', email: caller }),
  );
  const services = stackOf(out.stacks, '-services');
  const serving = out.serving as VertexAiServing;

  it('creates one Vertex AI endpoint per endpoint, with a stable numeric id, and enables Vertex AI', () => {
    const endpoints = findResources(services, 'google_vertex_ai_endpoint') as any[];
    expect(endpoints.map((e) => e.display_name).sort()).toEqual(['acme-ranker', 'acme-reranker', 'acme-vision']);
    for (const e of endpoints) {
      expect(e.name).toMatch(/^[1-9]\d{9}$/);
      expect(e).toMatchObject({ location: 'us-central1', region: 'us-central1', labels: expect.objectContaining({ 'loom-component': 'serving' }) });
    }
    const ranker = endpoints.find((e) => e.display_name === 'acme-ranker');
    expect(serving.endpointUrl('ranker')).toBe(`https://us-central1-aiplatform.googleapis.com/v1/projects/${ranker.project}/locations/us-central1/endpoints/${ranker.name}:predict`);
    const apis = Object.values((services as any).locals as Record<string, string[]>).flat();
    expect(apis).toContain('aiplatform.googleapis.com');
  });

  it('has a service account that deploys and serves: Vertex AI User, acting as itself, reading the models', () => {
    const account = findResource(services, 'google_service_account', { account_id: 'acme-vertex-serving' });
    expect(account).toBeDefined();
    const member = (r: any) => String(r.member);
    expect(findResources(services, 'google_project_iam_member', { role: 'roles/aiplatform.user' }).map(member)).toEqual([expect.stringMatching(/^serviceAccount:\$\{google_service_account\.\w+\.email\}$/)]);
    expect(findResource(services, 'google_service_account_iam_member', { role: 'roles/iam.serviceAccountUser' })).toBeDefined();
    expect(out.grants.map(([identity, access]) => [identity.kind, access])).toEqual([['gcp-service-account', 'read']]);
    expect(findResource(services, 'google_storage_bucket_iam_member', { bucket: 'acme-models' })).toMatchObject({ role: 'roles/storage.objectViewer' });
  });

  it('writes the commands that upload each model and deploy it, from the spec, as the serving_deploy_commands output', () => {
    const lines = String(services.output!.serving_deploy_commands!.value).split('\n');
    expect(lines).toHaveLength(6);
    const [uploadRanker, deployRanker, , deployVision, uploadReranker] = lines as [string, string, string, string, string];
    expect(uploadRanker).toMatch(/^gcloud ai models upload --project=[\w-]+ --region=us-central1 --impersonate-service-account=\$\{google_service_account\.\w+\.email\} --model-id=acme-ranker --display-name=acme-ranker/);
    expect(uploadRanker).toContain('--container-image-uri=us-docker.pkg.dev/vertex-ai/prediction/xgboost-cpu.1-7:latest --artifact-uri=gs://acme-artifacts/mlflow/artifacts/ranker/v3');
    expect(uploadRanker).toMatch(/ '--container-env-vars=\^\|\^LOOM_FEATURE_STORE_ENDPOINT=http:\/\/feast\.loom-system\.svc\.cluster\.local\|LOOM_FEATURE_STORE_PROTOCOL=feast'$/);
    const rankerId = (findResources(services, 'google_vertex_ai_endpoint') as any[]).find((e) => e.display_name === 'acme-ranker').name;
    expect(deployRanker).toContain(`gcloud ai endpoints deploy-model ${rankerId} `);
    expect(deployRanker).toContain('--model=acme-ranker --display-name=ranker --machine-type=n1-standard-4 --min-replica-count=2 --max-replica-count=6');
    expect(deployRanker).toMatch(/--service-account=\$\{google_service_account\.\w+\.email\} --traffic-split=0=100$/);
    expect(deployVision).toContain('--machine-type=g2-standard-8 --accelerator=type=nvidia-l4,count=1 --min-replica-count=1 --max-replica-count=3');
    expect(uploadReranker).toContain('--container-image-uri=us-central1-docker.pkg.dev/acme-ml-prod/acme/images/reranker:1.4.2 --artifact-uri=gs://acme-models/reranker/v1 --container-ports=8080 ');
  });

  it('grants a caller only the predict permission, through a custom role', () => {
    const role = findResource(services, 'google_project_iam_custom_role', { role_id: 'acme_serving_invoker' });
    expect(role.permissions).toEqual(['aiplatform.endpoints.predict']);
    const grant = findResource(services, 'google_project_iam_member', { member: `serviceAccount:${caller}` });
    expect(String(grant.role)).toMatch(/^\$\{google_project_iam_custom_role\.\w+\.name\}$/);
    expect(() => serving.grantInvoke({ kind: 'aws-iam-role', roleName: 'r', roleArn: 'arn:aws:iam::123456789012:role/r' })).toThrow(/called by Google service accounts; got aws-iam-role/);
  });
});

describe('one contract', () => {
  const modes = [
    ['build on aws', synth(awsSpec(), { mode: 'build', endpoints: [RANKER] })],
    ['build on existing clusters', synth(onpremSpec({ objectStorage: { ...ONPREM_OBJECT_STORAGE } }), { mode: 'build', endpoints: [RANKER] }, {}, {})],
    ['buy on aws', synth(awsSpec(), { mode: 'buy', endpoints: [RANKER] })],
    ['buy on gcp', synth(gcpPlatformSpec(), { mode: 'buy', endpoints: [RANKER] })],
  ] as const;

  it('gives clients the same environment keys in every mode, on every cluster, the endpoints as JSON', () => {
    const keys = new Set<string>();
    for (const [mode, out] of modes) {
      for (const cluster of [undefined, ...Object.values(out.platform.clusters)]) {
        const env = servingEnvironment(out.serving as never, cluster);
        keys.add(Object.keys(env).sort().join(','));
        expect(Object.keys(JSON.parse(env.LOOM_SERVING_ENDPOINTS!.replace(/\$\{[^}]*\}/g, 'REF'))), mode).toEqual(['ranker']);
      }
    }
    expect([...keys]).toEqual(['LOOM_SERVING_ENDPOINTS,LOOM_SERVING_PROTOCOL']);
    expect(modes.map(([, out]) => out.serving.protocol)).toEqual(['open-inference', 'open-inference', 'sagemaker', 'vertex-ai']);
  });

  it('outputs serving_endpoints in every mode', () => {
    for (const [mode, out] of modes) {
      const with_ = Object.entries(out.stacks).filter(([, s]) => s.output?.serving_endpoints !== undefined);
      expect(with_.length, mode).toBe(1);
    }
  });
});

describe('terraform validate (providers from the mirror)', () => {
  const env = terraformEnv();
  it.skipIf(!env.available)('accepts the AWS services stack with the SageMaker models, configurations, endpoints, autoscaling and grants', () => {
    const out = synth(awsSpec(), { mode: 'buy', endpoints: [RANKER, gpuEndpoint('nvidia-a10g'), RERANKER] }, { registryUrl: '123456789012.dkr.ecr.us-east-1.amazonaws.com/acme' }, undefined, (serving, platform) => {
      const role = (platform.clusters.apps as EksCluster).addServiceAccountRole('CallerRole', 'loom-workloads', 'caller');
      serving.grantInvoke({ kind: 'aws-iam-role', roleName: role.role.name, roleArn: role.role.arn });
    });
    const result = terraformValidate(join(out.dir, 'stacks', 'acme-services'));
    expect(result.ok, result.output).toBe(true);
  });
  it.skipIf(!env.available)('accepts the AWS services stack of built serving (the IRSA role and its model grant)', () => {
    const out = synth(awsSpec(), { mode: 'build', cluster: 'training', endpoints: [RANKER, RERANKER] });
    const result = terraformValidate(join(out.dir, 'stacks', 'acme-services'));
    expect(result.ok, result.output).toBe(true);
  });
  if (!env.available) it('SKIPPED: terraform validate of serving needs terraform and the provider mirror', () => console.warn(describeSkip(env)));
  const googleReady = env.available && hasProvider(env, 'hashicorp/google');
  it.skipIf(!googleReady)('accepts the Google services stack with the Vertex AI endpoints, service account and grants', () => {
    const out = synth(gcpPlatformSpec(), { mode: 'buy', endpoints: [RANKER, gpuEndpoint('nvidia-l4')] }, {}, undefined, (serving) => serving.grantInvoke({ kind: 'gcp-service-account', email: 'c@acme-ml-prod.iam.gserviceaccount.com' }));
    const result = terraformValidate(join(out.dir, 'stacks', 'acme-services'));
    expect(result.ok, result.output).toBe(true);
  });
});
