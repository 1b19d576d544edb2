/**
 * A built component's PostgreSQL database and object store, on whichever target the platform's
 * cloud gives (the rows of `COMPONENT_STORES`): RDS and S3 on AWS, Cloud SQL and Cloud Storage on
 * Google Cloud — in the services stack, the database reachable from the component's cluster only
 * and its password readable by the component's own identity only — or a CloudNativePG cluster and
 * the data centre's S3-compatible store on existing clusters. MLflow, Feast and Argo Workflows
 * each take theirs from here; what each grants on the object store is its own.
 */
import type { Construct } from 'constructs';
import type { ITerraformDependable } from '../core/cdk';
import { PlatformValidationError } from '../core/errors';
import { componentStoreNames, PLATFORM_NAMESPACES, type ComponentStores, type PlatformContext } from '../../plan';
import type { IKubernetesCluster } from '../core/contracts';
import type { IClusterAddons } from '../components/contract';
import { ComponentIdentity } from './workload-identity';
import type { IObjectStore, IPostgres, WorkloadIdentity } from './contract';
import { grantSecretRead } from './secret-access';

/** The database's size, where the spec gives one. */
export interface BackingDatabaseSize {
  /** RDS / Cloud SQL instance class or tier. @default the store's */
  readonly instanceClass?: string;
  /** Allocated storage. @default the store's */
  readonly storageGb?: number;
  /** CloudNativePG instances. @default the store's */
  readonly instances?: number;
}

/** Props of {@link backingStores}. */
export interface BackingStoresProps {
  /** The platform's settings. */
  readonly platform: PlatformContext;
  /** The add-ons stack of the component's cluster. */
  readonly addons: IClusterAddons;
  /** aws, gcp: the component's scope in the services stack, where the cloud stores go. */
  readonly services?: Construct;
  /** Existing clusters: the component's scope in the add-ons stack, where its stores go. */
  readonly inCluster: Construct;
  /** The component's stores (a row of `COMPONENT_STORES`). */
  readonly stores: ComponentStores;
  /** The object store's construct id (`Artifacts`, `Offline`). */
  readonly objectStoreId: string;
  /** aws, gcp: the identity that reads the database's password (and, on Google Cloud, owns the Cloud SQL user). */
  readonly databaseReader?: WorkloadIdentity;
  /**
   * aws, gcp: what the component grants on its object store (its identities' access), made
   * before the database's password is granted.
   * @default nothing
   */
  readonly grantObjectStore?: (objectStore: IObjectStore) => void;
  /** The database's size. @default the store's defaults */
  readonly size?: BackingDatabaseSize;
  /** The component, named in errors (`experimentTracking build`). */
  readonly what: string;
  /** What its files are, in the error when an existing-cluster platform has no object store (`MLflow's artifacts`). */
  readonly files: string;
}

/** A built component's backing stores. */
export interface BackingStores {
  /** Its PostgreSQL database. */
  readonly database: IPostgres;
  /** Its object store. */
  readonly objectStore: IObjectStore;
}

/** The database and object store of a built component (see the module comment). */
export function backingStores(props: BackingStoresProps): BackingStores {
  const { platform, addons, stores, size = {} } = props;
  const databaseProps = { name: stores.store, databaseName: stores.database.name, username: stores.database.username };
  const objectStoreProps = { purpose: stores.objectStore.purpose, prefix: stores.objectStore.prefix };
  const cloudSize = { ...(size.instanceClass ? { instanceClass: size.instanceClass } : {}), ...(size.storageGb ? { storageGb: size.storageGb } : {}) };
  let database: IPostgres;
  let objectStore: IObjectStore;
  switch (platform.cloud) {
    case 'aws':
    case 'gcp': {
      const services = props.services;
      const reader = props.databaseReader;
      if (!services || !reader) throw new PlatformValidationError(`${props.what}: the cloud stores go in the services stack, read by the component's identity; pass services and databaseReader`);
      const network = addons.cluster.network;
      if (!network) throw new PlatformValidationError(`${props.what}: cluster '${addons.cluster.plan.name}' has no network for its database`);
      if (platform.cloud === 'aws') {
        const { S3ObjectStore } = require('./object-store/s3-object-store') as typeof import('./object-store/s3-object-store');
        const { RdsPostgres } = require('./postgres/rds-postgres') as typeof import('./postgres/rds-postgres');
        objectStore = new S3ObjectStore(services, props.objectStoreId, objectStoreProps);
        database = new RdsPostgres(services, 'Database', { ...databaseProps, network, ...cloudSize });
      } else {
        const { GcsObjectStore } = require('./object-store/gcs-object-store') as typeof import('./object-store/gcs-object-store');
        const { CloudSqlPostgres } = require('./postgres/cloud-sql-postgres') as typeof import('./postgres/cloud-sql-postgres');
        if (reader.kind !== 'gcp-service-account') throw new PlatformValidationError(`${props.what} on Google Cloud runs as a Google service account`);
        objectStore = new GcsObjectStore(services, props.objectStoreId, objectStoreProps);
        database = new CloudSqlPostgres(services, 'Database', {
          ...databaseProps,
          network,
          serviceAccountEmail: reader.email,
          // The component creates its tables: a built-in user (IAM users get no privilege on `public`).
          authentication: 'password',
          ...cloudSize,
        });
      }
      database.allowFrom(addons.cluster);
      props.grantObjectStore?.(objectStore);
      grantSecretRead(services, 'DatabaseSecretAccess', database.passwordSecret!, reader);
      break;
    }
    case 'kubernetes': {
      const { CloudNativePg } = require('./postgres/cloudnative-pg') as typeof import('./postgres/cloudnative-pg');
      const { ExistingObjectStore } = require('./object-store/existing-object-store') as typeof import('./object-store/existing-object-store');
      const objectStorage = platform.settings.objectStorage;
      if (!objectStorage) {
        throw new PlatformValidationError(`${props.what} on cloud: kubernetes keeps ${props.files} in the data centre's object store; add objectStorage: { endpoint, bucket, credentialsSecret }`);
      }
      objectStore = new ExistingObjectStore(props.inCluster, props.objectStoreId, { spec: objectStorage, prefix: `${stores.store}/${stores.objectStore.prefix}` });
      database = new CloudNativePg(props.inCluster, 'Database', {
        addons,
        ...databaseProps,
        name: componentStoreNames(platform.name, stores).cloudNativePgCluster,
        ...(size.instances ? { instances: size.instances } : {}),
        ...(size.storageGb ? { storageGb: size.storageGb } : {}),
      });
      break;
    }
  }
  return { database, objectStore };
}

/** What a CloudNativePG database's clients wait for: its `Cluster`'s release (nothing for cloud databases). */
export function databaseDependencies(database: IPostgres): ITerraformDependable[] {
  const resources = (database as { resources?: { resource: ITerraformDependable } }).resources;
  return resources ? [resources.resource] : [];
}

/** Props of {@link storeIdentity}. */
export interface StoreIdentityProps {
  /** The platform's settings (its name and cloud name the identity). */
  readonly platform: PlatformContext;
  /** The cluster whose service account assumes it. */
  readonly cluster: IKubernetesCluster;
  /** The component's store name (`mlflow`, `feast`, …): the identity is `<platform>-<store>`, fitted to the cloud's limit. */
  readonly store: string;
  /** The Kubernetes service account the component's pods run as. */
  readonly serviceAccount: string;
  /** Its namespace. @default loom-system */
  readonly namespace?: string;
  /** What the identity is for, in its description. */
  readonly description: string;
}

/**
 * A built component's own cloud identity (construct `Identity` of `services`): an IRSA role on AWS,
 * a Workload Identity service account on Google Cloud, named after its store, with no permission
 * until its stores grant one.
 */
export function storeIdentity(services: Construct, props: StoreIdentityProps): ComponentIdentity {
  const names = componentStoreNames(props.platform.name, { store: props.store });
  return new ComponentIdentity(services, 'Identity', {
    cluster: props.cluster,
    namespace: props.namespace ?? PLATFORM_NAMESPACES.system,
    serviceAccount: props.serviceAccount,
    name: props.platform.cloud === 'aws' ? names.iamRole : names.gcpServiceAccount,
    description: props.description,
  });
}
