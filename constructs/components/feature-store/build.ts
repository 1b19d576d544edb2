/**
 * The feature store, built: Feast 0.66's feature server (chart `feast-feature-server`, pinned in
 * catalog/charts.ts; no values schema) on the component's cluster, on the platform's real backing
 * stores:
 *
 * | | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | registry (`registry_type: sql`) | RDS for PostgreSQL (data tier) | Cloud SQL for PostgreSQL (private IP, built-in user) | a CloudNativePG cluster on the component's cluster |
 * | online store (`type: redis`) | ElastiCache for Valkey (TLS, AUTH token) | Memorystore for Redis (TLS with its server CA, AUTH string) | the valkey chart on the component's cluster |
 * | offline store (`type: file`) | S3 (`feast-offline` bucket, `offline/`) | GCS (same) | `objectStorage:`'s bucket, `feast/offline/` |
 * | passwords to the pods | Secrets Manager → External Secrets | Secret Manager → External Secrets | CloudNativePG's `<cluster>-app` Secret; the operator's Valkey Secret |
 * | identity | IRSA role | Workload Identity service account | the store's credentials Secret |
 *
 * Why the chart and not the Feast operator's `FeatureStore` resource: the operator ships no Helm
 * chart, only a kustomize-built `install.yaml` (CRDs, RBAC, the controller), which Loom would have
 * to vendor and keep in step itself; the chart is released and pinned like every other component's.
 *
 * `feature_store.yaml` is rendered from the plan as an object, YAML-encoded and base64-encoded by
 * Terraform (`base64encode(yamlencode(…))`, a stack local, since it holds references such as the
 * database host), and handed to the server as `FEATURE_STORE_YAML_BASE64`. It holds no credential:
 *
 * - registry: `postgresql+psycopg://<host>:5432/feast?sslmode=require` — psycopg 3, the driver the
 *   image installs (`feast[minimal]` → `postgres-c`) and Feast 0.66 standardizes on — without user
 *   or password: libpq reads them from `PGUSER` and `PGPASSWORD`, which the pods take from the
 *   database's Kubernetes Secret. (Feast also expands `$VAR` in `feature_store.yaml` —
 *   `load_repo_config` runs `os.path.expandvars` on the text — but a password inside a URL would
 *   have to be URL-encoded, which expansion does not do.)
 * - online store: `<host>:<port>,ssl=true,password=$REDIS_PASSWORD` (Feast's Redis connection
 *   string: `host:port` then `key=value` pairs given to redis-py), the password expanded by Feast
 *   from the pod's environment. The stores' passwords are letters and digits (ElastiCache),
 *   Memorystore's generated AUTH string, or what the operator puts in the Valkey Secret — which
 *   must then be letters, digits, `-` and `_` only, since it is spliced into YAML. On Google Cloud
 *   redis-py verifies the instance against its server CA (`ssl_ca_certs`, a ConfigMap mounted in
 *   the pods; the CA is no secret), on AWS against the public roots.
 * - offline store: `type: file`, the only setting that store has: where the files are is each
 *   `FileSource`'s path, under {@link FeastFeatureStore.offlineStore}. Feast builds an S3
 *   filesystem for `s3://` paths (IRSA credentials on AWS; on existing clusters the operator's keys
 *   and `AWS_ENDPOINT_URL_S3`, which pyarrow and botocore read) and hands any other URI to pyarrow
 *   and fsspec, which read `gs://` with the pod's Google credentials (Workload Identity); Dask-based
 *   reads of `gs://` need `gcsfs` in the client's environment (the server image lacks it).
 *
 * The server's identity may touch its offline prefix and read its two secrets, nothing else. It
 * runs `replicas` pods (2 or more in prod), spread over nodes, non-root with a read-only root
 * filesystem (`/tmp` is an emptyDir: Feast writes the decoded `feature_store.yaml` and Prometheus'
 * multiprocess files there). The chart has no `priorityClassName` value, so its pods run at the
 * cluster's default priority.
 *
 * Reach: inside the platform only. Pods on its own cluster use the chart's ClusterIP Service; a
 * second Service, Loom's own (the chart's Service takes no annotations), is an internal load
 * balancer (admitting the platform network's range only on aws and gcp; on existing clusters
 * whatever implements LoadBalancer Services there, as for Harbor), for other clusters and CI
 * runners in the network: on aws and gcp by its fixed name `feast.<platform>.internal` (a private
 * zone answering with fixed addresses of the address plan, `InternalDns`), on existing clusters by
 * its address, read back once it has one.
 *
 * Metrics: the server serves Prometheus metrics (`feast serve --metrics`, the chart's
 * `metrics.enabled`) on port 8000, which the chart's Service exposes as `metrics` but its pod does
 * not declare; the platform's scrape targets select declared pod ports, so Feast declares none
 * ({@link FeastFeatureStore.scrapeTargets} is empty) until the chart declares the port.
 */
import { Construct } from 'constructs';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { Fn, TerraformLocal, type ITerraformDependable } from '../../core/cdk';
import type { IKubernetesCluster } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { CHARTS } from '../../../catalog/charts';
import { COMPONENT_STORES, defaultReplicas, PLATFORM_NAMESPACES } from '../../../plan';
import { componentClusterAddons, componentOutput, componentScope, componentTags, servicesScope, type ComponentScrapeTarget, type IClusterAddons, type IScrapedComponent } from '../contract';
import { componentRelease } from '../helm';
import { internalLoadBalancerAnnotations, loadBalancerAddress, type FixedEndpoint } from '../load-balancer';
import { fixedComponentEndpoint } from '../dns';
import type { IKeyValueStore, IObjectStore, IPostgres, SecretReference, StoreAccess, WorkloadIdentity } from '../../stores/contract';
import { backingStores, databaseDependencies, storeIdentity } from '../../stores/backing-stores';
import { ComponentIdentity } from '../../stores/workload-identity';
import { grantSecretRead } from '../../stores/secret-access';
import { SecretSync } from '../../stores/secret-sync';
import type { IFeatureStore, ResolvedFeatureStoreProps } from './contract';
import { COMPONENT_SIZES, containerResources } from '../../../plan/footprints';

/** The feature server's release, Deployment and ClusterIP Service name (`fullnameOverride`). */
export const FEAST_SERVICE = 'feast';
/** The internal load balancer's Service (aws, gcp): Loom's own, since the chart's Service takes no annotations. */
export const FEAST_LOAD_BALANCER_SERVICE = 'feast-internal';
/** The Services' port (the chart's `service.port`). */
export const FEAST_SERVICE_PORT = 80;
/** The server's container port and its name (the chart names it after `feast_mode`). */
export const FEAST_CONTAINER_PORT = {
  /** The port's number. */
  number: 6566,
  /** The port's name (the chart's probes and Loom's load balancer target it). */
  name: 'online',
} as const;
/** Where `feast serve --metrics` serves Prometheus metrics (fixed by Feast; undeclared by the chart's pod). */
export const FEAST_METRICS_PORT = 8000;
/**
 * The Secret in `loom-system` holding the in-cluster Valkey's password (key `password`) on existing
 * clusters unless `onlineStore.authSecret` names another: the platform's operator creates it (Loom
 * has no generator there), letters, digits, `-` and `_` only.
 */
export const FEAST_VALKEY_AUTH_SECRET = 'feast-valkey-auth';
/** Where the pods find the online store's server CA (gcp). */
const ONLINE_STORE_CA_DIR = '/etc/feast/online-store-ca';
/** The ConfigMap holding that CA. */
const ONLINE_STORE_CA_CONFIG_MAP = 'feast-online-store-ca';
/** Seconds the server keeps the registry before reading it again. */
export const FEAST_REGISTRY_CACHE_TTL_SECONDS = 60;

/** The chart's pod labels (its selector: the chart's name and the release's). */
const POD_LABELS = { 'app.kubernetes.io/name': 'feast-feature-server', 'app.kubernetes.io/instance': FEAST_SERVICE } as const;

/** The in-cluster URL of the feature server. */
export const feastClusterUrl = `http://${FEAST_SERVICE}.${PLATFORM_NAMESPACES.system}.svc.cluster.local`;

/** A Feast project name from the platform's: letters, digits and underscores. */
export const feastProject = (platform: string): string => platform.replace(/[^A-Za-z0-9_]/g, '_');

/** How the server reaches the online store. */
export interface FeastOnlineStoreConnection {
  /** The primary's host. */
  readonly host: string;
  /** Its port (a reference where the store decides it). */
  readonly port: string | number;
  /** Whether connections use TLS. */
  readonly tls: boolean;
  /**
   * The PEM of the CA that signs the store's server certificate, where it is not a public root (Memorystore).
   * @default none: the system's roots
   */
  readonly caCertificate?: string;
  /** Where the password lives. */
  readonly authSecret: SecretReference;
}

/** What {@link feastConfiguration} renders `feature_store.yaml` from. */
export interface FeastConfigurationProps {
  /** The Feast project (see {@link feastProject}). */
  readonly project: string;
  /** The registry's database. */
  readonly database: Pick<IPostgres, 'host' | 'port' | 'databaseName'>;
  /** The online store. */
  readonly onlineStore: Pick<FeastOnlineStoreConnection, 'host' | 'port' | 'tls'> & {
    /** A file the pods find the store's CA in. @default none */
    readonly caFile?: string;
  };
}

/**
 * `feature_store.yaml` as an object (see the module comment): no credential in it — the database
 * user comes from libpq's environment, the online store's password from Feast's `$REDIS_PASSWORD`
 * expansion.
 */
export function feastConfiguration(props: FeastConfigurationProps): Record<string, unknown> {
  const online = props.onlineStore;
  const { database } = props;
  const options = [...(online.tls ? ['ssl=true'] : []), ...(online.caFile ? [`ssl_ca_certs=${online.caFile}`] : []), 'password=$REDIS_PASSWORD'].join(',');
  // Terraform's format(): references stay arguments, never `${…}` inside the encoded strings.
  const connection = Fn.format(`%s:%s,${options}`, [online.host, online.port]);
  const path = Fn.format('postgresql+psycopg://%s:%s/%s?sslmode=require', [database.host, database.port, database.databaseName]);
  return {
    project: props.project,
    provider: 'local',
    registry: {
      registry_type: 'sql',
      path,
      cache_ttl_seconds: FEAST_REGISTRY_CACHE_TTL_SECONDS,
      // A connection the database dropped (failover, idle timeout) is replaced, not reported.
      sqlalchemy_config_kwargs: { echo: false, pool_pre_ping: true },
    },
    online_store: { type: 'redis', connection_string: connection },
    offline_store: { type: 'file' },
    entity_key_serialization_version: 3,
  };
}

/** A container environment variable from a Kubernetes Secret's key. */
const fromSecret = (name: string, secret: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/** What {@link feastValues} renders the chart values from. */
export interface FeastValuesProps {
  /** Server replicas. */
  readonly replicas: number;
  /** `feature_store.yaml`, base64-encoded (a reference: Terraform renders it). */
  readonly featureStoreYamlBase64: string;
  /** The Kubernetes Secret with the database user's `username` and `password`. */
  readonly databaseSecret: string;
  /** The Kubernetes Secret with the online store's password, and its key. */
  readonly onlineStoreSecret: {
    /** The Secret's name (in `loom-system`). */
    readonly name: string;
    /** The key of the password in it. */
    readonly key: string;
  };
  /** The offline store (its credentials and endpoint, for the data centre's store). */
  readonly offline: Pick<IObjectStore, 'kind' | 'region' | 'endpoint' | 'credentialsSecret'>;
  /** The ConfigMap with the online store's CA, mounted at the `caFile` the configuration names. @default none */
  readonly onlineStoreCaConfigMap?: string;
  /** The Kubernetes service account the server runs as (Loom creates it, with the identity's annotation). */
  readonly serviceAccount: string;
}

/** The feature server's chart values (no secret among them: passwords come from Secrets by name). */
export function feastValues(props: FeastValuesProps): Record<string, unknown> {
  const { offline } = props;
  const env: Record<string, unknown>[] = [
    fromSecret('PGUSER', props.databaseSecret, 'username'),
    fromSecret('PGPASSWORD', props.databaseSecret, 'password'),
    // libpq reads it too: every database Loom creates refuses plain connections.
    { name: 'PGSSLMODE', value: 'require' },
    fromSecret('REDIS_PASSWORD', props.onlineStoreSecret.name, props.onlineStoreSecret.key),
  ];
  if (offline.kind === 's3' && offline.region) env.push({ name: 'AWS_DEFAULT_REGION', value: offline.region });
  if (offline.kind === 's3-compatible') {
    if (!offline.endpoint || !offline.credentialsSecret) throw new PlatformValidationError('Feast on an S3-compatible store needs its endpoint and credentials Secret');
    env.push(
      fromSecret('AWS_ACCESS_KEY_ID', offline.credentialsSecret, 'AWS_ACCESS_KEY_ID'),
      fromSecret('AWS_SECRET_ACCESS_KEY', offline.credentialsSecret, 'AWS_SECRET_ACCESS_KEY'),
      { name: 'AWS_ENDPOINT_URL_S3', value: offline.endpoint },
      { name: 'AWS_DEFAULT_REGION', value: offline.region ?? 'us-east-1' },
    );
  }
  const volumes: Record<string, unknown>[] = [{ name: 'tmp', emptyDir: {} }];
  const volumeMounts: Record<string, unknown>[] = [{ name: 'tmp', mountPath: '/tmp' }];
  if (props.onlineStoreCaConfigMap) {
    volumes.push({ name: 'online-store-ca', configMap: { name: props.onlineStoreCaConfigMap } });
    volumeMounts.push({ name: 'online-store-ca', mountPath: ONLINE_STORE_CA_DIR, readOnly: true });
  }
  return {
    fullnameOverride: FEAST_SERVICE,
    replicaCount: props.replicas,
    feast_mode: 'online',
    feature_store_yaml_base64: props.featureStoreYamlBase64,
    logLevel: 'INFO',
    // `feast serve --metrics`: Prometheus metrics on 8000 (see the module comment).
    metrics: { enabled: true },
    serviceAccount: { name: props.serviceAccount },
    service: { type: 'ClusterIP', port: FEAST_SERVICE_PORT },
    // The image runs as UID 1001.
    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    extraEnvs: env,
    volumes,
    volumeMounts,
    resources: containerResources(COMPONENT_SIZES.feast),
    // Spread over nodes, so that one node's loss leaves a server running.
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...POD_LABELS } } } },
          // And across zones, so that a zone's loss leaves a server (the chart has no spread key).
          { weight: 50, podAffinityTerm: { topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { ...POD_LABELS } } } },
        ],
      },
    },
  };
}

/** Props of {@link FeastFeatureStore}. */
export interface FeastFeatureStoreProps extends ResolvedFeatureStoreProps {
  /** The add-ons stack of the cluster Feast runs on. */
  readonly addons: IClusterAddons;
  /** The registry's database. */
  readonly database: IPostgres;
  /** The online store. */
  readonly onlineStore: IKeyValueStore;
  /** How the server reaches it. */
  readonly onlineStoreConnection: FeastOnlineStoreConnection;
  /** The offline store. */
  readonly offline: IObjectStore;
  /**
   * The server's cloud identity (aws, gcp).
   * @default none (existing clusters)
   */
  readonly identity?: ComponentIdentity;
  /**
   * The fixed name and addresses of the feature server's load balancer (aws, gcp).
   * @default none: the load balancer's address is read back (existing clusters)
   */
  readonly endpoint?: FixedEndpoint;
  /**
   * What the release waits for besides the secrets (the in-cluster stores' releases).
   * @default nothing
   */
  readonly storeDependencies?: readonly ITerraformDependable[];
}

/** Feature store, built: Feast's feature server on the component's cluster (see the module comment). */
export class FeastFeatureStore extends Construct implements IFeatureStore, IScrapedComponent {
  readonly componentName = 'featureStore' as const;
  readonly mode = 'build' as const;
  readonly implementation = 'build' as const;
  readonly product = 'feast' as const;
  readonly protocol = 'feast' as const;
  /** The feature server's URL outside its cluster: the internal load balancer (aws, gcp), else the cluster URL. @attribute */
  readonly onlineEndpoint: string;
  readonly offlineStore: string;
  readonly registry: string;
  /** The registry's database. */
  readonly database: IPostgres;
  /** The online store. */
  readonly onlineStore: IKeyValueStore;
  /** The offline store. */
  readonly offline: IObjectStore;
  /** The chart's release. */
  readonly release: Release;
  /** The cluster Feast runs on. */
  readonly cluster: IKubernetesCluster;
  /** `feature_store.yaml` as Terraform renders it (base64). @attribute */
  readonly featureStoreYamlBase64: string;
  /**
   * None: Feast's metrics port is not declared by the chart's pod, and scrape targets select
   * declared ports (see the module comment).
   */
  readonly scrapeTargets: readonly ComponentScrapeTarget[] = [];
  private readonly grantOnOffline: (identity: WorkloadIdentity, access: StoreAccess) => void;

  constructor(scope: Construct, id: string, props: FeastFeatureStoreProps) {
    super(scope, id);
    const { platform, addons } = props;
    this.cluster = addons.cluster;
    this.database = props.database;
    this.onlineStore = props.onlineStore;
    this.offline = props.offline;
    this.grantOnOffline = (identity, access) => props.offline.grant(identity, access);
    const stores = COMPONENT_STORES.featureStore;
    const namespace = addons.namespaces.system.name;
    const labels = { ...componentTags('featureStore'), 'app.kubernetes.io/managed-by': 'loom' };

    const serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: { name: stores.serviceAccount, namespace, labels, annotations: { ...(props.identity?.serviceAccountAnnotations ?? {}) } },
      automountServiceAccountToken: true,
    });
    const dependsOn: ITerraformDependable[] = [serviceAccount, ...(props.storeDependencies ?? [])];
    // A Kubernetes Secret as it is (existing clusters), or a cloud secret synced into one as the server's identity.
    const secretOf = (id: string, name: string, source: SecretReference, keys: Readonly<Record<string, string | undefined>>): string => {
      if (source.kind === 'kubernetes') return source.name;
      const sync = new SecretSync(this, id, { addons, name, serviceAccount: stores.serviceAccount, source, keys, dependsOn: [serviceAccount] });
      dependsOn.push(sync.resources.resource);
      return sync.secretName;
    };

    const password = props.database.passwordSecret;
    if (!password) throw new PlatformValidationError(`Feast needs a registry database user with a password; ${props.database.engine} gives none (use password authentication)`, this);
    const databaseSecret = secretOf('DatabaseSecret', `${stores.store}-database`, password, { username: 'username', password: password.kind === 'aws-secrets-manager' ? password.jsonKey : 'password' });

    const auth = props.onlineStoreConnection.authSecret;
    const onlineKey = 'password';
    const onlineSecretName = secretOf('OnlineStoreSecret', `${stores.store}-online-store`, auth, {
      // ElastiCache's secret is JSON; Memorystore's holds the AUTH string itself.
      [onlineKey]: auth.kind === 'aws-secrets-manager' ? auth.jsonKey : undefined,
    });
    const onlineStoreSecret = { name: onlineSecretName, key: auth.kind === 'kubernetes' ? auth.key : onlineKey };

    let caConfigMap: string | undefined;
    if (props.onlineStoreConnection.caCertificate) {
      const ca = new ConfigMapV1(this, 'OnlineStoreCa', {
        metadata: { name: ONLINE_STORE_CA_CONFIG_MAP, namespace, labels },
        data: { 'ca.crt': props.onlineStoreConnection.caCertificate },
      });
      caConfigMap = ONLINE_STORE_CA_CONFIG_MAP;
      dependsOn.push(ca);
    }

    const configuration = feastConfiguration({
      project: feastProject(platform.name),
      database: props.database,
      onlineStore: { ...props.onlineStoreConnection, ...(caConfigMap ? { caFile: `${ONLINE_STORE_CA_DIR}/ca.crt` } : {}) },
    });
    // A stack local: the values document stays plain JSON with one reference in it.
    this.featureStoreYamlBase64 = new TerraformLocal(this, 'FeatureStoreYaml', Fn.base64encode(Fn.yamlencode(configuration))).asString;

    this.release = componentRelease(this, 'Release', {
      name: FEAST_SERVICE,
      chart: CHARTS.feastFeatureServer,
      namespace,
      values: feastValues({
        replicas: props.spec.replicas ?? defaultReplicas(platform.environment),
        featureStoreYamlBase64: this.featureStoreYamlBase64,
        databaseSecret,
        onlineStoreSecret,
        offline: props.offline,
        ...(caConfigMap ? { onlineStoreCaConfigMap: caConfigMap } : {}),
        serviceAccount: stores.serviceAccount,
      }),
      dependsOn,
    });

    // One server at a time may be evicted by a drain or an upgrade (the chart writes no budget).
    new PodDisruptionBudgetV1(this, 'DisruptionBudget', {
      metadata: { name: FEAST_SERVICE, namespace, labels: { ...componentTags('featureStore'), 'app.kubernetes.io/managed-by': 'loom' } },
      spec: { maxUnavailable: '1', selector: { matchLabels: { ...POD_LABELS } } },
      dependsOn: [this.release],
    });

    const network = addons.cluster.network;
    {
      // Loom's own Service (the chart's takes no annotations), after the release: on EKS the
      // release waits for the load balancer controller, so this Service does too. On existing
      // clusters, whatever implements LoadBalancer Services there (as for Harbor).
      const endpoint = props.endpoint;
      const service = new ServiceV1(this, 'LoadBalancer', {
        metadata: { name: FEAST_LOAD_BALANCER_SERVICE, namespace: PLATFORM_NAMESPACES.system, labels, annotations: { ...(endpoint?.annotations ?? internalLoadBalancerAnnotations(platform.cloud)) } },
        spec: {
          type: 'LoadBalancer',
          selector: { ...POD_LABELS },
          port: [{ name: 'http', port: FEAST_SERVICE_PORT, targetPort: FEAST_CONTAINER_PORT.name, protocol: 'TCP' }],
          ...(network ? { loadBalancerSourceRanges: [network.cidr] } : {}),
          ...(endpoint?.loadBalancerIp ? { loadBalancerIp: endpoint.loadBalancerIp } : {}),
        },
        waitForLoadBalancer: true,
        dependsOn: [this.release],
      });
      if (endpoint) {
        // Its fixed name: known at plan time, so no cluster reads this one's state to find Feast.
        this.onlineEndpoint = `http://${endpoint.hostname}`;
      } else {
        const ingress = service.status.get(0).loadBalancer.get(0).ingress.get(0);
        this.onlineEndpoint = `http://${loadBalancerAddress(platform.cloud, ingress)}`;
      }
    }
    this.offlineStore = props.offline.uri;
    this.registry = `postgresql://${props.database.host}:${props.database.port}/${props.database.databaseName}`;
  }

  /** The feature server's URL for clients on `cluster`: the cluster URL on Feast's own cluster, the load balancer elsewhere. */
  onlineEndpointFor(cluster: IKubernetesCluster): string {
    return cluster === this.cluster ? feastClusterUrl : this.onlineEndpoint;
  }

  /**
   * Lets `identity` read the offline store's files (cloud stores; an S3-compatible store's access
   * is its credentials'). The registry and the online store are reached through the feature
   * server, whose reach is the network's.
   */
  grantRead(identity: WorkloadIdentity): void {
    this.grant(identity, 'read');
  }

  /** Lets `identity` also write the offline store's files (feature tables teams materialize from). */
  grantWrite(identity: WorkloadIdentity): void {
    this.grant(identity, 'write');
  }

  private grant(identity: WorkloadIdentity, access: StoreAccess): void {
    if (this.offline.kind !== 's3-compatible') this.grantOnOffline(identity, access);
  }
}

/**
 * The feature store, built (see the module comment): the registry database, online store, offline
 * bucket and identity in the services stack (aws, gcp) or the component's cluster (existing
 * clusters), Feast in the add-ons stack of its cluster.
 */
export function buildFeatureStore(props: ResolvedFeatureStoreProps): FeastFeatureStore {
  const addons = componentClusterAddons(props);
  const { platform, spec } = props;
  const stores = COMPONENT_STORES.featureStore;
  const inCluster = componentScope(addons, 'featureStore');
  let onlineStore: IKeyValueStore;
  let connection: FeastOnlineStoreConnection;
  let identity: ComponentIdentity | undefined;
  let services: Construct | undefined;
  const storeDependencies: ITerraformDependable[] = [];
  if (platform.cloud !== 'kubernetes') {
    services = servicesScope(props, "build: Feast's registry database, online store, offline bucket and identity");
    identity = storeIdentity(services, { platform, cluster: addons.cluster, store: stores.store, serviceAccount: stores.serviceAccount, description: `Feast of platform ${platform.name}` });
  }
  const workload = identity?.identity;
  // The SQL registry in PostgreSQL, offline files in the object store (the server writes them).
  const { database, objectStore: offline } = backingStores({
    platform,
    addons,
    ...(services ? { services } : {}),
    inCluster,
    stores,
    objectStoreId: 'Offline',
    ...(workload ? { databaseReader: workload, grantObjectStore: (store: IObjectStore) => store.grant(workload, 'write') } : {}),
    ...(spec.database ? { size: spec.database } : {}),
    what: 'featureStore build',
    files: "Feast's offline files",
  });
  storeDependencies.push(...databaseDependencies(database));
  // The online store: the cloud's managed Valkey/Redis, or the valkey chart on existing clusters.
  switch (platform.cloud) {
    case 'aws': {
      const { ElastiCacheValkey } = require('../../stores/key-value/elasticache-valkey') as typeof import('../../stores/key-value/elasticache-valkey');
      const cache = new ElastiCacheValkey(services!, 'OnlineStore', {
        name: stores.store,
        network: addons.cluster.network!,
        ...(spec.onlineStore?.nodeType ? { nodeType: spec.onlineStore.nodeType } : {}),
        ...(spec.onlineStore?.replicas ? { nodes: spec.onlineStore.replicas } : {}),
      });
      onlineStore = cache;
      connection = { host: cache.host, port: cache.port, tls: cache.tls, authSecret: cache.authSecret };
      break;
    }
    case 'gcp': {
      const { MemorystoreRedis } = require('../../stores/key-value/memorystore-redis') as typeof import('../../stores/key-value/memorystore-redis');
      const cache = new MemorystoreRedis(services!, 'OnlineStore', { name: stores.store, network: addons.cluster.network!, ...(spec.onlineStore?.memorySizeGb ? { memorySizeGb: spec.onlineStore.memorySizeGb } : {}) });
      onlineStore = cache;
      connection = {
        host: cache.host,
        // The instance's own port: with in-transit encryption Memorystore serves on its TLS port.
        port: cache.port,
        tls: cache.tls,
        caCertificate: cache.caCertificate,
        authSecret: cache.authSecret,
      };
      break;
    }
    case 'kubernetes': {
      const { ValkeyInCluster } = require('../../stores/key-value/valkey-in-cluster') as typeof import('../../stores/key-value/valkey-in-cluster');
      const valkey = new ValkeyInCluster(inCluster, 'OnlineStore', {
        name: `${stores.store}-valkey`,
        addons,
        authSecret: { name: spec.onlineStore?.authSecret ?? FEAST_VALKEY_AUTH_SECRET, key: 'password' },
        // `replicas` counts the valkey pods: the primary and its read replicas.
        ...(spec.onlineStore?.replicas ? { replicas: spec.onlineStore.replicas - 1 } : {}),
      });
      storeDependencies.push(valkey.release.resource);
      onlineStore = valkey;
      connection = { host: valkey.host, port: valkey.port, tls: valkey.tls, authSecret: valkey.authSecret };
      break;
    }
  }
  if (services && workload) {
    onlineStore.allowFrom(addons.cluster);
    grantSecretRead(services, 'OnlineStoreSecretAccess', connection.authSecret, workload);
  }
  const endpointProps = { platform, component: 'featureStore', cluster: addons.cluster, label: 'feast', description: "Feast's feature server" } as const;
  // A fixed name: a private zone in the services stack (aws, gcp), the premises' DNS on existing clusters given internalDomain.
  const endpoint = fixedComponentEndpoint(services, endpointProps);
  const feast = new FeastFeatureStore(inCluster, 'Resource', {
    ...props,
    addons,
    database,
    onlineStore,
    onlineStoreConnection: connection,
    offline,
    storeDependencies,
    ...(identity ? { identity } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
  componentOutput(feast, 'feature_store_endpoint', feast.onlineEndpoint, 'Feast: the feature server (inside the platform network)');
  componentOutput(feast, 'feature_store_offline_store', feast.offlineStore, "Feast: where offline feature files live (FileSource paths under it)");
  componentOutput(feast, 'feature_store_registry', feast.registry, "Feast: the SQL registry's database (credentials stay with the feature server)");
  return feast;
}
