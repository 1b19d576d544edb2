/**
 * LOOM-PEER-001: peering and transit are narrow. A default route into a peering or transit gateway
 * hands all the VPC's egress to another network; a transit gateway that auto-accepts shared
 * attachments lets any account it is shared with join; exchanging custom routes over a Google
 * peering imports whatever the other side advertises. Peered ranges must not overlap.
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, flag, isReference, list, text } from '../../values';
import { overlappingPairs, v4, type Range } from '../net/cidrs';

const WORLD = ['0.0.0.0/0', '::/0'];

/** LOOM-PEER-001 (HIGH): no default route into a peering or transit gateway, no auto-accepted transit attachments, no custom routes over Google peerings, disjoint peered ranges. */
export const PEER_001: PolicyRule = {
  id: 'LOOM-PEER-001',
  area: 'PEER',
  title: 'Peering and transit are narrow',
  severity: { baseline: 'HIGH' },
  rationale:
    "A default route through a peering or transit gateway sends every destination to another network (and its egress); auto-accepted transit attachments and imported custom routes let another team's change rewire the platform's traffic; overlapping peered ranges black-hole it.",
  fix: 'Route only the peer’s own CIDRs into a peering or transit gateway (never 0.0.0.0/0 or ::/0); keep auto_accept_shared_attachments = "disable"; on Google Cloud leave import_custom_routes and export_custom_routes false unless the design needs them (then record it with a policies.exceptions entry) and keep both networks’ ranges disjoint (network.cidr, network.podCidr).',
  anchors: ['CKV2_AWS_44', 'CKV_AWS_331'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const checkRoute = (r: SynthResource, route: unknown, cidrPath: string, ipv6Path: string) => {
      const target = attr(route, 'vpc_peering_connection_id') !== undefined ? 'vpc_peering_connection_id' : attr(route, 'transit_gateway_id') !== undefined ? 'transit_gateway_id' : undefined;
      if (!target) return;
      for (const path of [cidrPath, ipv6Path]) {
        const dest = attr(route, path);
        if (isReference(dest)) out.push({ resource: r, message: `${path} is ${dest}, decided at apply time: whether the ${target} route is a default route cannot be told`, unknown: true });
        else if (typeof dest === 'string' && WORLD.includes(dest)) out.push({ resource: r, message: `${path} ${dest} sends all traffic to ${target}`, detail: dest });
      }
    };
    for (const r of ctx.resources('aws_route')) checkRoute(r, r.values, 'destination_cidr_block', 'destination_ipv6_cidr_block');
    for (const t of ctx.resources('aws_route_table')) for (const route of list(t.values, 'route')) checkRoute(t, route, 'cidr_block', 'ipv6_cidr_block');

    for (const tgw of ctx.resources('aws_ec2_transit_gateway')) {
      const v = text(tgw.values, 'auto_accept_shared_attachments') ?? 'disable';
      if (v === 'unknown') out.push({ resource: tgw, message: 'auto_accept_shared_attachments is decided at apply time', unknown: true });
      else if (v !== 'disable') out.push({ resource: tgw, message: `auto_accept_shared_attachments is ${v}: any account the gateway is shared with attaches without review`, detail: 'AutoAccept' });
    }

    for (const p of ctx.resources('google_compute_network_peering')) {
      for (const path of ['import_custom_routes', 'export_custom_routes']) {
        const v = flag(p.values, path) ?? false;
        if (v === 'unknown') out.push({ resource: p, message: `${path} is decided at apply time`, unknown: true });
        else if (v) out.push({ resource: p, message: `${path} is true: custom routes cross the peering (only when the design declares it, with an exception saying so)`, detail: path === 'import_custom_routes' ? 'ImportCustomRoutes' : 'ExportCustomRoutes' });
      }
      disjointPeers(ctx, p, out);
    }
    return out;
  },
};

/** The IPv4 ranges of a Google network's subnetworks (primary and secondary), or undefined when one is not readable. */
function networkRanges(ctx: RuleContext, network: SynthResource): { range: Range; what: string }[] | undefined {
  const out: { range: Range; what: string }[] = [];
  for (const s of ctx.referencing(network, 'google_compute_subnetwork')) {
    const values = [attr(s.values, 'ip_cidr_range'), ...list(s.values, 'secondary_ip_range').map((r) => attr(r, 'ip_cidr_range'))];
    for (const v of values) {
      if (v === undefined) continue;
      const r = v4(v);
      if (!r) return undefined;
      out.push({ range: r, what: `${s.address} ${r.cidr}` });
    }
  }
  return out;
}

/** Both sides of a Google peering: their subnetwork ranges must be disjoint; unknown when the peer is outside the synth. */
function disjointPeers(ctx: RuleContext, p: SynthResource, out: RuleFinding[]): void {
  const mine = ctx.resolve(p, p.values.network);
  const theirs = ctx.resolve(p, p.values.peer_network);
  if (mine?.type !== 'google_compute_network' || theirs?.type !== 'google_compute_network') {
    out.push({ resource: p, message: `the ${mine ? 'peer ' : ''}network ${String(mine ? p.values.peer_network : p.values.network)} is not in the synthesized stacks: whether the peered ranges are disjoint is decided at apply time`, unknown: true });
    return;
  }
  const a = networkRanges(ctx, mine);
  const b = networkRanges(ctx, theirs);
  if (!a || !b) {
    out.push({ resource: p, message: 'a subnetwork range of the peered networks is decided at apply time', unknown: true });
    return;
  }
  const items = [...a.map((x) => ({ ...x, side: 0 })), ...b.map((x) => ({ ...x, side: 1 }))];
  overlappingPairs(items, (x, y) => {
    if (x.side !== y.side) out.push({ resource: p, message: `peered ranges overlap: ${x.what} and ${y.what}`, detail: y.range.cidr });
  });
}
