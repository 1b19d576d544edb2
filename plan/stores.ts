/**
 * What each built component keeps its state in, and the names its stores and identity derive —
 * one table, read by the constructs that create them and by the validation rules that check the
 * names fit the clouds' limits before anything is synthesized. Pure (no cdktf).
 */
import { fitName } from './names';
import { DATABASE_PROFILES } from '../catalog/databases';
import { KEY_VALUE_PROFILES } from '../catalog/key-value';
import type { Cloud, DatabaseSizeSpec, Environment, PlatformSpec } from '../schema/schema';

/** The backing stores of a built component, by kind. */
export interface ComponentStores {
  /**
   * The component's store name: with the platform's name it names the database instance or cluster
   * (`<platform>-<store>`), the workload identity and the Kubernetes objects (a DNS label).
   */
  readonly store: string;
  /** The Kubernetes service account the component's pods run as (in `loom-system`). */
  readonly serviceAccount: string;
  /** The PostgreSQL database and the role that owns it. */
  readonly database: {
    /** The database's name (a PostgreSQL identifier). */
    readonly name: string;
    /** The role that owns it and that the component connects as. */
    readonly username: string;
  };
  /** The object store. */
  readonly objectStore: {
    /** The bucket's use, part of its name (`<platform>-<purpose>`). */
    readonly purpose: string;
    /** The component's key prefix in the bucket. */
    readonly prefix: string;
  };
  /** Whether the component also keeps an online key/value store (Feast's online store). */
  readonly keyValue: boolean;
}

/** The backing stores of the built components that have any. */
export const COMPONENT_STORES: Readonly<Record<'experimentTracking' | 'featureStore' | 'pipelines', ComponentStores>> = {
  /** MLflow: runs and registered models in PostgreSQL, artifacts in the object store. */
  experimentTracking: {
    store: 'mlflow',
    serviceAccount: 'mlflow',
    database: { name: 'mlflow', username: 'mlflow' },
    objectStore: { purpose: 'mlflow-artifacts', prefix: 'artifacts' },
    keyValue: false,
  },
  /** Feast: the SQL registry in PostgreSQL, offline files in the object store, online features in Valkey. */
  featureStore: {
    store: 'feast',
    serviceAccount: 'feast',
    database: { name: 'feast', username: 'feast' },
    objectStore: { purpose: 'feast-offline', prefix: 'offline' },
    keyValue: true,
  },
  /** Argo Workflows: the workflow archive in PostgreSQL, artifacts in the object store. */
  pipelines: {
    store: 'argo',
    serviceAccount: 'argo-workflows-controller',
    database: { name: 'argo', username: 'argo' },
    objectStore: { purpose: 'argo-artifacts', prefix: 'artifacts' },
    keyValue: false,
  },
};

/** The limits of the names a component's stores and identity derive, by the cloud that sets them. */
export const STORE_NAME_LIMITS = {
  /** RDS DB instance identifiers. */
  rdsIdentifier: 63,
  /** Cloud SQL instance names (with the project id, 100). */
  cloudSqlInstance: 98,
  /** CloudNativePG clusters, so that `<cluster>-rw`, `<cluster>-app` and the pods fit 63. */
  cloudNativePgCluster: 45,
  /** ElastiCache replication group ids. */
  elastiCacheReplicationGroup: 40,
  /** Memorystore instance ids. */
  memorystoreInstance: 40,
  /** IAM role names. */
  iamRole: 64,
  /** Google service account ids (6–30). */
  gcpServiceAccount: 30,
} as const;

/**
 * Names derived for a built component's stores and identity on platform `platform`: the database
 * instance, cache and identities are `<platform>-<store>`. Instance names are not shortened (a
 * database is found by its name; validation refuses names over the limits), identities are
 * (their names are never typed by people).
 */
export function componentStoreNames(platform: string, stores: Pick<ComponentStores, 'store'>) {
  const base = `${platform}-${stores.store}`;
  return {
    /** The RDS instance / Cloud SQL instance (`<platform>-<store>`). */
    databaseInstance: base,
    /** The CloudNativePG cluster (`<store>`, in the component's cluster). */
    cloudNativePgCluster: stores.store,
    /** The ElastiCache replication group / Memorystore instance (`<platform>-<store>`). */
    keyValueInstance: base,
    /** The IAM role the component's service account assumes (≤ 64, shortened if need be). */
    iamRole: fitName(base, STORE_NAME_LIMITS.iamRole),
    /** The Google service account id the component runs as (6–30, shortened if need be). */
    gcpServiceAccount: fitName(base, STORE_NAME_LIMITS.gcpServiceAccount),
  };
}

/** `replicas` of a built component's server when the spec gives none: 2 in prod, 1 otherwise. */
export const defaultReplicas = (environment: Environment): number => (environment === 'prod' ? 2 : 1);

/**
 * `components.<name>.database` as it is in effect on `cloud` in `environment` (catalog/databases.ts
 * `DATABASE_PROFILES`): the RDS instance class or Cloud SQL tier and storage on aws and gcp, the
 * CloudNativePG instances and volume on existing clusters. What `given` says wins.
 */
export function databaseSizesInEffect(cloud: Cloud, environment: Environment, given: DatabaseSizeSpec = {}): DatabaseSizeSpec {
  const profile = DATABASE_PROFILES[environment];
  const defaults: DatabaseSizeSpec =
    cloud === 'aws'
      ? { instanceClass: profile.rds.instanceClass, storageGb: profile.rds.storageGb }
      : cloud === 'gcp'
        ? { instanceClass: profile.cloudSql.tier, storageGb: profile.cloudSql.diskGb }
        : { instances: profile.cloudNativePg.instances, storageGb: profile.cloudNativePg.storageGi };
  return { ...defaults, ...given };
}

/** `components.featureStore.onlineStore`, as written. */
export type OnlineStoreSizes = NonNullable<NonNullable<PlatformSpec['components']['featureStore']>['onlineStore']>;

/**
 * `components.featureStore.onlineStore` as it is in effect on `cloud` in `environment`
 * (catalog/key-value.ts `KEY_VALUE_PROFILES`): ElastiCache's node type and nodes on aws,
 * Memorystore's memory on gcp, the valkey pods (the primary and its read replicas) on existing
 * clusters. What `given` says wins.
 */
export function onlineStoreSizesInEffect(cloud: Cloud, environment: Environment, given: OnlineStoreSizes = {}): OnlineStoreSizes {
  const profile = KEY_VALUE_PROFILES[environment];
  const defaults: OnlineStoreSizes =
    cloud === 'aws'
      ? { nodeType: profile.elastiCache.nodeType, replicas: profile.elastiCache.nodes }
      : cloud === 'gcp'
        ? { memorySizeGb: profile.memorystore.memorySizeGb }
        : { replicas: 1 + profile.inCluster.replicas };
  return { ...defaults, ...given };
}
