/**
 * LOOM-IAM-005: Kubernetes RBAC is least-privilege. Wildcard rules grant tomorrow's resources too;
 * `bind`, `escalate` and `impersonate` let a holder grant itself anything; cluster-admin and the
 * built-in unauthenticated groups make every other control moot.
 *
 * Reads every `Role` / `ClusterRole` / `RoleBinding` / `ClusterRoleBinding` Loom writes (provider
 * resources, `kubernetes_manifest`, Loom's resources chart; third-party charts' own templates are
 * not visible at synth):
 * - a rule with verb `*` (`[Verbs::*]`) or resource `*` (`[Resources::*]`);
 * - a rule granting `bind`, `escalate` or `impersonate` (`[Verb::<verb>]`): no Loom role needs them;
 *   a controller that does (one that creates RoleBindings) takes an exception with its reason;
 * - a binding whose subject is `system:anonymous`, `system:unauthenticated` or `system:masters`
 *   (`[Subject::<name>]`), or that binds `cluster-admin` to any subject (`[ClusterAdmin::<subject>]`).
 * A verb, resource, subject or role name that is an expression is unknown.
 */
import { kubernetesObjects } from '../../kubernetes';
import type { PolicyRule, RuleFinding } from '../../types';
import { isObject, isReference } from '../../values';

const DANGEROUS_VERBS = ['bind', 'escalate', 'impersonate'];
const FORBIDDEN_SUBJECTS = new Set(['system:anonymous', 'system:unauthenticated', 'system:masters']);

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** LOOM-IAM-005: Kubernetes RBAC is least-privilege (see the module comment). */
export const IAM_005: PolicyRule = {
  id: 'LOOM-IAM-005',
  area: 'IAM',
  title: 'Kubernetes RBAC is least-privilege',
  severity: { baseline: 'HIGH' },
  rationale: 'Wildcard RBAC grants whatever the cluster will ever serve; bind/escalate/impersonate and cluster-admin let one compromised identity take the whole cluster; anonymous or system:masters bindings bypass authentication or authorization outright.',
  fix: 'List the verbs and resources a role needs; bind team groups to namespaced roles (Loom writes them per team), never to cluster-admin; never bind system:anonymous, system:unauthenticated or system:masters.',
  anchors: [
    'CKV_K8S_49',
    'CKV_K8S_155',
    'CKV_K8S_156',
    'CKV_K8S_157',
    'CKV_K8S_158',
    'AVD-KSV-0044',
    'AVD-KSV-0045',
    'AVD-KSV-0046',
    'AVD-KSV-0111',
    'AVD-KSV-0122',
    'AVD-KSV-0123',
    'CIS EKS 4.1.1',
    'CIS EKS 4.1.3',
    'CIS EKS 4.1.7',
    'CIS EKS 4.1.8',
    'CIS GKE 4.1.1',
    'CIS GKE 4.1.2',
    'CIS GKE 4.1.3',
    'CIS GKE 4.1.4',
    'CIS GKE 4.1.5',
    'CIS GKE 4.1.6',
    'CIS GKE 4.1.7',
    'CIS GKE 4.1.8',
    'CIS GKE 4.1.9',
    'CIS GKE 4.1.10',
  ],
  providers: ['kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const o of kubernetesObjects(ctx)) {
      const what = `${o.kind} ${o.name}`;
      if (o.kind === 'Role' || o.kind === 'ClusterRole') {
        const found = new Map<string, string>();
        let unknown = false;
        for (const rule of asList(o.object.rules)) {
          if (!isObject(rule)) continue;
          const verbs = asList(rule.verbs).map(String);
          const resources = asList(rule.resources).map(String);
          if ([...verbs, ...resources].some(isReference) || isReference(rule.verbs) || isReference(rule.resources)) unknown = true;
          if (verbs.includes('*')) found.set('Verbs::*', `${what} grants every verb`);
          if (resources.includes('*')) found.set('Resources::*', `${what} grants every resource`);
          for (const v of DANGEROUS_VERBS) if (verbs.includes(v)) found.set(`Verb::${v}`, `${what} grants ${v}${resources.length ? ` on ${resources.join(', ')}` : ''}: its holders can raise their own privileges`);
        }
        for (const [detail, message] of found) out.push({ resource: o.source, message, detail });
        if (unknown) out.push({ resource: o.source, message: `${what}: a verb or resource is decided at apply time`, unknown: true });
      } else if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
        const roleRef = isObject(o.object.roleRef) ? o.object.roleRef : {};
        const roleName = String(roleRef.name ?? '');
        for (const s of asList(o.object.subjects)) {
          if (!isObject(s)) continue;
          const name = String(s.name ?? '');
          if (isReference(name) && (roleName === 'cluster-admin' || isReference(roleName))) continue;
          if (FORBIDDEN_SUBJECTS.has(name)) out.push({ resource: o.source, message: `${what} binds ${roleName} to ${name}`, detail: `Subject::${name}` });
          else if (roleName === 'cluster-admin') out.push({ resource: o.source, message: `${what} binds cluster-admin to ${String(s.kind ?? '')} ${name}`, detail: `ClusterAdmin::${name}` });
        }
        if (roleName === 'cluster-admin' && asList(o.object.subjects).some((s) => isObject(s) && isReference(s.name)))
          out.push({ resource: o.source, message: `${what} binds cluster-admin to a subject decided at apply time`, unknown: true });
      }
    }
    return out;
  },
};
