/**
 * LOOM-NET-004: VPC-native pod addressing with enough capacity. GKE clusters use alias IPs from
 * named secondary ranges big enough for every node the pools may grow to (GKE reserves a block of
 * twice the pods per node, rounded up to a power of two, for each node); EKS node subnets hold the
 * VPC CNI's pod addresses for every node at its maximum size.
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, isReference, list, num, text } from '../../values';
import { follow, keyOf, sizeOf, v4 } from './cidrs';

/** GKE's default `max_pods_per_node`. */
const GKE_DEFAULT_MAX_PODS = 110;
/** The addresses GKE reserves per node for `maxPods` pods: 2 × maxPods rounded up to a power of two (110 → a /24). */
export const gkePodBlock = (maxPods: number): number => 2 ** Math.ceil(Math.log2(2 * maxPods));
/** AWS keeps five addresses of every subnet. */
const AWS_RESERVED_PER_SUBNET = 5;
/** The instance type node groups take when they name none (the provider's default). */
const EKS_DEFAULT_INSTANCE_TYPE = 't3.medium';

/** Network interfaces × IPv4 addresses per interface, by size, of current (Nitro) families; t2/t3/t3a differ at the small sizes. */
const ENI_LIMITS: Readonly<Record<string, readonly [number, number]>> = {
  nano: [2, 2],
  micro: [2, 2],
  small: [3, 4],
  medium: [3, 6],
  large: [3, 10],
  xlarge: [4, 15],
  '2xlarge': [4, 15],
  '3xlarge': [8, 30],
  '4xlarge': [8, 30],
  '6xlarge': [8, 30],
  '8xlarge': [8, 30],
  '9xlarge': [8, 30],
  '12xlarge': [8, 30],
  '16xlarge': [15, 50],
  '18xlarge': [15, 50],
  '24xlarge': [15, 50],
  '32xlarge': [15, 50],
  '48xlarge': [15, 50],
  metal: [15, 50],
};
const BURSTABLE_LIMITS: Readonly<Record<string, readonly [number, number]>> = { large: [3, 12], xlarge: [4, 15], '2xlarge': [4, 15] };

/**
 * The VPC CNI's pods per node without prefix delegation (ENIs × (addresses per ENI − 1) + 2, as
 * EKS's max-pods calculator): each pod takes a subnet address. Undefined for a type it cannot read.
 */
export function eksMaxPods(instanceType: string): number | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)$/.exec(instanceType);
  if (!m) return undefined;
  const size = m[2]!.startsWith('metal') ? 'metal' : m[2]!;
  const limits = (/^t[23]a?$/.test(m[1]!) ? BURSTABLE_LIMITS[size] : undefined) ?? ENI_LIMITS[size];
  return limits ? limits[0] * (limits[1] - 1) + 2 : undefined;
}

/** LOOM-NET-004 (MEDIUM): GKE clusters VPC-native on named secondary ranges that hold every node's pod block; EKS node subnets hold maxSize × pods per node. */
export const NET_004: PolicyRule = {
  id: 'LOOM-NET-004',
  area: 'NET',
  title: 'VPC-native pod addressing with enough capacity',
  severity: { baseline: 'MEDIUM' },
  rationale:
    'Routes-based GKE clusters hit the VPC route quota and bypass firewall rules for pods; a pod range or node subnet too small for the pools’ maximum stops the autoscaler at the worst moment: nodes come up without pod addresses, or do not come up at all.',
  fix: 'Loom sizes pod ranges from network.podCidr (Google Cloud) and node subnets from network.cidr by cluster flavour; lower clusters[].nodePools[].maxNodes, move pools to another cluster, or give the network a larger network.cidr / network.podCidr. Hand-built GKE clusters: set ip_allocation_policy with cluster_secondary_range_name and services_secondary_range_name.',
  anchors: ['CKV_GCP_23', 'AVD-GCP-0049', 'CIS GKE 5.6.2'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const c of ctx.resources('google_container_cluster')) gke(ctx, c, out);
    eks(ctx, out);
    return out;
  },
};

function gke(ctx: RuleContext, c: SynthResource, out: RuleFinding[]): void {
  const mode = text(c.values, 'networking_mode');
  const policy = attr(c.values, 'ip_allocation_policy');
  if (mode === 'unknown') return void out.push({ resource: c, message: 'networking_mode is decided at apply time', unknown: true });
  if (mode === 'ROUTES') return void out.push({ resource: c, message: 'networking_mode is ROUTES: pods take routes, not alias IPs', detail: 'RoutesBased' });
  if (policy === undefined || policy === null || (Array.isArray(policy) && policy.length === 0)) {
    return void out.push({ resource: c, message: 'no ip_allocation_policy: the cluster is routes-based, not VPC-native', detail: 'RoutesBased' });
  }
  const podRangeName = attr(c.values, 'ip_allocation_policy.cluster_secondary_range_name');
  const serviceRangeName = attr(c.values, 'ip_allocation_policy.services_secondary_range_name');
  const missing = [podRangeName === undefined ? 'cluster_secondary_range_name' : '', serviceRangeName === undefined ? 'services_secondary_range_name' : ''].filter(Boolean);
  if (missing.length) return void out.push({ resource: c, message: `ip_allocation_policy has no ${missing.join(' or ')}: GKE creates unnamed ranges the network plan does not know`, detail: 'NamedRanges' });
  if (isReference(podRangeName)) return void out.push({ resource: c, message: `cluster_secondary_range_name is ${podRangeName}: the pod range's size cannot be checked`, unknown: true });

  // The pod ranges: the subnetwork's secondary ranges by name.
  const subnetwork = ctx.resolve(c, c.values.subnetwork);
  if (!subnetwork || subnetwork.type !== 'google_compute_subnetwork') return void out.push({ resource: c, message: `subnetwork ${String(c.values.subnetwork ?? '(omitted)')} cannot be followed: the pod range's size cannot be checked`, unknown: true });
  const ranges = new Map(list(subnetwork.values, 'secondary_ip_range').map((r) => [String(attr(r, 'range_name')), attr(r, 'ip_cidr_range')]));

  // Nodes the pools may grow to, and the pod block each takes, per pod range.
  const location = text(c.values, 'location');
  const clusterZones = list(c.values, 'node_locations').length || (typeof location === 'string' && /-[a-z]$/.test(location) ? 1 : 3);
  const clusterMaxPods = num(c.values, 'default_max_pods_per_node') ?? GKE_DEFAULT_MAX_PODS;
  const pools: unknown[] = [...ctx.referencing(c, 'google_container_node_pool').map((p) => p.values), ...list(c.values, 'node_pool')];
  if (!pools.length && attr(c.values, 'remove_default_node_pool') !== true) pools.push({ node_count: c.values.initial_node_count ?? 1 });
  const demand = new Map<string, { nodes: number; addresses: number }>();
  for (const p of pools) {
    const zones = list(p, 'node_locations').length || clusterZones;
    const maxPods = num(p, 'max_pods_per_node') ?? clusterMaxPods;
    const total = num(p, 'autoscaling.total_max_node_count');
    const perZone = num(p, 'autoscaling.max_node_count') ?? num(p, 'node_count') ?? num(p, 'initial_node_count') ?? 1;
    if (maxPods === 'unknown' || total === 'unknown' || perZone === 'unknown') return void out.push({ resource: c, message: 'a node pool’s size or max pods per node is decided at apply time', unknown: true });
    const nodes = total ?? perZone * zones;
    const range = String(attr(p, 'network_config.pod_range') ?? podRangeName);
    const d = demand.get(range) ?? { nodes: 0, addresses: 0 };
    demand.set(range, { nodes: d.nodes + nodes, addresses: d.addresses + nodes * gkePodBlock(maxPods) });
  }
  for (const [name, need] of demand) {
    const cidr = ranges.get(name);
    if (cidr === undefined || isReference(cidr)) {
      out.push({ resource: c, message: `pod range ${name} is not a secondary range of ${subnetwork.address} that synth can read: its size cannot be checked`, unknown: true });
      continue;
    }
    const r = v4(cidr);
    if (!r) continue; // not a range: LOOM-NET-001 reports it
    if (need.addresses > sizeOf(r)) {
      out.push({
        resource: c,
        message: `pod range ${name} (${r.cidr}, ${sizeOf(r)} addresses) is too small: the pools may grow to ${need.nodes} nodes, which take ${need.addresses} pod addresses`,
        detail: `PodRange:${name}`,
      });
    }
  }
}

/** Addresses set aside in each subnet (explicit `aws_ec2_subnet_cidr_reservation`s), by subnet. */
function reservations(ctx: RuleContext): Map<string, number> {
  const reserved = new Map<string, number>();
  for (const r of ctx.resources('aws_ec2_subnet_cidr_reservation')) {
    const subnet = ctx.resolve(r, r.values.subnet_id);
    const range = v4(attr(r.values, 'cidr_block'));
    if (subnet && range) reserved.set(keyOf(subnet), (reserved.get(keyOf(subnet)) ?? 0) + sizeOf(range));
  }
  return reserved;
}

function eks(ctx: RuleContext, out: RuleFinding[]): void {
  const groups = ctx.resources('aws_eks_node_group');
  if (!groups.length) return;
  const reserved = reservations(ctx);
  // Node groups of one cluster share its subnets: their demand adds up.
  const byCluster = new Map<string, { at: SynthResource; groups: SynthResource[] }>();
  for (const g of groups) {
    const cluster = ctx.resolve(g, g.values.cluster_name);
    const key = cluster ? keyOf(cluster) : `${g.stack} ${String(g.values.cluster_name)}`;
    const entry = byCluster.get(key) ?? { at: cluster ?? g, groups: [] };
    entry.groups.push(g);
    byCluster.set(key, entry);
  }
  for (const { at, groups: members } of byCluster.values()) {
    const subnets = new Map<string, SynthResource>();
    let demand = 0;
    let unknown: string | undefined;
    for (const g of members) {
      const { resources, unresolved } = follow(ctx, g, list(g.values, 'subnet_ids'), 'aws_subnet');
      if (unresolved.length) unknown ??= `subnet ${String(unresolved[0])} of ${g.address} cannot be followed`;
      resources.forEach((s) => subnets.set(keyOf(s), s));
      const maxSize = num(g.values, 'scaling_config.max_size');
      let types = list(g.values, 'instance_types');
      if (!types.length) {
        const template = ctx.resolve(g, attr(g.values, 'launch_template.id') ?? attr(g.values, 'launch_template.name'));
        const fromTemplate = template ? attr(template.values, 'instance_type') : undefined;
        types = fromTemplate === undefined ? [EKS_DEFAULT_INSTANCE_TYPE] : [fromTemplate];
      }
      const pods = types.map((t) => (isReference(t) ? undefined : eksMaxPods(String(t))));
      if (maxSize === undefined || maxSize === 'unknown') unknown ??= `scaling_config.max_size of ${g.address} is not known at synth`;
      else if (pods.some((p) => p === undefined)) unknown ??= `the pods per node of ${types.join(', ')} (${g.address}) are not known`;
      else demand += maxSize * Math.max(...(pods as number[]));
    }
    let capacity = 0;
    for (const s of subnets.values()) {
      const range = v4(attr(s.values, 'cidr_block'));
      if (!range) unknown ??= `${s.address}'s cidr_block is not known at synth`;
      else capacity += sizeOf(range) - AWS_RESERVED_PER_SUBNET - (reserved.get(keyOf(s)) ?? 0);
    }
    if (unknown) out.push({ resource: at, message: `node subnet capacity cannot be checked: ${unknown}`, unknown: true });
    else if (demand > capacity) {
      out.push({
        resource: at,
        message: `the node groups may grow to ${demand} pod addresses (maxSize × the VPC CNI's pods per node) but their subnets hold ${capacity}`,
        detail: 'NodeSubnetCapacity',
      });
    }
  }
}
