/**
 * The rules of experiment tracking's and the feature store's keys (issue 10, Validation):
 * sizes that do nothing where they are written, sizes the cloud refuses, prod's availability, the
 * names the stores derive, and the rules every component shares (buy where it cannot be, a
 * cluster of the wrong flavour) as they apply to these two.
 */
import { describe, expect, it } from 'vitest';
import { checkRules, platformSchema } from '../../schema';
import { cloudSqlTierProblem, storeNameProblems } from '../../schema/component-rules';
import { DATABASE_PROFILES } from '../../catalog/databases';
import { KEY_VALUE_PROFILES } from '../../catalog/key-value';
import { COMPONENT_STORES, STORE_NAME_LIMITS } from '../../plan/stores';
import { awsSpec, errorsAt, errorsOf, gcpSpec, issue, k8sSpec, onlyError, valid, type Spec } from './fixtures';

const STORE = { endpoint: 'https://s3.dc1.example.internal', bucket: 'ml-platform', credentialsSecret: 'dc1-object-storage' };
const onprem = (overrides: Spec = {}) => k8sSpec({ objectStorage: { ...STORE }, ...overrides });
const PROD_AWS = { environment: 'prod', state: { backend: 's3', bucket: 'acme-tfstate' } };
const PROD_GCP = { environment: 'prod', state: { backend: 'gcs', bucket: 'acme-tfstate' } };
const PROD_K8S = { environment: 'prod', state: { backend: 's3', bucket: 'acme-tfstate', endpoint: 'https://s3.dc1.example.internal' } };

/** Warnings about components of a spec that validates. */
const componentWarnings = (spec: Spec) => valid(spec).warnings.filter((w) => w.path.startsWith('components.'));

describe('rules every component shares, for experimentTracking and featureStore', () => {
  it.each(['experimentTracking', 'featureStore'])('%s: buy is refused on cloud: kubernetes', (name) => {
    expect(onlyError(onprem({ components: { [name]: { mode: 'buy' } } }))).toEqual(issue(`components.${name}.mode`, 'buy is not available with cloud: kubernetes'));
  });

  it.each(['experimentTracking', 'featureStore'])('%s: buy is refused under managedServices: forbidden', (name) => {
    const spec = awsSpec({ dataResidency: { managedServices: 'forbidden' }, components: { [name]: { mode: 'buy' } } });
    expect(onlyError(spec)).toEqual(issue(`components.${name}.mode`, 'buy is not allowed: dataResidency.managedServices is forbidden'));
  });

  it('experimentTracking on a batch cluster is refused: it runs on microservice clusters', () => {
    expect(onlyError(awsSpec({ components: { experimentTracking: { mode: 'build', cluster: 'training' } } }))).toEqual({
      path: 'components.experimentTracking.cluster',
      message: "'training' is a batch cluster; experimentTracking runs on microservice clusters",
    });
  });

  it('featureStore on a streaming cluster is refused: it runs on microservice clusters', () => {
    expect(onlyError(awsSpec({ components: { featureStore: { mode: 'build', cluster: 'events' } } }))).toEqual({
      path: 'components.featureStore.cluster',
      message: "'events' is a streaming cluster; featureStore runs on microservice clusters",
    });
  });

  it('built without a microservice cluster to default to, both are refused; bought, neither needs one', () => {
    const noApps = awsSpec({ components: { experimentTracking: { mode: 'build' }, featureStore: { mode: 'build' } } });
    noApps.clusters.splice(0, 1);
    expect(errorsOf(noApps)).toEqual([
      { path: 'components.experimentTracking.cluster', message: 'no microservice cluster to run experimentTracking on; add one or name a cluster' },
      { path: 'components.featureStore.cluster', message: 'no microservice cluster to run featureStore on; add one or name a cluster' },
    ]);
    const bought = awsSpec({ components: { experimentTracking: { mode: 'buy' }, featureStore: { mode: 'buy' } } });
    bought.clusters.splice(0, 1);
    valid(bought);
  });

  it('sizes out of the schema range are refused', () => {
    const spec = awsSpec({ components: { featureStore: { mode: 'build', replicas: 0, database: { storageGb: 20000 }, onlineStore: { replicas: 7 } } } });
    expect(errorsAt(spec, 'components.featureStore.replicas')).toEqual(['must be >= 1, got number 0']);
    expect(errorsAt(spec, 'components.featureStore.database.storageGb')).toEqual(['must be <= 16384, got number 20000']);
    expect(errorsAt(spec, 'components.featureStore.onlineStore.replicas')).toEqual(['must be <= 6, got number 7']);
  });
});

describe('database sizes', () => {
  it('database.instances is refused on aws and gcp, naming the cloud', () => {
    expect(onlyError(awsSpec({ components: { experimentTracking: { mode: 'build', database: { instances: 2 } } } }))).toEqual(
      issue('components.experimentTracking.database.instances', /^is only for cloud: kubernetes \(the instances of a CloudNativePG cluster\); on aws RDS is one instance, with a Multi-AZ standby in prod, so remove it$/),
    );
    expect(onlyError(gcpSpec({ components: { featureStore: { mode: 'build', database: { instances: 3 } } } }))).toEqual(
      issue('components.featureStore.database.instances', 'on gcp Cloud SQL is one instance, with REGIONAL availability in prod, so remove it'),
    );
    expect(valid(onprem({ components: { featureStore: { mode: 'build', database: { instances: 2 } } } })).spec.components.featureStore?.database).toEqual({ instances: 2 });
  });

  it('database.instanceClass is refused on cloud: kubernetes', () => {
    expect(onlyError(onprem({ components: { experimentTracking: { mode: 'build', database: { instanceClass: 'db.m7g.large' } } } }))).toEqual(
      issue('components.experimentTracking.database.instanceClass', /^has no meaning with cloud: kubernetes .*remove it, and size the volume with storageGb$/),
    );
  });

  it("a Cloud SQL tier on aws is refused, naming the RDS form and the environment's default", () => {
    const dev = awsSpec({ components: { experimentTracking: { mode: 'build', database: { instanceClass: 'db-custom-2-7680' } } } });
    expect(onlyError(dev)).toEqual({
      path: 'components.experimentTracking.database.instanceClass',
      message: `'db-custom-2-7680' is a Cloud SQL tier, not an RDS instance class; on aws use db.<family>.<size>, e.g. ${DATABASE_PROFILES.dev.rds.instanceClass} (the dev default)`,
    });
    const staging = awsSpec({ environment: 'staging', state: { backend: 's3', bucket: 'acme-tfstate' }, components: { featureStore: { mode: 'build', database: { instanceClass: 'db-custom-1-3840' } } } });
    expect(onlyError(staging)).toEqual(issue('components.featureStore.database.instanceClass', `e.g. ${DATABASE_PROFILES.staging.rds.instanceClass} (the staging default)`));
    expect(valid(awsSpec({ components: { experimentTracking: { mode: 'build', database: { instanceClass: 'db.r7g.xlarge' } } } })).ok).toBe(true);
  });

  it("an RDS class on gcp is refused, naming the Cloud SQL form and the environment's default", () => {
    expect(onlyError(gcpSpec({ components: { featureStore: { mode: 'build', database: { instanceClass: 'db.m7g.large' } } } }))).toEqual({
      path: 'components.featureStore.database.instanceClass',
      message: `'db.m7g.large' is an RDS instance class, not a Cloud SQL tier; on gcp use db-custom-<vCPUs>-<MiB>, e.g. ${DATABASE_PROFILES.dev.cloudSql.tier} (the dev default)`,
    });
    expect(valid(gcpSpec({ components: { featureStore: { mode: 'build', database: { instanceClass: 'db-custom-4-15360' } } } })).ok).toBe(true);
  });

  it('Cloud SQL tiers the Enterprise edition cannot run are refused on gcp', () => {
    const at = (instanceClass: string) => errorsAt(gcpSpec({ components: { experimentTracking: { mode: 'build', database: { instanceClass } } } }), 'components.experimentTracking.database.instanceClass');
    // Enterprise Plus tiers (db-perf-optimized-N-<vCPUs>) are refused by the schema's pattern already
    expect(at('db-perf-optimized-N-8')).toEqual([expect.stringContaining('a Cloud SQL tier such as db-custom-2-7680')]);
    expect(at('db-custom-3-11520')).toEqual(["'db-custom-3-11520' has 3 vCPUs; Cloud SQL takes 1 or an even number from 2 to 96"]);
    expect(at('db-custom-2-7000')).toEqual([expect.stringContaining('Cloud SQL takes a multiple of 256 MiB')]);
    expect(at('db-custom-1-1024')).toEqual([expect.stringContaining('so 3840 to 6656 MiB here')]);
    expect(at('db-custom-2-14336')).toEqual([expect.stringContaining('so 3840 to 13312 MiB here')]);
  });

  it('cloudSqlTierProblem takes the tiers of every environment and the bounds of the memory rule', () => {
    for (const env of ['dev', 'staging', 'prod'] as const) expect(cloudSqlTierProblem(DATABASE_PROFILES[env].cloudSql.tier)).toBeUndefined();
    expect(cloudSqlTierProblem('db-perf-optimized-N-8')).toMatch(/Enterprise Plus tier/);
    expect(cloudSqlTierProblem('db-custom-1-6656')).toBeUndefined();
    expect(cloudSqlTierProblem('db-custom-1-6912')).toMatch(/3840 to 6656 MiB/);
    expect(cloudSqlTierProblem('db-custom-96-624640')).toBeUndefined();
    expect(cloudSqlTierProblem('db-custom-98-627200')).toMatch(/has 98 vCPUs/);
    expect(cloudSqlTierProblem('db-custom-16-14336')).toMatch(/so 14848 to 106496 MiB here/);
  });

  it('storageGb below 20 is refused on aws (RDS), taken on gcp and existing clusters', () => {
    expect(onlyError(awsSpec({ components: { experimentTracking: { mode: 'build', database: { storageGb: 10 } } } }))).toEqual({
      path: 'components.experimentTracking.database.storageGb',
      message: `must be at least 20 GB on aws (RDS's smallest gp3 volume), got 10; set storageGb: 20 or more, or leave it out for the dev default of ${DATABASE_PROFILES.dev.rds.storageGb}`,
    });
    valid(awsSpec({ components: { experimentTracking: { mode: 'build', database: { storageGb: 20 } } } }));
    valid(gcpSpec({ components: { experimentTracking: { mode: 'build', database: { storageGb: 10 } } } }));
    valid(onprem({ components: { experimentTracking: { mode: 'build', database: { storageGb: 10 } } } }));
  });

  it('a CloudNativePG cluster of one instance is refused in prod, taken in dev', () => {
    expect(onlyError(onprem({ ...PROD_K8S, components: { experimentTracking: { mode: 'build', database: { instances: 1 } } } }))).toEqual(
      issue('components.experimentTracking.database.instances', `must be at least 2 in prod (a primary and a streaming replica`),
    );
    valid(onprem({ ...PROD_K8S, components: { experimentTracking: { mode: 'build', database: { instances: 2 } } } }));
    valid(onprem({ components: { experimentTracking: { mode: 'build', database: { instances: 1 } } } }));
  });
});

describe('online store sizes', () => {
  it('nodeType is for aws only', () => {
    expect(onlyError(gcpSpec({ components: { featureStore: { mode: 'build', onlineStore: { nodeType: 'cache.r7g.large' } } } }))).toEqual({
      path: 'components.featureStore.onlineStore.nodeType',
      message: `is only for cloud: aws (the ElastiCache node type); on gcp size Memorystore with memorySizeGb (the dev default is ${KEY_VALUE_PROFILES.dev.memorystore.memorySizeGb}), so remove it`,
    });
    expect(onlyError(onprem({ components: { featureStore: { mode: 'build', onlineStore: { nodeType: 'cache.r7g.large' } } } }))).toEqual(
      issue('components.featureStore.onlineStore.nodeType', 'on cloud: kubernetes valkey runs as pods on the cluster, so remove it'),
    );
    valid(awsSpec({ components: { featureStore: { mode: 'build', onlineStore: { nodeType: 'cache.r7g.large', replicas: 3 } } } }));
  });

  it('authSecret (the in-cluster Valkey password Secret) is for cloud: kubernetes only', () => {
    expect(onlyError(awsSpec({ components: { featureStore: { mode: 'build', onlineStore: { authSecret: 'valkey-auth' } } } }))).toEqual(
      issue('components.featureStore.onlineStore.authSecret', "on aws the online store's password is generated in the cloud's secret manager"),
    );
    valid(onprem({ components: { featureStore: { mode: 'build', onlineStore: { authSecret: 'valkey-auth' } } } }));
  });

  it('memorySizeGb is for gcp only', () => {
    expect(onlyError(awsSpec({ components: { featureStore: { mode: 'build', onlineStore: { memorySizeGb: 4 } } } }))).toEqual({
      path: 'components.featureStore.onlineStore.memorySizeGb',
      message: `is only for cloud: gcp (Memorystore's memory); on aws pick a nodeType instead (the dev default is ${KEY_VALUE_PROFILES.dev.elastiCache.nodeType}), so remove it`,
    });
    expect(onlyError(onprem({ components: { featureStore: { mode: 'build', onlineStore: { memorySizeGb: 4 } } } }))).toEqual(
      issue('components.featureStore.onlineStore.memorySizeGb', 'on cloud: kubernetes valkey runs as pods'),
    );
    valid(gcpSpec({ components: { featureStore: { mode: 'build', onlineStore: { memorySizeGb: 4 } } } }));
  });

  it('replicas mean nothing to Memorystore (gcp); they count valkey pods on existing clusters', () => {
    expect(onlyError(gcpSpec({ components: { featureStore: { mode: 'build', onlineStore: { replicas: 2 } } } }))).toEqual(
      issue('components.featureStore.onlineStore.replicas', /^has no meaning on gcp: Memorystore keeps one replica in another zone in prod \(STANDARD_HA\)/),
    );
    valid(onprem({ components: { featureStore: { mode: 'build', onlineStore: { replicas: 3 } } } }));
  });

  it('one ElastiCache node in prod is refused (no failover)', () => {
    expect(onlyError(awsSpec({ ...PROD_AWS, components: { featureStore: { mode: 'build', onlineStore: { replicas: 1 } } } }))).toEqual(
      issue('components.featureStore.onlineStore.replicas', `must be at least 2 in prod on aws (a primary and a replica in another zone, with automatic failover), got 1; leave it out for the prod default of ${KEY_VALUE_PROFILES.prod.elastiCache.nodes}`),
    );
    valid(awsSpec({ components: { featureStore: { mode: 'build', onlineStore: { replicas: 1 } } } }));
  });
});

describe('replicas in prod', () => {
  it.each([
    ['experimentTracking', 'MLflow'],
    ['featureStore', "Feast's feature server"],
  ])('%s built with one replica in prod is refused', (name, product) => {
    expect(onlyError(awsSpec({ ...PROD_AWS, components: { [name]: { mode: 'build', replicas: 1 } } }))).toEqual({
      path: `components.${name}.replicas`,
      message: `must be at least 2 in prod (a rolling update or a node loss must not take ${product} down), got 1; set replicas: 2 or more, or leave it out for the prod default of 2`,
    });
  });

  it('is taken with 2 in prod, with 1 in dev and staging, and left to the default', () => {
    valid(awsSpec({ ...PROD_AWS, components: { experimentTracking: { mode: 'build', replicas: 2 }, featureStore: { mode: 'build' } } }));
    valid(gcpSpec({ ...PROD_GCP, components: { featureStore: { mode: 'build', replicas: 3 } } }));
    valid(awsSpec({ components: { experimentTracking: { mode: 'build', replicas: 1 } } }));
    valid(awsSpec({ environment: 'staging', components: { featureStore: { mode: 'build', replicas: 1 } } }));
  });
});

describe('keys of the other mode (warnings)', () => {
  it('sizes given with mode: buy are build-only: a warning each, naming the managed service', () => {
    const spec = awsSpec({
      ...PROD_AWS,
      components: {
        experimentTracking: { mode: 'buy', replicas: 1, database: { instanceClass: 'db.m7g.large' } },
        featureStore: { mode: 'buy', onlineStore: { nodeType: 'cache.m7g.large' } },
      },
    });
    // buy's sizes are not judged as build's (one replica in prod is no error here)
    expect(componentWarnings(spec)).toEqual([
      issue('components.experimentTracking.database', /^is only used by build \(the PostgreSQL of MLflow's backend store\); buy is SageMaker managed MLflow, which keeps its own store \(size it with trackingServerSize\), so remove it$/),
      issue('components.experimentTracking.replicas', "is only used by build (MLflow's replicas); buy is SageMaker managed MLflow"),
      issue('components.featureStore.onlineStore', 'buy is SageMaker Feature Store, which serves online features itself, so remove it'),
    ]);
    expect(componentWarnings(gcpSpec({ components: { featureStore: { mode: 'buy', database: { storageGb: 10 } } } }))).toEqual([
      issue('components.featureStore.database', 'buy is Vertex AI Feature Store'),
    ]);
  });

  it('trackingServerSize is for buy on aws only', () => {
    expect(componentWarnings(awsSpec({ components: { experimentTracking: { mode: 'buy', trackingServerSize: 'Large' } } }))).toEqual([]);
    expect(componentWarnings(awsSpec({ components: { experimentTracking: { mode: 'build', trackingServerSize: 'Medium' } } }))).toEqual([
      {
        path: 'components.experimentTracking.trackingServerSize',
        message: "is only used by buy on aws (SageMaker managed MLflow's size); build runs MLflow on the cluster, sized by replicas and database, so remove it",
      },
    ]);
    expect(componentWarnings(gcpSpec({ components: { experimentTracking: { mode: 'buy', trackingServerSize: 'Medium' } } }))).toEqual([
      issue('components.experimentTracking.trackingServerSize', 'buy on gcp is Vertex AI Experiments, so remove it'),
    ]);
    // the default says nothing
    expect(componentWarnings(gcpSpec({ components: { experimentTracking: { mode: 'buy', trackingServerSize: 'Small' } } }))).toEqual([]);
  });

  it('tensorboard is for buy on gcp only', () => {
    expect(componentWarnings(gcpSpec({ components: { experimentTracking: { mode: 'buy', tensorboard: true } } }))).toEqual([]);
    expect(componentWarnings(gcpSpec({ components: { experimentTracking: { mode: 'build', tensorboard: true } } }))).toEqual([
      issue('components.experimentTracking.tensorboard', 'is only used by buy on gcp (a Vertex AI TensorBoard); build runs MLflow, which has no TensorBoard instance, so remove it'),
    ]);
    expect(componentWarnings(awsSpec({ components: { experimentTracking: { mode: 'buy', tensorboard: true } } }))).toEqual([
      issue('components.experimentTracking.tensorboard', 'buy on aws is SageMaker managed MLflow, so remove it'),
    ]);
  });

  it('onlineServing and bigtableNodes are for buy on gcp only', () => {
    expect(componentWarnings(gcpSpec({ components: { featureStore: { mode: 'buy', onlineServing: 'bigtable', bigtableNodes: { min: 2, max: 6 } } } }))).toEqual([]);
    expect(componentWarnings(awsSpec({ components: { featureStore: { mode: 'buy', onlineServing: 'bigtable', bigtableNodes: { min: 2, max: 6 } } } }))).toEqual([
      issue('components.featureStore.bigtableNodes', 'is only used by buy on gcp with onlineServing: bigtable; buy on aws is SageMaker Feature Store, so remove it'),
      issue('components.featureStore.onlineServing', 'is only used by buy on gcp (how Vertex AI Feature Store serves online); buy on aws is SageMaker Feature Store'),
    ]);
    expect(componentWarnings(gcpSpec({ components: { featureStore: { mode: 'build', onlineServing: 'bigtable' } } }))).toEqual([
      issue('components.featureStore.onlineServing', "build serves online features from Feast's online store (size it with onlineStore), so remove it"),
    ]);
  });

  it('bigtableNodes with optimized serving does nothing', () => {
    expect(componentWarnings(gcpSpec({ components: { featureStore: { mode: 'buy', bigtableNodes: { min: 1, max: 5 } } } }))).toEqual([
      issue('components.featureStore.bigtableNodes', 'is only used with onlineServing: bigtable; optimized online serving is scaled by Google, so set onlineServing: bigtable or remove it'),
    ]);
  });
});

describe('derived store names', () => {
  const platform = (n: number) => `p${'a'.repeat(n - 1)}`;

  it('storeNameProblems is empty for a name at each limit and names the one over it', () => {
    const feast = COMPONENT_STORES.featureStore;
    // '<platform>-feast': the platform takes limit - 6 characters
    const at = (limit: number) => platform(limit - feast.store.length - 1);
    expect(storeNameProblems('aws', at(STORE_NAME_LIMITS.elastiCacheReplicationGroup), feast)).toEqual([]);
    const over = at(STORE_NAME_LIMITS.elastiCacheReplicationGroup + 1);
    expect(storeNameProblems('aws', over, feast).map((p) => p.message)).toEqual([
      `derived ElastiCache replication group id '${over}-feast' is 41 characters, over the limit of 40; shorten the platform name (name)`,
    ]);
    expect(storeNameProblems('gcp', over, feast).map((p) => p.what)).toEqual(['Memorystore instance id']);
    // MLflow keeps no key/value store: only the database instance counts
    expect(storeNameProblems('aws', over, COMPONENT_STORES.experimentTracking)).toEqual([]);
  });

  it('checks each cloud against its database limit', () => {
    const tracking = COMPONENT_STORES.experimentTracking;
    const rds = platform(STORE_NAME_LIMITS.rdsIdentifier - tracking.store.length);
    expect(storeNameProblems('aws', rds, tracking)).toEqual([{ what: 'RDS instance identifier', name: `${rds}-mlflow`, limit: 63, message: expect.stringContaining('is 64 characters, over the limit of 63') }]);
    expect(storeNameProblems('gcp', rds, tracking)).toEqual([]);
    const sql = platform(STORE_NAME_LIMITS.cloudSqlInstance - tracking.store.length);
    expect(storeNameProblems('gcp', sql, tracking).map((p) => p.what)).toEqual(['Cloud SQL instance name']);
    // CloudNativePG clusters are named after the store alone
    expect(storeNameProblems('kubernetes', sql, tracking)).toEqual([]);
    expect(storeNameProblems('kubernetes', 'acme', { store: 's'.repeat(46), keyValue: false })).toEqual([
      expect.objectContaining({ what: 'CloudNativePG cluster name', limit: 45, message: expect.stringContaining("shorten the component's store name") }),
    ]);
  });

  it('every cloud fits the longest platform name the schema takes', () => {
    const name = platform(20);
    const components = { experimentTracking: { mode: 'build' }, featureStore: { mode: 'build' } };
    valid(awsSpec({ name, components }));
    valid(gcpSpec({ name, components }));
    valid(onprem({ name, components }));
    for (const cloud of ['aws', 'gcp', 'kubernetes'] as const) {
      for (const stores of Object.values(COMPONENT_STORES)) expect(storeNameProblems(cloud, name, stores)).toEqual([]);
    }
  });

  it('checkRules reports a derived name over the limit at the built component, and not for a bought one', () => {
    const parsed = platformSchema.parse(awsSpec({ components: { featureStore: { mode: 'build' }, experimentTracking: { mode: 'buy' } } }));
    const long = { ...parsed, name: platform(40) };
    expect(checkRules(long).errors.filter((e) => e.path.startsWith('components.'))).toEqual([
      issue('components.featureStore', `derived ElastiCache replication group id '${long.name}-feast' is 46 characters, over the limit of 40`),
    ]);
  });
});
