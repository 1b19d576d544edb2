/**
 * PostgreSQL inside a cluster, for existing clusters (and usable on any cluster): the CloudNativePG
 * operator (chart `cloudnative-pg`, pinned in catalog/charts.ts, with its postgresql.cnpg.io CRDs)
 * in the cluster's add-ons stack, once per cluster, and one CNPG `Cluster` per store, released
 * through Loom's resources chart after the operator's release (whose readiness includes the CRDs
 * being established and the operator's webhooks serving).
 *
 * `bootstrap.initdb` creates the component's database and its owner; CNPG generates the owner's
 * password into the Secret `<cluster>-app` (keys `username`, `password`, `uri`, …), which is what
 * the component reads — no password is written by Loom. Clients connect to the read-write Service
 * `<cluster>-rw`. TLS is CNPG's own (a cluster CA and server certificates it issues and rotates);
 * non-TLS TCP connections are refused by a `hostnossl … reject` rule, placed by CNPG before its
 * default password rule.
 *
 * Instances and volume size follow the environment (`DATABASE_PROFILES`: 3 instances in prod, 1
 * otherwise). Pods go where stateful pods go on the cluster (never on spot capacity), on the
 * cluster's default storage class unless one is named.
 */
import { Construct } from 'constructs';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { TerraformStack, type ITerraformDependable } from '../../core/cdk';
import { platformOf } from '../../core/stack';
import type { IKubernetesCluster } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { AddonRelease, CustomResources, type CustomResourceManifest, type HelmValues } from '../../addons/release';
import { controllerPlacement, placementValues } from '../../addons/context';
import { statefulPlacement } from '../../components/helm';
import type { IClusterAddons } from '../../components/contract';
import type { IPostgres, SecretReference } from '../contract';
import { PLATFORM_NAMESPACES, type ClusterPlan } from '../../../plan';
import { POSTGRES_VERSIONS } from '../../../catalog/databases';
import { checkPgIdentifier, checkSize, databaseProfile, POSTGRES_PORT, storeName, type PostgresBaseProps } from './common';
import { COMPONENT_SIZES, containerResources } from '../../../plan/footprints';

/** The operator's release name (also the prefix of what its chart creates). */
export const CNPG_OPERATOR_RELEASE = 'cnpg';

/**
 * CNPG cluster names: at most 45 characters, so that its Services (`<cluster>-rw`), Secrets
 * (`<cluster>-app`, `<cluster>-replication`) and pods (`<cluster>-<n>`) stay within 63, and the
 * release of its `Cluster` (`loom-pg-<cluster>`) within Helm's 53.
 */
export const CNPG_CLUSTER_NAME_MAX_LENGTH = 45;

/** The operator's chart values: its CRDs, one replica, on the controllers' nodes. */
export function cloudNativePgOperatorValues(cluster: Pick<ClusterPlan, 'systemPool'>): HelmValues {
  return {
    fullnameOverride: CNPG_OPERATOR_RELEASE,
    // The chart renders the postgresql.cnpg.io CRDs from templates (kept on uninstall), so
    // `helm upgrade` upgrades them with the operator.
    crds: { create: true },
    config: { clusterWide: true },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    ...placementValues(controllerPlacement(cluster)),
  };
}

/**
 * The CloudNativePG operator on one cluster, installed in its add-ons stack on first use
 * ({@link CloudNativePgOperator.of}); every CNPG store on the cluster waits for it.
 */
export class CloudNativePgOperator extends Construct {
  /** The operator's release (CRDs, controller, webhooks). */
  readonly release: AddonRelease;

  /** The operator of `addons`'s cluster, installed there on first use. */
  static of(addons: IClusterAddons): CloudNativePgOperator {
    const id = 'CloudNativePgOperator';
    return (addons.node.tryFindChild(id) as CloudNativePgOperator | undefined) ?? new CloudNativePgOperator(addons, id, addons);
  }

  private constructor(scope: Construct, id: string, addons: IClusterAddons) {
    super(scope, id);
    this.release = new AddonRelease(this, 'Release', {
      chart: 'cloudNativePg',
      releaseName: CNPG_OPERATOR_RELEASE,
      namespace: addons.namespaces.system.name,
      values: cloudNativePgOperatorValues(addons.cluster.plan),
    });
  }

  /** The `helm_release` every CNPG `Cluster` waits for. */
  get resource(): Release {
    return this.release.resource;
  }
}

/** Props of {@link CloudNativePg}. */
export interface CloudNativePgProps extends PostgresBaseProps {
  /** The add-ons stack of the cluster the database runs on (the operator is installed there on first use). */
  readonly addons: IClusterAddons;
  /** The role that owns the database and that the component connects as (CNPG's `initdb.owner`). */
  readonly username: string;
  /**
   * PostgreSQL instances (one primary, the rest streaming replicas).
   * @default the environment's (`DATABASE_PROFILES`: 3 in prod, 1 otherwise)
   */
  readonly instances?: number;
  /**
   * Each instance's volume, GiB.
   * @default the environment's (10 GiB in dev, 50 GiB in prod)
   */
  readonly storageGb?: number;
  /**
   * The StorageClass of the volumes.
   * @default the cluster's default StorageClass
   */
  readonly storageClass?: string;
}

/** The objects CNPG is given for one store: the `Cluster`, as {@link CloudNativePg} builds it. */
export interface CloudNativePgClusterSpec {
  /** The cluster's name. */
  readonly name: string;
  /** Its namespace (a plain name). */
  readonly namespace: string;
  /** The database initdb creates. */
  readonly databaseName: string;
  /** The database's owner. */
  readonly username: string;
  /** PostgreSQL instances. */
  readonly instances: number;
  /** Volume size, GiB. */
  readonly storageGi: number;
  /** StorageClass, when not the default. */
  readonly storageClass?: string;
  /** The Kubernetes cluster's plan (for placement). */
  readonly cluster: Pick<ClusterPlan, 'systemPool' | 'pools'>;
  /** Labels of the object. */
  readonly labels: Readonly<Record<string, string>>;
  /** Where base backups and the WAL archive go (the data centre's object store), and for how long. */
  readonly backup?: CloudNativePgBackup;
}

/** Base backups and WAL archiving of a CNPG cluster to an S3-compatible store (barman). */
export interface CloudNativePgBackup {
  /** The store's https URL. */
  readonly endpoint: string;
  /** The bucket; backups go under `cloudnative-pg/<cluster>/`. */
  readonly bucket: string;
  /** A Secret in the cluster's namespace with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. */
  readonly credentialsSecret: string;
  /** Days base backups and WAL are kept. */
  readonly retentionDays: number;
}

/** When the scheduled base backup runs (CNPG's six-field cron: seconds first): daily at 03:00. */
export const CNPG_BACKUP_SCHEDULE = '0 0 3 * * *';

/** The `spec.backup` of a CNPG cluster archiving to `b` (compressed base backups and WAL). */
function barmanBackup(b: CloudNativePgBackup): Record<string, unknown> {
  const key = (k: string) => ({ name: b.credentialsSecret, key: k });
  return {
    retentionPolicy: `${b.retentionDays}d`,
    barmanObjectStore: {
      destinationPath: `s3://${b.bucket}/cloudnative-pg`,
      endpointURL: b.endpoint,
      s3Credentials: { accessKeyId: key('AWS_ACCESS_KEY_ID'), secretAccessKey: key('AWS_SECRET_ACCESS_KEY') },
      wal: { compression: 'gzip' },
      data: { compression: 'gzip' },
    },
  };
}

/** The daily base backup of a CNPG cluster (its WAL is archived continuously), taken once at creation too. */
export function cloudNativePgScheduledBackup(spec: Pick<CloudNativePgClusterSpec, 'name' | 'namespace' | 'labels'>): CustomResourceManifest {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'ScheduledBackup',
    metadata: { name: `${spec.name}-daily`, namespace: spec.namespace, labels: { ...spec.labels } },
    spec: { schedule: CNPG_BACKUP_SCHEDULE, cluster: { name: spec.name }, method: 'barmanObjectStore', backupOwnerReference: 'self', immediate: true },
  };
}

/** A CNPG `Cluster` (postgresql.cnpg.io/v1) as Loom creates it. */
export function cloudNativePgCluster(spec: CloudNativePgClusterSpec): CustomResourceManifest {
  const placement = statefulPlacement(spec.cluster);
  const affinity: Record<string, unknown> = {
    // One instance per node where the nodes allow it.
    enablePodAntiAffinity: true,
    podAntiAffinityType: 'preferred',
    ...(placement.nodeSelector ? { nodeSelector: placement.nodeSelector } : {}),
    ...(placement.tolerations?.length ? { tolerations: placement.tolerations } : {}),
    ...(placement.affinity?.nodeAffinity ? { nodeAffinity: placement.affinity.nodeAffinity } : {}),
  };
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: spec.name, namespace: spec.namespace, labels: { ...spec.labels } },
    spec: {
      instances: spec.instances,
      imageName: POSTGRES_VERSIONS.cloudNativePg.imageName,
      primaryUpdateStrategy: 'unsupervised',
      bootstrap: { initdb: { database: spec.databaseName, owner: spec.username } },
      enableSuperuserAccess: false,
      postgresql: {
        // CNPG places these after its fixed rules (local peer, streaming replication by
        // certificate) and before its default `host all all all scram-sha-256`.
        pg_hba: ['hostnossl all all all reject'],
      },
      storage: { size: `${spec.storageGi}Gi`, ...(spec.storageClass ? { storageClass: spec.storageClass } : {}) },
      // Requests, so that PostgreSQL is never a BestEffort pod (the first evicted under memory
      // pressure); `loom cost` prices the same size.
      resources: containerResources(COMPONENT_SIZES.postgresInstance),
      ...(spec.backup ? { backup: barmanBackup(spec.backup) } : {}),
      affinity,
    },
  };
}

/** A CloudNativePG cluster a built component keeps its metadata in (see the module comment). */
export class CloudNativePg extends Construct implements IPostgres {
  readonly engine = 'cloudnative-pg' as const;
  readonly host: string;
  readonly port = POSTGRES_PORT;
  readonly databaseName: string;
  readonly username: string;
  readonly passwordSecret: SecretReference;
  readonly requireTls = true;
  /** The CNPG cluster's name. */
  readonly clusterName: string;
  /** Its namespace. */
  readonly namespace: string;
  /** The `Cluster` object. */
  readonly manifest: CustomResourceManifest;
  /** The operator it runs under. */
  readonly operator: CloudNativePgOperator;
  /** The release of the `Cluster` (Loom's resources chart), after the operator's. */
  readonly resources: CustomResources;
  private readonly addons: IClusterAddons;

  constructor(scope: Construct, id: string, props: CloudNativePgProps) {
    super(scope, id);
    if (TerraformStack.of(this) !== TerraformStack.of(props.addons)) {
      throw new PlatformValidationError(`CloudNativePG '${props.name}' must be created in the add-ons stack it is given (its Cluster is released there, after the operator)`, this);
    }
    this.addons = props.addons;
    checkPgIdentifier(this, 'databaseName', props.databaseName);
    checkPgIdentifier(this, 'username', props.username);
    this.clusterName = storeName(this, props.name, CNPG_CLUSTER_NAME_MAX_LENGTH, 'CloudNativePG cluster', false);
    this.databaseName = props.databaseName;
    this.username = props.username;
    this.namespace = PLATFORM_NAMESPACES.system;

    const profile = databaseProfile(this);
    const instances = checkSize(this, 'instances', props.instances ?? profile.cloudNativePg.instances, 1, 9);
    const storageGi = checkSize(this, 'storageGb', props.storageGb ?? profile.cloudNativePg.storageGi, 1, 16384);

    this.operator = CloudNativePgOperator.of(props.addons);
    const store = platformOf(this).settings.objectStorage;
    this.manifest = cloudNativePgCluster({
      name: this.clusterName,
      namespace: this.namespace,
      databaseName: props.databaseName,
      username: props.username,
      instances,
      storageGi,
      ...(props.storageClass ? { storageClass: props.storageClass } : {}),
      cluster: props.addons.cluster.plan,
      labels: { 'loom.dev/store': props.name, 'loom.dev/store-kind': 'postgres' },
      // Point-in-time recovery from the data centre's object store, when the platform names one
      // (LOOM-BAK-001): continuous WAL archiving and a daily base backup, kept as long as the
      // environment keeps backups on the clouds.
      ...(store ? { backup: { endpoint: store.endpoint, bucket: store.bucket, credentialsSecret: store.credentialsSecret, retentionDays: profile.backupRetentionDays } } : {}),
    });
    const namespaceResource = props.addons.namespaces.system.resource;
    const dependsOn: ITerraformDependable[] = [this.operator.resource, ...(namespaceResource ? [namespaceResource] : [])];
    this.resources = new CustomResources(this, 'Cluster', {
      releaseName: `loom-pg-${this.clusterName}`,
      namespace: props.addons.namespaces.system.name,
      manifests: [this.manifest, ...(store ? [cloudNativePgScheduledBackup({ name: this.clusterName, namespace: this.namespace, labels: { 'loom.dev/store': props.name } })] : [])],
      dependsOn,
    });
    this.host = `${this.clusterName}-rw.${this.namespace}.svc`;
    this.passwordSecret = { kind: 'kubernetes', namespace: this.namespace, name: `${this.clusterName}-app`, key: 'password' };
  }

  /**
   * Lets the pods of `cluster` connect: nothing to open when it is the database's own cluster (a
   * ClusterIP Service); any other cluster cannot reach it.
   */
  allowFrom(cluster: IKubernetesCluster): void {
    if (cluster !== this.addons.cluster) {
      throw new PlatformValidationError(
        `CloudNativePG cluster '${this.clusterName}' runs on cluster '${this.addons.cluster.plan.name}' and is reachable there only; cluster '${cluster.plan.name}' cannot connect`,
        this,
      );
    }
  }
}
