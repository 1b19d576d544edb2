/**
 * Fixed names of built components (aws, gcp): every built component other clusters reach has a
 * private DNS name answering with fixed addresses of the address plan, so that components may run on
 * different clusters without their add-ons stacks reading each other's state (a cycle). Addresses
 * are computed here from the synthesized subnets, independently of the plan's functions.
 */
import ipaddr from 'ipaddr.js';
import { afterAll, describe, expect, it } from 'vitest';
import { awsSpec } from '../aws/fixtures';
import { gcpPlatformSpec } from '../helpers/gcp';
import { findResources, resources, synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { ONPREM_OBJECT_STORAGE, releases, valuesOf } from './fixtures';
import { onpremSpec } from '../kubernetes/fixtures';
import { customResource } from '../addons/fixtures';

/** Every built component other clusters reach, spread over the three clusters. */
const COMPONENTS = {
  registry: { mode: 'build', cluster: 'events' },
  monitoring: { mode: 'build' },
  experimentTracking: { mode: 'build', cluster: 'apps' },
  featureStore: { mode: 'build', cluster: 'apps' },
  serving: {
    mode: 'build',
    endpoints: [
      { name: 'ranker', model: 'ranker/v3', framework: 'xgboost' },
      { name: 'scorer', model: 'scorer/v1', framework: 'sklearn' },
    ],
  },
  pipelines: { mode: 'build' },
  streaming: { mode: 'build', topics: [{ name: 'clicks' }] },
};

/** Slot of each component's address in the reserved /28 (the contract of the address plan). */
const SLOTS: Record<string, number> = { registry: 0, mlflow: 1, feast: 2, argo: 3, kafka: 4, ranker: 5, scorer: 6 };

const toInt = (a: string) => ipaddr.IPv4.parse(a).octets.reduce((n, o) => n * 256 + o, 0);
const toAddress = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
/** The `slot`-th address of the second-highest /28 of `cidr`. */
function expectedAddress(cidr: string, slot: number): string {
  const [base, prefix] = cidr.split('/');
  return toAddress(toInt(base!) + 2 ** (32 - Number(prefix)) - 32 + slot);
}

/** Names of the stacks whose state a stack reads. */
function readsStateOf(stack: StackJson): string[] {
  return Object.keys(stack.data?.terraform_remote_state ?? {}).map((k) => k.replace(/^cross-stack-reference-input-/, '')).sort();
}

const synths: Synthesized[] = [];
afterAll(() => synths.forEach((s) => s.cleanup()));
function synth(spec: Record<string, any>): Synthesized {
  const out = synthSpec({ ...spec, components: COMPONENTS });
  synths.push(out);
  return out;
}

describe('fixed names of built components on AWS', () => {
  const out = synth(awsSpec());
  const { stacks } = out;
  const network = stacks['acme-network']!;
  const services = stacks['acme-services']!;
  /** Node subnets by cluster, in zone order. */
  const subnets = (cluster: string) =>
    Object.values(resources(network, 'aws_subnet'))
      .filter((s: any) => s.tags?.['loom.dev/cluster'] === cluster)
      .map((s: any) => s.cidr_block as string);
  const expected = (cluster: string, slot: number) => subnets(cluster).map((c) => expectedAddress(c, slot));
  const zone = (name: string) => Object.entries(resources(services, 'aws_route53_zone')).find(([, z]: any) => z.name === name);
  const recordOf = (name: string) => findResources(services, 'aws_route53_record', { name })[0] as any;

  it('synthesizes with components on three clusters: no add-ons stack reads another, except the registry cluster\'s (Harbor\'s CA and robot)', () => {
    expect(readsStateOf(stacks['acme-addons-apps']!)).toEqual(['acme-addons-events', 'acme-cluster-apps', 'acme-services']);
    expect(readsStateOf(stacks['acme-addons-training']!)).toEqual(['acme-addons-events', 'acme-cluster-training', 'acme-services']);
    expect(readsStateOf(stacks['acme-addons-events']!)).toEqual(['acme-cluster-events', 'acme-services']);
    // nothing reads a load balancer back
    for (const name of ['apps', 'events', 'training']) expect(stacks[`acme-addons-${name}`]!.data?.kubernetes_service_v1).toBeUndefined();
  });

  it('sets a /28 aside in every node subnet of every cluster, whatever is built', () => {
    const reservations = Object.values(resources(network, 'aws_ec2_subnet_cidr_reservation')) as any[];
    const all = ['apps', 'events', 'training'].flatMap(subnets);
    expect(reservations.map((r) => r.cidr_block).sort()).toEqual(all.map((c) => `${expectedAddress(c, 0)}/28`).sort());
    expect(reservations.every((r) => r.reservation_type === 'explicit')).toBe(true);
  });

  it.each([
    ['mlflow.acme.internal', 'apps', SLOTS.mlflow!],
    ['feast.acme.internal', 'apps', SLOTS.feast!],
    ['argo.acme.internal', 'training', SLOTS.argo!],
    ['kafka.acme.internal', 'events', SLOTS.kafka!],
    ['ranker.serving.acme.internal', 'apps', SLOTS.ranker!],
    ['scorer.serving.acme.internal', 'apps', SLOTS.scorer!],
    ['harbor.acme.internal', 'events', SLOTS.registry!],
  ])('%s answers with its slot of the reservation of cluster %s', (name, cluster, slot) => {
    expect(recordOf(name)).toMatchObject({ type: 'A', records: expected(cluster, slot) });
  });

  it('keeps one private zone per component, serving\'s holding a record per endpoint, associated with the VPC', () => {
    for (const name of ['mlflow.acme.internal', 'feast.acme.internal', 'argo.acme.internal', 'kafka.acme.internal', 'serving.acme.internal', 'harbor.acme.internal']) {
      expect(zone(name), name).toBeDefined();
      expect((zone(name)![1] as any).vpc).toHaveLength(1);
    }
  });

  it("puts each component's load balancer at the addresses its record names", () => {
    const apps = stacks['acme-addons-apps']!;
    const annotationsOf = (name: string, stack: StackJson) => (findResources(stack, 'kubernetes_service_v1', { metadata: { name } })[0] as any).metadata.annotations;
    const addressesAnnotation = 'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses';
    expect(annotationsOf('feast-internal', apps)[addressesAnnotation]).toBe(expected('apps', SLOTS.feast!).join(','));
    expect(annotationsOf('ranker-lb', apps)[addressesAnnotation]).toBe(expected('apps', SLOTS.ranker!).join(','));
    expect(annotationsOf('scorer-lb', apps)[addressesAnnotation]).toBe(expected('apps', SLOTS.scorer!).join(','));
    expect(annotationsOf('loom-kafka-external-bootstrap', stacks['acme-addons-events']!)[addressesAnnotation]).toBe(expected('events', SLOTS.kafka!).join(','));
    const mlflow = valuesOf(releases(apps).mlflow!);
    expect(mlflow.service.annotations[addressesAnnotation]).toBe(expected('apps', SLOTS.mlflow!).join(','));
    expect(mlflow.security?.allowedHosts ?? JSON.stringify(mlflow)).toContain('mlflow.acme.internal');
    const argo = valuesOf(releases(stacks['acme-addons-training']!)['argo-workflows']!);
    expect(argo.server.serviceAnnotations[addressesAnnotation]).toBe(expected('training', SLOTS.argo!).join(','));
    // brokers' own load balancers take whatever the cloud gives
    expect(JSON.stringify(customResource(stacks['acme-addons-events']!, 'Kafka', 'loom'))).not.toContain(addressesAnnotation);
  });

  it("hands other clusters the names, and each component's own cluster its cluster URL", () => {
    const data = (cluster: string) => (Object.values(resources(stacks[`acme-addons-${cluster}`]!, 'kubernetes_config_map_v1'))[0] as any).data;
    const training = data('training');
    expect(training.LOOM_TRACKING_URI).toBe('http://mlflow.acme.internal');
    expect(training.LOOM_FEATURE_STORE_ENDPOINT).toBe('http://feast.acme.internal');
    expect(training.LOOM_KAFKA_BOOTSTRAP_SERVERS).toBe('kafka.acme.internal:9094');
    expect(JSON.parse(training.LOOM_SERVING_ENDPOINTS)).toEqual({ ranker: 'http://ranker.serving.acme.internal', scorer: 'http://scorer.serving.acme.internal' });
    expect(data('apps').LOOM_PIPELINES_SUBMIT_URL).toBe('https://argo.acme.internal:2746');
    expect(data('apps').LOOM_TRACKING_URI).not.toContain('acme.internal');
  });
});

describe('fixed names of built components on Google Cloud', () => {
  const out = synth(gcpPlatformSpec());
  const { stacks } = out;
  const services = stacks['acme-services']!;
  const subnetworkOf = (cluster: string) => (Object.values(resources(stacks['acme-network']!, 'google_compute_subnetwork')) as any[]).find((s) => s.name.endsWith(`-${cluster}`))!.ip_cidr_range as string;

  it('synthesizes with components on three clusters, no add-ons stack reading another but the registry cluster\'s', () => {
    expect(readsStateOf(stacks['acme-addons-events']!).filter((s) => s.startsWith('acme-addons-'))).toEqual([]);
    expect(readsStateOf(stacks['acme-addons-apps']!).filter((s) => s.startsWith('acme-addons-'))).toEqual(['acme-addons-events']);
  });

  it.each([
    ['acme-mlflow', 'apps', SLOTS.mlflow!, 'mlflow.acme.internal.'],
    ['acme-feast', 'apps', SLOTS.feast!, 'feast.acme.internal.'],
    ['acme-argo', 'training', SLOTS.argo!, 'argo.acme.internal.'],
    ['acme-kafka', 'events', SLOTS.kafka!, 'kafka.acme.internal.'],
    ['acme-serving-ranker', 'apps', SLOTS.ranker!, 'ranker.serving.acme.internal.'],
  ])('reserves %s in the subnetwork of %s, which the record names', (name, cluster, slot, record) => {
    const address = findResources(services, 'google_compute_address', { name })[0] as any;
    expect(address).toMatchObject({ address_type: 'INTERNAL', address: expectedAddress(subnetworkOf(cluster), slot) });
    expect(findResources(services, 'google_dns_record_set', { name: record })[0]).toMatchObject({ type: 'A', rrdatas: [address.address] });
  });

  it('has GKE take the reserved address by name', () => {
    const apps = stacks['acme-addons-apps']!;
    const feast = findResources(apps, 'kubernetes_service_v1', { metadata: { name: 'feast-internal' } })[0] as any;
    expect(feast.metadata.annotations['networking.gke.io/load-balancer-ip-addresses']).toBe('acme-feast');
    expect(feast.spec.load_balancer_ip).toBe(expectedAddress(subnetworkOf('apps'), SLOTS.feast!));
    expect(valuesOf(releases(apps).mlflow!).service.annotations['networking.gke.io/load-balancer-ip-addresses']).toBe('acme-mlflow');
  });
});

describe('fixed names of built components on existing clusters, under internalDomain', () => {
  const spec = onpremSpec({ objectStorage: { ...ONPREM_OBJECT_STORAGE }, internalDomain: 'ml.lab.example' });
  const gpu = spec.clusters.find((c: { name: string }) => c.name === 'gpu');
  gpu.existing = { ...gpu.existing, capacity: [{ name: 'cpu', nodeLabels: { 'node.lab.example/group': 'cpu' }, nodes: 4, cpu: 32, memoryGiB: 128 }] };
  const components = { ...COMPONENTS, registry: { mode: 'build', cluster: 'events', hostname: 'harbor.ml.lab.example' }, serving: { ...COMPONENTS.serving, endpoints: COMPONENTS.serving.endpoints.map((e) => ({ ...e, model: `s3://ml-platform/models/${e.name}` })) } };
  const out = synthSpec({ ...spec, components });
  synths.push(out);
  const { stacks } = out;

  it('synthesizes with components on three clusters: no add-ons stack reads another but the registry cluster\'s, none reads a load balancer back', () => {
    // Besides the services stack, upstream of them all (built streaming's CA and passwords).
    for (const name of ['apps', 'gpu']) expect(readsStateOf(stacks[`lab-addons-${name}`]!)).toEqual(['lab-addons-events', 'lab-services']);
    expect(readsStateOf(stacks['lab-addons-events']!)).toEqual(['lab-services']);
    for (const name of ['apps', 'events', 'gpu']) expect(stacks[`lab-addons-${name}`]!.data?.kubernetes_service_v1, name).toBeUndefined();
  });

  it("names each load balancer for the premises' ExternalDNS, and hands other clusters the names", () => {
    const annotation = 'external-dns.alpha.kubernetes.io/hostname';
    const apps = stacks['lab-addons-apps']!;
    const service = (stack: StackJson, name: string) => (findResources(stack, 'kubernetes_service_v1', { metadata: { name } })[0] as any).metadata.annotations;
    expect(service(apps, 'feast-internal')[annotation]).toBe('feast.ml.lab.example');
    expect(service(apps, 'ranker-lb')[annotation]).toBe('ranker.serving.ml.lab.example');
    expect(service(stacks['lab-addons-events']!, 'loom-kafka-external-bootstrap')[annotation]).toBe('kafka.ml.lab.example');
    expect(valuesOf(releases(apps).mlflow!).service.annotations[annotation]).toBe('mlflow.ml.lab.example');
    expect(valuesOf(releases(stacks['lab-addons-gpu']!)['argo-workflows']!).server.serviceAnnotations[annotation]).toBe('argo.ml.lab.example');
    const gpuConfig = (Object.values(resources(stacks['lab-addons-gpu']!, 'kubernetes_config_map_v1'))[0] as any).data;
    expect(gpuConfig).toMatchObject({ LOOM_TRACKING_URI: 'http://mlflow.ml.lab.example', LOOM_FEATURE_STORE_ENDPOINT: 'http://feast.ml.lab.example', LOOM_KAFKA_BOOTSTRAP_SERVERS: 'kafka.ml.lab.example:9094' });
  });
});
