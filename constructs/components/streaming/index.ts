/**
 * The streaming component: one contract (`IStreaming`), chosen by `components.streaming.mode` and
 * the platform's cloud — Strimzi's Kafka built on the streaming cluster, Amazon MSK, or Managed
 * Service for Apache Kafka.
 */
export * from './contract';
export { streamingFor } from './select';
export {
  StrimziKafka,
  buildStreaming,
  strimziOperatorValues,
  kafkaManifests,
  kafkaTopicManifest,
  kafkaPlacement,
  kafkaScrapeTarget,
  kafkaClusterBootstrap,
  STRIMZI_API_VERSION,
  STRIMZI_RELEASE,
  KAFKA_CLUSTER,
  KAFKA_NODE_POOLS,
  KRAFT_CONTROLLERS,
  CONTROLLER_STORAGE_GB,
  KAFKA_TLS_LISTENER,
  KAFKA_EXTERNAL_LISTENER,
  KAFKA_BOOTSTRAP_LOAD_BALANCER,
  KAFKA_METRICS_PORT,
  KAFKA_METRICS_ALLOW_LIST,
  KAFKA_CLUSTER_CA_SECRET,
  KAFKA_CLUSTER_CA_KEY_SECRET,
  RACK_TOPOLOGY_KEY,
} from './build';
export { StrimziCredentials, KAFKA_CA_SECRET, KAFKA_CA_VALIDITY_HOURS, kafkaPasswordSecret, scramJaasConfig } from './credentials';
export type { StrimziKafkaProps, KafkaManifestsProps } from './build';
export {
  MskStreaming,
  MskTopics,
  buyAwsStreaming,
  mskServerProperties,
  mskTopicsScript,
  MSK_KAFKA_VERSION,
  MSK_IAM_PORT,
  MSK_INSTANCE_TYPES,
  MSK_LOG_RETENTION_DAYS,
  MSK_IAM_AUTH,
  MSK_IAM_CLIENT_PROPERTIES,
  MSK_CONNECT_ACTIONS,
  MSK_PRODUCE_ACTIONS,
  MSK_CONSUME_ACTIONS,
  MSK_GROUP_ACTIONS,
  MSK_TOPIC_ADMIN_ACTIONS,
  KAFKA_TOOLS_IMAGE,
  JAR_FETCH_IMAGE,
  KAFKA_TOPICS_JOB,
} from './buy-aws';
export type { MskStreamingProps, MskTopicsProps } from './buy-aws';
export {
  ManagedKafkaStreaming,
  buyGcpStreaming,
  managedKafkaCapacity,
  MANAGED_KAFKA_VCPUS_PER_BROKER,
  MANAGED_KAFKA_GIB_PER_VCPU,
  MANAGED_KAFKA_MIN_VCPUS,
  MANAGED_KAFKA_CLIENT_ROLE,
  MANAGED_KAFKA_PORT,
} from './buy-gcp';
