/**
 * The usage file of `loom cost --usage`: a profile and overrides, resolved field by field; bad
 * files rejected with every problem at its path, the way the spec's are.
 */
import { describe, expect, it } from 'vitest';
import { USAGE_PROFILES } from '../../catalog/usage-profiles';
import { SpecValidationError } from '../../schema/issues';
import { parseUsage, resolveUsage } from '../../schema/usage';
import { lines } from './fixtures';

const problems = (input: unknown): string[] => {
  try {
    parseUsage(input, 'usage.yaml');
  } catch (e) {
    if (e instanceof SpecValidationError) return lines(e.issues);
    throw e;
  }
  return [];
};

describe('usage file', () => {
  it('without a file is the medium profile, its rate the loaded cost over productive hours', () => {
    const u = resolveUsage();
    expect(u).toMatchObject({ size: 'medium', fromFile: false, hourlyRate: 100 });
    expect(u.workload).toEqual(USAGE_PROFILES.medium.workload);
    expect(u.effort).toEqual(USAGE_PROFILES.medium.effort);
  });

  it('starts from the profile it names and takes each field it gives, nothing more', () => {
    const u = resolveUsage(
      parseUsage({
        size: 'large',
        labour: { loadedYearlyCost: 90_000 },
        workload: { streaming: { ingressMBps: 80 } },
        components: { streaming: { opsHours: 10 } },
        onPremises: { gpuMonth: 1_200 },
      }),
    );
    expect(u.size).toBe('large');
    expect(u.fromFile).toBe(true);
    expect(u.hourlyRate).toBe(90_000 / USAGE_PROFILES.large.labour.productiveHoursPerYear);
    expect(u.workload.streaming).toEqual({ ...USAGE_PROFILES.large.workload.streaming, ingressMBps: 80 });
    expect(u.workload.registry).toEqual(USAGE_PROFILES.large.workload.registry);
    expect(u.effort.streaming).toEqual({ ...USAGE_PROFILES.large.effort.streaming, opsHours: 10 });
    expect(u.effort.serving).toEqual(USAGE_PROFILES.large.effort.serving);
    expect(u.onPremises).toEqual({ ...USAGE_PROFILES.large.onPremises, gpuMonth: 1_200 });
  });

  it('takes an hourly rate over the yearly cost, zero included', () => {
    expect(resolveUsage(parseUsage({ labour: { loadedYearlyCost: 250_000, hourlyRate: 0 } })).hourlyRate).toBe(0);
  });

  it('reports every problem of a bad file at its path, with what would be right', () => {
    expect(
      problems({
        size: 'huge',
        labour: { hourlyRate: -5, productiveHoursPerYear: 9_000 },
        utilisation: 1.5,
        amortizationMonths: 2.5,
        workload: { streaming: { ingressMBps: 'a lot' }, serving: { burstShare: 2 }, kafka: {} },
        components: { kafka: { opsHours: 1 }, registry: { setupHours: -1 } },
      }),
    ).toEqual([
      'amortizationMonths: must be a whole number, got number 2.5',
      'components.kafka: unknown key; expected one of experimentTracking, featureStore, monitoring, pipelines, registry, serving, streaming',
      'components.registry.setupHours: must be >= 0, got number -1',
      'labour.hourlyRate: must be >= 0, got number -5',
      'labour.productiveHoursPerYear: must be <= 8760, got number 9000',
      "size: must be one of small | medium | large, got 'huge'",
      'utilisation: must be <= 1, got number 1.5',
      'workload.kafka: unknown key; expected one of experimentTracking, featureStore, monitoring, pipelines, registry, serving, streaming',
      'workload.serving.burstShare: must be <= 1, got number 2',
      "workload.streaming.ingressMBps: must be a number, got 'a lot'",
    ]);
  });

  it('accepts an empty file as the medium profile', () => {
    expect(resolveUsage(parseUsage({})).workload).toEqual(USAGE_PROFILES.medium.workload);
  });
});
