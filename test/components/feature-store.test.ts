/**
 * The feature store bought: SageMaker Feature Store on AWS and Vertex AI Feature Store on Google
 * Cloud, behind one contract — targeted assertions on what each synthesizes, the grants a
 * consumer gets, the client environment's keys (the same in both), and the refusals.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { MlPlatform } from '../../stacks/ml-platform';
import { featureStoreEnvironment, featureStoreFor, type IFeatureStore } from '../../constructs/components/feature-store';
import { EksCluster } from '../../constructs/cluster/eks-cluster';
import { findResource, findResources, readStacks, resources, type StackJson } from '../helpers/synth';
import { awsSpec } from '../aws/fixtures';
import { gcpPlatformSpec } from '../helpers/gcp';
import { onpremSpec } from '../kubernetes/fixtures';
import { describeSkip, hasProvider, terraformEnv, terraformValidate } from '../helpers/terraform';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A platform with a bought registry (so that it has a services stack), and `build` run on it. */
function synthInto(spec: Record<string, any>, build: (platform: MlPlatform) => void): { dir: string; stacks: Record<string, StackJson> } {
  const dir = mkdtempSync(join(tmpdir(), 'loom-feature-store-'));
  dirs.push(dir);
  const app = new App({ outdir: dir });
  const { name, ...props } = { ...spec, components: { registry: { mode: 'buy' } } };
  build(new MlPlatform(app, name, props as never));
  app.synth();
  return { dir, stacks: readStacks(dir) };
}
const synth = (spec: Record<string, any>, build: (platform: MlPlatform) => void) => synthInto(spec, build).stacks;

const clustersOf = (platform: MlPlatform) => Object.values(platform.addonsStacks);
const policyOf = (r: Record<string, unknown>) => JSON.parse(String(r.policy)) as { Statement: { Sid?: string; Action: string[]; Resource: string | string[]; Condition?: any }[] };
const statement = (r: Record<string, unknown>, sid: string) => policyOf(r).Statement.find((s) => s.Sid === sid);

describe('buy on AWS: SageMaker Feature Store', () => {
  let store: IFeatureStore | undefined;
  const stacks = synth(awsSpec(), (platform) => {
    store = featureStoreFor({ spec: { mode: 'buy' }, clusters: clustersOf(platform), services: platform.servicesStack! });
    const training = platform.clusters.training as EksCluster;
    const trainer = training.addServiceAccountRole('TrainerRole', 'loom-workloads', 'trainer');
    const server = training.addServiceAccountRole('ServerRole', 'loom-workloads', 'model-server');
    store.grantWrite({ kind: 'aws-iam-role', roleName: trainer.role.name, roleArn: trainer.role.arn });
    store.grantRead({ kind: 'aws-iam-role', roleName: server.role.name, roleArn: server.role.arn });
  });
  const services = stacks['acme-services']!;

  it('keeps the offline store in a KMS-encrypted, private bucket of the platform, under its prefix', () => {
    const bucket = findResource(services, 'aws_s3_bucket');
    expect(String(bucket.bucket_prefix)).toMatch(/^acme-feast-offline-/);
    const [keyName] = Object.keys(resources(services, 'aws_kms_key'));
    expect(findResource(services, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: `\${aws_kms_key.${keyName}.arn}` }, bucket_key_enabled: true },
    ]);
    expect(findResource(services, 'aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(String(services.output!.feature_store_offline_store!.value)).toMatch(/^s3:\/\/\$\{aws_s3_bucket\.\w+\.bucket\}\/offline$/);
  });

  it('creates feature groups with a role only SageMaker of this account assumes, allowed the offline store and its Glue tables', () => {
    const role = findResource(services, 'aws_iam_role', { name: 'acme-feature-store' });
    const trust = JSON.parse(String(role.assume_role_policy));
    expect(trust.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': expect.stringMatching(/data\.aws_caller_identity/) } } },
    ]);
    const offline = findResource(services, 'aws_iam_role_policy', { name: 'offline-store' });
    expect(String(offline.role)).toContain('FeatureGroupRole');
    expect(statement(offline, 'GlueTables')!.Action).toEqual(expect.arrayContaining(['glue:CreateTable', 'glue:UpdateTable', 'glue:BatchCreatePartition']));
    expect(statement(offline, 'GlueTables')!.Resource).toEqual([
      expect.stringMatching(/:catalog$/),
      expect.stringMatching(/:database\/\$\{aws_glue_catalog_database\.\w+\.name\}$/),
      expect.stringMatching(/:table\/\$\{aws_glue_catalog_database\.\w+\.name\}\/\*$/),
    ]);
    // The offline store's own grant: write on the prefix, with the bucket's key.
    const storeGrant = findResources(services, 'aws_iam_role_policy').filter((r) => /^feast-offline-write-\d+$/.test(String(r.name)) && String(r.role).includes('FeatureGroupRole'));
    expect(storeGrant).toHaveLength(1);
    expect(statement(storeGrant[0]!, 'ReadWriteObjects')!.Resource).toMatch(/\/offline\/\*$/);
    expect(statement(storeGrant[0]!, 'UseBucketKey')!.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  it('registers the offline store in a Glue database and queries it through an enforced Athena workgroup', () => {
    expect(findResource(services, 'aws_glue_catalog_database')).toMatchObject({ name: 'acme_feature_store', tags: { 'loom.dev/component': 'featureStore' } });
    const workgroup = findResource(services, 'aws_athena_workgroup', { name: 'acme-feature-store' });
    const [keyName] = Object.keys(resources(services, 'aws_kms_key'));
    expect(workgroup.configuration).toMatchObject({
      enforce_workgroup_configuration: true,
      bytes_scanned_cutoff_per_query: 1024 ** 4, // prod
      result_configuration: {
        output_location: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.\w+\.bucket\}\/athena-results\/$/),
        encryption_configuration: { encryption_option: 'SSE_KMS', kms_key_arn: `\${aws_kms_key.${keyName}.arn}` },
      },
    });
  });

  it('grants a reader records and definitions, Athena and Glue reads, and the offline store; a writer also records, feature groups and the role', () => {
    const read = findResource(services, 'aws_iam_role_policy', { name: 'feature-store-read-2' });
    const write = findResource(services, 'aws_iam_role_policy', { name: 'feature-store-write-1' });
    expect(String(read.role)).toContain('ServerRole');
    expect(String(write.role)).toContain('TrainerRole');
    const featureGroups = /^arn:\$\{data\.aws_partition\.\w+\.partition\}:sagemaker:us-east-1:\$\{data\.aws_caller_identity\.\w+\.account_id\}:feature-group\/\*$/;
    expect(statement(read, 'FeatureStoreRuntime')).toMatchObject({ Action: ['sagemaker:GetRecord', 'sagemaker:BatchGetRecord'], Resource: expect.stringMatching(featureGroups) });
    expect(statement(write, 'FeatureStoreRuntime')!.Action).toEqual(expect.arrayContaining(['sagemaker:PutRecord', 'sagemaker:DeleteRecord']));
    expect(statement(read, 'FeatureGroups')!.Action).not.toContain('sagemaker:CreateFeatureGroup');
    expect(statement(write, 'FeatureGroups')!.Action).toEqual(expect.arrayContaining(['sagemaker:CreateFeatureGroup', 'sagemaker:DescribeFeatureGroup']));
    expect(statement(read, 'AthenaQueries')).toMatchObject({ Action: expect.arrayContaining(['athena:StartQueryExecution', 'athena:GetQueryResults']), Resource: expect.stringMatching(/aws_athena_workgroup\.\w+\.arn/) });
    expect(statement(read, 'GlueCatalog')!.Action).not.toContain('glue:CreateTable');
    expect(statement(read, 'AthenaResults')!.Resource).toMatch(/\/athena-results\/\*$/);
    expect(statement(read, 'PassFeatureGroupRole')).toBeUndefined();
    expect(statement(write, 'PassFeatureGroupRole')).toMatchObject({
      Action: ['iam:PassRole'],
      Resource: expect.stringMatching(/aws_iam_role\.\w*FeatureGroupRole\w*\.arn/),
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    const storeGrants = findResources(services, 'aws_iam_role_policy').filter((r) => /^feast-offline-(read|write)-\d+$/.test(String(r.name)));
    expect(storeGrants.map((r) => [String(r.name).split('-')[2], /TrainerRole|ServerRole|FeatureGroupRole/.exec(String(r.role))?.[0]])).toEqual([
      ['write', 'FeatureGroupRole'],
      ['write', 'TrainerRole'],
      ['read', 'ServerRole'],
    ]);
  });

  it('serves online from the region’s Feature Store runtime, and outputs the contract’s values', () => {
    expect(store!.onlineEndpoint).toBe('https://featurestore-runtime.sagemaker.us-east-1.amazonaws.com');
    expect(store!.registry).toMatch(/:feature-group\/\*$/);
    expect(services.output?.feature_store_endpoint?.value).toBe('https://featurestore-runtime.sagemaker.us-east-1.amazonaws.com');
    expect(String(services.output?.feature_store_offline_store?.value)).toMatch(/^s3:\/\//);
  });
});

describe('buy on Google Cloud: Vertex AI Feature Store', () => {
  const trainer = 'trainer@acme-ml-prod.iam.gserviceaccount.com';
  const server = 'server@acme-ml-prod.iam.gserviceaccount.com';
  let optimized: IFeatureStore | undefined;
  const stacks = synth(gcpPlatformSpec(), (platform) => {
    optimized = featureStoreFor({ spec: { mode: 'buy' }, clusters: clustersOf(platform), services: platform.servicesStack! });
    optimized.grantRead({ kind: 'gcp-service-account', email: server });
    optimized.grantWrite({ kind: 'gcp-service-account', email: trainer });
  });
  const services = stacks['acme-services']!;
  let bigtable: IFeatureStore | undefined;
  const bigtableStacks = synth({ ...gcpPlatformSpec(), environment: 'dev' }, (platform) => {
    bigtable = featureStoreFor({ spec: { mode: 'buy', onlineServing: 'bigtable', bigtableNodes: { min: 2, max: 8 } }, clusters: clustersOf(platform), services: platform.servicesStack! });
  });

  it('enables Vertex AI and BigQuery, and sources features from a BigQuery dataset in the region that outlives the stack', () => {
    const apis = Object.values((services as any).locals as Record<string, string[]>).flat();
    expect(apis).toEqual(expect.arrayContaining(['aiplatform.googleapis.com', 'bigquery.googleapis.com']));
    expect(findResource(services, 'google_bigquery_dataset')).toMatchObject({ dataset_id: 'acme_features', location: 'us-central1', delete_contents_on_destroy: false, labels: { 'loom-component': 'featurestore' } });
    expect(String(services.output!.feature_store_offline_store!.value)).toMatch(/^bq:\/\/[\w-]+\.\$\{google_bigquery_dataset\.\w+\.dataset_id\}$/);
  });

  it('serves online from an Optimized store by default, from its dedicated endpoint', () => {
    expect(resources(services, 'google_vertex_ai_featurestore')).toEqual({});
    const online = findResource(services, 'google_vertex_ai_feature_online_store', { name: 'acme_features', region: 'us-central1' });
    expect(online.optimized).toEqual({});
    expect(online.bigtable).toBeUndefined();
    expect(online.force_destroy).toBe(false); // prod
    expect(String(services.output!.feature_store_endpoint!.value)).toMatch(/^https:\/\/\$\{google_vertex_ai_feature_online_store\.\w+\.dedicated_serving_endpoint\[0\]\.public_endpoint_domain_name\}$/);
    expect(String(services.output!.feature_store_registry!.value)).toMatch(/^projects\/[\w-]+\/locations\/us-central1\/featureOnlineStores\/\$\{google_vertex_ai_feature_online_store\.\w+\.name\}$/);
  });

  it('serves from Bigtable with the spec’s autoscaling, from the regional endpoint; a dev platform’s store goes with its feature views', () => {
    const online = findResource(bigtableStacks['acme-services']!, 'google_vertex_ai_feature_online_store');
    expect(online.force_destroy).toBe(true);
    expect(online.bigtable).toEqual({ auto_scaling: { min_node_count: 2, max_node_count: 8, cpu_utilization_target: 50 } });
    expect(online.optimized).toBeUndefined();
    expect(bigtable!.onlineEndpoint).toBe('https://us-central1-aiplatform.googleapis.com');
  });

  it('grants a reader online serving and the dataset read, a writer Vertex AI User and the dataset write', () => {
    const projectRoles = (email: string) => findResources(services, 'google_project_iam_member', { member: `serviceAccount:${email}` }).map((r) => r.role).sort();
    expect(projectRoles(server)).toEqual(['roles/aiplatform.featureOnlineStoreUser', 'roles/bigquery.jobUser', 'roles/bigquery.readSessionUser']);
    expect(projectRoles(trainer)).toEqual(['roles/aiplatform.featureOnlineStoreUser', 'roles/aiplatform.user', 'roles/bigquery.jobUser', 'roles/bigquery.readSessionUser']);
    const datasetRole = (email: string) => findResources(services, 'google_bigquery_dataset_iam_member', { member: `serviceAccount:${email}` }).map((r) => [r.role, r.dataset_id]);
    expect(datasetRole(server)).toEqual([['roles/bigquery.dataViewer', expect.stringMatching(/google_bigquery_dataset\.\w+\.dataset_id/)]]);
    expect(datasetRole(trainer)).toEqual([['roles/bigquery.dataEditor', expect.stringMatching(/google_bigquery_dataset\.\w+\.dataset_id/)]]);
  });

  it('refuses an IAM role as the identity to grant', () => {
    expect(() => optimized!.grantRead({ kind: 'aws-iam-role', roleName: 'r', roleArn: 'arn:aws:iam::123456789012:role/r' })).toThrow(/grants access to Google service accounts; got aws-iam-role/);
  });
});

describe('terraform validate (providers from the mirror)', () => {
  const env = terraformEnv();
  it.skipIf(!env.available)('accepts the AWS services stack with the offline store, role, Glue database, Athena workgroup and grants', () => {
    const { dir } = synthInto(awsSpec(), (platform) => {
      const store = featureStoreFor({ spec: { mode: 'buy' }, clusters: clustersOf(platform), services: platform.servicesStack! });
      const role = (platform.clusters.apps as EksCluster).addServiceAccountRole('NotebookRole', 'loom-workloads', 'notebook');
      store.grantWrite({ kind: 'aws-iam-role', roleName: role.role.name, roleArn: role.role.arn });
    });
    const result = terraformValidate(join(dir, 'stacks', 'acme-services'));
    expect(result.ok, result.output).toBe(true);
  });
  if (!env.available) it('SKIPPED: terraform validate of the feature store needs terraform and the provider mirror', () => console.warn(describeSkip(env)));
  const googleReady = env.available && hasProvider(env, 'hashicorp/google');
  it.skipIf(!googleReady)('accepts the Google services stack with the dataset, an Optimized online store (its endpoint reference) and grants', () => {
    const { dir } = synthInto(gcpPlatformSpec(), (platform) => {
      const store = featureStoreFor({ spec: { mode: 'buy' }, clusters: clustersOf(platform), services: platform.servicesStack! });
      store.grantWrite({ kind: 'gcp-service-account', email: 'trainer@acme-ml-prod.iam.gserviceaccount.com' });
    });
    const result = terraformValidate(join(dir, 'stacks', 'acme-services'));
    expect(result.ok, result.output).toBe(true);
  });
  it.skipIf(!googleReady)('accepts the Google services stack with a Bigtable online store', () => {
    const { dir } = synthInto(gcpPlatformSpec(), (platform) => {
      featureStoreFor({ spec: { mode: 'buy', onlineServing: 'bigtable' }, clusters: clustersOf(platform), services: platform.servicesStack! });
    });
    const result = terraformValidate(join(dir, 'stacks', 'acme-services'));
    expect(result.ok, result.output).toBe(true);
  });
  if (!googleReady) it('SKIPPED: terraform validate of Vertex AI Feature Store needs terraform and the Google provider in the mirror', () => console.warn(env.available ? 'no hashicorp/google in the mirror' : describeSkip(env)));
});

describe('one contract', () => {
  it('gives clients the same four environment keys from both implementations', () => {
    let aws: IFeatureStore | undefined;
    let gcp: IFeatureStore | undefined;
    synth(awsSpec(), (platform) => {
      aws = featureStoreFor({ spec: { mode: 'buy' }, clusters: clustersOf(platform), services: platform.servicesStack! });
    });
    synth(gcpPlatformSpec(), (platform) => {
      gcp = featureStoreFor({ spec: { mode: 'buy' }, clusters: clustersOf(platform), services: platform.servicesStack! });
    });
    const awsEnv = featureStoreEnvironment(aws!);
    const gcpEnv = featureStoreEnvironment(gcp!);
    expect(Object.keys(awsEnv).sort()).toEqual(['LOOM_FEATURE_STORE_ENDPOINT', 'LOOM_FEATURE_STORE_OFFLINE_STORE', 'LOOM_FEATURE_STORE_PROTOCOL', 'LOOM_FEATURE_STORE_REGISTRY']);
    expect(Object.keys(gcpEnv).sort()).toEqual(Object.keys(awsEnv).sort());
    expect([awsEnv.LOOM_FEATURE_STORE_PROTOCOL, gcpEnv.LOOM_FEATURE_STORE_PROTOCOL]).toEqual(['sagemaker-feature-store', 'vertex-ai-feature-store']);
    expect([aws!.implementation, gcp!.implementation]).toEqual(['buy-aws', 'buy-gcp']);
  });

  it('refuses buy where there is no cloud, with the spec’s message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-feature-store-'));
    dirs.push(dir);
    const { name, ...props } = onpremSpec();
    const platform = new MlPlatform(new App({ outdir: dir }), name, props as never);
    expect(() => featureStoreFor({ spec: { mode: 'buy' }, clusters: clustersOf(platform) })).toThrow(/\/FeatureStore: mode: buy is not available with cloud: kubernetes/);
  });

  it('refuses Bigtable nodes whose max is below min, through the spec’s schema', () => {
    synth(gcpPlatformSpec(), (platform) => {
      expect(() => featureStoreFor({ spec: { mode: 'buy', onlineServing: 'bigtable', bigtableNodes: { min: 4, max: 2 } }, clusters: clustersOf(platform), services: platform.servicesStack! })).toThrow(
        /FeatureStore: bigtableNodes\.max: max must be at least min/,
      );
    });
  });

  it('leaves the services stacks without a feature store when not asked for', () => {
    expect(resources(synth(awsSpec(), () => undefined)['acme-services']!, 'aws_athena_workgroup')).toEqual({});
    expect(resources(synth(gcpPlatformSpec(), () => undefined)['acme-services']!, 'google_vertex_ai_feature_online_store')).toEqual({});
  });
});
