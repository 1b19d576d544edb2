/**
 * The platform's AWS network: a VPC across the planned zones, public subnets with an internet
 * gateway, private node subnets per cluster and zone, NAT egress, VPC endpoints, flow logs.
 */
import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Ec2SubnetCidrReservation } from '@cdktf/provider-aws/lib/ec2-subnet-cidr-reservation';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import type { DataSubnets, INetwork, NetworkClusterRequest, PlacedCluster } from '../core/contracts';
import { PlatformValidationError, validProps } from '../core/errors';
import { platformOf } from '../core/stack';
import { AddressPlanner, awsNodeSubnetName, PlanError, platformZones, reservedLoadBalancerAddress } from '../../plan';
import { networkSchema, type NetworkSpec, type NetworkSpecInput } from '../../schema/schema';
import { standInClusters, validatePart } from '../../schema/props';
import { INTERFACE_ENDPOINT_SERVICES } from '../../plan/footprints';

export { INTERFACE_ENDPOINT_SERVICES };

/**
 * The network as platform.yaml's `network` key has it (`cidr`, `zones`, `natGateways`,
 * `interfaceEndpoints`, …), validated by the same schema and rules; the region is the stack's.
 */
export type AwsNetworkProps = NetworkSpecInput;

/**
 * A VPC laid out from the platform's address plan ({@link AddressPlanner}): public subnets now,
 * each cluster's node subnets when the cluster is placed in it ({@link AwsNetwork.placeCluster},
 * which `EksCluster` calls), in the order clusters are created.
 *
 * Construct ids are keyed by cluster and zone name, never by position, so that appending a
 * cluster or a zone adds resources without renaming any.
 */
export class AwsNetwork extends Construct implements INetwork {
  /** Always `aws`. */
  readonly cloud = 'aws' as const;
  readonly networkId: string;
  readonly cidr: string;
  readonly zones: readonly string[];
  readonly publicSubnetIds: string[];
  /** The `aws_vpc` resource. */
  readonly vpc: Vpc;
  /** The validated network settings. */
  readonly spec: NetworkSpec;
  private readonly clusters = new Map<string, PlacedCluster>();
  private readonly planner: AddressPlanner;
  private readonly privateTables = new Map<string, RouteTable>();
  private readonly nodesScope: Construct;
  private readonly endpointsScope: Construct;
  private readonly region: string;

  constructor(scope: Construct, id: string, props: AwsNetworkProps = {}) {
    super(scope, id);
    const platform = platformOf(this);
    if (platform.cloud !== 'aws') throw new PlatformValidationError(`AwsNetwork is for cloud: aws; this stack's platform is on ${platform.cloud}`, this);
    const net = validProps(this, validatePart({ ...platform.settings, network: props, clusters: standInClusters() }, 'network', networkSchema, props));
    this.spec = net;
    this.cidr = net.cidr;
    this.zones = platformZones({ ...platform.settings, network: net });
    this.planner = new AddressPlanner(net.cidr, this.zones);
    this.region = platform.region!;
    const name = platform.name;
    const plan = { zones: this.zones, region: platform.region };

    this.vpc = new Vpc(this, 'Vpc', {
      cidrBlock: net.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: `${name}-vpc` },
    });
    this.networkId = this.vpc.id;

    // No traffic through the default security group (CIS AWS 5.4): it is what unlabelled ENIs get.
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', { vpcId: this.vpc.id, tags: { Name: `${name}-default-deny` } });

    const igw = new InternetGateway(this, 'InternetGateway', { vpcId: this.vpc.id, tags: { Name: `${name}-igw` } });

    const publicScope = new Construct(this, 'Public');
    const publicTable = new RouteTable(publicScope, 'RouteTable', { vpcId: this.vpc.id, tags: { Name: `${name}-public` } });
    new Route(publicScope, 'DefaultRoute', { routeTableId: publicTable.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });
    const publicSubnets = this.planner.publicSubnets.map((s) => {
      const subnet = new Subnet(publicScope, s.zone, {
        vpcId: this.vpc.id,
        cidrBlock: s.cidr,
        availabilityZone: s.zone,
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-public-${s.zone}`, 'kubernetes.io/role/elb': '1', 'loom.dev/tier': 'public' },
      });
      new RouteTableAssociation(publicScope, `${s.zone}-association`, { subnetId: subnet.id, routeTableId: publicTable.id });
      return subnet;
    });
    this.publicSubnetIds = publicSubnets.map((s) => s.id);

    // NAT: one for the platform, or one per zone so that no zone's egress depends on another.
    const natScope = new Construct(this, 'Nat');
    const natZones = net.natGateways === 'per-zone' ? plan.zones : plan.zones.slice(0, 1);
    const natByZone = new Map<string, NatGateway>();
    natZones.forEach((zone) => {
      const subnet = publicSubnets[plan.zones.indexOf(zone)]!;
      const eip = new Eip(natScope, `${zone}-eip`, { domain: 'vpc', tags: { Name: `${name}-nat-${zone}` } });
      natByZone.set(zone, new NatGateway(natScope, zone, {
        allocationId: eip.allocationId,
        subnetId: subnet.id,
        tags: { Name: `${name}-nat-${zone}` },
        dependsOn: [igw],
      }));
    });

    const privateScope = new Construct(this, 'Private');
    const privateTables = this.privateTables;
    for (const zone of plan.zones) {
      const table = new RouteTable(privateScope, `${zone}-routes`, { vpcId: this.vpc.id, tags: { Name: `${name}-private-${zone}` } });
      const nat = natByZone.get(zone) ?? natByZone.get(plan.zones[0]!)!;
      new Route(privateScope, `${zone}-default-route`, { routeTableId: table.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.id });
      privateTables.set(zone, table);
    }

    this.nodesScope = new Construct(this, 'NodeSubnets');

    // VPC endpoints. S3 as a gateway endpoint always (free): image layers from ECR and every S3
    // read and write of the private subnets skip the NAT gateway's per-GB charge.
    const endpoints = new Construct(this, 'Endpoints');
    new VpcEndpoint(endpoints, 's3', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${plan.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: plan.zones.map((z) => privateTables.get(z)!.id),
      tags: { Name: `${name}-s3` },
    });
    this.endpointsScope = endpoints;

    // Flow logs of all traffic, kept for the planned retention.
    const flowScope = new Construct(this, 'FlowLogs');
    const logGroup = new CloudwatchLogGroup(flowScope, 'LogGroup', {
      name: `/loom/${name}/vpc-flow-logs`,
      retentionInDays: net.flowLogRetentionDays,
    });
    // Only the flow logs of this account may assume the role (confused deputy), as the VPC user
    // guide recommends; the VPC's owner is the account, so that no data source calls STS.
    const partition = new DataAwsPartition(flowScope, 'Partition');
    const role = new IamRole(flowScope, 'Role', {
      name: `${name}-vpc-flow-logs`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:SourceAccount': this.vpc.ownerId },
              ArnLike: { 'aws:SourceArn': `arn:${partition.partition}:ec2:${plan.region}:${this.vpc.ownerId}:vpc-flow-log/*` },
            },
          },
        ],
      }),
    });
    new IamRolePolicy(flowScope, 'Policy', {
      role: role.id,
      name: 'write-flow-logs',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'],
            Resource: [logGroup.arn, `${logGroup.arn}:*`],
          },
        ],
      }),
    });
    new FlowLog(flowScope, 'FlowLog', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    });
  }

  /**
   * Places a cluster in the network: its block of the address plan (the next one, so that clusters
   * keep their addresses when others are appended) and its private node subnet in every zone,
   * routed through the zone's NAT and tagged for EKS, its load balancers and Karpenter. The first
   * cluster placed also hosts the interface VPC endpoints (`interfaceEndpoints`).
   */
  placeCluster(cluster: NetworkClusterRequest): PlacedCluster {
    if (this.clusters.has(cluster.name)) throw new PlatformValidationError(`cluster '${cluster.name}' is already placed in this network; cluster names must be unique`, this);
    let placement;
    try {
      placement = this.planner.place(cluster);
    } catch (e) {
      if (e instanceof PlanError) throw new PlatformValidationError(`${e.path}: ${e.message}`, this);
      throw e;
    }
    const clusterScope = new Construct(this.nodesScope, cluster.name);
    const subnets = placement.nodeSubnets.map((s) => {
      const subnet = new Subnet(clusterScope, s.zone, {
        vpcId: this.vpc.id,
        cidrBlock: s.cidr,
        availabilityZone: s.zone,
        tags: {
          Name: awsNodeSubnetName(cluster.resourceName, s.zone),
          'kubernetes.io/role/internal-elb': '1',
          [`kubernetes.io/cluster/${cluster.resourceName}`]: 'shared',
          'karpenter.sh/discovery': cluster.resourceName,
          'loom.dev/tier': 'private',
          'loom.dev/cluster': cluster.name,
        },
      });
      new RouteTableAssociation(clusterScope, `${s.zone}-association`, { subnetId: subnet.id, routeTableId: this.privateTables.get(s.zone)!.id });
      // The block internal load balancers of built components take fixed addresses from (see
      // LOAD_BALANCER_SLOTS), set aside before any node or pod exists: EC2 and the VPC CNI never
      // hand out an `explicit` reservation on their own. Every cluster has it, whatever is built,
      // so that switching a component's mode never touches the network.
      const reserved = reservedLoadBalancerAddress(s.cidr);
      new Ec2SubnetCidrReservation(clusterScope, `${s.zone}-load-balancers`, {
        subnetId: subnet.id,
        cidrBlock: reserved.reservation,
        reservationType: 'explicit',
        description: 'Loom: fixed addresses of internal load balancers',
      });
      return subnet;
    });
    const placed: PlacedCluster = {
      ...placement,
      subnetIds: subnets.map((s) => s.id),
      zones: placement.nodeSubnets.map((s) => s.zone),
    };
    this.subnetById.set(cluster.name, new Map(placement.nodeSubnets.map((s, i) => [s.zone, subnets[i]!])));
    this.clusters.set(cluster.name, placed);
    if (this.clusters.size === 1 && this.spec.interfaceEndpoints) this.addInterfaceEndpoints(placed);
    return placed;
  }

  /**
   * The data tier: one private subnet per zone from the fixed block of the address plan right
   * below the public subnets ({@link AddressPlanner.dataTier}), with a route table of its own that
   * has no route out of the VPC — managed databases and caches need none, and nothing there is
   * reachable from or can reach the internet. Created on first use; clusters placed afterwards stay
   * out of the block.
   */
  dataSubnets(): DataSubnets {
    if (this.dataTier) return this.dataTier;
    let placement;
    try {
      placement = this.planner.dataTier();
    } catch (e) {
      if (e instanceof PlanError) throw new PlatformValidationError(`${e.path}: ${e.message}`, this);
      throw e;
    }
    const name = platformOf(this).name;
    const scope = new Construct(this, 'Data');
    const table = new RouteTable(scope, 'RouteTable', { vpcId: this.vpc.id, tags: { Name: `${name}-data` } });
    const subnets = placement.subnets.map((s) => {
      const subnet = new Subnet(scope, s.zone, {
        vpcId: this.vpc.id,
        cidrBlock: s.cidr,
        availabilityZone: s.zone,
        tags: { Name: `${name}-data-${s.zone}`, 'loom.dev/tier': 'data' },
      });
      new RouteTableAssociation(scope, `${s.zone}-association`, { subnetId: subnet.id, routeTableId: table.id });
      return subnet;
    });
    this.dataTier = { subnetIds: subnets.map((s) => s.id), zones: placement.subnets.map((s) => s.zone), cidrs: placement.subnets.map((s) => s.cidr) };
    return this.dataTier;
  }

  subnetsFor(cluster: string): PlacedCluster {
    const s = this.clusters.get(cluster);
    if (!s) throw new PlatformValidationError(`the network has no subnets for cluster '${cluster}'; place it first (EksCluster does)`, this);
    return s;
  }

  private readonly subnetById = new Map<string, Map<string, Subnet>>();
  private dataTier?: DataSubnets;

  /**
   * Interface endpoints: one network interface per zone, in the first cluster's node subnet of that
   * zone (any subnet of the zone serves the whole VPC; the first cluster's never changes on append).
   */
  private addInterfaceEndpoints(first: PlacedCluster): void {
    const endpoints = this.endpointsScope;
    const name = platformOf(this).name;
    const sg = new SecurityGroup(endpoints, 'SecurityGroup', {
      name: `${name}-vpc-endpoints`,
      description: 'Interface VPC endpoints: HTTPS from the VPC',
      vpcId: this.vpc.id,
      tags: { Name: `${name}-vpc-endpoints` },
    });
    new VpcSecurityGroupIngressRule(endpoints, 'HttpsFromVpc', {
      securityGroupId: sg.id,
      description: 'HTTPS from the VPC',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: this.cidr,
    });
    const subnetIds = this.zones.flatMap((z) => (first.zones.includes(z) ? [first.subnetIds[first.zones.indexOf(z)]!] : []));
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      new VpcEndpoint(endpoints, service, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${this.region}.${service}`,
        vpcEndpointType: 'Interface',
        // The service's public name resolves to the endpoint inside the VPC: no client changes.
        privateDnsEnabled: true,
        subnetIds,
        securityGroupIds: [sg.id],
        tags: { Name: `${name}-${service}` },
      });
    }
  }
}
