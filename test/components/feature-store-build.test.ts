/**
 * The feature store, built: Feast's feature server on its cluster, on the platform's real backing
 * stores — the decoded `feature_store.yaml` (SQL registry, Redis online store with TLS, file offline
 * store, no credential), the passwords' way to the pods (Secrets by reference, synced by External
 * Secrets as Feast's own identity), the identity's grants, the reach, and no secret value anywhere.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHARTS } from '../../catalog/charts';
import { App } from '../../constructs/core/cdk';
import { EksCluster } from '../../constructs/cluster/eks-cluster';
import type { IFeatureStore } from '../../constructs/components/feature-store/contract';
import { FEAST_VALKEY_AUTH_SECRET, feastClusterUrl, type FeastFeatureStore } from '../../constructs/components/feature-store/build';
import { MlPlatform } from '../../stacks/ml-platform';
import { findResources, readStacks, resources, synthSpec, type StackJson } from '../helpers/synth';
import { customResourceErrors, unknownValuesKeys } from '../helpers/charts';
import { customResource, release as chartRelease, releaseOf } from '../addons/fixtures';
import { literalSecrets } from '../stores/fixtures';
import { awsSpec } from '../aws/fixtures';
import { onpremSpec } from '../kubernetes/fixtures';
import { cleanupSynths, ONPREM_OBJECT_STORAGE, parseInterpolatedJson, platformSpec, releases, synthPlatform, valuesOf } from './fixtures';

const dirs: string[] = [];
afterAll(() => {
  cleanupSynths();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const stackOf = (stacks: Record<string, StackJson>, suffix: string): StackJson => {
  const found = Object.entries(stacks).find(([n]) => n.endsWith(suffix));
  if (!found) throw new Error(`no stack ending ${suffix} in ${Object.keys(stacks).join(', ')}`);
  return found[1];
};
const feastRelease = (stack: StackJson) => releases(stack).feast!;
const platformConfig = (stack: StackJson) => Object.values(resources(stack, 'kubernetes_config_map_v1')).find((c: any) => c.metadata.name === 'loom-platform') as any;
const envOf = (stack: StackJson): Record<string, any> => Object.fromEntries((valuesOf(feastRelease(stack)).extraEnvs as any[]).map((e) => [e.name, e]));

/**
 * A minimal reader of the Terraform expressions cdktf writes for the `feature_store.yaml` local —
 * objects `{"k" = v, …}`, strings, numbers, booleans, `format(…)` calls and references — so that
 * tests see the document Terraform will encode, references as `<ref:…>`.
 */
class Expression {
  private i = 0;
  constructor(private readonly text: string) {}

  static evaluate(text: string): any {
    const reader = new Expression(text);
    const value = reader.value();
    reader.ws();
    if (reader.i !== text.length) throw new Error(`unread expression text: ${text.slice(reader.i, reader.i + 40)}`);
    return value;
  }

  private ws(): void {
    while (/\s/.test(this.text[this.i] ?? '')) this.i++;
  }

  private expect(c: string): void {
    this.ws();
    if (this.text[this.i] !== c) throw new Error(`expected '${c}' at ${this.i}: ${this.text.slice(this.i, this.i + 40)}`);
    this.i++;
  }

  private value(): any {
    this.ws();
    const c = this.text[this.i]!;
    if (c === '{') return this.object();
    if (c === '"') return this.string();
    if (/[-\d]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(this.text.slice(this.i))!;
      this.i += m[0].length;
      return Number(m[0]);
    }
    const m = /^[A-Za-z_][\w.\-[\]]*/.exec(this.text.slice(this.i));
    if (!m) throw new Error(`unexpected '${c}' at ${this.i}`);
    this.i += m[0].length;
    if (m[0] === 'true' || m[0] === 'false') return m[0] === 'true';
    this.ws();
    if (this.text[this.i] !== '(') return `<ref:${m[0]}>`;
    this.i++;
    const args: any[] = [];
    this.ws();
    while (this.text[this.i] !== ')') {
      args.push(this.value());
      this.ws();
      if (this.text[this.i] === ',') this.i++;
      this.ws();
    }
    this.i++;
    if (m[0] !== 'format') throw new Error(`function ${m[0]} is not evaluated here`);
    const [format, ...rest] = args as [string, ...unknown[]];
    return format.replace(/%s/g, () => String(rest.shift()));
  }

  private string(): string {
    this.expect('"');
    let out = '';
    while (this.text[this.i] !== '"') {
      if (this.text[this.i] === '\\') this.i++;
      if (this.text.startsWith('${', this.i)) throw new Error('an interpolation inside a string: references should be format() arguments');
      out += this.text[this.i++];
    }
    this.i++;
    return out;
  }

  private object(): Record<string, unknown> {
    this.expect('{');
    const out: Record<string, unknown> = {};
    this.ws();
    while (this.text[this.i] !== '}') {
      const key = this.string();
      this.expect('=');
      out[key] = this.value();
      this.ws();
      if (this.text[this.i] === ',') this.i++;
      this.ws();
    }
    this.i++;
    return out;
  }
}

/** The `feature_store.yaml` the release's pods get: the stack local the values reference, evaluated. */
function featureStoreYaml(stack: StackJson): Record<string, any> {
  const reference = String(valuesOf(feastRelease(stack)).feature_store_yaml_base64);
  const local = /^\$\{local\.([\w]+)\}$/.exec(reference)?.[1];
  expect(local, reference).toBeDefined();
  const expression = String(((stack as { locals?: Record<string, unknown> }).locals ?? {})[local!]);
  const m = /^\$\{base64encode\(yamlencode\(([\s\S]*)\)\)\}$/.exec(expression);
  if (!m) throw new Error(`not base64encode(yamlencode(…)): ${expression}`);
  return Expression.evaluate(m[1]!);
}

/** Every `$VAR` / `${VAR}` Feast expands in the document's strings. */
function expandedVariables(document: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(/\$(?:\{(\w+)\}|(\w+))/g)) found.add(m[1] ?? m[2]!);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(document);
  return [...found].sort();
}

/**
 * Credentials written into a `feature_store.yaml`: a user or password in the registry URL, or a
 * Redis password other than an environment reference.
 */
function inlineCredentials(document: Record<string, any>): string[] {
  const found: string[] = [];
  const path = String(document.registry?.path ?? '');
  if (/^[\w+]+:\/\/[^/]*@/.test(path)) found.push(`registry.path: ${path}`);
  for (const m of String(document.online_store?.connection_string ?? '').matchAll(/password=([^,]*)/g)) {
    if (!/^\$(\{\w+\}|\w+)$/.test(m[1]!)) found.push(`online_store.connection_string: password=${m[1]}`);
  }
  return found;
}

/** Environment variables of the release named like secrets that carry a value instead of a Secret reference. */
function literalSecretEnv(stack: StackJson): string[] {
  return Object.values(envOf(stack))
    .filter((e: any) => /PASSWORD|SECRET|TOKEN|KEY_ID/.test(e.name) && (e.value !== undefined || !e.valueFrom?.secretKeyRef))
    .map((e: any) => e.name);
}

describe('build on AWS: Feast on RDS, ElastiCache and S3', () => {
  const out = synthPlatform('aws', { registry: 'buy', featureStore: 'build' });
  const services = stackOf(out.stacks, '-services');
  const apps = stackOf(out.stacks, '-addons-apps');

  it('renders feature_store.yaml from the plan: SQL registry on the RDS instance, Redis online store on ElastiCache with TLS, files offline', () => {
    const yaml = featureStoreYaml(apps);
    expect(yaml.project).toBe('acme');
    expect(yaml.registry).toMatchObject({ registry_type: 'sql', cache_ttl_seconds: expect.any(Number) });
    expect(yaml.registry.path).toMatch(/^postgresql\+psycopg:\/\/<ref:data\.terraform_remote_state\.[^>]+aws_db_instanceFeatureStore_Database[^>]+address>:5432\/feast\?sslmode=require$/);
    expect(yaml.online_store.type).toBe('redis');
    expect(yaml.online_store.connection_string).toMatch(/^<ref:[^>]+aws_elasticache_replication_groupFeatureStore_OnlineStore[^>]+primary_endpoint_address>:6379,ssl=true,password=\$REDIS_PASSWORD$/);
    expect(yaml.offline_store).toEqual({ type: 'file' });
  });

  it('writes no credential into it: the only variable Feast expands is the Redis password, which the pods get from a Secret', () => {
    const yaml = featureStoreYaml(apps);
    expect(inlineCredentials(yaml)).toEqual([]);
    expect(expandedVariables(yaml)).toEqual(['REDIS_PASSWORD']);
    const env = envOf(apps);
    expect(env.REDIS_PASSWORD).toEqual({ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'feast-online-store', key: 'password' } } });
    // libpq takes the registry's user and password from the environment
    expect(env.PGUSER.valueFrom.secretKeyRef).toEqual({ name: 'feast-database', key: 'username' });
    expect(env.PGPASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'feast-database', key: 'password' });
    expect(env.PGSSLMODE.value).toBe('require');
    expect(literalSecretEnv(apps)).toEqual([]);
  });

  it('installs the pinned feature server, two replicas in prod, non-root, after its service account and both synced secrets', () => {
    const release = feastRelease(apps);
    expect(release).toMatchObject({ chart: CHARTS.feastFeatureServer.chart, repository: CHARTS.feastFeatureServer.repository, version: '0.66.0' });
    const values = valuesOf(release);
    expect(values).toMatchObject({
      fullnameOverride: 'feast',
      replicaCount: 2,
      feast_mode: 'online',
      metrics: { enabled: true },
      serviceAccount: { name: 'feast' },
      service: { type: 'ClusterIP', port: 80 },
      podSecurityContext: { runAsNonRoot: true },
      securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    });
    expect(values.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    const dependsOn = release.depends_on as string[];
    for (const what of ['kubernetes_service_account_v1.FeatureStore_ServiceAccount', 'FeatureStore_DatabaseSecret', 'FeatureStore_OnlineStoreSecret']) {
      expect(dependsOn.some((d) => d.includes(what)), what).toBe(true);
    }
    const sa = Object.values(resources(apps, 'kubernetes_service_account_v1')).find((s: any) => s.metadata.name === 'feast') as any;
    expect(String(sa.metadata.annotations['eks.amazonaws.com/role-arn'])).toMatch(/FeatureStore_Identity_Role/);
  });

  it("sets only keys the pinned chart's values.yaml has", () => {
    expect(unknownValuesKeys('feast-feature-server', CHARTS.feastFeatureServer.version, valuesOf(feastRelease(apps)))).toEqual([]);
  });

  it('copies the RDS and ElastiCache secrets into loom-system through External Secrets, as the feast service account', () => {
    for (const name of ['feast-database', 'feast-online-store']) {
      const store = customResource(apps, 'SecretStore', name);
      expect(store.spec.provider.aws).toMatchObject({ service: 'SecretsManager', region: 'us-east-1', auth: { jwt: { serviceAccountRef: { name: 'feast' } } } });
      expect(customResourceErrors(store)).toEqual([]);
      expect(customResourceErrors(customResource(apps, 'ExternalSecret', name))).toEqual([]);
      expect(releaseOf(apps, 'ExternalSecret', name).resource.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes_service_account_v1\.FeatureStore_ServiceAccount/)]));
    }
    const database = customResource(apps, 'ExternalSecret', 'feast-database');
    expect(database.spec.data.map((d: any) => [d.secretKey, d.remoteRef.property])).toEqual([
      ['username', 'username'],
      ['password', 'password'],
    ]);
    expect(String(database.spec.data[0].remoteRef.key)).toMatch(/master_user_secret0secret_arn/);
    const online = customResource(apps, 'ExternalSecret', 'feast-online-store');
    expect(online.spec.data.map((d: any) => [d.secretKey, d.remoteRef.property])).toEqual([['password', 'password']]);
    expect(String(online.spec.data[0].remoteRef.key)).toMatch(/aws_secretsmanager_secretFeatureStore_OnlineStore_AuthToken\w*arn/);
  });

  it('runs Feast as its own IRSA role: trusted by loom-system/feast only, allowed its offline prefix and its two secrets, nothing else', () => {
    const role = findResources(services, 'aws_iam_role', { name: 'acme-feast' })[0]!;
    const trust = parseInterpolatedJson(String(role.assume_role_policy));
    expect(trust.Statement[0].Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(JSON.stringify(trust.Statement[0].Condition)).toContain('system:serviceaccount:loom-system:feast');
    const policies = findResources(services, 'aws_iam_role_policy').filter((p) => String(p.role).includes('FeatureStore_Identity_Role'));
    expect(policies).toHaveLength(3);
    const documents = policies.map((p) => parseInterpolatedJson(String(p.policy)));
    const secretReads = documents.filter((d) => d.Statement[0].Action.includes('secretsmanager:GetSecretValue')).map((d) => String(d.Statement[0].Resource));
    expect(secretReads.sort()).toEqual([expect.stringMatching(/aws_db_instance\.FeatureStore_Database_Instance_\w+\.master_user_secret\[0\]\.secret_arn/), expect.stringMatching(/aws_secretsmanager_secret\.FeatureStore_OnlineStore_AuthToken_\w+\.arn/)].sort());
    const s3 = documents.find((d) => JSON.stringify(d).includes('s3:PutObject'))!;
    const objects = s3.Statement.find((s: any) => s.Action.includes('s3:PutObject'));
    expect(String(objects.Resource)).toMatch(/\/offline\/\*$/);
    const listing = s3.Statement.find((s: any) => s.Action.includes('s3:ListBucket'));
    expect(listing.Condition.StringLike['s3:prefix']).toEqual(['offline', 'offline/*']);
  });

  it('keeps the registry and online store in the data tier, opened to the apps cluster only (5432 and 6379)', () => {
    expect(findResources(services, 'aws_db_instance')[0]).toMatchObject({ identifier: 'acme-feast', db_name: 'feast', manage_master_user_password: true });
    expect(findResources(services, 'aws_elasticache_replication_group')[0]).toMatchObject({ replication_group_id: 'acme-feast', transit_encryption_mode: 'required', num_cache_clusters: 2 });
    const ports = findResources(services, 'aws_vpc_security_group_ingress_rule').map((r) => r.from_port);
    expect(ports.sort()).toEqual([5432, 6379]);
  });

  it('is reachable inside the platform only: ClusterIP on its cluster, an internal NLB for the network elsewhere', () => {
    const lbs = Object.values(resources(apps, 'kubernetes_service_v1')) as any[];
    expect(lbs).toHaveLength(1);
    const lb = lbs[0];
    expect(lb.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internal');
    expect(lb.spec).toMatchObject({ type: 'LoadBalancer', load_balancer_source_ranges: ['10.0.0.0/16'], selector: { 'app.kubernetes.io/name': 'feast-feature-server', 'app.kubernetes.io/instance': 'feast' } });
    expect(lb.spec.port).toEqual([expect.objectContaining({ port: 80, target_port: 'online' })]);
    expect(lb.depends_on).toEqual([expect.stringMatching(/^helm_release\.FeatureStore_Release/)]);
    expect(platformConfig(apps).data.LOOM_FEATURE_STORE_ENDPOINT).toBe(feastClusterUrl);
    // its fixed name, not the load balancer's address read back from this stack
    expect(platformConfig(stackOf(out.stacks, '-addons-training')).data.LOOM_FEATURE_STORE_ENDPOINT).toBe('http://feast.acme.internal');
    expect(lb.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses']).toMatch(/^(10\.0\.\d+\.226,){2}10\.0\.\d+\.226$/);
  });

  it('outputs the endpoint, the offline store (the bucket prefix) and the registry without credentials', () => {
    expect(apps.output!.feature_store_endpoint!.value).toBe('http://feast.acme.internal');
    expect(String(apps.output!.feature_store_offline_store!.value)).toMatch(/^s3:\/\/\$\{[^}]+\}\/offline$/);
    expect(String(apps.output!.feature_store_registry!.value)).toMatch(/^postgresql:\/\/\$\{[^}]+address\}:5432\/feast$/);
  });

  it('puts no secret value in any stack', () => {
    for (const [name, stack] of Object.entries(out.stacks)) expect(literalSecrets(stack), name).toEqual([]);
    const text = JSON.stringify(out.stacks);
    expect(text).not.toMatch(/password=(?!\$REDIS_PASSWORD)/);
  });
});

describe('build on Google Cloud: Feast on Cloud SQL, Memorystore and GCS', () => {
  const out = synthPlatform('gcp', { registry: 'buy', featureStore: 'build' });
  const services = stackOf(out.stacks, '-services');
  const apps = stackOf(out.stacks, '-addons-apps');

  it("connects to Memorystore on the instance's own port with TLS, verifying its server CA from a mounted ConfigMap", () => {
    const yaml = featureStoreYaml(apps);
    expect(yaml.registry.path).toMatch(/^postgresql\+psycopg:\/\/<ref:[^>]+google_sql_database_instanceFeatureStore_Database[^>]+private_ip_address>:5432\/feast\?sslmode=require$/);
    expect(yaml.online_store.connection_string).toMatch(
      /^<ref:[^>]+google_redis_instanceFeatureStore_OnlineStore[^>]+host>:<ref:[^>]+google_redis_instanceFeatureStore_OnlineStore[^>]+port>,ssl=true,ssl_ca_certs=\/etc\/feast\/online-store-ca\/ca\.crt,password=\$REDIS_PASSWORD$/,
    );
    expect(inlineCredentials(yaml)).toEqual([]);
    const ca = findResources(apps, 'kubernetes_config_map_v1').find((c: any) => c.metadata.name === 'feast-online-store-ca') as any;
    expect(String(ca.data['ca.crt'])).toMatch(/server_ca_certs/);
    const values = valuesOf(feastRelease(apps));
    expect(values.volumes).toContainEqual({ name: 'online-store-ca', configMap: { name: 'feast-online-store-ca' } });
    expect(values.volumeMounts).toContainEqual({ name: 'online-store-ca', mountPath: '/etc/feast/online-store-ca', readOnly: true });
    expect(findResources(services, 'google_redis_instance')[0]).toMatchObject({ auth_enabled: true, transit_encryption_mode: 'SERVER_AUTHENTICATION', tier: 'STANDARD_HA' });
  });

  it('keeps the registry as a built-in Cloud SQL user and reads both secrets through External Secrets as its Workload Identity account', () => {
    expect(findResources(services, 'google_sql_user')[0]).toMatchObject({ name: 'feast', type: 'BUILT_IN' });
    expect(findResources(services, 'google_service_account_iam_member', { role: 'roles/iam.workloadIdentityUser' }).some((b) => String(b.member).includes('[loom-system/feast]'))).toBe(true);
    const accessors = findResources(services, 'google_secret_manager_secret_iam_member', { role: 'roles/secretmanager.secretAccessor' });
    expect(accessors).toHaveLength(2);
    for (const name of ['feast-database', 'feast-online-store']) {
      expect(customResource(apps, 'SecretStore', name).spec.provider.gcpsm).toMatchObject({ projectID: 'acme-ml-prod', auth: { workloadIdentity: { serviceAccountRef: { name: 'feast' } } } });
    }
    // Memorystore's secret holds the AUTH string itself, read by the secret's name in the project
    const online = customResource(apps, 'ExternalSecret', 'feast-online-store');
    expect(online.spec.data).toHaveLength(1);
    expect(online.spec.data[0].remoteRef).not.toHaveProperty('property');
    expect(String(online.spec.data[0].remoteRef.key)).toMatch(/secret_id\}?$/);
    expect(findResources(services, 'google_storage_bucket_iam_member').length).toBeGreaterThan(0);
  });

  it('is behind a GKE internal load balancer outside its cluster; no secret value anywhere', () => {
    const lb = Object.values(resources(apps, 'kubernetes_service_v1'))[0] as any;
    expect(lb.metadata.annotations).toEqual({ 'networking.gke.io/load-balancer-type': 'Internal', 'networking.gke.io/load-balancer-ip-addresses': 'acme-feast' });
    expect(lb.spec.load_balancer_ip).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(apps.output!.feature_store_endpoint!.value).toBe('http://feast.acme.internal');
    expect(String(apps.output!.feature_store_offline_store!.value)).toMatch(/^gs:\/\/\$\{[^}]+\}\/offline$/);
    for (const [name, stack] of Object.entries(out.stacks)) expect(literalSecrets(stack), name).toEqual([]);
    expect(literalSecretEnv(apps)).toEqual([]);
  });
});

describe('build on existing clusters: Feast on CloudNativePG, Valkey and the data centre’s object store', () => {
  const out = synthPlatform('kubernetes', { registry: 'build', featureStore: 'build' });
  const apps = stackOf(out.stacks, '-addons-apps');

  it('keeps the registry in a CloudNativePG cluster whose generated secret the pods read; no External Secrets', () => {
    expect(customResource(apps, 'Cluster', 'feast').spec).toMatchObject({ bootstrap: { initdb: { database: 'feast', owner: 'feast' } } });
    expect(featureStoreYaml(apps).registry.path).toBe('postgresql+psycopg://feast-rw.loom-system.svc:5432/feast?sslmode=require');
    expect(envOf(apps).PGPASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'feast-app', key: 'password' });
    expect(releases(apps)['external-secrets']).toBeUndefined();
  });

  it("keeps online features in the valkey chart, authenticated with the operator's Secret", () => {
    const valkey = chartRelease(apps, 'valkey');
    expect(valkey.resource.name).toBe('feast-valkey');
    expect(valkey.values.auth).toMatchObject({ enabled: true, usersExistingSecret: FEAST_VALKEY_AUTH_SECRET });
    expect(featureStoreYaml(apps).online_store.connection_string).toBe('feast-valkey.loom-system.svc:6379,password=$REDIS_PASSWORD');
    expect(envOf(apps).REDIS_PASSWORD.valueFrom.secretKeyRef).toEqual({ name: FEAST_VALKEY_AUTH_SECRET, key: 'password' });
    const dependsOn = feastRelease(apps).depends_on as string[];
    expect(dependsOn.some((d) => d.includes('FeatureStore_Database_Cluster'))).toBe(true);
    expect(dependsOn.some((d) => d.includes('FeatureStore_OnlineStore_Release'))).toBe(true);
  });

  it('reads the Valkey password from the Secret onlineStore.authSecret names', () => {
    const custom = synthSpec(platformSpec('kubernetes', { featureStore: 'build' }, { components: { featureStore: { mode: 'build', onlineStore: { authSecret: 'dc-valkey-auth' } } } }));
    try {
      const stack = stackOf(custom.stacks, '-addons-apps');
      expect(chartRelease(stack, 'valkey').values.auth).toMatchObject({ usersExistingSecret: 'dc-valkey-auth' });
      expect(envOf(stack).REDIS_PASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'dc-valkey-auth', key: 'password' });
    } finally {
      custom.cleanup();
    }
  });

  it('keeps offline files under feast/offline of the named bucket, with the operator’s keys and the store’s endpoint; a load balancer of the premises’ kind for the other clusters', () => {
    const env = envOf(apps);
    expect(env.AWS_ACCESS_KEY_ID.valueFrom.secretKeyRef).toEqual({ name: ONPREM_OBJECT_STORAGE.credentialsSecret, key: 'AWS_ACCESS_KEY_ID' });
    expect(env.AWS_SECRET_ACCESS_KEY.valueFrom.secretKeyRef).toEqual({ name: ONPREM_OBJECT_STORAGE.credentialsSecret, key: 'AWS_SECRET_ACCESS_KEY' });
    expect(env.AWS_ENDPOINT_URL_S3.value).toBe(ONPREM_OBJECT_STORAGE.endpoint);
    expect(String(apps.output!.feature_store_offline_store!.value)).toBe('s3://ml-platform/feast/offline');
    // whatever implements LoadBalancer Services there (MetalLB gives an address, others a name)
    expect(String(apps.output!.feature_store_endpoint!.value)).toMatch(/^http:\/\/\$\{coalesce\(kubernetes_service_v1\.\w+\.status\[0\]\.load_balancer\[0\]\.ingress\[0\]\.hostname, kubernetes_service_v1\.\w+\.status\[0\]\.load_balancer\[0\]\.ingress\[0\]\.ip\)\}$/);
    const service = Object.values(resources(apps, 'kubernetes_service_v1'))[0] as any;
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.metadata.annotations).toEqual({});
    expect(service.spec).not.toHaveProperty('load_balancer_source_ranges');
    const other = platformConfig(stackOf(out.stacks, '-addons-gpu')).data;
    expect(String(other.LOOM_FEATURE_STORE_ENDPOINT)).toMatch(/coalesce/);
    expect(platformConfig(apps).data.LOOM_FEATURE_STORE_ENDPOINT).toBe(feastClusterUrl);
    expect(valuesOf(feastRelease(apps)).replicaCount).toBe(2); // the onprem fixture is prod
    expect(literalSecretEnv(apps)).toEqual([]);
    for (const [name, stack] of Object.entries(out.stacks)) expect(literalSecrets(stack), name).toEqual([]);
  });
});

describe('sizes and grants', () => {
  const synthDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-feast-'));
    dirs.push(dir);
    return dir;
  };

  it('runs one server outside prod, the spec’s replicas when given, and sizes the valkey pods from onlineStore.replicas', () => {
    const dev = synthSpec({ ...onpremSpec({ environment: 'dev' }), objectStorage: { ...ONPREM_OBJECT_STORAGE }, components: { featureStore: { mode: 'build' } } });
    dirs.push(dev.dir);
    expect(valuesOf(feastRelease(stackOf(dev.stacks, '-addons-apps'))).replicaCount).toBe(1);
    const sized = synthSpec({
      ...onpremSpec({ environment: 'dev' }),
      objectStorage: { ...ONPREM_OBJECT_STORAGE },
      components: { featureStore: { mode: 'build', replicas: 3, onlineStore: { replicas: 3 } } },
    });
    dirs.push(sized.dir);
    const apps = stackOf(sized.stacks, '-addons-apps');
    expect(valuesOf(feastRelease(apps)).replicaCount).toBe(3);
    expect(chartRelease(apps, 'valkey').values.replica).toMatchObject({ enabled: true, replicas: 2 });
  });

  it("grants a consumer's role the offline prefix (read or write), nothing on the registry or the online store", () => {
    const dir = synthDir();
    const app = new App({ outdir: dir });
    const { name, ...props } = { ...awsSpec(), components: { featureStore: { mode: 'build' } } };
    const platform = new MlPlatform(app, name, props as never);
    const store = platform.components.featureStore as IFeatureStore;
    expect(store.product).toBe('feast');
    const trainer = (platform.clusters.training as EksCluster).addServiceAccountRole('TrainerRole', 'loom-workloads', 'trainer');
    store.grantRead({ kind: 'aws-iam-role', roleName: trainer.role.name, roleArn: trainer.role.arn });
    expect((store as FeastFeatureStore).onlineEndpointFor((platform.clusters.apps as EksCluster))).toBe(feastClusterUrl);
    app.synth();
    const services = readStacks(dir)['acme-services']!;
    const grants = findResources(services, 'aws_iam_role_policy').filter((p) => String(p.role).includes('TrainerRole'));
    expect(grants).toHaveLength(1);
    const doc = parseInterpolatedJson(String(grants[0]!.policy));
    const actions = doc.Statement.flatMap((s: any) => s.Action);
    expect(actions).toContain('s3:GetObject');
    expect(actions).not.toContain('s3:PutObject');
    expect(actions.some((a: string) => /secretsmanager|elasticache|rds/.test(a))).toBe(false);
  });

  it('the credential checks fail on a document with a password written in', () => {
    expect(inlineCredentials({ registry: { path: 'postgresql+psycopg://feast:hunter2@db:5432/feast' }, online_store: { connection_string: 'kv:6379,ssl=true,password=$REDIS_PASSWORD' } })).toEqual([
      'registry.path: postgresql+psycopg://feast:hunter2@db:5432/feast',
    ]);
    expect(inlineCredentials({ registry: { path: 'postgresql+psycopg://db:5432/feast' }, online_store: { connection_string: 'kv:6379,password=hunter2' } })).toEqual(['online_store.connection_string: password=hunter2']);
    expect(literalSecretEnv({ resource: { helm_release: { r: { name: 'feast', values: [JSON.stringify({ extraEnvs: [{ name: 'REDIS_PASSWORD', value: 'hunter2' }] })] } } } } as never)).toEqual(['REDIS_PASSWORD']);
  });
});
