/**
 * LOOM-HARD-006: namespaces carry Pod Security Admission labels. Every namespace the blueprint
 * creates enforces `restricted` (team namespaces, labelled `loom.dev/team`) or at least `baseline`
 * (platform namespaces), and sets `warn` and `audit`; no workload or release goes to `default`, nor
 * to `kube-system` unless it is a cluster add-on.
 */
import type { PolicyRule, RuleFinding } from '../../types';
import { isReference } from '../../values';
import { allWorkloads, chartName, Namespaces, namespaceOf, TEAM_LABEL, workloadName } from './common';

const LEVELS = ['privileged', 'baseline', 'restricted'];
/** Charts that are cluster add-ons, which may live in kube-system. */
const CLUSTER_ADDON_CHARTS = new Set(['metrics-server', 'cluster-autoscaler', 'aws-load-balancer-controller', 'karpenter', 'aws-ebs-csi-driver', 'aws-efs-csi-driver', 'coredns', 'kube-state-metrics']);

/** PSA labels on namespaces; nothing in default or (apart from add-ons) kube-system. */
export const HARD_006: PolicyRule = {
  id: 'LOOM-HARD-006',
  area: 'HARD',
  title: 'Namespaces carry PSA labels',
  severity: { baseline: 'HIGH' },
  rationale: 'Pod Security Admission enforces nothing on a namespace without labels: a pod spec that breaks the standards is admitted silently. default and kube-system mix unrelated workloads with the cluster\'s own components.',
  fix: 'Loom labels its namespaces (loom-system: baseline, loom-workloads and team namespaces: restricted); label any other kubernetes_namespace_v1 with pod-security.kubernetes.io/enforce, warn and audit, and give every workload and release a namespace of its own. The node-agents namespace (privileged) needs an exception with a reason.',
  anchors: ['CIS GKE 4.2.1', 'CIS GKE 4.6.4', 'CKV_K8S_21', 'AVD-KSV-0110', 'AVD-KSV-0037', 'CIS EKS 4.5.3'],
  providers: ['kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const namespaces = new Namespaces(ctx);
    for (const r of ctx.resources('kubernetes_namespace_v1', 'kubernetes_namespace')) {
      const ns = namespaces.find(r, r.address.includes('.') ? `\${${r.address}.metadata[0].name}` : undefined)!;
      const team = ns.labels[TEAM_LABEL] !== undefined;
      const enforce = ns.labels['pod-security.kubernetes.io/enforce'];
      const name = ns.name;
      if ([enforce, ns.labels['pod-security.kubernetes.io/warn'], ns.labels['pod-security.kubernetes.io/audit']].some(isReference)) {
        out.push({ resource: r, message: `namespace ${name}: a pod-security label is a reference, decided at apply time`, unknown: true });
        continue;
      }
      // Team namespaces enforce restricted outside dev; a dev platform's may enforce baseline (the
      // product contract: teams get restricted outside dev), warning and auditing at restricted.
      const needed = team && ctx.settings.environment !== 'dev' ? 'restricted' : 'baseline';
      if (enforce === undefined) out.push({ resource: r, message: `namespace ${name} has no pod-security.kubernetes.io/enforce label: PSA admits privileged pods`, detail: `${name}::enforce` });
      else if (LEVELS.indexOf(String(enforce)) < LEVELS.indexOf(needed)) out.push({ resource: r, message: `namespace ${name} enforces ${String(enforce)}; a ${team ? 'team' : 'platform'} namespace needs at least ${needed}`, detail: `${name}::enforce` });
      for (const mode of ['warn', 'audit']) {
        if (ns.labels[`pod-security.kubernetes.io/${mode}`] === undefined) out.push({ resource: r, message: `namespace ${name} has no pod-security.kubernetes.io/${mode} label`, detail: `${name}::${mode}` });
      }
    }
    const misplaced = (ns: unknown): string | undefined => {
      if (ns === undefined || ns === null || ns === '') return 'default';
      const s = String(ns);
      return s === 'default' || s === 'kube-system' ? s : undefined;
    };
    for (const w of allWorkloads(ctx)) {
      const ns = misplaced(namespaceOf(w));
      if (ns) out.push({ resource: w.owner.source, message: `${workloadName(w)} runs in ${ns}`, detail: `${workloadName(w)}::${ns}` });
    }
    for (const r of ctx.resources('helm_release')) {
      const ns = misplaced(r.values.namespace);
      const chart = chartName(r);
      if (ns === 'default' || (ns === 'kube-system' && !CLUSTER_ADDON_CHARTS.has(chart))) out.push({ resource: r, message: `release ${String(r.values.name ?? chart)} (chart ${chart}) is installed in ${ns}${ns === 'default' && r.values.namespace === undefined ? ' (no namespace given)' : ''}`, detail: `Chart::${chart}::${ns}` });
    }
    return out;
  },
};
