/**
 * Internal load balancers for components' Services: the annotations that keep a `LoadBalancer`
 * Service inside the platform's network on each cloud. Shared by every component that serves
 * other clusters (Harbor, MLflow, Feast), in a module of its own so that using it loads nothing
 * else of theirs.
 */
import { Fn } from '../core/cdk';
import type { HarborAddress, PlatformContext } from '../../plan';

/**
 * Internal load balancer annotations per cloud (the AWS Load Balancer Controller's NLB on AWS).
 * With `addresses` (AWS), the NLB sits in those subnets at those fixed addresses — the ones the
 * private DNS record names — and balances across zones, since the record hands out every zone's
 * address whether or not Harbor has a pod there.
 */
export function internalLoadBalancerAnnotations(cloud: PlatformContext['cloud'], addresses: readonly HarborAddress[] = []): Record<string, string> {
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
      return { 'networking.gke.io/load-balancer-type': 'Internal' };
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
