/**
 * The machine-type catalogue and the spec's own `machineTypes`: GPU counts checked on AWS too,
 * one CPU architecture per pool, and types the catalogue lacks described in the spec.
 */
import { describe, expect, it } from 'vitest';
import { MACHINE_TYPES } from '../../catalog/machine-types';
import { resolvePlan, poolFloor } from '../../plan';
import { validateSpec } from '../../schema/load';
import { awsSpec } from '../aws/fixtures';

const errors = (spec: unknown) => {
  const r = validateSpec(spec);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
};
const batchPool = (pool: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const spec = awsSpec();
  spec.clusters[2].nodePools = [pool];
  return { ...spec, ...extra };
};

describe('machine types', () => {
  it('covers the current families', () => {
    for (const t of ['c7i.4xlarge', 'm7i.8xlarge', 'r7i.2xlarge', 'm7g.xlarge', 'g6.xlarge', 'g6e.2xlarge', 'p5.48xlarge', 'p5e.48xlarge']) expect(MACHINE_TYPES.aws[t], t).toBeDefined();
    for (const t of ['c3-standard-8', 'n2-standard-16', 'n4-standard-8', 'a3-highgpu-8g', 'g2-standard-8']) expect(MACHINE_TYPES.gcp[t], t).toBeDefined();
    expect(MACHINE_TYPES.aws['m7g.xlarge']!.architecture).toBe('arm64');
  });

  it('checks the GPU count against the machine type on AWS (p4d.24xlarge has 8)', () => {
    const out = errors(batchPool({ name: 'gpu', machineTypes: ['p4d.24xlarge'], minNodes: 0, maxNodes: 2, gpu: { type: 'nvidia-a100', count: 1 } }));
    expect(out).toContainEqual(expect.stringMatching(/^clusters\[2\]\.nodePools\[0\]\.gpu\.count: 'p4d\.24xlarge' comes with 8 nvidia-a100 GPUs; set count: 8/));
    expect(errors(batchPool({ name: 'gpu', machineTypes: ['p4d.24xlarge'], minNodes: 0, maxNodes: 2, gpu: { type: 'nvidia-a100', count: 8 } }))).toEqual([]);
  });

  it('rejects a pool mixing CPU architectures', () => {
    const out = errors(batchPool({ name: 'cpu', machineTypes: ['m7i.xlarge', 'm7g.xlarge'], minNodes: 0, maxNodes: 2 }));
    expect(out).toContainEqual(expect.stringMatching(/^clusters\[2\]\.nodePools\[0\]\.machineTypes: mixes CPU architectures \(x86_64: m7i\.xlarge; arm64: m7g\.xlarge\)/));
  });

  it('takes a batch machine type the catalogue lacks when the spec describes it, and sizes quotas from it', () => {
    const pool = { name: 'cpu', machineTypes: ['c8i.4xlarge'], minNodes: 0, maxNodes: 4 };
    expect(errors(batchPool(pool))).toContainEqual(expect.stringMatching(/c8i\.4xlarge.*describe it in the spec under machineTypes/));
    const described = batchPool(pool, { machineTypes: { 'c8i.4xlarge': { vcpu: 16, memoryGiB: 32 } } });
    expect(errors(described)).toEqual([]);
    const r = validateSpec(described);
    if (!r.ok) throw new Error('invalid');
    const cluster = resolvePlan(r.spec).clusters[2]!;
    expect(poolFloor('aws', cluster, cluster.pools[0]!)).toEqual({ vcpu: 16, memoryGiB: 32, gpus: 0 });
  });

  it('checks what the spec describes', () => {
    const out = errors({ ...awsSpec(), machineTypes: { 'n2-standard-8': { vcpu: 8, memoryGiB: 32 }, 'x9.big': { vcpu: 4, memoryGiB: 16, gpus: 2 } } });
    expect(out).toContainEqual(expect.stringMatching(/^machineTypes\.n2-standard-8: 'n2-standard-8' is not an AWS machine type/));
    expect(out).toContainEqual(expect.stringMatching(/^machineTypes\.x9\.big\.gpuModel: is required with gpus: 2/));
  });
});
