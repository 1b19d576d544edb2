/**
 * LOOM-PEER-002: private subnets egress through NAT, not the internet gateway. On AWS a route table
 * used by a private or data subnet (nodes, the EKS control plane's interfaces, databases, caches)
 * must not send the default route to an internet gateway; on Google Cloud a subnetwork GKE nodes
 * use may keep the network's default internet route only when Cloud NAT serves it.
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, isObject, isReference, list, text } from '../../values';
import { follow, keyOf } from '../net/cidrs';

const DEFAULT_ROUTES = ['0.0.0.0/0', '::/0'];

/** An internet-gateway default route, where it is declared. */
interface IgwRoute {
  readonly resource: SynthResource;
  readonly destination: string;
  /** The target or the destination is a reference synth cannot follow. */
  readonly unknown?: boolean;
}

/** LOOM-PEER-002 (HIGH): no default route to an internet gateway from private or data subnets; GKE node subnetworks with an internet route are served by Cloud NAT. */
export const PEER_002: PolicyRule = {
  id: 'LOOM-PEER-002',
  area: 'PEER',
  title: 'Private subnets egress through NAT, not the IGW',
  severity: { baseline: 'HIGH' },
  rationale:
    'A default route to the internet gateway makes a "private" subnet public in all but name: any interface that gets a public address (a misconfigured launch template, an Elastic IP) is reachable from and talks directly to the internet, bypassing the NAT’s single egress point and its logs.',
  fix: 'Keep nodes and data stores in Loom’s private and data subnets (AwsNetwork routes their default route to a NAT gateway — network.natGateways — and gives the data tier no route out); on Google Cloud keep the Cloud NAT GcpNetwork creates, covering every subnetwork.',
  anchors: ['HIPAA.Security-VPCNoUnrestrictedRouteToIGW', 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW', 'CKV2_AWS_35'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    aws(ctx, out);
    google(ctx, out);
    return out;
  },
};

/** Subnets that hold private workloads: tagged private or data, or used by node groups, EKS, RDS or ElastiCache — unless tagged public. */
function privateSubnets(ctx: RuleContext): Set<string> {
  const keys = new Set<string>();
  const use = (from: SynthResource, ids: unknown[]) => follow(ctx, from, ids, 'aws_subnet').resources.forEach((s) => keys.add(keyOf(s)));
  for (const g of ctx.resources('aws_eks_node_group')) use(g, list(g.values, 'subnet_ids'));
  for (const c of ctx.resources('aws_eks_cluster')) use(c, list(c.values, 'vpc_config.subnet_ids'));
  for (const g of ctx.resources('aws_db_subnet_group', 'aws_elasticache_subnet_group')) use(g, list(g.values, 'subnet_ids'));
  for (const s of ctx.resources('aws_subnet')) {
    const tags = isObject(s.values.tags) ? s.values.tags : {};
    const tier = tags['loom.dev/tier'];
    if (tier === 'public' || tags['kubernetes.io/role/elb'] !== undefined) keys.delete(keyOf(s));
    else if (tier === 'private' || tier === 'data' || tags['kubernetes.io/role/internal-elb'] !== undefined) keys.add(keyOf(s));
  }
  return keys;
}

function aws(ctx: RuleContext, out: RuleFinding[]): void {
  // Internet-gateway default routes, by route table.
  const igwRoutes = new Map<string, IgwRoute[]>();
  const addRoute = (from: SynthResource, table: SynthResource | undefined, route: unknown, cidrPath: string, ipv6Path: string) => {
    const gw = attr(route, 'gateway_id');
    if (gw === undefined) return;
    const target = ctx.resolve(from, gw);
    const isIgw = target?.type === 'aws_internet_gateway' || (typeof gw === 'string' && gw.startsWith('igw-'));
    const targetUnknown = !target && isReference(gw);
    if (!isIgw && !targetUnknown) return;
    for (const path of [cidrPath, ipv6Path]) {
      const dest = attr(route, path);
      if (dest === undefined) continue;
      const destUnknown = isReference(dest);
      if (!destUnknown && !DEFAULT_ROUTES.includes(String(dest))) continue;
      if (!table) {
        out.push({ resource: from, message: `route_table_id cannot be followed: whether a private subnet uses this ${String(dest)} route to ${String(gw)} is decided at apply time`, unknown: true });
        continue;
      }
      igwRoutes.set(keyOf(table), [...(igwRoutes.get(keyOf(table)) ?? []), { resource: from, destination: String(dest), ...(destUnknown || targetUnknown ? { unknown: true } : {}) }]);
    }
  };
  for (const r of ctx.resources('aws_route')) addRoute(r, ctx.resolve(r, r.values.route_table_id), r.values, 'destination_cidr_block', 'destination_ipv6_cidr_block');
  for (const t of ctx.resources('aws_route_table', 'aws_default_route_table')) for (const route of list(t.values, 'route')) addRoute(t, t, route, 'cidr_block', 'ipv6_cidr_block');
  if (!igwRoutes.size) return;

  const priv = privateSubnets(ctx);
  // Which subnets each route table serves: explicit associations, and the VPC's main table for the rest.
  const served = new Map<string, { subnets: SynthResource[]; unresolved: unknown[] }>();
  const associated = new Set<string>();
  const serve = (table: SynthResource, subnet: SynthResource | undefined, raw: unknown) => {
    const entry = served.get(keyOf(table)) ?? { subnets: [], unresolved: [] };
    if (subnet) entry.subnets.push(subnet);
    else entry.unresolved.push(raw);
    served.set(keyOf(table), entry);
  };
  for (const a of ctx.resources('aws_route_table_association')) {
    if (a.values.subnet_id === undefined) continue;
    const table = ctx.resolve(a, a.values.route_table_id);
    const subnet = ctx.resolve(a, a.values.subnet_id);
    if (subnet) associated.add(keyOf(subnet));
    if (table) serve(table, subnet?.type === 'aws_subnet' ? subnet : undefined, a.values.subnet_id);
  }
  const mainTables = new Map<string, SynthResource>();
  for (const t of ctx.resources('aws_default_route_table')) {
    const vpc = ctx.resolve(t, t.values.default_route_table_id);
    if (vpc?.type === 'aws_vpc') mainTables.set(keyOf(vpc), t);
  }
  for (const m of ctx.resources('aws_main_route_table_association')) {
    const vpc = ctx.resolve(m, m.values.vpc_id);
    const table = ctx.resolve(m, m.values.route_table_id);
    if (vpc && table) mainTables.set(keyOf(vpc), table);
  }
  if (mainTables.size) {
    for (const s of ctx.resources('aws_subnet')) {
      if (associated.has(keyOf(s))) continue;
      const vpc = ctx.resolve(s, s.values.vpc_id);
      const main = vpc ? mainTables.get(keyOf(vpc)) : undefined;
      if (main) serve(main, s, undefined);
    }
  }

  for (const [table, routes] of igwRoutes) {
    const entry = served.get(table);
    if (!entry) continue;
    const privates = entry.subnets.filter((s) => priv.has(keyOf(s)));
    for (const route of routes) {
      if (privates.length) {
        const names = privates.map((s) => s.address).join(', ');
        if (route.unknown) out.push({ resource: route.resource, message: `a route that may send ${route.destination} to an internet gateway serves private subnets ${names}`, unknown: true });
        else out.push({ resource: route.resource, message: `${route.destination} goes to an internet gateway from a table that private subnets use: ${names}`, detail: route.destination });
      } else if (entry.unresolved.length && !route.unknown) {
        out.push({ resource: route.resource, message: `${route.destination} goes to an internet gateway, and subnet ${String(entry.unresolved[0])} associated with the table cannot be followed: whether it is private is decided at apply time`, unknown: true });
      }
    }
  }
}

function google(ctx: RuleContext, out: RuleFinding[]): void {
  const clusters = ctx.resources('google_container_cluster');
  if (!clusters.length) return;
  // Networks with a default route to the internet: the one Google creates unless deleted, or one declared.
  const internetRoute = new Map<string, boolean>();
  for (const n of ctx.resources('google_compute_network')) internetRoute.set(keyOf(n), attr(n.values, 'delete_default_routes_on_create') !== true);
  for (const r of ctx.resources('google_compute_route')) {
    const hop = text(r.values, 'next_hop_gateway');
    const network = ctx.resolve(r, r.values.network);
    if (network && text(r.values, 'dest_range') === '0.0.0.0/0' && typeof hop === 'string' && /default-internet-gateway$/.test(hop)) internetRoute.set(keyOf(network), true);
  }
  // What Cloud NAT covers: whole networks (per region) or listed subnetworks.
  const natNetworks = new Set<string>();
  const natSubnets = new Set<string>();
  let natUnknown = false;
  for (const nat of ctx.resources('google_compute_router_nat')) {
    const router = ctx.resolve(nat, nat.values.router);
    const network = router ? ctx.resolve(router, router.values.network) : undefined;
    if (!network) {
      natUnknown = true;
      continue;
    }
    const region = text(nat.values, 'region') ?? (router ? text(router.values, 'region') : undefined);
    const scope = text(nat.values, 'source_subnetwork_ip_ranges_to_nat');
    if (scope === 'LIST_OF_SUBNETWORKS') {
      for (const s of list(nat.values, 'subnetwork')) {
        const subnet = ctx.resolve(nat, attr(s, 'name'));
        if (subnet) natSubnets.add(keyOf(subnet));
        else natUnknown = true;
      }
    } else if (scope === 'unknown') natUnknown = true;
    else natNetworks.add(`${keyOf(network)} ${region ?? '*'}`);
  }
  const seen = new Set<string>();
  for (const c of clusters) {
    const subnet = ctx.resolve(c, c.values.subnetwork);
    if (!subnet || subnet.type !== 'google_compute_subnetwork') {
      if (c.values.subnetwork !== undefined) out.push({ resource: c, message: `subnetwork ${String(c.values.subnetwork)} cannot be followed: whether the nodes egress through Cloud NAT is decided at apply time`, unknown: true });
      continue;
    }
    if (seen.has(keyOf(subnet))) continue;
    seen.add(keyOf(subnet));
    const network = ctx.resolve(subnet, subnet.values.network);
    if (!network) {
      out.push({ resource: subnet, message: 'the subnetwork’s network cannot be followed: whether it has a default internet route is decided at apply time', unknown: true });
      continue;
    }
    if (!internetRoute.get(keyOf(network))) continue;
    const region = text(subnet.values, 'region');
    const covered = natSubnets.has(keyOf(subnet)) || natNetworks.has(`${keyOf(network)} *`) || (region !== undefined && natNetworks.has(`${keyOf(network)} ${region}`)) || (region === undefined && [...natNetworks].some((k) => k.startsWith(`${keyOf(network)} `)));
    if (covered) continue;
    if (natUnknown) out.push({ resource: subnet, message: 'a Cloud NAT whose router or subnetworks cannot be followed may or may not serve this node subnetwork', unknown: true });
    else out.push({ resource: subnet, message: `GKE nodes use this subnetwork, its network ${network.address} has a default route to the internet gateway, and no Cloud NAT (google_compute_router_nat) serves it`, detail: 'NoCloudNat' });
  }
}
