/**
 * What the spec and the plan say for the add-ons: the machine-type catalogue rule (batch and
 * Karpenter pools need facts for quotas and limits), the reserved system pool, the keys that
 * describe an existing cluster's metrics-server, GPUs and capacity, and the plan's system pool.
 */
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../schema/load';
import { MACHINE_TYPES, notInCatalogueMessage, requireMachineTypeFacts, UnknownMachineTypeError } from '../../catalog/machine-types';
import { poolFloor, poolLimits, queueFlavors, resolvePlan, SYSTEM_POOL } from '../../plan';
import { specFrom } from '../helpers/synth';
import { gcpPlatformSpec } from '../helpers/gcp';
import { awsSpec } from '../aws/fixtures';
import { onpremSpec } from '../kubernetes/fixtures';

const errors = (spec: unknown) => {
  const r = validateSpec(spec);
  return r.ok ? [] : r.errors;
};
const warnings = (spec: unknown) => validateSpec(spec).warnings;
const catalogueMessage = notInCatalogueMessage;

describe('the machine-type catalogue rule', () => {
  it('names a batch pool machine type the catalogue lacks, and where to add it', () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools[0].machineTypes = ['c7i.2xlarge', 'c7i.24xlarge'];
    expect(errors(spec)).toEqual([{ path: 'clusters[2].nodePools[0].machineTypes[1]', message: catalogueMessage('c7i.24xlarge') }]);
  });

  it('applies on Google Cloud too', () => {
    const spec = gcpPlatformSpec();
    spec.clusters[2].nodePools[0].machineTypes = ['c3-standard-360'];
    expect(errors(spec)).toContainEqual({ path: 'clusters[2].nodePools[0].machineTypes[0]', message: catalogueMessage('c3-standard-360') });
  });

  it('applies to every pool of a Karpenter cluster (limits), and to no other non-batch pool', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].machineTypes = ['m7i.48xlarge'];
    expect(errors(spec)).toEqual([]);
    spec.clusters[0].autoscaler = 'karpenter';
    expect(errors(spec)).toEqual([{ path: 'clusters[0].nodePools[0].machineTypes[0]', message: catalogueMessage('m7i.48xlarge') }]);
  });

  it('knows every machine type the examples use', () => {
    for (const t of ['m7i.large', 'm7i.xlarge', 'r7i.xlarge', 'c7i.2xlarge', 'g5.xlarge', 'g5.2xlarge', 't3.large', 'c7i.xlarge']) expect(MACHINE_TYPES.aws[t], t).toBeDefined();
    for (const t of ['n2-standard-4', 'n2-highmem-4', 'c3-standard-8', 'g2-standard-8']) expect(MACHINE_TYPES.gcp[t], t).toBeDefined();
  });

  it('is also what the plan throws when asked for facts it lacks', () => {
    expect(() => requireMachineTypeFacts('aws', 'x9.huge', "cluster 'training', pool 'cpu'")).toThrow(UnknownMachineTypeError);
    expect(() => requireMachineTypeFacts('aws', 'x9.huge', "cluster 'training', pool 'cpu'")).toThrow(
      `cluster 'training', pool 'cpu': ${catalogueMessage('x9.huge')}`,
    );
  });
});

describe('the system pool', () => {
  it('is planned for Karpenter clusters and for EKS clusters whose pools all scale to zero', () => {
    const spec = awsSpec();
    spec.clusters[0].autoscaler = 'karpenter';
    const plan = resolvePlan(specFrom(spec));
    expect(plan.clusters[0]!.systemPool).toMatchObject({ name: SYSTEM_POOL.name, machineTypes: [SYSTEM_POOL.machineType], spot: false, minNodes: 2 });
    expect(plan.clusters[1]!.systemPool).toBeUndefined();
    expect(plan.clusters[2]!.systemPool).toBeDefined();
    // GKE: only the batch cluster, whose pools keep no on-demand node (see test/gcp/gcp-spec.test.ts).
    expect(resolvePlan(specFrom(gcpPlatformSpec())).clusters.map((c) => c.systemPool !== undefined)).toEqual([false, false, true]);
  });

  it("reserves the name 'system' where it exists", () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools[0].name = 'system';
    expect(errors(spec)).toEqual([
      {
        path: 'clusters[2].nodePools[0].name',
        message: "'system' is reserved on this cluster for the managed node group that runs cluster-autoscaler and the platform's controllers; rename the pool",
      },
    ]);
    const apps = awsSpec();
    apps.clusters[0].nodePools[0].name = 'system';
    expect(errors(apps)).toEqual([]);
  });

  it("checks the length of Karpenter's derived node role name", () => {
    const spec = awsSpec();
    spec.name = 'a-twenty-char-name-x';
    spec.clusters[0].name = 'a-cluster-name-of-thirty-chars';
    spec.clusters[0].autoscaler = 'karpenter';
    expect(errors(spec).map((e) => e.message)).toContainEqual(expect.stringMatching(/Karpenter's node role\) is 66 characters, over the limit of 64/));
  });
});

describe('existing clusters', () => {
  it('take metricsServer, gpu and capacity', () => {
    const spec = onpremSpec();
    spec.clusters[0].existing.metricsServer = true;
    spec.clusters[2].existing.gpu = { driver: 'preinstalled', toolkit: 'preinstalled' };
    spec.clusters[2].existing.capacity = [{ name: 'a100', nodeLabels: { group: 'a100' }, nodes: 2, cpu: 96, memoryGiB: 1024, gpus: 8 }];
    expect(errors(spec)).toEqual([]);
    expect(warnings(spec).filter((w) => w.path.includes('existing'))).toEqual([]);
  });

  it('warn that a batch cluster without capacity gets Kueue but no queues', () => {
    expect(warnings(onpremSpec()).filter((w) => w.path === 'clusters[2].existing.capacity')).toHaveLength(1);
  });

  it('describe capacity only on batch clusters, and GPUs in it only with existing.gpu', () => {
    const spec = onpremSpec();
    spec.clusters[0].existing.capacity = [{ name: 'cpu', nodeLabels: { g: 'cpu' }, nodes: 2, cpu: 8, memoryGiB: 32 }];
    spec.clusters[2].existing.capacity = [
      { name: 'gpu', nodeLabels: { g: 'gpu' }, nodes: 2, cpu: 8, memoryGiB: 32, gpus: 4 },
      { name: 'gpu', nodeLabels: { g: 'gpu2' }, nodes: 1, cpu: 8, memoryGiB: 32 },
    ];
    expect(errors(spec)).toEqual([
      { path: 'clusters[0].existing.capacity', message: 'describes Kueue quotas, which only batch clusters have (this one is microservice); remove it' },
      {
        path: 'clusters[2].existing.capacity[0].gpus',
        message:
          'lists GPUs, but the cluster does not say it has any; add existing.gpu (whether the hosts already have the NVIDIA driver and toolkit) so that Loom installs the GPU operator',
      },
      { path: 'clusters[2].existing.capacity[1].name', message: "'gpu' is already used by clusters[2].existing.capacity[0]; names must be unique" },
    ]);
  });

  it('reject capacity without labels to select the nodes', () => {
    const spec = onpremSpec();
    spec.clusters[2].existing.capacity = [{ name: 'cpu', nodeLabels: {}, nodes: 2, cpu: 8, memoryGiB: 32 }];
    expect(errors(spec)).toEqual([{ path: 'clusters[2].existing.capacity[0].nodeLabels', message: 'give 1 to 8 labels that select these nodes' }]);
  });
});

describe('capacity in the plan', () => {
  it('takes the floor of a multi-type pool for quotas and the ceiling for limits', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].machineTypes = ['m7i.large', 'm7i.xlarge'];
    const plan = resolvePlan(specFrom(spec));
    const apps = plan.clusters[0]!;
    expect(poolFloor('aws', apps, apps.pools[0]!)).toEqual({ vcpu: 2, memoryGiB: 8, gpus: 0 });
    expect(poolLimits('aws', apps, apps.pools[0]!)).toEqual({ nodes: 10, vcpu: 40, memoryGiB: 160, gpus: 0 });
  });

  it('counts attached GPUs where the machine type has none of its own (GCP n1)', () => {
    const spec = gcpPlatformSpec();
    spec.clusters[2].nodePools[1] = { name: 'gpu', machineTypes: ['n1-standard-8'], minNodes: 0, maxNodes: 4, gpu: { type: 'nvidia-t4', count: 2 } };
    const plan = resolvePlan(specFrom(spec));
    const gpu = queueFlavors('gcp', plan.clusters[2]!).find((f) => f.source === 'gpu')!;
    expect(gpu.quota).toEqual({ nodes: 4, vcpu: 32, memoryGiB: 120, gpus: 8 });
  });
});
