/**
 * Experiment tracking, built: MLflow on its cluster, on the platform's real backing stores —
 * targeted assertions on what each cloud synthesizes (database, artifact store, identity, the
 * password's way to the pods), the chart values against the pinned chart, the objects' order,
 * the client environment on every cluster, and no secret value anywhere.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CHARTS } from '../../catalog/charts';
import { mlflowValues } from '../../constructs/components/experiment-tracking/build';
import { defaultReplicas } from '../../plan';
import { findResources, resources, type StackJson } from '../helpers/synth';
import { customResourceErrors, unknownValuesKeys, valuesSchemaErrors } from '../helpers/charts';
import { customResource, release, releaseOf } from '../addons/fixtures';
import { literalSecrets } from '../stores/fixtures';
import { cleanupSynths, ONPREM_OBJECT_STORAGE, parseInterpolatedJson, releases, synthPlatform, valuesOf } from './fixtures';

afterAll(cleanupSynths);

const stackOf = (stacks: Record<string, StackJson>, suffix: string): StackJson => {
  const found = Object.entries(stacks).find(([n]) => n.endsWith(suffix));
  if (!found) throw new Error(`no stack ending ${suffix} in ${Object.keys(stacks).join(', ')}`);
  return found[1];
};
const mlflowRelease = (stack: StackJson) => releases(stack).mlflow!;
const platformConfig = (stack: StackJson) => Object.values(resources(stack, 'kubernetes_config_map_v1')).find((c: any) => c.metadata.name === 'loom-platform') as any;

describe('build on AWS: MLflow on RDS and S3', () => {
  const out = synthPlatform('aws', { registry: 'buy', experimentTracking: 'build' });
  const services = stackOf(out.stacks, '-services');
  const apps = stackOf(out.stacks, '-addons-apps');
  const network = stackOf(out.stacks, '-network');

  it('keeps runs in an RDS instance of the data tier: encrypted, Multi-AZ in prod, its password managed by RDS', () => {
    const db = findResources(services, 'aws_db_instance')[0]!;
    expect(db).toMatchObject({ identifier: 'acme-mlflow', engine: 'postgres', db_name: 'mlflow', username: 'mlflow', manage_master_user_password: true, storage_encrypted: true, multi_az: true, deletion_protection: true });
    expect(db).not.toHaveProperty('password');
    const group = findResources(services, 'aws_db_subnet_group')[0]!;
    expect(JSON.stringify(group.subnet_ids)).toMatch(/Network_Data_us-east-1a/);
    // the data tier's subnets are new subnets of the network stack
    expect(Object.values(resources(network, 'aws_subnet')).filter((s: any) => /-data-/.test(String(s.tags?.Name))).length).toBe(3);
  });

  it('opens 5432 to the apps cluster only', () => {
    const rules = findResources(services, 'aws_vpc_security_group_ingress_rule');
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp' });
    expect(String(rules[0]!.referenced_security_group_id)).toMatch(/cluster-apps|cluster_security_group_id/);
  });

  it('runs MLflow as its own IRSA role: trusted by loom-system/mlflow of the apps cluster, allowed its artifact prefix and its database secret only', () => {
    const role = findResources(services, 'aws_iam_role', { name: 'acme-mlflow' })[0]!;
    const trust = parseInterpolatedJson(String(role.assume_role_policy));
    const condition = JSON.stringify(trust.Statement[0].Condition);
    expect(condition).toContain('system:serviceaccount:loom-system:mlflow');
    expect(trust.Statement[0].Action).toBe('sts:AssumeRoleWithWebIdentity');
    const policies = findResources(services, 'aws_iam_role_policy').filter((p) => String(p.role).includes('ExperimentTracking_Identity_Role'));
    const documents = policies.map((p) => String(p.policy));
    const secretRead = documents.find((d) => d.includes('secretsmanager:GetSecretValue'))!;
    expect(secretRead).toMatch(/master_user_secret\[0\]\.secret_arn|master_user_secret.0.secret_arn/);
    expect(parseInterpolatedJson(secretRead).Statement[0].Action).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    const s3 = documents.find((d) => d.includes('s3:PutObject'))!;
    expect(s3).toMatch(/\/artifacts\/\*/);
  });

  it('copies the RDS secret into loom-system through External Secrets, as the mlflow service account, after the operator', () => {
    const store = customResource(apps, 'SecretStore', 'mlflow-database');
    expect(store.spec.provider.aws).toMatchObject({ service: 'SecretsManager', region: 'us-east-1', auth: { jwt: { serviceAccountRef: { name: 'mlflow' } } } });
    const external = customResource(apps, 'ExternalSecret', 'mlflow-database');
    expect(external.spec.data.map((d: any) => [d.secretKey, d.remoteRef.property])).toEqual([
      ['username', 'username'],
      ['password', 'password'],
    ]);
    expect(String(external.spec.data[0].remoteRef.key)).toMatch(/master_user_secret0secret_arn/);
    for (const m of [store, external]) expect(customResourceErrors(m)).toEqual([]);
    const sync = releaseOf(apps, 'ExternalSecret', 'mlflow-database');
    const operator = releases(apps)['external-secrets']!;
    const operatorName = Object.entries(resources(apps, 'helm_release')).find(([, r]) => r === operator)![0];
    expect(sync.resource.depends_on).toContain(`helm_release.${operatorName}`);
    expect(operator.version).toBe(CHARTS.externalSecrets.version);
    expect(release(apps, 'external-secrets').values).toMatchObject({ installCRDs: true, processClusterStore: false });
  });

  it('installs MLflow with two replicas in prod, its schema migrated, TLS to the database, artifacts proxied from S3, behind an internal NLB', () => {
    const release = mlflowRelease(apps);
    expect(release.version).toBe(CHARTS.mlflow.version);
    const values = valuesOf(release);
    expect(values.replicaCount).toBe(2);
    expect(values.backendStore).toMatchObject({ databaseMigration: true, postgres: { enabled: true, database: 'mlflow', driver: 'psycopg2' }, existingDatabaseSecret: { name: 'mlflow-database' } });
    expect(values.artifactRoot).toMatchObject({ proxiedArtifactStorage: true, s3: { enabled: true, path: 'artifacts' } });
    expect(values.artifactRoot.s3).not.toHaveProperty('awsAccessKeyId');
    expect(values.extraEnvVars.PGSSLMODE).toBe('require');
    expect(values.service).toMatchObject({ type: 'LoadBalancer', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' } });
    expect(values.serverAllowedHosts).toContain('mlflow.loom-system.svc.cluster.local');
    // it waits for the synced secret and its own service account
    expect((release.depends_on as string[]).some((d) => d.includes('DatabaseSecret'))).toBe(true);
    expect((release.depends_on as string[]).some((d) => d.includes('kubernetes_service_account_v1.ExperimentTracking_ServiceAccount'))).toBe(true);
    const sa = Object.values(resources(apps, 'kubernetes_service_account_v1')).find((s: any) => s.metadata.name === 'mlflow') as any;
    expect(String(sa.metadata.annotations['eks.amazonaws.com/role-arn'])).toMatch(/ExperimentTracking_Identity_Role/);
  });

  it("sets only keys the pinned chart's values schema allows", () => {
    const values = valuesOf(mlflowRelease(apps));
    expect(valuesSchemaErrors('mlflow', CHARTS.mlflow.version, values)).toEqual([]);
    expect(unknownValuesKeys('mlflow', CHARTS.mlflow.version, values)).toEqual([]);
  });

  it('gives clients on the apps cluster the cluster URL and on the other clusters its fixed name, by the same keys', () => {
    const own = platformConfig(apps).data;
    const other = platformConfig(stackOf(out.stacks, '-addons-training')).data;
    expect(own.LOOM_TRACKING_URI).toBe('http://mlflow.loom-system.svc.cluster.local');
    expect(own.MLFLOW_TRACKING_URI).toBe(own.LOOM_TRACKING_URI);
    // a name of the plan, not the load balancer's read back: no cluster reads another's state
    expect(other.LOOM_TRACKING_URI).toBe('http://mlflow.acme.internal');
    expect(String(own.LOOM_ARTIFACT_URI)).toMatch(/^s3:\/\/\$\{[^}]+\}\/artifacts$/);
    expect(Object.keys(other).filter((k) => /TRACKING|ARTIFACT|MODEL_REGISTRY/.test(k)).sort()).toEqual(Object.keys(own).filter((k) => /TRACKING|ARTIFACT|MODEL_REGISTRY/.test(k)).sort());
    expect(apps.output!.tracking_uri!.value).toBe('http://mlflow.acme.internal');
    expect(apps.data?.kubernetes_service_v1).toBeUndefined();
  });

  it('has MLflow scraped by the platform’s monitoring, on the cluster it runs on', () => {
    const monitored = synthPlatform('aws', { monitoring: 'build', experimentTracking: 'build' });
    const podMonitors = (stack: StackJson) => ((valuesOf(releases(stack)['kube-prometheus-stack']!).prometheus?.additionalPodMonitors ?? []) as any[]).map((m) => m.name);
    expect(podMonitors(stackOf(monitored.stacks, '-addons-apps'))).toContain('mlflow');
    expect(podMonitors(stackOf(monitored.stacks, '-addons-training'))).not.toContain('mlflow');
    const monitor = (valuesOf(releases(stackOf(monitored.stacks, '-addons-apps'))['kube-prometheus-stack']!).prometheus.additionalPodMonitors as any[]).find((m) => m.name === 'mlflow');
    expect(JSON.stringify(monitor)).toContain('"port":"mlflow"');
  });

  it('puts no secret value in any stack', () => {
    for (const [name, stack] of Object.entries(out.stacks)) expect(literalSecrets(stack), name).toEqual([]);
  });
});

describe('build on Google Cloud: MLflow on Cloud SQL and GCS', () => {
  const out = synthPlatform('gcp', { registry: 'buy', experimentTracking: 'build' });
  const services = stackOf(out.stacks, '-services');
  const apps = stackOf(out.stacks, '-addons-apps');

  it('keeps runs in a private Cloud SQL instance, as a built-in user whose generated password is in Secret Manager, never in the JSON', () => {
    const instance = findResources(services, 'google_sql_database_instance')[0]! as any;
    expect(instance.settings.ip_configuration).toMatchObject({ ipv4_enabled: false, ssl_mode: 'ENCRYPTED_ONLY' });
    expect(instance.settings.availability_type).toBe('REGIONAL');
    const user = findResources(services, 'google_sql_user')[0]!;
    expect(user).toMatchObject({ name: 'mlflow', type: 'BUILT_IN' });
    expect(String(user.password)).toMatch(/^\$\{random_password\.[\w]+\.result\}$/);
    const version = findResources(services, 'google_secret_manager_secret_version')[0]!;
    expect(String(version.secret_data)).toMatch(/^\$\{jsonencode\(\{"username" = google_sql_user\.\w+\.name, "password" = random_password\.\w+\.result\}\)\}$/);
    expect(findResources(services, 'google_secret_manager_secret_iam_member')[0]).toMatchObject({ role: 'roles/secretmanager.secretAccessor' });
    expect(literalSecrets(services)).toEqual([]);
  });

  it('runs MLflow as a Google service account that loom-system/mlflow acts as, reading the secret through External Secrets', () => {
    const binding = findResources(services, 'google_service_account_iam_member', { role: 'roles/iam.workloadIdentityUser' }).find((b) => String(b.member).includes('[loom-system/mlflow]'));
    expect(binding).toBeDefined();
    const store = customResource(apps, 'SecretStore', 'mlflow-database');
    expect(store.spec.provider.gcpsm).toMatchObject({ projectID: 'acme-ml-prod', auth: { workloadIdentity: { serviceAccountRef: { name: 'mlflow' } } } });
    const values = valuesOf(mlflowRelease(apps));
    expect(values.artifactRoot).toMatchObject({ proxiedArtifactStorage: true, gcs: { enabled: true, path: 'artifacts' } });
    // GKE's internal load balancer at the address reserved under that name
    expect(values.service.annotations).toEqual({ 'networking.gke.io/load-balancer-type': 'Internal', 'networking.gke.io/load-balancer-ip-addresses': 'acme-mlflow' });
    expect(valuesSchemaErrors('mlflow', CHARTS.mlflow.version, values)).toEqual([]);
  });
});

describe('build on existing clusters: MLflow on CloudNativePG and the data centre’s object store', () => {
  const out = synthPlatform('kubernetes', { registry: 'build', experimentTracking: 'build' });
  const apps = stackOf(out.stacks, '-addons-apps');

  it('keeps runs in a CloudNativePG cluster whose generated secret MLflow reads; no External Secrets', () => {
    const cluster = customResource(apps, 'Cluster', 'mlflow');
    expect(cluster.spec).toMatchObject({ instances: 3, bootstrap: { initdb: { database: 'mlflow', owner: 'mlflow' } } });
    const values = valuesOf(mlflowRelease(apps));
    expect(values.backendStore).toMatchObject({ postgres: { host: 'mlflow-rw.loom-system.svc' }, existingDatabaseSecret: { name: 'mlflow-app' } });
    expect(releases(apps)['external-secrets']).toBeUndefined();
    expect((mlflowRelease(apps).depends_on as string[]).some((d) => d.includes('Database_Cluster'))).toBe(true);
  });

  it('keeps artifacts under mlflow/ of the named bucket, with the operator’s credentials Secret and the store’s endpoint', () => {
    const values = valuesOf(mlflowRelease(apps));
    expect(values.artifactRoot.s3).toMatchObject({ bucket: ONPREM_OBJECT_STORAGE.bucket, path: 'mlflow/artifacts', existingSecret: { name: ONPREM_OBJECT_STORAGE.credentialsSecret } });
    expect(values.extraEnvVars).toMatchObject({ MLFLOW_S3_ENDPOINT_URL: ONPREM_OBJECT_STORAGE.endpoint });
    // whatever implements LoadBalancer Services on the premises, as for Harbor
    expect(values.service).toMatchObject({ type: 'LoadBalancer', annotations: {} });
    expect(String(platformConfig(stackOf(out.stacks, '-addons-gpu')).data.LOOM_TRACKING_URI)).toMatch(/coalesce/);
    expect(valuesSchemaErrors('mlflow', CHARTS.mlflow.version, values)).toEqual([]);
  });
});

describe('sizes from the spec', () => {
  it('runs one server outside prod and two in prod unless the spec says', () => {
    expect([defaultReplicas('dev'), defaultReplicas('staging'), defaultReplicas('prod')]).toEqual([1, 1, 2]);
    const dev = synthPlatform('kubernetes', { experimentTracking: 'build' });
    expect(valuesOf(mlflowRelease(stackOf(dev.stacks, '-addons-apps'))).replicaCount).toBe(2); // onprem fixture is prod
  });

  it('renders a values document the chart schema refuses when a key is misspelt (the check can fail)', () => {
    const values = mlflowValues({
      platform: { name: 'acme', cloud: 'aws', environment: 'dev', region: 'us-east-1' } as never,
      replicas: 1,
      database: { host: 'db', port: 5432, databaseName: 'mlflow' },
      databaseSecret: 's',
      artifacts: { kind: 's3', bucketName: 'b', prefix: 'artifacts', region: 'us-east-1' },
      serviceAccount: 'mlflow',
      service: { type: 'ClusterIP' },
      allowedHosts: ['mlflow'],
      addons: { priorityClasses: { nameOf: (n: string) => n } },
    });
    expect(valuesSchemaErrors('mlflow', CHARTS.mlflow.version, values)).toEqual([]);
    expect(valuesSchemaErrors('mlflow', CHARTS.mlflow.version, { ...values, backendStore: { ...(values.backendStore as object), postgress: {} } }).length).toBeGreaterThan(0);
  });
});
