/**
 * Experiment tracking, built: MLflow (chart `mlflow`, pinned in catalog/charts.ts; its values
 * schema rejects unknown keys) on the component's cluster, on the platform's real backing stores:
 *
 * | | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | runs and registered models | RDS for PostgreSQL (data tier) | Cloud SQL for PostgreSQL (private IP, built-in user) | a CloudNativePG cluster on the component's cluster |
 * | database password to the pods | RDS-managed secret → External Secrets | generated, Secret Manager → External Secrets | CloudNativePG's `<cluster>-app` Secret |
 * | artifacts | S3 (`mlflow-artifacts` bucket, `artifacts/`) | GCS (same) | `objectStorage:`'s bucket, `mlflow/artifacts/` |
 * | identity | IRSA role | Workload Identity service account | the store's credentials Secret |
 *
 * The server proxies artifacts (`--serve-artifacts`, `mlflow-artifacts:/` URIs), so clients need
 * no bucket credentials: only the server's identity may touch the bucket prefix, and it may read
 * only its own database secret. It runs `replicas` pods (2 or more in prod), migrates its schema
 * in an init container, and connects with TLS required (`PGSSLMODE=require`; every engine Loom
 * creates refuses plain connections).
 *
 * Reach: inside the platform only. Pods on its own cluster use the Service's cluster DNS name; the
 * Service is also an internal load balancer (AWS Load Balancer Controller NLB, GKE internal
 * passthrough load balancer; on existing clusters whatever implements LoadBalancer Services there,
 * MetalLB or kube-vip, as for Harbor), which other clusters and CI runners in the network use.
 * On aws and gcp it has a fixed name, `mlflow.<platform>.internal`, in a private zone answering
 * with fixed addresses from the address plan (`InternalDns`), so no cluster reads another's state
 * to find it; on existing clusters its address is read back after the release (a
 * `kubernetes_service_v1` data source).
 *
 * Metrics: the server exposes Prometheus metrics (`--expose-prometheus`) on its HTTP port at
 * `/metrics`, declared as a scrape target for the monitoring component.
 */
import { Construct } from 'constructs';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from '../../core/cdk';
import type { IKubernetesCluster, ScrapeTarget } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { CHARTS } from '../../../catalog/charts';
import { COMPONENT_STORES, defaultReplicas, PLATFORM_NAMESPACES, type PlatformContext } from '../../../plan';
import { componentClusterAddons, componentOutput, componentScope, componentTags, servicesScope, type ComponentScrapeTarget, type IClusterAddons, type IScrapedComponent } from '../contract';
import { componentRelease } from '../helm';
import { internalLoadBalancerAnnotations, loadBalancerAddress, type FixedEndpoint } from '../load-balancer';
import { fixedComponentEndpoint } from '../dns';
import type { IObjectStore, IPostgres, StoreAccess, WorkloadIdentity } from '../../stores/contract';
import { backingStores, databaseDependencies, storeIdentity } from '../../stores/backing-stores';
import { ComponentIdentity } from '../../stores/workload-identity';
import { SecretSync } from '../../stores/secret-sync';
import type { IExperimentTracking, ResolvedExperimentTrackingProps } from './contract';
import { COMPONENT_SIZES, containerResources } from '../../../plan/footprints';

/** MLflow's release, Service and Deployment name (`fullnameOverride`). */
export const MLFLOW_SERVICE = 'mlflow';
/** The Service's port (the chart's `service.port`). */
export const MLFLOW_SERVICE_PORT = 80;
/** The server's container port and its name (the chart's defaults, which the scrape target names). */
export const MLFLOW_CONTAINER_PORT = {
  /** The port's number. */
  number: 5000,
  /** The port's name (the scrape target selects it). */
  name: 'mlflow',
} as const;
/** Where the server keeps Prometheus' multiprocess files (an emptyDir: the root filesystem is read-only). */
const METRICS_DIR = '/tmp/prometheus';

/** The in-cluster URL of MLflow. */
export const mlflowClusterUrl = `http://${MLFLOW_SERVICE}.${PLATFORM_NAMESPACES.system}.svc.cluster.local`;

/** What {@link mlflowValues} renders the chart values from. */
export interface MlflowValuesProps {
  /** The platform's settings. */
  readonly platform: PlatformContext;
  /** Server replicas. */
  readonly replicas: number;
  /** The backend store. */
  readonly database: Pick<IPostgres, 'host' | 'port' | 'databaseName'>;
  /** The Kubernetes Secret holding the database user's `username` and `password`. */
  readonly databaseSecret: string;
  /** The artifact store. */
  readonly artifacts: Pick<IObjectStore, 'kind' | 'bucketName' | 'prefix' | 'endpoint' | 'credentialsSecret' | 'region'>;
  /** The Kubernetes service account the server runs as (Loom creates it, with the identity's annotation). */
  readonly serviceAccount: string;
  /** The Service's type: an internal load balancer (aws, gcp) or ClusterIP. */
  readonly service: {
    /** `LoadBalancer` (an internal one, by its annotations) or `ClusterIP`. */
    readonly type: 'LoadBalancer' | 'ClusterIP';
    /** The Service's annotations. @default none */
    readonly annotations?: Readonly<Record<string, string>>;
  };
  /** Host names clients reach the server by (MLflow's DNS-rebinding protection refuses others). */
  readonly allowedHosts: readonly string[];
  /** The cluster (for placement and priority). */
  readonly addons: Pick<IClusterAddons, 'priorityClasses'>;
}

/** MLflow's chart values (no secret among them: the password is read from a Secret by name). */
export function mlflowValues(props: MlflowValuesProps): Record<string, unknown> {
  const { artifacts } = props;
  const s3Compatible = artifacts.kind === 's3-compatible';
  const artifactRoot: Record<string, unknown> = {
    proxiedArtifactStorage: true,
    ...(artifacts.kind === 'gcs'
      ? { gcs: { enabled: true, bucket: artifacts.bucketName, path: artifacts.prefix } }
      : {
          s3: {
            enabled: true,
            bucket: artifacts.bucketName,
            path: artifacts.prefix,
            // The data centre's store: the operator's credentials Secret (cloud stores: workload identity).
            ...(s3Compatible ? { existingSecret: { name: artifacts.credentialsSecret, keyOfAccessKeyId: 'AWS_ACCESS_KEY_ID', keyOfSecretAccessKey: 'AWS_SECRET_ACCESS_KEY' } } : {}),
          },
        }),
  };
  return {
    fullnameOverride: MLFLOW_SERVICE,
    replicaCount: props.replicas,
    serviceAccount: { create: false, name: props.serviceAccount, automount: true },
    service: {
      enabled: true,
      type: props.service.type,
      port: MLFLOW_SERVICE_PORT,
      containerPort: MLFLOW_CONTAINER_PORT.number,
      containerPortName: MLFLOW_CONTAINER_PORT.name,
      annotations: { ...(props.service.annotations ?? {}) },
    },
    telemetry: { enabled: false },
    backendStore: {
      databaseMigration: true,
      databaseConnectionCheck: true,
      postgres: { enabled: true, host: props.database.host, port: props.database.port, database: props.database.databaseName, driver: 'psycopg2' },
      existingDatabaseSecret: { name: props.databaseSecret, usernameKey: 'username', passwordKey: 'password' },
    },
    artifactRoot,
    extraArgs: { exposePrometheus: METRICS_DIR },
    extraEnvVars: {
      // libpq reads it: every database Loom creates refuses plain connections.
      PGSSLMODE: 'require',
      ...(artifacts.kind === 's3' && artifacts.region ? { AWS_DEFAULT_REGION: artifacts.region } : {}),
      ...(s3Compatible ? { MLFLOW_S3_ENDPOINT_URL: artifacts.endpoint!, AWS_DEFAULT_REGION: artifacts.region ?? 'us-east-1' } : {}),
    },
    serverAllowedHosts: [...props.allowedHosts],
    resources: containerResources(COMPONENT_SIZES.mlflow),
    priorityClassName: props.addons.priorityClasses.nameOf('loom-critical'),
    // Spread over nodes, so that one node's loss leaves a server running.
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'mlflow', 'app.kubernetes.io/instance': MLFLOW_SERVICE } } } },
        ],
      },
    },
  };
}

/** The scrape target of MLflow's server. */
export const mlflowScrapeTarget = (): ScrapeTarget => ({
  name: 'mlflow',
  namespace: PLATFORM_NAMESPACES.system,
  podSelector: { 'app.kubernetes.io/name': 'mlflow', 'app.kubernetes.io/instance': MLFLOW_SERVICE },
  port: MLFLOW_CONTAINER_PORT.name,
  path: '/metrics',
});

/** Props of {@link Mlflow}. */
export interface MlflowProps extends ResolvedExperimentTrackingProps {
  /** The add-ons stack of the cluster MLflow runs on. */
  readonly addons: IClusterAddons;
  /** The backend store. */
  readonly database: IPostgres;
  /** The artifact store. */
  readonly artifacts: IObjectStore;
  /**
   * The server's cloud identity (aws, gcp).
   * @default none (existing clusters)
   */
  readonly identity?: ComponentIdentity;
  /**
   * The fixed name and addresses of MLflow's load balancer (aws, gcp).
   * @default none: the load balancer's address is read back after the release (existing clusters)
   */
  readonly endpoint?: FixedEndpoint;
}

/** A cloud-side grant MLflow makes for its consumers: on the artifact store, through the services stack. */
type ArtifactGrant = (identity: WorkloadIdentity, access: StoreAccess) => void;

/** Experiment tracking, built: MLflow on the component's cluster (see the module comment). */
export class Mlflow extends Construct implements IExperimentTracking, IScrapedComponent {
  readonly componentName = 'experimentTracking' as const;
  readonly mode = 'build' as const;
  readonly implementation = 'build' as const;
  readonly product = 'mlflow' as const;
  readonly protocol = 'mlflow' as const;
  /** The tracking URI outside MLflow's cluster: the internal load balancer (aws, gcp), else the cluster URL. @attribute */
  readonly trackingUri: string;
  readonly artifactUri: string;
  readonly modelRegistryUri: string;
  /** The backend store. */
  readonly database: IPostgres;
  /** The artifact store. */
  readonly artifacts: IObjectStore;
  /** The chart's release. */
  readonly release: Release;
  /** The cluster MLflow runs on. */
  readonly cluster: IKubernetesCluster;
  /** What the monitoring component scrapes. */
  readonly scrapeTargets: readonly ComponentScrapeTarget[];
  private readonly grantOnArtifacts: ArtifactGrant;

  constructor(scope: Construct, id: string, props: MlflowProps) {
    super(scope, id);
    const { platform, addons } = props;
    this.cluster = addons.cluster;
    this.database = props.database;
    this.artifacts = props.artifacts;
    this.grantOnArtifacts = (identity, access) => props.artifacts.grant(identity, access);
    const stores = COMPONENT_STORES.experimentTracking;
    const namespace = addons.namespaces.system.name;
    const labels = { ...componentTags('experimentTracking'), 'app.kubernetes.io/managed-by': 'loom' };

    const serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: { name: stores.serviceAccount, namespace, labels, annotations: { ...(props.identity?.serviceAccountAnnotations ?? {}) } },
      automountServiceAccountToken: true,
    });
    const dependsOn: ITerraformDependable[] = [serviceAccount];
    let databaseSecret: string;
    const password = props.database.passwordSecret;
    if (!password) throw new PlatformValidationError(`MLflow needs a database user with a password; ${props.database.engine} gives none (use password authentication)`, this);
    if (password.kind === 'kubernetes') {
      databaseSecret = password.name;
    } else {
      const sync = new SecretSync(this, 'DatabaseSecret', {
        addons,
        name: `${stores.store}-database`,
        serviceAccount: stores.serviceAccount,
        source: password,
        keys: { username: 'username', password: 'password' },
        dependsOn: [serviceAccount],
      });
      databaseSecret = sync.secretName;
      dependsOn.push(sync.resources.resource);
    }
    if (props.database.engine === 'cloudnative-pg') dependsOn.push(...databaseDependencies(props.database));

    // The chart's Service has no source ranges: the load balancer is internal (the network's only).
    const allowedHosts = [
      `${MLFLOW_SERVICE}`,
      `${MLFLOW_SERVICE}.${PLATFORM_NAMESPACES.system}`,
      `${MLFLOW_SERVICE}.${PLATFORM_NAMESPACES.system}.svc`,
      `${MLFLOW_SERVICE}.${PLATFORM_NAMESPACES.system}.svc.cluster.local`,
      // Its fixed name on the platform's network (aws, gcp).
      ...(props.endpoint ? [props.endpoint.hostname] : []),
    ];
    this.release = componentRelease(this, 'Release', {
      name: MLFLOW_SERVICE,
      chart: CHARTS.mlflow,
      namespace,
      values: mlflowValues({
        platform,
        replicas: props.spec.replicas ?? defaultReplicas(platform.environment),
        database: props.database,
        databaseSecret,
        artifacts: props.artifacts,
        serviceAccount: stores.serviceAccount,
        service: { type: 'LoadBalancer', annotations: props.endpoint?.annotations ?? internalLoadBalancerAnnotations(platform.cloud) },
        allowedHosts,
        addons,
      }),
      timeout: 900,
      dependsOn,
    });
    if (props.endpoint) {
      // Its fixed name: known at plan time, so no cluster reads this one's state to find MLflow.
      this.trackingUri = `http://${props.endpoint.hostname}`;
    } else {
      // Existing clusters: the load balancer's address, once the release is ready (Helm waits
      // for it): a name or an address, whatever implements LoadBalancer Services there.
      // Loaded here only: on aws and gcp nothing reads a load balancer back.
      const { DataKubernetesServiceV1 } = require('@cdktf/provider-kubernetes/lib/data-kubernetes-service-v1') as typeof import('@cdktf/provider-kubernetes/lib/data-kubernetes-service-v1');
      const service = new DataKubernetesServiceV1(this, 'LoadBalancer', { metadata: { name: MLFLOW_SERVICE, namespace: PLATFORM_NAMESPACES.system }, dependsOn: [this.release] });
      const ingress = service.status.get(0).loadBalancer.get(0).ingress.get(0);
      this.trackingUri = `http://${loadBalancerAddress(platform.cloud, ingress)}`;
    }
    // Where the artifacts physically are (serving's storage initializer reads models from there);
    // MLflow clients log through the proxy (`mlflow-artifacts:/`) and need no access to it.
    this.artifactUri = props.artifacts.uri;
    this.modelRegistryUri = this.trackingUri;
    this.scrapeTargets = [{ cluster: addons.cluster, target: mlflowScrapeTarget() }];
  }

  /** The tracking URI for clients on `cluster`: the cluster URL on MLflow's own cluster, the load balancer elsewhere. */
  trackingUriFor(cluster: IKubernetesCluster): string {
    return cluster === this.cluster ? mlflowClusterUrl : this.trackingUri;
  }

  /**
   * Clients go through MLflow's API and its artifact proxy, which has no authentication of its own
   * (reach is the network's): a `read` grant needs nothing; `write` too, unless the client reads
   * artifacts from the bucket directly (`mlflow.artifacts` with an `s3://`/`gs://` URI), which this
   * grants on the artifact prefix.
   */
  grantAccess(identity: WorkloadIdentity, access: StoreAccess): void {
    if (this.artifacts.kind !== 's3-compatible') this.grantOnArtifacts(identity, access);
  }
}

/**
 * Experiment tracking, built (see the module comment): the database, artifact bucket and identity
 * in the services stack (aws, gcp) or the component's cluster (existing clusters), MLflow in the
 * add-ons stack of its cluster.
 */
export function buildExperimentTracking(props: ResolvedExperimentTrackingProps): Mlflow {
  const addons = componentClusterAddons(props);
  const { platform, spec } = props;
  const stores = COMPONENT_STORES.experimentTracking;
  const inCluster = componentScope(addons, 'experimentTracking');
  let identity: ComponentIdentity | undefined;
  let services: Construct | undefined;
  if (platform.cloud !== 'kubernetes') {
    services = servicesScope(props, "build: MLflow's database, artifact bucket and identity");
    identity = storeIdentity(services, { platform, cluster: addons.cluster, store: stores.store, serviceAccount: stores.serviceAccount, description: `MLflow of platform ${platform.name}` });
  }
  const workload = identity?.identity;
  const { database, objectStore: artifacts } = backingStores({
    platform,
    addons,
    ...(services ? { services } : {}),
    inCluster,
    stores,
    objectStoreId: 'Artifacts',
    ...(workload ? { databaseReader: workload, grantObjectStore: (store: IObjectStore) => store.grant(workload, 'write') } : {}),
    ...(spec.database ? { size: spec.database } : {}),
    what: 'experimentTracking build',
    files: "MLflow's artifacts",
  });
  const endpointProps = { platform, component: 'experimentTracking', cluster: addons.cluster, label: 'mlflow', description: 'MLflow' } as const;
  // A fixed name: a private zone in the services stack (aws, gcp), the premises' DNS on existing clusters given internalDomain.
  const endpoint = fixedComponentEndpoint(services, endpointProps);
  const mlflow = new Mlflow(inCluster, 'Resource', { ...props, addons, database, artifacts, ...(identity ? { identity } : {}), ...(endpoint ? { endpoint } : {}) });
  componentOutput(mlflow, 'tracking_uri', mlflow.trackingUri, 'MLflow: the tracking URI (inside the platform network; also the model registry)');
  componentOutput(mlflow, 'artifact_uri', mlflow.artifactUri, "Where run artifacts are kept (clients log them through MLflow's artifact proxy)");
  return mlflow;
}
