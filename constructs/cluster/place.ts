/**
 * What every cluster construct Loom creates does first: validate its props as platform.yaml's
 * `clusters[]` entry (the same schema and rules, in the context of its stack's platform settings
 * and its network), take its place in the network, and resolve its plan with the same pure
 * function `resolvePlan` uses — so that a cluster composed by hand is the cluster its spec gives.
 */
import type { Construct } from 'constructs';
import { clusterResourceName, planCluster, type ClusterPlan, type ComponentMode, type NodePoolPlan } from '../../plan';
import { clusterSchema, type ClusterSpecInput, type NodePoolSpecInput } from '../../schema/schema';
import { validatePart } from '../../schema/props';
import type { INetwork } from '../core/contracts';
import { PlatformValidationError, validProps } from '../core/errors';
import { platformOf } from '../core/stack';
import { assertPoolsOpen } from '../core/pools';

/** A cluster construct's props: the spec's cluster entry, its network, and what it hosts. */
export interface PlacedClusterProps extends ClusterSpecInput {
  /**
   * The network the cluster is placed in.
   * @default none (existing clusters)
   */
  readonly network?: INetwork;
  /**
   * The platform's monitoring mode; `build` makes the cluster host the monitoring stack.
   * @default no monitoring component
   */
  readonly monitoring?: ComponentMode;
}

/** Validates `props` at `scope`, places the cluster in its network and resolves its plan. */
export function placeCluster(scope: Construct, props: PlacedClusterProps): ClusterPlan {
  const platform = platformOf(scope);
  const { network, monitoring, ...input } = props;
  const spec = validProps(
    scope,
    validatePart({ ...platform.settings, ...(network ? { network: network.spec } : {}), clusters: [input] }, 'clusters[0]', clusterSchema, input),
  );
  const placed = network?.placeCluster({ name: spec.name, flavour: spec.flavour, resourceName: clusterResourceName(platform.name, spec.name) });
  return planCluster(platform.settings, spec, {
    zones: network?.zones ?? [],
    ...(placed ? { block: placed.block, nodeSubnets: placed.nodeSubnets } : {}),
    ...(placed?.gcp ? { gcp: placed.gcp } : {}),
    hostsMonitoring: monitoring === 'build',
  });
}

/**
 * The plan of a cluster after `pool` is added to it: the cluster's spec with the pool appended,
 * validated like the spec (problems at `<cluster path>: nodePools[n]…`), resolved at the place the
 * cluster already has. Refuses a pool that would give or take away the cluster's system pool,
 * which is fixed when the cluster is created.
 */
export function planWithPool<P extends PlacedClusterProps>(
  scope: Construct,
  current: ClusterPlan,
  props: P,
  pool: NodePoolSpecInput,
): {
  /** The cluster's plan with the pool. */
  plan: ClusterPlan;
  /** The cluster's props with the pool appended to its `nodePools`. */
  props: P;
  /** The added pool, resolved. */
  added: NodePoolPlan;
} {
  assertPoolsOpen(scope, pool.name);
  const platform = platformOf(scope);
  const { network, monitoring, ...input } = props;
  const extended: ClusterSpecInput = { ...input, nodePools: [...(input.nodePools ?? []), pool] };
  const spec = validProps(
    scope,
    validatePart({ ...platform.settings, ...(network ? { network: network.spec } : {}), clusters: [extended] }, 'clusters[0]', clusterSchema, extended),
  );
  const plan = planCluster(platform.settings, spec, {
    zones: network?.zones ?? [],
    ...(current.block ? { block: current.block } : {}),
    nodeSubnets: current.nodeSubnets,
    ...(current.gcp ? { gcp: current.gcp } : {}),
    hostsMonitoring: monitoring === 'build',
  });
  if (Boolean(plan.systemPool) !== Boolean(current.systemPool)) {
    throw new PlatformValidationError(
      `adding pool '${pool.name}' would ${plan.systemPool ? 'give' : 'take away'} the cluster's system node pool, which is fixed when the cluster is created; list the pool in the cluster's nodePools instead`,
      scope,
    );
  }
  return { plan, props: { ...props, nodePools: extended.nodePools }, added: plan.pools[plan.pools.length - 1]! };
}
