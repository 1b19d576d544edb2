/**
 * Streaming in every mode: Strimzi's KRaft Kafka built on the streaming cluster, Amazon MSK
 * (provisioned and Serverless) and Managed Service for Apache Kafka bought — targeted assertions
 * on what each synthesizes, the grants a client gets, the client environment's keys (the same in
 * every mode), the chart values and custom resources against `../shared`, and no secret value.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHARTS } from '../../catalog/charts';
import { App } from '../../constructs/core/cdk';
import { MlPlatform } from '../../stacks/ml-platform';
import { EksCluster } from '../../constructs/cluster/eks-cluster';
import {
  KAFKA_CLUSTER,
  KAFKA_METRICS_ALLOW_LIST,
  kafkaClusterBootstrap,
  mskTopicsScript,
  streamingEnvironment,
  streamingFor,
  type IStreaming,
  type StrimziKafka,
} from '../../constructs/components/streaming';
import { findResource, findResources, readStacks, resources, type StackJson } from '../helpers/synth';
import { customResourceErrors, unknownValuesKeys } from '../helpers/charts';
import { customResource, customResources, releaseOf } from '../addons/fixtures';
import { literalSecrets } from '../stores/fixtures';
import { awsSpec } from '../aws/fixtures';
import { gcpPlatformSpec } from '../helpers/gcp';
import { onpremSpec } from '../kubernetes/fixtures';
import { releases, valuesOf } from './fixtures';
import { describeSkip, hasProvider, terraformEnv, terraformValidate } from '../helpers/terraform';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A platform with a bought registry (so that it has a services stack), and `build` run on it. */
function synthInto(spec: Record<string, any>, build: (platform: MlPlatform) => void): { dir: string; stacks: Record<string, StackJson> } {
  const dir = mkdtempSync(join(tmpdir(), 'loom-streaming-'));
  dirs.push(dir);
  const app = new App({ outdir: dir });
  // Existing clusters have nothing to buy (their services stack holds what Terraform generates only).
  const { name, ...props } = { ...spec, components: spec.cloud === 'kubernetes' ? {} : { registry: { mode: 'buy' } } };
  build(new MlPlatform(app, name, props as never));
  app.synth();
  return { dir, stacks: readStacks(dir) };
}
const synth = (spec: Record<string, any>, build: (platform: MlPlatform) => void) => synthInto(spec, build).stacks;
const clustersOf = (platform: MlPlatform) => Object.values(platform.addonsStacks);
const servicesOf = (platform: MlPlatform) => (platform.servicesStack ? { services: platform.servicesStack } : {});

const TOPICS = [
  { name: 'orders', partitions: 12, replicationFactor: 3, retentionHours: 72 },
  { name: 'Click_Stream.v1', retentionHours: -1 },
];
const sa = (name: string) => ({ kind: 'kubernetes-service-account' as const, name });
const policyOf = (r: Record<string, unknown>) => JSON.parse(String(r.policy)) as { Statement: { Sid?: string; Action: string[]; Resource: string | string[] }[] };
const statement = (r: Record<string, unknown>, sid: string) => policyOf(r).Statement.find((s) => s.Sid === sid);

describe('build: Strimzi on the streaming cluster', () => {
  let kafka: IStreaming | undefined;
  let platformRef: MlPlatform | undefined;
  const stacks = synth(awsSpec(), (platform) => {
    platformRef = platform;
    kafka = streamingFor({ spec: { mode: 'build', brokers: 3, storageGb: 750, topics: TOPICS }, clusters: clustersOf(platform), ...servicesOf(platform) });
    kafka.grantProduce(sa('ingest'), 'orders');
    kafka.grantConsume(sa('scorer'), 'orders');
    kafka.grantConsume(sa('scorer'), 'Click_Stream.v1');
    kafka.grantProduce(sa('scorer'), 'orders');
  });
  const events = stacks['acme-addons-events']!;

  it('installs the operator from the catalogue, watching its namespace and the users’, with the ClusterRoles rack awareness needs', () => {
    const operator = releases(events).strimzi!;
    expect(operator).toMatchObject({ chart: CHARTS.strimziKafkaOperator.chart, repository: CHARTS.strimziKafkaOperator.repository, version: '1.2.0' });
    const values = valuesOf(operator);
    expect(values).toMatchObject({ watchNamespaces: ['loom-workloads'], watchAnyNamespace: false, createGlobalResources: true, replicas: 2 });
    expect(unknownValuesKeys('strimzi-kafka-operator', '1.2.0', values)).toEqual([]);
  });

  it('runs KRaft with dedicated controller and broker node pools, sized from the spec, on the cluster’s own pools', () => {
    const kafkaCr = customResource(events, 'Kafka', KAFKA_CLUSTER);
    expect(kafkaCr.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(kafkaCr.metadata.annotations).toBeUndefined(); // KRaft and node pools need no annotation in v1
    expect(kafkaCr.spec.kafka.replicas).toBeUndefined();
    expect(kafkaCr.spec.zookeeper).toBeUndefined();
    const controllers = customResource(events, 'KafkaNodePool', 'controllers');
    const brokers = customResource(events, 'KafkaNodePool', 'brokers');
    expect(controllers.metadata.labels['strimzi.io/cluster']).toBe(KAFKA_CLUSTER);
    expect(controllers.spec).toMatchObject({ replicas: 3, roles: ['controller'], storage: { type: 'persistent-claim', deleteClaim: false } });
    expect(brokers.spec).toMatchObject({ replicas: 3, roles: ['broker'], storage: { type: 'persistent-claim', size: '750Gi', deleteClaim: false } });
    const pod = brokers.spec.template.pod;
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'loom.dev/pool', operator: 'In', values: ['brokers'] }] }]);
    expect(pod.priorityClassName).toMatch(/kubernetes_priority_class_v1\.\w*loom-broker|loom-broker/);
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { 'strimzi.io/pool-name': 'brokers' } } });
  });

  it('listens with TLS only, authenticates every listener with SCRAM-SHA-512 and authorizes with ACLs, rack-aware by zone', () => {
    const spec = customResource(events, 'Kafka', KAFKA_CLUSTER).spec.kafka;
    expect(spec.listeners).toHaveLength(2);
    for (const l of spec.listeners) expect(l).toMatchObject({ tls: true, authentication: { type: 'scram-sha-512' } });
    expect(spec.listeners[0]).toMatchObject({ name: 'tls', port: 9093, type: 'internal' });
    expect(spec.listeners[1]).toMatchObject({ name: 'external', port: 9094, type: 'loadbalancer', configuration: { createBootstrapService: false, loadBalancerSourceRanges: ['10.0.0.0/16'] } });
    // the bootstrap's fixed name is in the brokers' certificates
    expect(spec.listeners[1].configuration.bootstrap.alternativeNames).toEqual(['kafka.acme.internal']);
    expect(spec.authorization).toEqual({ type: 'simple' });
    expect(spec.rack).toEqual({ topologyKey: 'topology.kubernetes.io/zone' });
    expect(spec.config).toMatchObject({ 'auto.create.topics.enable': false, 'default.replication.factor': 3, 'min.insync.replicas': 2 });
    expect(spec.template.perPodService.metadata.annotations).toMatchObject({ 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' });
  });

  it('caps disruption at one broker and exports metrics through the Strimzi Metrics Reporter on a declared port', () => {
    const spec = customResource(events, 'Kafka', KAFKA_CLUSTER).spec;
    expect(spec.kafka.template.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
    expect(spec.entityOperator.template.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
    expect(spec.kafka.metricsConfig).toEqual({ type: 'strimziMetricsReporter', values: { allowList: [...KAFKA_METRICS_ALLOW_LIST] } });
    expect((kafka as StrimziKafka).scrapeTargets).toEqual([
      { cluster: platformRef!.clusters.events, target: { name: 'kafka', namespace: 'loom-system', podSelector: { 'strimzi.io/cluster': 'loom', 'strimzi.io/kind': 'Kafka' }, port: 'tcp-prometheus', path: '/metrics' } },
    ]);
  });

  it('declares each topic as a KafkaTopic with its partitions, replicas and retention, under a name Kubernetes takes', () => {
    const topics = customResources(events, 'KafkaTopic');
    expect(topics.map((t) => t.spec.topicName)).toEqual(['orders', 'Click_Stream.v1']);
    expect(topics[0]).toMatchObject({ metadata: { name: 'orders', labels: { 'strimzi.io/cluster': 'loom' } }, spec: { partitions: 12, replicas: 3, config: { 'retention.ms': 72 * 3_600_000 } } });
    expect(topics[1]!.metadata.name).toMatch(/^click-stream-v1-[0-9a-f]{8}$/);
    expect(topics[1]!.spec).toMatchObject({ partitions: 6, replicas: 3, config: { 'retention.ms': -1 } });
  });

  it('grants through one KafkaUser per service account, in the workloads namespace, with ACLs per topic and its consumer groups', () => {
    const users = customResources(events, 'KafkaUser');
    expect(users.map((u) => [u.metadata.name, u.metadata.namespace])).toEqual([
      ['ingest', 'loom-workloads'],
      ['scorer', 'loom-workloads'],
    ]);
    expect(users[0]!.spec).toEqual({
      authentication: { type: 'scram-sha-512', password: { valueFrom: { secretKeyRef: { name: 'ingest-scram', key: 'password' } } } },
      authorization: { type: 'simple', acls: [{ resource: { type: 'topic', name: 'orders', patternType: 'literal' }, operations: ['Write', 'Describe'] }] },
    });
    expect(users[1]!.spec.authorization.acls).toEqual([
      { resource: { type: 'topic', name: 'orders', patternType: 'literal' }, operations: ['Read', 'Describe', 'Write'] },
      { resource: { type: 'group', name: 'scorer', patternType: 'prefix' }, operations: ['Read'] },
      { resource: { type: 'topic', name: 'Click_Stream.v1', patternType: 'literal' }, operations: ['Read', 'Describe'] },
    ]);
  });

  it('writes custom resources the CRDs accept, released after the operator', () => {
    for (const kind of ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser']) {
      const found = customResources(events, kind);
      expect(found.length, kind).toBeGreaterThan(0);
      for (const cr of found) expect(customResourceErrors(cr), `${kind} ${cr.metadata.name}`).toEqual([]);
    }
    const crRelease = releaseOf(events, 'Kafka', KAFKA_CLUSTER).resource;
    expect(crRelease.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^helm_release\.Streaming_Operator_/), expect.stringMatching(/^kubernetes_service_v1\.Streaming_Bootstrap_/)]));
  });

  it("signs the brokers with Loom's cluster CA, made in the services stack before the Kafka cluster (no add-ons stack reads another's)", () => {
    const services = stacks['acme-services']!;
    expect(findResource(services, 'tls_private_key', { algorithm: 'RSA' })).toMatchObject({ rsa_bits: 4096 });
    expect(findResource(services, 'tls_self_signed_cert', { is_ca_certificate: true })).toMatchObject({ validity_period_hours: 87600 });
    expect(customResource(events, 'Kafka', KAFKA_CLUSTER).spec.clusterCa).toEqual({ generateCertificateAuthority: false });
    const cert = findResource(events, 'kubernetes_secret_v1', { metadata: { name: 'loom-cluster-ca-cert' } }) as any;
    const key = findResource(events, 'kubernetes_secret_v1', { metadata: { name: 'loom-cluster-ca' } }) as any;
    expect(cert.metadata).toMatchObject({ labels: { 'strimzi.io/kind': 'Kafka', 'strimzi.io/cluster': 'loom' }, annotations: { 'strimzi.io/ca-cert-generation': '0' } });
    expect(key.metadata.annotations).toEqual({ 'strimzi.io/ca-key-generation': '0' });
    expect(String(cert.data['ca.crt'])).toMatch(/tls_self_signed_cert/);
    expect(String(key.data['ca.key'])).toMatch(/private_key_pem_pkcs8/);
    const release = releaseOf(events, 'Kafka', KAFKA_CLUSTER).resource;
    expect(release.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes_secret_v1\.Streaming_\w*ClusterCaCert/), expect.stringMatching(/^kubernetes_secret_v1\.Streaming_\w*ClusterCaKey/)]));
    // The CA key crosses stacks as a sensitive output only.
    const keyOutput = Object.values(services.output ?? {}).find((o: any) => /private_key_pem_pkcs8/.test(String(o.value))) as any;
    expect(keyOutput.sensitive).toBe(true);
  });

  it("gives each Kafka user Terraform's password, and every other cluster's clients that user's Secret and the CA", () => {
    const services = stacks['acme-services']!;
    expect(findResources(services, 'random_password').map((p: any) => p.special)).toEqual([false, false]);
    const user = customResource(events, 'KafkaUser', 'scorer');
    expect(user.spec.authentication).toEqual({ type: 'scram-sha-512', password: { valueFrom: { secretKeyRef: { name: 'scorer-scram', key: 'password' } } } });
    const input = findResource(events, 'kubernetes_secret_v1', { metadata: { name: 'scorer-scram' } }) as any;
    expect(String(input.data.password)).toMatch(/random_password[\w-]*scorer[\w-]*result/);
    expect(releaseOf(events, 'KafkaUser', 'scorer').resource.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes_secret_v1\.\w*Password-scorer/)]));
    // Strimzi writes the user's Secret on the streaming cluster; Loom on the others, in the same shape.
    expect(findResources(events, 'kubernetes_secret_v1', { metadata: { name: 'scorer' } })).toEqual([]);
    for (const other of ['acme-addons-apps', 'acme-addons-training']) {
      const secret = findResource(stacks[other]!, 'kubernetes_secret_v1', { metadata: { name: 'scorer' } }) as any;
      expect(Object.keys(secret.data).sort()).toEqual(['password', 'sasl.jaas.config', 'username']);
      expect(secret.data.username).toBe('scorer');
      expect(String(secret.data['sasl.jaas.config'])).toMatch(/^org\.apache\.kafka\.common\.security\.scram\.ScramLoginModule required username="scorer" password="\$\{[^}]+\}";$/);
      expect(findResource(stacks[other]!, 'kubernetes_secret_v1', { metadata: { name: 'loom-kafka-ca' } })).toBeDefined();
      // from the services stack, never from the streaming cluster's add-ons stack
      expect(Object.keys(stacks[other]!.data?.terraform_remote_state ?? {}).some((k) => k.endsWith('acme-addons-events'))).toBe(false);
    }
    expect(findResource(events, 'kubernetes_secret_v1', { metadata: { name: 'loom-kafka-ca' } })).toBeDefined();
  });

  it('reaches other clusters through its own internal load balancer at its fixed name, its own cluster through the Service', () => {
    const bootstrap = findResource(events, 'kubernetes_service_v1', { metadata: { name: 'loom-kafka-external-bootstrap' } }) as any;
    expect(bootstrap.spec).toMatchObject({ type: 'LoadBalancer', selector: { 'strimzi.io/cluster': 'loom', 'strimzi.io/broker-role': 'true' }, load_balancer_source_ranges: ['10.0.0.0/16'] });
    expect(bootstrap.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internal');
    expect(bootstrap.wait_for_load_balancer).toBe(true);
    const streaming = kafka as StrimziKafka;
    expect(streaming.bootstrapServersFor(platformRef!.clusters.events!)).toBe(kafkaClusterBootstrap);
    expect(kafkaClusterBootstrap).toBe('loom-kafka-bootstrap.loom-system.svc:9093');
    expect(streaming.bootstrapServersFor(platformRef!.clusters.apps!)).toBe('kafka.acme.internal:9094');
    expect(events.output?.kafka_bootstrap_servers?.value).toBe('kafka.acme.internal:9094');
    // slot 4 of each zone's reservation; the brokers' own load balancers take the cloud's addresses
    const addresses = 'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses';
    expect(bootstrap.metadata.annotations[addresses]).toMatch(/^(10\.0\.\d+\.228,){2}10\.0\.\d+\.228$/);
    const kafkaListener = customResource(events, 'Kafka', KAFKA_CLUSTER).spec.kafka.listeners[1];
    expect(JSON.stringify(kafkaListener)).not.toContain(addresses);
    const record = findResource(stacks['acme-services']!, 'aws_route53_record', { name: 'kafka.acme.internal' }) as any;
    expect(bootstrap.metadata.annotations[addresses]).toBe(record.records.join(','));
  });

  it('refuses a cloud identity (Strimzi authorizes Kafka users) and an undeclared topic', () => {
    expect(() => kafka!.grantProduce({ kind: 'aws-iam-role', roleName: 'r', roleArn: 'arn:aws:iam::123456789012:role/r' }, 'orders')).toThrow(/one per Kubernetes service account/);
    expect(() => kafka!.grantConsume(sa('x'), 'payments')).toThrow(/topic 'payments' is not declared/);
  });

  it('has no secret value anywhere', () => {
    for (const [name, stack] of Object.entries(stacks)) expect(literalSecrets(stack), name).toEqual([]);
  });
});

describe('build on existing clusters', () => {
  const { dir, stacks } = synthInto(onpremSpec(), (platform) => {
    const kafka = streamingFor({ spec: { mode: 'build', topics: [{ name: 'events' }] }, clusters: clustersOf(platform), services: platform.useServicesStack() });
    kafka.grantConsume(sa('scorer'), 'events');
  });
  const events = stacks['lab-addons-events']!;

  it('refuses to build without the services stack (the CA and passwords are made there)', () => {
    expect(() => synth(onpremSpec(), (platform) => streamingFor({ spec: { mode: 'build', topics: [{ name: 'events' }] }, clusters: clustersOf(platform) }))).toThrow(
      /streaming \(build: the Kafka cluster CA and users' passwords\) keeps resources in the services stack/,
    );
  });

  it("signs the brokers with Loom's CA and gives users Terraform's passwords, from a services stack without a cloud provider", () => {
    const services = stacks['lab-services']!;
    expect(Object.keys(services.provider ?? {}).sort()).toEqual(['random', 'tls']);
    expect(findResource(services, 'tls_self_signed_cert', { is_ca_certificate: true })).toBeDefined();
    expect(customResource(events, 'Kafka', KAFKA_CLUSTER).spec.clusterCa).toEqual({ generateCertificateAuthority: false });
    expect(findResource(events, 'kubernetes_secret_v1', { metadata: { name: 'loom-cluster-ca' } })).toBeDefined();
    expect(customResource(events, 'KafkaUser', 'scorer').spec.authentication.password).toEqual({ valueFrom: { secretKeyRef: { name: 'scorer-scram', key: 'password' } } });
    for (const other of ['lab-addons-apps', 'lab-addons-gpu']) {
      expect(findResource(stacks[other]!, 'kubernetes_secret_v1', { metadata: { name: 'scorer' } }), other).toBeDefined();
      expect(findResource(stacks[other]!, 'kubernetes_secret_v1', { metadata: { name: 'loom-kafka-ca' } }), other).toBeDefined();
    }
  });

  const env = terraformEnv();
  const ready = env.available && hasProvider(env, 'hashicorp/tls') && hasProvider(env, 'hashicorp/random');
  it.skipIf(!ready)('passes terraform validate (services stack, tls and random only)', () => {
    const result = terraformValidate(join(dir, 'stacks', 'lab-services'));
    expect(result.ok, result.output).toBe(true);
  });
  if (!ready) it('SKIPPED: terraform validate of the services stack needs terraform and the tls and random providers in the mirror', () => console.warn(env.available ? 'no hashicorp/tls or hashicorp/random in the mirror' : describeSkip(env)));

  it('places brokers anywhere (no Loom labels there) and reaches other clusters through whatever serves LoadBalancer Services', () => {
    expect(customResource(events, 'KafkaNodePool', 'brokers').spec.template.pod.affinity).toBeUndefined();
    const external = customResource(events, 'Kafka', KAFKA_CLUSTER).spec.kafka.listeners[1];
    expect(external.configuration.loadBalancerSourceRanges).toBeUndefined();
    expect(external.configuration.bootstrap.alternativeNames[0]).toMatch(/coalesce/);
  });
});

describe('buy on AWS: MSK provisioned', () => {
  let msk: IStreaming | undefined;
  const { dir, stacks } = synthInto(awsSpec(), (platform) => {
    msk = streamingFor({ spec: { mode: 'buy', brokers: 6, storageGb: 1000, topics: TOPICS }, clusters: clustersOf(platform), services: platform.servicesStack! });
    const apps = platform.clusters.apps as EksCluster;
    const producer = apps.addServiceAccountRole('ProducerRole', 'loom-workloads', 'ingest');
    const consumer = apps.addServiceAccountRole('ConsumerRole', 'loom-workloads', 'scorer');
    msk.grantProduce({ kind: 'aws-iam-role', roleName: producer.role.name, roleArn: producer.role.arn }, 'orders');
    msk.grantConsume({ kind: 'aws-iam-role', roleName: consumer.role.name, roleArn: consumer.role.arn }, 'orders');
  });
  const services = stacks['acme-services']!;
  const events = stacks['acme-addons-events']!;

  it('spreads the brokers over the streaming cluster’s node subnets with the spec’s storage', () => {
    const cluster = findResource(services, 'aws_msk_cluster') as any;
    expect(cluster).toMatchObject({ cluster_name: 'acme-streaming', kafka_version: '3.9.x.kraft', number_of_broker_nodes: 6 });
    expect(cluster.broker_node_group_info.client_subnets).toHaveLength(3);
    for (const s of cluster.broker_node_group_info.client_subnets) expect(s).toMatch(/events/);
    expect(cluster.broker_node_group_info).toMatchObject({ instance_type: 'kafka.m7g.large', storage_info: { ebs_storage_info: { volume_size: 1000 } } });
  });

  it('encrypts at rest with its own KMS key and in transit with TLS only, authenticates with IAM only, and logs brokers to CloudWatch', () => {
    const cluster = findResource(services, 'aws_msk_cluster') as any;
    const keys = Object.keys(resources(services, 'aws_kms_key')).filter((k) => k.includes('Streaming'));
    expect(keys).toHaveLength(1);
    expect(cluster.encryption_info).toEqual({ encryption_at_rest_kms_key_arn: `\${aws_kms_key.${keys[0]}.arn}`, encryption_in_transit: { client_broker: 'TLS', in_cluster: true } });
    expect(cluster.client_authentication).toEqual({ sasl: { iam: true }, unauthenticated: false });
    expect(cluster.logging_info.broker_logs.cloudwatch_logs).toMatchObject({ enabled: true, log_group: expect.stringMatching(/aws_cloudwatch_log_group\.\w+\.name/) });
    expect(findResource(services, 'aws_cloudwatch_log_group', { name: '/loom/acme/msk/acme-streaming' })).toMatchObject({ retention_in_days: 90 });
  });

  it('configures the brokers: no automatic topics, replication from the broker count', () => {
    const configuration = findResource(services, 'aws_msk_configuration') as any;
    expect(configuration.kafka_versions).toEqual(['3.9.x.kraft']);
    expect(configuration.server_properties).toContain('auto.create.topics.enable=false');
    expect(configuration.server_properties).toContain('default.replication.factor=3');
    expect(configuration.server_properties).toContain('min.insync.replicas=2');
    expect((findResource(services, 'aws_msk_cluster') as any).configuration_info).toEqual({ arn: expect.stringMatching(/aws_msk_configuration\.\w+\.arn/), revision: expect.stringMatching(/latest_revision/) });
  });

  it('admits 9098 from each of the platform’s clusters, and nothing else', () => {
    const sg = findResource(services, 'aws_security_group', { name: 'acme-streaming-msk' }) as any;
    expect(sg.ingress).toBeUndefined();
    const rules = findResources(services, 'aws_vpc_security_group_ingress_rule').filter((r: any) => String(r.security_group_id).includes('Streaming'));
    expect(rules.map((r: any) => [r.from_port, r.to_port, r.tags['loom.dev/cluster']]).sort()).toEqual([
      [9098, 9098, 'apps'],
      [9098, 9098, 'events'],
      [9098, 9098, 'training'],
    ]);
  });

  it('grants produce and consume with kafka-cluster actions scoped to the cluster, the topic and its groups', () => {
    const produce = findResource(services, 'aws_iam_role_policy', { name: 'kafka-produce-1' });
    const consume = findResource(services, 'aws_iam_role_policy', { name: 'kafka-consume-2' });
    expect(String(produce.role)).toContain('ProducerRole');
    expect(statement(produce, 'Connect')).toMatchObject({ Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], Resource: expect.stringMatching(/aws_msk_cluster\.\w+\.arn/) });
    expect(statement(produce, 'Topic')).toMatchObject({ Action: ['kafka-cluster:WriteData', 'kafka-cluster:DescribeTopic'], Resource: expect.stringMatching(/^arn:\$\{data\.aws_partition\.\w+\.partition\}:kafka:us-east-1:\$\{data\.aws_caller_identity\.\w+\.account_id\}:topic\/acme-streaming\/\$\{aws_msk_cluster\.\w+\.cluster_uuid\}\/orders$/) });
    expect(statement(produce, 'Groups')).toBeUndefined();
    expect(statement(consume, 'Topic')!.Action).toEqual(['kafka-cluster:ReadData', 'kafka-cluster:DescribeTopic']);
    expect(statement(consume, 'Groups')).toMatchObject({ Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'], Resource: expect.stringMatching(/:group\/acme-streaming\/\$\{aws_msk_cluster\.\w+\.cluster_uuid\}\/\*$/) });
  });

  it('makes the declared topics exist through a Job on the streaming cluster, as an IAM role allowed only topic administration', () => {
    const job = customResources(events, 'Job')[0]!;
    expect(customResources(events, 'Job')).toHaveLength(1);
    const release = releaseOf(events, 'Job', job.metadata.name);
    // Helm waits for the Job to complete before the apply goes on
    expect(release.resource).toMatchObject({ name: 'kafka-topics', wait: true, wait_for_jobs: true, atomic: true, timeout: 1800 });
    expect(job.metadata.name).toMatch(/^kafka-topics-[0-9a-f]{8}$/);
    expect(job.spec.template.spec.serviceAccountName).toBe('kafka-topics');
    expect(job.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(events.resource?.kubernetes_job_v1).toBeUndefined();
    const container = job.spec.template.spec.containers[0];
    expect(container.image).toBe('docker.io/apache/kafka:4.0.0');
    expect(container.env.find((e: any) => e.name === 'BOOTSTRAP_SERVERS').value).toMatch(/bootstrap_brokers_sasl_iam/);
    const account = findResource(events, 'kubernetes_service_account_v1', { metadata: { name: 'kafka-topics' } }) as any;
    expect(account.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/aws_iam_role/);
    const policy = findResource(services, 'aws_iam_role_policy', { name: 'kafka-topics' });
    expect(statement(policy, 'Topics')!.Action).toEqual(expect.arrayContaining(['kafka-cluster:CreateTopic', 'kafka-cluster:AlterTopic']));
    expect(statement(policy, 'Topics')!.Action).not.toContain('kafka-cluster:DeleteTopic');
    const config = findResource(events, 'kubernetes_config_map_v1', { metadata: { name: 'kafka-topics' } }) as any;
    expect(config.data['client.properties']).toContain('sasl.mechanism=AWS_MSK_IAM');
    expect(config.data['topics.sh']).toContain("--create --if-not-exists --topic 'orders' --partitions 12 --replication-factor 3");
    expect(config.data['topics.sh']).toContain(`--entity-name 'orders' --add-config retention.ms=${72 * 3_600_000}`);
    expect(config.data['topics.sh']).not.toMatch(/\$\{|%\{/);
  });

  it('outputs the IAM bootstrap brokers and keeps every secret out of the JSON', () => {
    expect(String(services.output?.kafka_bootstrap_servers?.value)).toMatch(/aws_msk_cluster\.\w+\.bootstrap_brokers_sasl_iam/);
    expect(msk!.authentication).toBe('aws-iam');
    for (const [name, stack] of Object.entries(stacks)) expect(literalSecrets(stack), name).toEqual([]);
  });

  const env = terraformEnv();
  it.skipIf(!env.available)('passes terraform validate (services stack)', () => {
    const result = terraformValidate(join(dir, 'stacks', 'acme-services'));
    expect(result.ok, result.output).toBe(true);
  });
  if (!env.available) it('SKIPPED: terraform validate of MSK needs terraform and the provider mirror', () => console.warn(describeSkip(env)));
});

describe('buy on AWS: MSK Serverless', () => {
  const stacks = synth(awsSpec(), (platform) => {
    streamingFor({ spec: { mode: 'buy', serverless: true, topics: [{ name: 'orders' }] }, clusters: clustersOf(platform), services: platform.servicesStack! });
  });
  const services = stacks['acme-services']!;

  it('creates a Serverless cluster with IAM authentication in the streaming cluster’s subnets, and no provisioned brokers', () => {
    expect(resources(services, 'aws_msk_cluster')).toEqual({});
    const cluster = findResource(services, 'aws_msk_serverless_cluster') as any;
    expect(cluster).toMatchObject({ cluster_name: 'acme-streaming', client_authentication: { sasl: { iam: { enabled: true } } } });
    expect(cluster.vpc_config[0].subnet_ids).toHaveLength(3);
    expect(cluster.vpc_config[0].security_group_ids).toEqual([expect.stringMatching(/aws_security_group/)]);
    expect(String(services.output?.kafka_bootstrap_servers?.value)).toMatch(/aws_msk_serverless_cluster\.\w+\.bootstrap_brokers_sasl_iam/);
  });

  it('creates topics without a replication factor (Serverless keeps three copies)', () => {
    expect(mskTopicsScript([{ name: 'orders', partitions: 6, replicationFactor: 3, retentionHours: 1 }], true)).not.toContain('--replication-factor');
    const config = findResource(stacks['acme-addons-events']!, 'kubernetes_config_map_v1', { metadata: { name: 'kafka-topics' } }) as any;
    expect(config.data['topics.sh']).not.toContain('--replication-factor');
  });
});

describe('buy on Google Cloud: Managed Service for Apache Kafka', () => {
  let managed: IStreaming | undefined;
  const stacks = synth(gcpPlatformSpec(), (platform) => {
    managed = streamingFor({ spec: { mode: 'buy', brokers: 4, topics: TOPICS }, clusters: clustersOf(platform), services: platform.servicesStack! });
    managed.grantProduce({ kind: 'gcp-service-account', email: 'ingest@acme-ml-prod.iam.gserviceaccount.com' }, 'orders');
    managed.grantConsume({ kind: 'gcp-service-account', email: 'ingest@acme-ml-prod.iam.gserviceaccount.com' }, 'Click_Stream.v1');
  });
  const services = stacks['acme-services']!;

  it('sizes the cluster from the brokers, in the streaming cluster’s subnetwork, with the API enabled', () => {
    const cluster = findResource(services, 'google_managed_kafka_cluster') as any;
    expect(cluster).toMatchObject({ cluster_id: 'acme-kafka', location: 'us-central1', capacity_config: { vcpu_count: '12', memory_bytes: String(12 * 4 * 1024 ** 3) }, labels: { 'loom-component': 'streaming' } });
    expect(cluster.gcp_config.access_config.network_configs[0].subnet).toMatch(/^\$\{replace\(\S*google_compute_subnetwork\w*events\w*self_link, "https:\/\/www\.googleapis\.com\/compute\/v1\/", ""\)\}$/);
    const apis = Object.values((services as any).locals as Record<string, string[]>).flat();
    expect(apis).toContain('managedkafka.googleapis.com');
  });

  it('creates one topic per declared topic with its partitions, replication and retention', () => {
    const topics = findResources(services, 'google_managed_kafka_topic') as any[];
    expect(topics.map((t) => [t.topic_id, t.partition_count, t.replication_factor, t.configs['retention.ms']])).toEqual([
      ['orders', 12, 3, String(72 * 3_600_000)],
      ['Click_Stream.v1', 6, 3, '-1'],
    ]);
    expect(topics[0].cluster).toMatch(/google_managed_kafka_cluster\.\w+\.cluster_id/);
  });

  it('grants the Managed Kafka client role once per identity, and gives the bootstrap address', () => {
    expect(findResources(services, 'google_project_iam_member', { role: 'roles/managedkafka.client' }).map((r) => r.member)).toEqual(['serviceAccount:ingest@acme-ml-prod.iam.gserviceaccount.com']);
    expect(String(services.output?.kafka_bootstrap_servers?.value)).toMatch(/^bootstrap\.\$\{google_managed_kafka_cluster\.\w+\.cluster_id\}\.us-central1\.managedkafka\.acme-ml-prod\.cloud\.goog:9092$/);
    expect(() => managed!.grantProduce(sa('x'), 'orders')).toThrow(/authorizes Google service accounts/);
  });

  const env = terraformEnv();
  const googleReady = env.available && hasProvider(env, 'hashicorp/google');
  it.skipIf(!googleReady)('passes terraform validate (services stack)', () => {
    const { dir } = synthInto(gcpPlatformSpec(), (platform) => {
      const kafka = streamingFor({ spec: { mode: 'buy', topics: TOPICS }, clusters: clustersOf(platform), services: platform.servicesStack! });
      kafka.grantConsume({ kind: 'gcp-service-account', email: 'ingest@acme-ml-prod.iam.gserviceaccount.com' }, 'orders');
    });
    const result = terraformValidate(join(dir, 'stacks', 'acme-services'));
    expect(result.ok, result.output).toBe(true);
  });
  if (!googleReady) it('SKIPPED: terraform validate of Managed Kafka needs terraform and the Google provider in the mirror', () => console.warn(env.available ? 'no hashicorp/google in the mirror' : describeSkip(env)));
});

describe('one contract', () => {
  it('gives clients the same environment keys and output in every mode', () => {
    const made: IStreaming[] = [];
    const outputs: string[][] = [];
    const spec = { topics: [{ name: 'orders' }, { name: 'clicks' }] };
    for (const [cloudSpec, mode, extra] of [
      [awsSpec(), 'build', {}],
      [awsSpec(), 'buy', {}],
      [awsSpec(), 'buy', { serverless: true }],
      [gcpPlatformSpec(), 'buy', {}],
    ] as const) {
      const stacks = synth(cloudSpec, (platform) => {
        made.push(streamingFor({ spec: { mode, ...spec, ...extra }, clusters: clustersOf(platform), services: platform.servicesStack! }));
      });
      outputs.push(Object.values(stacks).flatMap((s) => Object.keys(s.output ?? {}).filter((k) => k.startsWith('kafka_bootstrap'))));
    }
    const envs = made.map((m) => streamingEnvironment(m));
    expect(Object.keys(envs[0]!).sort()).toEqual(['LOOM_KAFKA_AUTHENTICATION', 'LOOM_KAFKA_BOOTSTRAP_SERVERS', 'LOOM_KAFKA_PROTOCOL', 'LOOM_KAFKA_TOPICS']);
    for (const e of envs) expect(Object.keys(e).sort()).toEqual(Object.keys(envs[0]!).sort());
    expect(envs.map((e) => e.LOOM_KAFKA_AUTHENTICATION)).toEqual(['scram-sha-512', 'aws-iam', 'aws-iam', 'google-sasl']);
    expect(envs.map((e) => e.LOOM_KAFKA_TOPICS)).toEqual(Array(4).fill('orders,clicks'));
    expect(made.map((m) => m.product)).toEqual(['strimzi', 'msk', 'msk-serverless', 'managed-kafka']);
    expect(outputs).toEqual(Array(4).fill(['kafka_bootstrap_servers']));
  });

  it('refuses buy on existing clusters, with the spec’s message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-streaming-'));
    dirs.push(dir);
    const { name, ...props } = onpremSpec();
    const platform = new MlPlatform(new App({ outdir: dir }), name, props as never);
    expect(() => streamingFor({ spec: { mode: 'buy' }, clusters: clustersOf(platform) })).toThrow(/\/Streaming: mode: buy is not available with cloud: kubernetes/);
  });
});
