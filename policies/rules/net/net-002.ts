/**
 * LOOM-NET-002: multi-AZ placement. One zone's outage must not take the platform down: the EKS
 * control plane's subnets and every node pool span two or more zones, databases and caches keep a
 * standby in another zone, GKE clusters are regional (or spread their nodes), Memorystore is
 * STANDARD_HA. An error in prod, a warning elsewhere.
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, flag, isReference, list, text } from '../../values';
import { follow, keyOf } from './cidrs';

const GCP_REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const GCP_ZONE = /^[a-z]+-[a-z]+[0-9]+-[a-z]$/;

/** The zones of some subnets (by reference), or why they cannot be told. */
function zonesOf(ctx: RuleContext, from: SynthResource, subnetIds: readonly unknown[]): { zones: Set<string>; unknown?: string } {
  const { resources, unresolved } = follow(ctx, from, subnetIds, 'aws_subnet');
  const zones = new Set<string>();
  let unknown = unresolved.length ? `subnet ${String(unresolved[0])} cannot be followed` : undefined;
  for (const s of resources) {
    const az = text(s.values, 'availability_zone') ?? text(s.values, 'availability_zone_id');
    if (az === undefined) unknown ??= `${s.address} omits availability_zone: AWS picks it at apply time`;
    else if (az === 'unknown') unknown ??= `${s.address}'s availability_zone is decided at apply time`;
    else zones.add(az);
  }
  return unknown ? { zones, unknown } : { zones };
}

/** LOOM-NET-002 (MEDIUM; HIGH in prod): EKS control plane and node pools over two or more zones, Multi-AZ RDS and ElastiCache, regional (or multi-zone) GKE, Memorystore STANDARD_HA. */
export const NET_002: PolicyRule = {
  id: 'LOOM-NET-002',
  area: 'NET',
  title: 'Multi-AZ placement',
  severity: { baseline: 'MEDIUM', prod: 'HIGH' },
  rationale:
    'Zones fail independently: a control plane, node pool, database or cache confined to one zone goes down with it, and capacity that cannot move to another zone is lost for the whole outage.',
  fix: 'Spread the platform over at least two zones (network.zones ≥ 2; prod requires it). Loom places every node pool in all of them; only a batch cluster may sit in one zone (clusters[].singleZone with a reason), and such a pool needs a policies.exceptions entry giving the same reason. Databases and caches follow environment: prod (Multi-AZ RDS, ElastiCache with automatic failover, Memorystore STANDARD_HA, regional GKE).',
  anchors: [
    'AwsSolutions-ELB4',
    'AwsSolutions-AEC4',
    'AwsSolutions-RDS3',
    'AwsSolutions-OS7',
    'HIPAA.Security-RDSMultiAZSupport',
    'HIPAA.Security-ELBCrossZoneLoadBalancingEnabled',
    'CKV_AWS_157',
    'CKV2_AWS_50',
  ],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];

    for (const c of ctx.resources('aws_eks_cluster')) {
      const { zones, unknown } = zonesOf(ctx, c, list(c.values, 'vpc_config.subnet_ids'));
      if (zones.size >= 2) continue;
      if (unknown) out.push({ resource: c, message: `vpc_config.subnet_ids: ${unknown}`, unknown: true });
      else out.push({ resource: c, message: `vpc_config.subnet_ids span ${zones.size} zone${zones.size === 1 ? '' : 's'} (${[...zones].join(', ') || 'none'}): the control plane's network interfaces need two or more`, detail: 'ControlPlaneZones' });
    }

    // A pool split into one node group per zone (Loom's zonal pools share a launch template) spans the zones of all its groups.
    const pools = new Map<string, SynthResource[]>();
    for (const g of ctx.resources('aws_eks_node_group')) {
      const template = attr(g.values, 'launch_template.id') ?? attr(g.values, 'launch_template.name');
      const key = template === undefined ? keyOf(g) : `${g.stack} ${String(g.values.cluster_name)} ${String(template)}`;
      pools.set(key, [...(pools.get(key) ?? []), g]);
    }
    for (const groups of pools.values()) {
      const zones = new Set<string>();
      let unknown: string | undefined;
      for (const g of groups) {
        const z = zonesOf(ctx, g, list(g.values, 'subnet_ids'));
        z.zones.forEach((x) => zones.add(x));
        unknown ??= z.unknown;
      }
      if (zones.size >= 2) continue;
      for (const g of groups) {
        if (unknown) out.push({ resource: g, message: `subnet_ids: ${unknown}`, unknown: true });
        else
          out.push({
            resource: g,
            message: `the node pool spans ${zones.size} zone${zones.size === 1 ? '' : 's'} (${[...zones].join(', ') || 'none'}): a single-zone pool (a batch or GPU pool with clusters[].singleZone) needs an exception with its reason`,
            detail: 'NodeGroupZones',
          });
      }
    }

    for (const db of ctx.resources('aws_db_instance')) {
      if (/^aurora/.test(String(db.values.engine ?? ''))) continue; // Aurora instances: availability is the cluster's
      const multiAz = flag(db.values, 'multi_az') ?? false;
      if (multiAz === 'unknown') out.push({ resource: db, message: 'multi_az is decided at apply time', unknown: true });
      else if (!multiAz) out.push({ resource: db, message: `multi_az is ${db.values.multi_az === undefined ? 'omitted (false by default)' : 'false'}: no standby in another zone`, detail: 'MultiAz' });
    }

    for (const rg of ctx.resources('aws_elasticache_replication_group')) {
      const multiAz = flag(rg.values, 'multi_az_enabled') ?? false;
      const failover = flag(rg.values, 'automatic_failover_enabled') ?? false;
      if (multiAz === 'unknown' || failover === 'unknown') out.push({ resource: rg, message: 'multi_az_enabled or automatic_failover_enabled is decided at apply time', unknown: true });
      else if (!multiAz || !failover) {
        const off = [!multiAz ? 'multi_az_enabled' : '', !failover ? 'automatic_failover_enabled' : ''].filter(Boolean);
        out.push({ resource: rg, message: `${off.join(' and ')} ${off.length > 1 ? 'are' : 'is'} not true (false by default): the primary's zone takes the cache down`, detail: 'MultiAz' });
      }
    }

    for (const c of ctx.resources('google_container_cluster')) {
      const stack = ctx.stack(c.stack);
      const provider = stack?.providers.google?.[0];
      const location = text(c.values, 'location') ?? (provider ? (text(provider, 'zone') ?? text(provider, 'region')) : undefined);
      if (location === undefined || location === 'unknown') {
        out.push({ resource: c, message: 'location is decided at apply time (a reference, or omitted without a provider zone or region)', unknown: true });
        continue;
      }
      if (GCP_REGION.test(location)) continue;
      const nodeLocations = list(c.values, 'node_locations');
      if (nodeLocations.some(isReference)) {
        out.push({ resource: c, message: 'node_locations is decided at apply time', unknown: true });
        continue;
      }
      const zones = new Set([location, ...nodeLocations.map(String)].filter((z) => GCP_ZONE.test(z) || z === location));
      if (zones.size < 2) out.push({ resource: c, message: `the cluster is zonal (location ${location}) with its nodes in ${zones.size} zone: make it regional or list two or more node_locations`, detail: 'ClusterZones' });
    }

    for (const r of ctx.resources('google_redis_instance')) {
      const tier = text(r.values, 'tier') ?? 'BASIC';
      if (tier === 'unknown') out.push({ resource: r, message: 'tier is decided at apply time', unknown: true });
      else if (tier !== 'STANDARD_HA') out.push({ resource: r, message: `tier is ${r.values.tier === undefined ? 'omitted (BASIC by default)' : tier}: no replica in another zone`, detail: 'Tier' });
    }
    return out;
  },
};
