/**
 * The system pool holds what must never be preempted or scaled away: with built monitoring that
 * includes Prometheus, so the pool gets the larger shape, and Prometheus asks for what it uses.
 */
import { describe, expect, it } from 'vitest';
import { MACHINE_TYPES } from '../../catalog/machine-types';
import { MONITORING_PROFILES, resolvePlan, SYSTEM_POOL, GKE_SYSTEM_POOL } from '../../plan';
import { specFrom } from '../helpers/synth';
import { awsSpec } from '../aws/fixtures';
import { gcpPlatformSpec } from '../helpers/gcp';

const systemPoolOf = (input: Record<string, any>, cluster: string) => resolvePlan(specFrom(input)).clusters.find((c) => c.name === cluster)!.systemPool;
const memoryGiB = (cloud: 'aws' | 'gcp', type: string) => (MACHINE_TYPES[cloud] as Record<string, { memoryGiB: number } | undefined>)[type]?.memoryGiB;

describe('system pool shape', () => {
  it('is the small shape without built monitoring, the larger one with it (EKS)', () => {
    expect(systemPoolOf(awsSpec(), 'training')!.machineTypes).toEqual([SYSTEM_POOL.machineType]);
    const built = { ...awsSpec(), components: { monitoring: { mode: 'build' } } };
    expect(systemPoolOf(built, 'training')!.machineTypes).toEqual([SYSTEM_POOL.monitoringMachineType]);
    const bought = { ...awsSpec(), components: { monitoring: { mode: 'buy' } } };
    expect(systemPoolOf(bought, 'training')!.machineTypes).toEqual([SYSTEM_POOL.machineType]);
  });

  it('is the larger shape with built monitoring on GKE too', () => {
    const spec = gcpPlatformSpec();
    const batch = spec.clusters.find((c: { flavour: string }) => c.flavour === 'batch').name as string;
    spec.components = { monitoring: { mode: 'build' } };
    expect(systemPoolOf(spec, batch)!.machineTypes).toEqual([GKE_SYSTEM_POOL.monitoringMachineType]);
  });

  it('fits two prod Prometheus replicas spread over its two nodes, with room for the controllers', () => {
    const prom = MONITORING_PROFILES.prod.prometheusResources;
    const limitGiB = Number(prom.memoryLimit.replace('Gi', ''));
    for (const [cloud, type] of [['aws', SYSTEM_POOL.monitoringMachineType], ['gcp', GKE_SYSTEM_POOL.monitoringMachineType]] as const) {
      const mem = memoryGiB(cloud, type);
      expect(mem, type).toBeDefined();
      // one replica per node at its limit leaves at least half the node for everything else
      expect(mem! - limitGiB, type).toBeGreaterThanOrEqual(mem! / 2);
    }
  });
});
