/**
 * On existing clusters (no DNS of Loom's), built components every cluster reaches run on one
 * cluster: two of them on different clusters would make those clusters' add-ons stacks read each
 * other's load balancer addresses. On aws and gcp they have fixed names and may run anywhere.
 */
import { describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { MlPlatform } from '../../stacks/ml-platform';
import { validateSpec } from '../../schema/load';
import { reachedBuiltComponents } from '../../schema/reach-rules';
import { platformSchema } from '../../schema/schema';
import { ONPREM_OBJECT_STORAGE } from '../components/fixtures';
import { awsSpec, errorsAt, gcpSpec, valid } from './fixtures';
import { onpremSpec } from '../kubernetes/fixtures';

/** MLflow on apps and Argo on the batch cluster gpu (its capacity described, for Kueue's queue). */
function mlflowAndArgo(): Record<string, any> {
  const spec = onpremSpec({ objectStorage: { ...ONPREM_OBJECT_STORAGE }, components: { experimentTracking: { mode: 'build' }, pipelines: { mode: 'build' } } });
  const gpu = spec.clusters.find((c: { name: string }) => c.name === 'gpu');
  gpu.existing = { ...gpu.existing, capacity: [{ name: 'cpu', nodeLabels: { 'node.lab.example/group': 'cpu' }, nodes: 4, cpu: 32, memoryGiB: 128 }] };
  return spec;
}

describe('reach rules', () => {
  it('refuses, on existing clusters, built components other clusters reach on two clusters, naming both and the way out', () => {
    expect(errorsAt(mlflowAndArgo(), 'components.pipelines')).toEqual([
      expect.stringMatching(/^is built on cluster 'gpu', and experimentTracking is built on 'apps': .*a cycle no apply order satisfies; name them under a domain your DNS answers \(internalDomain: .*\), or run the built components other clusters reach on one cluster \(cluster: apps, where its flavour allows\)$/),
    ]);
  });

  it('is what would otherwise fail at synth as a dependency cycle between add-ons stacks', () => {
    const spec = mlflowAndArgo();
    // the construct path validates the whole spec the same way, so the cycle never reaches cdktf
    const { name, ...props } = spec as { name: string };
    expect(() => new MlPlatform(new App(), name, props as never)).toThrow(/components\.pipelines: is built on cluster/);
    // and as a part (how pipelinesFor validates its props) the rule stays silent
    expect(validateSpec(spec, { part: true }).errors?.filter((e) => e.path === 'components.pipelines') ?? []).toEqual([]);
  });

  it('accepts them on one cluster there, or anywhere under an internalDomain; anywhere on aws and gcp, where they have fixed names', () => {
    valid({ ...mlflowAndArgo(), internalDomain: 'ml.lab.example' });
    valid(onpremSpec({ objectStorage: { ...ONPREM_OBJECT_STORAGE }, components: { experimentTracking: { mode: 'build' }, featureStore: { mode: 'build' }, registry: { mode: 'build', hostname: 'harbor.lab.example.internal' } } }));
    valid(awsSpec({ components: { experimentTracking: { mode: 'build' }, pipelines: { mode: 'build' }, streaming: { mode: 'build' } } }));
    valid(gcpSpec({ components: { experimentTracking: { mode: 'build' }, pipelines: { mode: 'build' } } }));
  });

  it('counts serving only with endpoints, and only built components', () => {
    const spec = platformSchema.parse(awsSpec({ components: { serving: { mode: 'build' }, streaming: { mode: 'buy' }, registry: { mode: 'build' } } }));
    expect(reachedBuiltComponents(spec).map((r) => r.name)).toEqual(['registry']);
  });
});
