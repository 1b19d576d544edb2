/**
 * Internal load balancers for components' Services: the annotations that keep a `LoadBalancer`
 * Service inside the platform's network on each cloud. Shared by every component that serves
 * other clusters (Harbor, MLflow, Feast), in a module of its own so that using it loads nothing
 * else of theirs.
 */
import { Fn } from '../core/cdk';
import type { IKubernetesCluster } from '../core/contracts';
import { internalDnsNames, loadBalancerAddresses, type LoadBalancerAddress, type PlatformContext } from '../../plan';

/**
 * Internal load balancer annotations per cloud (the AWS Load Balancer Controller's NLB on AWS).
 * With `addresses` (AWS), the NLB sits in those subnets at those fixed addresses — the ones the
 * private DNS record names — and balances across zones, since the record hands out every zone's
 * address whether or not the component has a pod there. With `addressName` (Google Cloud), GKE's
 * internal load balancer takes that reserved address.
 */
export function internalLoadBalancerAnnotations(cloud: PlatformContext['cloud'], addresses: readonly LoadBalancerAddress[] = [], addressName?: string): Record<string, string> {
  switch (cloud) {
    case 'aws':
      return {
        'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
        ...(addresses.length
          ? {
              'service.beta.kubernetes.io/aws-load-balancer-subnets': addresses.map((a) => a.subnetName!).join(','),
              'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses': addresses.map((a) => a.address).join(','),
              'service.beta.kubernetes.io/aws-load-balancer-attributes': 'load_balancing.cross_zone.enabled=true',
            }
          : {}),
      };
    case 'gcp':
      return { 'networking.gke.io/load-balancer-type': 'Internal', ...(addressName ? { 'networking.gke.io/load-balancer-ip-addresses': addressName } : {}) };
    case 'kubernetes':
      // Whatever implements LoadBalancer services on the premises (MetalLB, kube-vip, …).
      return {};
  }
}

/**
 * Where a load balancer Service answers: its name on AWS (an NLB's DNS name), its address on Google
 * Cloud, either on existing clusters (MetalLB and kube-vip give addresses, others names).
 */
export function loadBalancerAddress(cloud: PlatformContext['cloud'], ingress: { readonly hostname: string; readonly ip: string }): string {
  switch (cloud) {
    case 'aws':
      return ingress.hostname;
    case 'gcp':
      return ingress.ip;
    case 'kubernetes':
      return Fn.coalesce([ingress.hostname, ingress.ip]);
  }
}

/** ExternalDNS's annotation naming the DNS record of a Service's load balancer (existing clusters). */
export const EXTERNAL_DNS_HOSTNAME = 'external-dns.alpha.kubernetes.io/hostname';

/** A built component's fixed internal endpoint: its DNS name and its load balancer's place. */
export interface FixedEndpoint {
  /** The DNS name clients on other clusters use (a record of the component's private zone). */
  readonly hostname: string;
  /** The load balancer's fixed addresses (the record's). */
  readonly addresses: readonly LoadBalancerAddress[];
  /** The annotations that put the Service's load balancer at those addresses. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Google Cloud: the reserved address, for Services whose spec Loom writes (`loadBalancerIP`). */
  readonly loadBalancerIp?: string;
}

/** Where a fixed endpoint goes: the component's slot, name and zone label (see `LOAD_BALANCER_SLOTS`). */
export interface FixedEndpointProps {
  /** The slot of the reservation the load balancer takes. */
  readonly slot: number;
  /** The DNS name. */
  readonly hostname: string;
  /** The zone's label (`<platform>-<label>` on Google Cloud). */
  readonly label: string;
  /** The record's key within a zone of several (serving's endpoints). @default the zone's own record */
  readonly key?: string;
}

/**
 * The fixed endpoint of a built component's load balancer on `cluster`. On existing clusters only
 * with the spec's `internalDomain` (the premises' DNS answers the name; the load balancer carries
 * ExternalDNS's hostname annotation for one that runs there), else undefined (the load balancer's
 * address is read back).
 */
export function fixedEndpoint(platform: PlatformContext, cluster: IKubernetesCluster, props: FixedEndpointProps): FixedEndpoint | undefined {
  if (platform.cloud === 'kubernetes') {
    if (!platform.settings.internalDomain) return undefined;
    return { hostname: props.hostname, addresses: [], annotations: { ...internalLoadBalancerAnnotations('kubernetes'), [EXTERNAL_DNS_HOSTNAME]: props.hostname } };
  }
  const addresses = loadBalancerAddresses(platform.cloud, cluster.plan, props.slot);
  const addressName = platform.cloud === 'gcp' ? internalDnsNames(platform.name, props.label, props.key).address : undefined;
  return {
    hostname: props.hostname,
    addresses,
    annotations: internalLoadBalancerAnnotations(platform.cloud, platform.cloud === 'aws' ? addresses : [], addressName),
    ...(platform.cloud === 'gcp' && addresses[0] ? { loadBalancerIp: addresses[0].address } : {}),
  };
}
