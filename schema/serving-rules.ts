/**
 * Rules of the serving component's endpoints (`components.serving.endpoints[]`), and the facts they
 * and the serving constructs share: the names each implementation derives from an endpoint's, the
 * GPU instance and machine types each cloud's managed service offers, and where a model may be
 * read from. Called from `checkRules`; pure (no cdktf).
 *
 * - endpoint names are unique, and the names derived from them fit each cloud's limits
 *   ({@link servingNames}, {@link SERVING_NAME_LIMITS}); built on aws or gcp, at most
 *   `MAX_SERVING_LOAD_BALANCERS` endpoints (each takes a fixed load balancer address);
 * - (on a whole platform's spec, see {@link checkServingRules}) `framework: custom` needs the registry component (its image is `<registry>/<image>`), and
 *   bought serving pulls it from the cloud's registry (ECR, Artifact Registry), never Harbor;
 * - (whole spec) a model path inside the artifact store needs experiment tracking (its artifact
 *   store); a full URI must be of the cloud's own object store;
 * - a GPU endpoint, built, needs a node pool with that GPU on the serving cluster (existing
 *   clusters: GPUs at all, `existing.gpu`); bought, a GPU (and count) the cloud's table has;
 * - Vertex AI has no prebuilt Triton container: Triton on Google Cloud is `custom`.
 */
import type { Cloud, PlatformSpec, ServingEndpointSpec } from './schema';
import type { GpuType } from '../catalog/machine-types';
import { componentCluster, internalDnsNames, MAX_SERVING_LOAD_BALANCERS } from '../plan';

/** The limits of the names serving derives from an endpoint's, by who sets them. */
export const SERVING_NAME_LIMITS = {
  /** SageMaker endpoint names (`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`). */
  sagemakerEndpoint: 63,
  /** Vertex AI model ids (`gcloud ai models upload --model-id`). */
  vertexModelId: 63,
  /** Vertex AI endpoint display names. */
  vertexDisplayName: 128,
  /** Kubernetes Service names (DNS labels): the predictor's Service and the internal load balancer's. */
  kubernetesService: 63,
} as const;

/** The names one endpoint derives on each side (see {@link SERVING_NAME_LIMITS}). */
export interface ServingNames {
  /** The SageMaker endpoint (buy on AWS): `<platform>-<endpoint>`. */
  readonly sagemakerEndpoint: string;
  /** The Vertex AI model id and endpoint display name (buy on Google Cloud): `<platform>-<endpoint>`. */
  readonly vertexModelId: string;
  /** The Vertex AI endpoint display name. */
  readonly vertexDisplayName: string;
  /** KServe's predictor Service and Deployment (build): `<endpoint>-predictor`. */
  readonly predictorService: string;
  /** Loom's internal load balancer Service in front of the predictor (build): `<endpoint>-lb`. */
  readonly loadBalancerService: string;
  /** The reserved internal address of that load balancer (build on Google Cloud): `<platform>-serving-<endpoint>`, hashed to fit 63. */
  readonly gcpAddress: string;
}

/** The names endpoint `endpoint` of platform `platform` derives (see {@link ServingNames}). */
export function servingNames(platform: string, endpoint: string): ServingNames {
  return {
    sagemakerEndpoint: `${platform}-${endpoint}`,
    vertexModelId: `${platform}-${endpoint}`,
    vertexDisplayName: `${platform}-${endpoint}`,
    predictorService: `${endpoint}-predictor`,
    loadBalancerService: `${endpoint}-lb`,
    gcpAddress: internalDnsNames(platform, 'serving', endpoint).address,
  };
}

/**
 * SageMaker instance types by GPU model and GPUs per instance (buy on AWS), each with whether it has
 * local NVMe instance storage — SageMaker refuses a KMS key for the ML storage volume on those
 * (their instance storage is encrypted by the hardware).
 */
export const SAGEMAKER_GPU_INSTANCES: Readonly<Partial<Record<GpuType, Readonly<Record<number, string>>>>> = {
  'nvidia-t4': { 1: 'ml.g4dn.xlarge', 4: 'ml.g4dn.12xlarge' },
  'nvidia-a10g': { 1: 'ml.g5.xlarge', 4: 'ml.g5.12xlarge', 8: 'ml.g5.48xlarge' },
  'nvidia-l4': { 1: 'ml.g6.xlarge', 4: 'ml.g6.12xlarge', 8: 'ml.g6.48xlarge' },
  'nvidia-l40s': { 1: 'ml.g6e.xlarge', 4: 'ml.g6e.12xlarge', 8: 'ml.g6e.48xlarge' },
  'nvidia-a100': { 8: 'ml.p4d.24xlarge' },
  'nvidia-h100': { 8: 'ml.p5.48xlarge' },
};
/** The instance type of CPU endpoints on SageMaker (EBS-only: its ML storage volume takes the KMS key). */
export const SAGEMAKER_CPU_INSTANCE = 'ml.m5.xlarge';
/** Instance families with local NVMe storage among those Loom picks (every GPU family above). */
const SAGEMAKER_LOCAL_STORAGE_FAMILIES = ['g4dn', 'g5', 'g6', 'g6e', 'p4d', 'p5'] as const;
/** Whether a SageMaker instance type has local instance storage (and so takes no KMS key). */
export const sagemakerHasInstanceStorage = (instanceType: string): boolean => (SAGEMAKER_LOCAL_STORAGE_FAMILIES as readonly string[]).includes(instanceType.split('.')[1] ?? '');

/** A Vertex AI accelerator and the machine type that carries it, by GPUs per replica. */
export interface VertexGpu {
  /** The accelerator as `gcloud ai endpoints deploy-model --accelerator=type=…` names it. */
  readonly accelerator: string;
  /** Machine types by GPUs per replica. */
  readonly machineTypes: Readonly<Record<number, string>>;
}

/** Vertex AI prediction accelerators by GPU model (buy on Google Cloud); models missing here do not exist on Vertex AI. */
export const VERTEX_GPUS: Readonly<Partial<Record<GpuType, VertexGpu>>> = {
  'nvidia-t4': { accelerator: 'nvidia-tesla-t4', machineTypes: { 1: 'n1-standard-4', 2: 'n1-standard-8', 4: 'n1-standard-16' } },
  'nvidia-l4': { accelerator: 'nvidia-l4', machineTypes: { 1: 'g2-standard-8', 2: 'g2-standard-24', 4: 'g2-standard-48', 8: 'g2-standard-96' } },
  'nvidia-v100': { accelerator: 'nvidia-tesla-v100', machineTypes: { 1: 'n1-standard-8', 2: 'n1-standard-16', 4: 'n1-standard-32', 8: 'n1-standard-64' } },
  'nvidia-a100': { accelerator: 'nvidia-tesla-a100', machineTypes: { 1: 'a2-highgpu-1g', 2: 'a2-highgpu-2g', 4: 'a2-highgpu-4g', 8: 'a2-highgpu-8g' } },
  'nvidia-a100-80gb': { accelerator: 'nvidia-a100-80gb', machineTypes: { 1: 'a2-ultragpu-1g', 2: 'a2-ultragpu-2g', 4: 'a2-ultragpu-4g', 8: 'a2-ultragpu-8g' } },
  'nvidia-h100': { accelerator: 'nvidia-h100-80gb', machineTypes: { 8: 'a3-highgpu-8g' } },
};
/** The machine type of CPU endpoints on Vertex AI. */
export const VERTEX_CPU_MACHINE = 'n1-standard-4';

/** Frameworks whose prebuilt container on each cloud's managed service is CPU-only. */
export const CPU_ONLY_PREBUILT: Readonly<Record<'aws' | 'gcp', readonly ServingEndpointSpec['framework'][]>> = {
  aws: ['sklearn'],
  gcp: ['sklearn', 'xgboost'],
};

/** The object store scheme of each cloud (`s3://` on existing clusters is the data centre's S3-compatible store). */
const MODEL_SCHEMES: Readonly<Record<Cloud, 's3' | 'gs'>> = { aws: 's3', gcp: 'gs', kubernetes: 's3' };

/** `s3`, `gs`, or undefined for a path inside the artifact store. */
export function modelScheme(model: string): 's3' | 'gs' | undefined {
  const m = /^(s3|gs):\/\//.exec(model);
  return m ? (m[1] as 's3' | 'gs') : undefined;
}

/** The bucket and key prefix of a full model URI (`s3://bucket/a/b` → `bucket`, `a/b`). */
export function modelBucket(uri: string): {
  /** The bucket's name. */
  readonly bucket: string;
  /** The key prefix, without leading or trailing slash ('' for the whole bucket). */
  readonly prefix: string;
} {
  const rest = uri.replace(/^(s3|gs):\/\//, '');
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, prefix: '' } : { bucket: rest.slice(0, slash), prefix: rest.slice(slash + 1).replace(/\/+$/, '') };
}

/** What the GPU of a bought endpoint runs on, or the problem with it. */
export function boughtGpu(
  cloud: 'aws' | 'gcp',
  gpu: NonNullable<ServingEndpointSpec['gpu']>,
):
  | {
      /** The SageMaker instance type or Vertex AI machine type. */
      instance: string;
      /** The Vertex AI accelerator (gcp). */
      accelerator?: string;
    }
  | {
      /** Why the cloud cannot serve on that GPU, and the fix. */
      problem: string;
    } {
  if (cloud === 'aws') {
    const byCount = SAGEMAKER_GPU_INSTANCES[gpu.type];
    if (!byCount) return { problem: `${gpu.type} is not offered by SageMaker endpoints; use one of ${Object.keys(SAGEMAKER_GPU_INSTANCES).join(', ')}` };
    const instance = byCount[gpu.count];
    if (!instance) return { problem: `SageMaker has no instance with ${gpu.count} ${gpu.type}; use count ${Object.keys(byCount).join(' or ')}` };
    return { instance };
  }
  const vertex = VERTEX_GPUS[gpu.type];
  if (!vertex) return { problem: `${gpu.type} is not offered by Vertex AI prediction; use one of ${Object.keys(VERTEX_GPUS).join(', ')}` };
  const instance = vertex.machineTypes[gpu.count];
  if (!instance) return { problem: `Vertex AI has no machine type with ${gpu.count} ${gpu.type}; use count ${Object.keys(vertex.machineTypes).join(' or ')}` };
  return { instance, accelerator: vertex.accelerator };
}

/** The name problems of one endpoint where serving is `mode` on `cloud`: `derived … '<name>' is N characters, over the limit of L`. */
export function servingNameProblems(cloud: Cloud, mode: 'build' | 'buy', platform: string, endpoint: string): string[] {
  const names = servingNames(platform, endpoint);
  const candidates: { what: string; name: string; limit: number; fix: string }[] = [];
  if (mode === 'buy' && cloud === 'aws') candidates.push({ what: 'SageMaker endpoint name', name: names.sagemakerEndpoint, limit: SERVING_NAME_LIMITS.sagemakerEndpoint, fix: 'shorten the endpoint or the platform name' });
  if (mode === 'buy' && cloud === 'gcp') {
    candidates.push({ what: 'Vertex AI model id', name: names.vertexModelId, limit: SERVING_NAME_LIMITS.vertexModelId, fix: 'shorten the endpoint or the platform name' });
    candidates.push({ what: 'Vertex AI endpoint display name', name: names.vertexDisplayName, limit: SERVING_NAME_LIMITS.vertexDisplayName, fix: 'shorten the endpoint or the platform name' });
  }
  if (mode === 'build') {
    candidates.push({ what: 'predictor Service name', name: names.predictorService, limit: SERVING_NAME_LIMITS.kubernetesService, fix: 'shorten the endpoint name' });
    candidates.push({ what: 'load balancer Service name', name: names.loadBalancerService, limit: SERVING_NAME_LIMITS.kubernetesService, fix: 'shorten the endpoint name' });
  }
  return candidates.filter((c) => c.name.length > c.limit).map((c) => `derived ${c.what} '${c.name}' is ${c.name.length} characters, over the limit of ${c.limit}; ${c.fix}`);
}

/**
 * The rules of `components.serving` (see the module comment). Those naming other components (the
 * registry, experiment tracking) apply to a whole platform's spec only (`whole`): the typed
 * `servingFor` is validated as a part, with serving alone, and takes those as props.
 */
export function checkServingRules(
  spec: PlatformSpec,
  err: (path: string, message: string) => void,
  _warn: (path: string, message: string) => void,
  options: {
    /** Whether `spec` is a whole platform's (not a part validated in a stand-in spec). @default true */
    readonly whole?: boolean;
  } = {},
): void {
  const serving = spec.components.serving;
  if (!serving) return;
  const cloud = spec.cloud;
  const at = 'components.serving';
  const buy = serving.mode === 'buy' && cloud !== 'kubernetes';
  const registry = spec.components.registry;
  const cluster = serving.mode === 'build' ? componentCluster(spec, 'serving', serving.cluster) : undefined;
  // Rules naming other components need a whole platform's spec. A component built through its
  // typed construct is validated as a part (`components` holds it only; what it consumes comes as
  // props, and the construct refuses what is missing), so there they stay silent.
  const whole = options.whole ?? true;
  const seen = new Map<string, number>();

  if (serving.mode === 'build' && cloud !== 'kubernetes' && serving.endpoints.length > MAX_SERVING_LOAD_BALANCERS) {
    err(
      `${at}.endpoints`,
      `has ${serving.endpoints.length} endpoints; built serving gives each a fixed internal load balancer address from the ${MAX_SERVING_LOAD_BALANCERS} its cluster sets aside; serve at most ${MAX_SERVING_LOAD_BALANCERS} endpoints per platform, or buy serving`,
    );
  }
  serving.endpoints.forEach((e, i) => {
    const here = `${at}.endpoints[${i}]`;
    if (seen.has(e.name)) err(`${here}.name`, `'${e.name}' is already the name of endpoints[${seen.get(e.name)}]; give each endpoint its own name`);
    else seen.set(e.name, i);
    for (const problem of servingNameProblems(cloud, serving.mode, spec.name, e.name)) err(`${here}.name`, problem);

    // Where the model is read from.
    const scheme = modelScheme(e.model);
    if (scheme === undefined) {
      if (whole && !spec.components.experimentTracking) {
        err(`${here}.model`, `'${e.model}' is a path inside the experiment tracking component's artifact store, and the spec has no components.experimentTracking; add it or give a full ${MODEL_SCHEMES[cloud]}:// URI`);
      }
    } else if (scheme !== MODEL_SCHEMES[cloud]) {
      const store = cloud === 'kubernetes' ? "the data centre's S3-compatible store (objectStorage:)" : cloud === 'aws' ? 'S3' : 'Cloud Storage';
      err(`${here}.model`, `is a ${scheme}:// URI, but serving on ${cloud} reads models from ${store} with the platform's identities; copy the model there and give a ${MODEL_SCHEMES[cloud]}:// URI`);
    } else if (cloud === 'kubernetes' && !spec.objectStorage) {
      err(`${here}.model`, "is an s3:// URI, read from the data centre's S3-compatible store; add objectStorage: { endpoint, bucket, credentialsSecret }");
    }

    // Where the image comes from.
    if (e.framework === 'custom') {
      if (!registry) {
        if (whole) err(`${here}.framework`, `custom serves image '${e.image}' from the registry component, and the spec has no components.registry; add it`);
      } else if (buy && registry.mode === 'build') {
        const service = cloud === 'aws' ? 'SageMaker pulls images from ECR only' : 'Vertex AI pulls images from Artifact Registry';
        err(`${here}.framework`, `custom on buy: ${service}, and the registry component is built (Harbor); buy the registry too, or build serving`);
      }
    }
    if (buy && cloud === 'gcp' && e.framework === 'triton') {
      err(`${here}.framework`, 'Vertex AI has no prebuilt Triton container; push a Triton image to the registry and use framework: custom with image');
    }

    // GPUs.
    if (e.gpu) {
      if (buy) {
        const regional = cloud as 'aws' | 'gcp';
        const verdict = boughtGpu(regional, e.gpu);
        if ('problem' in verdict) err(`${here}.gpu`, verdict.problem);
        else if (CPU_ONLY_PREBUILT[regional].includes(e.framework)) {
          err(`${here}.gpu`, `${regional === 'aws' ? "SageMaker's" : "Vertex AI's"} prebuilt ${e.framework} container runs on CPUs only; remove gpu, or serve a GPU image with framework: custom`);
        }
      } else if (serving.mode === 'build' && cluster) {
        if (cloud === 'kubernetes') {
          if (!cluster.existing?.gpu) err(`${here}.gpu`, `serving runs on cluster '${cluster.name}', which has no GPUs (existing.gpu); name a GPU cluster in components.serving.cluster or describe its GPUs`);
        } else if (!(cluster.nodePools ?? []).some((p) => p.gpu?.type === e.gpu!.type)) {
          const gpuClusters = spec.clusters.filter((c) => (c.nodePools ?? []).some((p) => p.gpu?.type === e.gpu!.type)).map((c) => c.name);
          const hint = gpuClusters.length ? `; ${gpuClusters.join(', ')} ${gpuClusters.length === 1 ? 'has' : 'have'} one (components.serving.cluster)` : '; add a node pool with gpu.type ' + e.gpu.type;
          err(`${here}.gpu`, `serving runs on cluster '${cluster.name}', which has no node pool with ${e.gpu.type}${hint}`);
        }
      }
    }
  });
}
