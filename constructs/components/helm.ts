/**
 * A Helm release of a built component: a pinned chart from the catalogue, its values as one JSON
 * document (JSON is YAML; references to other resources stay Terraform interpolations inside it),
 * and secrets passed as sensitive values so they never appear in the plan's values.
 */
import type { Construct } from 'constructs';
import { Release, type ReleaseSetSensitive } from '@cdktf/provider-helm/lib/release';
import { Lazy, type ITerraformDependable } from '../core/cdk';
import type { PinnedChart } from '../addons/charts';

export interface ComponentReleaseProps {
  /** The release's name in the cluster. */
  readonly name: string;
  readonly chart: PinnedChart;
  /** The namespace, as a reference to it (so the release waits for it). */
  readonly namespace: string;
  /** The chart values, or a function rendering them at synth time (after every mutator ran). */
  readonly values: Record<string, unknown> | (() => Record<string, unknown>);
  /** Values set from secrets: `name` is the dotted values path. @default none */
  readonly setSensitive?: readonly ReleaseSetSensitive[];
  /** Seconds Helm waits for the release to become ready. @default 600 */
  readonly timeout?: number;
  /** Resources the release needs first (a service account it runs as, …). @default none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The values document as the release receives it. */
export function renderValues(values: Record<string, unknown>): string {
  return JSON.stringify(values, null, 2);
}

export function componentRelease(scope: Construct, id: string, props: ComponentReleaseProps): Release {
  const values = props.values;
  return new Release(scope, id, {
    name: props.name,
    chart: props.chart.chart,
    repository: props.chart.repository,
    version: props.chart.version,
    namespace: props.namespace,
    values: [typeof values === 'function' ? Lazy.stringValue({ produce: () => renderValues(values()) }) : renderValues(values)],
    ...(props.setSensitive?.length ? { setSensitive: [...props.setSensitive] } : {}),
    // Roll back a failed upgrade instead of leaving the release half-applied.
    atomic: true,
    cleanupOnFail: true,
    wait: true,
    timeout: props.timeout ?? 600,
    maxHistory: 10,
    ...(props.dependsOn?.length ? { dependsOn: [...props.dependsOn] } : {}),
  });
}
