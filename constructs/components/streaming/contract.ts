/**
 * The streaming contract: what producers and consumers (feature pipelines, online feature writers,
 * model servers logging predictions) need to use the platform's Kafka, whichever mode provides it —
 * Strimzi built on the platform's streaming cluster, Amazon MSK (provisioned or Serverless), or
 * Google Cloud's Managed Service for Apache Kafka. The protocol is Kafka's in every mode; what
 * changes is how clients authenticate, which {@link IStreaming.authentication} names.
 *
 * The declared topics (`components.streaming.topics`) exist in every mode, created by Loom: as
 * Strimzi `KafkaTopic`s (build), by a Job running Kafka's own `kafka-topics.sh` with IAM
 * authentication in the streaming cluster (MSK, whose Terraform provider has no topic resource),
 * or as `google_managed_kafka_topic`s (Google Cloud).
 */
import type { IKubernetesCluster } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import type { WorkloadIdentity } from '../../stores/contract';
import type { ComponentProps, IPlatformComponent, ResolvedComponentProps } from '../contract';
import type { StreamingComponentSpec, StreamingComponentSpecInput } from '../../../schema/schema';

/** The products behind the streaming contract. */
export type StreamingProduct = 'strimzi' | 'msk' | 'msk-serverless' | 'managed-kafka';

/**
 * How clients authenticate, and so which client settings they need:
 *
 * - `scram-sha-512`: SASL/SCRAM-SHA-512 over TLS with a password (Strimzi: the `KafkaUser`'s
 *   Secret holds `password` and a ready `sasl.jaas.config`; the brokers' certificate is signed by
 *   the Strimzi cluster CA, `<cluster>-cluster-ca-cert`).
 * - `mtls`: TLS client certificates (Strimzi `tls` users; not what Loom creates, kept for clusters
 *   configured so by hand).
 * - `aws-iam`: SASL/`AWS_MSK_IAM` (or OAUTHBEARER with the MSK IAM signer) over TLS with the pod's
 *   IAM role (IRSA), on port 9098.
 * - `google-sasl`: SASL/OAUTHBEARER (or PLAIN with an access token) over TLS with the pod's Google
 *   service account (Workload Identity), Google's Managed Kafka client authentication.
 */
export type StreamingAuthentication = 'scram-sha-512' | 'mtls' | 'aws-iam' | 'google-sasl';

/** A Kubernetes service account a client runs as: what Strimzi's users are granted to (build). */
export interface KubernetesServiceAccount {
  /** Always `kubernetes-service-account`. */
  readonly kind: 'kubernetes-service-account';
  /** The service account's name (a DNS label; names the Kafka user and its Secret). */
  readonly name: string;
  /**
   * Where the principal's pods run: built streaming (Strimzi) writes the Kafka user's credentials
   * Secret (`username`, `password`, `sasl.jaas.config`) and the brokers' CA (`loom-kafka-ca`)
   * into this namespace, on each of {@link clusters}, waiting for the namespace where the
   * cluster's add-ons stack creates it (a team's `team-<name>`).
   * @default `loom-workloads` of every cluster
   */
  readonly namespace?: string;
  /**
   * The clusters (their names in `clusters[]`) the principal's pods run on, where its credentials
   * go when it names a {@link namespace}.
   * @default every cluster of the platform
   */
  readonly clusters?: readonly string[];
}

/**
 * Who a grant is for: a cloud identity (the bought services authorize IAM roles and Google service
 * accounts), or a Kubernetes service account (Strimzi authorizes Kafka users, one per service
 * account, whose credentials Secret the client mounts).
 */
export type StreamingPrincipal = WorkloadIdentity | KubernetesServiceAccount;

/** Streaming, as consumers see it. */
export interface IStreaming extends IPlatformComponent {
  /** Always `streaming`. */
  readonly componentName: 'streaming';
  /** The product behind it. */
  readonly product: StreamingProduct;
  /** Always `kafka`: clients speak Kafka's protocol in every mode. */
  readonly protocol: 'kafka';
  /** How clients authenticate (see {@link StreamingAuthentication}). */
  readonly authentication: StreamingAuthentication;
  /**
   * Kafka's `bootstrap.servers`: comma-separated `host:port` pairs clients start from — from any
   * cluster of the platform (the internal load balancer of Strimzi's cross-cluster listener, MSK's
   * IAM bootstrap brokers, Managed Kafka's bootstrap address). @attribute
   */
  readonly bootstrapServers: string;
  /** The topics Loom declares (`topics[].name`), which exist in every mode. */
  readonly topics: readonly string[];
  /** Lets `principal` write records to `topic` (one of {@link topics}). */
  grantProduce(principal: StreamingPrincipal, topic: string): void;
  /** Lets `principal` read records from `topic` (one of {@link topics}) in consumer groups of its own. */
  grantConsume(principal: StreamingPrincipal, topic: string): void;
}

/** Streaming's props: `components.streaming` of platform.yaml, the clusters' add-ons stacks and the services stack. */
export type StreamingProps = ComponentProps<StreamingComponentSpecInput>;
/** Streaming's props, validated. */
export type ResolvedStreamingProps = ResolvedComponentProps<StreamingComponentSpec>;

/**
 * Streaming's client environment, in every cluster's `loom-platform` ConfigMap: the same keys
 * whichever mode provides it. `LOOM_KAFKA_TOPICS` lists the declared topics, comma-separated.
 */
export function streamingEnvironment(
  streaming: Pick<IStreaming, 'protocol' | 'authentication' | 'bootstrapServers' | 'topics'> & {
    /** Where clients on a given cluster start from, when that differs by cluster (Strimzi on one of them). */
    bootstrapServersFor?(cluster: IKubernetesCluster): string;
  },
  cluster?: IKubernetesCluster,
): Record<string, string> {
  return {
    LOOM_KAFKA_AUTHENTICATION: streaming.authentication,
    LOOM_KAFKA_BOOTSTRAP_SERVERS: cluster && streaming.bootstrapServersFor ? streaming.bootstrapServersFor(cluster) : streaming.bootstrapServers,
    LOOM_KAFKA_PROTOCOL: streaming.protocol,
    LOOM_KAFKA_TOPICS: streaming.topics.join(','),
  };
}

/** The declared topic `topic`, or a clear error naming the declared ones. */
export function declaredTopic<
  T extends {
    /** The topic's name. */
    readonly name: string;
  },
>(topics: readonly T[], topic: string, where: string): T {
  const found = topics.find((t) => t.name === topic);
  if (!found) {
    throw new PlatformValidationError(`${where}: topic '${topic}' is not declared in components.streaming.topics (declared: ${topics.map((t) => t.name).join(', ') || 'none'})`);
  }
  return found;
}

/** Copies of Kafka's internal topics (offsets, transactions) and the default for new topics: three, or the brokers there are. */
export const internalReplication = (brokers: number): number => Math.min(3, brokers);
/** `min.insync.replicas` for a replication factor: one fewer, at least one. */
export const minInSync = (replication: number): number => Math.max(1, replication - 1);
