/**
 * What the plan decides about components, in pure TypeScript: which implementation a component
 * gets (mode × cloud), whether it has cloud-side or Terraform-generated resources (and so whether
 * the platform needs a `<name>-services` stack), how it is sized per environment, and the names it derives.
 */
import type { Cloud, ComponentName, Environment, PlatformSpec } from '../schema/schema';
import { grafanaSchema, registryComponentSchema, type GrafanaSpec } from '../schema/schema';
import type { ClusterPlan } from './index';
import { LOAD_BALANCER_SLOT_COUNT, reservedLoadBalancerAddress, type ReservedAddress } from './addresses';
import { awsNodeSubnetName, fitName, GCP_NAME_LIMITS } from './names';

/** How a component is provided. */
export type ComponentMode = 'build' | 'buy';

/** The implementations a component can have: open source on the clusters, or a cloud's service. */
export type Implementation = 'build' | 'buy-aws' | 'buy-gcp';

/**
 * The implementation for `mode` on `cloud`. Buy on `cloud: kubernetes` is rejected by validation
 * (no managed service exists on existing clusters); this throws if it gets here anyway.
 */
export function implementationOf(mode: ComponentMode, cloud: Cloud): Implementation {
  if (mode === 'build') return 'build';
  switch (cloud) {
    case 'aws':
      return 'buy-aws';
    case 'gcp':
      return 'buy-gcp';
    case 'kubernetes':
      throw new Error('buy is not available with cloud: kubernetes: no managed service exists on existing clusters; use build');
  }
}

/**
 * What each component consumes of the others (the component table's `uses`: it is built after
 * them and handed them), read by synth and by `loom diagram` alike.
 */
export const COMPONENT_USES: Readonly<Partial<Record<ComponentName, readonly ComponentName[]>>> = {
  // Models from tracking's artifact store, custom images from the registry, online features.
  serving: ['experimentTracking', 'registry', 'featureStore'],
  // Runs log to tracking and read the feature store's offline store.
  pipelines: ['experimentTracking', 'featureStore'],
};

/** The product each implementation of a component is, as people name it (summaries, `loom diagram`). */
export const COMPONENT_PRODUCTS: Readonly<Record<ComponentName, Readonly<Record<Implementation, string>>>> = {
  registry: { build: 'Harbor', 'buy-aws': 'Amazon ECR', 'buy-gcp': 'Artifact Registry' },
  monitoring: { build: 'kube-prometheus-stack', 'buy-aws': 'Amazon Managed Prometheus + Grafana', 'buy-gcp': 'Managed Service for Prometheus' },
  experimentTracking: { build: 'MLflow', 'buy-aws': 'SageMaker managed MLflow', 'buy-gcp': 'Vertex AI Experiments' },
  featureStore: { build: 'Feast', 'buy-aws': 'SageMaker Feature Store', 'buy-gcp': 'Vertex AI Feature Store' },
  serving: { build: 'KServe', 'buy-aws': 'SageMaker endpoints', 'buy-gcp': 'Vertex AI endpoints' },
  pipelines: { build: 'Argo Workflows', 'buy-aws': 'SageMaker Pipelines', 'buy-gcp': 'Vertex AI Pipelines' },
  streaming: { build: 'Strimzi Kafka', 'buy-aws': 'Amazon MSK', 'buy-gcp': 'Managed Service for Apache Kafka' },
};

/** Components Loom can synthesize today, with what each implementation keeps in the cloud. */
const CLOUD_SIDE: Readonly<Partial<Record<ComponentName, Readonly<Record<Implementation, boolean>>>>> = {
  // build: Harbor's image store is the cloud's object store (bucket + workload identity);
  // buy: ECR repositories / an Artifact Registry repository.
  registry: { build: true, 'buy-aws': true, 'buy-gcp': true },
  // build: in-cluster only; buy-aws: AMP workspace, scrapers, Managed Grafana; buy-gcp: a GKE
  // cluster setting (the cluster stack), nothing in the services stack.
  monitoring: { build: false, 'buy-aws': true, 'buy-gcp': false },
  // build: the database, the artifact or offline bucket, the component's identity and its private
  // DNS zone (every built component other clusters reach has one, see LOAD_BALANCER_SLOTS);
  // buy: the managed service and its bucket, role or service account.
  experimentTracking: { build: true, 'buy-aws': true, 'buy-gcp': true },
  featureStore: { build: true, 'buy-aws': true, 'buy-gcp': true },
  // build: the bootstrap's private DNS zone (and reserved address on Google Cloud), Strimzi in the
  // streaming cluster; buy-aws: MSK (and its topics' identity); buy-gcp: Managed Service for Apache Kafka.
  streaming: { build: true, 'buy-aws': true, 'buy-gcp': true },
  // build: Argo's archive database, artifact bucket and identities; buy: SageMaker Pipelines' role
  // and bucket / Vertex AI Pipelines' bucket, service account and KFP repository.
  pipelines: { build: true, 'buy-aws': true, 'buy-gcp': true },
  // build: the model servers' identity and its grants; buy: SageMaker models and endpoints /
  // Vertex AI endpoints and their service account.
  serving: { build: true, 'buy-aws': true, 'buy-gcp': true },
};

/**
 * What Terraform itself generates for a component, by mode, on every cloud (existing clusters
 * included): it needs no cloud provider, and it is kept in the services stack so that every add-ons
 * stack reads it from there, upstream of them all. Built streaming: Strimzi's cluster CA (tls) and
 * its Kafka users' SCRAM passwords (random), see constructs/components/streaming/credentials.ts.
 */
const TERRAFORM_GENERATED: Readonly<Partial<Record<ComponentName, Readonly<Partial<Record<ComponentMode, boolean>>>>>> = {
  streaming: { build: true },
};

/**
 * Whether `component`, provided by `mode` on `cloud`, has resources in the cloud (a managed
 * service, a bucket, an identity, a private DNS zone). Existing clusters (`cloud: kubernetes`)
 * never do: there is no cloud.
 */
export function hasCloudSideResources(cloud: Cloud, component: ComponentName, mode: ComponentMode): boolean {
  if (cloud === 'kubernetes') return false;
  return CLOUD_SIDE[component]?.[implementationOf(mode, cloud)] ?? false;
}

/**
 * Whether `component`, provided by `mode` on `cloud`, has resources in the `<name>-services`
 * stack: cloud-side ones ({@link hasCloudSideResources}), or what Terraform itself generates for
 * it (built streaming's CA and passwords), which existing clusters keep there too.
 */
export function hasServicesStackResources(cloud: Cloud, component: ComponentName, mode: ComponentMode): boolean {
  return (TERRAFORM_GENERATED[component]?.[mode] ?? false) || hasCloudSideResources(cloud, component, mode);
}

/**
 * Whether the platform gets a `<name>-services` stack: when some component has resources there
 * ({@link hasServicesStackResources}: on `cloud: kubernetes`, built streaming's credentials
 * only), or (aws, gcp) it onboards teams — their workload identities and members' cluster
 * access are cloud-side.
 */
export function servicesStackNeeded(plan: {
  readonly cloud: Cloud;
  readonly components: readonly { readonly name: ComponentName; readonly mode: ComponentMode }[];
  readonly teams?: readonly unknown[];
}): boolean {
  return plan.components.some((c) => hasServicesStackResources(plan.cloud, c.name, c.mode)) || (plan.cloud !== 'kubernetes' && (plan.teams?.length ?? 0) > 0);
}

/** The mode of `component` in the plan, or undefined when the platform does not have it. */
export function componentMode(plan: { readonly components: readonly { readonly name: ComponentName; readonly mode: ComponentMode }[] }, component: ComponentName): ComponentMode | undefined {
  return plan.components.find((c) => c.name === component)?.mode;
}

/** Monitoring sized per environment: how long metrics are kept and the disk they need. */
export interface MonitoringProfile {
  /** How long Prometheus keeps samples (build). */
  readonly retention: string;
  /** Prometheus' persistent volume per replica (build). */
  readonly storageGi: number;
  /** Prometheus replicas per cluster (build); two in prod, so a node loss loses no samples. */
  readonly prometheusReplicas: number;
  /** Scrape interval; AMP's managed scraper takes nothing under 30s. */
  readonly scrapeInterval: string;
  /**
   * Prometheus' requests and memory limit (build): the scheduler places it where it fits, and a
   * growing series count ends in a restart of Prometheus, not in the eviction of its neighbours.
   */
  readonly prometheusResources: {
    /** CPU request. */
    readonly cpu: string;
    /** Memory request. */
    readonly memory: string;
    /** Memory limit: past it Prometheus restarts, its neighbours stay. */
    readonly memoryLimit: string;
  };
}

/** Monitoring's sizing per environment: longer retention, more disk and two replicas in prod. */
export const MONITORING_PROFILES: Readonly<Record<Environment, MonitoringProfile>> = {
  dev: { retention: '7d', storageGi: 20, prometheusReplicas: 1, scrapeInterval: '60s', prometheusResources: { cpu: '250m', memory: '1Gi', memoryLimit: '2Gi' } },
  staging: { retention: '15d', storageGi: 50, prometheusReplicas: 1, scrapeInterval: '60s', prometheusResources: { cpu: '500m', memory: '2Gi', memoryLimit: '4Gi' } },
  prod: { retention: '30d', storageGi: 100, prometheusReplicas: 2, scrapeInterval: '30s', prometheusResources: { cpu: '1', memory: '4Gi', memoryLimit: '8Gi' } },
};

/**
 * Size-based retention: a little under the volume, so Prometheus drops old blocks before the disk
 * fills (a full disk stops ingestion altogether).
 */
export const monitoringRetentionSize = (profile: MonitoringProfile) => `${Math.floor(profile.storageGi * 0.85)}GiB`;

/** Registry housekeeping per environment. */
export interface RegistryProfile {
  /** Untagged images (layers of overwritten builds) expire after this many days. */
  readonly untaggedExpiryDays: number;
  /** Tagged images kept per repository; older ones expire. */
  readonly keepTaggedImages: number;
  /** Harbor's image volume on existing clusters (no object store there). */
  readonly harborStorageGi: number;
}

/** Registry housekeeping per environment: images kept longer, and more of them, in prod. */
export const REGISTRY_PROFILES: Readonly<Record<Environment, RegistryProfile>> = {
  dev: { untaggedExpiryDays: 7, keepTaggedImages: 30, harborStorageGi: 50 },
  staging: { untaggedExpiryDays: 14, keepTaggedImages: 100, harborStorageGi: 200 },
  prod: { untaggedExpiryDays: 30, keepTaggedImages: 500, harborStorageGi: 500 },
};

/** The registry's own options, with every default applied. */
export interface RegistryOptions {
  /** The image repositories the platform pushes to (`components.registry.repositories`). */
  readonly repositories: readonly string[];
  /** Harbor's DNS name (build). */
  readonly hostname: string;
}

/** The registry options of a validated spec (defaults filled in when the spec has no registry). */
export function registryOptions(spec: Pick<PlatformSpec, 'name' | 'components'>): RegistryOptions {
  const registry = spec.components.registry ?? registryComponentSchema.parse({ mode: 'build' });
  return { repositories: registry.repositories, hostname: registry.hostname ?? harborHostname(spec.name) };
}

/**
 * Which address of each subnet's load balancer reservation a built component's internal load
 * balancer takes: one per component other clusters reach, serving one per endpoint from its slot
 * up (in the order of `endpoints`: append new ones, as clusters). Fixed, so that a component's
 * address never depends on which others are built.
 */
export const LOAD_BALANCER_SLOTS = {
  /** Harbor. */
  registry: 0,
  /** MLflow. */
  experimentTracking: 1,
  /** Feast's feature server. */
  featureStore: 2,
  /** Argo Workflows' server. */
  pipelines: 3,
  /** Kafka's bootstrap. */
  streaming: 4,
  /** The first serving endpoint; the others follow. */
  serving: 5,
} as const;

/** The components that take fixed load balancer addresses when built. */
export type FixedAddressComponent = keyof typeof LOAD_BALANCER_SLOTS;

/** How many serving endpoints one serving cluster can give fixed addresses (the slots left). */
export const MAX_SERVING_LOAD_BALANCERS = LOAD_BALANCER_SLOT_COUNT - LOAD_BALANCER_SLOTS.serving;

/** A fixed address of a component's internal load balancer, set aside in the subnet it sits in. */
export interface LoadBalancerAddress extends ReservedAddress {
  /** The cluster the component runs on. */
  readonly cluster: string;
  /** AWS: the zone of the node subnet. */
  readonly zone?: string;
  /** The subnet (AWS: the cluster's node subnet in the zone; Google Cloud: its block). */
  readonly subnet: string;
  /** AWS: the node subnet's Name tag, by which the load balancer controller takes subnets. */
  readonly subnetName?: string;
}

/**
 * The fixed addresses of a built component's internal load balancer (its `slot`), from the plan
 * alone, so that its DNS record is known before the load balancer exists: AWS one per node subnet
 * (zone) of the component's cluster — inside the block the network stack sets aside in every
 * cluster's node subnets (`INetwork.placeCluster`) before any node or pod could take them —
 * Google Cloud one in the cluster's block (reserved by the component's DNS). None on existing clusters.
 */
export function loadBalancerAddresses(cloud: Cloud, cluster: Pick<ClusterPlan, 'name' | 'resourceName' | 'nodeSubnets' | 'block'>, slot: number): LoadBalancerAddress[] {
  if (cloud === 'aws') {
    return cluster.nodeSubnets.map((s) => ({
      ...reservedLoadBalancerAddress(s.cidr, slot),
      cluster: cluster.name,
      zone: s.zone,
      subnet: s.cidr,
      subnetName: awsNodeSubnetName(cluster.resourceName, s.zone),
    }));
  }
  if (cloud === 'gcp') return cluster.block ? [{ ...reservedLoadBalancerAddress(cluster.block, slot), cluster: cluster.name, subnet: cluster.block }] : [];
  return [];
}

/** Harbor's fixed addresses (registry, build). */
export const harborAddresses = (cloud: Cloud, cluster: Pick<ClusterPlan, 'name' | 'resourceName' | 'nodeSubnets' | 'block'>) => loadBalancerAddresses(cloud, cluster, LOAD_BALANCER_SLOTS.registry);

/** Harbor's default DNS name: under `.internal`, the top-level domain reserved for private use. */
export const harborHostname = (platform: string) => `harbor.${platform}.internal`;

/**
 * The DNS names of built components other clusters reach, under `domain` (the spec's
 * `internalDomain`; by default `<platform>.internal`, `.internal` being the top-level domain
 * reserved for private use, as Harbor's). aws and gcp: private zones Loom keeps; existing
 * clusters: the premises' DNS, given a domain.
 */
export function componentHostnames(platform: string, domain = `${platform}.internal`) {
  return {
    /** MLflow. */
    experimentTracking: `mlflow.${domain}`,
    /** Feast's feature server. */
    featureStore: `feast.${domain}`,
    /** Argo Workflows' server. */
    pipelines: `argo.${domain}`,
    /** Kafka's bootstrap. */
    streaming: `kafka.${domain}`,
    /** Serving's zone: one name per endpoint below it. */
    serving: `serving.${domain}`,
    /** A serving endpoint's name. */
    servingEndpoint: (endpoint: string) => `${endpoint}.serving.${domain}`,
  };
}

/** The Google Cloud names of a component's private zone and one of its fixed addresses. */
export interface InternalDnsNames {
  /** The reserved internal address. */
  readonly address: string;
  /** The Cloud DNS managed zone. */
  readonly zone: string;
}

/**
 * Names of the Google Cloud resources of a component's private zone and fixed addresses (≤ 63
 * each): `<platform>-<label>`; the address of a record with a key `<platform>-<label>-<key>`,
 * shortened with a hash when longer (a 20-character platform and a 40-character endpoint).
 */
export function internalDnsNames(platform: string, label: string, key?: string): InternalDnsNames {
  const zone = `${platform}-${label}`;
  return { address: key ? fitName(`${zone}-${key}`, GCP_NAME_LIMITS.resource) : zone, zone };
}

/** Names derived for the registry's cloud-side resources. */
export function registryNames(platform: string) {
  return {
    /** ECR repository of image `repo` (≤ 256), or the Artifact Registry repository id (≤ 63). */
    ecrRepository: (repo: string) => `${platform}/${repo}`,
    /** The Artifact Registry repository id (buy on Google Cloud), ≤ 63. */
    artifactRegistryRepository: platform,
    /** Alias of the KMS key that encrypts the ECR repositories (buy on AWS). */
    kmsAlias: `alias/${platform}-registry`,
    /** S3 bucket prefix for Harbor's images (≤ 37, the provider's limit for a prefix). */
    harborBucketPrefix: `${platform}-harbor-`,
    /** GCS bucket for Harbor's images: globally unique through the project id (≤ 63). */
    harborGcsBucket: (project: string) => `${project}-${platform}-harbor`,
    /** IAM user (≤ 64) / service account id (6–30) Harbor's registry reaches its bucket as. */
    harborIdentity: `${platform}-harbor`,
  };
}

/** Amazon Managed Grafana's options (monitoring, buy on AWS), with every default applied. */
export function grafanaOptions(spec: Pick<PlatformSpec, 'components'>): GrafanaSpec {
  return spec.components.monitoring?.grafana ?? grafanaSchema.parse({});
}

/** Names derived for monitoring's cloud-side resources. */
export function monitoringNames(platform: string) {
  return {
    /** The Amazon Managed Service for Prometheus workspace's alias. */
    ampWorkspace: platform,
    /** The CloudWatch log group the workspace logs to. */
    ampLogGroup: `/aws/prometheus/${platform}`,
    /** The managed scraper of one cluster's metrics. */
    scraper: (cluster: string) => `${platform}-${cluster}`,
    /** The Amazon Managed Grafana workspace's name. */
    grafanaWorkspace: platform,
    /** The IAM role Grafana reads the Prometheus workspace with. */
    grafanaRole: `${platform}-grafana`,
  };
}
