/**
 * Where component resources go: cloud-side ones in `<name>-services` (the cloud provider only,
 * and only when some component has any), in-cluster ones in the add-ons stacks (Kubernetes and
 * Helm only), wired by cross-stack references in dependency order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { MlPlatform, SYNTHESIZED_COMPONENTS } from '../../stacks/ml-platform';
import { ServicesStack } from '../../stacks/services-stack';
import { resolvePlan, servicesStackNeeded } from '../../plan';
import { COMPONENTS } from '../../schema/schema';
import { specFrom } from '../helpers/synth';
import { allResources, cleanupSynths, platformSpec, synthPlatform, typesOf, type Cloud, type Modes } from './fixtures';

afterAll(cleanupSynths);

const MIXES: readonly [Cloud, Modes][] = [
  ['aws', { registry: 'build', monitoring: 'build' }],
  ['aws', { registry: 'buy', monitoring: 'buy' }],
  ['aws', { registry: 'build', monitoring: 'buy' }],
  ['gcp', { registry: 'build', monitoring: 'build' }],
  ['gcp', { registry: 'buy', monitoring: 'buy' }],
  ['kubernetes', { registry: 'build', monitoring: 'build' }],
];

describe.each(MIXES)('%s with %o', (cloud, modes) => {
  const out = () => synthPlatform(cloud, modes);
  const prefix = cloud === 'kubernetes' ? 'lab' : 'acme';

  it('gives the services stack the cloud provider and nothing else', () => {
    const services = out().stacks[`${prefix}-services`];
    if (cloud === 'kubernetes') {
      expect(services).toBeUndefined();
      return;
    }
    const provider = cloud === 'aws' ? 'aws' : 'google';
    expect(Object.keys(services!.provider ?? {})).toEqual([provider]);
    expect(Object.keys(services!.terraform?.required_providers ?? {})).toEqual([provider]);
    expect(typesOf(services!).every((t) => t.startsWith(`${provider}_`))).toBe(true);
  });

  it('keeps the add-ons stacks to Kubernetes and Helm (and tls where Harbor makes its certificate)', () => {
    for (const [name, stack] of Object.entries(out().stacks).filter(([n]) => n.includes('-addons-'))) {
      // Built Harbor's CA and certificate come from Terraform's tls provider, in its cluster's stack.
      const tls = modes.registry === 'build' && name === `${prefix}-addons-apps`;
      expect(Object.keys(stack.terraform?.required_providers ?? {}).sort(), name).toEqual(tls ? ['helm', 'kubernetes', 'tls'] : ['helm', 'kubernetes']);
      expect(typesOf(stack).every((t) => t.startsWith('kubernetes_') || t.startsWith('helm_') || (tls && t.startsWith('tls_'))), name).toBe(true);
    }
  });

  it('writes every depends_on as a bare reference (Terraform rejects `${…}` there)', () => {
    for (const r of allResources(out().stacks)) {
      for (const d of (r.body.depends_on ?? []) as string[]) expect(d, `${r.stack} ${r.type}.${r.name}`).toMatch(/^[a-z0-9_]+\.[\w-]+$/);
    }
  });

  it('orders the stacks: clusters, then services, then add-ons', () => {
    const manifest = JSON.parse(readFileSync(join(out().dir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { dependencies: string[] }> };
    const services = manifest.stacks[`${prefix}-services`];
    if (!services) return;
    for (const c of ['apps', 'events', 'training']) expect(services.dependencies, c).toContain(`${prefix}-cluster-${c}`);
    // Harbor's add-ons stack reads its bucket and identity from the services stack.
    if (modes.registry === 'build') expect(manifest.stacks[`${prefix}-addons-apps`]!.dependencies).toContain(`${prefix}-services`);
  });
});

describe('servicesStackNeeded', () => {
  const planOf = (cloud: Cloud, modes: Modes) => resolvePlan(specFrom(platformSpec(cloud, modes)));

  it.each<[Cloud, Modes, boolean]>([
    ['aws', {}, false],
    ['aws', { monitoring: 'build' }, false],
    ['aws', { monitoring: 'buy' }, true],
    ['aws', { registry: 'build' }, true],
    ['aws', { registry: 'buy' }, true],
    ['gcp', { monitoring: 'buy' }, false],
    ['gcp', { monitoring: 'build' }, false],
    ['gcp', { registry: 'build' }, true],
    ['gcp', { registry: 'buy' }, true],
    ['kubernetes', { registry: 'build', monitoring: 'build' }, false],
  ])('%s %o → %s', (cloud, modes, needed) => {
    expect(servicesStackNeeded(planOf(cloud, modes))).toBe(needed);
  });

  it('matches what synth produces', () => {
    expect(synthPlatform('aws', { monitoring: 'build' }).stacks['acme-services']).toBeUndefined();
    expect(synthPlatform('gcp', { monitoring: 'buy' }).stacks['acme-services']).toBeUndefined();
    expect(synthPlatform('aws', { monitoring: 'buy' }).stacks['acme-services']).toBeDefined();
  });

  it('refuses a services stack on existing clusters', () => {
    expect(() => new ServicesStack(new App(), 'sovereign-services', { platform: { name: 'sovereign', cloud: 'kubernetes' } })).toThrow(/cloud: kubernetes has no services stack/);
  });
});

describe('synth of the other components', () => {
  it('synthesizes all seven components: each is a row of the component table', () => {
    expect([...SYNTHESIZED_COMPONENTS].sort()).toEqual([...COMPONENTS].sort());
  });

});
