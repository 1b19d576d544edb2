/**
 * Rules of the streaming component's keys (`components.streaming`: `brokers`, `storageGb`,
 * `serverless`, `topics`), and the names its implementations derive — computed here, where both
 * the rules and the constructs read them: topics' replication above the broker count, a topic
 * declared twice, `serverless` where it does nothing, MSK's brokers against the zones, and the
 * derived names against each service's limits. The rule that streaming runs on a streaming
 * cluster is the components' flavour rule (`checkRules`). Called from `checkRules`.
 */
import { createHash } from 'node:crypto';
import type { Cloud, PlatformSpec } from './schema';
import { networkSchema } from './schema';

type Report = (path: string, message: string) => void;

/** MSK caps cluster names at 64 characters: letters, digits and hyphens, starting with a letter or digit. */
export const MSK_CLUSTER_NAME_MAX_LENGTH = 64;
/** Managed Service for Apache Kafka cluster ids: 1–63 lowercase letters, digits and hyphens, starting with a letter. */
export const MANAGED_KAFKA_CLUSTER_ID_MAX_LENGTH = 63;
/** Loom keeps Strimzi resource names (`KafkaTopic`, `KafkaUser`) to DNS labels: 63 characters. */
export const STRIMZI_NAME_MAX_LENGTH = 63;
/** MSK provisioned spreads brokers over two or three zones (its client subnets). */
export const MSK_MAX_ZONES = 3;

/** The MSK cluster (provisioned or Serverless) of platform `platform`: `<platform>-streaming`. */
export const mskClusterName = (platform: string): string => `${platform}-streaming`;
/** The Managed Kafka cluster id of platform `platform`: `<platform>-kafka`. */
export const managedKafkaClusterId = (platform: string): string => `${platform}-kafka`;

/**
 * The `KafkaTopic` resource name of Kafka topic `topic`: a DNS label from it (lowercase, `.` and
 * `_` as `-`), with a short hash of the topic's exact name whenever that changed anything or the
 * label is too long — so that two topics never share a resource (`Orders` and `orders`), and the
 * name always fits. The topic itself keeps its name (`spec.topicName`).
 */
export function kafkaTopicResourceName(topic: string): string {
  const label = topic.toLowerCase().replace(/[._]/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '') || 'topic';
  if (label === topic && label.length <= STRIMZI_NAME_MAX_LENGTH) return label;
  const hash = createHash('sha256').update(topic).digest('hex').slice(0, 8);
  return `${label.slice(0, STRIMZI_NAME_MAX_LENGTH - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** Kafka's `retention.ms` for `retentionHours` (-1: forever). */
export const retentionMs = (retentionHours: number): number => (retentionHours < 0 ? -1 : retentionHours * 3_600_000);

/** One derived name over its service's limit, or of a shape the service refuses. */
export interface StreamingNameProblem {
  /** What the name names, e.g. `MSK cluster name`. */
  readonly what: string;
  /** The derived name. */
  readonly name: string;
  /** `derived <what> '<name>' …; shorten the platform name (name)`. */
  readonly message: string;
}

/** The names streaming derives on `cloud` for platform `platform` (bought on aws or gcp) that the service refuses. Pure. */
export function streamingNameProblems(cloud: Cloud, mode: 'build' | 'buy', platform: string): StreamingNameProblem[] {
  if (mode !== 'buy') return [];
  const problems: StreamingNameProblem[] = [];
  if (cloud === 'aws') {
    const name = mskClusterName(platform);
    if (name.length > MSK_CLUSTER_NAME_MAX_LENGTH || !/^[0-9A-Za-z][0-9A-Za-z-]*$/.test(name)) {
      problems.push({ what: 'MSK cluster name', name, message: `derived MSK cluster name '${name}' is ${name.length} characters of letters, digits and hyphens at most ${MSK_CLUSTER_NAME_MAX_LENGTH} allowed; shorten the platform name (name)` });
    }
  } else if (cloud === 'gcp') {
    const id = managedKafkaClusterId(platform);
    if (id.length > MANAGED_KAFKA_CLUSTER_ID_MAX_LENGTH || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(id)) {
      problems.push({ what: 'Managed Kafka cluster id', name: id, message: `derived Managed Kafka cluster id '${id}' must be 1–${MANAGED_KAFKA_CLUSTER_ID_MAX_LENGTH} lowercase letters, digits and hyphens, starting with a letter (it is ${id.length}); shorten the platform name (name)` });
    }
  }
  return problems;
}

/** The zones MSK provisioned spreads brokers over: the network's, at most three. */
export const mskZones = (networkZones: number): number => Math.min(networkZones, MSK_MAX_ZONES);

/** The rules of `components.streaming` (see the module comment). */
export function checkStreamingRules(spec: PlatformSpec, err: Report, warn: Report): void {
  const streaming = spec.components.streaming;
  if (!streaming) return;
  const at = 'components.streaming';
  const cloud = spec.cloud;
  const buyAws = streaming.mode === 'buy' && cloud === 'aws';
  const serverless = buyAws && streaming.serverless;

  if (streaming.serverless && !buyAws) {
    const here = streaming.mode === 'build' ? 'build runs Strimzi brokers on the streaming cluster' : `buy on ${cloud} is ${cloud === 'gcp' ? 'Managed Service for Apache Kafka, sized from brokers' : 'not available'}`;
    warn(`${at}.serverless`, `is only used by buy on aws (MSK Serverless); ${here}, so remove it`);
  }

  // Topics: each once, replicated at most once per broker.
  const seen = new Map<string, number>();
  streaming.topics.forEach((t, i) => {
    const first = seen.get(t.name);
    if (first !== undefined) err(`${at}.topics[${i}].name`, `'${t.name}' is already declared at topics[${first}]; declare each topic once`);
    else seen.set(t.name, i);
    if (serverless) {
      if (t.replicationFactor !== 3) warn(`${at}.topics[${i}].replicationFactor`, `MSK Serverless keeps 3 copies of every partition whatever is asked; ${t.replicationFactor} is ignored, so set 3 or remove it`);
    } else if (t.replicationFactor > streaming.brokers) {
      err(`${at}.topics[${i}].replicationFactor`, `${t.replicationFactor} copies need at least ${t.replicationFactor} brokers, and brokers is ${streaming.brokers}; lower replicationFactor or raise brokers`);
    }
  });

  // MSK: subnets in two or three zones; provisioned brokers spread evenly over them.
  if (buyAws) {
    const zones = (spec.network ?? networkSchema.parse({})).zones;
    if (zones < 2) {
      err(`${at}.mode`, `buy on AWS is MSK${serverless ? ' Serverless' : ''}, which needs subnets in at least 2 zones; set network.zones to 2 or more, or use build (network.zones is ${zones})`);
    } else if (!serverless) {
      const over = mskZones(zones);
      if (streaming.brokers % over !== 0) {
        const lower = Math.max(over, Math.floor(streaming.brokers / over) * over);
        err(`${at}.brokers`, `MSK places the same number of brokers in each of its ${over} zones, so brokers must be a multiple of ${over}; ${streaming.brokers} is not (use ${lower} or ${lower + over})`);
      }
    }
  }

  for (const p of streamingNameProblems(cloud, streaming.mode, spec.name)) err(at, p.message);
}
