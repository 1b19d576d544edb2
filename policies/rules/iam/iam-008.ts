/**
 * LOOM-IAM-008: workload credential hygiene. Secrets in environment variables leak through crash
 * dumps, `/proc` and child processes; secrets in ConfigMaps are readable by anyone who may read
 * configuration; an API token mounted into a pod that never calls the API is a credential for free.
 *
 * Over every workload Loom writes (provider resources, `kubernetes_manifest`, Loom's resources
 * chart; third-party charts' own templates are not visible at synth):
 * - a container taking a Secret through `env[].valueFrom.secretKeyRef` or `envFrom[].secretRef`
 *   (`[SecretEnv::<container>]`): mount it as a file instead;
 * - the service-account token is automounted (`[AutomountToken]`) although the workload's service
 *   account is the subject of no RoleBinding / ClusterRoleBinding of the stacks (it does not use
 *   the API). Omitted, the Kubernetes provider's pod spec defaults `automount_service_account_token`
 *   to true; in a manifest or chart object the API falls back to the ServiceAccount's own
 *   `automountServiceAccountToken` (default true). IRSA and GKE Workload Identity do not need it;
 *   they project their own token;
 * - `serviceAccountName` omitted or `default` (`[DefaultServiceAccount]`); a reference that cannot
 *   be followed to a named ServiceAccount is unknown.
 * Over every ConfigMap: a key that names a secret (`password`, `token`, `secret`, `api_key`,
 * `private_key`, `credentials`, …) or a value holding a PEM private key (`[SecretKey::<key>]`).
 */
import { kubernetesObjects, workloads } from '../../kubernetes';
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, isObject, isReference } from '../../values';

const SECRET_KEY = /(^|[^a-z])(password|passwd|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|client[_-]?secret|credentials?)([^a-z]|$)/i;
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** A name as written, or — for a reference to an object of the stacks — that object's literal `metadata.name`. */
function nameOf(ctx: RuleContext, from: SynthResource, v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (!isReference(v)) return v;
  const target = ctx.resolve(from, v);
  const name = target ? attr(target.values, 'metadata.name') : undefined;
  return typeof name === 'string' && !isReference(name) ? name : v;
}

/** LOOM-IAM-008: workload credential hygiene (see the module comment). */
export const IAM_008: PolicyRule = {
  id: 'LOOM-IAM-008',
  area: 'IAM',
  title: 'Workload credential hygiene',
  severity: { baseline: 'MEDIUM' },
  rationale: 'Secrets in environment variables and ConfigMaps leak through logs, crash dumps and broad read access; an automounted API token in a pod that never calls the API, or the shared default service account, is a credential an attacker gets for free.',
  fix: 'Mount Secrets as files (volumes), keep secrets out of ConfigMaps, set automountServiceAccountToken: false unless the workload calls the Kubernetes API, and give each workload its own service account.',
  anchors: ['CKV_K8S_35', 'CKV_K8S_38', 'CKV_K8S_41', 'CKV_K8S_42', 'AVD-KSV-0036', 'AVD-KSV-0109', 'CIS EKS 4.1.5', 'CIS EKS 4.1.6', 'CIS GKE 4.1.4', 'CIS GKE 4.1.5', 'CIS GKE 4.4.1'],
  providers: ['kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const objects = kubernetesObjects(ctx);
    const key = (stack: string, ns: string | undefined, name: string | undefined) => `${stack} ${ns ?? ''}/${name ?? ''}`;
    const accounts = new Map<string, Record<string, unknown>>();
    const bound = new Set<string>();
    for (const o of objects) {
      if (o.kind === 'ServiceAccount') accounts.set(key(o.source.stack, nameOf(ctx, o.source, o.namespace), nameOf(ctx, o.source, o.name) || 'default'), o.object as Record<string, unknown>);
      if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')
        for (const s of asList(o.object.subjects))
          if (isObject(s) && s.kind === 'ServiceAccount') bound.add(key(o.source.stack, nameOf(ctx, o.source, s.namespace ?? o.namespace), nameOf(ctx, o.source, s.name)));
    }
    for (const w of workloads(ctx)) {
      const src = w.owner.source;
      const what = `${w.owner.kind} ${nameOf(ctx, src, w.owner.name) ?? w.owner.name}`;
      for (const c of w.containers) {
        const viaEnv = c.env.some((e) => isObject(e.valueFrom) && e.valueFrom.secretKeyRef !== undefined);
        const viaEnvFrom = asList(c.raw.envFrom).some((e) => isObject(e) && e.secretRef !== undefined);
        if (viaEnv || viaEnvFrom) out.push({ resource: src, message: `${what}: container ${c.name} takes a Secret through ${viaEnv ? 'env valueFrom.secretKeyRef' : 'envFrom secretRef'}; mount it as a file`, detail: `SecretEnv::${c.name}` });
      }
      const rawSa = w.podSpec.serviceAccountName ?? w.podSpec.serviceAccount;
      const sa = nameOf(ctx, src, rawSa);
      const ns = nameOf(ctx, src, w.owner.namespace);
      if (sa === undefined || sa === '' || sa === 'default') out.push({ resource: src, message: `${what} runs as the namespace's default service account${sa === undefined ? ' (serviceAccountName not set)' : ''}`, detail: 'DefaultServiceAccount' });
      else if (isReference(sa)) out.push({ resource: src, message: `${what}: serviceAccountName ${sa} is decided at apply time`, unknown: true });
      const podAutomount = w.podSpec.automountServiceAccountToken;
      if (podAutomount === false || podAutomount === 'false') continue;
      if (isReference(podAutomount)) {
        out.push({ resource: src, message: `${what}: automountServiceAccountToken is decided at apply time`, unknown: true });
        continue;
      }
      const account = accounts.get(key(src.stack, ns, sa || 'default'));
      const providerResource = src.type.startsWith('kubernetes_') && src.type !== 'kubernetes_manifest';
      const automount = podAutomount !== undefined ? podAutomount : providerResource ? true : (account?.automountServiceAccountToken ?? true);
      if (automount === false || automount === 'false') continue;
      if (bound.has(key(src.stack, ns, sa || 'default'))) continue;
      out.push({
        resource: src,
        message: `${what} mounts a Kubernetes API token (automountServiceAccountToken ${podAutomount === undefined ? (providerResource ? 'omitted: the provider defaults it to true' : "omitted: the service account's default") : 'true'}) although no RoleBinding grants its service account ${sa ?? 'default'} anything`,
        detail: 'AutomountToken',
      });
    }
    for (const o of objects) {
      if (o.kind !== 'ConfigMap') continue;
      const data = { ...(isObject(o.object.data) ? o.object.data : {}), ...(isObject(o.object.binaryData) ? o.object.binaryData : {}) };
      for (const [k, v] of Object.entries(data))
        if (SECRET_KEY.test(k) || (typeof v === 'string' && PRIVATE_KEY_PEM.test(v)))
          out.push({ resource: o.source, message: `ConfigMap ${nameOf(ctx, o.source, o.name) ?? o.name} holds ${SECRET_KEY.test(k) ? 'a secret-like key' : 'a private key'} ${k}: keep it in a Secret`, detail: `SecretKey::${k}` });
    }
    return out;
  },
};
