/**
 * The PostgreSQL stores built components run on, synthesized in small apps: RDS in the AWS
 * network's data tier (encrypted, private, 5432 from the clusters given only, RDS-managed
 * password), Cloud SQL on private IP with IAM database authentication, and CloudNativePG on an
 * existing cluster (operator first, then a `Cluster` valid against its CRD). No synthesized stack
 * holds a literal password.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App, TerraformOutput } from '../../constructs/core/cdk';
import { LoomStack } from '../../constructs/core/stack';
import { AwsNetwork } from '../../constructs/network/aws-network';
import { EksCluster } from '../../constructs/cluster/eks-cluster';
import { AddonsStack } from '../../stacks/addons-stack';
import { CloudNativePg, CloudSqlPostgres, RdsPostgres, iamServiceAccountUser } from '../../constructs/stores/postgres';
import type { IPostgres } from '../../constructs/stores/contract';
import { CHARTS } from '../../catalog/charts';
import { DATABASE_PROFILES, POSTGRES_VERSIONS } from '../../catalog/databases';
import type { PlatformSettingsInput } from '../../schema/schema';
import { findResources, readStacks, resources, type StackJson } from '../helpers/synth';
import { customResourceErrors, unknownValuesKeys, valuesSchemaErrors } from '../helpers/charts';
import { describeSkip, hasProvider, requiredProviders, terraformEnv, terraformValidate } from '../helpers/terraform';
import { customResources, releaseOf, releases } from '../addons/fixtures';
import { awsPlatform, cleanupApps, gcpPlatform, labAddons, literalSecrets, newApp, only, prefixed, single, type Environment } from './fixtures';
import { COMPONENT_SIZES } from '../../plan/footprints';

afterAll(cleanupApps);
const CPU = { name: 'cpu', machineTypes: ['c7i.xlarge'], minNodes: 1, maxNodes: 4 };

/** An AWS platform with the database in its services stack, allowed from the clusters named. */
function awsApp(environment: Environment, opts: { allow?: ('gpu' | 'web')[]; instanceClass?: string; storageGb?: number } = {}) {
  const { app, network, gpu, web, services } = awsPlatform(environment);
  const db = new RdsPostgres(services, 'MlflowDatabase', {
    network,
    name: 'mlflow',
    databaseName: 'mlflow',
    username: 'mlflow',
    ...(opts.instanceClass ? { instanceClass: opts.instanceClass } : {}),
    ...(opts.storageGb ? { storageGb: opts.storageGb } : {}),
  });
  if (db.passwordSecret.kind === 'aws-secrets-manager') new TerraformOutput(services, 'password_secret_arn', { value: db.passwordSecret.arn });
  const byName = { gpu, web };
  for (const c of opts.allow ?? ['gpu']) db.allowFrom(byName[c]);
  app.synth();
  const stacks = readStacks(app.outdir);
  return { db, gpu, web, network, stacks, services: stacks['research-services']!, clusters: stacks['research-clusters']! };
}

/** A Google Cloud platform with the database in its services stack. */
function gcpApp(environment: Environment) {
  const { app, network, cluster, services } = gcpPlatform(environment);
  const db = new CloudSqlPostgres(services, 'MlflowDatabase', { network, name: 'mlflow', databaseName: 'mlflow', serviceAccountEmail: 'research-mlflow@research-ml.iam.gserviceaccount.com' });
  db.allowFrom(cluster);
  app.synth();
  const stacks = readStacks(app.outdir);
  return { db, cluster, network, stacks, services: stacks['research-services']!, clusters: stacks['research-clusters']! };
}

/** An existing cluster's add-ons stack with a CloudNativePG database (and a second one, sharing the operator). */
function cnpgApp(environment: Environment) {
  const { app, addons } = labAddons(environment);
  const mlflow = new CloudNativePg(addons, 'MlflowDatabase', { addons, name: 'mlflow-postgres', databaseName: 'mlflow', username: 'mlflow' });
  const feast = new CloudNativePg(addons, 'FeastDatabase', { addons, name: 'feast-postgres', databaseName: 'feast_registry', username: 'feast', storageGb: 5 });
  app.synth();
  const stacks = readStacks(app.outdir);
  return { addons, mlflow, feast, stacks, json: stacks['lab-addons-gpu']! };
}


describe('RdsPostgres', () => {
  it('puts the instance in the data tier, private, encrypted with its own KMS key, TLS required', () => {
    const { services, clusters, db } = awsApp('prod');
    const instance = single(services, 'aws_db_instance');
    expect(instance).toMatchObject({
      identifier: 'research-mlflow',
      engine: 'postgres',
      engine_version: POSTGRES_VERSIONS.rds.engineVersion,
      auto_minor_version_upgrade: true,
      publicly_accessible: false,
      storage_encrypted: true,
      storage_type: 'gp3',
      db_name: 'mlflow',
      username: 'mlflow',
      port: 5432,
      performance_insights_enabled: true,
    });
    expect(instance.kms_key_id).toMatch(/^\$\{aws_kms_key\.MlflowDatabase_Key_[A-Z0-9]+\.arn\}$/);
    expect(single(services, 'aws_kms_key').enable_key_rotation).toBe(true);
    // The subnet group takes exactly the network's data subnets (one per zone), not the clusters'.
    const group = single(services, 'aws_db_subnet_group');
    expect(instance.db_subnet_group_name).toMatch(/^\$\{aws_db_subnet_group\..+\.name\}$/);
    const dataSubnets = Object.entries(resources(clusters, 'aws_subnet')).filter(([, s]) => (s.tags as Record<string, string>)['loom.dev/tier'] === 'data');
    expect(dataSubnets).toHaveLength(3);
    expect(JSON.stringify(group.subnet_ids)).not.toMatch(/Gpu|Web|public/i);
    expect((group.subnet_ids as string[]).length).toBe(3);
    // The parameter group of the pinned major requires TLS.
    const parameters = single(services, 'aws_db_parameter_group');
    expect(parameters.family).toBe(`postgres${POSTGRES_VERSIONS.rds.engineVersion}`);
    expect(parameters.parameter).toEqual([{ name: 'rds.force_ssl', value: '1' }]);
    expect(instance.parameter_group_name).toMatch(/^\$\{aws_db_parameter_group\./);
    expect(db.requireTls).toBe(true);
  });

  it('has RDS keep the master password in Secrets Manager: no password attribute, the secret referenced by ARN', () => {
    const { services, db } = awsApp('dev');
    const instance = single(services, 'aws_db_instance');
    expect(instance.manage_master_user_password).toBe(true);
    expect(instance).not.toHaveProperty('password');
    expect(instance).not.toHaveProperty('password_wo');
    expect(db.passwordSecret).toMatchObject({ kind: 'aws-secrets-manager', jsonKey: 'password' });
    expect(services.output?.password_secret_arn?.value).toMatch(/^\$\{aws_db_instance\.MlflowDatabase_Instance_[A-F0-9]+\.master_user_secret\[0\]\.secret_arn\}$/);
    const contract: IPostgres = db;
    expect(contract).toMatchObject({ engine: 'rds', port: 5432, databaseName: 'mlflow', username: 'mlflow' });
  });

  it('is Multi-AZ, deletion-protected, snapshotted on deletion and keeps ≥ 7 days of backups in prod', () => {
    const instance = single(awsApp('prod').services, 'aws_db_instance');
    expect(instance).toMatchObject({ multi_az: true, deletion_protection: true, skip_final_snapshot: false, final_snapshot_identifier: 'research-mlflow-final' });
    expect(instance.backup_retention_period).toBeGreaterThanOrEqual(7);
    expect(instance.instance_class).toBe(DATABASE_PROFILES.prod.rds.instanceClass);
    expect(instance.allocated_storage).toBe(DATABASE_PROFILES.prod.rds.storageGb);
    expect(instance.max_allocated_storage).toBe(DATABASE_PROFILES.prod.rds.maxStorageGb);
  });

  it('is single-AZ with a day of backups and no final snapshot in dev', () => {
    const instance = single(awsApp('dev').services, 'aws_db_instance');
    expect(instance).toMatchObject({ multi_az: false, deletion_protection: false, skip_final_snapshot: true, backup_retention_period: 1 });
    expect(instance).not.toHaveProperty('final_snapshot_identifier');
    expect(instance.instance_class).toBe('db.t4g.medium');
    expect(instance.allocated_storage).toBe(20);
  });

  it('takes instance class and storage from props over the profile', () => {
    const instance = single(awsApp('dev', { instanceClass: 'db.r7g.large', storageGb: 200 }).services, 'aws_db_instance');
    expect(instance).toMatchObject({ instance_class: 'db.r7g.large', allocated_storage: 200 });
    // Autoscaling never below the storage asked for.
    expect(instance.max_allocated_storage ?? 200).toBeGreaterThanOrEqual(200);
  });

  it('admits 5432 only from the security groups of the clusters given to allowFrom, one rule per cluster', () => {
    const one = awsApp('prod', { allow: ['gpu'] });
    const sg = single(one.services, 'aws_security_group');
    expect(sg).not.toHaveProperty('ingress');
    expect(sg.vpc_id).toMatch(/vpc/);
    const rules = Object.entries(resources(one.services, 'aws_vpc_security_group_ingress_rule'));
    expect(rules).toHaveLength(1);
    const [id, rule] = rules[0]! as [string, Record<string, any>];
    expect(id).toMatch(/AllowFrom-gpu/);
    expect(rule).toMatchObject({ ip_protocol: 'tcp', from_port: 5432, to_port: 5432 });
    expect(rule).not.toHaveProperty('cidr_ipv4');
    // The cluster security group EKS made for cluster gpu, read across stacks.
    expect(rule.referenced_security_group_id).toMatch(/^\$\{data\.terraform_remote_state\..+\}$|cluster_security_group_id/);
    const outputs = Object.values(one.clusters.output ?? {}).map((o) => String(o.value));
    expect(outputs.some((v) => /aws_eks_cluster\.Gpu_.+vpc_config\[0\]\.cluster_security_group_id|aws_eks_cluster\.Gpu_.+\.vpc_config\.0\.cluster_security_group_id/.test(v))).toBe(true);
    expect(outputs.some((v) => /aws_eks_cluster\.Web_.+cluster_security_group_id/.test(v))).toBe(false);
    expect(single(one.services, 'aws_db_instance').vpc_security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\./)]);

    const two = awsApp('prod', { allow: ['gpu', 'web', 'gpu'] as any });
    const ids = Object.keys(resources(two.services, 'aws_vpc_security_group_ingress_rule'));
    expect(ids.map((i) => i.replace(/_[A-F0-9]{8}$/, ''))).toEqual([expect.stringMatching(/AllowFrom-gpu/), expect.stringMatching(/AllowFrom-web/)]);
  });

  it('refuses what it cannot be: another cloud, a non-EKS cluster, bad or too long names', () => {
    const gcp = gcpApp('dev');
    const app = newApp();
    const stack = new LoomStack(app, 's', { platform: { name: 'research', cloud: 'aws', region: 'us-west-2' }, cloudProvider: true });
    expect(() => new RdsPostgres(stack, 'OnGcp', { network: gcp.network, name: 'mlflow', databaseName: 'mlflow', username: 'mlflow' })).toThrow(/needs an AWS network with a data tier/);
    const network = new AwsNetwork(stack, 'Network', { zones: 2 });
    expect(() => new RdsPostgres(stack, 'Long', { network, name: 'x'.repeat(60), databaseName: 'mlflow', username: 'mlflow' })).toThrow(/'research-x+' is 69 characters; RDS DB instance identifier allows 63/);
    expect(() => new RdsPostgres(stack, 'Upper', { network, name: 'MLflow', databaseName: 'mlflow', username: 'mlflow' })).toThrow(/must be lowercase letters/);
    expect(() => new RdsPostgres(stack, 'Dash', { network, name: 'mlflow', databaseName: 'ml-flow', username: 'mlflow' })).toThrow(/databaseName 'ml-flow' must be 1–63 lowercase letters/);
    expect(() => new RdsPostgres(stack, 'Reserved', { network, name: 'mlflow', databaseName: 'mlflow', username: 'rdsadmin' })).toThrow(/username 'rdsadmin' is reserved/);
    const db = new RdsPostgres(stack, 'Db', { network, name: 'mlflow', databaseName: 'mlflow', username: 'mlflow' });
    expect(() => db.allowFrom(gcp.cluster)).toThrow(/needs an EKS cluster; cluster 'train' is on gcp/);
  });
});

describe('CloudSqlPostgres', () => {
  it('has a private IP only, in the private services access range, after the peering, encrypted connections only', () => {
    const { services, clusters } = gcpApp('prod');
    const instance = single(services, 'google_sql_database_instance');
    expect(instance).toMatchObject({ name: 'research-mlflow', database_version: POSTGRES_VERSIONS.cloudSql.databaseVersion, project: 'research-ml', region: 'us-central1' });
    const ip = instance.settings.ip_configuration;
    expect(ip).toMatchObject({ ipv4_enabled: false, ssl_mode: 'ENCRYPTED_ONLY' });
    expect(ip).not.toHaveProperty('authorized_networks');
    expect(String(ip.private_network)).toMatch(/google_compute_network.*id/);
    expect(String(ip.allocated_ip_range)).toMatch(/google_compute_global_address.*name/);
    // The peering, read across stacks, comes first.
    expect(JSON.stringify(instance.depends_on ?? [])).toMatch(/terraform_remote_state|google_service_networking_connection/);
    expect(Object.keys(resources(clusters, 'google_service_networking_connection'))).toHaveLength(1);
  });

  it('turns IAM database authentication on and makes the service account a user: no password anywhere', () => {
    const { services, db } = gcpApp('dev');
    const instance = single(services, 'google_sql_database_instance');
    expect(instance.settings.database_flags).toEqual([{ name: 'cloudsql.iam_authentication', value: 'on' }]);
    expect(instance).not.toHaveProperty('root_password');
    const user = single(services, 'google_sql_user');
    expect(user).toMatchObject({ type: 'CLOUD_IAM_SERVICE_ACCOUNT', name: 'research-mlflow@research-ml.iam' });
    expect(user).not.toHaveProperty('password');
    expect(db.username).toBe('research-mlflow@research-ml.iam');
    expect(db.passwordSecret).toBeUndefined();
    expect(single(services, 'google_sql_database')).toMatchObject({ name: 'mlflow' });
    const grants = findResources(services, 'google_project_iam_member').map((m: any) => [m.role, m.member, m.condition.expression]);
    expect(grants).toEqual(
      expect.arrayContaining([
        ['roles/cloudsql.instanceUser', 'serviceAccount:research-mlflow@research-ml.iam.gserviceaccount.com', expect.stringContaining("resource.name == 'projects/research-ml/instances/research-mlflow'")],
        ['roles/cloudsql.client', 'serviceAccount:research-mlflow@research-ml.iam.gserviceaccount.com', expect.stringContaining('instances/research-mlflow')],
      ]),
    );
    expect(grants).toHaveLength(2);
    expect(iamServiceAccountUser('a@b.iam.gserviceaccount.com')).toBe('a@b.iam');
  });

  it('is REGIONAL with point-in-time recovery and deletion protection in prod', () => {
    const instance = single(gcpApp('prod').services, 'google_sql_database_instance');
    expect(instance.deletion_protection).toBe(true);
    expect(instance.settings).toMatchObject({
      availability_type: 'REGIONAL',
      deletion_protection_enabled: true,
      edition: 'ENTERPRISE',
      tier: DATABASE_PROFILES.prod.cloudSql.tier,
      disk_size: DATABASE_PROFILES.prod.cloudSql.diskGb,
      backup_configuration: { enabled: true, point_in_time_recovery_enabled: true },
    });
    expect(instance.settings.backup_configuration.backup_retention_settings.retained_backups).toBeGreaterThanOrEqual(7);
  });

  it('is ZONAL and deletable in dev', () => {
    const instance = single(gcpApp('dev').services, 'google_sql_database_instance');
    expect(instance.deletion_protection).toBe(false);
    expect(instance.settings).toMatchObject({ availability_type: 'ZONAL', deletion_protection_enabled: false, tier: 'db-custom-1-3840' });
  });

  it('refuses a cluster of another cloud', () => {
    const { db } = gcpApp('dev');
    const aws = awsApp('dev');
    expect(() => db.allowFrom(aws.gpu)).toThrow(/needs a GKE cluster; cluster 'gpu' is on aws/);
  });
});

describe('CloudNativePg', () => {
  it('installs the pinned operator once, then each Cluster after it', () => {
    const { json } = cnpgApp('prod');
    const operators = releases(json).filter((r) => r.resource.chart === CHARTS.cloudNativePg.chart);
    const operator = only(operators);
    expect(operator.resource).toMatchObject({ repository: CHARTS.cloudNativePg.repository, version: '0.29.0', name: 'cnpg' });
    expect(operator.values.crds).toEqual({ create: true });
    for (const name of ['mlflow-postgres', 'feast-postgres']) {
      const release = releaseOf(json, 'Cluster', name);
      expect(release.resource.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^helm_release\\.${operator.name}$`))]));
    }
  });

  it('sets only keys the operator chart has, valid against its values schema', () => {
    const { json } = cnpgApp('dev');
    const operator = only(releases(json).filter((r) => r.resource.chart === 'cloudnative-pg'));
    expect(unknownValuesKeys('cloudnative-pg', CHARTS.cloudNativePg.version, operator.values)).toEqual([]);
    expect(valuesSchemaErrors('cloudnative-pg', CHARTS.cloudNativePg.version, operator.values)).toEqual([]);
  });

  it('creates a Cluster valid against the postgresql.cnpg.io/v1 CRD: 3 instances in prod, initdb with the database and owner', () => {
    const { json, mlflow } = cnpgApp('prod');
    const cluster = only(customResources(json, 'Cluster').filter((c) => c.metadata.name === 'mlflow-postgres'));
    expect(customResourceErrors(cluster)).toEqual([]);
    expect(cluster).toMatchObject({
      apiVersion: 'postgresql.cnpg.io/v1',
      metadata: { namespace: 'loom-system' },
      spec: {
        instances: 3,
        imageName: POSTGRES_VERSIONS.cloudNativePg.imageName,
        bootstrap: { initdb: { database: 'mlflow', owner: 'mlflow' } },
        storage: { size: `${DATABASE_PROFILES.prod.cloudNativePg.storageGi}Gi` },
        postgresql: { pg_hba: ['hostnossl all all all reject'] },
      },
    });
    expect(mlflow.host).toBe('mlflow-postgres-rw.loom-system.svc');
    expect(mlflow.passwordSecret).toEqual({ kind: 'kubernetes', namespace: 'loom-system', name: 'mlflow-postgres-app', key: 'password' });
    expect(mlflow.requireTls).toBe(true);
  });

  it('runs one instance outside prod, with the storage asked for', () => {
    const { json } = cnpgApp('dev');
    const clusters = customResources(json, 'Cluster');
    expect(clusters.map((c) => [c.metadata.name, c.spec.instances, c.spec.storage.size])).toEqual(
      expect.arrayContaining([
        ['mlflow-postgres', 1, `${DATABASE_PROFILES.dev.cloudNativePg.storageGi}Gi`],
        ['feast-postgres', 1, '5Gi'],
      ]),
    );
    for (const c of clusters) expect(customResourceErrors(c)).toEqual([]);
  });

  it('on EKS, waits for the load balancer webhook like every release, and keeps the database off spot capacity', () => {
    const app = newApp();
    const platform: PlatformSettingsInput = { name: 'research', cloud: 'aws', region: 'us-west-2', environment: 'prod' };
    const clusters = new LoomStack(app, 'research-cluster-gpu', { platform, cloudProvider: true });
    const network = new AwsNetwork(clusters, 'Network', { zones: 2 });
    const cluster = new EksCluster(clusters, 'Cluster', { network, name: 'gpu', flavour: 'batch', nodePools: [{ ...CPU, spot: false }, { ...CPU, name: 'spot', spot: true }] });
    const addons = new AddonsStack(app, 'research-addons-gpu', { platform, cluster });
    new CloudNativePg(addons, 'MlflowDatabase', { addons, name: 'mlflow-postgres', databaseName: 'mlflow', username: 'mlflow' });
    app.synth();
    const json = readStacks(app.outdir)['research-addons-gpu']!;
    const lb = only(releases(json).filter((r) => r.resource.chart === 'aws-load-balancer-controller'));
    const operator = only(releases(json).filter((r) => r.resource.chart === 'cloudnative-pg'));
    expect(operator.resource.depends_on).toEqual(expect.arrayContaining([`helm_release.${lb.name}`]));
    const db = only(customResources(json, 'Cluster'));
    expect(customResourceErrors(db)).toEqual([]);
    // Requests from the footprint table `loom cost` prices: PostgreSQL is never BestEffort.
    const size = COMPONENT_SIZES.postgresInstance;
    expect(db.spec.resources).toEqual({ requests: { cpu: size.cpu, memory: size.memory }, limits: { memory: size.memoryLimit } });
    // Never on spot nodes: an on-demand pool exists, so on-demand capacity is required.
    expect(db.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'loom.dev/capacity', operator: 'In', values: ['on-demand'] }] },
    ]);
  });

  it('is reachable from its own cluster only, and refuses names its Services would not fit', () => {
    const { mlflow, addons } = cnpgApp('dev');
    expect(() => mlflow.allowFrom(addons.cluster)).not.toThrow();
    const aws = awsApp('dev');
    expect(() => mlflow.allowFrom(aws.gpu)).toThrow(/reachable there only; cluster 'gpu' cannot connect/);
    expect(() => new CloudNativePg(addons, 'Long', { addons, name: 'p'.repeat(46), databaseName: 'x', username: 'x' })).toThrow(/allows 45/);
  });
});

describe('no literal password in any synthesized stack', () => {
  it('finds none in the RDS, Cloud SQL and CloudNativePG apps', () => {
    const all = { ...prefixed('aws', awsApp('prod', { allow: ['gpu', 'web'] }).stacks), ...prefixed('gcp', gcpApp('prod').stacks), ...prefixed('cnpg', cnpgApp('prod').stacks) };
    expect(Object.keys(all).length).toBeGreaterThanOrEqual(5);
    for (const [name, stack] of Object.entries(all)) expect(literalSecrets(stack), name).toEqual([]);
  });

  it('would find one (the scan can fail)', () => {
    const stack: StackJson = { resource: { aws_db_instance: { x: { password: 'hunter2', manage_master_user_password: true } }, helm_release: { r: { values: ['auth:\n  password: s3cret\n'] } } } };
    expect(literalSecrets(stack)).toEqual(['resource.aws_db_instance.x.password', 'resource.helm_release.r.values.0<yaml>.auth.password']);
    expect(literalSecrets({ resource: { aws_db_instance: { x: { password: '${aws_secretsmanager_secret_version.p.secret_string}' } } } })).toEqual([]);
  });
});

const env = terraformEnv();
if (!env.available) console.warn(describeSkip(env));

describe.skipIf(!env.available)('terraform validate', () => {
  it('accepts every stack holding a store whose providers are in the mirror', () => {
    const apps = [
      ['aws', awsApp('prod', { allow: ['gpu', 'web'] }), 'research-services'],
      ['gcp', gcpApp('prod'), 'research-services'],
      ['cnpg', cnpgApp('prod'), 'lab-addons-gpu'],
    ] as const;
    let validated = 0;
    for (const [cloud, app, stack] of apps) {
      const root = 'db' in app ? app.db.node.root : app.addons.node.root;
      const dir = join((root as App).outdir, 'stacks', stack);
      if (!env.available || !requiredProviders(dir).every((p) => hasProvider(env, p))) {
        console.warn(`SKIPPED terraform validate of ${cloud}/${stack}: providers ${requiredProviders(dir).join(', ')} not all in the mirror`);
        continue;
      }
      const result = terraformValidate(dir);
      expect(result.ok, `terraform validate ${cloud}/${stack}\n${result.output}`).toBe(true);
      validated++;
    }
    expect(validated).toBeGreaterThanOrEqual(1);
  }, 300_000);
});
