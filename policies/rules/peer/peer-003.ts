/**
 * LOOM-PEER-003: cloud APIs are reached privately. Nodes without public addresses reach Google APIs
 * through private Google access; EKS nodes reach S3, ECR and STS through VPC endpoints rather than
 * the NAT gateway (a single point of failure, billed per GB, and an egress path to the internet).
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { flag, list, text } from '../../values';
import { follow, keyOf } from '../net/cidrs';

/** The services private EKS nodes need, with the endpoint type each must have. */
const EKS_SERVICES: readonly { readonly service: string; readonly type: 'Gateway' | 'Interface' }[] = [
  { service: 's3', type: 'Gateway' },
  { service: 'ecr.api', type: 'Interface' },
  { service: 'ecr.dkr', type: 'Interface' },
  { service: 'sts', type: 'Interface' },
];

/** Private IPv6 access values that let VMs reach Google APIs. */
const IPV6_PRIVATE_ACCESS = ['ENABLE_OUTBOUND_VM_ACCESS_TO_GOOGLE', 'ENABLE_BIDIRECTIONAL_ACCESS_TO_GOOGLE'];

/** LOOM-PEER-003 (MEDIUM): private Google access on subnetworks (IPv6 too when dual-stack); S3 gateway and ECR/STS interface endpoints for private EKS clusters. */
export const PEER_003: PolicyRule = {
  id: 'LOOM-PEER-003',
  area: 'PEER',
  title: 'Cloud APIs are reached privately',
  severity: { baseline: 'MEDIUM' },
  rationale:
    'Private nodes that reach cloud APIs through NAT depend on the NAT gateway for image pulls, credentials and storage: it is billed per GB, a shared failure point, and the traffic crosses the internet edge. Private Google access and VPC endpoints keep it on the provider’s network.',
  fix: 'AWS: set network.interfaceEndpoints: true (ECR api/dkr, STS and EC2 interface endpoints; the S3 gateway endpoint is always created), or record the NAT path with a policies.exceptions entry. Google Cloud: keep private_ip_google_access on every subnetwork (GcpNetwork sets it) and private_ipv6_google_access on dual-stack ones.',
  anchors: ['CKV_GCP_74', 'CKV_GCP_76', 'AVD-GCP-0075'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const s of ctx.resources('google_compute_subnetwork')) {
      const purpose = text(s.values, 'purpose') ?? 'PRIVATE';
      if (purpose !== 'PRIVATE' && purpose !== 'unknown') continue; // proxy-only and Private Service Connect subnets take no private access
      const access = flag(s.values, 'private_ip_google_access') ?? false;
      if (access === 'unknown') out.push({ resource: s, message: 'private_ip_google_access is decided at apply time', unknown: true });
      else if (!access) out.push({ resource: s, message: `private_ip_google_access is ${s.values.private_ip_google_access === undefined ? 'omitted (false by default)' : 'false'}: VMs without external addresses cannot reach Google APIs`, detail: 'PrivateGoogleAccess' });
      const stack = text(s.values, 'stack_type') ?? 'IPV4_ONLY';
      if (stack === 'IPV4_IPV6' || stack === 'IPV6_ONLY') {
        const v6 = text(s.values, 'private_ipv6_google_access') ?? 'DISABLE_GOOGLE_ACCESS';
        if (v6 === 'unknown') out.push({ resource: s, message: 'private_ipv6_google_access is decided at apply time', unknown: true });
        else if (!IPV6_PRIVATE_ACCESS.includes(v6)) out.push({ resource: s, message: `the subnetwork is dual-stack and private_ipv6_google_access is ${v6}`, detail: 'PrivateIpv6GoogleAccess' });
      } else if (stack === 'unknown') out.push({ resource: s, message: 'stack_type is decided at apply time', unknown: true });
    }
    eks(ctx, out);
    return out;
  },
};

/** The VPC endpoints of each VPC: service suffix → endpoint types. */
function endpointsByVpc(ctx: RuleContext): { byVpc: Map<string, Map<string, Set<string>>>; unresolved: boolean } {
  const byVpc = new Map<string, Map<string, Set<string>>>();
  let unresolved = false;
  for (const e of ctx.resources('aws_vpc_endpoint')) {
    const vpc = ctx.resolve(e, e.values.vpc_id);
    const name = String(e.values.service_name ?? '');
    // `com.amazonaws.<region>.<service>`; the region may be a reference, the service rarely is.
    const service = /^com\.amazonaws\.(?:\$\{[^}]*\}|[a-z0-9-]+)\.(.+)$/.exec(name)?.[1];
    if (!vpc || !service) {
      unresolved = true;
      continue;
    }
    const services = byVpc.get(keyOf(vpc)) ?? new Map<string, Set<string>>();
    const type = text(e.values, 'vpc_endpoint_type') ?? 'Gateway';
    services.set(service, (services.get(service) ?? new Set()).add(type));
    byVpc.set(keyOf(vpc), services);
  }
  return { byVpc, unresolved };
}

function eks(ctx: RuleContext, out: RuleFinding[]): void {
  const clusters = ctx.resources('aws_eks_cluster');
  if (!clusters.length) return;
  const { byVpc, unresolved } = endpointsByVpc(ctx);
  for (const c of clusters) {
    // The cluster's subnets: nodes are private when none maps public addresses.
    const ids = [...list(c.values, 'vpc_config.subnet_ids'), ...ctx.referencing(c, 'aws_eks_node_group').flatMap((g) => list(g.values, 'subnet_ids'))];
    const { resources: subnets } = follow(ctx, c, ids, 'aws_subnet');
    if (subnets.some((s) => flag(s.values, 'map_public_ip_on_launch') === true)) continue; // public nodes: not this rule's case
    const vpc = subnets.map((s) => ctx.resolve(s, s.values.vpc_id)).find((v): v is SynthResource => v?.type === 'aws_vpc');
    if (!vpc) {
      out.push({ resource: c, message: 'the cluster’s VPC cannot be followed from its subnets: whether it has VPC endpoints is decided at apply time', unknown: true });
      continue;
    }
    const services = byVpc.get(keyOf(vpc)) ?? new Map<string, Set<string>>();
    for (const { service, type } of EKS_SERVICES) {
      if (services.get(service)?.has(type)) continue;
      if (unresolved) out.push({ resource: c, message: `no ${type.toLowerCase()} endpoint for ${service} found in ${vpc.address}, and an endpoint whose VPC or service cannot be read may be it`, unknown: true });
      else out.push({ resource: c, message: `${vpc.address} has no ${type.toLowerCase()} VPC endpoint for ${service}: private nodes reach it through NAT`, detail: service });
    }
  }
}
