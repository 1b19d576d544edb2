/**
 * LOOM-IAM-001: no admin or wildcard IAM. An identity that may do anything, or anything to a whole
 * service, turns any compromise of the workload holding it into a compromise of the account.
 *
 * What counts (aws), per identity-policy document — `aws_iam_policy`, `aws_iam_role_policy`,
 * `aws_iam_user_policy`, `aws_iam_group_policy`, `aws_iam_role.inline_policy`, and the
 * `data.aws_iam_policy_document` any of them references (followed with `ctx.resolve`) — and per
 * `Allow` statement (`Deny` statements only take away):
 * - `Action: "*"` on `Resource: "*"` (or with `NotResource`): full admin, CRITICAL, `[Action::*]`.
 * - `Action: "*"` on narrower resources, or a whole-service wildcard `s3:*`: HIGH, `[Action::<it>]`.
 *   Partial wildcards (`kms:GenerateDataKey*`, `s3:Get*`) are not flagged: they are how AWS
 *   groups variants of one operation.
 * - `NotAction` in an `Allow`: everything but a list, HIGH, `[NotAction]`.
 * - `Resource: "*"` (exactly; an ARN with wildcards in it names a resource type) is a finding,
 *   HIGH, `[Resource::*]`, only when the statement grants an action that *can* be scoped and no
 *   condition narrows it. Two exceptions, because a scoped ARN is impossible or already implied:
 *   1. actions with no resource-level permissions (AWS Service Authorization Reference: an empty
 *      "Resource types" column — `ec2:DescribeInstances`, `ecr:GetAuthorizationToken`,
 *      `sts:GetCallerIdentity`, `autoscaling:Describe*`, …; table in `unscopable-actions.ts`). An
 *      action of a service the table does not hold counts as scopable (strict).
 *   2. a statement whose Condition narrows what it reaches: a key other than the request-context
 *      keys that say nothing about the resource (`aws:SecureTransport`, `aws:SourceIp`, MFA, time,
 *      `aws:RequestedRegion`, …) — tag conditions (`aws:ResourceTag/…`, `aws:RequestTag/…`, `Null`
 *      on them), `iam:AWSServiceName`, `ec2:CreateAction`, `kms:ViaService`. This is how the AWS
 *      Load Balancer Controller's and Karpenter's published policies scope create/delete rights to
 *      what they tagged.
 *   One `[Resource::*]` finding per document (the message names the statements and actions), so an
 *   exception is precise per document.
 * - Attachments of `AdministratorAccess` or `IAMFullAccess` (CRITICAL) and of other AWS-managed
 *   `…FullAccess` / `PowerUserAccess` policies (HIGH): `[Policy::<name>]`.
 *
 * google: `roles/owner` / `roles/editor` (basic roles) granted on a project, folder or
 * organization, CRITICAL `[Role::roles/owner]`; a service account holding an admin role
 * (`…admin…`, `roles/iam.securityAdmin`, …) there, HIGH `[Role::<role>]`. Resource-level grants (one
 * bucket's `roles/storage.objectAdmin`) are scoped and not this rule's concern.
 *
 * Unknown: a document, action or role that is an expression synth cannot read.
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, isObject, isReference, list } from '../../values';
import { interpolated, readPolicyDocument, type PolicyDocument, type PolicyStatement } from './policy-document';
import { isUnscopableAction } from './unscopable-actions';

/** Identity-policy resources and the attribute holding their document. */
const IDENTITY_POLICIES: readonly (readonly [string, string])[] = [
  ['aws_iam_policy', 'policy'],
  ['aws_iam_role_policy', 'policy'],
  ['aws_iam_user_policy', 'policy'],
  ['aws_iam_group_policy', 'policy'],
];

/** Condition keys that describe the request's context, not the resource: they narrow nothing. */
const CONTEXT_KEYS = /^aws:(SecureTransport|SourceIp|SourceVpc|SourceVpce|MultiFactorAuthPresent|MultiFactorAuthAge|CurrentTime|EpochTime|UserAgent|RequestedRegion|ViaAWSService|TokenIssueTime|PrincipalType|CalledVia.*|Referer)$/i;

/** Whether a statement's Condition narrows what it reaches (see the module comment). */
export const conditionNarrows = (s: PolicyStatement): boolean => s.conditions.some((c) => !CONTEXT_KEYS.test(c.variable));

const ADMIN_POLICIES = new Set(['AdministratorAccess', 'IAMFullAccess']);

/** The finding details of one document. */
function documentFindings(resource: SynthResource, doc: PolicyDocument, what: string): RuleFinding[] {
  if (doc.unknown !== undefined) return [{ resource, message: `${what}: ${doc.unknown}`, unknown: true }];
  const out = new Map<string, RuleFinding>();
  const resourceStar: string[] = [];
  let unknownAction = false;
  doc.statements.forEach((s, i) => {
    if (s.effect !== 'Allow') return;
    const name = s.sid ? `statement ${s.sid}` : `statement ${i}`;
    const star = s.resources.includes('*') || s.notResources.length > 0;
    if (s.actions.some(interpolated)) unknownAction = true;
    for (const a of s.actions) {
      if (a === '*' || a === '*:*') {
        if (star && !out.has('Action::*'))
          out.set('Action::*', { resource, message: `${what}: ${name} allows every action on every resource (full admin)`, detail: 'Action::*', severity: 'CRITICAL', suppressible: false });
        else if (!out.has('Action::*')) out.set('Action::*', { resource, message: `${what}: ${name} allows every action on ${s.resources.join(', ')}`, detail: 'Action::*', severity: 'HIGH' });
      } else if (/^[a-z0-9-]+:\*$/i.test(a) && !out.has(`Action::${a}`)) {
        out.set(`Action::${a}`, { resource, message: `${what}: ${name} allows every ${a.split(':')[0]} action (${a})`, detail: `Action::${a}`, severity: 'HIGH' });
      }
    }
    if (s.notActions.length && !out.has('NotAction'))
      out.set('NotAction', { resource, message: `${what}: ${name} allows every action except ${s.notActions.join(', ')}`, detail: 'NotAction', severity: star ? 'CRITICAL' : 'HIGH' });
    if (s.resources.includes('*') && !conditionNarrows(s)) {
      const scopable = s.actions.filter((a) => a !== '*' && a !== '*:*' && !interpolated(a) && !isUnscopableAction(a));
      if (scopable.length) resourceStar.push(`${name} (${scopable.slice(0, 6).join(', ')}${scopable.length > 6 ? `, +${scopable.length - 6} more` : ''})`);
    }
  });
  if (out.get('Action::*')?.severity === 'CRITICAL') return [out.get('Action::*')!];
  if (resourceStar.length)
    out.set('Resource::*', {
      resource,
      message: `${what}: Resource "*" without a narrowing condition for actions that can be scoped to a resource: ${resourceStar.join('; ')}`,
      detail: 'Resource::*',
      severity: 'HIGH',
    });
  const findings = [...out.values()];
  if (unknownAction) findings.push({ resource, message: `${what}: an action is an expression, decided at apply time`, unknown: true });
  return findings;
}

/** The managed-policy name of an ARN (`arn:…:iam::aws:policy/AdministratorAccess`), when literal. */
const managedPolicyName = (arn: string): string | undefined => {
  const m = /:iam::aws:policy\/(?:[^${}]*\/)?([A-Za-z0-9_+=,.@-]+)$/.exec(arn);
  return m ? m[1] : undefined;
};

function attachmentFindings(ctx: RuleContext, resource: SynthResource, arns: readonly unknown[]): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const arn of arns) {
    if (typeof arn !== 'string') continue;
    const name = managedPolicyName(arn);
    if (name === undefined) {
      // A customer-managed policy of these stacks is checked as a document on its own.
      if (isReference(arn) && !ctx.resolve(resource, arn)) out.push({ resource, message: `policy ${arn} is decided at apply time`, unknown: true });
      continue;
    }
    if (ADMIN_POLICIES.has(name)) out.push({ resource, message: `attaches the AWS-managed ${name} policy (full ${name === 'IAMFullAccess' ? 'IAM, hence' : ''} admin)`, detail: `Policy::${name}`, severity: 'CRITICAL', suppressible: false });
    else if (/FullAccess$/.test(name) || name === 'PowerUserAccess') out.push({ resource, message: `attaches the AWS-managed ${name} policy (a service wildcard)`, detail: `Policy::${name}`, severity: 'HIGH' });
  }
  return out;
}

const BASIC_ROLES = new Set(['roles/owner', 'roles/editor']);
const ADMIN_ROLE = /admin|^roles\/iam\.(securityAdmin|serviceAccountAdmin|roleAdmin|organizationRoleAdmin)$|^roles\/resourcemanager\.(projectIamAdmin|folderIamAdmin|organizationAdmin)$/i;

function googleRoleFindings(resource: SynthResource, role: unknown, members: readonly unknown[]): RuleFinding[] {
  if (typeof role !== 'string') return [];
  if (isReference(role)) return [{ resource, message: `role ${role} is decided at apply time`, unknown: true }];
  if (BASIC_ROLES.has(role)) return [{ resource, message: `grants the basic role ${role} on the whole ${resource.type.split('_')[1]}`, detail: `Role::${role}`, severity: 'CRITICAL', suppressible: false }];
  if (ADMIN_ROLE.test(role) && members.some((m) => typeof m === 'string' && m.startsWith('serviceAccount:')))
    return [{ resource, message: `grants the admin role ${role} to a service account on the whole ${resource.type.split('_')[1]}`, detail: `Role::${role}`, severity: 'HIGH' }];
  return [];
}

/** LOOM-IAM-001: no admin or wildcard IAM (see the module comment for what counts and why). */
export const IAM_001: PolicyRule = {
  id: 'LOOM-IAM-001',
  area: 'IAM',
  title: 'No admin or wildcard IAM',
  severity: { baseline: 'HIGH' },
  rationale:
    'An identity that may do anything — or anything to a whole service, or a scopable action on every resource — turns the compromise of the one workload holding it into the compromise of the account or project.',
  fix: 'List the actions the workload needs and the ARNs it needs them on (or a tag condition, as the AWS Load Balancer Controller and Karpenter policies do); never attach AdministratorAccess / IAMFullAccess or grant roles/owner or roles/editor — use predefined roles scoped to the resource.',
  anchors: [
    'AwsSolutions-IAM5',
    'AwsSolutions-IAM4',
    'HIPAA.Security-IAMPolicyNoStatementsWithAdminAccess',
    'HIPAA.Security-IAMPolicyNoStatementsWithFullAccess',
    'CKV_AWS_1',
    'CKV_AWS_62',
    'CKV_AWS_63',
    'CKV_AWS_355',
    'CKV_AWS_356',
    'CKV_AWS_274',
    'CKV_AWS_286',
    'CKV_AWS_289',
    'CKV2_AWS_40',
    'CKV2_AWS_56',
    'AVD-AWS-0057',
    'AVD-AWS-0345',
    'CKV_GCP_42',
    'CKV_GCP_115',
    'CKV_GCP_116',
    'CKV_GCP_117',
    'AVD-GCP-0007',
  ],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const [type, key] of IDENTITY_POLICIES)
      for (const r of ctx.resources(type)) {
        if (r.values[key] === undefined) continue;
        out.push(...documentFindings(r, readPolicyDocument(ctx, r, r.values[key]), key));
      }
    for (const r of ctx.resources('aws_iam_role')) {
      for (const [i, p] of list(r.values, 'inline_policy').entries()) {
        if (!isObject(p) || p.policy === undefined) continue;
        out.push(...documentFindings(r, readPolicyDocument(ctx, r, p.policy), `inline_policy ${String(p.name ?? i)}`));
      }
      out.push(...attachmentFindings(ctx, r, list(r.values, 'managed_policy_arns')));
    }
    for (const type of ['aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment'])
      for (const r of ctx.resources(type)) out.push(...attachmentFindings(ctx, r, [attr(r.values, 'policy_arn')]));
    for (const r of ctx.resources('aws_iam_role_policy_attachments_exclusive', 'aws_iam_user_policy_attachments_exclusive', 'aws_iam_group_policy_attachments_exclusive'))
      out.push(...attachmentFindings(ctx, r, list(r.values, 'policy_arns')));
    for (const scope of ['project', 'folder', 'organization']) {
      for (const r of ctx.resources(`google_${scope}_iam_member`)) out.push(...googleRoleFindings(r, r.values.role, [r.values.member]));
      for (const r of ctx.resources(`google_${scope}_iam_binding`)) out.push(...googleRoleFindings(r, r.values.role, list(r.values, 'members')));
      for (const r of ctx.resources(`google_${scope}_iam_policy`)) {
        const data = r.values.policy_data;
        const doc = typeof data === 'string' && !/^\s*\$\{/.test(data) ? safeJson(data) : undefined;
        if (!isObject(doc)) {
          out.push({ resource: r, message: 'policy_data is decided at apply time', unknown: true });
          continue;
        }
        for (const b of list(doc, 'bindings')) if (isObject(b)) out.push(...googleRoleFindings(r, b.role, list(b, 'members')));
      }
    }
    return out;
  },
};

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
