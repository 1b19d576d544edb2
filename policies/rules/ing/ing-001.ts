/**
 * LOOM-ING-001: the Kubernetes API endpoint is private or allow-listed. A public endpoint open to
 * the world puts the control plane one stolen credential (or one API server CVE) away from anyone.
 */
import type { PolicyRule, RuleFinding } from '../../types';
import { attr, flag, isReference, list } from '../../values';

const WORLD = ['0.0.0.0/0', '::/0'];

export const ING_001: PolicyRule = {
  id: 'LOOM-ING-001',
  area: 'ING',
  title: 'The Kubernetes API endpoint is private or allow-listed',
  severity: { baseline: 'CRITICAL' },
  rationale: 'A control plane reachable from the whole internet is one leaked credential or API-server vulnerability away from compromise.',
  fix: 'Keep the endpoint private (clusters[].endpoint.public: false, the default) or list the networks that may reach it in clusters[].endpoint.publicAccessCidrs — never 0.0.0.0/0.',
  anchors: ['AwsSolutions-EKS1', 'CKV_AWS_39', 'CKV_AWS_38', 'AVD-AWS-0040', 'AVD-AWS-0041', 'CIS EKS 5.4.1', 'CIS EKS 5.4.2', 'CKV_GCP_18', 'CKV_GCP_20', 'AVD-GCP-0053', 'AVD-GCP-0061', 'CIS GKE 5.6.3', 'CIS GKE 5.6.4'],
  providers: ['aws', 'google'],
  suppressible: false,
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const r of ctx.resources('aws_eks_cluster')) {
      // Provider defaults: public access on, from 0.0.0.0/0; private access off.
      const isPublic = flag(r.values, 'vpc_config.endpoint_public_access') ?? true;
      const isPrivate = flag(r.values, 'vpc_config.endpoint_private_access') ?? false;
      const cidrs = list(r.values, 'vpc_config.public_access_cidrs');
      if (isPublic === 'unknown' || isPrivate === 'unknown' || cidrs.some(isReference)) {
        out.push({ resource: r, message: 'endpoint access is set by a reference, decided at apply time', unknown: true });
        continue;
      }
      if (isPrivate !== true) out.push({ resource: r, message: 'vpc_config.endpoint_private_access is not true: nodes and in-VPC tools reach the API through the internet', detail: 'PrivateAccess' });
      if (isPublic === true) {
        const open = cidrs.length === 0 ? ['0.0.0.0/0 (the default)'] : cidrs.filter((c) => WORLD.includes(String(c)));
        if (open.length) out.push({ resource: r, message: `vpc_config.endpoint_public_access is true and open to ${open.join(', ')}`, detail: 'PublicAccess' });
      }
    }
    for (const r of ctx.resources('google_container_cluster')) {
      const privateEndpoint = flag(r.values, 'private_cluster_config.enable_private_endpoint');
      if (privateEndpoint === 'unknown') {
        out.push({ resource: r, message: 'private_cluster_config.enable_private_endpoint is a reference, decided at apply time', unknown: true });
        continue;
      }
      if (privateEndpoint === true) continue;
      const networks = attr(r.values, 'master_authorized_networks_config');
      const blocks = list(r.values, 'master_authorized_networks_config.cidr_blocks').map((b) => attr(b, 'cidr_block'));
      if (networks === undefined || blocks.length === 0) out.push({ resource: r, message: 'the public endpoint has no master_authorized_networks_config: any address may reach the API', detail: 'PublicEndpoint' });
      else if (blocks.some(isReference)) out.push({ resource: r, message: 'an authorized network is a reference, decided at apply time', unknown: true });
      else if (blocks.some((b) => WORLD.includes(String(b)))) out.push({ resource: r, message: 'master_authorized_networks_config allows 0.0.0.0/0', detail: 'PublicEndpoint' });
    }
    return out;
  },
};
