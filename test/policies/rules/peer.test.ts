/**
 * The PEER rules: per rule a non-compliant, a compliant, an attribute-omitted (the provider's
 * default) and an unresolved-reference fixture, asserting the exact findings; then every example.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PEER_001 } from '../../../policies/rules/peer/peer-001';
import { PEER_002 } from '../../../policies/rules/peer/peer-002';
import { PEER_003 } from '../../../policies/rules/peer/peer-003';
import { specFromFile } from '../../helpers/synth';
import { addresses, EXAMPLES, exampleStacks, fixtureStack, type Resources, runRule, specStacks } from '../helpers';

const examplesDir = join(__dirname, '..', '..', '..', 'examples');

const s = (resources: Resources, extras = {}) => fixtureStack('s', resources, extras);

describe('LOOM-PEER-001 Peering and transit are narrow', () => {
  it('fails default routes into a peering or transit gateway, auto-accepting transit gateways and custom routes over Google peerings', () => {
    const aws = s({
      aws_route: {
        p: { route_table_id: 'rtb-1', destination_cidr_block: '0.0.0.0/0', vpc_peering_connection_id: 'pcx-1' },
        t: { route_table_id: 'rtb-1', destination_ipv6_cidr_block: '::/0', transit_gateway_id: 'tgw-1' },
      },
      aws_route_table: { rt: { vpc_id: 'vpc-1', route: [{ cidr_block: '0.0.0.0/0', transit_gateway_id: 'tgw-1' }] } },
      aws_ec2_transit_gateway: { g: { auto_accept_shared_attachments: 'enable' } },
    });
    expect(addresses(runRule(PEER_001, aws))).toEqual(['aws_route.p [0.0.0.0/0]', 'aws_route.t [::/0]', 'aws_route_table.rt [0.0.0.0/0]', 'aws_ec2_transit_gateway.g [AutoAccept]']);
    const gcp = s({
      google_compute_network: { a: { name: 'a' }, b: { name: 'b' } },
      google_compute_subnetwork: {
        a: { network: '${google_compute_network.a.id}', ip_cidr_range: '10.0.0.0/20' },
        b: { network: '${google_compute_network.b.id}', ip_cidr_range: '10.1.0.0/20', secondary_ip_range: [{ range_name: 'pods', ip_cidr_range: '10.0.8.0/21' }] },
      },
      google_compute_network_peering: { ab: { network: '${google_compute_network.a.self_link}', peer_network: '${google_compute_network.b.self_link}', import_custom_routes: true } },
    });
    expect(addresses(runRule(PEER_001, gcp))).toEqual(['google_compute_network_peering.ab [ImportCustomRoutes]', 'google_compute_network_peering.ab [10.0.8.0/21]']);
  });

  it('passes narrow peer routes, a transit gateway that does not auto-accept, and a plain peering of disjoint networks', () => {
    const aws = s({
      aws_route: { p: { route_table_id: 'rtb-1', destination_cidr_block: '10.1.0.0/16', vpc_peering_connection_id: 'pcx-1' }, igw: { route_table_id: 'rtb-2', destination_cidr_block: '0.0.0.0/0', gateway_id: 'igw-1' } },
      aws_ec2_transit_gateway: { g: { auto_accept_shared_attachments: 'disable' } },
    });
    expect(runRule(PEER_001, aws)).toEqual([]);
    const gcp = s({
      google_compute_network: { a: { name: 'a' }, b: { name: 'b' } },
      google_compute_subnetwork: { a: { network: '${google_compute_network.a.id}', ip_cidr_range: '10.0.0.0/20' }, b: { network: '${google_compute_network.b.id}', ip_cidr_range: '10.1.0.0/20' } },
      google_compute_network_peering: { ab: { network: '${google_compute_network.a.self_link}', peer_network: '${google_compute_network.b.self_link}', import_custom_routes: false, export_custom_routes: false } },
    });
    expect(runRule(PEER_001, gcp)).toEqual([]);
  });

  it('applies provider defaults: auto_accept_shared_attachments disable, custom routes neither imported nor exported', () => {
    const stack = s({
      aws_ec2_transit_gateway: { g: {} },
      google_compute_network: { a: { name: 'a' }, b: { name: 'b' } },
      google_compute_network_peering: { ab: { network: '${google_compute_network.a.self_link}', peer_network: '${google_compute_network.b.self_link}' } },
    });
    expect(runRule(PEER_001, stack)).toEqual([]);
  });

  it('reports references, and a peer network outside the synth, as unknown', () => {
    expect(addresses(runRule(PEER_001, s({ aws_route: { p: { route_table_id: 'rtb-1', destination_cidr_block: '${var.dest}', transit_gateway_id: 'tgw-1' } } })))).toEqual(['aws_route.p (unknown)']);
    expect(addresses(runRule(PEER_001, s({ aws_ec2_transit_gateway: { g: { auto_accept_shared_attachments: '${var.accept}' } } })))).toEqual(['aws_ec2_transit_gateway.g (unknown)']);
    const external = s({ google_compute_network: { a: { name: 'a' } }, google_compute_network_peering: { ab: { network: '${google_compute_network.a.self_link}', peer_network: 'projects/other/global/networks/hub' } } });
    expect(addresses(runRule(PEER_001, external))).toEqual(['google_compute_network_peering.ab (unknown)']);
  });
});

describe('LOOM-PEER-002 Private subnets egress through NAT, not the IGW', () => {
  const network = (privateRoute: Record<string, unknown>, extra: Resources = {}) =>
    s({
      aws_vpc: { v: { cidr_block: '10.0.0.0/16' } },
      aws_internet_gateway: { igw: { vpc_id: '${aws_vpc.v.id}' } },
      aws_subnet: {
        pub: { vpc_id: '${aws_vpc.v.id}', cidr_block: '10.0.255.0/24', tags: { 'loom.dev/tier': 'public' } },
        nodes: { vpc_id: '${aws_vpc.v.id}', cidr_block: '10.0.0.0/24' },
      },
      aws_route_table: { public: { vpc_id: '${aws_vpc.v.id}' }, private: { vpc_id: '${aws_vpc.v.id}' } },
      aws_route: {
        public: { route_table_id: '${aws_route_table.public.id}', destination_cidr_block: '0.0.0.0/0', gateway_id: '${aws_internet_gateway.igw.id}' },
        private: { route_table_id: '${aws_route_table.private.id}', destination_cidr_block: '0.0.0.0/0', ...privateRoute },
      },
      aws_route_table_association: {
        pub: { subnet_id: '${aws_subnet.pub.id}', route_table_id: '${aws_route_table.public.id}' },
        nodes: { subnet_id: '${aws_subnet.nodes.id}', route_table_id: '${aws_route_table.private.id}' },
      },
      aws_eks_node_group: { g: { cluster_name: 'acme', subnet_ids: ['${aws_subnet.nodes.id}'] } },
      ...extra,
    });
  const gke = (extra: Resources = {}, network: Record<string, unknown> = {}) =>
    s({
      google_compute_network: { n: { name: 'n', auto_create_subnetworks: false, ...network } },
      google_compute_subnetwork: { nodes: { network: '${google_compute_network.n.id}', region: 'us-central1', ip_cidr_range: '10.0.0.0/20' } },
      google_container_cluster: { c: { subnetwork: '${google_compute_subnetwork.nodes.self_link}' } },
      ...extra,
    });
  const nat = (scope: Record<string, unknown> = { source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES' }) => ({
    google_compute_router: { r: { network: '${google_compute_network.n.id}', region: 'us-central1' } },
    google_compute_router_nat: { nat: { router: '${google_compute_router.r.name}', region: 'us-central1', ...scope } },
  });

  it('fails a node subnet whose table sends 0.0.0.0/0 to the internet gateway, and GKE nodes with an internet route and no Cloud NAT', () => {
    expect(addresses(runRule(PEER_002, network({ gateway_id: '${aws_internet_gateway.igw.id}' })))).toEqual(['aws_route.private [0.0.0.0/0]']);
    const inline = network({ nat_gateway_id: 'nat-1' }, { aws_route_table: { public: { vpc_id: '${aws_vpc.v.id}' }, private: { vpc_id: '${aws_vpc.v.id}', route: [{ ipv6_cidr_block: '::/0', gateway_id: 'igw-0abc' }] } } });
    expect(addresses(runRule(PEER_002, inline))).toEqual(['aws_route_table.private [::/0]']);
    expect(addresses(runRule(PEER_002, gke()))).toEqual(['google_compute_subnetwork.nodes [NoCloudNat]']);
    const otherOnly = gke({
      ...nat({ source_subnetwork_ip_ranges_to_nat: 'LIST_OF_SUBNETWORKS', subnetwork: [{ name: '${google_compute_subnetwork.other.id}' }] }),
      google_compute_subnetwork: {
        nodes: { network: '${google_compute_network.n.id}', region: 'us-central1', ip_cidr_range: '10.0.0.0/20' },
        other: { network: '${google_compute_network.n.id}', region: 'us-central1', ip_cidr_range: '10.0.16.0/20' },
      },
    });
    expect(addresses(runRule(PEER_002, otherOnly))).toEqual([
      'google_compute_subnetwork.nodes [NoCloudNat]',
    ]);
  });

  it('passes private subnets routed through NAT (public subnets may use the IGW), and GKE nodes behind Cloud NAT', () => {
    expect(runRule(PEER_002, network({ nat_gateway_id: 'nat-1' }))).toEqual([]);
    expect(runRule(PEER_002, gke(nat()))).toEqual([]);
    expect(runRule(PEER_002, gke(nat({ source_subnetwork_ip_ranges_to_nat: 'LIST_OF_SUBNETWORKS', subnetwork: [{ name: '${google_compute_subnetwork.nodes.id}' }] })))).toEqual([]);
    // No internet route at all: nothing to egress through.
    expect(runRule(PEER_002, gke({}, { delete_default_routes_on_create: true }))).toEqual([]);
  });

  it('applies defaults: Google networks keep their default internet route; unassociated subnets use the VPC main table', () => {
    expect(addresses(runRule(PEER_002, gke({}, {})))).toEqual(['google_compute_subnetwork.nodes [NoCloudNat]']);
    const main = s({
      aws_vpc: { v: { cidr_block: '10.0.0.0/16' } },
      aws_internet_gateway: { igw: { vpc_id: '${aws_vpc.v.id}' } },
      aws_default_route_table: { main: { default_route_table_id: '${aws_vpc.v.default_route_table_id}', route: [{ cidr_block: '0.0.0.0/0', gateway_id: '${aws_internet_gateway.igw.id}' }] } },
      aws_subnet: { data: { vpc_id: '${aws_vpc.v.id}', cidr_block: '10.0.0.0/24', tags: { 'loom.dev/tier': 'data' } } },
    });
    expect(addresses(runRule(PEER_002, main))).toEqual(['aws_default_route_table.main [0.0.0.0/0]']);
  });

  it('reports a gateway or subnet it cannot follow as unknown', () => {
    expect(addresses(runRule(PEER_002, network({ gateway_id: '${var.gateway}' })))).toEqual(['aws_route.private (unknown)']);
    const external = network({ gateway_id: '${aws_internet_gateway.igw.id}' }, { aws_route_table_association: { x: { subnet_id: '${var.subnet}', route_table_id: '${aws_route_table.private.id}' } }, aws_eks_node_group: {} });
    expect(addresses(runRule(PEER_002, external))).toEqual(['aws_route.private (unknown)']);
    expect(addresses(runRule(PEER_002, gke({ google_compute_router_nat: { nat: { router: 'external-router', region: 'us-central1' } } })))).toEqual(['google_compute_subnetwork.nodes (unknown)']);
  });
});

describe('LOOM-PEER-003 Cloud APIs are reached privately', () => {
  const eks = (endpoints: Record<string, Record<string, unknown>>) =>
    s({
      aws_vpc: { v: { cidr_block: '10.0.0.0/16' } },
      aws_subnet: { a: { vpc_id: '${aws_vpc.v.id}', cidr_block: '10.0.0.0/24' } },
      aws_eks_cluster: { c: { vpc_config: { subnet_ids: ['${aws_subnet.a.id}'] } } },
      aws_vpc_endpoint: Object.fromEntries(Object.entries(endpoints).map(([k, v]) => [k, { vpc_id: '${aws_vpc.v.id}', ...v }])),
    });
  const all = {
    s3: { service_name: 'com.amazonaws.us-east-1.s3', vpc_endpoint_type: 'Gateway' },
    api: { service_name: 'com.amazonaws.us-east-1.ecr.api', vpc_endpoint_type: 'Interface' },
    dkr: { service_name: 'com.amazonaws.${data.aws_region.current.name}.ecr.dkr', vpc_endpoint_type: 'Interface' },
    sts: { service_name: 'com.amazonaws.us-east-1.sts', vpc_endpoint_type: 'Interface' },
  };

  it('fails subnetworks without private Google access (IPv6 too when dual-stack), and private EKS clusters missing endpoints', () => {
    const gcp = s({ google_compute_subnetwork: { a: { private_ip_google_access: false }, b: { private_ip_google_access: true, stack_type: 'IPV4_IPV6', private_ipv6_google_access: 'DISABLE_GOOGLE_ACCESS' } } });
    expect(addresses(runRule(PEER_003, gcp))).toEqual(['google_compute_subnetwork.a [PrivateGoogleAccess]', 'google_compute_subnetwork.b [PrivateIpv6GoogleAccess]']);
    const { sts: _sts, ...noSts } = all;
    expect(addresses(runRule(PEER_003, eks({ ...noSts, api: { ...all.api, vpc_endpoint_type: 'Gateway' } })))).toEqual(['aws_eks_cluster.c [ecr.api]', 'aws_eks_cluster.c [sts]']);
  });

  it('passes private access everywhere, and a cluster with every endpoint (or with public nodes, not this rule’s case)', () => {
    expect(runRule(PEER_003, s({ google_compute_subnetwork: { a: { private_ip_google_access: true }, proxy: { purpose: 'REGIONAL_MANAGED_PROXY' } } }))).toEqual([]);
    expect(runRule(PEER_003, eks(all))).toEqual([]);
  });

  it('applies provider defaults: private_ip_google_access false, vpc_endpoint_type Gateway', () => {
    expect(addresses(runRule(PEER_003, s({ google_compute_subnetwork: { a: { ip_cidr_range: '10.0.0.0/20' } } })))).toEqual(['google_compute_subnetwork.a [PrivateGoogleAccess]']);
    const { s3, ...rest } = all;
    expect(runRule(PEER_003, eks({ ...rest, s3: { service_name: s3.service_name } }))).toEqual([]);
    expect(addresses(runRule(PEER_003, eks({})))).toEqual(['aws_eks_cluster.c [s3]', 'aws_eks_cluster.c [ecr.api]', 'aws_eks_cluster.c [ecr.dkr]', 'aws_eks_cluster.c [sts]']);
  });

  it('reports references and VPCs it cannot follow as unknown', () => {
    expect(addresses(runRule(PEER_003, s({ google_compute_subnetwork: { a: { private_ip_google_access: '${var.pga}' } } })))).toEqual(['google_compute_subnetwork.a (unknown)']);
    expect(addresses(runRule(PEER_003, s({ aws_eks_cluster: { c: { vpc_config: { subnet_ids: ['subnet-0123'] } } } })))).toEqual(['aws_eks_cluster.c (unknown)']);
    const { sts: _sts, ...noSts } = all;
    expect(addresses(runRule(PEER_003, eks({ ...noSts, other: { vpc_id: '${var.vpc}', service_name: 'com.amazonaws.us-east-1.sts', vpc_endpoint_type: 'Interface' } })))).toEqual(['aws_eks_cluster.c (unknown)']);
  });
});

describe('the PEER rules on every example', () => {
  const missing = ['ecr.api', 'ecr.dkr', 'sts'].map((svc) => `aws_eks_cluster.Cluster_EB0386A7 [${svc}]`);
  /**
   * aws-platform sets network.interfaceEndpoints: true; the other AWS examples leave it at its
   * default (false): their nodes reach ECR and STS through NAT.
   */
  const peer003: Record<(typeof EXAMPLES)[number], string[]> = {
    'aws-platform.yaml': [],
    'aws-buy-everything.yaml': missing,
    'aws-minimal.yaml': missing,
    'gcp-platform.yaml': [],
    'onprem-sovereign.yaml': [],
  };

  it.each(EXAMPLES)('%s: PEER-001 and PEER-002 find nothing; PEER-003 finds the interface endpoints the example leaves out', (file) => {
    const { stacks, settings } = exampleStacks(file);
    expect(runRule(PEER_001, stacks, settings)).toEqual([]);
    expect(runRule(PEER_002, stacks, settings)).toEqual([]);
    expect(addresses(runRule(PEER_003, stacks, settings))).toEqual(peer003[file]);
  });

  it('aws-minimal with network.interfaceEndpoints: true has every endpoint PEER-003 asks for', () => {
    const spec = specFromFile(join(examplesDir, 'aws-minimal.yaml'));
    const { stacks, settings } = specStacks({ ...spec, network: { ...spec.network!, interfaceEndpoints: true } });
    expect(runRule(PEER_003, stacks, settings)).toEqual([]);
  });
});
