/**
 * Harbor's name, resolvable by the nodes that pull from it (registry, build; services stack): the
 * platform's internal DNS for a built component ({@link InternalDns}) for exactly the hostname,
 * answering with the fixed addresses of Harbor's internal load balancer (slot `registry`).
 */
import type { Construct } from 'constructs';
import type { IKubernetesCluster } from '../../core/contracts';
import { harborAddresses, type LoadBalancerAddress, type PlatformContext } from '../../../plan';
import { InternalDns, INTERNAL_DNS_TTL } from '../dns';

/** Record TTL: short enough that a changed address spreads within minutes. */
export const HARBOR_DNS_TTL = INTERNAL_DNS_TTL;

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
export class HarborDns extends InternalDns {
  /** The load balancer's fixed addresses from the address plan, which the record answers with. */
  readonly addresses: readonly LoadBalancerAddress[];

  constructor(scope: Construct, id: string, props: HarborDnsProps) {
    const addresses = harborAddresses(props.platform.cloud, props.cluster.plan);
    super(scope, id, {
      platform: props.platform,
      component: 'registry',
      zone: props.hostname,
      label: 'harbor',
      records: [{ name: props.hostname, addresses }],
      cluster: props.cluster,
      description: 'Harbor',
    });
    this.addresses = addresses;
  }
}
