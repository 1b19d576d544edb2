/**
 * When a cluster's pools are final: once its add-ons are installed, since the add-ons (Karpenter's
 * NodePools, Kueue's flavours, the GPU operator) are derived from them. `PlatformAddons` marks the
 * cluster; the clusters' `addNodePool` checks.
 */
import type { IConstruct } from 'constructs';
import { PlatformValidationError } from './errors';

/** Clusters whose add-ons are installed. */
const poolsFinal = new WeakSet<IConstruct>();

/** Marks `cluster`'s pools final (its add-ons are being installed). */
export function finalizePools(cluster: IConstruct): void {
  poolsFinal.add(cluster);
}

/** Throws when `cluster`'s add-ons are installed already. */
export function assertPoolsOpen(cluster: IConstruct, pool: string): void {
  if (poolsFinal.has(cluster)) {
    throw new PlatformValidationError(
      `cannot add pool '${pool}': the cluster's add-ons are installed, and they are derived from its pools (Karpenter's NodePools, Kueue's queues, the GPU operator); add pools before creating its AddonsStack`,
      cluster,
    );
  }
}
