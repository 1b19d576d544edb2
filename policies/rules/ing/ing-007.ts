/**
 * LOOM-ING-007: network policies are enforced, with default-deny per namespace. GKE clusters
 * enforce NetworkPolicy (Dataplane V2 or the Calico add-on); EKS clusters run the VPC CNI's
 * network-policy agent (`enableNetworkPolicy` in the vpc-cni add-on's configuration) or a policy
 * engine (Calico, Cilium, Antrea) installed by a stack that targets the cluster; and every team
 * namespace (`loom.dev/namespace-role: team`, one per team a spec onboards) has a default-deny
 * ingress NetworkPolicy. The shared `loom-workloads` namespace is the platform's, not a team's.
 * Existing clusters keep their own CNI, which the synthesized JSON does not show: only the
 * namespace check applies to them.
 */
import { kubernetesObjects, type KubernetesObject } from '../../kubernetes';
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, chartOf, isObject, isReference, text } from '../../values';

/** Charts that enforce NetworkPolicy on EKS. */
const POLICY_ENGINES = new Set(['tigera-operator', 'calico', 'cilium', 'antrea']);

/** Namespace roles that hold team workloads. */
const TEAM_ROLES = new Set(['team']);

/** Whether a NetworkPolicy denies all ingress to every pod of its namespace. */
function isDefaultDenyIngress(o: KubernetesObject): boolean {
  const spec = isObject(o.object.spec) ? o.object.spec : {};
  const selector = spec.podSelector;
  const selectsAll = selector === undefined || (isObject(selector) && Object.keys(isObject(selector.matchLabels) ? selector.matchLabels : {}).length === 0 && !(Array.isArray(selector.matchExpressions) && selector.matchExpressions.length));
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes.map(String) : [];
  const ingress = Array.isArray(spec.ingress) ? spec.ingress : [];
  // With no policyTypes, a policy without egress rules is an Ingress policy.
  const coversIngress = types.length === 0 || types.includes('Ingress');
  return selectsAll && coversIngress && ingress.length === 0;
}

/** Whether any resource of `stack` reads the outputs of `clusterStack` (the add-ons stack of a cluster). */
function targets(ctx: RuleContext, stack: string, cluster: SynthResource): boolean {
  if (stack === cluster.stack) return true;
  return (ctx.stack(stack)?.resources ?? []).some((r) => r.address === `data.terraform_remote_state.cross-stack-reference-input-${cluster.stack}`);
}

/** LOOM-ING-007: Network policies are enforced, with default-deny per namespace. What it reads and why: see the module comment. */
export const ING_007: PolicyRule = {
  id: 'LOOM-ING-007',
  area: 'ING',
  title: 'Network policies are enforced, with default-deny per namespace',
  severity: { baseline: 'HIGH' },
  rationale: 'Without an enforcing CNI and a default-deny policy, any compromised pod reaches every other pod, the metadata of every namespace and the data stores the platform exposes in-cluster.',
  fix: 'GKE: Loom sets datapath_provider ADVANCED_DATAPATH. EKS: enable the VPC CNI network-policy agent (aws_eks_addon vpc-cni configuration_values {"enableNetworkPolicy":"true"}, constructs/cluster/eks-cluster.ts) or install Calico. Team namespaces (constructs/kubernetes/namespace.ts): add a default-deny kubernetes_network_policy_v1 (pod_selector {}, policy_types ["Ingress"]) and explicit allows.',
  anchors: ['CKV_GCP_12', 'AVD-GCP-0056', 'AVD-KSV-0038', 'CIS EKS 4.3.2', 'CIS EKS 5.4.4', 'CIS GKE 4.3.1', 'CIS GKE 4.3.2'],
  providers: ['aws', 'google', 'kubernetes'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const c of ctx.resources('google_container_cluster')) {
      const enabled = attr(c.values, 'network_policy.enabled');
      const datapath = text(c.values, 'datapath_provider');
      if (isReference(enabled) || datapath === 'unknown') out.push({ resource: c, message: 'network_policy or datapath_provider is a reference, decided at apply time', unknown: true });
      else if (datapath !== 'ADVANCED_DATAPATH' && enabled !== true && enabled !== 'true') out.push({ resource: c, message: 'NetworkPolicy is not enforced: network_policy.enabled is not true and datapath_provider is not ADVANCED_DATAPATH (the defaults)', detail: 'Enforcement' });
    }

    const engines = ctx.resources('helm_release').filter((r) => POLICY_ENGINES.has(chartOf(r).split('/').pop()!));
    const addons = ctx.resources('aws_eks_addon').filter((a) => a.values.addon_name === 'vpc-cni');
    for (const c of ctx.resources('aws_eks_cluster')) {
      if (engines.some((e) => targets(ctx, e.stack, c))) continue;
      const cni = addons.find((a) => a.stack === c.stack && ctx.resolve(a, a.values.cluster_name) === c);
      const config = cni?.values.configuration_values;
      if (isReference(config)) {
        out.push({ resource: c, message: 'the vpc-cni add-on configuration is a reference, decided at apply time', unknown: true });
        continue;
      }
      let parsed: unknown;
      try {
        parsed = typeof config === 'string' ? JSON.parse(config) : config;
      } catch {
        parsed = undefined;
      }
      const flagValue = isObject(parsed) ? parsed.enableNetworkPolicy : undefined;
      if (flagValue !== true && flagValue !== 'true') {
        out.push({ resource: c, message: `NetworkPolicy is not enforced: ${cni ? `${cni.address} does not set enableNetworkPolicy` : 'no vpc-cni add-on enables the network-policy agent'}, and no Calico/Cilium/Antrea release targets the cluster`, detail: 'Enforcement' });
      }
    }

    const objects = kubernetesObjects(ctx);
    const denies = objects.filter((o) => o.kind === 'NetworkPolicy' && isDefaultDenyIngress(o));
    for (const ns of objects) {
      if (ns.kind !== 'Namespace') continue;
      const labels = attr(ns.object, 'metadata.labels');
      const role = isObject(labels) ? labels['loom.dev/namespace-role'] : undefined;
      if (!TEAM_ROLES.has(String(role))) continue;
      const covered = denies.some((p) => {
        if (p.source.stack !== ns.source.stack || p.namespace === undefined) return false;
        if (isReference(p.namespace)) return ctx.resolve(p.source, p.namespace) === ns.source;
        return p.namespace === ns.name;
      });
      if (!covered) out.push({ resource: ns.source, message: `team namespace ${ns.name} has no default-deny ingress NetworkPolicy`, detail: `${ns.name}:DefaultDeny` });
    }
    return out;
  },
};
