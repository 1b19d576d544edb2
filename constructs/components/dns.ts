/**
 * Fixed names for built components other clusters reach (Harbor, MLflow, Feast, Argo's server,
 * Kafka's bootstrap, serving endpoints; services stack): a private DNS zone visible to the
 * platform's network only, answering with the fixed addresses of the component's internal load
 * balancer.
 *
 * The addresses come from the address plan (`loadBalancerAddresses`: the component's slot in the
 * second-highest /28 of each subnet the load balancer sits in), so the records are known at plan
 * time, before the load balancer exists, and nothing asks a cloud at synth — and no cluster reads
 * another cluster's state to find a component (which, with components on several clusters, would
 * make their add-ons stacks depend on each other):
 *
 * - AWS: one address per zone in the component cluster's node subnets, inside the block the
 *   network stack sets aside in every cluster's node subnets (an `explicit` subnet CIDR
 *   reservation, which EC2 and the VPC CNI never hand out), claimed by the AWS Load Balancer
 *   Controller's NLB through `aws-load-balancer-private-ipv4-addresses`. A Route 53 private hosted
 *   zone associated with the VPC holds the A records.
 * - Google Cloud: one reserved INTERNAL address in the cluster's subnetwork per record, taken by
 *   GKE's internal passthrough load balancer (`networking.gke.io/load-balancer-ip-addresses`); a
 *   Cloud DNS private zone on the platform's network holds the A records.
 *
 * The zone is the component's own name (serving: `serving.<platform>.internal`, one record per
 * endpoint), not a parent domain, so that it shadows those names only.
 */
import { Construct } from 'constructs';
import type { IKubernetesCluster } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
import { componentHostnames, internalDnsNames, LOAD_BALANCER_SLOTS, type FixedAddressComponent, type LoadBalancerAddress, type PlatformContext } from '../../plan';
import type { ComponentName } from '../../schema/schema';
import { componentLabels, componentTags } from './contract';
import { eksClusterOf, gkeClusterOf } from './clusters';
import { fixedEndpoint, type FixedEndpoint } from './load-balancer';

/** Record TTL: short enough that a changed address spreads within minutes. */
export const INTERNAL_DNS_TTL = 300;

/** One name of an internal zone and the load balancer addresses it answers with. */
export interface InternalDnsRecord {
  /** The record's construct id suffix and, on Google Cloud, its address's name suffix. @default the zone's own record */
  readonly key?: string;
  /** The DNS name (the zone itself, or a name below it). */
  readonly name: string;
  /** The load balancer's fixed addresses from the address plan. */
  readonly addresses: readonly LoadBalancerAddress[];
}

/** Props of {@link InternalDns}. */
export interface InternalDnsProps {
  /** The platform's settings (name, cloud, labels). */
  readonly platform: PlatformContext;
  /** The component the names are of (its tags and labels). */
  readonly component: ComponentName;
  /** The zone's DNS name. */
  readonly zone: string;
  /** Short name of the zone's Google Cloud resources (`<platform>-<label>`, ≤ 63). */
  readonly label: string;
  /** The records. */
  readonly records: readonly InternalDnsRecord[];
  /** The cluster the component runs on (its network and subnetwork). */
  readonly cluster: IKubernetesCluster;
  /** What the zone is for, in its description. */
  readonly description: string;
}

/** A private zone for a built component's names (services stack); see the module comment. */
export class InternalDns extends Construct {
  constructor(scope: Construct, id: string, props: InternalDnsProps) {
    super(scope, id);
    switch (props.platform.cloud) {
      case 'aws':
        this.aws(props);
        break;
      case 'gcp':
        this.gcp(props);
        break;
      case 'kubernetes':
        throw new PlatformValidationError(`DNS on existing clusters is the premises' own: point ${props.zone} at the component's load balancer`, this);
    }
  }

  private aws(props: InternalDnsProps): void {
    const { Route53Zone } = require('@cdktf/provider-aws/lib/route53-zone') as typeof import('@cdktf/provider-aws/lib/route53-zone');
    const { Route53Record } = require('@cdktf/provider-aws/lib/route53-record') as typeof import('@cdktf/provider-aws/lib/route53-record');
    const eks = eksClusterOf(props.cluster, `the private DNS zone ${props.zone}`);
    const zone = new Route53Zone(this, 'Zone', {
      name: props.zone,
      comment: `Loom: ${props.description} of platform ${props.platform.name}, for the platform's VPC only`,
      vpc: [{ vpcId: eks.vpcId }],
      tags: componentTags(props.component),
    });
    for (const record of props.records) {
      new Route53Record(this, recordId('Record', record), { zoneId: zone.zoneId, name: record.name, type: 'A', ttl: INTERNAL_DNS_TTL, records: record.addresses.map((a) => a.address) });
    }
  }

  private gcp(props: InternalDnsProps): void {
    const { platform: plan } = props;
    const { ComputeAddress } = require('@cdktf/provider-google/lib/compute-address') as typeof import('@cdktf/provider-google/lib/compute-address');
    const { DnsManagedZone } = require('@cdktf/provider-google/lib/dns-managed-zone') as typeof import('@cdktf/provider-google/lib/dns-managed-zone');
    const { DnsRecordSet } = require('@cdktf/provider-google/lib/dns-record-set') as typeof import('@cdktf/provider-google/lib/dns-record-set');
    const gke = gkeClusterOf(props.cluster, `the private DNS zone ${props.zone}`);
    if (!plan.gcpProject || !plan.region) throw new PlatformValidationError(`the private DNS zone ${props.zone} needs gcpProject and region in the plan`, this);
    const labels = { ...plan.labels, ...componentLabels(props.component) };
    for (const record of props.records) {
      const address = record.addresses[0];
      if (!address) throw new PlatformValidationError(`${record.name} has no fixed address in cluster '${props.cluster.plan.name}'`, this);
      new ComputeAddress(this, recordId('Address', record), {
        name: internalDnsNames(plan.name, props.label, record.key).address,
        project: plan.gcpProject,
        region: plan.region,
        addressType: 'INTERNAL',
        subnetwork: gke.resource.subnetwork,
        address: address.address,
        description: `Loom: the internal load balancer of ${record.name}`,
        labels,
      });
    }
    const zone = new DnsManagedZone(this, 'Zone', {
      name: internalDnsNames(plan.name, props.label).zone,
      project: plan.gcpProject,
      dnsName: `${props.zone}.`,
      description: `Loom: ${props.description} of platform ${plan.name}, for the platform's network only`,
      visibility: 'private',
      privateVisibilityConfig: { networks: [{ networkUrl: gke.resource.network }] },
      labels,
    });
    for (const record of props.records) {
      new DnsRecordSet(this, recordId('Record', record), { project: plan.gcpProject, managedZone: zone.name, name: `${record.name}.`, type: 'A', ttl: INTERNAL_DNS_TTL, rrdatas: [record.addresses[0]!.address] });
    }
  }
}

const recordId = (kind: string, record: InternalDnsRecord) => (record.key ? `${kind}-${record.key}` : kind);

/** Props of {@link fixedComponentEndpoint}. */
export interface FixedComponentEndpointProps {
  /** The platform's settings. */
  readonly platform: PlatformContext;
  /** The component (one named by a single record: not the registry, whose name is its own, nor serving). */
  readonly component: Exclude<FixedAddressComponent, 'registry' | 'serving'>;
  /** The cluster it runs on. */
  readonly cluster: IKubernetesCluster;
  /** The zone's short label (`<platform>-<label>` on Google Cloud). */
  readonly label: string;
  /** What it is, in the zone's description. */
  readonly description: string;
}

/**
 * A built component's fixed endpoint, named `<product>.<internalDomain>` ({@link componentHostnames}):
 * on aws and gcp its private zone with one record (created in `services`, the services stack, as
 * construct `Dns`) and how its Service takes the addresses; on existing clusters, with an
 * `internalDomain`, the name the premises' DNS answers (undefined without one).
 */
export function fixedComponentEndpoint(services: Construct | undefined, props: FixedComponentEndpointProps): FixedEndpoint | undefined {
  const { platform } = props;
  const hostname = componentHostnames(platform.name, platform.settings.internalDomain)[props.component as Exclude<FixedAddressComponent, 'registry' | 'serving'>];
  const endpoint = fixedEndpoint(platform, props.cluster, { slot: LOAD_BALANCER_SLOTS[props.component], hostname, label: props.label });
  if (!endpoint || platform.cloud === 'kubernetes') return endpoint;
  if (!services) throw new PlatformValidationError(`${props.component}: its private DNS zone goes in the services stack; pass it`);
  new InternalDns(services, 'Dns', {
    platform,
    component: props.component,
    zone: hostname,
    label: props.label,
    records: [{ name: hostname, addresses: endpoint.addresses }],
    cluster: props.cluster,
    description: props.description,
  });
  return endpoint;
}
