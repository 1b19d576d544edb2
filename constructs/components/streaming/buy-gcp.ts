/**
 * Streaming, bought on Google Cloud: Google Cloud Managed Service for Apache Kafka in the services
 * stack.
 *
 * - The cluster (`google_managed_kafka_cluster`, id `<platform>-kafka`) in the platform's region,
 *   reachable from the streaming cluster's subnetwork of the platform's VPC (Managed Kafka puts its
 *   broker and bootstrap addresses and DNS names there, through Private Service Connect), so every
 *   cluster of the VPC reaches it. Sized from the spec: Managed Kafka is sized in vCPUs and memory
 *   and derives its brokers from them, so `brokers` becomes {@link MANAGED_KAFKA_VCPUS_PER_BROKER}
 *   vCPUs per broker (at least 3) with {@link MANAGED_KAFKA_GIB_PER_VCPU} GiB each; storage is
 *   Google's tiered storage, unbounded, so `storageGb` means nothing here. Brokers rebalance
 *   partitions on their own when the cluster grows (`AUTO_REBALANCE_ON_SCALE_UP`).
 * - Topics: one `google_managed_kafka_topic` per declared topic, with its partitions, replication
 *   factor and `retention.ms` — Terraform creates and changes them through Google's API, no broker
 *   connection needed.
 * - The Managed Kafka API, enabled with the stack's other APIs.
 *
 * Clients authenticate with their Google service account (Workload Identity) over TLS: SASL
 * OAUTHBEARER with Google's login callback handler, or SASL PLAIN with an access token
 * (`google-sasl`), at `bootstrap.<cluster>.<region>.managedkafka.<project>.cloud.goog:9092`.
 * Grants give the service account `roles/managedkafka.client` (connect to the project's Managed
 * Kafka clusters, produce and consume). Google authorizes Managed Kafka per project through IAM;
 * per-topic restrictions would be Kafka ACLs (`google_managed_kafka_acl`), which Loom does not
 * write: on Google Cloud a grant for one topic lets the identity use every topic of the cluster.
 */
import { Construct } from 'constructs';
import { ManagedKafkaCluster } from '@cdktf/provider-google/lib/managed-kafka-cluster';
import { ManagedKafkaTopic } from '@cdktf/provider-google/lib/managed-kafka-topic';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Fn } from '../../core/cdk';
import { PlatformValidationError } from '../../core/errors';
import { serviceAccountMember } from '../../gcp/gcp';
import { ProjectServices } from '../../gcp/project-services';
import { managedKafkaClusterId, retentionMs } from '../../../schema/streaming-rules';
import { componentClusterAddons, componentLabels, componentOutput, servicesScope } from '../contract';
import { declaredTopic, type IStreaming, type ResolvedStreamingProps, type StreamingPrincipal } from './contract';
import { managedKafkaCapacity, MANAGED_KAFKA_GIB_PER_VCPU, MANAGED_KAFKA_MIN_VCPUS, MANAGED_KAFKA_VCPUS_PER_BROKER } from '../../../plan/footprints';

/** The role grants give: connect, produce and consume. */
export const MANAGED_KAFKA_CLIENT_ROLE = 'roles/managedkafka.client';
/** Where Managed Kafka's clients connect (TLS, SASL). */
export const MANAGED_KAFKA_PORT = 9092;

export { managedKafkaCapacity, MANAGED_KAFKA_VCPUS_PER_BROKER, MANAGED_KAFKA_GIB_PER_VCPU, MANAGED_KAFKA_MIN_VCPUS };

/** Streaming on Managed Service for Apache Kafka (see the module comment). */
export class ManagedKafkaStreaming extends Construct implements IStreaming {
  readonly componentName = 'streaming' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-gcp' as const;
  readonly product = 'managed-kafka' as const;
  readonly protocol = 'kafka' as const;
  readonly authentication = 'google-sasl' as const;
  /** `bootstrap.<cluster>.<region>.managedkafka.<project>.cloud.goog:9092`. @attribute */
  readonly bootstrapServers: string;
  readonly topics: readonly string[];
  /** The cluster. */
  readonly cluster: ManagedKafkaCluster;
  /** The declared topics, by name. */
  readonly kafkaTopics: Readonly<Record<string, ManagedKafkaTopic>>;
  private readonly project: string;
  private readonly declared: ResolvedStreamingProps['spec']['topics'];
  private readonly granted = new Set<string>();

  constructor(scope: Construct, id: string, props: ResolvedStreamingProps & { readonly subnet: string }) {
    super(scope, id);
    const { platform, spec } = props;
    const project = platform.gcpProject!;
    const region = platform.region!;
    this.project = project;
    this.declared = spec.topics;
    this.topics = spec.topics.map((t) => t.name);
    const services = ProjectServices.of(this);
    if (!services) throw new PlatformValidationError('Managed Kafka needs the services stack of a Google Cloud platform (its ProjectServices)', this);
    services.addApis(['managedkafka.googleapis.com']);
    const labels = { ...platform.labels, ...componentLabels('streaming') };
    const clusterId = managedKafkaClusterId(platform.name);
    const capacity = managedKafkaCapacity(spec.brokers);

    this.cluster = new ManagedKafkaCluster(this, 'Cluster', {
      clusterId,
      location: region,
      project,
      capacityConfig: { vcpuCount: String(capacity.vcpuCount), memoryBytes: String(capacity.memoryBytes) },
      gcpConfig: { accessConfig: { networkConfigs: [{ subnet: props.subnet }] } },
      rebalanceConfig: { mode: 'AUTO_REBALANCE_ON_SCALE_UP' },
      labels,
    });
    const topics: Record<string, ManagedKafkaTopic> = {};
    spec.topics.forEach((t, i) => {
      topics[t.name] = new ManagedKafkaTopic(this, `Topic${i}`, {
        cluster: this.cluster.clusterId,
        location: region,
        project,
        topicId: t.name,
        partitionCount: t.partitions,
        replicationFactor: t.replicationFactor,
        configs: { 'retention.ms': String(retentionMs(t.retentionHours)) },
      });
    });
    this.kafkaTopics = topics;
    this.bootstrapServers = `bootstrap.${this.cluster.clusterId}.${region}.managedkafka.${project}.cloud.goog:${MANAGED_KAFKA_PORT}`;
  }

  /** Lets `principal` (a Google service account) produce to the cluster's topics (see the module comment on per-topic grants). */
  grantProduce(principal: StreamingPrincipal, topic: string): void {
    this.grant(principal, topic);
  }

  /** Lets `principal` (a Google service account) consume the cluster's topics (see the module comment on per-topic grants). */
  grantConsume(principal: StreamingPrincipal, topic: string): void {
    this.grant(principal, topic);
  }

  private grant(principal: StreamingPrincipal, topic: string): void {
    if (principal.kind !== 'gcp-service-account') throw new PlatformValidationError(`Managed Kafka authorizes Google service accounts; got ${principal.kind}`, this);
    declaredTopic(this.declared, topic, 'streaming');
    // One role binding per identity, however many topics it is granted.
    if (this.granted.has(principal.email)) return;
    this.granted.add(principal.email);
    new ProjectIamMember(this, `Client${this.granted.size}`, { project: this.project, role: MANAGED_KAFKA_CLIENT_ROLE, member: serviceAccountMember(principal.email) });
  }
}

/** Streaming bought on Google Cloud: Managed Kafka in the services stack, in the streaming cluster's subnetwork. */
export function buyGcpStreaming(props: ResolvedStreamingProps): ManagedKafkaStreaming {
  const addons = componentClusterAddons(props);
  const network = addons.cluster.network;
  if (!network || network.cloud !== 'gcp') throw new PlatformValidationError(`Managed Kafka needs the Google Cloud network of cluster '${addons.cluster.plan.name}'`);
  const [selfLink] = network.subnetsFor(addons.cluster.plan.name).subnetIds;
  if (!selfLink) throw new PlatformValidationError(`cluster '${addons.cluster.plan.name}' has no subnetwork for Managed Kafka`);
  // Managed Kafka takes `projects/<p>/regions/<r>/subnetworks/<s>`, not the self link.
  const subnet = Fn.replace(selfLink, 'https://www.googleapis.com/compute/v1/', '');
  const kafka = new ManagedKafkaStreaming(servicesScope(props, 'buy on Google Cloud: Managed Service for Apache Kafka'), 'Resource', { ...props, subnet });
  componentOutput(kafka, 'kafka_bootstrap_servers', kafka.bootstrapServers, 'Managed Service for Apache Kafka: bootstrap address (TLS, SASL with Google credentials)');
  return kafka;
}
