/**
 * The NET rules: per rule a non-compliant, a compliant, an attribute-omitted (the provider's
 * default) and an unresolved-reference fixture, asserting the exact findings; then every example.
 */
import { describe, expect, it } from 'vitest';
import { NET_RULES } from '../../../policies/rules/net';
import { NET_001 } from '../../../policies/rules/net/net-001';
import { NET_002 } from '../../../policies/rules/net/net-002';
import { NET_003 } from '../../../policies/rules/net/net-003';
import { eksMaxPods, gkePodBlock, NET_004 } from '../../../policies/rules/net/net-004';
import { addresses, EXAMPLES, exampleStacks, fixtureStack, runRule, type Resources } from '../helpers';

const s = (resources: Resources, extras = {}) => fixtureStack('s', resources, extras);
const vpc = (cidr_block: unknown = '10.0.0.0/16') => ({ v: { cidr_block } });
const subnet = (cidr_block: string, az = 'us-east-1a', vpc_id = '${aws_vpc.v.id}') => ({ vpc_id, cidr_block, availability_zone: az });

describe('LOOM-NET-001 CIDR plan is valid and has no overlaps', () => {
  it('fails a public or oversized VPC, subnets outside the VPC or overlapping, and a bad EKS service range', () => {
    expect(addresses(runRule(NET_001, s({ aws_vpc: vpc('8.0.0.0/16') })))).toEqual(['aws_vpc.v [8.0.0.0/16]']);
    expect(addresses(runRule(NET_001, s({ aws_vpc: vpc('10.0.0.0/12') })))).toEqual(['aws_vpc.v [10.0.0.0/12]']);
    expect(addresses(runRule(NET_001, s({ aws_vpc: vpc('100.64.0.0/16') })))).toEqual(['aws_vpc.v [100.64.0.0/16]']);
    expect(addresses(runRule(NET_001, s({ aws_vpc: vpc('10.0.0.1/16') })))).toEqual(['aws_vpc.v [10.0.0.1/16]']);
    expect(
      addresses(runRule(NET_001, s({ aws_vpc: vpc(), aws_subnet: { a: subnet('10.0.0.0/24'), b: subnet('10.0.0.128/25'), c: subnet('10.1.0.0/24') } }))),
    ).toEqual(['aws_subnet.c [10.1.0.0/24]', 'aws_subnet.b [10.0.0.128/25]']);
    const eks = (service_ipv4_cidr: unknown) =>
      s({ aws_vpc: vpc(), aws_subnet: { a: subnet('10.0.0.0/24') }, aws_eks_cluster: { c: { vpc_config: { subnet_ids: ['${aws_subnet.a.id}'] }, kubernetes_network_config: { service_ipv4_cidr } } } });
    expect(addresses(runRule(NET_001, eks('10.0.128.0/20')))).toEqual(['aws_eks_cluster.c [10.0.128.0/20]']);
    expect(addresses(runRule(NET_001, eks('8.8.0.0/16')))).toEqual(['aws_eks_cluster.c [8.8.0.0/16]']);
    expect(addresses(runRule(NET_001, eks('172.20.0.0/25')))).toEqual(['aws_eks_cluster.c [172.20.0.0/25]']);
  });

  it('fails a peer route or on-prem network overlapping the platform, and overlapping Google ranges', () => {
    const peered = s({
      aws_vpc: vpc(),
      aws_route_table: { t: { vpc_id: '${aws_vpc.v.id}' } },
      aws_route: {
        tgw: { route_table_id: '${aws_route_table.t.id}', destination_cidr_block: '10.0.128.0/20', transit_gateway_id: 'tgw-1' },
        summary: { route_table_id: '${aws_route_table.t.id}', destination_cidr_block: '10.0.0.0/8', transit_gateway_id: 'tgw-1' },
        nat: { route_table_id: '${aws_route_table.t.id}', destination_cidr_block: '10.0.64.0/20', nat_gateway_id: 'nat-1' },
      },
    });
    // The summary route holds the VPC (its local route wins); the NAT route is not a peer range.
    expect(addresses(runRule(NET_001, peered))).toEqual(['aws_route.tgw [10.0.128.0/20]']);
    const gcp = s({
      google_compute_network: { n: { name: 'n', auto_create_subnetworks: false } },
      google_compute_subnetwork: {
        a: { network: '${google_compute_network.n.id}', ip_cidr_range: '10.0.0.0/20', secondary_ip_range: [{ range_name: 'pods', ip_cidr_range: '172.16.0.0/16' }, { range_name: 'svc', ip_cidr_range: '172.16.128.0/20' }] },
      },
      google_compute_global_address: { psa: { network: '${google_compute_network.n.id}', purpose: 'VPC_PEERING', address: '10.0.8.0', prefix_length: 22 } },
    });
    expect(addresses(runRule(NET_001, gcp))).toEqual(['google_compute_global_address.psa [10.0.8.0/22]', 'google_compute_subnetwork.a [172.16.128.0/20]']);
  });

  it('passes a private VPC with its subnets inside, a valid service range and disjoint peer and Google ranges', () => {
    const aws = s({
      aws_vpc: vpc(),
      aws_subnet: { a: subnet('10.0.0.0/24'), b: subnet('10.0.1.0/24', 'us-east-1b') },
      aws_eks_cluster: { c: { vpc_config: { subnet_ids: ['${aws_subnet.a.id}', '${aws_subnet.b.id}'] }, kubernetes_network_config: { service_ipv4_cidr: '172.20.0.0/16' } } },
      aws_route: { tgw: { route_table_id: 'rtb-1', destination_cidr_block: '192.168.0.0/16', transit_gateway_id: 'tgw-1' } },
      aws_vpc_security_group_ingress_rule: { vpn: { security_group_id: '${aws_eks_cluster.c.vpc_config[0].cluster_security_group_id}', cidr_ipv4: '10.100.0.0/16', ip_protocol: 'tcp', from_port: 443, to_port: 443 } },
    });
    expect(runRule(NET_001, aws)).toEqual([]);
    const gcp = s({
      google_compute_network: { n: { name: 'n' } },
      google_compute_subnetwork: { a: { network: '${google_compute_network.n.id}', ip_cidr_range: '10.0.0.0/20', secondary_ip_range: [{ range_name: 'pods', ip_cidr_range: '172.16.0.0/16' }, { range_name: 'svc', ip_cidr_range: '172.31.0.0/20' }] } },
      google_container_cluster: { c: { network: '${google_compute_network.n.id}', private_cluster_config: { master_ipv4_cidr_block: '10.0.255.0/28' } } },
    });
    expect(runRule(NET_001, gcp)).toEqual([]);
  });

  it('omitted service_ipv4_cidr: EKS picks 172.20.0.0/16 beside a VPC in 10.0.0.0/8, else 10.100.0.0/16 — on-prem ranges must avoid it', () => {
    const stack = (cidr: string, onPrem: string) =>
      s({
        aws_vpc: vpc(cidr),
        aws_subnet: { a: subnet(cidr.replace(/\/\d+$/, '/24')) },
        aws_eks_cluster: { c: { vpc_config: { subnet_ids: ['${aws_subnet.a.id}'] } } },
        aws_vpc_security_group_ingress_rule: { vpn: { security_group_id: '${aws_eks_cluster.c.vpc_config[0].cluster_security_group_id}', cidr_ipv4: onPrem } },
      });
    expect(runRule(NET_001, stack('10.0.0.0/16', '10.100.0.0/16'))).toEqual([]);
    expect(addresses(runRule(NET_001, stack('10.0.0.0/16', '172.20.0.0/16')))).toEqual(['aws_vpc_security_group_ingress_rule.vpn [172.20.0.0/16]']);
    expect(addresses(runRule(NET_001, stack('192.168.0.0/16', '10.100.0.0/16')))).toEqual(['aws_vpc_security_group_ingress_rule.vpn [10.100.0.0/16]']);
    // A subnet without cidr_block (IPv6-only) has no IPv4 range to place.
    expect(runRule(NET_001, s({ aws_vpc: vpc(), aws_subnet: { a: { vpc_id: '${aws_vpc.v.id}', ipv6_native: true } } }))).toEqual([]);
  });

  it('reports references as unknown: a VPC range, a subnet whose VPC cannot be followed, a service range, a peer route', () => {
    expect(addresses(runRule(NET_001, s({ aws_vpc: vpc('${var.cidr}') })))).toEqual(['aws_vpc.v (unknown)']);
    expect(addresses(runRule(NET_001, s({ aws_vpc: { v: {} } })))).toEqual(['aws_vpc.v (unknown)']);
    expect(addresses(runRule(NET_001, s({ aws_subnet: { a: subnet('10.0.0.0/24', 'us-east-1a', 'vpc-0123') } })))).toEqual(['aws_subnet.a (unknown)']);
    expect(addresses(runRule(NET_001, s({ aws_eks_cluster: { c: { vpc_config: { subnet_ids: [] }, kubernetes_network_config: { service_ipv4_cidr: '${var.svc}' } } } })))).toEqual(['aws_eks_cluster.c (unknown)']);
    expect(addresses(runRule(NET_001, s({ aws_route: { p: { route_table_id: 'rtb-1', destination_cidr_block: '${var.peer}', vpc_peering_connection_id: 'pcx-1' } } })))).toEqual(['aws_route.p (unknown)']);
  });

  it('follows cdktf cross-stack references into the network stack', () => {
    const network = fixtureStack('net', { aws_vpc: vpc(), aws_subnet: { a: subnet('10.0.0.0/24') } }, { output: { 'cross-stack-output-aws_subneta': { value: '${aws_subnet.a.id}' } } });
    const cluster = fixtureStack('cluster', {
      aws_eks_cluster: {
        c: {
          vpc_config: { subnet_ids: ['${data.terraform_remote_state.cross-stack-reference-input-net.outputs.cross-stack-output-aws_subneta}'] },
          kubernetes_network_config: { service_ipv4_cidr: '10.0.0.0/20' },
        },
      },
    });
    expect(addresses(runRule(NET_001, [network, cluster]))).toEqual(['aws_eks_cluster.c [10.0.0.0/20]']);
  });
});

describe('LOOM-NET-002 Multi-AZ placement', () => {
  const twoZones = { aws_vpc: vpc(), aws_subnet: { a: subnet('10.0.0.0/24'), b: subnet('10.0.1.0/24', 'us-east-1b') } };

  it('has the prod severity', () => expect(NET_002.severity).toEqual({ baseline: 'MEDIUM', prod: 'HIGH' }));

  it('fails single-zone clusters and pools, single-AZ RDS, ElastiCache without failover, zonal GKE, BASIC Memorystore', () => {
    const aws = s({
      ...twoZones,
      aws_eks_cluster: { c: { vpc_config: { subnet_ids: ['${aws_subnet.a.id}'] } } },
      aws_eks_node_group: { g: { cluster_name: '${aws_eks_cluster.c.name}', subnet_ids: ['${aws_subnet.a.id}'], scaling_config: { max_size: 3 } } },
      aws_db_instance: { db: { engine: 'postgres', multi_az: false } },
      aws_elasticache_replication_group: { r: { multi_az_enabled: true, automatic_failover_enabled: false } },
    });
    expect(addresses(runRule(NET_002, aws))).toEqual([
      'aws_eks_cluster.c [ControlPlaneZones]',
      'aws_eks_node_group.g [NodeGroupZones]',
      'aws_db_instance.db [MultiAz]',
      'aws_elasticache_replication_group.r [MultiAz]',
    ]);
    const gcp = s({ google_container_cluster: { c: { location: 'us-central1-a' } }, google_redis_instance: { r: { tier: 'BASIC' } } });
    expect(addresses(runRule(NET_002, gcp))).toEqual(['google_container_cluster.c [ClusterZones]', 'google_redis_instance.r [Tier]']);
  });

  it('passes multi-zone placement, and a pool split into one node group per zone (shared launch template)', () => {
    const lt = { id: '${aws_launch_template.lt.id}', version: '1' };
    const aws = s({
      ...twoZones,
      aws_eks_cluster: { c: { vpc_config: { subnet_ids: ['${aws_subnet.a.id}', '${aws_subnet.b.id}'] } } },
      aws_eks_node_group: {
        ga: { cluster_name: '${aws_eks_cluster.c.name}', subnet_ids: ['${aws_subnet.a.id}'], launch_template: lt },
        gb: { cluster_name: '${aws_eks_cluster.c.name}', subnet_ids: ['${aws_subnet.b.id}'], launch_template: lt },
      },
      aws_db_instance: { db: { engine: 'postgres', multi_az: true }, aurora: { engine: 'aurora-postgresql' } },
      aws_elasticache_replication_group: { r: { multi_az_enabled: true, automatic_failover_enabled: true } },
    });
    expect(runRule(NET_002, aws)).toEqual([]);
    const gcp = s({ google_container_cluster: { r: { location: 'us-central1' }, z: { location: 'us-central1-a', node_locations: ['us-central1-b'] } }, google_redis_instance: { r: { tier: 'STANDARD_HA' } } });
    expect(runRule(NET_002, gcp)).toEqual([]);
  });

  it('applies provider defaults: multi_az, failover false; tier BASIC; a GKE location from the provider block', () => {
    expect(addresses(runRule(NET_002, s({ aws_db_instance: { db: { engine: 'mysql' } }, aws_elasticache_replication_group: { r: {} }, google_redis_instance: { m: {} } })))).toEqual([
      'aws_db_instance.db [MultiAz]',
      'aws_elasticache_replication_group.r [MultiAz]',
      'google_redis_instance.m [Tier]',
    ]);
    expect(addresses(runRule(NET_002, s({ google_container_cluster: { c: {} } }, { provider: { google: [{ zone: 'europe-west1-b' }] } })))).toEqual(['google_container_cluster.c [ClusterZones]']);
  });

  it('reports references and subnets it cannot follow as unknown', () => {
    expect(addresses(runRule(NET_002, s({ aws_db_instance: { db: { multi_az: '${var.ha}' } } })))).toEqual(['aws_db_instance.db (unknown)']);
    expect(addresses(runRule(NET_002, s({ aws_eks_cluster: { c: { vpc_config: { subnet_ids: ['subnet-1', 'subnet-2'] } } } })))).toEqual(['aws_eks_cluster.c (unknown)']);
    expect(addresses(runRule(NET_002, s({ google_container_cluster: { c: { location: '${var.location}' } } })))).toEqual(['google_container_cluster.c (unknown)']);
  });
});

describe('LOOM-NET-003 No default VPC or network', () => {
  it('fails the default VPC, its subnets and look-ups, rules left on a default security group, auto-mode and default networks', () => {
    const aws = s({ aws_default_vpc: { d: {} }, aws_default_subnet: { a: { availability_zone: 'us-east-1a' } } }, { data: { aws_vpc: { d: { default: true } } } });
    expect(addresses(runRule(NET_003, aws))).toEqual(['aws_default_vpc.d [DefaultVpc]', 'aws_default_subnet.a [DefaultSubnet]', 'data.aws_vpc.d [DefaultVpc]']);
    const sg = s({ aws_vpc: vpc(), aws_default_security_group: { d: { vpc_id: '${aws_vpc.v.id}', ingress: [{ protocol: '-1', self: true, from_port: 0, to_port: 0 }] } } });
    expect(addresses(runRule(NET_003, sg))).toEqual(['aws_default_security_group.d [DefaultSecurityGroupRules]']);
    const gcp = s({ google_compute_network: { d: { name: 'default', auto_create_subnetworks: true } }, google_container_cluster: { c: { network: 'default' } } });
    expect(addresses(runRule(NET_003, gcp))).toEqual(['google_compute_network.d [AutoMode]', 'google_compute_network.d [DefaultNetwork]', 'google_container_cluster.c [DefaultNetwork]']);
  });

  it('passes a custom VPC whose default security group is adopted without rules, and a custom-mode network', () => {
    expect(runRule(NET_003, s({ aws_vpc: vpc(), aws_default_security_group: { d: { vpc_id: '${aws_vpc.v.id}' } } }))).toEqual([]);
    expect(runRule(NET_003, s({ google_compute_network: { n: { name: 'acme-vpc', auto_create_subnetworks: false } }, google_container_cluster: { c: { network: '${google_compute_network.n.id}' } } }))).toEqual([]);
  });

  it('applies provider defaults: auto_create_subnetworks true, a GKE cluster without network in the default network, a VPC default group left as is', () => {
    expect(addresses(runRule(NET_003, s({ google_compute_network: { n: { name: 'n' } }, google_container_cluster: { c: {} } })))).toEqual([
      'google_compute_network.n [AutoMode]',
      'google_container_cluster.c [DefaultNetwork]',
    ]);
    expect(addresses(runRule(NET_003, s({ aws_vpc: vpc() })))).toEqual(['aws_vpc.v [DefaultSecurityGroup]']);
  });

  it('reports references as unknown', () => {
    expect(addresses(runRule(NET_003, s({ google_compute_network: { n: { name: 'n', auto_create_subnetworks: '${var.auto}' } } })))).toEqual(['google_compute_network.n (unknown)']);
    expect(addresses(runRule(NET_003, s({ aws_vpc: vpc(), aws_default_security_group: { d: { vpc_id: '${var.vpc}' } } })))).toEqual(['aws_vpc.v (unknown)']);
  });
});

describe('LOOM-NET-004 VPC-native pod addressing with enough capacity', () => {
  it('sizes GKE pod blocks and EKS pods per node as the clouds do', () => {
    expect([gkePodBlock(110), gkePodBlock(64), gkePodBlock(8)]).toEqual([256, 128, 16]);
    expect([eksMaxPods('m7i.xlarge'), eksMaxPods('m7i.large'), eksMaxPods('t3.large'), eksMaxPods('c7i.4xlarge'), eksMaxPods('p5.48xlarge'), eksMaxPods('odd')]).toEqual([58, 29, 35, 234, 737, undefined]);
  });

  const gke = (cluster: Record<string, unknown>, pools: Record<string, Record<string, unknown>>, pods = '172.16.0.0/20') =>
    s({
      google_compute_subnetwork: { n: { ip_cidr_range: '10.0.0.0/20', secondary_ip_range: [{ range_name: 'pods', ip_cidr_range: pods }, { range_name: 'svc', ip_cidr_range: '172.31.0.0/20' }] } },
      google_container_cluster: {
        c: { location: 'us-central1', subnetwork: '${google_compute_subnetwork.n.self_link}', ip_allocation_policy: { cluster_secondary_range_name: 'pods', services_secondary_range_name: 'svc' }, ...cluster },
      },
      google_container_node_pool: Object.fromEntries(Object.entries(pools).map(([k, v]) => [k, { cluster: '${google_container_cluster.c.name}', ...v }])),
    });

  it('fails routes-based or unnamed-range GKE clusters, a pod range too small, and EKS subnets too small', () => {
    expect(addresses(runRule(NET_004, s({ google_container_cluster: { c: { networking_mode: 'ROUTES' }, d: {} } })))).toEqual(['google_container_cluster.c [RoutesBased]', 'google_container_cluster.d [RoutesBased]']);
    expect(addresses(runRule(NET_004, s({ google_container_cluster: { c: { ip_allocation_policy: { cluster_ipv4_cidr_block: '/14' } } } })))).toEqual(['google_container_cluster.c [NamedRanges]']);
    // A /20 holds 16 nodes at 110 pods per node; the pool may grow to 3 zones × 6.
    expect(addresses(runRule(NET_004, gke({}, { p: { autoscaling: { max_node_count: 6 } } })))).toEqual(['google_container_cluster.c [PodRange:pods]']);
    const eks = s({
      aws_vpc: vpc(),
      aws_subnet: { a: subnet('10.0.0.0/26'), b: subnet('10.0.0.64/26', 'us-east-1b') },
      aws_ec2_subnet_cidr_reservation: { r: { subnet_id: '${aws_subnet.a.id}', cidr_block: '10.0.0.48/28', reservation_type: 'explicit' } },
      aws_eks_cluster: { c: { vpc_config: { subnet_ids: ['${aws_subnet.a.id}', '${aws_subnet.b.id}'] } } },
      // 2 × 58 pods per m7i.xlarge = 116 addresses; the subnets hold 59 + 59 − 16 = 102.
      aws_eks_node_group: { g: { cluster_name: '${aws_eks_cluster.c.name}', subnet_ids: ['${aws_subnet.a.id}', '${aws_subnet.b.id}'], instance_types: ['m7i.xlarge'], scaling_config: { max_size: 2 } } },
    });
    expect(addresses(runRule(NET_004, eks))).toEqual(['aws_eks_cluster.c [NodeSubnetCapacity]']);
  });

  it('passes VPC-native clusters whose pod range holds every node, and EKS subnets that hold every pod', () => {
    expect(runRule(NET_004, gke({ networking_mode: 'VPC_NATIVE' }, { p: { autoscaling: { total_max_node_count: 16 } } }))).toEqual([]);
    // Fewer pods per node, smaller blocks: 64 nodes × /28.
    expect(runRule(NET_004, gke({}, { p: { max_pods_per_node: 8, autoscaling: { total_max_node_count: 256 } } }))).toEqual([]);
    const eks = s({
      aws_vpc: vpc(),
      aws_subnet: { a: subnet('10.0.0.0/24'), b: subnet('10.0.1.0/24', 'us-east-1b') },
      aws_eks_node_group: { g: { cluster_name: 'acme', subnet_ids: ['${aws_subnet.a.id}', '${aws_subnet.b.id}'], instance_types: ['m7i.xlarge'], scaling_config: { max_size: 8 } } },
    });
    expect(runRule(NET_004, eks)).toEqual([]);
  });

  it('applies defaults: 110 pods per node, three zones for a regional cluster, t3.medium node groups', () => {
    // No max_pods_per_node anywhere: 110 (a /24 per node); 3 zones × 5 = 15 nodes fit a /20 (16).
    expect(runRule(NET_004, gke({}, { p: { autoscaling: { max_node_count: 5 } } }))).toEqual([]);
    // No instance_types: t3.medium, 17 pods; 20 × 17 = 340 > 2 × 59 in two /26s.
    const eks = s({
      aws_vpc: vpc(),
      aws_subnet: { a: subnet('10.0.0.0/26'), b: subnet('10.0.0.64/26', 'us-east-1b') },
      aws_eks_node_group: { g: { cluster_name: 'acme', subnet_ids: ['${aws_subnet.a.id}', '${aws_subnet.b.id}'], scaling_config: { max_size: 20 } } },
    });
    expect(addresses(runRule(NET_004, eks))).toEqual(['aws_eks_node_group.g [NodeSubnetCapacity]']);
  });

  it('reports references as unknown', () => {
    expect(addresses(runRule(NET_004, gke({}, { p: { autoscaling: { total_max_node_count: '${var.max}' } } })))).toEqual(['google_container_cluster.c (unknown)']);
    expect(addresses(runRule(NET_004, s({ aws_eks_node_group: { g: { cluster_name: 'acme', subnet_ids: ['${var.subnet}'], scaling_config: { max_size: 2 } } } })))).toEqual(['aws_eks_node_group.g (unknown)']);
  });
});

describe('the NET rules on every example', () => {
  it.each(EXAMPLES)('%s: no findings (Loom plans addresses, zones and capacity from the spec)', (file) => {
    const { stacks, settings } = exampleStacks(file);
    for (const rule of NET_RULES) expect(addresses(runRule(rule, stacks, settings)), `${rule.id} on ${file}`).toEqual([]);
  });
});
