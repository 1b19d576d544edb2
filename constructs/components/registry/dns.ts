/**
 * Harbor's name, resolvable by the nodes that pull from it (registry, build; services stack):
 * a private DNS zone for exactly the hostname, visible to the platform's network only, answering
 * with the fixed addresses of Harbor's internal load balancer.
 *
 * The addresses come from the address plan (`reservedLoadBalancerAddress`: the second-highest /28
 * of each subnet the load balancer sits in), so the record is known at plan time, before the load
 * balancer exists, and nothing asks a cloud at synth:
 *
 * - AWS: one address per zone in the registry cluster's node subnets, set aside by the network
 *   stack with an `explicit` subnet CIDR reservation before any node exists (AWS then never hands
 *   them out on its own — not to nodes, not to pods through the VPC CNI), and claimed by the AWS Load Balancer Controller's NLB
 *   through `aws-load-balancer-private-ipv4-addresses` (see `harborLoadBalancer`). A Route 53
 *   private hosted zone associated with the VPC holds an A record with the addresses.
 * - Google Cloud: one reserved INTERNAL address in the registry cluster's subnetwork, taken by
 *   the internal passthrough load balancer through the Service's `loadBalancerIP`; a Cloud DNS
 *   private zone on the platform's network holds the A record.
 *
 * The zone is the hostname itself, not its parent domain, so that it shadows that one name only
 * (a private zone for `example.com` would hide every other `example.com` name from the VPC).
 */
import { Construct } from 'constructs';
import type { IKubernetesCluster } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { harborAddresses, type HarborAddress, type PlatformContext } from '../../../plan';
import { componentLabels, componentTags } from '../contract';
import { eksClusterOf, gkeClusterOf } from '../clusters';

/** Record TTL: short enough that a changed address spreads within minutes. */
export const HARBOR_DNS_TTL = 300;

/** Props of {@link HarborDns}. */
export interface HarborDnsProps {
  /** The platform's settings (name, cloud, labels). */
  readonly platform: PlatformContext;
  /** Harbor's hostname, which the private zone is for. */
  readonly hostname: string;
  /** The cluster Harbor runs on (its network and subnets). */
  readonly cluster: IKubernetesCluster;
}

/** The private zone and record for Harbor's hostname (services stack); the network stack reserves the addresses. */
export class HarborDns extends Construct {
  /** The load balancer's fixed addresses from the address plan, which the record answers with. */
  readonly addresses: readonly HarborAddress[];

  constructor(scope: Construct, id: string, props: HarborDnsProps) {
    super(scope, id);
    const { platform: plan, hostname, cluster } = props;
    this.addresses = harborAddresses(plan.cloud, cluster.plan);
    switch (plan.cloud) {
      case 'aws':
        this.aws(props);
        break;
      case 'gcp':
        this.gcp(props);
        break;
      case 'kubernetes':
        throw new PlatformValidationError(`Harbor's DNS on existing clusters is the premises' own: point ${hostname} at Harbor's load balancer`, this);
    }
  }

  private aws(props: HarborDnsProps): void {
    const { hostname, cluster } = props;
    const { Route53Zone } = require('@cdktf/provider-aws/lib/route53-zone') as typeof import('@cdktf/provider-aws/lib/route53-zone');
    const { Route53Record } = require('@cdktf/provider-aws/lib/route53-record') as typeof import('@cdktf/provider-aws/lib/route53-record');
    const eks = eksClusterOf(cluster, "Harbor's private DNS zone");
    const tags = componentTags('registry');
    const zone = new Route53Zone(this, 'Zone', {
      name: hostname,
      comment: `Loom: Harbor of platform ${props.platform.name}, for the platform's VPC only`,
      vpc: [{ vpcId: eks.vpcId }],
      tags,
    });
    new Route53Record(this, 'Record', { zoneId: zone.zoneId, name: hostname, type: 'A', ttl: HARBOR_DNS_TTL, records: this.addresses.map((a) => a.address) });
  }

  private gcp(props: HarborDnsProps): void {
    const { platform: plan, hostname, cluster } = props;
    const { ComputeAddress } = require('@cdktf/provider-google/lib/compute-address') as typeof import('@cdktf/provider-google/lib/compute-address');
    const { DnsManagedZone } = require('@cdktf/provider-google/lib/dns-managed-zone') as typeof import('@cdktf/provider-google/lib/dns-managed-zone');
    const { DnsRecordSet } = require('@cdktf/provider-google/lib/dns-record-set') as typeof import('@cdktf/provider-google/lib/dns-record-set');
    const gke = gkeClusterOf(cluster, "Harbor's private DNS zone");
    if (!plan.gcpProject || !plan.region) throw new PlatformValidationError("Harbor's DNS needs gcpProject and region in the plan", this);
    const labels = { ...plan.labels, ...componentLabels('registry') };
    const address = this.addresses[0]!;
    new ComputeAddress(this, 'Address', {
      name: `${plan.name}-harbor`,
      project: plan.gcpProject,
      region: plan.region,
      addressType: 'INTERNAL',
      subnetwork: gke.resource.subnetwork,
      address: address.address,
      description: "Loom: Harbor's internal load balancer",
      labels,
    });
    const zone = new DnsManagedZone(this, 'Zone', {
      name: `${plan.name}-harbor`,
      project: plan.gcpProject,
      dnsName: `${hostname}.`,
      description: `Loom: Harbor of platform ${plan.name}, for the platform's network only`,
      visibility: 'private',
      privateVisibilityConfig: { networks: [{ networkUrl: gke.resource.network }] },
      labels,
    });
    new DnsRecordSet(this, 'Record', { project: plan.gcpProject, managedZone: zone.name, name: `${hostname}.`, type: 'A', ttl: HARBOR_DNS_TTL, rrdatas: [address.address] });
  }
}
