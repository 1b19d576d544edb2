/**
 * Where component resources go: cloud-side ones and what Terraform generates for them (built
 * streaming's credentials) in `<name>-services` (the cloud provider and those only, and only when
 * some component has any; on existing clusters no cloud provider), in-cluster ones in the add-ons
 * stacks (Kubernetes and Helm only), wired by cross-stack references in dependency order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App, Testing } from '../../constructs/core/cdk';
import { MlPlatform, SYNTHESIZED_COMPONENTS } from '../../stacks/ml-platform';
import { ServicesStack } from '../../stacks/services-stack';
import { hasCloudSideResources, hasServicesStackResources, resolvePlan, servicesStackNeeded } from '../../plan';
import { summarize } from '../../cli/summary';
import { platformStacks } from '../../cli/stacks';
import { COMPONENTS } from '../../schema/schema';
import { specFrom, synthSpec } from '../helpers/synth';
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

  it('is needed on existing clusters for built streaming only (its CA and passwords)', () => {
    const withStreaming = (cloud: Cloud) => resolvePlan(specFrom(platformSpec(cloud, {}, { components: { streaming: { mode: 'build', topics: [{ name: 'clicks' }] } } })));
    expect(servicesStackNeeded(withStreaming('kubernetes'))).toBe(true);
    expect(hasServicesStackResources('kubernetes', 'streaming', 'build')).toBe(true);
    expect(hasCloudSideResources('kubernetes', 'streaming', 'build')).toBe(false);
    expect(hasServicesStackResources('kubernetes', 'registry', 'build')).toBe(false);
    expect(summarize(withStreaming('kubernetes'))).toMatch(/stacks: lab-services, lab-addons-apps/);
  });

  it('matches what synth produces', () => {
    expect(synthPlatform('aws', { monitoring: 'build' }).stacks['acme-services']).toBeUndefined();
    expect(synthPlatform('gcp', { monitoring: 'buy' }).stacks['acme-services']).toBeUndefined();
    expect(synthPlatform('aws', { monitoring: 'buy' }).stacks['acme-services']).toBeDefined();
  });

  it('gives a services stack on existing clusters no cloud provider', () => {
    const stack = new ServicesStack(new App(), 'sovereign-services', { platform: { name: 'sovereign', cloud: 'kubernetes' } });
    expect(JSON.parse(Testing.synth(stack)).provider).toBeUndefined();
  });
});

describe('existing clusters with built streaming', () => {
  const spec = () => platformSpec('kubernetes', {}, { components: { streaming: { mode: 'build', topics: [{ name: 'clicks' }] } } });
  const out = () => synthSpec(spec());

  it("gets a services stack with Strimzi's CA and no cloud provider", () => {
    const services = out().stacks['lab-services']!;
    expect(Object.keys(services.provider ?? {})).toEqual(['tls']);
    expect(typesOf(services).every((t) => t.startsWith('tls_'))).toBe(true);
  });

  it('orders it before every add-ons stack, with no cycle', () => {
    const manifest = JSON.parse(readFileSync(join(out().dir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { dependencies: string[] }> };
    expect(manifest.stacks['lab-services']!.dependencies).toEqual([]);
    for (const c of ['apps', 'events', 'gpu']) expect(manifest.stacks[`lab-addons-${c}`]!.dependencies, c).toContain('lab-services');
    // The streaming cluster reads the services stack only (the others also read its bootstrap's address).
    expect(manifest.stacks['lab-addons-events']!.dependencies).toEqual(['lab-services']);
    // `loom stacks` finds an apply order (it throws on a cycle): the services stack first.
    const order = platformStacks(specFrom(spec()));
    expect(order[0]).toMatchObject({ name: 'lab-services', kind: 'services', providers: ['tls'] });
  });
});

describe('synth of the other components', () => {
  it('synthesizes all seven components: each is a row of the component table', () => {
    expect([...SYNTHESIZED_COMPONENTS].sort()).toEqual([...COMPONENTS].sort());
  });

});
