/**
 * `loom-platform`: every cluster's ConfigMap of client environment — one per add-ons stack, in
 * the workloads namespace, with each component's keys (the same in every mode) and values that
 * point at the component as that mode provides it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../../constructs/core/cdk';
import { LoomStack } from '../../constructs/core/stack';
import { PlatformConfig } from '../../constructs/kubernetes/platform-config';
import { allResources, cleanupSynths, synthPlatform, type Cloud, type Modes } from './fixtures';
import type { StackJson } from '../helpers/synth';

afterAll(cleanupSynths);

function configs(stacks: Record<string, StackJson>): Record<string, Record<string, any>> {
  return Object.fromEntries(
    allResources(stacks)
      .filter((r) => r.type === 'kubernetes_config_map_v1' && r.body.metadata?.name === 'loom-platform')
      .map((r) => [r.stack, r.body]),
  );
}

const KEYS = {
  registry: ['LOOM_REGISTRY_HOST', 'LOOM_REGISTRY_URL'],
  monitoring: ['LOOM_DASHBOARDS_URL', 'LOOM_PROMETHEUS_URL'],
};

describe.each<[Cloud, Modes[]]>([
  ['aws', [{ registry: 'build', monitoring: 'build' }, { registry: 'buy', monitoring: 'buy' }, {}]],
  ['gcp', [{ registry: 'build', monitoring: 'build' }, { registry: 'buy', monitoring: 'buy' }]],
  ['kubernetes', [{ registry: 'build', monitoring: 'build' }]],
])('on %s', (cloud, modeSets) => {
  it.each(modeSets)('%o: one loom-platform ConfigMap per cluster, in loom-workloads, with the components’ keys', (modes) => {
    const { stacks } = synthPlatform(cloud, modes);
    const found = configs(stacks);
    expect(Object.keys(found).sort()).toEqual(Object.keys(stacks).filter((s) => s.includes('-addons-')).sort());
    const expected = [...(modes.registry ? KEYS.registry : []), ...(modes.monitoring ? KEYS.monitoring : [])].sort();
    for (const [stack, config] of Object.entries(found)) {
      expect(config.metadata.namespace, stack).toMatch(/Namespaces_Workloads/);
      expect(Object.keys(config.data ?? {}), stack).toEqual(expected);
      for (const value of Object.values(config.data ?? {})) expect(String(value), stack).not.toBe('');
    }
  });
});

describe('values follow the mode', () => {
  it('build points at Harbor and the cluster’s own Prometheus; buy at ECR and AMP', () => {
    const built = configs(synthPlatform('aws', { registry: 'build', monitoring: 'build' }).stacks)['acme-addons-apps']!.data;
    expect(built.LOOM_REGISTRY_URL).toBe('harbor.acme.internal/acme');
    expect(built.LOOM_PROMETHEUS_URL).toMatch(/^http:\/\/[a-z0-9.-]+\.svc(\.cluster\.local)?:9090/);
    const bought = configs(synthPlatform('aws', { registry: 'buy', monitoring: 'buy' }).stacks)['acme-addons-apps']!.data;
    expect(bought.LOOM_REGISTRY_HOST).toContain('cross-stack-reference-input-acme-services');
    expect(bought.LOOM_PROMETHEUS_URL).toContain('prometheus_workspace');
  });
});

describe('PlatformConfig', () => {
  it('refuses two components setting the same key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-platform-config-'));
    try {
      const app = new App({ outdir: dir });
      const stack = new LoomStack(app, 'x', { platform: { name: 'acme', cloud: 'kubernetes' } });
      const config = new PlatformConfig(stack, 'PlatformConfig', { namespace: 'loom-workloads' });
      config.add({ name: 'registry', environment: () => ({ LOOM_REGISTRY_URL: 'a' }) });
      config.add({ name: 'mirror', environment: () => ({ LOOM_REGISTRY_URL: 'b' }) });
      expect(() => config.data).toThrow(/mirror and registry both set LOOM_REGISTRY_URL in loom-platform/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
