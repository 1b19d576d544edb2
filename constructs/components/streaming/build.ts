/**
 * Streaming, built: Apache Kafka run by Strimzi 1.2 (chart `strimzi-kafka-operator`, pinned in
 * catalog/charts.ts; CRDs `kafka.strimzi.io/v1` only) on the component's streaming cluster.
 *
 * - The operator: one release in `loom-system`, watching `loom-system` (the Kafka cluster, its
 *   topics) and `loom-workloads` (its users, see below) — the chart grants it a Role in each
 *   namespace of `watchNamespaces` besides its own. `createGlobalResources` keeps the chart's
 *   ClusterRoles, among them the one the brokers' init container needs to read its node's zone
 *   label (rack awareness), which the operator binds per cluster.
 * - The Kafka cluster `loom`, released through Loom's resources chart after the operator's release
 *   (CRDs established, operator running): KRaft only — in Strimzi 1.x KRaft and node pools are
 *   the only mode and need no annotation — with two `KafkaNodePool`s, three dedicated
 *   `controllers` and `brokers` brokers (`components.streaming.brokers`), each on a persistent
 *   claim (`storageGb` for brokers) that outlives the pod (`deleteClaim: false`), on the streaming
 *   cluster's own on-demand pools (never its system pool or spot capacity), spread over zones, at
 *   the flavour's `loom-broker` priority. Rack awareness by zone
 *   (`topology.kubernetes.io/zone`) places partition replicas in different zones. Disruption
 *   budgets: Strimzi's own (`template.podDisruptionBudget`, at most one broker or controller
 *   down at a time; the operator rolls pods itself, one by one, checking partitions stay in sync).
 * - Listeners, TLS only, every client authenticated (SCRAM-SHA-512) and authorized (`simple`,
 *   Kafka's ACLs): `tls` (internal, 9093) for clients on the streaming cluster, at
 *   `loom-kafka-bootstrap.loom-system.svc:9093`; `external` (9094, type `loadbalancer`) for the
 *   platform's other clusters: Strimzi's `internal` listener only serves the cluster it runs on,
 *   so each broker gets an internal load balancer (`template.perPodService` carries the cloud's
 *   internal annotations; Strimzi advertises each one's address and puts it in the broker's
 *   certificate). The bootstrap is Loom's own internal load balancer Service over the brokers
 *   (Strimzi's is turned off, `createBootstrapService: false`), created before the Kafka cluster,
 *   with a fixed name on aws and gcp (`kafka.<platform>.internal`, a private zone answering with
 *   fixed addresses of the address plan, `InternalDns`; on existing clusters its address, read
 *   back) — in the listener's `alternativeNames`, hence in the brokers' certificates, and what the
 *   other clusters' `loom-platform` ConfigMaps say.
 *   Load balancers admit the platform network's range only (aws, gcp); on existing clusters
 *   whatever implements LoadBalancer Services serves them (as for Harbor).
 * - Topics: one `KafkaTopic` per declared topic in `loom-system`, which the Topic Operator turns
 *   into the Kafka topic (`spec.topicName` keeps names Kubernetes would refuse, such as
 *   `Orders_v1`), with its partitions, replicas and `retention.ms`; automatic topic creation is
 *   off, so declared topics are the ones that exist, and a topic changed in the spec is changed in
 *   Kafka.
 * - Users: one `KafkaUser` per Kubernetes service account granted anything
 *   ({@link StrimziKafka.grantProduce}, {@link StrimziKafka.grantConsume}), named after it, in
 *   `loom-workloads` — the User Operator watches that namespace, so the Secret it generates for
 *   the user (same name; `password` and a ready `sasl.jaas.config`) lands there, and a pod there
 *   mounts it. The password is Loom's, on every cloud (existing clusters included): made by
 *   Terraform in the services stack (./credentials.ts), so every other cluster's `loom-workloads`
 *   gets the same Secret. A principal that names its namespace (a team's `team-<name>`, on the
 *   team's clusters) gets its credentials Secret and the CA Secret `loom-kafka-ca` written there
 *   instead, on each of its clusters, waiting for the namespace. ACLs: `Write`/`Describe` on a
 *   produced topic, `Read`/`Describe` on a consumed one and `Read` on consumer groups whose names
 *   start with the service account's name.
 * - The cluster CA is Loom's too (./credentials.ts; `clusterCa.generateCertificateAuthority:
 *   false`, the Secrets `loom-cluster-ca` and `loom-cluster-ca-cert` of `loom-system` made before
 *   the Kafka cluster): clients on every cluster verify the brokers against its certificate, the
 *   Secret `loom-kafka-ca` (`ca.crt`) of their `loom-workloads` (it holds no private key).
 * - Metrics: the Strimzi Metrics Reporter (`metricsConfig.type: strimziMetricsReporter`, no
 *   ConfigMap) serves Prometheus metrics on the brokers' and controllers' declared `tcp-prometheus`
 *   port (9404): a scrape target for the monitoring component.
 */
import { Construct } from 'constructs';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { dependable } from '../../core/cdk';
import { namespaceResourceIn } from '../../kubernetes/namespace';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import type { IKubernetesCluster, ScrapeTarget } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { AddonRelease, CustomResources, type CustomResourceManifest, type HelmValues } from '../../addons/release';
import { controllerPlacement, placementValues, tolerationFor, type Toleration } from '../../addons/context';
import { PLATFORM_NAMESPACES, type ClusterPlan } from '../../../plan';
import type { Environment } from '../../../schema/schema';
import type { StreamingTopicSpec } from '../../../schema/schema';
import { componentClusterAddons, componentOutput, componentScope, componentTags, servicesScope, type ComponentScrapeTarget, type IClusterAddons, type IScrapedComponent } from '../contract';
import { internalLoadBalancerAnnotations, loadBalancerAddress, type FixedEndpoint } from '../load-balancer';
import { fixedComponentEndpoint } from '../dns';
import { KAFKA_CA_SECRET, kafkaPasswordSecret, scramJaasConfig, StrimziCredentials } from './credentials';
import { declaredTopic, internalReplication, minInSync, type IStreaming, type ResolvedStreamingProps, type StreamingPrincipal } from './contract';
import { kafkaTopicResourceName, retentionMs } from '../../../schema/streaming-rules';
import { COMPONENT_SIZES, CONTROLLER_STORAGE_GB, containerResources, KAFKA_NODE_SIZES, KRAFT_CONTROLLERS, type KafkaNodeSize } from '../../../plan/footprints';

/** The API version of every Strimzi resource Loom writes (Strimzi 1.x serves only v1). */
export const STRIMZI_API_VERSION = 'kafka.strimzi.io/v1';
/** The operator's release name. */
export const STRIMZI_RELEASE = 'strimzi';
/** The Kafka cluster's name: its Services, Secrets and pods are named after it (`loom-kafka-bootstrap`, `loom-brokers-0`). */
export const KAFKA_CLUSTER = 'loom';
/** The node pools: dedicated KRaft controllers and brokers. */
export const KAFKA_NODE_POOLS = {
  /** The KRaft controllers' pool. */
  controllers: 'controllers',
  /** The brokers' pool. */
  brokers: 'brokers',
} as const;
export { KRAFT_CONTROLLERS, CONTROLLER_STORAGE_GB };
/** The in-cluster listener (internal, TLS). */
export const KAFKA_TLS_LISTENER = {
  /** The listener's name. */
  name: 'tls',
  /** Its port. */
  port: 9093,
} as const;
/** The listener for the platform's other clusters (internal load balancers, TLS). */
export const KAFKA_EXTERNAL_LISTENER = {
  /** The listener's name. */
  name: 'external',
  /** Its port (the load balancers' too). */
  port: 9094,
} as const;
/** Loom's bootstrap load balancer Service for the other clusters. */
export const KAFKA_BOOTSTRAP_LOAD_BALANCER = `${KAFKA_CLUSTER}-kafka-external-bootstrap`;
/** Where the Strimzi Metrics Reporter serves (the pods declare it). */
export const KAFKA_METRICS_PORT = {
  /** The container port's name (Strimzi's). */
  name: 'tcp-prometheus',
  /** Its number. */
  number: 9404,
} as const;
/** The node label rack awareness reads. */
export const RACK_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';
/** The Secret (in `loom-system`) holding the cluster CA's public certificate, key `ca.crt`. */
export const KAFKA_CLUSTER_CA_SECRET = `${KAFKA_CLUSTER}-cluster-ca-cert`;
/** The Secret (in `loom-system`) holding the cluster CA's private key, key `ca.key` (Loom's CA only). */
export const KAFKA_CLUSTER_CA_KEY_SECRET = `${KAFKA_CLUSTER}-cluster-ca`;

/** Kafka's own metrics the reporter exports (regular expressions over metric names). */
export const KAFKA_METRICS_ALLOW_LIST = ['kafka_server_.*', 'kafka_network_.*', 'kafka_controller_.*', 'kafka_log_.*', 'kafka_cluster_partition_.*'] as const;

/** The in-cluster bootstrap address (the `tls` listener's Service). */
export const kafkaClusterBootstrap = `${KAFKA_CLUSTER}-kafka-bootstrap.${PLATFORM_NAMESPACES.system}.svc:${KAFKA_TLS_LISTENER.port}`;


/** The operator's chart values: watched namespaces, the global resources rack awareness needs, the controllers' nodes. */
export function strimziOperatorValues(props: { readonly cluster: Pick<ClusterPlan, 'systemPool'>; readonly highAvailability: boolean; readonly priorityClassName: string }): HelmValues {
  return {
    // The release's namespace is always watched; the users' namespace too.
    watchNamespaces: [PLATFORM_NAMESPACES.workloads],
    watchAnyNamespace: false,
    // ClusterRoles: the brokers' init container reads its node's zone through one (rack awareness).
    createGlobalResources: true,
    generatePodDisruptionBudget: true,
    replicas: props.highAvailability ? 2 : 1,
    leaderElection: { enable: true },
    podDisruptionBudget: { enabled: props.highAvailability, minAvailable: 1 },
    priorityClassName: props.priorityClassName,
    resources: containerResources(COMPONENT_SIZES.strimziOperator),
    ...placementValues(controllerPlacement(props.cluster)),
  };
}

/**
 * Where brokers and controllers run: the cluster's own on-demand, GPU-free pools (required node
 * affinity on their `loom.dev/pool` labels, their taints tolerated) — never the system pool, never
 * spot. Existing clusters' nodes carry no Loom labels: anywhere.
 */
export function kafkaPlacement(cluster: Pick<ClusterPlan, 'pools'>): {
  /** The node affinity to the pools (none on existing clusters). */
  affinity?: Record<string, unknown>;
  /** The pools' taints, tolerated (when they have any). */
  tolerations?: Toleration[];
} {
  const pools = cluster.pools.filter((p) => !p.spot && !p.gpu);
  if (pools.length === 0) return {};
  const tolerations = pools.flatMap((p) => p.taints.map(tolerationFor));
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'loom.dev/pool', operator: 'In', values: pools.map((p) => p.name) }] }],
        },
      },
    },
    ...(tolerations.length ? { tolerations } : {}),
  };
}

/** What {@link kafkaManifests} renders the Kafka cluster from. */
export interface KafkaManifestsProps {
  /** Brokers. */
  readonly brokers: number;
  /** Each broker's volume, GB. */
  readonly storageGb: number;
  /** The environment (sizes). */
  readonly environment: Environment;
  /** The cluster's plan (placement). */
  readonly cluster: Pick<ClusterPlan, 'pools'>;
  /** The brokers' priority class (a reference to it). */
  readonly priorityClassName: string;
  /** The internal load balancer annotations of the brokers' Services. */
  readonly loadBalancerAnnotations: Readonly<Record<string, string>>;
  /** The address of the bootstrap load balancer (in the brokers' certificates). */
  readonly bootstrapAddress: string;
  /** Ranges the load balancers admit. @default any */
  readonly sourceRanges?: readonly string[];
  /**
   * The cluster CA is Loom's (`loom-cluster-ca` and `loom-cluster-ca-cert` made before the cluster).
   * @default false: Strimzi generates and renews its own
   */
  readonly ownClusterCa?: boolean;
}

/** The `Kafka` and its two `KafkaNodePool`s (see the module comment). */
export function kafkaManifests(props: KafkaManifestsProps): CustomResourceManifest[] {
  const namespace = PLATFORM_NAMESPACES.system;
  const labels = { ...componentTags('streaming'), 'app.kubernetes.io/managed-by': 'loom' };
  const replication = internalReplication(props.brokers);
  const authentication = { type: 'scram-sha-512' };
  const sizes = KAFKA_NODE_SIZES[props.environment];
  const placement = kafkaPlacement(props.cluster);
  const pool = (name: string, replicas: number, role: 'controller' | 'broker', storageGb: number, size: KafkaNodeSize): CustomResourceManifest => ({
    apiVersion: STRIMZI_API_VERSION,
    kind: 'KafkaNodePool',
    metadata: { name, namespace, labels: { ...labels, 'strimzi.io/cluster': KAFKA_CLUSTER } },
    spec: {
      replicas,
      roles: [role],
      storage: { type: 'persistent-claim', size: `${storageGb}Gi`, deleteClaim: false },
      resources: { requests: { cpu: size.cpu, memory: size.memory }, limits: { memory: size.memory } },
      jvmOptions: { '-Xms': size.heap, '-Xmx': size.heap },
      template: {
        pod: {
          priorityClassName: props.priorityClassName,
          ...placement,
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: RACK_TOPOLOGY_KEY,
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'strimzi.io/pool-name': name } },
            },
          ],
        },
      },
    },
  });
  const listenerAuth = { tls: true, authentication };
  const kafka: CustomResourceManifest = {
    apiVersion: STRIMZI_API_VERSION,
    kind: 'Kafka',
    metadata: { name: KAFKA_CLUSTER, namespace, labels },
    spec: {
      ...(props.ownClusterCa ? { clusterCa: { generateCertificateAuthority: false } } : {}),
      kafka: {
        listeners: [
          { name: KAFKA_TLS_LISTENER.name, port: KAFKA_TLS_LISTENER.port, type: 'internal', ...listenerAuth },
          {
            name: KAFKA_EXTERNAL_LISTENER.name,
            port: KAFKA_EXTERNAL_LISTENER.port,
            type: 'loadbalancer',
            ...listenerAuth,
            configuration: {
              // Loom's own bootstrap Service, whose address Terraform knows (see the module comment).
              createBootstrapService: false,
              bootstrap: { alternativeNames: [props.bootstrapAddress] },
              ...(props.sourceRanges?.length ? { loadBalancerSourceRanges: [...props.sourceRanges] } : {}),
            },
          },
        ],
        authorization: { type: 'simple' },
        rack: { topologyKey: RACK_TOPOLOGY_KEY },
        config: {
          'auto.create.topics.enable': false,
          'default.replication.factor': replication,
          'min.insync.replicas': minInSync(replication),
          'offsets.topic.replication.factor': replication,
          'transaction.state.log.replication.factor': replication,
          'transaction.state.log.min.isr': minInSync(replication),
        },
        metricsConfig: { type: 'strimziMetricsReporter', values: { allowList: [...KAFKA_METRICS_ALLOW_LIST] } },
        template: {
          podDisruptionBudget: { maxUnavailable: 1 },
          perPodService: { metadata: { annotations: { ...props.loadBalancerAnnotations } } },
        },
      },
      entityOperator: {
        topicOperator: { resources: containerResources(COMPONENT_SIZES.strimziEntityOperator) },
        // Users (and their generated Secrets) in the teams' namespace.
        userOperator: { watchedNamespace: PLATFORM_NAMESPACES.workloads, resources: containerResources(COMPONENT_SIZES.strimziEntityOperator) },
        template: { pod: { priorityClassName: props.priorityClassName, ...placement }, podDisruptionBudget: { maxUnavailable: 1 } },
      },
    },
  };
  return [
    kafka,
    pool(KAFKA_NODE_POOLS.controllers, KRAFT_CONTROLLERS, 'controller', CONTROLLER_STORAGE_GB, sizes.controller),
    pool(KAFKA_NODE_POOLS.brokers, props.brokers, 'broker', props.storageGb, sizes.broker),
  ];
}

/** One declared topic as a `KafkaTopic` of the `loom` cluster. */
export function kafkaTopicManifest(topic: StreamingTopicSpec): CustomResourceManifest {
  return {
    apiVersion: STRIMZI_API_VERSION,
    kind: 'KafkaTopic',
    metadata: {
      name: kafkaTopicResourceName(topic.name),
      namespace: PLATFORM_NAMESPACES.system,
      labels: { ...componentTags('streaming'), 'app.kubernetes.io/managed-by': 'loom', 'strimzi.io/cluster': KAFKA_CLUSTER },
    },
    spec: {
      topicName: topic.name,
      partitions: topic.partitions,
      replicas: topic.replicationFactor,
      config: { 'retention.ms': retentionMs(topic.retentionHours), 'min.insync.replicas': minInSync(topic.replicationFactor) },
    },
  };
}

/** The scrape target of the brokers and controllers (the Strimzi Metrics Reporter). */
export const kafkaScrapeTarget = (): ScrapeTarget => ({
  name: 'kafka',
  namespace: PLATFORM_NAMESPACES.system,
  podSelector: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'strimzi.io/kind': 'Kafka' },
  port: KAFKA_METRICS_PORT.name,
  path: '/metrics',
});

/** An ACL of a `KafkaUser`. */
interface KafkaAcl {
  readonly resource: { readonly type: 'topic' | 'group'; readonly name: string; readonly patternType: 'literal' | 'prefix' };
  readonly operations: string[];
}

/** Props of {@link StrimziKafka}. */
export interface StrimziKafkaProps extends ResolvedStreamingProps {
  /** The add-ons stack of the streaming cluster. */
  readonly addons: IClusterAddons;
  /**
   * The cluster CA and users' passwords, made in the services stack (on every cloud), handed to
   * Strimzi and to every cluster's clients.
   */
  readonly credentials: StrimziCredentials;
  /**
   * The fixed name and addresses of the bootstrap's load balancer (aws, gcp).
   * @default none: the load balancer's address is read back (existing clusters)
   */
  readonly endpoint?: FixedEndpoint;
}

/** Streaming, built: Strimzi's Kafka on the streaming cluster (see the module comment). */
export class StrimziKafka extends Construct implements IStreaming, IScrapedComponent {
  readonly componentName = 'streaming' as const;
  readonly mode = 'build' as const;
  readonly implementation = 'build' as const;
  readonly product = 'strimzi' as const;
  readonly protocol = 'kafka' as const;
  readonly authentication = 'scram-sha-512' as const;
  /** The bootstrap for clients on other clusters: Loom's internal load balancer, port 9094. @attribute */
  readonly bootstrapServers: string;
  readonly topics: readonly string[];
  /** The operator's release. */
  readonly operator: AddonRelease;
  /** The Kafka cluster, node pools, topics and users, after the operator. */
  readonly resources: CustomResources;
  /** Loom's bootstrap load balancer for the other clusters. */
  readonly bootstrapService: ServiceV1;
  /** The streaming cluster. */
  readonly cluster: IKubernetesCluster;
  readonly scrapeTargets: readonly ComponentScrapeTarget[];
  private readonly declared: readonly StreamingTopicSpec[];
  private readonly users = new Map<string, KafkaAcl[]>();
  private readonly credentials: StrimziCredentials;
  /** The add-ons stacks of the other clusters, whose clients get each user's Secret. */
  private readonly clients: readonly IClusterAddons[];
  /** The add-ons stacks of every cluster, the streaming cluster's included. */
  private readonly clusters: readonly IClusterAddons[];
  /** Where each user's credentials go (its principal's namespace and clusters), from its first grant. */
  private readonly placements = new Map<string, string>();
  /** The CA Secrets written into principals' namespaces, by `<cluster>/<namespace>`. */
  private readonly namespaceCas = new Map<string, SecretV1>();

  constructor(scope: Construct, id: string, props: StrimziKafkaProps) {
    super(scope, id);
    const { addons, platform, spec } = props;
    this.cluster = addons.cluster;
    this.declared = spec.topics;
    this.topics = spec.topics.map((t) => t.name);
    const labels = { ...componentTags('streaming'), 'app.kubernetes.io/managed-by': 'loom' };
    const network = addons.cluster.network;

    this.operator = new AddonRelease(this, 'Operator', {
      chart: 'strimziKafkaOperator',
      releaseName: STRIMZI_RELEASE,
      namespace: addons.namespaces.system.name,
      values: strimziOperatorValues({ cluster: addons.cluster.plan, highAvailability: platform.environment === 'prod', priorityClassName: addons.priorityClasses.nameOf('loom-critical') }),
      ...(addons.namespaces.workloads.resource ? { dependsOn: [addons.namespaces.workloads.resource] } : {}),
    });

    // The bootstrap for the other clusters: created (and its address known) before the brokers,
    // whose certificates name it. On EKS it waits for the load balancer controller like every
    // release of the stack: it depends on the operator's release.
    // Brokers' own load balancers take whatever address the cloud gives (Strimzi advertises it);
    // the bootstrap takes its fixed addresses (aws, gcp).
    const loadBalancerAnnotations = internalLoadBalancerAnnotations(platform.cloud);
    const endpoint = props.endpoint;
    this.bootstrapService = new ServiceV1(this, 'Bootstrap', {
      metadata: { name: KAFKA_BOOTSTRAP_LOAD_BALANCER, namespace: PLATFORM_NAMESPACES.system, labels, annotations: { ...(endpoint?.annotations ?? loadBalancerAnnotations) } },
      spec: {
        type: 'LoadBalancer',
        selector: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'strimzi.io/broker-role': 'true' },
        port: [{ name: 'kafka', port: KAFKA_EXTERNAL_LISTENER.port, targetPort: String(KAFKA_EXTERNAL_LISTENER.port), protocol: 'TCP' }],
        ...(network ? { loadBalancerSourceRanges: [network.cidr] } : {}),
        ...(endpoint?.loadBalancerIp ? { loadBalancerIp: endpoint.loadBalancerIp } : {}),
      },
      waitForLoadBalancer: true,
      dependsOn: [this.operator.resource],
    });
    let address: string;
    if (endpoint) {
      // Its fixed name: known at plan time, so no cluster reads this one's state to find Kafka.
      address = endpoint.hostname;
    } else {
      const ingress = this.bootstrapService.status.get(0).loadBalancer.get(0).ingress.get(0);
      address = loadBalancerAddress(platform.cloud, ingress);
    }
    this.bootstrapServers = `${address}:${KAFKA_EXTERNAL_LISTENER.port}`;

    const namespaceResources = [addons.namespaces.system.resource, addons.namespaces.workloads.resource].filter((r) => r !== undefined);
    this.credentials = props.credentials;
    this.clients = props.clusters.filter((c) => c !== addons);
    this.clusters = props.clusters;
    // Loom's cluster CA, as Strimzi takes a CA of one's own: before the Kafka cluster exists.
    const strimziLabels = { ...labels, 'strimzi.io/kind': 'Kafka', 'strimzi.io/cluster': KAFKA_CLUSTER };
    const caSecrets = [
      new SecretV1(this, 'ClusterCaCert', {
        metadata: { name: KAFKA_CLUSTER_CA_SECRET, namespace: addons.namespaces.system.name, labels: strimziLabels, annotations: { 'strimzi.io/ca-cert-generation': '0' } },
        data: { 'ca.crt': props.credentials.caCertPem },
      }),
      new SecretV1(this, 'ClusterCaKey', {
        metadata: { name: KAFKA_CLUSTER_CA_KEY_SECRET, namespace: addons.namespaces.system.name, labels: strimziLabels, annotations: { 'strimzi.io/ca-key-generation': '0' } },
        data: { 'ca.key': props.credentials.caKeyPem },
      }),
    ];
    // Clients on every cluster trust the brokers through it.
    for (const client of props.clusters) {
      new SecretV1(new Construct(componentScope(client, 'streaming'), 'Clients'), 'Ca', {
        metadata: { name: KAFKA_CA_SECRET, namespace: client.namespaces.workloads.name, labels },
        data: { 'ca.crt': props.credentials.caCertPem },
      });
    }
    this.resources = new CustomResources(this, 'Resources', {
      releaseName: 'loom-kafka',
      namespace: addons.namespaces.system.name,
      manifests: [
        ...kafkaManifests({
          brokers: spec.brokers,
          storageGb: spec.storageGb,
          environment: platform.environment,
          cluster: addons.cluster.plan,
          priorityClassName: addons.priorityClasses.nameOf('loom-broker'),
          loadBalancerAnnotations,
          bootstrapAddress: address,
          ...(network ? { sourceRanges: [network.cidr] } : {}),
          ownClusterCa: true,
        }),
        ...spec.topics.map(kafkaTopicManifest),
      ],
      dependsOn: [this.operator.resource, this.bootstrapService, ...namespaceResources, ...caSecrets],
    });
    this.scrapeTargets = [{ cluster: addons.cluster, target: kafkaScrapeTarget() }];
  }

  /** The bootstrap for clients on `cluster`: the in-cluster Service on the streaming cluster, the load balancer elsewhere. */
  bootstrapServersFor(cluster: IKubernetesCluster): string {
    return cluster === this.cluster ? kafkaClusterBootstrap : this.bootstrapServers;
  }

  /**
   * Lets the Kafka user of Kubernetes service account `principal` (created on first grant, in
   * `loom-workloads`, with a Secret of the same name) write to `topic`.
   */
  grantProduce(principal: StreamingPrincipal, topic: string): void {
    this.grant(principal, topic, ['Write', 'Describe']);
  }

  /**
   * Lets the Kafka user of `principal` read `topic`, in consumer groups whose names start with the
   * service account's name.
   */
  grantConsume(principal: StreamingPrincipal, topic: string): void {
    const user = this.grant(principal, topic, ['Read', 'Describe']);
    const acls = this.users.get(user)!;
    if (!acls.some((a) => a.resource.type === 'group')) acls.push({ resource: { type: 'group', name: user, patternType: 'prefix' }, operations: ['Read'] });
  }

  private grant(principal: StreamingPrincipal, topic: string, operations: string[]): string {
    if (principal.kind !== 'kubernetes-service-account') {
      throw new PlatformValidationError(`Strimzi authorizes Kafka users, one per Kubernetes service account; grant { kind: 'kubernetes-service-account', name } instead of ${principal.kind}`, this);
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(principal.name) || principal.name.length > 63) {
      throw new PlatformValidationError(`service account '${principal.name}' must be a DNS label (it names the Kafka user and its Secret)`, this);
    }
    const spec = declaredTopic(this.declared, topic, 'streaming');
    const user = principal.name;
    const placement = JSON.stringify([principal.namespace ?? null, principal.namespace ? [...(principal.clusters ?? [])].sort() : null]);
    const placed = this.placements.get(user);
    if (placed !== undefined && placed !== placement) {
      throw new PlatformValidationError(`Kafka user '${user}' is granted with different namespaces or clusters (${placed} and ${placement}); its credentials go to one place`, this);
    }
    let acls = this.users.get(user);
    if (!acls) {
      acls = [];
      this.users.set(user, acls);
      this.placements.set(user, placement);
      this.userPassword(user, principal);
      this.resources.add({
        apiVersion: STRIMZI_API_VERSION,
        kind: 'KafkaUser',
        metadata: {
          name: user,
          namespace: PLATFORM_NAMESPACES.workloads,
          labels: { ...componentTags('streaming'), 'app.kubernetes.io/managed-by': 'loom', 'strimzi.io/cluster': KAFKA_CLUSTER },
        },
        // The ACL list is this array: later grants add to it before synthesis.
        spec: {
          authentication: { type: 'scram-sha-512', password: { valueFrom: { secretKeyRef: { name: kafkaPasswordSecret(user), key: 'password' } } } },
          authorization: { type: 'simple', acls },
        },
      });
    }
    const existing = acls.find((a) => a.resource.type === 'topic' && a.resource.name === spec.name);
    if (existing) {
      for (const op of operations) if (!existing.operations.includes(op)) existing.operations.push(op);
    } else {
      acls.push({ resource: { type: 'topic', name: spec.name, patternType: 'literal' }, operations: [...operations] });
    }
    return user;
  }

  /**
   * The user's password from the services stack: a Secret its KafkaUser reads on the streaming
   * cluster (the release waits for it), and on every other cluster a Secret named after the user
   * with what a SCRAM client needs — the shape of the one Strimzi writes on the streaming cluster.
   */
  private userPassword(user: string, principal: StreamingPrincipal & { readonly kind: 'kubernetes-service-account' }): string {
    const credentials = this.credentials;
    const password = credentials.password(user);
    const labels = { ...componentTags('streaming'), 'app.kubernetes.io/managed-by': 'loom' };
    const input = new SecretV1(this, `Password-${user}`, {
      metadata: { name: kafkaPasswordSecret(user), namespace: PLATFORM_NAMESPACES.workloads, labels },
      data: { password },
    });
    const release = this.resources.resource;
    release.dependsOn = [...(release.dependsOn ?? []), dependable(input)];
    const data = { username: user, password, 'sasl.jaas.config': scramJaasConfig(user, password) };
    const namespace = principal.namespace;
    if (!namespace || namespace === PLATFORM_NAMESPACES.workloads) {
      // Strimzi writes the streaming cluster's copy; every other cluster gets one in loom-workloads.
      for (const client of this.clients) {
        new SecretV1(clientsScope(client), `User-${user}`, { metadata: { name: user, namespace: client.namespaces.workloads.name, labels }, data });
      }
      return password;
    }
    // Where the principal's pods run: its namespace on each of its clusters (the streaming
    // cluster's too, since Strimzi's own Secret is in loom-workloads), with the brokers' CA.
    for (const client of this.principalClusters(user, principal.clusters)) {
      const waitFor = namespaceResourceIn(client, namespace);
      const dependsOn = waitFor ? { dependsOn: [waitFor] } : {};
      const scope = clientsScope(client);
      const key = `${client.cluster.plan.name}/${namespace}`;
      if (!this.namespaceCas.has(key)) {
        this.namespaceCas.set(key, new SecretV1(scope, `Ca-${namespace}`, { metadata: { name: KAFKA_CA_SECRET, namespace, labels }, data: { 'ca.crt': credentials.caCertPem }, ...dependsOn }));
      }
      new SecretV1(scope, `User-${user}`, { metadata: { name: user, namespace, labels }, data, ...dependsOn });
    }
    return password;
  }

  /** The add-ons stacks of the clusters `names` (every cluster when undefined). */
  private principalClusters(user: string, names: readonly string[] | undefined): readonly IClusterAddons[] {
    if (!names) return this.clusters;
    return names.map((name) => {
      const found = this.clusters.find((c) => c.cluster.plan.name === name);
      if (!found) {
        throw new PlatformValidationError(`Kafka user '${user}': its pods run on cluster '${name}', which the platform does not have (clusters: ${this.clusters.map((c) => c.cluster.plan.name).join(', ')})`, this);
      }
      return found;
    });
  }
}

/** The construct, in a cluster's streaming scope, that the clients' Secrets go under. */
function clientsScope(client: IClusterAddons): Construct {
  return componentScope(client, 'streaming').node.findChild('Clients') as Construct;
}

/** Streaming, built: Strimzi on the component's (streaming) cluster, in its add-ons stack. */
export function buildStreaming(props: ResolvedStreamingProps): StrimziKafka {
  const addons = componentClusterAddons(props);
  if (addons.cluster.flavour !== 'streaming') {
    throw new PlatformValidationError(`streaming runs on a streaming cluster; '${addons.cluster.plan.name}' is ${addons.cluster.flavour}`);
  }
  // The bootstrap's fixed name: a private zone in the services stack on aws and gcp; existing
  // clusters have no zone (the premises' DNS answers an internalDomain name, else the address is read back).
  const endpoint = fixedComponentEndpoint(props.platform.cloud === 'kubernetes' ? undefined : servicesScope(props, "build: the bootstrap's private DNS zone"), {
    platform: props.platform,
    component: 'streaming',
    cluster: addons.cluster,
    label: 'kafka',
    description: "Kafka's bootstrap",
  });
  // The cluster CA and users' passwords upstream of every add-ons stack, on every cloud: on existing
  // clusters the services stack holds only these (no cloud provider).
  const credentials = new StrimziCredentials(servicesScope(props, "build: the Kafka cluster CA and users' passwords"), 'Credentials', { platform: props.platform.name });
  const kafka = new StrimziKafka(componentScope(addons, 'streaming'), 'Resource', { ...props, addons, credentials, ...(endpoint ? { endpoint } : {}) });
  componentOutput(kafka, 'kafka_bootstrap_servers', kafka.bootstrapServers, "Strimzi: Kafka's bootstrap for the platform's clusters (TLS, SCRAM-SHA-512; internal load balancer)");
  return kafka;
}
