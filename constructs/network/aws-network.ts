/**
 * The platform's AWS network: a VPC across the planned zones, public subnets with an internet
 * gateway, private node subnets per cluster and zone, NAT egress, flow logs.
 */
import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
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
import type { ClusterSubnets, INetwork } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
import type { PlatformPlan } from '../../spec/plan';
import { assumeRolePolicy } from '../aws/iam';

export interface AwsNetworkProps {
  /** The resolved platform plan; its `network` and clusters' subnets are built. */
  readonly plan: PlatformPlan;
}

/**
 * A VPC laid out from the platform's address plan.
 *
 * Construct ids are keyed by cluster and zone name, never by position, so that appending a
 * cluster or a zone adds resources without renaming any.
 */
export class AwsNetwork extends Construct implements INetwork {
  readonly cloud = 'aws' as const;
  readonly networkId: string;
  readonly cidr: string;
  readonly zones: readonly string[];
  readonly publicSubnetIds: string[];
  readonly vpc: Vpc;
  private readonly clusterSubnets = new Map<string, ClusterSubnets>();

  constructor(scope: Construct, id: string, props: AwsNetworkProps) {
    super(scope, id);
    const { plan } = props;
    const net = plan.network;
    if (!net) throw new PlatformValidationError('the plan has no network (cloud: kubernetes has none)', this);
    this.cidr = net.cidr;
    this.zones = plan.zones;
    const name = plan.name;

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
    const publicSubnets = net.publicSubnets.map((s) => {
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
    const privateTables = new Map<string, RouteTable>();
    for (const zone of plan.zones) {
      const table = new RouteTable(privateScope, `${zone}-routes`, { vpcId: this.vpc.id, tags: { Name: `${name}-private-${zone}` } });
      const nat = natByZone.get(zone) ?? natByZone.get(plan.zones[0]!)!;
      new Route(privateScope, `${zone}-default-route`, { routeTableId: table.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.id });
      privateTables.set(zone, table);
    }

    const nodesScope = new Construct(this, 'NodeSubnets');
    for (const cluster of plan.clusters) {
      const clusterScope = new Construct(nodesScope, cluster.name);
      const ids = cluster.nodeSubnets.map((s) => {
        const subnet = new Subnet(clusterScope, s.zone, {
          vpcId: this.vpc.id,
          cidrBlock: s.cidr,
          availabilityZone: s.zone,
          tags: {
            Name: `${cluster.resourceName}-${s.zone}`,
            'kubernetes.io/role/internal-elb': '1',
            [`kubernetes.io/cluster/${cluster.resourceName}`]: 'shared',
            'karpenter.sh/discovery': cluster.resourceName,
            'loom.dev/tier': 'private',
            'loom.dev/cluster': cluster.name,
          },
        });
        new RouteTableAssociation(clusterScope, `${s.zone}-association`, { subnetId: subnet.id, routeTableId: privateTables.get(s.zone)!.id });
        return subnet.id;
      });
      this.clusterSubnets.set(cluster.name, { subnetIds: ids, zones: cluster.nodeSubnets.map((s) => s.zone) });
    }

    // Flow logs of all traffic, kept for the planned retention.
    const flowScope = new Construct(this, 'FlowLogs');
    const logGroup = new CloudwatchLogGroup(flowScope, 'LogGroup', {
      name: `/loom/${name}/vpc-flow-logs`,
      retentionInDays: net.flowLogRetentionDays,
    });
    const role = new IamRole(flowScope, 'Role', {
      name: `${name}-vpc-flow-logs`,
      assumeRolePolicy: assumeRolePolicy({ Service: 'vpc-flow-logs.amazonaws.com' }),
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

  subnetsFor(cluster: string): ClusterSubnets {
    const s = this.clusterSubnets.get(cluster);
    if (!s) throw new PlatformValidationError(`the network has no subnets planned for cluster '${cluster}'`, this);
    return s;
  }
}
