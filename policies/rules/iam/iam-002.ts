/**
 * LOOM-IAM-002: workload-identity trust is scoped. A role (or Google service account) that any
 * pod — or any principal at all — may assume is a shared credential in disguise.
 *
 * aws: every `aws_iam_role.assume_role_policy` (JSON or a `data.aws_iam_policy_document`):
 * - no `Allow` statement trusts `Principal: "*"` (`{"AWS": "*"}` included) — `[Principal::*]`;
 * - a statement trusting a `Federated` OIDC provider (IRSA) has `StringEquals` on `<issuer>:sub`
 *   with exact `system:serviceaccount:<ns>:<sa>` values (`[Condition::sub]`; `StringLike` or a
 *   wildcard is a finding) and `StringEquals` `<issuer>:aud` = `sts.amazonaws.com`
 *   (`[Condition::aud]`). A sub value that is an expression is unknown.
 * `aws_eks_pod_identity_association` names one namespace and one service account (no `*`).
 *
 * google: `roles/iam.workloadIdentityUser` on a service account is granted only to
 * `serviceAccount:<project>.svc.id.goog[<ns>/<sa>]` (or the equivalent `principal://…/subject/…`),
 * never to a `principalSet://` or on the whole project (`google_project_iam_*`);
 * `google_iam_workload_identity_pool_provider` has an `attribute_condition`.
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { isReference, list, text } from '../../values';
import { interpolated, readPolicyDocument, type PolicyStatement } from './policy-document';

const SERVICE_ACCOUNT_SUB = /^system:serviceaccount:[^:*?]+:[^:*?]+$/;
const WI_MEMBER = /^(serviceAccount:[^[\]]+\.svc\.id\.goog\[[^/*\]]+\/[^*\]]+\]|principal:\/\/iam\.googleapis\.com\/.+\/subject\/[^*]+)$/;
const WI_ROLE = 'roles/iam.workloadIdentityUser';

/** The trust findings of one statement. */
function statementFindings(role: SynthResource, s: PolicyStatement, name: string): RuleFinding[] {
  const out: RuleFinding[] = [];
  if (s.effect !== 'Allow') return out;
  if (s.principals.some((p) => p.type === '*' || p.ids.includes('*')))
    out.push({ resource: role, message: `assume_role_policy ${name} trusts Principal "*": anyone may assume the role`, detail: 'Principal::*' });
  const federated = s.principals.filter((p) => p.type === 'Federated').flatMap((p) => p.ids);
  const webIdentity = s.actions.some((a) => /^sts:(AssumeRoleWithWebIdentity|\*)$|^\*$/.test(a));
  if (!federated.length || !webIdentity || federated.every((id) => /saml-provider\//.test(id))) return out;
  const eks = federated.some((id) => /aws_iam_openid_connect_provider|oidc-provider\/oidc\.eks\./.test(id));
  const on = (suffix: string) => s.conditions.filter((c) => c.variable.endsWith(`:${suffix}`));
  const sub = on('sub');
  const aud = on('aud');
  if (sub.some((c) => c.values.some(interpolated))) {
    out.push({ resource: role, message: `assume_role_policy ${name}: the :sub condition is an expression, decided at apply time`, unknown: true });
  } else {
    const exact = sub.filter((c) => c.test === 'StringEquals' && c.values.length > 0 && c.values.every((v) => (eks ? SERVICE_ACCOUNT_SUB.test(v) : !/[*?]/.test(v))));
    if (!exact.length || sub.some((c) => c.test !== 'StringEquals'))
      out.push({
        resource: role,
        message: `assume_role_policy ${name} trusts ${eks ? 'the cluster OIDC provider' : 'an OIDC provider'} without StringEquals on :sub${eks ? ' = system:serviceaccount:<namespace>:<service account>' : ''}${sub.length ? ` (has ${sub.map((c) => `${c.test} ${c.values.join(',')}`).join('; ')})` : ''}: any ${eks ? 'pod of the cluster' : 'token of the issuer'} may assume the role`,
        detail: 'Condition::sub',
      });
  }
  const audOk = aud.some((c) => c.test === 'StringEquals' && c.values.length > 0 && c.values.every((v) => (eks ? v === 'sts.amazonaws.com' : !/[*?]/.test(v))));
  if (!audOk || aud.some((c) => c.test !== 'StringEquals'))
    out.push({ resource: role, message: `assume_role_policy ${name} trusts an OIDC provider without StringEquals on :aud${eks ? ' = sts.amazonaws.com' : ''}`, detail: 'Condition::aud' });
  return out;
}

/** LOOM-IAM-002: workload-identity trust is scoped (see the module comment). */
export const IAM_002: PolicyRule = {
  id: 'LOOM-IAM-002',
  area: 'IAM',
  title: 'Workload-identity trust is scoped',
  severity: { baseline: 'HIGH' },
  rationale:
    'A role whose trust policy does not pin the namespace and service account (or the audience) can be assumed by any pod of the cluster — or by anyone — so one compromised workload inherits every workload identity.',
  fix: "Let Loom's workload-identity constructs write the trust (StringEquals on <issuer>:sub = system:serviceaccount:<ns>:<sa> and <issuer>:aud = sts.amazonaws.com; on GKE a member serviceAccount:<project>.svc.id.goog[<ns>/<sa>]); give external identity pools an attribute_condition.",
  anchors: ['CKV_AWS_60', 'CKV_AWS_61', 'CKV_AWS_393', 'CKV_GCP_118', 'CKV_GCP_125', 'AVD-GCP-0068', 'CIS EKS 5.2.1', 'CIS GKE 5.2.2'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const r of ctx.resources('aws_iam_role')) {
      const value = r.values.assume_role_policy;
      if (value === undefined || value === null) continue;
      const doc = readPolicyDocument(ctx, r, value);
      if (doc.unknown !== undefined) {
        out.push({ resource: r, message: `assume_role_policy: ${doc.unknown}`, unknown: true });
        continue;
      }
      const seen = new Set<string>();
      doc.statements.forEach((s, i) => {
        for (const f of statementFindings(r, s, s.sid ? `statement ${s.sid}` : `statement ${i}`)) {
          const key = f.detail ?? `unknown:${f.message}`;
          if (!seen.has(key)) out.push(f);
          seen.add(key);
        }
      });
    }
    for (const r of ctx.resources('aws_eks_pod_identity_association'))
      for (const key of ['namespace', 'service_account']) {
        const v = text(r.values, key);
        if (v === undefined || v === '' || (v !== 'unknown' && /[*?]/.test(v)))
          out.push({ resource: r, message: `${key} is ${v === undefined || v === '' ? 'not set' : v}: the association must name one ${key.replace('_', ' ')}`, detail: key === 'namespace' ? 'Namespace' : 'ServiceAccount' });
      }
    const wiMembers = (r: SynthResource, members: readonly unknown[]) => {
      for (const m of members) {
        if (typeof m !== 'string') continue;
        if (isReference(m)) {
          out.push({ resource: r, message: `member ${m} is decided at apply time`, unknown: true });
          continue;
        }
        if (!WI_MEMBER.test(m)) out.push({ resource: r, message: `${WI_ROLE} granted to ${m}, not to one Kubernetes service account (<project>.svc.id.goog[<ns>/<sa>])`, detail: `Member::${m}` });
      }
    };
    for (const r of ctx.resources('google_service_account_iam_member')) if (r.values.role === WI_ROLE) wiMembers(r, [r.values.member]);
    for (const r of ctx.resources('google_service_account_iam_binding')) if (r.values.role === WI_ROLE) wiMembers(r, list(r.values, 'members'));
    for (const r of ctx.resources('google_project_iam_member', 'google_project_iam_binding'))
      if (r.values.role === WI_ROLE) out.push({ resource: r, message: `${WI_ROLE} granted on the whole project: the members may impersonate every service account of it`, detail: 'ProjectWide' });
    for (const r of ctx.resources('google_iam_workload_identity_pool_provider')) {
      const c = text(r.values, 'attribute_condition');
      if (c === undefined || c.trim() === '') out.push({ resource: r, message: 'the pool provider has no attribute_condition: every identity of the external issuer may exchange its token', detail: 'AttributeCondition' });
    }
    return out;
  },
};
