/**
 * The components' part of the spec and plan: registry options and their defaults, the rules that
 * reject buy where it cannot be, which implementation a mode gets on each cloud, and the sizing
 * per environment.
 */
import { describe, expect, it } from 'vitest';
import {
  hasCloudSideResources,
  implementationOf,
  MONITORING_PROFILES,
  REGISTRY_PROFILES,
  registryOptions,
  resolvePlan,
} from '../../plan';
import { awsSpec, errorsAt, gcpSpec, issue, k8sSpec, onlyError, valid } from '../schema/fixtures';

describe('components.registry options', () => {
  it('defaults to the repositories images and models, and Harbor at harbor.<name>.internal', () => {
    const { spec } = valid(awsSpec({ components: { registry: { mode: 'build' } } }));
    expect(spec.components.registry).toEqual({ mode: 'build', repositories: ['images', 'models'] });
    expect(registryOptions(spec)).toEqual({ repositories: ['images', 'models'], hostname: 'harbor.acme.internal' });
  });

  it('takes repositories and a hostname', () => {
    const { spec } = valid(awsSpec({ components: { registry: { mode: 'build', repositories: ['models/ranker', 'base_images'], hostname: 'registry.ml.example.com' } } }));
    expect(registryOptions(spec)).toEqual({ repositories: ['models/ranker', 'base_images'], hostname: 'registry.ml.example.com' });
  });

  it('rejects repository names a registry would not take, and an empty list', () => {
    expect(errorsAt(awsSpec({ components: { registry: { mode: 'buy', repositories: ['Models'] } } }), 'components.registry.repositories[0]')).toEqual([
      expect.stringContaining('must be lowercase letters and digits'),
    ]);
    expect(errorsAt(awsSpec({ components: { registry: { mode: 'buy', repositories: ['a//b'] } } }), 'components.registry.repositories[0]')).toHaveLength(1);
    expect(errorsAt(awsSpec({ components: { registry: { mode: 'buy', repositories: [] } } }), 'components.registry.repositories')).toEqual([expect.stringContaining('at least 1')]);
  });

  it('rejects a repository listed twice', () => {
    expect(onlyError(awsSpec({ components: { registry: { mode: 'buy', repositories: ['images', 'models', 'images'] } } }))).toEqual(
      issue('components.registry.repositories[2]', "'images' is already listed at repositories[0]"),
    );
  });

  it('rejects a hostname that is not a DNS name', () => {
    expect(errorsAt(awsSpec({ components: { registry: { mode: 'build', hostname: 'Harbor' } } }), 'components.registry.hostname')).toEqual([
      expect.stringContaining('must be a lowercase DNS name'),
    ]);
  });

  it('warns that a hostname means nothing to a bought registry', () => {
    const { warnings } = valid(awsSpec({ components: { registry: { mode: 'buy', hostname: 'registry.ml.example.com' } } }));
    expect(warnings).toEqual([issue('components.registry.hostname', 'is only used by build (Harbor); ECR has an address of its own')]);
  });

  it('takes no unknown option, and no registry option on another component', () => {
    expect(errorsAt(awsSpec({ components: { registry: { mode: 'buy', repos: ['x'] } } }), 'components.registry.repos')).toEqual(["unknown key; did you mean 'repositories'?"]);
    expect(errorsAt(awsSpec({ components: { monitoring: { mode: 'buy', repositories: ['x'] } } }), 'components.monitoring.repositories')).toEqual([
      'unknown key; expected one of cluster, grafana, mode',
    ]);
  });
});

describe('buy where no managed service may be or exists', () => {
  it('dataResidency.managedServices: forbidden keeps rejecting buy', () => {
    expect(onlyError(awsSpec({ dataResidency: { managedServices: 'forbidden' }, components: { monitoring: { mode: 'buy' } } }))).toEqual(
      issue('components.monitoring.mode', 'buy is not allowed: dataResidency.managedServices is forbidden'),
    );
  });

  it('cloud: kubernetes rejects buy, saying no managed service exists there', () => {
    expect(onlyError(k8sSpec({ components: { monitoring: { mode: 'buy' } } }))).toEqual(
      issue('components.monitoring.mode', 'buy is not available with cloud: kubernetes: no managed service exists on existing clusters; use build'),
    );
    expect(() => implementationOf('buy', 'kubernetes')).toThrow(/no managed service exists/);
  });

  it('monitoring bought on AWS needs two zones for its scrapers', () => {
    expect(onlyError(awsSpec({ network: { cidr: '10.0.0.0/16', zones: 1 }, components: { monitoring: { mode: 'buy' } } }))).toEqual(
      issue('components.monitoring.mode', 'needs subnets in at least two zones'),
    );
    valid(awsSpec({ network: { cidr: '10.0.0.0/16', zones: 1 }, components: { monitoring: { mode: 'build' } } }));
  });
});

describe('implementations and where their resources go', () => {
  it.each([
    ['build', 'aws', 'build'],
    ['build', 'gcp', 'build'],
    ['build', 'kubernetes', 'build'],
    ['buy', 'aws', 'buy-aws'],
    ['buy', 'gcp', 'buy-gcp'],
  ] as const)('%s on %s → %s', (mode, cloud, implementation) => {
    expect(implementationOf(mode, cloud)).toBe(implementation);
  });

  it('keeps cloud-side resources only where an implementation has them, never on existing clusters', () => {
    expect(hasCloudSideResources('aws', 'registry', 'build')).toBe(true);
    expect(hasCloudSideResources('aws', 'monitoring', 'build')).toBe(false);
    expect(hasCloudSideResources('aws', 'monitoring', 'buy')).toBe(true);
    expect(hasCloudSideResources('gcp', 'monitoring', 'buy')).toBe(false);
    expect(hasCloudSideResources('kubernetes', 'registry', 'build')).toBe(false);
  });

  it('places both on the first microservice cluster unless named', () => {
    const plan = resolvePlan(valid(gcpSpec({ components: { registry: { mode: 'buy' }, monitoring: { mode: 'build', cluster: 'training' } } })).spec);
    expect(plan.components).toEqual([
      { name: 'registry', mode: 'buy', cluster: 'apps' },
      { name: 'monitoring', mode: 'build', cluster: 'training' },
    ]);
  });
});

describe('sizing per environment', () => {
  it('grows retention, storage and replicas from dev to prod', () => {
    expect(MONITORING_PROFILES.dev).toMatchObject({ retention: '7d', storageGi: 20, prometheusReplicas: 1 });
    expect(MONITORING_PROFILES.prod).toMatchObject({ retention: '30d', storageGi: 100, prometheusReplicas: 2 });
    expect(REGISTRY_PROFILES.dev.keepTaggedImages).toBeLessThan(REGISTRY_PROFILES.prod.keepTaggedImages);
    // AMP's managed scraper refuses intervals under 30 seconds.
    for (const p of Object.values(MONITORING_PROFILES)) expect(parseInt(p.scrapeInterval, 10)).toBeGreaterThanOrEqual(30);
  });
});
