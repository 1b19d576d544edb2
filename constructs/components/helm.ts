/**
 * A Helm release of a built component: a pinned chart from the catalogue, its values as one JSON
 * document (JSON is YAML; references to other resources stay Terraform interpolations inside it),
 * and secrets passed as sensitive values so they never appear in the plan's values.
 *
 * Ordering comes with the add-ons stack: on EKS every Helm release of the stack, components'
 * included, waits for the AWS Load Balancer Controller, whose Service webhook fails closed
 * (`ServiceWebhookOrdering` in constructs/addons/release.ts) — and is destroyed before it, so a
 * LoadBalancer Service's NLB is deleted while the controller still runs.
 */
import type { Construct } from 'constructs';
import { Release, type ReleaseSetSensitive } from '@cdktf/provider-helm/lib/release';
import { Lazy, type ITerraformDependable } from '../core/cdk';
import type { PinnedChart } from '../../catalog/charts';
import { controllerPlacement, placementValues, statefulAffinity, type Toleration } from '../addons/context';
import type { ClusterPlan } from '../../plan';

/**
 * Where a component's stateful pods (databases, caches, registries, anything with a zonal volume)
 * go on a cluster, as chart values to spread into each such pod's section: never on spot capacity.
 * On-demand nodes of the cluster's own pools where it has an untainted on-demand pool (required
 * node affinity on `loom.dev/capacity`); otherwise the system pool where there is one (on-demand
 * by construction); otherwise, every pool being spot, a preference for on-demand only.
 */
export function statefulPlacement(cluster: Pick<ClusterPlan, 'systemPool' | 'pools'>): {
  /** The system pool's node selector (when the pods go there). */
  nodeSelector?: Record<string, string>;
  /** Tolerations of the system pool's taints (when the pods go there). */
  tolerations?: Toleration[];
  /** The node affinity for on-demand capacity (when the pods stay on the cluster's own pools). */
  affinity?: Record<string, unknown>;
} {
  const onDemandPool = cluster.pools.some((p) => !p.spot && p.taints.length === 0);
  if (!onDemandPool && cluster.systemPool) return placementValues(controllerPlacement(cluster));
  const affinity = statefulAffinity({ pools: cluster.pools });
  return affinity ? { affinity } : {};
}

/** Props of {@link componentRelease}. */
export interface ComponentReleaseProps {
  /** The release's name in the cluster. */
  readonly name: string;
  /** The chart, pinned by the catalogue (chart, repository, version). */
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

/**
 * A component's Helm release (see the module comment): atomic, cleaned up on a failed upgrade,
 * waited for, with ten revisions kept for `helm rollback`.
 */
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
