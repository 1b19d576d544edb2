/**
 * Kueue on batch clusters: one ResourceFlavor per pool (node labels, GPU tolerations), a
 * ClusterQueue whose nominal quotas are maxNodes × the machine type's vCPUs, memory and GPUs (the
 * expected figures are computed here from MACHINE_TYPES, never written down), and a LocalQueue
 * for the workloads namespace; on existing clusters, flavours from `existing.capacity`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUEUE_DEFAULT_CONTROLLER_CONFIG } from '../../constructs/addons';
import { MACHINE_TYPES } from '../../catalog/machine-types';
import { chartDefaults } from '../helpers/charts';
import { synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { gcpPlatformSpec } from '../helpers/gcp';
import { awsSpec } from '../aws/fixtures';
import { onpremSpec } from '../kubernetes/fixtures';
import { parse } from 'yaml';
import { customResource, customResources, release, releaseOf } from './fixtures';

type Cloud = 'aws' | 'gcp';

/** Nominal quota of a pool: maxNodes × the smallest of its machine types, resource by resource. */
function expectedQuota(cloud: Cloud, pool: { machineTypes: string[]; maxNodes: number; gpu?: { count: number } }) {
  const facts = pool.machineTypes.map((t) => MACHINE_TYPES[cloud][t]!);
  const min = (k: 'vcpu' | 'memoryGiB' | 'gpus') => Math.min(...facts.map((f) => f[k]));
  const gpus = min('gpus') || (pool.gpu?.count ?? 0);
  return { cpu: String(pool.maxNodes * min('vcpu')), memory: `${pool.maxNodes * min('memoryGiB')}Gi`, gpu: String(pool.maxNodes * gpus) };
}

function quotas(stack: StackJson): Record<string, Record<string, string>> {
  const cq = customResource(stack, 'ClusterQueue', 'loom-batch');
  const group = cq.spec.resourceGroups[0];
  return Object.fromEntries(
    group.flavors.map((f: any) => [f.name, Object.fromEntries(f.resources.map((r: any) => [r.name, r.nominalQuota]))]),
  );
}

describe.each([
  { cloud: 'aws' as Cloud, spec: () => awsSpec(), name: 'acme' },
  { cloud: 'gcp' as Cloud, spec: () => gcpPlatformSpec(), name: 'acme' },
])('Kueue on a $cloud batch cluster', ({ cloud, spec: makeSpec, name }) => {
  let out: Synthesized;
  const spec = makeSpec();
  if (cloud === 'aws') spec.clusters[2].nodePools[0].machineTypes = ['c7i.2xlarge', 'c7i.xlarge']; // a multi-type pool
  beforeAll(() => {
    out = synthSpec(spec);
  });
  afterAll(() => out.cleanup());
  const training = () => out.stacks[`${name}-addons-training`]!;

  it('installs the controller, and queues for the batch cluster only', () => {
    expect(release(training(), 'kueue')).toBeDefined();
    for (const c of ['apps', 'events']) expect(customResources(out.stacks[`${name}-addons-${c}`]!), c).toEqual([]);
  });

  it('has a ResourceFlavor per pool, selecting its nodes, with tolerations for GPU pools', () => {
    expect(customResource(training(), 'ResourceFlavor', 'loom-cpu').spec).toEqual({ nodeLabels: { 'loom.dev/pool': 'cpu' } });
    expect(customResource(training(), 'ResourceFlavor', 'loom-gpu').spec).toEqual({
      nodeLabels: { 'loom.dev/pool': 'gpu' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }],
    });
  });

  it("sets each flavour's nominal quota to maxNodes × the machine type's vCPUs, memory and GPUs", () => {
    const q = quotas(training());
    for (const pool of spec.clusters[2].nodePools) {
      const want = expectedQuota(cloud, pool);
      expect(q[`loom-${pool.name}`], pool.name).toEqual({ cpu: want.cpu, memory: want.memory, 'nvidia.com/gpu': want.gpu });
    }
    expect(Number(q['loom-gpu']!['nvidia.com/gpu'])).toBeGreaterThan(0);
    expect(q['loom-cpu']!['nvidia.com/gpu']).toBe('0');
  });

  it('covers CPU, memory and GPUs in one resource group, CPU flavours before GPU ones', () => {
    const cq = customResource(training(), 'ClusterQueue', 'loom-batch').spec;
    expect(cq.resourceGroups).toHaveLength(1);
    expect(cq.resourceGroups[0].coveredResources).toEqual(['cpu', 'memory', 'nvidia.com/gpu']);
    expect(cq.resourceGroups[0].flavors.map((f: any) => f.name)).toEqual(['loom-cpu', 'loom-gpu']);
    expect(cq).toMatchObject({ queueingStrategy: 'BestEffortFIFO', preemption: { withinClusterQueue: 'LowerPriority' } });
  });

  it('gives the workloads namespace a LocalQueue named default', () => {
    const lq = customResource(training(), 'LocalQueue', 'default');
    expect(lq.metadata.namespace).toBe('loom-workloads');
    expect(lq.spec).toEqual({ clusterQueue: 'loom-batch' });
  });

  it("puts the flavours and queues in one release of Loom's resources chart, after the controller and the workloads namespace", () => {
    const queues = releaseOf(training(), 'ClusterQueue', 'loom-batch');
    for (const [kind, n] of [['ResourceFlavor', 'loom-cpu'], ['ResourceFlavor', 'loom-gpu'], ['LocalQueue', 'default']]) expect(releaseOf(training(), kind!, n!).name, `${kind} ${n}`).toBe(queues.name);
    expect(queues.resource.name).toBe('loom-kueue-queues');
    expect(queues.resource.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^helm_release\.Addons_Kueue_Release_/), expect.stringMatching(/^kubernetes_namespace_v1\.Namespaces_Workloads_/)]),
    );
    expect(training().resource?.kubernetes_manifest).toBeUndefined();
  });
});

describe('Kueue without GPUs', () => {
  it('covers CPU and memory only', () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools.pop();
    const out = synthSpec(spec);
    try {
      const cq = customResource(out.stacks['acme-addons-training']!, 'ClusterQueue', 'loom-batch').spec;
      expect(cq.resourceGroups[0].coveredResources).toEqual(['cpu', 'memory']);
      const pool = spec.clusters[2].nodePools[0];
      const want = expectedQuota('aws', pool);
      expect(cq.resourceGroups[0].flavors[0].resources).toEqual([
        { name: 'cpu', nominalQuota: want.cpu },
        { name: 'memory', nominalQuota: want.memory },
      ]);
    } finally {
      out.cleanup();
    }
  });
});

describe('Kueue on an existing batch cluster', () => {
  it('builds its flavours and quotas from existing.capacity', () => {
    const spec = onpremSpec();
    spec.clusters[2].existing.gpu = { driver: 'preinstalled' };
    spec.clusters[2].existing.capacity = [
      { name: 'h100', nodeLabels: { 'node.example/group': 'h100' }, nodes: 2, cpu: 192, memoryGiB: 2048, gpus: 8, taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] },
      { name: 'cpu', nodeLabels: { 'node.example/group': 'cpu' }, nodes: 10, cpu: 64, memoryGiB: 256 },
    ];
    const out = synthSpec(spec);
    try {
      const stack = out.stacks['lab-addons-gpu']!;
      expect(customResource(stack, 'ResourceFlavor', 'loom-h100').spec).toEqual({
        nodeLabels: { 'node.example/group': 'h100' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      });
      expect(quotas(stack)).toEqual({
        'loom-cpu': { cpu: '640', memory: '2560Gi', 'nvidia.com/gpu': '0' },
        'loom-h100': { cpu: '384', memory: '4096Gi', 'nvidia.com/gpu': '16' },
      });
      // CPU first, whatever the spec's order.
      expect(customResource(stack, 'ClusterQueue', 'loom-batch').spec.resourceGroups[0].flavors.map((f: any) => f.name)).toEqual(['loom-cpu', 'loom-h100']);
    } finally {
      out.cleanup();
    }
  });
});

describe("Kueue's controller configuration", () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(awsSpec());
  });
  afterAll(() => out.cleanup());

  it("starts from the chart's default configuration", () => {
    const defaults = chartDefaults('kueue', '0.19.2') as any;
    expect(parse(defaults.managerConfig.controllerManagerConfigYaml)).toEqual(KUEUE_DEFAULT_CONTROLLER_CONFIG);
  });

  it("keeps Kueue away from kube-system and the platform's own namespaces", () => {
    const v = release(out.stacks['acme-addons-training']!, 'kueue').values;
    const config = parse(v.managerConfig.controllerManagerConfigYaml);
    expect(config.managedJobsNamespaceSelector).toEqual({
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'loom-system', 'loom-node-agents'] }],
    });
    expect(config.integrations).toEqual(KUEUE_DEFAULT_CONTROLLER_CONFIG.integrations);
    expect(v.controllerManager.manager.priorityClassName).toMatch(/PriorityClasses_loom-critical/);
  });
});
