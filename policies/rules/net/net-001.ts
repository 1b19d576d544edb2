/**
 * LOOM-NET-001: the CIDR plan is valid and has no overlaps. zod checks the spec's `network.cidr`
 * and `network.podCidr`; this re-checks what was synthesized (escape hatches included): private VPC
 * ranges of a sane size, subnets inside their VPC and disjoint, EKS service ranges the API accepts,
 * Google subnetwork, secondary, private-services and control-plane ranges disjoint within a network,
 * and every peer or on-prem range (routes to peerings, transit gateways, VPNs; the networks allowed
 * to reach a private EKS API) disjoint from all of them.
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, isReference, list, parseReference, text } from '../../values';
import { CGNAT, follow, isRfc1918, keyOf, overlappingPairs, overlaps, v4, within, type Range } from './cidrs';

/** EKS's service range when `service_ipv4_cidr` is omitted: 172.20.0.0/16 for a VPC in 10.0.0.0/8, else 10.100.0.0/16 (as the EKS AMI's bootstrap picks the DNS address). */
const EKS_DEFAULT_IN_TEN = v4('172.20.0.0/16')!;
const EKS_DEFAULT_OTHERWISE = v4('10.100.0.0/16')!;
const TEN = v4('10.0.0.0/8')!;

/** A range the platform itself uses. */
interface PlatformRange {
  readonly range: Range;
  readonly resource: SynthResource;
  /** What it is (`VPC`, `subnetwork`, `secondary range pods`, `EKS service range`, …). */
  readonly what: string;
  /** VPC-local ranges may sit inside a wider peer summary route; EKS service ranges may not. */
  readonly local: boolean;
  /** A range EKS picks (the service default): overlap is reported as unknown when the pick is not certain. */
  readonly uncertain?: boolean;
  readonly peer?: undefined;
}

/** A peer or on-prem range: where traffic leaves the platform's networks, or comes from. */
interface PeerRange {
  readonly range: Range;
  readonly resource: SynthResource;
  readonly what: string;
  /** `route`: routed out of the VPC; `source`: allowed to reach a private API (may lie inside the VPC: a bastion). */
  readonly peer: 'route' | 'source';
}

const describe = (r: { what: string; range: Range; resource: SynthResource }) => `${r.what} ${r.range.cidr} (${r.resource.address})`;

/** LOOM-NET-001 (HIGH): VPC ranges private and /16–/28, subnets inside their VPC and disjoint, EKS service ranges valid and outside the VPC, Google ranges disjoint per network, peer and on-prem ranges disjoint from all of them. */
export const NET_001: PolicyRule = {
  id: 'LOOM-NET-001',
  area: 'NET',
  title: 'CIDR plan is valid and has no overlaps',
  severity: { baseline: 'HIGH' },
  rationale:
    'Overlapping or out-of-range address blocks fail at apply time at best; at worst they apply and black-hole traffic: pods cannot reach an on-prem range that collides with the service range, peerings refuse overlapping routes, and a VPC cannot be re-addressed without being rebuilt.',
  fix: 'Choose network.cidr inside RFC 1918 (a /16 to /28) and network.podCidr (Google Cloud) disjoint from it and from every network routed into the platform — the VPN and CI networks of clusters[].endpoint.privateAccessCidrs included; Loom derives every subnet and secondary range from them. For hand-built resources, keep subnets inside their VPC and disjoint, and set an EKS service_ipv4_cidr in RFC 1918, /24 to /12, outside the VPC and the on-prem ranges.',
  anchors: [],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const platform: PlatformRange[] = [];
    const peers: PeerRange[] = [];
    const vpcRanges = awsVpcs(ctx, out, platform);
    awsSubnets(ctx, out, vpcRanges);
    eksServiceRanges(ctx, out, vpcRanges, platform);
    googleRanges(ctx, out, platform);
    peerRanges(ctx, out, peers);

    // Peer and on-prem ranges against everything the platform uses, in one sweep.
    overlappingPairs<PlatformRange | PeerRange>([...platform, ...peers], (a, b) => {
      const peer = a.peer ? a : b.peer ? b : undefined;
      const mine = peer === a ? b : a;
      if (!peer || mine.peer) return;
      const own = mine as PlatformRange;
      // A peer summary (10.0.0.0/8 to the transit gateway) may hold VPC-local ranges: the local route is more specific.
      if (peer.peer === 'route' && own.local && within(own.range, peer.range)) return;
      // A network allowed to reach the API may be inside the VPC (a bastion subnet).
      if (peer.peer === 'source' && own.local && (within(peer.range, own.range) || within(own.range, peer.range))) return;
      out.push({
        resource: peer.resource,
        message: `${describe(peer)} overlaps ${describe(own)}${own.uncertain ? ', one of the two ranges EKS picks when service_ipv4_cidr is omitted' : ''}: traffic to that range cannot tell the two apart`,
        detail: peer.range.cidr,
        ...(own.uncertain ? { unknown: true } : {}),
      });
    });
    return out;
  },
};

/** Checks every `aws_vpc` block; returns each VPC's ranges (primary and secondary associations). */
function awsVpcs(ctx: RuleContext, out: RuleFinding[], platform: PlatformRange[]): Map<string, Range[]> {
  const ranges = new Map<string, Range[]>();
  for (const vpc of ctx.resources('aws_vpc')) {
    const cidr = attr(vpc.values, 'cidr_block');
    if (cidr === undefined || cidr === null) {
      out.push({ resource: vpc, message: 'cidr_block is omitted: the VPC takes its range from IPAM (ipv4_ipam_pool_id) at apply time', unknown: true });
      continue;
    }
    if (isReference(cidr)) {
      out.push({ resource: vpc, message: `cidr_block is ${cidr}, decided at apply time`, unknown: true });
      continue;
    }
    const r = v4(cidr);
    if (!r) {
      out.push({ resource: vpc, message: `cidr_block ${String(cidr)} is not an IPv4 network CIDR`, detail: String(cidr) });
      continue;
    }
    const problems: string[] = [];
    if (within(r, CGNAT)) problems.push('is in 100.64.0.0/10 (shared address space), which needs an exception that says why');
    else if (!isRfc1918(r)) problems.push('is not inside RFC 1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)');
    if (r.prefix < 16 || r.prefix > 28) problems.push(`is a /${r.prefix}; a VPC takes a /16 to a /28`);
    if (problems.length) out.push({ resource: vpc, message: `cidr_block ${r.cidr} ${problems.join(', and ')}`, detail: r.cidr });
    ranges.set(keyOf(vpc), [r]);
    platform.push({ range: r, resource: vpc, what: 'VPC', local: true });
  }
  for (const assoc of ctx.resources('aws_vpc_ipv4_cidr_block_association')) {
    const vpc = ctx.resolve(assoc, assoc.values.vpc_id);
    const r = v4(attr(assoc.values, 'cidr_block'));
    if (vpc && r) ranges.get(keyOf(vpc))?.push(r);
    if (r) platform.push({ range: r, resource: assoc, what: 'VPC secondary range', local: true });
  }
  return ranges;
}

/** Every `aws_subnet` inside its VPC, and disjoint from the VPC's other subnets. */
function awsSubnets(ctx: RuleContext, out: RuleFinding[], vpcRanges: Map<string, Range[]>): void {
  const byVpc = new Map<string, { range: Range; resource: SynthResource }[]>();
  for (const s of ctx.resources('aws_subnet')) {
    const cidr = attr(s.values, 'cidr_block');
    if (cidr === undefined || cidr === null) continue; // IPv6-only or IPAM subnet: no IPv4 range to place
    if (isReference(cidr)) {
      out.push({ resource: s, message: `cidr_block is ${cidr}, decided at apply time`, unknown: true });
      continue;
    }
    const r = v4(cidr);
    if (!r) {
      out.push({ resource: s, message: `cidr_block ${String(cidr)} is not an IPv4 network CIDR`, detail: String(cidr) });
      continue;
    }
    const vpc = ctx.resolve(s, s.values.vpc_id);
    if (!vpc) {
      out.push({ resource: s, message: `vpc_id ${String(s.values.vpc_id)} cannot be followed: whether ${r.cidr} lies inside the VPC is decided at apply time`, unknown: true });
      continue;
    }
    const ranges = vpcRanges.get(keyOf(vpc));
    if (!ranges) continue; // the VPC's own range is unknown or invalid: reported on the VPC
    if (!ranges.some((v) => within(r, v))) out.push({ resource: s, message: `cidr_block ${r.cidr} is not inside the VPC's ${ranges.map((v) => v.cidr).join(', ')} (${vpc.address})`, detail: r.cidr });
    const list = byVpc.get(keyOf(vpc)) ?? [];
    list.push({ range: r, resource: s });
    byVpc.set(keyOf(vpc), list);
  }
  for (const subnets of byVpc.values()) {
    overlappingPairs(subnets, (a, b) => out.push({ resource: b.resource, message: `cidr_block ${b.range.cidr} overlaps subnet ${a.range.cidr} (${a.resource.address}) of the same VPC`, detail: b.range.cidr }));
  }
}

/** The VPC of an EKS cluster, through its first subnet that can be followed. */
function vpcOfCluster(ctx: RuleContext, cluster: SynthResource): SynthResource | undefined {
  for (const s of follow(ctx, cluster, list(cluster.values, 'vpc_config.subnet_ids'), 'aws_subnet').resources) {
    const vpc = ctx.resolve(s, s.values.vpc_id);
    if (vpc?.type === 'aws_vpc') return vpc;
  }
  return undefined;
}

/** `kubernetes_network_config.service_ipv4_cidr`: private, /24–/12, outside the VPC; the default EKS picks when omitted. */
function eksServiceRanges(ctx: RuleContext, out: RuleFinding[], vpcRanges: Map<string, Range[]>, platform: PlatformRange[]): void {
  for (const c of ctx.resources('aws_eks_cluster')) {
    if (text(c.values, 'kubernetes_network_config.ip_family') === 'ipv6') continue;
    const cidr = attr(c.values, 'kubernetes_network_config.service_ipv4_cidr');
    const vpc = vpcOfCluster(ctx, c);
    const ranges = vpc ? vpcRanges.get(keyOf(vpc)) : undefined;
    if (cidr === undefined || cidr === null || cidr === '') {
      // EKS picks a range outside the VPC; which one depends on the VPC's range.
      if (ranges?.length) platform.push({ range: ranges.some((v) => within(v, TEN)) ? EKS_DEFAULT_IN_TEN : EKS_DEFAULT_OTHERWISE, resource: c, what: 'EKS service range (default)', local: false });
      else for (const d of [EKS_DEFAULT_IN_TEN, EKS_DEFAULT_OTHERWISE]) platform.push({ range: d, resource: c, what: 'EKS service range (possible default)', local: false, uncertain: true });
      continue;
    }
    if (isReference(cidr)) {
      out.push({ resource: c, message: `kubernetes_network_config.service_ipv4_cidr is ${cidr}, decided at apply time`, unknown: true });
      continue;
    }
    const r = v4(cidr);
    if (!r) {
      out.push({ resource: c, message: `kubernetes_network_config.service_ipv4_cidr ${String(cidr)} is not an IPv4 network CIDR`, detail: String(cidr) });
      continue;
    }
    const problems: string[] = [];
    if (!isRfc1918(r)) problems.push('is not inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16');
    if (r.prefix < 12 || r.prefix > 24) problems.push(`is a /${r.prefix}; EKS takes a /24 to a /12`);
    if (ranges) {
      const hit = ranges.find((v) => overlaps(r, v));
      if (hit) problems.push(`overlaps the VPC's ${hit.cidr} (${vpc!.address})`);
    }
    if (problems.length) out.push({ resource: c, message: `kubernetes_network_config.service_ipv4_cidr ${r.cidr} ${problems.join(', and ')}`, detail: r.cidr });
    else if (!ranges) out.push({ resource: c, message: `the cluster's VPC cannot be followed from vpc_config.subnet_ids: whether service range ${r.cidr} overlaps it is decided at apply time`, unknown: true });
    platform.push({ range: r, resource: c, what: 'EKS service range', local: false });
  }
}

/** Google: per network, subnetwork primary and secondary ranges, private services access and GKE control-plane ranges are disjoint. */
function googleRanges(ctx: RuleContext, out: RuleFinding[], platform: PlatformRange[]): void {
  const byNetwork = new Map<string, PlatformRange[]>();
  const add = (from: SynthResource, network: unknown, item: PlatformRange) => {
    const target = ctx.resolve(from, network);
    const key = target ? keyOf(target) : String(network ?? '');
    byNetwork.set(key, [...(byNetwork.get(key) ?? []), item]);
    platform.push(item);
  };
  const unknownRange = (r: SynthResource, path: string, v: unknown) => out.push({ resource: r, message: `${path} is ${String(v)}, decided at apply time`, unknown: true });
  const invalid = (r: SynthResource, path: string, v: unknown) => out.push({ resource: r, message: `${path} ${String(v)} is not an IPv4 network CIDR`, detail: String(v) });
  for (const s of ctx.resources('google_compute_subnetwork')) {
    const ranges: [string, string, unknown][] = [['ip_cidr_range', 'subnetwork', attr(s.values, 'ip_cidr_range')]];
    for (const sec of list(s.values, 'secondary_ip_range')) ranges.push([`secondary_ip_range ${String(attr(sec, 'range_name'))}`, `secondary range ${String(attr(sec, 'range_name'))}`, attr(sec, 'ip_cidr_range')]);
    for (const [path, what, v] of ranges) {
      if (v === undefined || v === null) continue;
      if (isReference(v)) unknownRange(s, path, v);
      else if (!v4(v)) invalid(s, path, v);
      else add(s, s.values.network, { range: v4(v)!, resource: s, what, local: true });
    }
  }
  for (const g of ctx.resources('google_compute_global_address')) {
    if (text(g.values, 'purpose') !== 'VPC_PEERING') continue;
    const address = attr(g.values, 'address');
    const prefix = attr(g.values, 'prefix_length');
    if (address === undefined) continue; // Google allocates a free block
    if (isReference(address) || isReference(prefix)) {
      unknownRange(g, 'address/prefix_length', `${String(address)}/${String(prefix)}`);
      continue;
    }
    const r = v4(`${String(address)}/${String(prefix ?? 32)}`);
    if (!r) invalid(g, 'address/prefix_length', `${String(address)}/${String(prefix)}`);
    else add(g, g.values.network, { range: r, resource: g, what: 'private services access range', local: true });
  }
  for (const c of ctx.resources('google_container_cluster')) {
    const master = attr(c.values, 'private_cluster_config.master_ipv4_cidr_block');
    if (master === undefined || master === null) continue;
    if (isReference(master)) unknownRange(c, 'private_cluster_config.master_ipv4_cidr_block', master);
    else if (!v4(master)) invalid(c, 'private_cluster_config.master_ipv4_cidr_block', master);
    else add(c, c.values.network, { range: v4(master)!, resource: c, what: 'GKE control-plane range', local: true });
  }
  for (const ranges of byNetwork.values()) {
    overlappingPairs(ranges, (a, b) => out.push({ resource: b.resource, message: `${describe(b)} overlaps ${describe(a)} in the same network`, detail: b.range.cidr }));
  }
}

/** A route's target is outside the VPC: a peering, a transit gateway or a VPN gateway. */
function leavesVpc(ctx: RuleContext, from: SynthResource, route: unknown): string | undefined {
  if (attr(route, 'vpc_peering_connection_id') !== undefined) return 'a VPC peering';
  if (attr(route, 'transit_gateway_id') !== undefined) return 'a transit gateway';
  const gw = attr(route, 'gateway_id');
  if (typeof gw === 'string' && (gw.startsWith('vgw-') || ctx.resolve(from, gw)?.type === 'aws_vpn_gateway')) return 'a VPN gateway';
  return undefined;
}

/** Peer and on-prem ranges: routed out of the VPC, or allowed to reach a private Kubernetes API. */
function peerRanges(ctx: RuleContext, out: RuleFinding[], peers: PeerRange[]): void {
  const push = (r: SynthResource, v: unknown, what: string, peer: PeerRange['peer'], onlyPrivate = false) => {
    if (v === undefined || v === null) return;
    if (isReference(v)) {
      out.push({ resource: r, message: `${what} ${v} is decided at apply time: whether it is disjoint from the platform's ranges cannot be checked`, unknown: true });
      return;
    }
    const range = v4(v);
    if (!range || (onlyPrivate && !isRfc1918(range) && !within(range, CGNAT))) return;
    peers.push({ range, resource: r, what, peer });
  };
  for (const r of ctx.resources('aws_route')) {
    const via = leavesVpc(ctx, r, r.values);
    if (via) push(r, r.values.destination_cidr_block, `route to ${via}`, 'route');
  }
  for (const t of ctx.resources('aws_route_table')) {
    for (const route of list(t.values, 'route')) {
      const via = leavesVpc(ctx, t, route);
      if (via) push(t, attr(route, 'cidr_block'), `route to ${via}`, 'route');
    }
  }
  for (const r of ctx.resources('aws_vpn_connection_route')) push(r, r.values.destination_cidr_block, 'VPN route', 'route');
  for (const r of ctx.resources('google_compute_route')) {
    if (attr(r.values, 'next_hop_vpn_tunnel') !== undefined) push(r, r.values.dest_range, 'route to a VPN tunnel', 'route');
  }
  // The networks allowed to reach a private EKS API (clusters[].endpoint.privateAccessCidrs): routed into the VPC.
  const toClusterSg = (sg: unknown) => {
    const ref = parseReference(sg);
    return ref?.type === 'aws_eks_cluster' && /cluster_security_group_id/.test(ref.attribute ?? '');
  };
  for (const r of ctx.resources('aws_vpc_security_group_ingress_rule')) {
    if (toClusterSg(r.values.security_group_id)) push(r, r.values.cidr_ipv4, 'network allowed to reach the Kubernetes API', 'source', true);
  }
  for (const r of ctx.resources('aws_security_group_rule')) {
    if (text(r.values, 'type') === 'ingress' && toClusterSg(r.values.security_group_id)) {
      for (const c of list(r.values, 'cidr_blocks')) push(r, c, 'network allowed to reach the Kubernetes API', 'source', true);
    }
  }
}
