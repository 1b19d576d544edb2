/**
 * What each built component asks of the platform: its pods' requests, their replicas, its volumes
 * and load balancers, and the backing stores it keeps in the cloud. The constructs size their pods
 * from the constants here and `loom cost` prices the same footprint, so what is priced is what is
 * deployed (one table, not the same decision twice). Pure TypeScript, like the rest of the plan.
 */
import type { ComponentName, DatabaseSizeSpec, Environment, PlatformSpec } from '../schema/schema';
import { COMPONENT_STORES, databaseSizesInEffect, defaultReplicas, onlineStoreSizesInEffect } from './stores';
import { MONITORING_PROFILES, REGISTRY_PROFILES } from './components';
import { DATABASE_PROFILES } from '../catalog/databases';
import { KEY_VALUE_PROFILES } from '../catalog/key-value';
import type { GpuType } from '../catalog/machine-types';

/** A container's requests and memory limit, as Loom writes them into values and manifests. */
export interface ContainerSize {
  /** CPU request, a Kubernetes quantity (`250m`, `1`). */
  readonly cpu: string;
  /** Memory request (`512Mi`, `2Gi`). */
  readonly memory: string;
  /** Memory limit: past it the container restarts, its neighbours stay. */
  readonly memoryLimit: string;
}

const size = (cpu: string, memory: string, memoryLimit: string): ContainerSize => ({ cpu, memory, memoryLimit });

/** A container's `resources`, as Kubernetes takes them. */
export interface ContainerResources {
  /** What the scheduler reserves. */
  readonly requests: Readonly<Record<string, string>>;
  /** What the container may not exceed (memory; CPU is never limited). */
  readonly limits: Readonly<Record<string, string>>;
}

/** `{ requests: { cpu, memory }, limits: { memory } }` of a size, for chart values and pod specs. */
export const containerResources = (s: ContainerSize): ContainerResources => ({ requests: { cpu: s.cpu, memory: s.memory }, limits: { memory: s.memoryLimit } });

/** The sizes of the built components' containers. */
export const COMPONENT_SIZES = {
  /** MLflow's tracking server, per replica. */
  mlflow: size('250m', '512Mi', '2Gi'),
  /** Feast's feature server, per replica. */
  feast: size('250m', '512Mi', '2Gi'),
  /** A KServe predictor without GPU, per replica. */
  kservePredictor: size('1', '2Gi', '2Gi'),
  /** A KServe predictor with GPUs, per replica (its GPUs besides). */
  kserveGpuPredictor: size('2', '8Gi', '8Gi'),
  /** A CloudNativePG PostgreSQL instance (existing clusters), per instance. */
  postgresInstance: size('250m', '512Mi', '1Gi'),
  /** A Valkey pod of the in-cluster online store (existing clusters), per pod. */
  valkey: size('100m', '256Mi', '1Gi'),
  /** Strimzi's cluster operator. */
  strimziOperator: size('200m', '384Mi', '512Mi'),
  /** Strimzi's topic and user operators (each, in the entity operator pod). */
  strimziEntityOperator: size('100m', '256Mi', '512Mi'),
  /** Argo Workflows' controller, per replica. */
  argoController: size('100m', '256Mi', '1Gi'),
  /** Argo Workflows' server, per replica. */
  argoServer: size('50m', '128Mi', '512Mi'),
  /**
   * Harbor's services (one replica each). The chart sets requests for Trivy only; without them the
   * others are BestEffort pods — the first evicted when a node runs short of memory.
   */
  harbor: {
    /** The proxy in front of the others (`nginx.resources`). */
    nginx: size('50m', '64Mi', '256Mi'),
    /** The web UI (`portal.resources`). */
    portal: size('50m', '64Mi', '256Mi'),
    /** The API (`core.resources`). */
    core: size('100m', '256Mi', '1Gi'),
    /** Replication, scans and garbage collection jobs (`jobservice.resources`). */
    jobservice: size('100m', '256Mi', '1Gi'),
    /** The image registry (`registry.registry.resources`). */
    registry: size('100m', '256Mi', '1Gi'),
    /** The registry's controller (`registry.controller.resources`). */
    registryController: size('50m', '64Mi', '256Mi'),
    /** The vulnerability scanner (`trivy.resources`, the chart's own default). */
    trivy: size('200m', '512Mi', '1Gi'),
    /** The internal PostgreSQL (`database.internal.resources`). */
    database: size('100m', '256Mi', '1Gi'),
    /** The internal Redis (`redis.internal.resources`). */
    redis: size('50m', '64Mi', '256Mi'),
    /** The metrics exporter (`exporter.resources`). */
    exporter: size('50m', '64Mi', '256Mi'),
  },
} as const;

/** Harbor's volumes besides the image store, GiB (the chart's defaults: job logs, database, Redis, Trivy's cache). */
export const HARBOR_VOLUMES_GI = {
  /** Job logs. */
  jobservice: 1,
  /** The internal database. */
  database: 1,
  /** The internal Redis. */
  redis: 1,
  /** Trivy's vulnerability database cache. */
  trivy: 5,
} as const;

/** Kafka's node sizes per environment: brokers and KRaft controllers (requests = memory limit; heap half of it). */
export const KAFKA_NODE_SIZES: Readonly<Record<Environment, KafkaNodeSizes>> = {
  dev: { broker: { cpu: '500m', memory: '2Gi', heap: '1g' }, controller: { cpu: '250m', memory: '1Gi', heap: '512m' } },
  staging: { broker: { cpu: '1', memory: '4Gi', heap: '2g' }, controller: { cpu: '250m', memory: '2Gi', heap: '1g' } },
  prod: { broker: { cpu: '2', memory: '8Gi', heap: '4g' }, controller: { cpu: '500m', memory: '2Gi', heap: '1g' } },
};
/** The sizes of Kafka's two node pools. */
export interface KafkaNodeSizes {
  /** Each broker. */
  readonly broker: KafkaNodeSize;
  /** Each KRaft controller. */
  readonly controller: KafkaNodeSize;
}
/** A Kafka node's CPU and memory (request and limit) and JVM heap. */
export interface KafkaNodeSize {
  /** CPU request. */
  readonly cpu: string;
  /** Memory request and limit. */
  readonly memory: string;
  /** `-Xms` and `-Xmx`. */
  readonly heap: string;
}
/** KRaft controllers: three, so that the metadata quorum survives one's loss. */
export const KRAFT_CONTROLLERS = 3;
/** Each controller's metadata volume, GiB. */
export const CONTROLLER_STORAGE_GB = 20;

/** A Kubernetes CPU quantity in cores (`250m` → 0.25). */
export function cpuCores(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q);
}

/** A Kubernetes memory quantity in GiB (`512Mi` → 0.5, `2Gi` → 2, `1g` → 0.93). */
export function memoryGiB(q: string): number {
  const m = /^([0-9.]+)(Ki|Mi|Gi|Ti|k|M|G|T|g|m)?$/.exec(q);
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  const factor: Record<string, number> = { '': 1 / 2 ** 30, Ki: 1 / 2 ** 20, Mi: 1 / 1024, Gi: 1, Ti: 1024, k: 1e3 / 2 ** 30, M: 1e6 / 2 ** 30, G: 1e9 / 2 ** 30, g: 1e9 / 2 ** 30, T: 1e12 / 2 ** 30, m: 1e6 / 2 ** 30 };
  return n * factor[unit]!;
}

/** The GPUs of one pod. */
export interface PodGpus {
  /** The model. */
  readonly type: GpuType;
  /** How many. */
  readonly count: number;
}

/** Pods of one kind a component runs. */
export interface PodGroup {
  /** What they are (`MLflow server`, `Kafka brokers`). */
  readonly item: string;
  /** How many, all the time. */
  readonly replicas: number;
  /** CPU request of one, cores. */
  readonly cpu: number;
  /** Memory request of one, GiB. */
  readonly memoryGiB: number;
  /** GPUs of one, and their model. */
  readonly gpu?: PodGpus;
  /** Runs on every cluster of the platform rather than the component's. */
  readonly everyCluster?: boolean;
  /** Placed on the cluster's system pool where it has one (controllers, Prometheus). */
  readonly onSystemPool?: boolean;
  /** The system pool takes its larger machine type for it (built monitoring: `SYSTEM_POOL.monitoringMachineType`). */
  readonly largerSystemPool?: boolean;
}

/** A persistent volume (or a set of them). */
export interface VolumeGroup {
  /** What they hold. */
  readonly item: string;
  /** GB in all. */
  readonly gb: number;
  /** One per cluster of the platform. */
  readonly everyCluster?: boolean;
}

/** The PostgreSQL a built component keeps its metadata in. */
export interface DatabaseFootprint {
  /** RDS class / Cloud SQL tier (cloud); absent on existing clusters. */
  readonly instanceClass?: string;
  /** Storage GB. */
  readonly storageGb: number;
  /** High availability (Multi-AZ / REGIONAL): twice the instance. */
  readonly highAvailability: boolean;
  /** Existing clusters: CloudNativePG instances. */
  readonly instances: number;
}

/** The online key/value store (Feast). */
export interface KeyValueFootprint {
  /** ElastiCache node type (aws). */
  readonly nodeType?: string;
  /** Nodes (aws) / pods (existing clusters). */
  readonly nodes: number;
  /** Memorystore GB (gcp). */
  readonly memorySizeGb?: number;
  /** High availability. */
  readonly highAvailability: boolean;
  /** Each in-cluster pod's volume, GiB (existing clusters). */
  readonly storageGi: number;
}

/** Everything a built component asks of the platform. */
export interface BuiltFootprint {
  /** The component. */
  readonly component: ComponentName;
  /** Its pods. */
  readonly pods: readonly PodGroup[];
  /** Its persistent volumes. */
  readonly volumes: readonly VolumeGroup[];
  /** Internal load balancers it puts in front of itself for the other clusters. */
  readonly loadBalancers: number;
  /** Its PostgreSQL, when it has one. */
  readonly database?: DatabaseFootprint;
  /** Its online key/value store, when it has one. */
  readonly keyValue?: KeyValueFootprint;
  /** Its buckets (a purpose each), on the cloud's object store. */
  readonly buckets: readonly string[];
}

const pods = (item: string, replicas: number, s: { cpu: string; memory: string }, extra: Partial<PodGroup> = {}): PodGroup => ({
  item,
  replicas,
  cpu: cpuCores(s.cpu),
  memoryGiB: memoryGiB(s.memory),
  ...extra,
});

function databaseFootprint(spec: PlatformSpec, given: DatabaseSizeSpec | undefined): DatabaseFootprint {
  const sizes = databaseSizesInEffect(spec.cloud, spec.environment, given);
  const profile = DATABASE_PROFILES[spec.environment];
  return {
    ...(sizes.instanceClass ? { instanceClass: sizes.instanceClass } : {}),
    storageGb: sizes.storageGb ?? 0,
    highAvailability: profile.highAvailability,
    instances: spec.cloud === 'kubernetes' ? (sizes.instances ?? profile.cloudNativePg.instances) : 1,
  };
}

/**
 * What `component` asks of the platform when built, from the spec (the same sizes the constructs
 * deploy), at the serving endpoints' minimum replicas. `scale` replaces the streaming brokers'
 * count, to price Kafka along its scale driver.
 */
export function builtFootprint(spec: PlatformSpec, component: ComponentName, scale?: number): BuiltFootprint {
  const env = spec.environment;
  const replicas = defaultReplicas(env);
  const ha = env === 'prod';
  switch (component) {
    case 'registry': {
      const h = COMPONENT_SIZES.harbor;
      const inCluster = spec.cloud === 'kubernetes';
      return {
        component,
        pods: Object.entries(h).map(([name, s]) => pods(`Harbor ${name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}`, 1, s)),
        volumes: [
          { item: 'Harbor job logs, database, Redis, Trivy cache', gb: HARBOR_VOLUMES_GI.jobservice + HARBOR_VOLUMES_GI.database + HARBOR_VOLUMES_GI.redis + HARBOR_VOLUMES_GI.trivy },
          ...(inCluster ? [{ item: 'Harbor image volume', gb: REGISTRY_PROFILES[env].harborStorageGi }] : []),
        ],
        loadBalancers: 1,
        buckets: inCluster ? [] : ['images'],
      };
    }
    case 'experimentTracking': {
      const c = spec.components.experimentTracking;
      return {
        component,
        pods: [pods('MLflow server', c?.replicas ?? replicas, COMPONENT_SIZES.mlflow)],
        volumes: [],
        loadBalancers: 1,
        database: databaseFootprint(spec, c?.database),
        buckets: [COMPONENT_STORES.experimentTracking.objectStore.purpose],
      };
    }
    case 'featureStore': {
      const c = spec.components.featureStore;
      const kv = onlineStoreSizesInEffect(spec.cloud, env, c?.onlineStore);
      const kvProfile = KEY_VALUE_PROFILES[env];
      return {
        component,
        pods: [pods('Feast feature server', c?.replicas ?? replicas, COMPONENT_SIZES.feast)],
        volumes: [],
        loadBalancers: 1,
        database: databaseFootprint(spec, c?.database),
        keyValue: {
          ...(kv.nodeType ? { nodeType: kv.nodeType } : {}),
          ...(kv.memorySizeGb ? { memorySizeGb: kv.memorySizeGb } : {}),
          nodes: kv.replicas ?? 1,
          highAvailability: kvProfile.highAvailability,
          storageGi: kvProfile.inCluster.storageGi,
        },
        buckets: [COMPONENT_STORES.featureStore.objectStore.purpose],
      };
    }
    case 'serving': {
      const endpoints = spec.components.serving?.endpoints ?? [];
      const groups = endpoints.map((e) =>
        pods(`endpoint ${e.name}`, e.minReplicas, e.gpu ? COMPONENT_SIZES.kserveGpuPredictor : COMPONENT_SIZES.kservePredictor, e.gpu ? { gpu: { type: e.gpu.type, count: e.gpu.count } } : {}),
      );
      return { component, pods: groups, volumes: [], loadBalancers: endpoints.length, buckets: [] };
    }
    case 'monitoring': {
      const p = MONITORING_PROFILES[env];
      return {
        component,
        pods: [pods('Prometheus', p.prometheusReplicas, p.prometheusResources, { everyCluster: true, onSystemPool: true, largerSystemPool: true })],
        volumes: [{ item: 'Prometheus volumes (each cluster)', gb: p.storageGi * p.prometheusReplicas, everyCluster: true }],
        loadBalancers: 0,
        buckets: [],
      };
    }
    case 'pipelines':
      return {
        component,
        pods: [pods('Argo controller', replicas, COMPONENT_SIZES.argoController, { onSystemPool: true }), pods('Argo server', replicas, COMPONENT_SIZES.argoServer, { onSystemPool: true })],
        volumes: [],
        loadBalancers: 1,
        database: databaseFootprint(spec, undefined),
        buckets: [COMPONENT_STORES.pipelines.objectStore.purpose],
      };
    case 'streaming': {
      const c = spec.components.streaming;
      const brokers = scale ?? c?.brokers ?? 3;
      const sizes = KAFKA_NODE_SIZES[env];
      const storageGb = c?.storageGb ?? 500;
      return {
        component,
        pods: [
          pods('Strimzi operator', ha ? 2 : 1, COMPONENT_SIZES.strimziOperator, { onSystemPool: true }),
          pods('Strimzi topic and user operators', 2, COMPONENT_SIZES.strimziEntityOperator),
          pods('KRaft controllers', KRAFT_CONTROLLERS, sizes.controller),
          pods('Kafka brokers', brokers, sizes.broker),
        ],
        volumes: [
          { item: 'broker volumes', gb: brokers * storageGb },
          { item: 'controller volumes', gb: KRAFT_CONTROLLERS * CONTROLLER_STORAGE_GB },
        ],
        loadBalancers: 1,
        buckets: [],
      };
    }
  }
}

/* Bought components: the sizes Loom asks the cloud for, where they are a choice of Loom's. */

/** MSK broker instance types per environment (buy on AWS, provisioned). */
export const MSK_INSTANCE_TYPES = {
  /** Dev: burstable. */
  dev: 'kafka.t3.small',
  /** Staging: as prod. */
  staging: 'kafka.m7g.large',
  /** Prod. */
  prod: 'kafka.m7g.large',
} as const;

/** vCPUs per broker of the spec (Managed Kafka derives its brokers from vCPUs). */
export const MANAGED_KAFKA_VCPUS_PER_BROKER = 3;
/** Memory per vCPU, GiB (Managed Kafka takes 1 to 8). */
export const MANAGED_KAFKA_GIB_PER_VCPU = 4;
/** Managed Kafka's smallest cluster: 3 vCPUs. */
export const MANAGED_KAFKA_MIN_VCPUS = 3;
/** The cluster's capacity for `brokers` brokers of the spec. */
export function managedKafkaCapacity(brokers: number): {
  /** vCPUs of the cluster. */
  vcpuCount: number;
  /** Memory of the cluster, bytes. */
  memoryBytes: number;
} {
  const vcpuCount = Math.max(MANAGED_KAFKA_MIN_VCPUS, brokers * MANAGED_KAFKA_VCPUS_PER_BROKER);
  return { vcpuCount, memoryBytes: vcpuCount * MANAGED_KAFKA_GIB_PER_VCPU * 1024 ** 3 };
}


/* The network. */

/**
 * Interface endpoints created with `network.interfaceEndpoints`: what private nodes call most
 * (EKS's list for private clusters, minus the low-volume controller APIs): ECR's API and registry
 * (image pulls; the layers come from S3 through the gateway endpoint), STS (IAM roles for service
 * accounts) and EC2 (the VPC CNI's address management, node autoscalers).
 */
export const INTERFACE_ENDPOINT_SERVICES = ['ecr.api', 'ecr.dkr', 'sts', 'ec2'] as const;
