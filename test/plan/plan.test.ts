/**
 * The rest of the resolved plan: component placement, pool capacity and GPU scheduling, zones of
 * single-zone clusters, names.
 */
import { describe, expect, it } from 'vitest';
import { GPU_TAINT, resolvePlan } from '../../schema';
import { awsSpec, valid, type Spec } from '../schema/fixtures';

const planOf = (spec: Spec) => resolvePlan(valid(spec).spec);

describe('component placement', () => {
  it("defaults to the first cluster whose flavour suits the component", () => {
    const plan = planOf(
      awsSpec({
        components: {
          serving: { mode: 'build' },
          pipelines: { mode: 'build' },
          // bought: built components other clusters reach run on one cluster (schema/reach-rules.ts)
          streaming: { mode: 'buy' },
          monitoring: { mode: 'build' },
          registry: { mode: 'buy' },
        },
      }),
    );
    expect(plan.components).toEqual([
      { name: 'registry', mode: 'buy', cluster: 'apps' },
      { name: 'serving', mode: 'build', cluster: 'apps' },
      { name: 'monitoring', mode: 'build', cluster: 'apps' },
      { name: 'pipelines', mode: 'build', cluster: 'training' },
      { name: 'streaming', mode: 'buy', cluster: 'events' },
    ]);
  });

  it('a named cluster wins over the default', () => {
    const plan = planOf(awsSpec({ components: { serving: { mode: 'build', cluster: 'training' } } }));
    expect(plan.components).toEqual([{ name: 'serving', mode: 'build', cluster: 'training' }]);
  });
});

describe('node pools', () => {
  it('batch CPU pools default to spot; GPU pools and other flavours to on-demand', () => {
    const plan = planOf(awsSpec());
    const pools = Object.fromEntries(plan.clusters.flatMap((c) => c.pools.map((p) => [`${c.name}/${p.name}`, p.spot])));
    expect(pools).toEqual({ 'apps/general': false, 'events/brokers': false, 'training/cpu': true, 'training/gpu': false });
  });

  it('an explicit spot setting on a batch pool wins', () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools[0].spot = false;
    spec.clusters[2].nodePools[1].spot = true;
    const [cpu, gpu] = planOf(spec).clusters[2]!.pools;
    expect([cpu!.spot, gpu!.spot]).toEqual([false, true]);
    expect(gpu!.labels['loom.dev/capacity']).toBe('spot');
  });

  it('GPU pools are tainted and labelled; CPU pools are not', () => {
    const [cpu, gpu] = planOf(awsSpec()).clusters[2]!.pools;
    expect(gpu!.taints).toEqual([GPU_TAINT]);
    expect(GPU_TAINT).toEqual({ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' });
    expect(gpu!.labels).toMatchObject({ 'nvidia.com/gpu.present': 'true', 'loom.dev/gpu': 'nvidia-a10g', 'loom.dev/flavour': 'batch' });
    expect(cpu!.taints).toEqual([]);
    expect(cpu!.labels['nvidia.com/gpu.present']).toBeUndefined();
  });

  it('desired nodes start at the minimum, and at least one where a pool cannot scale to zero', () => {
    const plan = planOf(awsSpec());
    expect(plan.clusters.map((c) => c.pools.map((p) => p.desiredNodes))).toEqual([[2], [3], [0, 0]]);
  });

  it("a pool's own labels are kept, Loom's are added", () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].labels = { team: 'search' };
    expect(planOf(spec).clusters[0]!.pools[0]!.labels).toMatchObject({ team: 'search', 'loom.dev/pool': 'general', 'loom.dev/cluster': 'apps' });
  });
});

describe('zones and names', () => {
  it('a single-zone batch cluster runs its nodes in the first zone only', () => {
    const spec = awsSpec();
    spec.clusters[2].singleZone = { reason: 'H100 capacity reserved in one zone' };
    const training = planOf(spec).clusters[2]!;
    expect(training.nodeZones).toEqual(['us-east-1a']);
    expect(training.pools.map((p) => p.zones)).toEqual([['us-east-1a'], ['us-east-1a']]);
    expect(training.singleZoneReason).toBe('H100 capacity reserved in one zone');
  });

  it('stack and resource names derive from the platform and cluster names', () => {
    const plan = planOf(awsSpec());
    expect(plan.stacks).toEqual({ network: 'acme-network', services: 'acme-services' });
    expect(plan.clusters.map((c) => [c.resourceName, c.stackName, c.addonsStackName])).toEqual([
      ['acme-apps', 'acme-cluster-apps', 'acme-addons-apps'],
      ['acme-events', 'acme-cluster-events', 'acme-addons-events'],
      ['acme-training', 'acme-cluster-training', 'acme-addons-training'],
    ]);
  });

  it("every resource's labels carry the platform, environment and managed-by", () => {
    expect(planOf(awsSpec({ labels: { team: 'ml' } })).labels).toEqual({
      team: 'ml',
      'loom-platform': 'acme',
      'loom-environment': 'dev',
      'managed-by': 'loom',
    });
  });
});
