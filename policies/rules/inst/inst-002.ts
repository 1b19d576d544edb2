/**
 * LOOM-INST-002: nodes are private. EKS node groups sit only in private subnets (no public IP on
 * launch, no default route to an internet gateway), their launch templates ask for no public IP,
 * and GKE clusters run private nodes.
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, attrs, flag, isReference, list } from '../../values';

const WORLD = ['0.0.0.0/0', '::/0'];

/** Whether a subnet's route table sends the world to an internet gateway: true, false or unknown. */
function routesToInternetGateway(ctx: RuleContext, subnet: SynthResource): boolean | 'unknown' {
  const associations = ctx.referencing(subnet, 'aws_route_table_association');
  let unknown = false;
  for (const a of associations) {
    const table = ctx.resolve(a, a.values.route_table_id);
    if (!table) {
      unknown = true;
      continue;
    }
    const routes = [
      ...list(table.values, 'route').map((r) => ({ from: table, values: r })),
      ...ctx.referencing(table, 'aws_route').map((r) => ({ from: r, values: r.values as unknown })),
    ];
    for (const { from, values } of routes) {
      const dest = attr(values, 'destination_cidr_block') ?? attr(values, 'cidr_block') ?? attr(values, 'destination_ipv6_cidr_block') ?? attr(values, 'ipv6_cidr_block');
      if (!WORLD.includes(String(dest))) continue;
      const gw = attr(values, 'gateway_id');
      if (gw === undefined) continue;
      const target = ctx.resolve(from, gw);
      if (target?.type === 'aws_internet_gateway') return true;
      if (!target && (isReference(gw) || String(gw).startsWith('igw-'))) unknown = true;
    }
  }
  return unknown ? 'unknown' : false;
}

/** Node groups in private subnets only, no public IPs on nodes; GKE private nodes. */
export const INST_002: PolicyRule = {
  id: 'LOOM-INST-002',
  area: 'INST',
  title: 'Nodes are private',
  severity: { baseline: 'HIGH' },
  rationale: 'A node with a public address is reachable from the internet on every port its security groups or firewall leave open (kubelet, NodePorts), and bypasses the NAT egress controls.',
  fix: 'Loom places node groups in the network\'s private node subnets (network.*) and makes GKE nodes private; for hand-written resources keep associate_public_ip_address unset or false, map_public_ip_on_launch = false on node subnets, route them through NAT, and set private_cluster_config.enable_private_nodes = true.',
  anchors: ['CKV_AWS_88', 'CKV_AWS_130', 'AVD-AWS-0009', 'AVD-AWS-0164', 'HIPAA.Security-EC2InstanceNoPublicIp', 'NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled', 'CKV_GCP_25', 'CKV_GCP_64', 'CKV_GCP_40', 'AVD-GCP-0059', 'AVD-GCP-0031', 'CIS EKS 5.4.3', 'CIS GKE 5.6.5'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    // Launch templates: associate_public_ip_address is unset by default (the subnet decides).
    for (const r of ctx.resources('aws_launch_template')) {
      const flags = attrs(r.values, 'network_interfaces').map((ni) => flag(ni, 'associate_public_ip_address'));
      if (flags.includes('unknown')) out.push({ resource: r, message: 'network_interfaces.associate_public_ip_address is a reference, decided at apply time', unknown: true });
      else if (flags.includes(true)) out.push({ resource: r, message: 'network_interfaces.associate_public_ip_address is true: nodes get public addresses', detail: 'PublicIp' });
    }
    // Node groups: each subnet must be private (map_public_ip_on_launch defaults to false).
    const seen = new Set<string>();
    for (const g of ctx.resources('aws_eks_node_group')) {
      for (const id of list(g.values, 'subnet_ids')) {
        const subnet = ctx.resolve(g, id);
        if (!subnet) {
          if (isReference(id)) out.push({ resource: g, message: `subnet ${String(id)} cannot be followed: whether it is private is unknown`, unknown: true, detail: `Subnet::${String(id)}` });
          else out.push({ resource: g, message: `subnet ${String(id)} is not in the synthesized stacks: whether it is private is unknown`, unknown: true, detail: `Subnet::${String(id)}` });
          continue;
        }
        const k = `${g.stack} ${g.address} ${subnet.stack} ${subnet.address}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const mapPublic = flag(subnet.values, 'map_public_ip_on_launch');
        const igw = routesToInternetGateway(ctx, subnet);
        if (mapPublic === 'unknown' || igw === 'unknown') out.push({ resource: g, message: `subnet ${subnet.address}: its public IP or routing is decided at apply time`, unknown: true, detail: `Subnet::${subnet.address}` });
        else if (mapPublic === true) out.push({ resource: g, message: `subnet ${subnet.address} has map_public_ip_on_launch = true: nodes get public addresses`, detail: `Subnet::${subnet.address}` });
        else if (igw) out.push({ resource: g, message: `subnet ${subnet.address} routes 0.0.0.0/0 to an internet gateway: it is a public subnet`, detail: `Subnet::${subnet.address}` });
      }
    }
    // GKE: private nodes are off by default.
    for (const c of ctx.resources('google_container_cluster')) {
      const priv = flag(c.values, 'private_cluster_config.enable_private_nodes');
      const viaNetwork = flag(c.values, 'network_config.enable_private_nodes') ?? flag(c.values, 'default_enable_private_nodes');
      if (priv === 'unknown' || viaNetwork === 'unknown') out.push({ resource: c, message: 'enable_private_nodes is a reference, decided at apply time', unknown: true });
      else if (priv !== true && viaNetwork !== true) out.push({ resource: c, message: `private_cluster_config.enable_private_nodes is ${priv === false ? 'false' : 'not set (the default, false)'}: nodes get external IPs`, detail: 'PrivateNodes' });
    }
    for (const p of ctx.resources('google_container_node_pool')) {
      const priv = flag(p.values, 'network_config.enable_private_nodes');
      if (priv === 'unknown') out.push({ resource: p, message: 'network_config.enable_private_nodes is a reference, decided at apply time', unknown: true });
      else if (priv === false) out.push({ resource: p, message: 'network_config.enable_private_nodes is false: this pool\'s nodes get external IPs', detail: 'PrivateNodes' });
    }
    return out;
  },
};
