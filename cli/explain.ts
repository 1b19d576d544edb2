/**
 * `loom validate --explain`: the spec with every default filled in — the schema's defaults and the
 * ones Loom derives (zones from the region, each component's cluster, spot per pool, Harbor's
 * hostname, the sizes of built components' backing stores for the cloud and environment) — as
 * plain YAML (no anchors or aliases) that validates as it is.
 */
import { stringify } from 'yaml';
import { harborHostname } from '../plan/components';
import { databaseSizesInEffect, defaultReplicas, onlineStoreSizesInEffect, type OnlineStoreSizes } from '../plan/stores';
import type { PlatformPlan } from '../plan';
import type { DatabaseSizeSpec, PlatformSpec } from '../schema/schema';

/** A built experimentTracking or featureStore entry with its sizes in effect filled in. */
function withSizes(name: string, entry: Record<string, unknown>, spec: PlatformSpec): Record<string, unknown> {
  if ((name !== 'experimentTracking' && name !== 'featureStore') || entry.mode !== 'build') return entry;
  const filled: Record<string, unknown> = {
    ...entry,
    replicas: entry.replicas ?? defaultReplicas(spec.environment),
    database: databaseSizesInEffect(spec.cloud, spec.environment, entry.database as DatabaseSizeSpec | undefined),
  };
  if (name === 'featureStore') filled.onlineStore = onlineStoreSizesInEffect(spec.cloud, spec.environment, entry.onlineStore as OnlineStoreSizes | undefined);
  return filled;
}

/** The spec as `loom validate --explain` prints it: derived defaults resolved from the plan. */
export function explainedSpec(spec: PlatformSpec, plan: PlatformPlan): PlatformSpec {
  const copy = structuredClone(spec) as PlatformSpec & Record<string, unknown>;
  if (copy.network && plan.zones.length && !copy.network.availabilityZones) {
    copy.network = { ...copy.network, availabilityZones: [...plan.zones] };
  }
  copy.clusters = copy.clusters.map((c) => {
    const planned = plan.clusters.find((p) => p.name === c.name);
    if (!planned || !c.nodePools) return c;
    return {
      ...c,
      nodePools: c.nodePools.map((pool) => {
        const p = planned.pools.find((x) => x.name === pool.name);
        return p ? { ...pool, spot: p.spot } : pool;
      }),
    };
  });
  const components = { ...copy.components } as Record<string, Record<string, unknown> | undefined>;
  for (const comp of plan.components) {
    const entry = components[comp.name];
    if (!entry) continue;
    components[comp.name] = { ...entry, ...(comp.cluster && entry.cluster === undefined ? { cluster: comp.cluster } : {}) };
    if (comp.name === 'registry' && comp.mode === 'build' && entry.hostname === undefined) {
      components[comp.name] = { ...components[comp.name], hostname: harborHostname(plan.name) };
    }
    components[comp.name] = withSizes(comp.name, components[comp.name]!, spec);
  }
  copy.components = components as PlatformSpec['components'];
  return copy;
}

/** Plain YAML: every repeated object written out, never as an alias. */
export function renderExplained(spec: PlatformSpec, plan: PlatformPlan): string {
  return stringify(explainedSpec(spec, plan), { aliasDuplicateObjects: false, lineWidth: 0 });
}
