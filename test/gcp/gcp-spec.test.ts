/**
 * Google Cloud rules of the spec (project number, pod range, pod capacity, what GKE node pools can
 * express, zones, names) and the Google Cloud part of the plan (secondary and control-plane ranges).
 */
import { describe, expect, it } from 'vitest';
import { platformSchema, resolvePlan, validateSpec, type SpecIssue } from '../../schema';
import { contains, overlaps, parseCidr } from '../../plan/addresses';
import { gcpClusterNames, gkeNodeCapacity, planGcpRanges } from '../../plan';
import { findResource, synthSpec } from '../helpers/synth';
import { parseSpecText } from '../../schema/load';
import { GCP_PROJECT_NUMBER, gcpPlatformSpec } from '../helpers/gcp';

type Spec = Record<string, any>;

function errors(spec: Spec): SpecIssue[] {
  const r = validateSpec(spec);
  if (r.ok) throw new Error('expected the spec to be invalid');
  return r.errors;
}
function only(spec: Spec): SpecIssue {
  const e = errors(spec);
  if (e.length !== 1) throw new Error(`expected one error, got:\n${e.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
  return e[0]!;
}
function warnings(spec: Spec): SpecIssue[] {
  const r = validateSpec(spec);
  if (!r.ok) throw new Error(`expected a valid spec:\n${r.errors.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
  return r.warnings;
}
const awsSpec = (): Spec => {
  const s = gcpPlatformSpec();
  delete s.gcpProject;
  delete s.gcpProjectNumber;
  s.cloud = 'aws';
  s.region = 'us-east-1';
  s.state = { backend: 's3', bucket: 'acme-tfstate' };
  // One NAT per zone, as a prod AWS platform should have (a single one draws a warning).
  s.network = { ...s.network, natGateways: 'per-zone' };
  // A network that reaches the private EKS endpoint (without one the spec draws a warning).
  s.clusters = [
    { name: 'apps', flavour: 'microservice', endpoint: { privateAccessCidrs: ['10.200.0.0/16'] }, nodePools: [{ name: 'general', machineTypes: ['m7i.large'], minNodes: 2, maxNodes: 4 }] },
  ];
  return s;
};

describe('gcpProjectNumber', () => {
  it('is optional with cloud: gcp: a spec without it is valid, and its plan has no number (the cluster stacks read it)', () => {
    const spec = gcpPlatformSpec();
    delete spec.gcpProjectNumber;
    expect(warnings(spec)).toEqual([]);
    const r = validateSpec(spec);
    expect(r.ok && resolvePlan(r.spec).gcpProjectNumber).toBeUndefined();
  });

  it('is only for cloud: gcp', () => {
    expect(only({ ...awsSpec(), gcpProjectNumber: '123456789012' })).toEqual({ path: 'gcpProjectNumber', message: "is only for cloud: gcp; remove it (cloud is 'aws')" });
  });

  it('accepts the number unquoted in YAML, and rejects anything but digits', () => {
    const yaml = 'name: acme\ncloud: gcp\nregion: us-central1\ngcpProject: acme-ml-prod\ngcpProjectNumber: 123456789012\nclusters:\n  - { name: apps, flavour: microservice, nodePools: [{ name: general, machineTypes: [n2-standard-4], maxNodes: 3 }] }\n';
    const r = validateSpec(parseSpecText(yaml));
    expect(r.ok && r.spec.gcpProjectNumber).toBe('123456789012');
    expect(only({ ...gcpPlatformSpec(), gcpProjectNumber: 'acme-ml-prod' })).toEqual({
      path: 'gcpProjectNumber',
      message: expect.stringContaining('must be a Google Cloud project number: digits only'),
    });
  });

  it('reaches the plan', () => {
    const r = validateSpec(gcpPlatformSpec());
    expect(r.ok && resolvePlan(r.spec).gcpProjectNumber).toBe(GCP_PROJECT_NUMBER);
  });
});

describe('network.podCidr', () => {
  it('defaults to 172.16.0.0/12, outside 10.0.0.0/8', () => {
    const parsed = platformSchema.parse({ ...gcpPlatformSpec(), network: { cidr: '10.0.0.0/16' } });
    expect(parsed.network?.podCidr).toBe('172.16.0.0/12');
  });

  it('must be a private (RFC 1918) range', () => {
    const spec = gcpPlatformSpec();
    spec.network.podCidr = '100.64.0.0/10';
    expect(only(spec)).toEqual({
      path: 'network.podCidr',
      message: 'must be a private (RFC 1918) range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, got 100.64.0.0/10',
    });
    spec.network.podCidr = '172.16.0.1/12';
    expect(only(spec)).toEqual({ path: 'network.podCidr', message: 'has host bits set; the network address is 172.16.0.0/12' });
  });

  it('must not overlap network.cidr, and offers a range that does not', () => {
    const spec = gcpPlatformSpec();
    spec.network.podCidr = '10.0.0.0/12';
    expect(only(spec)).toEqual({
      path: 'network.podCidr',
      message: '10.0.0.0/12 overlaps network.cidr 10.0.0.0/16; pods and services need a range of their own, e.g. 172.16.0.0/12',
    });
    // A network in 172.16.0.0/12 needs the pod range moved: the default overlaps it.
    const moved = gcpPlatformSpec();
    moved.network.cidr = '172.20.0.0/16';
    expect(only(moved)).toEqual({
      path: 'network.podCidr',
      message: '172.16.0.0/12 overlaps network.cidr 172.20.0.0/16; pods and services need a range of their own, e.g. 10.64.0.0/10',
    });
    moved.network.podCidr = '10.64.0.0/10';
    expect(warnings(moved)).toEqual([]);
  });

  it("must hold every cluster's pod and service ranges", () => {
    const spec = gcpPlatformSpec();
    spec.network.podCidr = '192.168.0.0/16';
    expect(only(spec)).toEqual({
      path: 'network.podCidr',
      message: '192.168.0.0/16 is too small: service ranges take its top /16 and pod ranges the rest; use a /15 or larger (the default is 172.16.0.0/12)',
    });
    spec.network.podCidr = '10.64.0.0/14';
    expect(only(spec)).toEqual({
      path: 'network.podCidr',
      message: expect.stringMatching(/^10\.64\.0\.0\/14 has no room left for the pods of cluster 'training' \(batch\) \(needs a \/15;/),
    });
    spec.network.podCidr = '10.64.0.0/13';
    expect(warnings(spec)).toEqual([]);
  });

  it('is not checked on AWS, where pods take VPC addresses', () => {
    const spec = awsSpec();
    spec.network.cidr = '172.16.0.0/16';
    expect(warnings(spec)).toEqual([]);
  });
});

describe('pod range capacity', () => {
  it("fits every node of a cluster's pools in its flavour's pod range at a /24 per node", () => {
    expect(gkeNodeCapacity(16)).toBe(256); // microservice
    expect(gkeNodeCapacity(18)).toBe(64); // streaming
    expect(gkeNodeCapacity(15)).toBe(512); // batch
    const spec = gcpPlatformSpec();
    spec.clusters[1].nodePools = [
      { name: 'brokers', machineTypes: ['n2-highmem-4'], minNodes: 3, maxNodes: 40 },
      { name: 'connect', machineTypes: ['n2-standard-4'], minNodes: 3, maxNodes: 24 },
    ];
    expect(warnings(spec)).toEqual([]);
    spec.clusters[1].nodePools[1].maxNodes = 25;
    expect(only(spec)).toEqual({
      path: 'clusters[1].nodePools',
      message:
        "the pools may grow to 65 nodes (the sum of maxNodes), but a streaming cluster's pod range is a /18 (16384 addresses) and GKE reserves 256 pod addresses (a /24) per node at 110 pods per node, so it holds 64 nodes; lower maxNodes to 64 in total, or move pools to another cluster",
    });
  });

  it('is a Google Cloud rule only', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].maxNodes = 400;
    expect(warnings(spec)).toEqual([]);
  });
});

describe('GKE node pools', () => {
  it('take one machine type: the others are ignored, with a warning', () => {
    const spec = gcpPlatformSpec();
    spec.clusters[0].nodePools[0].machineTypes = ['n2-standard-4', 'n2-standard-8'];
    expect(warnings(spec)).toEqual([
      { path: 'clusters[0].nodePools[0].machineTypes', message: "a GKE node pool has one machine type, so only 'n2-standard-4' is used; list one, or make a pool per machine type" },
    ]);
  });

  it('carry as many GPUs as the accelerator-optimised machine type comes with', () => {
    const spec = gcpPlatformSpec();
    spec.clusters[2].nodePools[1].machineTypes = ['g2-standard-24'];
    expect(only(spec)).toEqual({
      path: 'clusters[2].nodePools[1].gpu.count',
      message: "'g2-standard-24' comes with 2 nvidia-l4 GPUs (the g2 family's count is fixed by the machine type); set count: 2 or pick another machine type",
    });
    spec.clusters[2].nodePools[1].gpu.count = 2;
    expect(warnings(spec)).toEqual([]);
  });

  it.each([
    ['nvidia-l4', 'n2-standard-8', 'g2'],
    ['nvidia-a100', 'g2-standard-8', 'a2'],
    ['nvidia-h100', 'a2-highgpu-1g', 'a3'],
  ])('need the machine family of the GPU: %s on %s names the %s family', (gpu, machineType, family) => {
    const spec = gcpPlatformSpec();
    spec.clusters[2].nodePools[1] = { name: 'gpu', machineTypes: [machineType], minNodes: 0, maxNodes: 2, gpu: { type: gpu, count: 1 } };
    expect(errors(spec)).toContainEqual({
      path: 'clusters[2].nodePools[1].machineTypes[0]',
      message: `'${machineType}' does not carry ${gpu} GPUs; use the ${family} family`,
    });
  });

  it('reject GPU models Google Cloud does not offer', () => {
    const spec = gcpPlatformSpec();
    spec.clusters[2].nodePools[1].gpu.type = 'nvidia-a10g';
    expect(errors(spec)).toContainEqual({ path: 'clusters[2].nodePools[1].gpu.type', message: expect.stringContaining('nvidia-a10g is not offered on gcp') });
  });

  it('reject AWS machine types, naming the cloud they belong to', () => {
    const spec = gcpPlatformSpec();
    spec.clusters[0].nodePools[0].machineTypes = ['m7i.large'];
    expect(only(spec)).toEqual({
      path: 'clusters[0].nodePools[0].machineTypes[0]',
      message: expect.stringMatching(/^'m7i\.large' is not a Google Cloud machine type \('m7i\.large' is an? AWS machine type\); use a name like n2-standard-8$/),
    });
  });
});

describe('regions, zones and names on Google Cloud', () => {
  it('check the region with a did-you-mean', () => {
    expect(only({ ...gcpPlatformSpec(), region: 'us-centrall' })).toEqual({ path: 'region', message: "'us-centrall' is not a Google Cloud region; did you mean 'us-central1'?" });
    expect(only({ ...gcpPlatformSpec(), region: 'us-east-1' })).toEqual({
      path: 'region',
      message: expect.stringMatching(/^'us-east-1' is an? AWS region, not a Google Cloud one; set cloud: aws or pick a /),
    });
  });

  it('take real zones only (us-central1 has a, b, c and f)', () => {
    const spec = gcpPlatformSpec();
    spec.network.availabilityZones = ['us-central1-a', 'us-central1-b', 'us-central1-d'];
    expect(only(spec)).toEqual({
      path: 'network.availabilityZones[2]',
      message: "'us-central1-d' is not a zone of us-central1; its zones are us-central1-a, us-central1-b, us-central1-c, us-central1-f",
    });
    spec.network.availabilityZones = ['us-central1-a', 'us-central1-b', 'us-central1-f'];
    expect(warnings(spec)).toEqual([]);
  });

  it('shorten GKE cluster names past 40 characters and node service account ids past 30 with a stable hash', () => {
    const long = gcpPlatformSpec();
    long.name = 'acme-platform-prod';
    long.clusters[0].name = 'applications-serving-xx';
    expect(validateSpec(long).ok).toBe(true);
    const names = gcpClusterNames(long.name, long.clusters[0].name);
    expect(names.cluster.length).toBeLessThanOrEqual(40);
    expect(names.cluster).toMatch(/^acme-platform-prod-applications-s-[0-9a-f]{6}$/);
    expect(names.nodeServiceAccount.length).toBeLessThanOrEqual(30);
    expect(names.nodeServiceAccount).toMatch(/^acme-platform-prod-appl-[0-9a-f]{6}$/);
    // deterministic, and distinct for names sharing a head
    expect(gcpClusterNames(long.name, long.clusters[0].name)).toEqual(names);
    expect(gcpClusterNames(long.name, 'applications-serving-xy').cluster).not.toBe(names.cluster);
    // short names are untouched
    expect(gcpClusterNames('acme', 'apps')).toMatchObject({ cluster: 'acme-apps', nodeServiceAccount: 'acme-apps-nodes' });
    // and the synthesized cluster and service account take them
    const out = synthSpec(long);
    try {
      const cluster = findResource(out.stacks['acme-platform-prod-cluster-applications-serving-xx']!, 'google_container_cluster') as { name: string };
      expect(cluster.name).toBe(names.cluster);
    } finally {
      out.cleanup();
    }
  });

  it('warn that per-zone NAT means nothing to Cloud NAT', () => {
    const spec = gcpPlatformSpec();
    spec.network.natGateways = 'per-zone';
    expect(warnings(spec)).toEqual([{ path: 'network.natGateways', message: expect.stringContaining('Cloud NAT is a regional service') }]);
  });

  it('cap a platform at 16 clusters: a control-plane /28 each from the top /24 of network.cidr, a service /20 each from the top /16 of podCidr', () => {
    const spec = gcpPlatformSpec();
    spec.environment = 'dev';
    spec.clusters = Array.from({ length: 17 }, (_, i) => ({
      name: `s${i}`,
      flavour: 'streaming',
      nodePools: [{ name: 'brokers', machineTypes: ['n2-highmem-4'], minNodes: 1, maxNodes: 3 }],
    }));
    expect(only(spec)).toEqual({
      path: 'clusters',
      message:
        'lists 17 clusters; a Google Cloud platform takes at most 16 (each takes a /28 control-plane range from the top /24 of network.cidr and a service range from the top /16 of network.podCidr)',
    });
    spec.clusters.pop();
    expect(warnings(spec)).toEqual([]);
  });

  it('refuse an open API endpoint', () => {
    const spec = gcpPlatformSpec();
    spec.clusters[0].endpoint = { publicAccessCidrs: ['0.0.0.0/0'] };
    expect(only(spec)).toEqual({ path: 'clusters[0].endpoint.publicAccessCidrs[0]', message: expect.stringContaining('must not open the API endpoint to the whole internet') });
  });
});

describe('the Google Cloud address plan', () => {
  const clusters = (n: number, only?: 'streaming') =>
    Array.from({ length: n }, (_, i) => {
      const flavour = only ?? (['microservice', 'streaming', 'batch'] as const)[i % 3]!;
      return { name: `c${i}`, flavour, resourceName: `acme-c${i}` };
    });

  it('puts ranges on ClusterPlan.gcp for gcp, and nowhere else', () => {
    const r = validateSpec(gcpPlatformSpec());
    if (!r.ok) throw new Error('invalid');
    const plan = resolvePlan(r.spec);
    expect(plan.clusters[2]!.gcp).toEqual({
      podRange: '172.18.0.0/15',
      serviceRange: '172.31.32.0/20',
      podRangeName: 'acme-training-pods',
      serviceRangeName: 'acme-training-services',
      controlPlaneRange: '10.0.255.32/28',
    });
    expect(plan.network?.podCidr).toBe('172.16.0.0/12');
    const aws = validateSpec(awsSpec());
    if (!aws.ok) throw new Error('invalid');
    expect(resolvePlan(aws.spec).clusters[0]!.gcp).toBeUndefined();
    expect(resolvePlan(aws.spec).network?.podCidr).toBeUndefined();
  });

  it('is deterministic, disjoint and inside its ranges', () => {
    for (const list of [clusters(1), clusters(5), clusters(9), clusters(16, 'streaming')]) {
      const a = planGcpRanges('10.0.0.0/16', '172.16.0.0/12', list);
      expect(planGcpRanges('10.0.0.0/16', '172.16.0.0/12', list)).toEqual(a);
      expect(a.size).toBe(list.length);
      const pods = [...a.values()].flatMap((r) => [r.podRange, r.serviceRange]).map(parseCidr);
      const planes = [...a.values()].map((r) => parseCidr(r.controlPlaneRange));
      pods.forEach((p, i) => {
        expect(contains(parseCidr('172.16.0.0/12'), p)).toBe(true);
        pods.slice(i + 1).forEach((q) => expect(overlaps(p, q)).toBe(false));
      });
      planes.forEach((p, i) => {
        expect(contains(parseCidr('10.0.255.0/24'), p)).toBe(true);
        expect(p.prefix).toBe(28);
        planes.slice(i + 1).forEach((q) => expect(overlaps(p, q)).toBe(false));
      });
    }
  });

  it('is append-stable: appending a cluster moves no existing range', () => {
    const before = planGcpRanges('10.0.0.0/16', '172.16.0.0/12', clusters(4));
    const after = planGcpRanges('10.0.0.0/16', '172.16.0.0/12', clusters(5));
    for (const [name, ranges] of before) expect(after.get(name)).toEqual(ranges);
  });

  it('keeps control-plane ranges clear of every planned subnet of network.cidr', () => {
    const r = validateSpec(gcpPlatformSpec());
    if (!r.ok) throw new Error('invalid');
    const plan = resolvePlan(r.spec);
    const subnets = [...plan.clusters.map((c) => c.block!), ...plan.network!.publicSubnets.map((s) => s.cidr)].map(parseCidr);
    for (const c of plan.clusters) for (const s of subnets) expect(overlaps(parseCidr(c.gcp!.controlPlaneRange), s)).toBe(false);
  });
});

describe('system pool on GKE', () => {
  it('is planned for a batch cluster (no pool keeps on-demand nodes): two to three on-demand e2-standard-2 with GKE’s system taint', () => {
    const plan = resolvePlan(platformSchema.parse(gcpPlatformSpec()));
    const [apps, events, training] = plan.clusters;
    expect(apps!.systemPool).toBeUndefined();
    expect(events!.systemPool).toBeUndefined();
    expect(training!.systemPool).toEqual({
      name: 'system',
      machineTypes: ['e2-standard-2'],
      minNodes: 2,
      maxNodes: 3,
      desiredNodes: 2,
      diskGb: 50,
      spot: false,
      labels: { 'loom.dev/flavour': 'batch', 'loom.dev/cluster': 'training', 'loom.dev/pool': 'system', 'loom.dev/capacity': 'on-demand', 'loom.dev/role': 'system' },
      taints: [{ key: 'components.gke.io/gke-managed-components', value: 'true', effect: 'NoSchedule' }],
      zones: training!.nodeZones,
      machineFacts: { 'e2-standard-2': { vcpu: 2, memoryGiB: 8, gpus: 0 } },
    });
  });

  it('is not planned when a batch pool keeps on-demand nodes (minNodes ≥ 1, not spot)', () => {
    const spec = gcpPlatformSpec();
    spec.clusters[2].nodePools[0] = { name: 'cpu', machineTypes: ['c3-standard-8'], minNodes: 1, maxNodes: 20, spot: false };
    expect(resolvePlan(platformSchema.parse(spec)).clusters[2]!.systemPool).toBeUndefined();
  });

  it("reserves the name 'system' on such a cluster", () => {
    const spec = gcpPlatformSpec();
    spec.clusters[2].nodePools[0].name = 'system';
    expect(only(spec)).toEqual({
      path: 'clusters[2].nodePools[0].name',
      message: "'system' is reserved on this cluster for the on-demand node pool that runs the platform's controllers (no pool keeps on-demand nodes); rename the pool",
    });
  });

  it("counts in the pod range's node capacity", () => {
    const spec = gcpPlatformSpec();
    spec.clusters[2].nodePools[0].maxNodes = 501; // + 8 GPU nodes + 3 system nodes = 512, a batch /15's capacity
    expect(warnings(spec)).toEqual([]);
    spec.clusters[2].nodePools[0].maxNodes = 502;
    expect(only(spec)).toEqual({ path: 'clusters[2].nodePools', message: expect.stringMatching(/^the pools may grow to 513 nodes \(the sum of maxNodes, plus 3 for the system pool\), but a batch cluster/) });
  });
});
