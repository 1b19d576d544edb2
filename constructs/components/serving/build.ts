/**
 * Serving, built: KServe v0.20 (charts `kserve-crd` and `kserve-resources`, pinned in
 * catalog/charts.ts) on the component's cluster in Standard (raw deployment) mode — plain
 * Deployments, Services and HorizontalPodAutoscalers: no Knative, no Istio, no Ingress objects
 * (`disableIngressCreation`).
 *
 * Releases, in order: the CRDs; the controller and its webhooks (after cert-manager, which every
 * cluster runs: the chart's `Certificate` for the webhook server, issued by its self-signed
 * `Issuer` and injected into the webhook configurations by cert-manager's CA injector); the
 * ClusterServingRuntimes; the endpoints' InferenceServices. Custom resources are Loom's
 * resources-chart releases, each after the releases that bring their CRDs and webhooks.
 *
 * Runtimes: KServe 0.20 moved its ClusterServingRuntimes out of `kserve-resources` into a chart of
 * their own (`kserve-runtime-configs`, off by default), so Loom declares the five it serves with —
 * `kserve-sklearnserver`, `kserve-xgbserver`, `kserve-torchserve`, `kserve-huggingfaceserver`,
 * `kserve-tritonserver`, as that chart defines them at v0.20.0 — adding the container ports, which
 * upstream leaves undeclared (scrape targets select declared ports). Endpoints name their runtime
 * explicitly and speak the Open Inference Protocol (`protocolVersion: v2`); a `custom` endpoint
 * runs `<registryUrl>/<image>` as the predictor container, serving the same protocol on port 8080,
 * as a non-root user, with the model downloaded for it (`STORAGE_URI`).
 *
 * Namespace: `loom-system`, with the platform's other built components. Any pod in a namespace may
 * run as any service account there, and the serving identity reads the artifact store: in
 * `loom-workloads` every team workload could; in `loom-system` only the platform does. Kueue never
 * gates pods there (predictors on a batch cluster must not wait in a training queue), and on
 * existing clusters the object store's credentials Secret is there — KServe reads S3 credentials
 * from Secrets listed on the predictor's service account, which must share its namespace.
 *
 * Models: the storage initializer (an init container KServe injects) downloads `storageUri` to
 * `/mnt/models` as the endpoints' service account `kserve-models`: through IRSA (S3, region from
 * the controller's `storage.s3.region`) or GKE Workload Identity (Cloud Storage), the identity
 * granted read on the artifact store's prefix (paths) or on the full URI's prefix or bucket; on
 * existing clusters with the data centre store's keys (the service account lists the
 * `objectStorage.credentialsSecret` Secret; endpoint and TLS from `storage.s3`). A model missing at
 * apply time leaves the predictor retrying, not the apply failing: Helm does not wait for custom
 * resources to become ready.
 *
 * Scaling: `minReplicas`/`maxReplicas` of the spec, HPA (`serving.kserve.io/autoscalerClass: hpa`)
 * on 70% CPU utilisation of the requests (metrics-server, which Loom installs where the cluster
 * lacks one). GPU endpoints request `nvidia.com/gpu`, tolerate the GPU taint and select nodes of
 * that GPU (`loom.dev/gpu=<type>`; on existing clusters, GPU nodes as the GPU operator labels them).
 *
 * Reach: inside the platform only. On the serving cluster, KServe's predictor Service
 * `http://<endpoint>-predictor.loom-system.svc.cluster.local` (port 80); for other clusters and CI
 * runners, one internal load balancer Service per endpoint (`<endpoint>-lb`, Loom's own: the
 * controller's Service takes no annotations) — the AWS Load Balancer Controller's internal NLB,
 * GKE's internal passthrough load balancer, or whatever implements LoadBalancer Services on
 * existing clusters — admitting the platform network's range. On aws and gcp each has a fixed name,
 * `<endpoint>.serving.<platform>.internal` (a private zone answering with fixed addresses of the
 * address plan, serving's slots in endpoint order, `InternalDns`); on existing clusters its
 * address is read back once it has one. No Gateway API implementation is involved.
 *
 * Deployers (`grantDeploy`, a team's `serving: deploy`): their InferenceServices go in their own
 * namespace on the serving cluster, never in `loom-system` — a Role there, in the serving
 * cluster's add-ons stack, on `serving.kserve.io` InferenceServices, bound to the deployer's
 * service account and its members (RBAC authorizes Kubernetes subjects, not cloud identities).
 * KServe's controller reconciles every namespace; the predictors run as the deployer's service
 * account (its cloud identity reads its models: give the team `experimentTracking: read` for the
 * artifact store), within its quota and its namespace's Pod Security level, and cannot name the
 * platform's service accounts or touch the spec's endpoints.
 *
 * Metrics: the predictors' Prometheus endpoints (`/metrics` on the runtime's `http` port; TorchServe
 * and Triton on a `metrics` port), selected by pod label, and the controller's, behind its
 * kube-rbac-proxy (`https`, a token allowed `get` on `/metrics`).
 */
import { Construct } from 'constructs';
import { PLATFORM_CONFIG_MAP } from '../../kubernetes/platform-config';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from '../../core/cdk';
import type { IKubernetesCluster, ScrapeTarget } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { CHARTS } from '../../../catalog/charts';
import { componentHostnames, LOAD_BALANCER_SLOTS, MAX_SERVING_LOAD_BALANCERS, PLATFORM_NAMESPACES, type PlatformContext } from '../../../plan';
import type { ServingEndpointSpec, SERVING_FRAMEWORKS } from '../../../schema/schema';
import { servingNames } from '../../../schema/serving-rules';
import { controllerPlacement, GPU_TOLERATION, placementValues } from '../../addons/context';
import { CustomResources, type CustomResourceManifest } from '../../addons/release';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { componentClusterAddons, componentOutput, componentScope, componentTags, servicesScope, type ComponentScrapeTarget, type IClusterAddons, type IScrapedComponent } from '../contract';
import { componentRelease } from '../helm';
import { fixedEndpoint, internalLoadBalancerAnnotations, loadBalancerAddress, type FixedEndpoint } from '../load-balancer';
import { InternalDns } from '../dns';
import type { WorkloadIdentity } from '../../stores/contract';
import { storeIdentity } from '../../stores/backing-stores';
import { ComponentIdentity } from '../../stores/workload-identity';
import { servingEndpointsJson, unknownEndpoint, type IServing, type ResolvedServingProps, type ServingDeployer } from './contract';
import { foreignModelUris, grantGcsModelRead, modelLocation, s3ModelReadPolicy, type ModelLocation } from './model-access';
import { COMPONENT_SIZES, containerResources } from '../../../plan/footprints';

/** The KServe CRDs' release. */
export const KSERVE_CRD_RELEASE = 'kserve-crd';
/** The controller's release (chart `kserve-resources`). */
export const KSERVE_RELEASE = 'kserve';
/** The release of Loom's ClusterServingRuntimes. */
export const KSERVE_RUNTIMES_RELEASE = 'loom-kserve-runtimes';
/** The release of the endpoints' InferenceServices. */
export const SERVING_RELEASE = 'loom-serving';
/** The Kubernetes service account the predictors (and their storage initializer) run as. */
export const SERVING_SERVICE_ACCOUNT = 'kserve-models';
/** The component's store name: with the platform's it names the identity (`<platform>-serving`). */
export const SERVING_STORE = 'serving';
/** The namespace endpoints are served in (see the module comment). */
export const SERVING_NAMESPACE = PLATFORM_NAMESPACES.system;
/** The predictor's HTTP port and its name (KServe's convention: the runtime listens on 8080). */
export const KSERVE_HTTP_PORT = {
  /** The port's number. */
  number: 8080,
  /** The port's name (KServe's Service targets the first declared port). */
  name: 'http',
} as const;
/** The port KServe's predictor Service and Loom's load balancer answer on. */
export const SERVING_SERVICE_PORT = 80;
/** The CPU utilisation, percent of requests, the HPA keeps predictors at. */
export const SERVING_CPU_TARGET_PERCENT = 70;
/** The pod label naming the port a predictor serves metrics on (Loom's, set through `predictor.labels`). */
export const SERVING_METRICS_LABEL = 'loom.dev/serving-metrics';
/** The KServe API version of InferenceServices. */
export const INFERENCE_SERVICE_API_VERSION = 'serving.kserve.io/v1beta1';
/** The KServe API version of ClusterServingRuntimes. */
export const SERVING_RUNTIME_API_VERSION = 'serving.kserve.io/v1alpha1';
/** KServe's version: the runtimes' image tags. */
export const KSERVE_VERSION = 'v0.20.0';

/** The Role that lets a deployer manage InferenceServices in its own namespace ({@link KServeServing.grantDeploy}). */
export const SERVING_DEPLOY_ROLE = 'loom-serving-deployer';
/** What {@link SERVING_DEPLOY_ROLE} allows on `serving.kserve.io` InferenceServices. */
export const SERVING_DEPLOY_VERBS = ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'] as const;

/** A framework with a prebuilt runtime. */
export type PrebuiltFramework = Exclude<(typeof SERVING_FRAMEWORKS)[number], 'custom'>;

/** A ClusterServingRuntime Loom declares (as kserve-runtime-configs v0.20.0 defines it). */
export interface KServeRuntime {
  /** The runtime's name (`kserve-<server>`). */
  readonly name: string;
  /** The server type (`serving.kserve.io/server-type`). */
  readonly serverType: string;
  /** The model format it serves, and its version. */
  readonly modelFormat: {
    /** The format's name (`modelFormat.name` of InferenceServices). */
    readonly name: string;
    /** Its version. */
    readonly version: string;
  };
  /** The server's image. */
  readonly image: string;
  /** Its command, when the image's entrypoint is not the server. @default the image's */
  readonly command?: readonly string[];
  /** Its arguments. */
  readonly args: readonly string[];
  /** Environment of the server. @default none */
  readonly env?: readonly {
    /** The variable's name. */
    readonly name: string;
    /** Its value (KServe expands Go-template placeholders such as the model's name). */
    readonly value: string;
  }[];
  /** The protocols it speaks. */
  readonly protocolVersions: readonly string[];
  /** The user it runs as, where the image defines none. @default the image's */
  readonly runAsUser?: number;
  /** Where it serves Prometheus metrics: the HTTP port, or a port of its own. */
  readonly metricsPort: {
    /** The port's number. */
    readonly number: number;
    /** The port's name, declared by the runtime's container. */
    readonly name: string;
  };
  /** A memory-backed `/dev/shm` (Hugging Face's server). @default false */
  readonly devShm?: boolean;
}

const kserveImage = (server: string) => `kserve/${server}:${KSERVE_VERSION}`;
const HTTP_METRICS = { number: KSERVE_HTTP_PORT.number, name: KSERVE_HTTP_PORT.name } as const;

/** The runtime of each prebuilt framework. */
export const KSERVE_RUNTIMES: Readonly<Record<PrebuiltFramework, KServeRuntime>> = {
  sklearn: {
    name: 'kserve-sklearnserver',
    serverType: 'sklearnserver',
    modelFormat: { name: 'sklearn', version: '1' },
    image: kserveImage('sklearnserver'),
    args: ['--model_name={{.Name}}', '--model_dir=/mnt/models', '--http_port=8080'],
    protocolVersions: ['v1', 'v2'],
    metricsPort: HTTP_METRICS,
  },
  xgboost: {
    name: 'kserve-xgbserver',
    serverType: 'xgbserver',
    modelFormat: { name: 'xgboost', version: '2' },
    image: kserveImage('xgbserver'),
    args: ['--model_name={{.Name}}', '--model_dir=/mnt/models', '--http_port=8080', '--nthread=1'],
    protocolVersions: ['v1', 'v2'],
    metricsPort: HTTP_METRICS,
  },
  pytorch: {
    name: 'kserve-torchserve',
    serverType: 'torchserve',
    modelFormat: { name: 'pytorch', version: '1' },
    image: 'pytorch/torchserve-kfs:0.9.0',
    args: ['torchserve', '--start', '--model-store=/mnt/models/model-store', '--ts-config=/mnt/models/config/config.properties'],
    env: [{ name: 'TS_SERVICE_ENVELOPE', value: '{{.Labels.serviceEnvelope}}' }],
    protocolVersions: ['v1', 'v2', 'grpc-v2'],
    runAsUser: 1000,
    metricsPort: { number: 8082, name: 'metrics' },
  },
  huggingface: {
    name: 'kserve-huggingfaceserver',
    serverType: 'huggingfaceserver',
    modelFormat: { name: 'huggingface', version: '1' },
    image: kserveImage('huggingfaceserver'),
    args: ['--model_name={{.Name}}'],
    env: [{ name: 'LMCACHE_USE_EXPERIMENTAL', value: 'True' }],
    protocolVersions: ['v2', 'v1'],
    metricsPort: HTTP_METRICS,
    devShm: true,
  },
  triton: {
    name: 'kserve-tritonserver',
    serverType: 'tritonserver',
    modelFormat: { name: 'triton', version: '2' },
    image: 'nvcr.io/nvidia/tritonserver:23.05-py3',
    args: ['tritonserver', '--model-store=/mnt/models', '--grpc-port=9000', '--http-port=8080', '--allow-grpc=true', '--allow-http=true'],
    protocolVersions: ['v2', 'grpc-v2'],
    runAsUser: 1000,
    metricsPort: { number: 8002, name: 'metrics' },
  },
};

/** What the runtime container of every server declares and limits itself to. */
const containerSecurity = (runAsUser?: number) => ({
  allowPrivilegeEscalation: false,
  privileged: false,
  runAsNonRoot: true,
  ...(runAsUser !== undefined ? { runAsUser } : {}),
  capabilities: { drop: ['ALL'] },
});

/** The ports a runtime's container declares: HTTP first (KServe's Service targets the first), then metrics where separate. */
/**
 * The model server's probes: TCP on the HTTP port, every runtime's (a model server answers there
 * once it listens; loading a large model delays the listener, hence the liveness probe's patience).
 */
export const PREDICTOR_PROBES = {
  readinessProbe: { tcpSocket: { port: KSERVE_HTTP_PORT.number }, periodSeconds: 10, failureThreshold: 3 },
  livenessProbe: { tcpSocket: { port: KSERVE_HTTP_PORT.number }, initialDelaySeconds: 60, periodSeconds: 20, failureThreshold: 6 },
} as const;

/** The label KServe puts on an InferenceService's pods: the spread and the disruption budget select by it. */
export const INFERENCE_SERVICE_LABEL = 'serving.kserve.io/inferenceservice';

const runtimePorts = (metrics: KServeRuntime['metricsPort']) => [
  { name: KSERVE_HTTP_PORT.name, containerPort: KSERVE_HTTP_PORT.number, protocol: 'TCP' },
  ...(metrics.number !== KSERVE_HTTP_PORT.number ? [{ name: metrics.name, containerPort: metrics.number, protocol: 'TCP' }] : []),
];

/** A custom resource with annotations (ClusterServingRuntimes, InferenceServices). */
export interface AnnotatedManifest extends CustomResourceManifest {
  /** The object's name, labels and annotations. */
  readonly metadata: CustomResourceManifest['metadata'] & {
    /** The object's annotations. */
    readonly annotations: Readonly<Record<string, string>>;
  };
}

/** The ClusterServingRuntimes Loom declares (see the module comment). */
export function clusterServingRuntimes(labels: Readonly<Record<string, string>> = {}): AnnotatedManifest[] {
  return Object.values(KSERVE_RUNTIMES).map((r) => ({
    apiVersion: SERVING_RUNTIME_API_VERSION,
    kind: 'ClusterServingRuntime',
    metadata: { name: r.name, labels: { ...labels }, annotations: { 'serving.kserve.io/server-type': r.serverType } },
    spec: {
      annotations: { 'prometheus.kserve.io/path': '/metrics', 'prometheus.kserve.io/port': String(r.metricsPort.number) },
      containers: [
        {
          name: 'kserve-container',
          image: r.image,
          ...(r.command ? { command: [...r.command] } : {}),
          args: [...r.args],
          ...(r.env ? { env: r.env.map((e) => ({ ...e })) } : {}),
          ports: runtimePorts(r.metricsPort),
          ...PREDICTOR_PROBES,
          resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } },
          securityContext: containerSecurity(r.runAsUser),
          ...(r.devShm ? { volumeMounts: [{ name: 'devshm', mountPath: '/dev/shm' }] } : {}),
        },
      ],
      ...(r.devShm ? { volumes: [{ name: 'devshm', emptyDir: { medium: 'Memory' } }] } : {}),
      protocolVersions: [...r.protocolVersions],
      supportedModelFormats: [{ name: r.modelFormat.name, version: r.modelFormat.version, autoSelect: true, priority: 1 }],
    },
  }));
}

/** The port an endpoint's predictor serves metrics on (the value of {@link SERVING_METRICS_LABEL}). */
export const metricsPortOf = (framework: ServingEndpointSpec['framework']): string => (framework === 'custom' ? KSERVE_HTTP_PORT.name : KSERVE_RUNTIMES[framework].metricsPort.name);

/** What {@link inferenceService} renders an endpoint from. */
export interface InferenceServiceProps {
  /** The endpoint, as the spec declares it. */
  readonly endpoint: ServingEndpointSpec;
  /** Where its model is (`s3://…`, `gs://…`). */
  readonly storageUri: string;
  /** The cloud of the serving cluster (GPU node selection). */
  readonly cloud: PlatformContext['cloud'];
  /** The registry's URL (custom endpoints). @default none */
  readonly registryUrl?: string;
  /** Labels of Loom's objects. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Environment of the model server (`ServingConsumes.environment`). @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** A ConfigMap the model server takes its environment from (`envFrom`). @default none */
  readonly environmentConfigMap?: string;
}

/** Requests and limits with `count` NVIDIA GPUs added to both. */
const withGpus = (r: ReturnType<typeof containerResources>, count: number) => ({
  requests: { ...r.requests, 'nvidia.com/gpu': String(count) },
  limits: { ...r.limits, 'nvidia.com/gpu': String(count) },
});

/** An endpoint's InferenceService (see the module comment). */
export function inferenceService(props: InferenceServiceProps): AnnotatedManifest {
  const { endpoint } = props;
  const gpu = endpoint.gpu;
  const resources = gpu
    ? withGpus(containerResources(COMPONENT_SIZES.kserveGpuPredictor), gpu.count)
    : containerResources(COMPONENT_SIZES.kservePredictor);
  const env = Object.entries(props.environment ?? {}).map(([name, value]) => ({ name, value }));
  const envFrom = props.environmentConfigMap ? [{ configMapRef: { name: props.environmentConfigMap } }] : [];
  let server: Record<string, unknown>;
  if (endpoint.framework === 'custom') {
    if (!props.registryUrl) throw new PlatformValidationError(`serving endpoint '${endpoint.name}': framework custom runs an image of the registry component; pass registryUrl`);
    server = {
      containers: [
        {
          name: 'kserve-container',
          image: `${props.registryUrl}/${endpoint.image}`,
          // KServe downloads the model for a custom container that names it here.
          env: [{ name: 'STORAGE_URI', value: props.storageUri }, ...env],
          ...(envFrom.length ? { envFrom } : {}),
          ports: runtimePorts(HTTP_METRICS),
          ...PREDICTOR_PROBES,
          resources,
          securityContext: containerSecurity(),
        },
      ],
    };
  } else {
    const runtime = KSERVE_RUNTIMES[endpoint.framework];
    server = {
      model: {
        modelFormat: { name: runtime.modelFormat.name },
        runtime: runtime.name,
        protocolVersion: 'v2',
        storageUri: props.storageUri,
        ...(env.length ? { env } : {}),
        ...(envFrom.length ? { envFrom } : {}),
        resources,
      },
    };
  }
  const placement = gpu
    ? { nodeSelector: props.cloud === 'kubernetes' ? { 'nvidia.com/gpu.present': 'true' } : { 'loom.dev/gpu': gpu.type }, tolerations: [{ ...GPU_TOLERATION }] }
    : {};
  return {
    apiVersion: INFERENCE_SERVICE_API_VERSION,
    kind: 'InferenceService',
    metadata: {
      name: endpoint.name,
      namespace: SERVING_NAMESPACE,
      labels: { ...(props.labels ?? {}) },
      annotations: { 'serving.kserve.io/deploymentMode': 'Standard', 'serving.kserve.io/autoscalerClass': 'hpa' },
    },
    spec: {
      predictor: {
        serviceAccountName: SERVING_SERVICE_ACCOUNT,
        minReplicas: endpoint.minReplicas,
        maxReplicas: endpoint.maxReplicas,
        autoScaling: { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: SERVING_CPU_TARGET_PERCENT } } }] },
        // On the predictor's pods: the scrape targets select them by these.
        labels: { ...componentTags('serving'), [SERVING_METRICS_LABEL]: metricsPortOf(endpoint.framework) },
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        // Replicas across zones (and nodes), as far as capacity allows: a zone's loss leaves some.
        topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
          maxSkew: 1,
          topologyKey,
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { [INFERENCE_SERVICE_LABEL]: endpoint.name } },
        })),
        ...placement,
        ...server,
      },
    },
  };
}

/** What {@link kserveValues} renders the controller chart's values from. */
export interface KServeValuesProps {
  /** The serving cluster's plan (the controller's placement). */
  readonly cluster: IKubernetesCluster;
  /** The platform's settings (region, the data centre's object store). */
  readonly platform: Pick<PlatformContext, 'cloud' | 'region' | 'settings'>;
}

/** The S3 settings the storage initializer reads (`kserve.storage.s3`): the region on AWS, the data centre store's endpoint on existing clusters. */
function storageS3(platform: KServeValuesProps['platform']): Record<string, string> {
  if (platform.cloud === 'aws') return { region: platform.region ?? '' };
  const store = platform.settings.objectStorage;
  if (platform.cloud === 'kubernetes' && store) {
    const url = new URL(store.endpoint);
    return { endpoint: url.host, useHttps: url.protocol === 'https:' ? '1' : '0', region: store.region, useVirtualBucket: 'false' };
  }
  return {};
}

/** The controller chart's values (`kserve-resources`; every key is under `kserve`). */
export function kserveValues(props: KServeValuesProps): Record<string, unknown> {
  const placement = placementValues(controllerPlacement(props.cluster.plan));
  return {
    kserve: {
      controller: {
        deploymentMode: 'Standard',
        gateway: { disableIngressCreation: true, disableIstioVirtualHost: true },
        ...(placement.nodeSelector ? { nodeSelector: placement.nodeSelector } : {}),
        ...(placement.tolerations ? { tolerations: placement.tolerations } : {}),
      },
      storage: { s3: storageS3(props.platform) },
    },
  };
}

/** The scrape targets of the endpoints' predictors (one per metrics port in use) and of the controller. */
export function servingScrapeTargets(endpoints: readonly Pick<ServingEndpointSpec, 'framework'>[]): ScrapeTarget[] {
  const ports = [...new Set(endpoints.map((e) => metricsPortOf(e.framework)))].sort();
  return [
    {
      name: 'kserve-controller',
      namespace: SERVING_NAMESPACE,
      podSelector: { 'control-plane': 'kserve-controller-manager' },
      port: 'https',
      scheme: 'https',
      insecureSkipVerify: true,
      auth: 'service-account-token',
    },
    ...ports.map((port) => ({ name: `kserve-predictors-${port}`, namespace: SERVING_NAMESPACE, podSelector: { ...componentTags('serving'), [SERVING_METRICS_LABEL]: port }, port, path: '/metrics' })),
  ];
}

/** The in-cluster URL of an endpoint (KServe's predictor Service). */
export const predictorClusterUrl = (endpoint: string): string => `http://${servingNames('', endpoint).predictorService}.${SERVING_NAMESPACE}.svc.cluster.local`;

/** Props of {@link KServeServing}. */
export interface KServeServingProps extends ResolvedServingProps {
  /** The add-ons stack of the cluster KServe runs on. */
  readonly addons: IClusterAddons;
  /** Where each endpoint's model is, in the spec's order. */
  readonly models: readonly ModelLocation[];
  /**
   * The predictors' cloud identity (aws, gcp).
   * @default none (existing clusters)
   */
  readonly identity?: ComponentIdentity;
  /**
   * The endpoints' fixed names and load balancer addresses, by endpoint name (aws, gcp).
   * @default none: each load balancer's address is read back (existing clusters)
   */
  readonly fixedEndpoints?: ReadonlyMap<string, FixedEndpoint>;
  /**
   * The cert-manager release the controller's webhook certificate needs.
   * @default the add-ons stack's own cert-manager
   */
  readonly certManager?: ITerraformDependable;
}

/** The cert-manager release of a Loom add-ons stack, found without loading the add-ons. */
function certManagerOf(addons: IClusterAddons): ITerraformDependable | undefined {
  return (addons as unknown as { addons?: { certManager?: { release?: { resource?: ITerraformDependable } } } }).addons?.certManager?.release?.resource;
}

/** Serving, built: KServe on the component's cluster (see the module comment). */
export class KServeServing extends Construct implements IServing, IScrapedComponent {
  readonly componentName = 'serving' as const;
  readonly mode = 'build' as const;
  readonly implementation = 'build' as const;
  readonly product = 'kserve' as const;
  readonly protocol = 'open-inference' as const;
  readonly endpoints: readonly string[];
  /** The cluster KServe runs on. */
  readonly cluster: IKubernetesCluster;
  /** The CRDs' release. */
  readonly crdRelease: Release;
  /** The controller's release. */
  readonly release: Release;
  /** The ClusterServingRuntimes' release. */
  readonly runtimes: CustomResources;
  /** The InferenceServices' release (none without endpoints). */
  readonly inferenceServices?: CustomResources;
  /** What the monitoring component scrapes. */
  readonly scrapeTargets: readonly ComponentScrapeTarget[];
  private readonly urls = new Map<string, string>();
  private readonly labels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: KServeServingProps) {
    super(scope, id);
    const { platform, addons, spec } = props;
    this.cluster = addons.cluster;
    this.endpoints = spec.endpoints.map((e) => e.name);
    const namespace = addons.namespaces.system.name;
    const namespaceResource = addons.namespaces.system.resource;
    const labels = { ...componentTags('serving'), 'app.kubernetes.io/managed-by': 'loom' };
    this.labels = labels;
    const certManager = props.certManager ?? certManagerOf(addons);
    if (!certManager) {
      throw new PlatformValidationError("KServe's webhook certificate is issued by cert-manager: give the cert-manager release (certManager), or an add-ons stack that installs it", this);
    }

    this.crdRelease = componentRelease(this, 'Crds', { name: KSERVE_CRD_RELEASE, chart: CHARTS.kserveCrd, namespace, values: {} });
    this.release = componentRelease(this, 'Release', {
      name: KSERVE_RELEASE,
      chart: CHARTS.kserveResources,
      namespace,
      values: kserveValues({ cluster: addons.cluster, platform }),
      dependsOn: [this.crdRelease, certManager],
    });
    this.runtimes = new CustomResources(this, 'Runtimes', {
      releaseName: KSERVE_RUNTIMES_RELEASE,
      namespace,
      manifests: clusterServingRuntimes(labels),
      // The runtimes' validating webhook is the controller's.
      dependsOn: [this.crdRelease, this.release],
    });

    // The predictors' service account: the cloud identity's annotation, or the data centre store's keys.
    const credentialsSecret = platform.cloud === 'kubernetes' ? platform.settings.objectStorage?.credentialsSecret : undefined;
    const serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: { name: SERVING_SERVICE_ACCOUNT, namespace, labels, annotations: { ...(props.identity?.serviceAccountAnnotations ?? {}) } },
      ...(credentialsSecret ? { secret: [{ name: credentialsSecret }] } : {}),
      automountServiceAccountToken: true,
    });

    // The consumers' environment from the cluster's loom-platform ConfigMap (its copy in this
    // namespace), so that flipping a consumed component changes the ConfigMap, not the endpoints.
    const fromConfig = props.environmentFromPlatformConfig && addons.platformConfig ? addons.platformConfig.mirrorInto('system', namespace) : undefined;
    if (spec.endpoints.length) {
      this.inferenceServices = new CustomResources(this, 'InferenceServices', {
        releaseName: SERVING_RELEASE,
        namespace,
        manifests: spec.endpoints.map((endpoint, i) =>
          inferenceService({
            endpoint,
            storageUri: props.models[i]!.uri,
            cloud: platform.cloud,
            labels,
            ...(props.registryUrl ? { registryUrl: props.registryUrl } : {}),
            ...(fromConfig ? { environmentConfigMap: PLATFORM_CONFIG_MAP } : props.environment ? { environment: props.environment } : {}),
          }),
        ),
        dependsOn: [this.crdRelease, this.release, this.runtimes.resource, serviceAccount, ...(namespaceResource ? [namespaceResource] : []), ...(fromConfig ? [fromConfig] : [])],
      });
    }

    // One predictor pod of each endpoint at a time may be evicted by a drain or an upgrade.
    for (const endpoint of spec.endpoints) {
      new PodDisruptionBudgetV1(this, `DisruptionBudget-${endpoint.name}`, {
        metadata: { name: `${endpoint.name}-predictor`, namespace: SERVING_NAMESPACE, labels },
        spec: { maxUnavailable: '1', selector: { matchLabels: { [INFERENCE_SERVICE_LABEL]: endpoint.name } } },
        ...(this.inferenceServices ? { dependsOn: [this.inferenceServices.resource] } : {}),
      });
    }

    const network = addons.cluster.network;
    for (const endpoint of spec.endpoints) {
      const names = servingNames(platform.name, endpoint.name);
      // Loom's own Service, after the InferenceService: on EKS every release waits for the load
      // balancer controller, so this Service does too.
      const fixed = props.fixedEndpoints?.get(endpoint.name);
      const service = new ServiceV1(this, `LoadBalancer-${endpoint.name}`, {
        metadata: { name: names.loadBalancerService, namespace: SERVING_NAMESPACE, labels, annotations: { ...(fixed?.annotations ?? internalLoadBalancerAnnotations(platform.cloud)) } },
        spec: {
          type: 'LoadBalancer',
          // KServe's selector of a Standard-mode predictor's pods.
          selector: { app: `isvc.${names.predictorService}` },
          port: [{ name: 'http', port: SERVING_SERVICE_PORT, targetPort: KSERVE_HTTP_PORT.name, protocol: 'TCP' }],
          ...(network ? { loadBalancerSourceRanges: [network.cidr] } : {}),
          ...(fixed?.loadBalancerIp ? { loadBalancerIp: fixed.loadBalancerIp } : {}),
        },
        waitForLoadBalancer: true,
        dependsOn: [this.inferenceServices!.resource],
      });
      if (fixed) {
        // Its fixed name: known at plan time, so no cluster reads this one's state to find it.
        this.urls.set(endpoint.name, `http://${fixed.hostname}`);
      } else {
        const ingress = service.status.get(0).loadBalancer.get(0).ingress.get(0);
        this.urls.set(endpoint.name, `http://${loadBalancerAddress(platform.cloud, ingress)}`);
      }
    }
    this.scrapeTargets = servingScrapeTargets(spec.endpoints).map((target) => ({ cluster: addons.cluster, target }));
  }

  /** Endpoint `name` from anywhere in the platform: its internal load balancer. */
  endpointUrl(name: string): string {
    const url = this.urls.get(name);
    if (url === undefined) throw unknownEndpoint(name, this.endpoints);
    return url;
  }

  /** Endpoint `name` for clients on `cluster`: the predictor Service on KServe's own cluster, the load balancer elsewhere. */
  endpointUrlFor(name: string, cluster: IKubernetesCluster): string {
    const url = this.endpointUrl(name);
    return cluster === this.cluster ? predictorClusterUrl(name) : url;
  }

  /** Nothing to grant: KServe's endpoints are reached through the network (see the module comment). */
  grantInvoke(_identity: WorkloadIdentity): void {
    // Intentionally empty: reach is the network's, as for MLflow and Feast.
  }

  /**
   * Lets the deployer create and manage InferenceServices in its own namespace on the serving
   * cluster (see the module comment): the Role {@link SERVING_DEPLOY_ROLE} there and a RoleBinding
   * to its service account and subjects, in the serving cluster's add-ons stack, after the
   * namespace. Throws when the deployer has no namespace on that cluster (validation reports it
   * first). Invoking needs no grant.
   */
  grantDeploy(deployer: ServingDeployer): void {
    const cluster = this.cluster.plan.name;
    if (!deployer.clusters.includes(cluster)) {
      throw new PlatformValidationError(`serving: '${deployer.namespace}' deploys to KServe on cluster '${cluster}', where it has no namespace; add '${cluster}' to its clusters`, this);
    }
    if (this.node.tryFindChild(`Deploy-${deployer.namespace}`)) return;
    const scope = new Construct(this, `Deploy-${deployer.namespace}`);
    const namespace = deployer.namespaceResourceOn?.(cluster);
    const labels = { ...this.labels };
    const role = new RoleV1(scope, 'Role', {
      metadata: { name: SERVING_DEPLOY_ROLE, namespace: deployer.namespace, labels },
      rule: [{ apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: [...SERVING_DEPLOY_VERBS] }],
      ...(namespace ? { dependsOn: [namespace] } : {}),
    });
    new RoleBindingV1(scope, 'Binding', {
      metadata: { name: SERVING_DEPLOY_ROLE, namespace: deployer.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: SERVING_DEPLOY_ROLE },
      subject: [{ kind: 'ServiceAccount', name: deployer.serviceAccount, namespace: deployer.namespace }, ...(deployer.subjects ?? []).map((s) => ({ ...s }))],
      dependsOn: [role],
    });
  }

}

/**
 * Serving, built (see the module comment): the predictors' identity and its grants in the services
 * stack (aws, gcp), KServe and the endpoints in the add-ons stack of the serving cluster.
 */
export function buildServing(props: ResolvedServingProps): KServeServing {
  const addons = componentClusterAddons(props);
  const { platform, spec } = props;
  const models = spec.endpoints.map((e) => modelLocation(e, props));
  let identity: ComponentIdentity | undefined;
  let fixedEndpoints: ReadonlyMap<string, FixedEndpoint> | undefined;
  if (platform.cloud === 'aws' || platform.cloud === 'gcp') {
    const services = servicesScope(props, "build: the identity KServe's storage initializer reads models as");
    identity = storeIdentity(services, { platform, cluster: addons.cluster, store: SERVING_STORE, namespace: SERVING_NAMESPACE, serviceAccount: SERVING_SERVICE_ACCOUNT, description: `KServe models of platform ${platform.name}` });
    const workload = identity.identity!;
    if (models.some((m) => m.inArtifactStore)) props.modelStore?.grant(workload, 'read');
    const foreign = foreignModelUris(models);
    if (foreign.length && workload.kind === 'aws-iam-role') {
      const { IamRolePolicy } = require('@cdktf/provider-aws/lib/iam-role-policy') as typeof import('@cdktf/provider-aws/lib/iam-role-policy');
      const { awsAccount } = require('../../aws/account') as typeof import('../../aws/account');
      new IamRolePolicy(services, 'ModelAccess', { role: workload.roleName, name: 'serving-models-read', policy: JSON.stringify(s3ModelReadPolicy(awsAccount(services).partition, foreign)) });
    } else if (foreign.length && workload.kind === 'gcp-service-account') {
      grantGcsModelRead(services, workload.email, foreign);
    }
    fixedEndpoints = servingFixedEndpoints(services, platform, addons.cluster, spec.endpoints.map((e) => e.name));
  } else {
    if (models.length && !platform.settings.objectStorage) {
      throw new PlatformValidationError("serving build on cloud: kubernetes reads models from the data centre's object store; add objectStorage: { endpoint, bucket, credentialsSecret }");
    }
    fixedEndpoints = servingFixedEndpoints(undefined, platform, addons.cluster, spec.endpoints.map((e) => e.name));
  }
  const serving = new KServeServing(componentScope(addons, 'serving'), 'Resource', { ...props, addons, models, ...(identity ? { identity } : {}), ...(fixedEndpoints ? { fixedEndpoints } : {}) });
  componentOutput(serving, 'serving_endpoints', servingEndpointsJson(serving.endpoints, (n) => serving.endpointUrl(n)), 'KServe: the endpoints (name → URL, inside the platform network; Open Inference Protocol)');
  return serving;
}

/**
 * The endpoints' fixed names (`<endpoint>.serving.<platform>.internal`) and addresses — serving's
 * slots of the load balancer reservation, in the order of `endpoints` — with their private zone
 * (construct `Dns` of `services`).
 */
function servingFixedEndpoints(services: Construct | undefined, platform: PlatformContext, cluster: IKubernetesCluster, endpoints: readonly string[]): ReadonlyMap<string, FixedEndpoint> {
  const out = new Map<string, FixedEndpoint>();
  if (!endpoints.length) return out;
  if (platform.cloud !== 'kubernetes' && endpoints.length > MAX_SERVING_LOAD_BALANCERS) {
    throw new PlatformValidationError(`serving build gives each endpoint a fixed internal address, ${MAX_SERVING_LOAD_BALANCERS} at most per serving cluster; '${cluster.plan.name}' has ${endpoints.length}`);
  }
  const hostnames = componentHostnames(platform.name, platform.settings.internalDomain);
  endpoints.forEach((name, i) => {
    const endpoint = fixedEndpoint(platform, cluster, { slot: LOAD_BALANCER_SLOTS.serving + i, hostname: hostnames.servingEndpoint(name), label: 'serving', key: name });
    if (endpoint) out.set(name, endpoint);
  });
  // Existing clusters: the premises' DNS answers the names (given internalDomain).
  if (platform.cloud === 'kubernetes' || !services) return out;
  new InternalDns(services, 'Dns', {
    platform,
    component: 'serving',
    zone: hostnames.serving,
    label: 'serving',
    records: [...out.values()].map((e, i) => ({ key: endpoints[i]!, name: e.hostname, addresses: e.addresses })),
    cluster,
    description: 'Serving endpoints',
  });
  return out;
}
