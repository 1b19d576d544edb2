/**
 * Rules of the keys that size the built components' backing stores — experiment tracking and the
 * feature store (`replicas`, `database`, `onlineStore`) — and of the keys only their bought
 * implementations read (`trackingServerSize`, `tensorboard`, `onlineServing`, `bigtableNodes`):
 * keys that do nothing where they are written, sizes the cloud refuses, prod's availability, and
 * the names the stores derive from the platform's name. Called from `checkRules`.
 */
import type { Cloud, PlatformSpec } from './schema';
import { DATABASE_PROFILES } from '../catalog/databases';
import { KEY_VALUE_PROFILES } from '../catalog/key-value';
import { COMPONENT_STORES, componentStoreNames, STORE_NAME_LIMITS, type ComponentStores } from '../plan/stores';

type Report = (path: string, message: string) => void;

/** The components whose backing stores the spec sizes. */
export const SIZED_COMPONENTS = ['experimentTracking', 'featureStore'] as const;
/** One of {@link SIZED_COMPONENTS}. */
export type SizedComponent = (typeof SIZED_COMPONENTS)[number];

/** What each sized component is, built and bought, as messages name it. */
const PRODUCTS: Readonly<Record<SizedComponent, { build: string; database: string; buy: Readonly<Record<'aws' | 'gcp', string>> }>> = {
  experimentTracking: {
    build: 'MLflow',
    database: "MLflow's backend store",
    buy: { aws: 'SageMaker managed MLflow', gcp: 'Vertex AI Experiments' },
  },
  featureStore: {
    build: "Feast's feature server",
    database: "Feast's SQL registry",
    buy: { aws: 'SageMaker Feature Store', gcp: 'Vertex AI Feature Store' },
  },
};

/** The PostgreSQL service on each cloud. */
const DATABASE_SERVICE: Readonly<Record<Cloud, string>> = { aws: 'RDS', gcp: 'Cloud SQL', kubernetes: 'CloudNativePG' };
/** The key/value service on each cloud. */
const KEY_VALUE_SERVICE: Readonly<Record<Cloud, string>> = { aws: 'ElastiCache', gcp: 'Memorystore', kubernetes: 'the valkey chart' };

/** RDS for PostgreSQL allocates at least 20 GB (gp3); the schema's minimum (10) is CloudNativePG's and Cloud SQL's. */
export const RDS_MIN_STORAGE_GB = 20;
/** The fewest replicas a built component's server runs in prod (a rolling update or a node loss must not take it down). */
export const PROD_MIN_REPLICAS = 2;

/** An RDS instance class: `db.<family>.<size>`. */
const RDS_CLASS = /^db\.[a-z0-9]+\.[a-z0-9]+$/;
/** A Cloud SQL Enterprise edition custom tier: `db-custom-<vCPUs>-<MiB>`. */
const CLOUD_SQL_CUSTOM = /^db-custom-(\d+)-(\d+)$/;

/** One name a component's store derives, over the limit the cloud sets. */
export interface StoreNameProblem {
  /** What the name names, e.g. `RDS instance identifier`. */
  readonly what: string;
  /** The derived name. */
  readonly name: string;
  /** The cloud's limit, in characters. */
  readonly limit: number;
  /** `derived <what> '<name>' is N characters, over the limit of L; <fix>`. */
  readonly message: string;
}

/**
 * The names a built component's stores derive on `cloud` for platform `platform` that are over
 * the cloud's limits ({@link STORE_NAME_LIMITS}), computed with `componentStoreNames` as the
 * constructs compute them: the database instance (RDS, Cloud SQL) or CloudNativePG cluster, and the
 * key/value instance (ElastiCache, Memorystore) when the component keeps one. Identities and
 * buckets are shortened to fit (`fitName`), so they never exceed. Pure: no spec needed.
 */
export function storeNameProblems(cloud: Cloud, platform: string, stores: Pick<ComponentStores, 'store' | 'keyValue'>): StoreNameProblem[] {
  const names = componentStoreNames(platform, stores);
  const candidates: { what: string; name: string; limit: number; fromPlatform: boolean }[] = [];
  if (cloud === 'aws') {
    candidates.push({ what: 'RDS instance identifier', name: names.databaseInstance, limit: STORE_NAME_LIMITS.rdsIdentifier, fromPlatform: true });
    if (stores.keyValue) candidates.push({ what: 'ElastiCache replication group id', name: names.keyValueInstance, limit: STORE_NAME_LIMITS.elastiCacheReplicationGroup, fromPlatform: true });
  } else if (cloud === 'gcp') {
    candidates.push({ what: 'Cloud SQL instance name', name: names.databaseInstance, limit: STORE_NAME_LIMITS.cloudSqlInstance, fromPlatform: true });
    if (stores.keyValue) candidates.push({ what: 'Memorystore instance id', name: names.keyValueInstance, limit: STORE_NAME_LIMITS.memorystoreInstance, fromPlatform: true });
  } else {
    candidates.push({ what: 'CloudNativePG cluster name', name: names.cloudNativePgCluster, limit: STORE_NAME_LIMITS.cloudNativePgCluster, fromPlatform: false });
  }
  return candidates
    .filter((c) => c.name.length > c.limit)
    .map(({ what, name, limit, fromPlatform }) => ({
      what,
      name,
      limit,
      message: `derived ${what} '${name}' is ${name.length} characters, over the limit of ${limit}; shorten ${fromPlatform ? 'the platform name (name)' : "the component's store name"}`,
    }));
}

/**
 * What is wrong with a Cloud SQL tier for the Enterprise edition instances Loom creates, or
 * undefined. Custom tiers: 1 or an even number of vCPUs up to 96; memory a multiple of 256 MiB, at
 * least 3840 MiB, and 0.9 to 6.5 GiB per vCPU (Cloud SQL's custom machine rules).
 */
export function cloudSqlTierProblem(tier: string): string | undefined {
  if (tier.startsWith('db-perf-optimized-')) {
    return `'${tier}' is a Cloud SQL Enterprise Plus tier, and Loom creates Enterprise edition instances, which take custom tiers only; use db-custom-<vCPUs>-<MiB>, e.g. db-custom-2-7680`;
  }
  const m = CLOUD_SQL_CUSTOM.exec(tier);
  if (!m) return `'${tier}' is not a Cloud SQL custom tier; use db-custom-<vCPUs>-<MiB>, e.g. db-custom-2-7680`;
  const vcpus = Number(m[1]);
  const mib = Number(m[2]);
  if (vcpus !== 1 && (vcpus < 2 || vcpus > 96 || vcpus % 2 !== 0)) return `'${tier}' has ${vcpus} vCPUs; Cloud SQL takes 1 or an even number from 2 to 96`;
  if (mib % 256 !== 0) return `'${tier}' has ${mib} MiB of memory; Cloud SQL takes a multiple of 256 MiB (e.g. ${Math.round(mib / 256) * 256 || 256})`;
  const least = Math.max(3840, Math.ceil((vcpus * 921.6) / 256) * 256);
  const most = vcpus * 6656;
  if (mib < least || mib > most) {
    return `'${tier}' has ${mib} MiB of memory for ${vcpus} vCPU${vcpus === 1 ? '' : 's'}; Cloud SQL takes 0.9 to 6.5 GiB per vCPU and at least 3840 MiB, so ${least} to ${most} MiB here`;
  }
  return undefined;
}

/** The rules of the sized components (see the module comment). */
export function checkComponentRules(spec: PlatformSpec, err: Report, warn: Report): void {
  const cloud = spec.cloud;
  for (const name of SIZED_COMPONENTS) {
    const comp = spec.components[name];
    if (!comp) continue;
    const at = `components.${name}`;
    const product = PRODUCTS[name];
    const stores = COMPONENT_STORES[name];

    if (comp.mode === 'buy') {
      // Build-only sizes: the managed service is sized by its own keys, or by the cloud.
      const service = cloud === 'kubernetes' ? 'the managed service' : product.buy[cloud];
      const sizedBy = name === 'experimentTracking' && cloud === 'aws' ? ' (size it with trackingServerSize)' : '';
      if (comp.replicas !== undefined) warn(`${at}.replicas`, `is only used by build (${product.build}'s replicas); buy is ${service}, which scales itself${sizedBy}, so remove it`);
      if (comp.database !== undefined) warn(`${at}.database`, `is only used by build (the PostgreSQL of ${product.database}); buy is ${service}, which keeps its own store${sizedBy}, so remove it`);
      if (name === 'featureStore' && spec.components.featureStore?.onlineStore !== undefined) {
        warn(`${at}.onlineStore`, `is only used by build (Feast's online store in ${KEY_VALUE_SERVICE[cloud]}); buy is ${service}, which serves online features itself, so remove it`);
      }
    } else {
      checkBuiltSizes(spec, name, at, err);
      for (const p of storeNameProblems(cloud, spec.name, stores)) err(at, p.message);
    }
  }

  // Keys only a bought implementation reads.
  const tracking = spec.components.experimentTracking;
  if (tracking) {
    const at = 'components.experimentTracking';
    const buyAws = tracking.mode === 'buy' && cloud === 'aws';
    const buyGcp = tracking.mode === 'buy' && cloud === 'gcp';
    const here = tracking.mode === 'build' ? 'build runs MLflow on the cluster, sized by replicas and database' : `buy on ${cloud} is ${cloud === 'gcp' ? 'Vertex AI Experiments' : 'not available'}`;
    if (tracking.trackingServerSize !== 'Small' && !buyAws) {
      warn(`${at}.trackingServerSize`, `is only used by buy on aws (SageMaker managed MLflow's size); ${here}, so remove it`);
    }
    if (tracking.tensorboard && !buyGcp) {
      const there = tracking.mode === 'build' ? 'build runs MLflow, which has no TensorBoard instance' : `buy on ${cloud} is ${cloud === 'aws' ? 'SageMaker managed MLflow' : 'not available'}`;
      warn(`${at}.tensorboard`, `is only used by buy on gcp (a Vertex AI TensorBoard); ${there}, so remove it`);
    }
  }
  const features = spec.components.featureStore;
  if (features) {
    const at = 'components.featureStore';
    const buyGcp = features.mode === 'buy' && cloud === 'gcp';
    const nodes = features.bigtableNodes;
    const nodesGiven = nodes.min !== 1 || nodes.max !== 3;
    const here = features.mode === 'build' ? "build serves online features from Feast's online store (size it with onlineStore)" : `buy on ${cloud} is ${cloud === 'aws' ? 'SageMaker Feature Store' : 'not available'}`;
    if (!buyGcp) {
      if (features.onlineServing !== 'optimized') warn(`${at}.onlineServing`, `is only used by buy on gcp (how Vertex AI Feature Store serves online); ${here}, so remove it`);
      if (nodesGiven) warn(`${at}.bigtableNodes`, `is only used by buy on gcp with onlineServing: bigtable; ${here}, so remove it`);
    } else if (nodesGiven && features.onlineServing !== 'bigtable') {
      warn(`${at}.bigtableNodes`, 'is only used with onlineServing: bigtable; optimized online serving is scaled by Google, so set onlineServing: bigtable or remove it');
    }
  }
}

/** Sizes of a built component: keys the cloud has no use for, the cloud's own minimums, prod's availability. */
function checkBuiltSizes(spec: PlatformSpec, name: SizedComponent, at: string, err: Report): void {
  const cloud = spec.cloud;
  const env = spec.environment;
  const prod = env === 'prod';
  const comp = spec.components[name]!;
  const product = PRODUCTS[name];
  const defaults = DATABASE_PROFILES[env];

  if (prod && comp.replicas !== undefined && comp.replicas < PROD_MIN_REPLICAS) {
    err(
      `${at}.replicas`,
      `must be at least ${PROD_MIN_REPLICAS} in prod (a rolling update or a node loss must not take ${product.build} down), got ${comp.replicas}; set replicas: ${PROD_MIN_REPLICAS} or more, or leave it out for the prod default of ${PROD_MIN_REPLICAS}`,
    );
  }

  const db = comp.database;
  if (db) {
    const dat = `${at}.database`;
    if (db.instances !== undefined && cloud !== 'kubernetes') {
      const ha = cloud === 'aws' ? 'a Multi-AZ standby' : 'REGIONAL availability';
      err(`${dat}.instances`, `is only for cloud: kubernetes (the instances of a CloudNativePG cluster); on ${cloud} ${DATABASE_SERVICE[cloud]} is one instance, with ${ha} in prod, so remove it`);
    }
    if (db.instances !== undefined && cloud === 'kubernetes' && prod && db.instances < 2) {
      err(
        `${dat}.instances`,
        `must be at least 2 in prod (a primary and a streaming replica, so that losing a node does not lose ${product.database}), got ${db.instances}; leave it out for the prod default of ${defaults.cloudNativePg.instances}`,
      );
    }
    if (db.instanceClass !== undefined) {
      const cat = `${dat}.instanceClass`;
      if (cloud === 'kubernetes') {
        err(cat, "has no meaning with cloud: kubernetes (CloudNativePG runs PostgreSQL as pods on the component's cluster); remove it, and size the volume with storageGb");
      } else if (cloud === 'aws' && !RDS_CLASS.test(db.instanceClass)) {
        err(cat, `'${db.instanceClass}' is a Cloud SQL tier, not an RDS instance class; on aws use db.<family>.<size>, e.g. ${defaults.rds.instanceClass} (the ${env} default)`);
      } else if (cloud === 'gcp') {
        const problem = RDS_CLASS.test(db.instanceClass)
          ? `'${db.instanceClass}' is an RDS instance class, not a Cloud SQL tier; on gcp use db-custom-<vCPUs>-<MiB>, e.g. ${defaults.cloudSql.tier} (the ${env} default)`
          : cloudSqlTierProblem(db.instanceClass);
        if (problem) err(cat, problem);
      }
    }
    if (db.storageGb !== undefined && cloud === 'aws' && db.storageGb < RDS_MIN_STORAGE_GB) {
      err(
        `${dat}.storageGb`,
        `must be at least ${RDS_MIN_STORAGE_GB} GB on aws (RDS's smallest gp3 volume), got ${db.storageGb}; set storageGb: ${RDS_MIN_STORAGE_GB} or more, or leave it out for the ${env} default of ${defaults.rds.storageGb}`,
      );
    }
  }

  const online = name === 'featureStore' ? spec.components.featureStore?.onlineStore : undefined;
  if (online) {
    const oat = `${at}.onlineStore`;
    const kv = KEY_VALUE_PROFILES[env];
    if (online.nodeType !== undefined && cloud !== 'aws') {
      err(
        `${oat}.nodeType`,
        `is only for cloud: aws (the ElastiCache node type); ${cloud === 'gcp' ? `on gcp size Memorystore with memorySizeGb (the ${env} default is ${kv.memorystore.memorySizeGb})` : 'on cloud: kubernetes valkey runs as pods on the cluster'}, so remove it`,
      );
    }
    if (online.memorySizeGb !== undefined && cloud !== 'gcp') {
      err(
        `${oat}.memorySizeGb`,
        `is only for cloud: gcp (Memorystore's memory); ${cloud === 'aws' ? `on aws pick a nodeType instead (the ${env} default is ${kv.elastiCache.nodeType})` : 'on cloud: kubernetes valkey runs as pods on the cluster'}, so remove it`,
      );
    }
    if (online.replicas !== undefined && cloud === 'gcp') {
      err(
        `${oat}.replicas`,
        'has no meaning on gcp: Memorystore keeps one replica in another zone in prod (STANDARD_HA) and none otherwise, following the environment; remove it',
      );
    }
    if (online.authSecret !== undefined && cloud !== 'kubernetes') {
      err(
        `${oat}.authSecret`,
        `is only for cloud: kubernetes (a Secret you create for the in-cluster Valkey); on ${cloud} the online store's password is generated in the cloud's secret manager, so remove it`,
      );
    }
    if (online.replicas !== undefined && cloud === 'aws' && prod && online.replicas < 2) {
      err(
        `${oat}.replicas`,
        `must be at least 2 in prod on aws (a primary and a replica in another zone, with automatic failover), got ${online.replicas}; leave it out for the prod default of ${KEY_VALUE_PROFILES.prod.elastiCache.nodes}`,
      );
    }
  }
}
