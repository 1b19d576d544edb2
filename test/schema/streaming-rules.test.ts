/**
 * The rules of the streaming component's keys (issue 11, Validation): topics replicated above the
 * broker count, a topic declared twice, `serverless` where it does nothing, MSK's brokers against
 * its zones, the names the implementations derive, and the flavour rule every component shares as
 * it applies to streaming.
 */
import { describe, expect, it } from 'vitest';
import { platformSchema } from '../../schema';
import type { SpecIssue } from '../../schema/issues';
import {
  checkStreamingRules,
  kafkaTopicResourceName,
  managedKafkaClusterId,
  mskClusterName,
  retentionMs,
  streamingNameProblems,
  STRIMZI_NAME_MAX_LENGTH,
} from '../../schema/streaming-rules';
import { awsSpec, errorsOf, gcpSpec, k8sSpec, type Spec } from './fixtures';

/** The streaming rules' errors and warnings for a spec (parsed by the schema first). */
function streamingIssues(spec: Spec): { errors: SpecIssue[]; warnings: SpecIssue[] } {
  const errors: SpecIssue[] = [];
  const warnings: SpecIssue[] = [];
  checkStreamingRules(
    platformSchema.parse(spec),
    (path, message) => errors.push({ path, message }),
    (path, message) => warnings.push({ path, message }),
  );
  return { errors, warnings };
}
const streaming = (s: Spec) => ({ components: { streaming: s } });

describe('topics', () => {
  it('refuses a replication factor above the broker count, in build and buy', () => {
    for (const mode of ['build', 'buy'] as const) {
      const { errors } = streamingIssues(awsSpec(streaming({ mode, brokers: 3, topics: [{ name: 'ok', replicationFactor: 3 }, { name: 'wide', replicationFactor: 4 }] })));
      expect(errors, mode).toEqual([
        { path: 'components.streaming.topics[1].replicationFactor', message: '4 copies need at least 4 brokers, and brokers is 3; lower replicationFactor or raise brokers' },
      ]);
    }
    expect(streamingIssues(gcpSpec(streaming({ mode: 'buy', brokers: 1, topics: [{ name: 't' }] }))).errors.map((e) => e.path)).toEqual(['components.streaming.topics[0].replicationFactor']);
  });

  it('takes the default replication (3) as above a single broker', () => {
    expect(streamingIssues(k8sSpec(streaming({ mode: 'build', brokers: 1, topics: [{ name: 't', replicationFactor: 1 }] }))).errors).toEqual([]);
    expect(streamingIssues(k8sSpec(streaming({ mode: 'build', brokers: 1, topics: [{ name: 't' }] }))).errors).toHaveLength(1);
  });

  it('refuses a topic declared twice (names are case-sensitive, as Kafka’s)', () => {
    const { errors } = streamingIssues(awsSpec(streaming({ mode: 'build', topics: [{ name: 'orders' }, { name: 'Orders' }, { name: 'orders' }] })));
    expect(errors).toEqual([{ path: 'components.streaming.topics[2].name', message: "'orders' is already declared at topics[0]; declare each topic once" }]);
  });

  it('on MSK Serverless, warns about a replication factor other than 3 instead of counting brokers', () => {
    const { errors, warnings } = streamingIssues(awsSpec(streaming({ mode: 'buy', serverless: true, brokers: 1, topics: [{ name: 't', replicationFactor: 2 }, { name: 'u' }] })));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([{ path: 'components.streaming.topics[0].replicationFactor', message: expect.stringMatching(/^MSK Serverless keeps 3 copies/) }]);
  });
});

describe('serverless', () => {
  it('is only used by buy on aws', () => {
    expect(streamingIssues(awsSpec(streaming({ mode: 'buy', serverless: true }))).warnings).toEqual([]);
    expect(streamingIssues(awsSpec(streaming({ mode: 'build', serverless: true }))).warnings).toEqual([
      { path: 'components.streaming.serverless', message: 'is only used by buy on aws (MSK Serverless); build runs Strimzi brokers on the streaming cluster, so remove it' },
    ]);
    expect(streamingIssues(gcpSpec(streaming({ mode: 'buy', serverless: true }))).warnings).toEqual([
      { path: 'components.streaming.serverless', message: 'is only used by buy on aws (MSK Serverless); buy on gcp is Managed Service for Apache Kafka, sized from brokers, so remove it' },
    ]);
  });
});

describe('MSK and zones', () => {
  it('refuses provisioned brokers that are not a multiple of the zones, and names the neighbours', () => {
    expect(streamingIssues(awsSpec(streaming({ mode: 'buy', brokers: 4 }))).errors).toEqual([
      { path: 'components.streaming.brokers', message: 'MSK places the same number of brokers in each of its 3 zones, so brokers must be a multiple of 3; 4 is not (use 3 or 6)' },
    ]);
    expect(streamingIssues(awsSpec(streaming({ mode: 'buy', brokers: 6 }))).errors).toEqual([]);
    // Two zones: multiples of two.
    expect(streamingIssues(awsSpec({ network: { cidr: '10.0.0.0/16', zones: 2 }, ...streaming({ mode: 'buy', brokers: 3, topics: [{ name: 't', replicationFactor: 2 }] }) })).errors.map((e) => e.path)).toEqual([
      'components.streaming.brokers',
    ]);
  });

  it('counts at most three zones: MSK spreads brokers over three', () => {
    const spec = awsSpec({ network: { cidr: '10.0.0.0/16', zones: 4 }, ...streaming({ mode: 'buy', brokers: 6 }) });
    expect(streamingIssues(spec).errors).toEqual([]);
  });

  it('refuses a single zone, provisioned or Serverless; ignores zones in build and on serverless for brokers', () => {
    const one = { network: { cidr: '10.0.0.0/16', zones: 1 } };
    expect(streamingIssues(awsSpec({ ...one, ...streaming({ mode: 'buy', brokers: 1, topics: [] }) })).errors.map((e) => e.path)).toEqual(['components.streaming.mode']);
    expect(streamingIssues(awsSpec({ ...one, ...streaming({ mode: 'buy', serverless: true }) })).errors.map((e) => e.path)).toEqual(['components.streaming.mode']);
    expect(streamingIssues(awsSpec(streaming({ mode: 'buy', serverless: true, brokers: 4 }))).errors).toEqual([]);
    expect(streamingIssues(awsSpec(streaming({ mode: 'build', brokers: 4 }))).errors).toEqual([]);
  });
});

describe('derived names', () => {
  it('names the MSK cluster and the Managed Kafka cluster after the platform', () => {
    expect(mskClusterName('acme')).toBe('acme-streaming');
    expect(managedKafkaClusterId('acme')).toBe('acme-kafka');
    expect(streamingNameProblems('aws', 'buy', 'acme')).toEqual([]);
    expect(streamingNameProblems('gcp', 'buy', 'acme')).toEqual([]);
  });

  it('reports an MSK cluster name over 64 characters and a Managed Kafka id over 63 (only when bought)', () => {
    const long = 'a'.repeat(54); // 54 + '-streaming' = 64: fits; 55 does not
    expect(streamingNameProblems('aws', 'buy', long)).toEqual([]);
    expect(streamingNameProblems('aws', 'buy', `${long}b`).map((p) => p.what)).toEqual(['MSK cluster name']);
    expect(streamingNameProblems('aws', 'build', `${long}b`)).toEqual([]);
    const id = 'a'.repeat(57); // 57 + '-kafka' = 63
    expect(streamingNameProblems('gcp', 'buy', id)).toEqual([]);
    expect(streamingNameProblems('gcp', 'buy', `${id}b`)[0]!.message).toMatch(/^derived Managed Kafka cluster id 'a+b-kafka' must be 1–63 lowercase/);
    expect(streamingNameProblems('kubernetes', 'buy', `${id}b`)).toEqual([]);
  });

  it('gives every topic a KafkaTopic name Kubernetes takes: itself when it is one, else a label with a hash of the exact name', () => {
    expect(kafkaTopicResourceName('orders')).toBe('orders');
    expect(kafkaTopicResourceName('orders.v1')).toMatch(/^orders-v1-[0-9a-f]{8}$/);
    expect(kafkaTopicResourceName('Orders')).not.toBe(kafkaTopicResourceName('orders'));
    expect(kafkaTopicResourceName('Orders')).not.toBe(kafkaTopicResourceName('ORDERS'));
    const long = kafkaTopicResourceName('x'.repeat(200));
    expect(long.length).toBeLessThanOrEqual(STRIMZI_NAME_MAX_LENGTH);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(kafkaTopicResourceName('__')).toMatch(/^topic-[0-9a-f]{8}$/);
  });

  it('turns retention hours into retention.ms, -1 kept as forever', () => {
    expect(retentionMs(168)).toBe(604_800_000);
    expect(retentionMs(-1)).toBe(-1);
  });
});

describe('the flavour rule, for streaming', () => {
  it('refuses streaming on a microservice cluster: it runs on streaming clusters', () => {
    expect(errorsOf(awsSpec(streaming({ mode: 'build', cluster: 'apps' })))).toContainEqual({
      path: 'components.streaming.cluster',
      message: "'apps' is a microservice cluster; streaming runs on streaming clusters",
    });
  });

  it('refuses build without a streaming cluster to default to', () => {
    const spec = awsSpec(streaming({ mode: 'build' }));
    spec.clusters.splice(1, 1);
    expect(errorsOf(spec)).toContainEqual({ path: 'components.streaming.cluster', message: 'no streaming cluster to run streaming on; add one or name a cluster' });
  });
});
