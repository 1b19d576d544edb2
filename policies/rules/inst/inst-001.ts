/**
 * LOOM-INST-001: instance-metadata protection. Nodes require IMDSv2 with a hop limit of 1 (EKS
 * launch templates, Karpenter EC2NodeClasses), every managed node group uses such a template, and
 * GKE nodes expose the GKE metadata server (Workload Identity) with the legacy endpoints off — so
 * that a pod cannot borrow the node's cloud identity.
 */
import { kubernetesObjects } from '../../kubernetes';
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, isObject, isReference, num, text } from '../../values';

/** Reads IMDS options (`http_tokens`/`httpTokens`, …) from an object in either naming. */
function imdsFindings(resource: SynthResource, opts: unknown, names: { tokens: string; hop: string; endpoint: string }, defaults: { tokens: string; hop: number }, prefix: string): RuleFinding[] {
  const endpoint = text(opts, names.endpoint);
  if (endpoint === 'disabled') return [];
  const tokens = text(opts, names.tokens);
  const hop = num(opts, names.hop);
  const out: RuleFinding[] = [];
  if (tokens === 'unknown' || hop === 'unknown' || endpoint === 'unknown') {
    return [{ resource, message: `${prefix}metadata options are set by a reference, decided at apply time`, unknown: true, detail: `${prefix}Metadata` }];
  }
  if ((tokens ?? defaults.tokens) !== 'required') out.push({ resource, message: `${prefix}${names.tokens} is ${tokens ?? `not set (the default, ${defaults.tokens})`}: IMDSv1 lets any SSRF read the node's credentials`, detail: `${prefix}HttpTokens` });
  const h = hop ?? defaults.hop;
  if (h > 1) out.push({ resource, message: `${prefix}${names.hop} is ${h}: pods (one network hop away) can reach the metadata service and borrow the node role; 2 needs an exception with a reason`, detail: `${prefix}HopLimit` });
  return out;
}

/** Instance-metadata protection on EKS launch templates, node groups, Karpenter node classes and GKE nodes. */
export const INST_001: PolicyRule = {
  id: 'LOOM-INST-001',
  area: 'INST',
  title: 'Instance-metadata protection',
  severity: { baseline: 'HIGH' },
  rationale: 'IMDSv1 and a hop limit above 1 let any pod (or an SSRF in one) read the node role\'s credentials from the metadata service; on GKE, the node\'s service account is exposed unless the GKE metadata server fronts it.',
  fix: 'Loom sets IMDSv2 with hop limit 1 on every launch template and EC2NodeClass, and GKE_METADATA on every node pool (clusters[].nodePools[]); for hand-written resources set metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 }, attach the launch template to the node group, and node_config.workload_metadata_config.mode = "GKE_METADATA".',
  anchors: ['CKV_AWS_79', 'CKV_AWS_341', 'AVD-AWS-0028', 'AVD-AWS-0130', 'HIPAA.Security-EC2IMDSv2Enabled', 'NIST.800.53.R5-EC2IMDSv2Enabled', 'CKV_GCP_69', 'AVD-GCP-0048', 'AVD-GCP-0057', 'CIS GKE 5.4.1'],
  providers: ['aws', 'google', 'kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    // aws_launch_template: http_tokens defaults to "optional", the hop limit to 1.
    for (const r of ctx.resources('aws_launch_template', 'aws_instance')) {
      out.push(...imdsFindings(r, attr(r.values, 'metadata_options') ?? {}, { tokens: 'http_tokens', hop: 'http_put_response_hop_limit', endpoint: 'http_endpoint' }, { tokens: 'optional', hop: 1 }, ''));
    }
    // Node groups without a launch template get EKS's own, with IMDSv1 allowed and hop limit 2.
    for (const r of ctx.resources('aws_eks_node_group')) {
      const ref = attr(r.values, 'launch_template.id') ?? attr(r.values, 'launch_template.name');
      if (ref === undefined) {
        out.push({ resource: r, message: 'no launch_template: EKS\'s default template allows IMDSv1 with hop limit 2, so pods can borrow the node role', detail: 'LaunchTemplate' });
      } else if (isReference(ref) && !ctx.resolve(r, ref)) {
        out.push({ resource: r, message: `launch_template ${String(ref)} cannot be followed: its metadata options are unknown`, unknown: true });
      }
    }
    // Karpenter: an EC2NodeClass defaults to httpTokens required and hop limit 1.
    for (const o of kubernetesObjects(ctx)) {
      if (o.kind !== 'EC2NodeClass') continue;
      const spec = isObject(o.object.spec) ? o.object.spec : {};
      out.push(...imdsFindings(o.source, spec.metadataOptions ?? {}, { tokens: 'httpTokens', hop: 'httpPutResponseHopLimit', endpoint: 'httpEndpoint' }, { tokens: 'required', hop: 1 }, `EC2NodeClass/${o.name}::`));
    }
    // GKE: the default node pool's node_config lives on the cluster, unless it is removed.
    const workloadIdentity = new Map<string, boolean | 'unknown'>();
    for (const c of ctx.resources('google_container_cluster')) {
      const pool = attr(c.values, 'workload_identity_config.workload_pool');
      workloadIdentity.set(`${c.stack} ${c.address}`, pool === undefined ? false : isReference(pool) ? 'unknown' : true);
    }
    const gkeNode = (r: SynthResource, wi: boolean | 'unknown') => {
      const mode = text(r.values, 'node_config.workload_metadata_config.mode');
      const legacy = text(r.values, 'node_config.metadata.disable-legacy-endpoints');
      if (mode === 'unknown' || legacy === 'unknown' || (mode === undefined && wi === 'unknown')) {
        out.push({ resource: r, message: 'node_config metadata settings are set by a reference, decided at apply time', unknown: true });
        return;
      }
      // Omitted: nodes of a Workload Identity cluster run the GKE metadata server; otherwise GCE_METADATA.
      const effective = mode ?? (wi === true ? 'GKE_METADATA' : 'GCE_METADATA (the default without Workload Identity)');
      if (effective !== 'GKE_METADATA') out.push({ resource: r, message: `node_config.workload_metadata_config.mode is ${effective}: pods read the node service account's token`, detail: 'WorkloadMetadata' });
      // Legacy endpoints are disabled by default (GKE ≥ 1.12); only an explicit "false" re-enables them.
      if (legacy === 'false') out.push({ resource: r, message: 'node_config.metadata disable-legacy-endpoints is "false": the v1beta1 metadata endpoints serve without the Metadata-Flavor header', detail: 'LegacyEndpoints' });
    };
    for (const c of ctx.resources('google_container_cluster')) {
      const removed = attr(c.values, 'remove_default_node_pool');
      if (removed === true || removed === 'true') continue;
      gkeNode(c, workloadIdentity.get(`${c.stack} ${c.address}`) ?? false);
    }
    for (const p of ctx.resources('google_container_node_pool')) {
      const cluster = ctx.resolve(p, p.values.cluster);
      gkeNode(p, cluster ? (workloadIdentity.get(`${cluster.stack} ${cluster.address}`) ?? false) : 'unknown');
    }
    return out;
  },
};
