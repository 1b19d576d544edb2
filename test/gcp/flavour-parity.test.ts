/**
 * One logical platform, synthesized on AWS and on Google Cloud: the same CIDR, flavours and pools
 * (machine types chosen per cloud, region changed). The flavour semantics must come out the same
 * on both — capacity type, GPU taint, scale to zero, zone spread, private endpoint, encrypted
 * secrets — and so must the address plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePlan, type PlatformPlan } from '../../plan';
import { contains, parseCidr } from '../../plan/addresses';
import { findResource, findResources, specFrom, synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { GCP_PROJECT, GCP_PROJECT_NUMBER, resolveCrossStack } from '../helpers/gcp';

type Cloud = 'aws' | 'gcp';

/** The logical platform: pools name a machine type per cloud. */
const LOGICAL = {
  name: 'acme',
  environment: 'prod',
  network: { cidr: '10.20.0.0/16', zones: 3 },
  clusters: [
    {
      name: 'apps',
      flavour: 'microservice',
      endpoint: { publicAccessCidrs: ['203.0.113.0/24'] },
      nodePools: [{ name: 'general', machineTypes: { aws: 'm7i.large', gcp: 'n2-standard-2' }, minNodes: 2, maxNodes: 10 }],
    },
    {
      name: 'events',
      flavour: 'streaming',
      nodePools: [{ name: 'brokers', machineTypes: { aws: 'r7i.xlarge', gcp: 'n2-highmem-4' }, minNodes: 3, maxNodes: 6, diskGb: 500 }],
    },
    {
      name: 'training',
      flavour: 'batch',
      nodePools: [
        { name: 'cpu', machineTypes: { aws: 'c7i.2xlarge', gcp: 'c3-standard-8' }, minNodes: 0, maxNodes: 20 },
        { name: 'gpu', machineTypes: { aws: 'g6.xlarge', gcp: 'g2-standard-4' }, minNodes: 0, maxNodes: 8, gpu: { type: 'nvidia-l4', count: 1 } },
      ],
    },
    {
      name: 'research',
      flavour: 'batch',
      singleZone: { reason: 'L4 capacity is reserved in one zone' },
      nodePools: [{ name: 'gpu', machineTypes: { aws: 'g6.xlarge', gcp: 'g2-standard-4' }, minNodes: 0, maxNodes: 4, spot: true, gpu: { type: 'nvidia-l4', count: 1 } }],
    },
  ],
} as const;

/** The logical platform as a spec for one cloud. */
function specFor(cloud: Cloud): Record<string, unknown> {
  const clusters = LOGICAL.clusters.map((c) => ({
    ...c,
    nodePools: c.nodePools.map((p) => ({ ...p, machineTypes: [p.machineTypes[cloud]] })),
  }));
  return cloud === 'aws'
    ? { ...LOGICAL, clusters, cloud, region: 'us-east-1', state: { backend: 's3', bucket: 'acme-tfstate' } }
    : { ...LOGICAL, clusters, cloud, region: 'us-central1', gcpProject: GCP_PROJECT, gcpProjectNumber: GCP_PROJECT_NUMBER, state: { backend: 'gcs', bucket: 'acme-tfstate' } };
}

/** What a pool means, whatever the cloud. */
interface PoolFacts {
  readonly spot: boolean;
  readonly gpuTaint: boolean;
  readonly minNodes: number;
  readonly maxNodes: number;
  /** Indexes of the platform zones the pool's nodes may use. */
  readonly zoneSlots: readonly number[];
}

/** What a cluster's control plane means, whatever the cloud. */
interface ClusterFacts {
  readonly privateEndpoint: boolean;
  readonly publicAccessCidrs: readonly string[];
  readonly secretsEncryptedWithRotatingKey: boolean;
}

const GPU_TAINT = { key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' };
const hasGpuTaint = (taints: unknown) =>
  Array.isArray(taints) && taints.some((t: Record<string, unknown>) => t.key === GPU_TAINT.key && t.value === GPU_TAINT.value && t.effect === GPU_TAINT.effect);

/**
 * GKE taints a GPU pool's nodes nvidia.com/gpu=present:NoSchedule itself when the cluster already
 * has a non-GPU pool as the GPU pool is created (Loom then declares no taint: GKE rejects a second
 * one): a pool with accelerators that depends on a pool without.
 */
function gkeAddsGpuTaint(stack: StackJson, np: Record<string, any>): boolean {
  if (!np.node_config.guest_accelerator?.length) return false;
  const pools = stack.resource?.google_container_node_pool ?? {};
  return ((np.depends_on ?? []) as string[]).some((d) => {
    const name = /^google_container_node_pool\.([\w-]+)$/.exec(d)?.[1];
    return name !== undefined && !(pools[name] as any)?.node_config?.guest_accelerator?.length;
  });
}

/** Follows `${<type>.<name>.<attr>}` to the resource in the same stack. */
function sameStackResource(stack: StackJson, expr: unknown): Record<string, unknown> | undefined {
  const m = /^\$\{(\w+)\.([\w-]+)\.\w+\}$/.exec(String(expr));
  return m ? stack.resource?.[m[1]!]?.[m[2]!] : undefined;
}

const extract: Record<Cloud, { pool(out: Synthesized, plan: PlatformPlan, cluster: string, pool: string): PoolFacts; cluster(out: Synthesized, cluster: string): ClusterFacts }> = {
  aws: {
    pool(out, plan, cluster, pool) {
      const stack = out.stacks[`acme-cluster-${cluster}`]!;
      // One node group per pool, or one per zone (`<pool>-<zone letter>`, streaming pools under
      // cluster-autoscaler): the pool is their sum.
      const name = new RegExp(`^acme-${cluster}-${pool}(-[a-z])?$`);
      const groups = findResources(stack, 'aws_eks_node_group').filter((g) => name.test(String(g.node_group_name))) as Record<string, any>[];
      expect(groups.length, `node groups of ${cluster}/${pool}`).toBeGreaterThan(0);
      const group = groups[0]!;
      const zones = groups
        .flatMap((g) => g.subnet_ids as string[])
        .map((ref) => String(resolveCrossStack(ref, out.stacks['acme-network']!).availability_zone));
      return {
        spot: group.capacity_type === 'SPOT',
        gpuTaint: hasGpuTaint(group.taint),
        minNodes: groups.reduce((n, g) => n + g.scaling_config.min_size, 0),
        maxNodes: groups.reduce((n, g) => n + g.scaling_config.max_size, 0),
        zoneSlots: zones.map((z) => plan.zones.indexOf(z)).sort(),
      };
    },
    cluster(out, cluster) {
      const stack = out.stacks[`acme-cluster-${cluster}`]!;
      const eks = findResource(stack, 'aws_eks_cluster') as Record<string, any>;
      const key = sameStackResource(stack, eks.encryption_config?.provider?.key_arn);
      return {
        privateEndpoint: eks.vpc_config.endpoint_public_access === false,
        publicAccessCidrs: eks.vpc_config.public_access_cidrs ?? [],
        secretsEncryptedWithRotatingKey: JSON.stringify(eks.encryption_config.resources) === '["secrets"]' && key?.enable_key_rotation === true,
      };
    },
  },
  gcp: {
    pool(out, plan, cluster, pool) {
      const stack = out.stacks[`acme-cluster-${cluster}`]!;
      const np = findResource(stack, 'google_container_node_pool', { name: pool }) as Record<string, any>;
      return {
        spot: np.node_config.spot === true,
        gpuTaint: hasGpuTaint(np.node_config.taint) || gkeAddsGpuTaint(stack, np),
        minNodes: np.autoscaling.total_min_node_count,
        maxNodes: np.autoscaling.total_max_node_count,
        zoneSlots: (np.node_locations as string[]).map((z) => plan.zones.indexOf(z)),
      };
    },
    cluster(out, cluster) {
      const stack = out.stacks[`acme-cluster-${cluster}`]!;
      const gke = findResource(stack, 'google_container_cluster') as Record<string, any>;
      const key = sameStackResource(stack, gke.database_encryption?.key_name);
      return {
        privateEndpoint: gke.private_cluster_config.enable_private_endpoint === true,
        publicAccessCidrs: (gke.master_authorized_networks_config.cidr_blocks as { cidr_block: string }[]).map((b) => b.cidr_block),
        secretsEncryptedWithRotatingKey: gke.database_encryption.state === 'ENCRYPTED' && typeof key?.rotation_period === 'string',
      };
    },
  },
};

/** The flavour semantics each pool must have on both clouds. */
const POOLS: readonly (PoolFacts & { cluster: string; pool: string; why: string })[] = [
  { cluster: 'apps', pool: 'general', why: 'microservice: on demand, never zero, spread', spot: false, gpuTaint: false, minNodes: 2, maxNodes: 10, zoneSlots: [0, 1, 2] },
  { cluster: 'events', pool: 'brokers', why: 'streaming: on demand, spread over three zones', spot: false, gpuTaint: false, minNodes: 3, maxNodes: 6, zoneSlots: [0, 1, 2] },
  { cluster: 'training', pool: 'cpu', why: 'batch CPU: spot by default, scales to zero', spot: true, gpuTaint: false, minNodes: 0, maxNodes: 20, zoneSlots: [0, 1, 2] },
  { cluster: 'training', pool: 'gpu', why: 'batch GPU: on demand unless asked, tainted, scales to zero', spot: false, gpuTaint: true, minNodes: 0, maxNodes: 8, zoneSlots: [0, 1, 2] },
  { cluster: 'research', pool: 'gpu', why: 'single-zone batch GPU on spot', spot: true, gpuTaint: true, minNodes: 0, maxNodes: 4, zoneSlots: [0] },
];

/** The control-plane semantics each cluster must have on both clouds. */
const CLUSTERS: readonly (ClusterFacts & { cluster: string })[] = [
  { cluster: 'apps', privateEndpoint: false, publicAccessCidrs: ['203.0.113.0/24'], secretsEncryptedWithRotatingKey: true },
  { cluster: 'events', privateEndpoint: true, publicAccessCidrs: [], secretsEncryptedWithRotatingKey: true },
  { cluster: 'training', privateEndpoint: true, publicAccessCidrs: [], secretsEncryptedWithRotatingKey: true },
  { cluster: 'research', privateEndpoint: true, publicAccessCidrs: [], secretsEncryptedWithRotatingKey: true },
];

describe('flavour parity between AWS and Google Cloud', () => {
  const out = {} as Record<Cloud, Synthesized>;
  const plan = {} as Record<Cloud, PlatformPlan>;
  beforeAll(() => {
    for (const cloud of ['aws', 'gcp'] as const) {
      const spec = specFrom(specFor(cloud));
      plan[cloud] = resolvePlan(spec);
      out[cloud] = synthSpec(spec);
    }
  });
  afterAll(() => {
    out.aws?.cleanup();
    out.gcp?.cleanup();
  });

  describe.each(POOLS)('pool $cluster/$pool ($why)', (row) => {
    const { cluster, pool, why: _why, ...expected } = row;
    it.each(['aws', 'gcp'] as const)('has the flavour semantics on %s', (cloud) => {
      expect(extract[cloud].pool(out[cloud], plan[cloud], cluster, pool)).toEqual(expected);
    });
    it('is the same on both clouds', () => {
      expect(extract.gcp.pool(out.gcp, plan.gcp, cluster, pool)).toEqual(extract.aws.pool(out.aws, plan.aws, cluster, pool));
    });
  });

  describe.each(CLUSTERS)('cluster $cluster', (row) => {
    const { cluster, ...expected } = row;
    it.each(['aws', 'gcp'] as const)('has the endpoint and encryption semantics on %s', (cloud) => {
      expect(extract[cloud].cluster(out[cloud], cluster)).toEqual(expected);
    });
  });

  it('plans the same cluster blocks and per-zone node subnets on both clouds', () => {
    const layout = (p: PlatformPlan) => p.clusters.map((c) => ({ name: c.name, block: c.block, nodeSubnets: c.nodeSubnets.map((s) => s.cidr) }));
    expect(layout(plan.gcp)).toEqual(layout(plan.aws));
    expect(layout(plan.aws).map((c) => c.block)).toEqual(['10.20.0.0/19', '10.20.32.0/21', '10.20.64.0/18', '10.20.128.0/18']);
  });

  it('builds that plan on both clouds: per-zone subnets on AWS, one subnetwork over the same block on Google Cloud', () => {
    for (const c of plan.aws.clusters) {
      const awsSubnets = findResources(out.aws.stacks['acme-network']!, 'aws_subnet', { tags: { 'loom.dev/cluster': c.name } }).map((s) => s.cidr_block as string);
      expect(awsSubnets).toEqual(c.nodeSubnets.map((s) => s.cidr));
      const gcpSubnetwork = findResource(out.gcp.stacks['acme-network']!, 'google_compute_subnetwork', { name: `acme-${c.name}` });
      expect(gcpSubnetwork.ip_cidr_range).toBe(c.block);
      for (const s of awsSubnets) expect(contains(parseCidr(gcpSubnetwork.ip_cidr_range as string), parseCidr(s))).toBe(true);
    }
  });

  it('gives the same stacks on both clouds', () => {
    expect(Object.keys(out.gcp.stacks)).toEqual(Object.keys(out.aws.stacks));
  });
});
