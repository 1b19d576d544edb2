/**
 * LOOM-HARD-002: patch currency. EKS clusters run a Kubernetes version still supported (the
 * blueprint's version table, judged on the evaluation date) and managed node groups roll updates
 * (`update_config`); GKE clusters follow a release channel, node pools auto-repair and
 * auto-upgrade, and no cluster enables Kubernetes alpha features.
 */
import { EKS_VERSIONS } from '../../../catalog/kubernetes-versions';
import type { PolicyRule, RuleFinding } from '../../types';
import { attr, flag, text } from '../../values';

/** Supported versions, node group updates, GKE release channels and auto-upgrade. */
export const HARD_002: PolicyRule = {
  id: 'LOOM-HARD-002',
  area: 'HARD',
  title: 'Patch currency',
  severity: { baseline: 'MEDIUM' },
  rationale: 'Unsupported Kubernetes versions and nodes that are never upgraded or repaired stop receiving security fixes; alpha features are unsupported and untested in production.',
  fix: 'Set clusters[].kubernetesVersion to a version in the support table (catalog/kubernetes-versions.ts); Loom gives every node group an update_config, GKE clusters a release channel and node pools auto_repair/auto_upgrade. Never set enable_kubernetes_alpha.',
  anchors: ['CKV_AWS_339', 'CKV_GCP_9', 'CKV_GCP_10', 'CKV_GCP_70', 'CKV2_GCP_19', 'AVD-GCP-0058', 'AVD-GCP-0063', 'CIS GKE 5.5.2', 'CIS GKE 5.5.3', 'CIS GKE 5.5.4', 'CIS GKE 5.10.2'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const today = ctx.settings.today;
    for (const c of ctx.resources('aws_eks_cluster')) {
      // Omitted: EKS creates the latest version.
      const v = text(c.values, 'version');
      if (v === undefined) continue;
      if (v === 'unknown') {
        out.push({ resource: c, message: 'version is a reference, decided at apply time', unknown: true });
        continue;
      }
      const minor = /^(\d+\.\d+)/.exec(v)?.[1];
      const facts = minor ? (EKS_VERSIONS as Record<string, { endOfExtendedSupport: string }>)[minor] : undefined;
      if (!facts) out.push({ resource: c, message: `version ${v} is not in the blueprint's supported-version table`, detail: 'Version' });
      else if (facts.endOfExtendedSupport <= today) out.push({ resource: c, message: `version ${v} left EKS extended support on ${facts.endOfExtendedSupport}`, detail: 'Version' });
    }
    for (const g of ctx.resources('aws_eks_node_group')) {
      if (attr(g.values, 'update_config') === undefined) out.push({ resource: g, message: 'no update_config: node updates take one node at a time with the default surge, or stall', detail: 'UpdateConfig' });
    }
    for (const c of ctx.resources('google_container_cluster')) {
      // Omitted: GKE enrolls new clusters in the REGULAR channel.
      const channel = text(c.values, 'release_channel.channel');
      const alpha = flag(c.values, 'enable_kubernetes_alpha');
      if (channel === 'unknown' || alpha === 'unknown') out.push({ resource: c, message: 'release_channel or enable_kubernetes_alpha is a reference, decided at apply time', unknown: true });
      else {
        if (channel === 'UNSPECIFIED') out.push({ resource: c, message: 'release_channel.channel is UNSPECIFIED: the control plane is never upgraded automatically', detail: 'ReleaseChannel' });
        if (alpha === true) out.push({ resource: c, message: 'enable_kubernetes_alpha is true: alpha features, no upgrades, no SLA', detail: 'Alpha' });
      }
    }
    for (const p of ctx.resources('google_container_node_pool')) {
      // Both default to true.
      const repair = flag(p.values, 'management.auto_repair');
      const upgrade = flag(p.values, 'management.auto_upgrade');
      if (repair === 'unknown' || upgrade === 'unknown') {
        out.push({ resource: p, message: 'management settings are references, decided at apply time', unknown: true });
        continue;
      }
      if (repair === false) out.push({ resource: p, message: 'management.auto_repair is false', detail: 'AutoRepair' });
      if (upgrade === false) out.push({ resource: p, message: 'management.auto_upgrade is false', detail: 'AutoUpgrade' });
    }
    return out;
  },
};
