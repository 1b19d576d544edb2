/**
 * Built components every cluster reaches run on one cluster (until they get fixed names): two of
 * them on different clusters would make those clusters' add-ons stacks read each other's state.
 */
import { describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { MlPlatform } from '../../stacks/ml-platform';
import { validateSpec } from '../../schema/load';
import { reachedBuiltComponents } from '../../schema/reach-rules';
import { platformSchema } from '../../schema/schema';
import { awsSpec, errorsAt, valid } from './fixtures';

const mlflowAndArgo = () => awsSpec({ components: { experimentTracking: { mode: 'build' }, pipelines: { mode: 'build' } } });

describe('reach rules', () => {
  it('refuses built components other clusters reach on two clusters, naming both and the way out', () => {
    const spec = mlflowAndArgo();
    expect(errorsAt(spec, 'components.pipelines')).toEqual([
      expect.stringMatching(/^is built on cluster '\w+', and experimentTracking is built on '\w+': .*a cycle Loom cannot apply yet; .*or buy pipelines or experimentTracking$/),
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

  it('accepts them on one cluster, or one of them bought', () => {
    valid(awsSpec({ components: { experimentTracking: { mode: 'build' }, featureStore: { mode: 'build' }, registry: { mode: 'build' } } }));
    valid(awsSpec({ components: { experimentTracking: { mode: 'build' }, pipelines: { mode: 'buy' } } }));
  });

  it('counts serving only with endpoints, and only built components', () => {
    const spec = platformSchema.parse(awsSpec({ components: { serving: { mode: 'build' }, streaming: { mode: 'buy' }, registry: { mode: 'build' } } }));
    expect(reachedBuiltComponents(spec).map((r) => r.name)).toEqual(['registry']);
  });
});
