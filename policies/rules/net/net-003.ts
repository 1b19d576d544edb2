/**
 * LOOM-NET-003: no default VPC or network. The account's default VPC and the project's `default`
 * network come with public subnets and permissive firewall rules nobody reviewed; the platform
 * declares its own network, takes over the VPC's default security group with no rules, and never
 * places anything in the defaults.
 */
import type { PolicyRule, RuleFinding } from '../../types';
import { attr, flag, list, text } from '../../values';
import { keyOf } from './cidrs';

/** LOOM-NET-003 (HIGH): no default VPC, default subnet or default network; auto-mode networks off; every VPC's default security group adopted without rules. */
export const NET_003: PolicyRule = {
  id: 'LOOM-NET-003',
  area: 'NET',
  title: 'No default VPC or network',
  severity: { baseline: 'HIGH' },
  rationale:
    "Default VPCs have a public subnet in every zone and default networks admit SSH, RDP and ICMP from anywhere: workloads placed there inherit rules nobody reviewed. A VPC's default security group allows all traffic between its members until it is taken over.",
  fix: 'Let Loom create the network (network: in the spec; AwsNetwork / GcpNetwork): a custom-mode VPC (auto_create_subnetworks = false) with explicit firewall rules on Google Cloud; on AWS a VPC whose default security group is adopted with no rules. Do not use aws_default_vpc, aws_default_subnet, data.aws_vpc { default = true } or the network named default.',
  anchors: ['CKV_AWS_148', 'AVD-AWS-0101', 'CKV_GCP_27', 'AVD-GCP-0010', 'CKV2_GCP_18'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const r of ctx.resources('aws_default_vpc')) out.push({ resource: r, message: 'aws_default_vpc manages the account default VPC (public subnets in every zone)', detail: 'DefaultVpc' });
    for (const r of ctx.resources('aws_default_subnet')) out.push({ resource: r, message: 'aws_default_subnet places resources in a default VPC subnet', detail: 'DefaultSubnet' });
    for (const r of ctx.resources('data.aws_vpc')) {
      const isDefault = flag(r.values, 'default');
      if (isDefault === true) out.push({ resource: r, message: 'data.aws_vpc looks up the default VPC (default = true): what uses it lands in the default VPC', detail: 'DefaultVpc' });
      else if (isDefault === 'unknown') out.push({ resource: r, message: 'data.aws_vpc `default` is decided at apply time', unknown: true });
    }

    // The default security group of every VPC is taken over, with no rules.
    const adopted = new Set<string>();
    let unresolvedAdoption = false;
    for (const sg of ctx.resources('aws_default_security_group')) {
      const vpc = ctx.resolve(sg, sg.values.vpc_id);
      if (vpc) adopted.add(keyOf(vpc));
      else unresolvedAdoption = true;
      const rules = [...list(sg.values, 'ingress'), ...list(sg.values, 'egress')];
      if (rules.length) out.push({ resource: sg, message: `the default security group keeps ${rules.length} rule${rules.length === 1 ? '' : 's'}: interfaces left in it get traffic nobody declared`, detail: 'DefaultSecurityGroupRules' });
    }
    for (const vpc of ctx.resources('aws_vpc')) {
      if (adopted.has(keyOf(vpc))) continue;
      if (unresolvedAdoption) out.push({ resource: vpc, message: 'an aws_default_security_group whose vpc_id cannot be followed may or may not adopt this VPC’s default security group', unknown: true });
      else out.push({ resource: vpc, message: "no aws_default_security_group takes over this VPC's default security group: it keeps its allow-all rules between members", detail: 'DefaultSecurityGroup' });
    }

    for (const n of ctx.resources('google_compute_network')) {
      const auto = flag(n.values, 'auto_create_subnetworks') ?? true;
      if (auto === 'unknown') out.push({ resource: n, message: 'auto_create_subnetworks is decided at apply time', unknown: true });
      else if (auto) out.push({ resource: n, message: `auto_create_subnetworks is ${n.values.auto_create_subnetworks === undefined ? 'omitted (true by default)' : 'true'}: an auto-mode network gets a subnet with a fixed range in every region`, detail: 'AutoMode' });
      if (text(n.values, 'name') === 'default') out.push({ resource: n, message: 'the network is named default', detail: 'DefaultNetwork' });
    }
    for (const d of ctx.resources('data.google_compute_network')) {
      if (text(d.values, 'name') === 'default') out.push({ resource: d, message: "data.google_compute_network looks up the project's default network: what uses it inherits its firewall rules", detail: 'DefaultNetwork' });
    }
    // Google resources naming the default network directly.
    for (const r of ctx.resources('google_container_cluster', 'google_compute_subnetwork', 'google_compute_instance', 'google_compute_firewall')) {
      const network = attr(r.values, 'network') ?? attr(r.values, 'network_interface.network');
      if (network === undefined && r.type === 'google_container_cluster') out.push({ resource: r, message: "network is omitted: GKE puts the cluster in the project's default network", detail: 'DefaultNetwork' });
      else if (network === 'default' || (typeof network === 'string' && /\/networks\/default$/.test(network))) out.push({ resource: r, message: `network is ${network}: the project's default network`, detail: 'DefaultNetwork' });
    }
    return out;
  },
};
