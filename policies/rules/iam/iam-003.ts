/**
 * LOOM-IAM-003: node identities are dedicated and minimal. Every pod can reach its node's
 * credentials (the metadata server), so whatever the node identity may do, a compromised pod may.
 *
 * google: each `google_container_node_pool` (and the cluster's own `node_config` unless
 * `remove_default_node_pool`) sets `node_config.service_account` to a dedicated account — omitted,
 * `default` or `…-compute@developer.gserviceaccount.com` is the Compute Engine default account
 * (`[DefaultServiceAccount]`); a reference that does not lead to a `google_service_account` of the
 * stacks is unknown. A dedicated node account holds, on the project, only the logging, monitoring,
 * metadata-writer, Artifact Registry reader and `container.defaultNodeServiceAccount` roles
 * (`[Role::<role>]`); on single resources only read roles (`secretmanager.secretAccessor` of one
 * secret — Loom's registry CA —, `artifactregistry.reader`, `storage.objectViewer`).
 *
 * aws: the node roles (`aws_eks_node_group.node_role_arn`, EC2 `aws_eks_access_entry` principals —
 * Karpenter's nodes — and `aws_iam_instance_profile.role`) carry only AmazonEKSWorkerNodePolicy
 * (or …MinimalPolicy), AmazonEKS_CNI_Policy, AmazonEC2ContainerRegistryReadOnly / PullOnly and
 * AmazonSSMManagedInstanceCore (`[Policy::<name>]`), and no inline policy (`[InlinePolicy]`). An
 * attachment whose role or policy cannot be read is unknown.
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, isReference, list, text } from '../../values';

const NODE_PROJECT_ROLES = new Set([
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
  'roles/artifactregistry.reader',
  'roles/autoscaling.metricsWriter',
  'roles/container.defaultNodeServiceAccount',
]);
const NODE_RESOURCE_ROLES = new Set(['roles/secretmanager.secretAccessor', 'roles/artifactregistry.reader', 'roles/storage.objectViewer']);
const NODE_POLICIES = new Set(['AmazonEKSWorkerNodePolicy', 'AmazonEKSWorkerNodeMinimalPolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore']);

const isDefaultAccount = (v: string) => v === 'default' || /-compute@developer\.gserviceaccount\.com$/.test(v);

function googleNodeAccounts(ctx: RuleContext, out: RuleFinding[]): Set<SynthResource> {
  const accounts = new Set<SynthResource>();
  const check = (r: SynthResource, path: string) => {
    const v = attr(r.values, path);
    if (v === undefined || v === null || v === '') {
      out.push({ resource: r, message: `${path} is not set: the nodes run as the Compute Engine default service account (project Editor by default)`, detail: 'DefaultServiceAccount' });
      return;
    }
    if (typeof v !== 'string') return;
    if (isReference(v)) {
      const sa = ctx.resolve(r, v);
      if (sa?.type === 'google_service_account') accounts.add(sa);
      else if (!sa || sa.type !== 'google_service_account') out.push({ resource: r, message: `${path} is ${v}, decided at apply time`, unknown: true });
      return;
    }
    if (isDefaultAccount(v)) out.push({ resource: r, message: `${path} is the Compute Engine default service account (${v})`, detail: 'DefaultServiceAccount' });
  };
  for (const r of ctx.resources('google_container_node_pool')) check(r, 'node_config.service_account');
  for (const r of ctx.resources('google_container_cluster')) {
    if (attr(r.values, 'enable_autopilot') === true) continue;
    if (attr(r.values, 'remove_default_node_pool') !== true) check(r, 'node_config.service_account');
    if (attr(r.values, 'cluster_autoscaling.enabled') === true) check(r, 'cluster_autoscaling.auto_provisioning_defaults.service_account');
  }
  return accounts;
}

const managedName = (arn: string) => /:iam::aws:policy\/(?:[^${}]*\/)?([A-Za-z0-9_+=,.@-]+)$/.exec(arn)?.[1];

/** LOOM-IAM-003: node identities are dedicated and minimal (see the module comment). */
export const IAM_003: PolicyRule = {
  id: 'LOOM-IAM-003',
  area: 'IAM',
  title: 'Node identities are dedicated and minimal',
  severity: { baseline: 'HIGH' },
  rationale: "Any pod can reach its node's credentials; a node identity that is the project's default account, or carries more than the node needs, hands those rights to every workload.",
  fix: 'Run nodes as a dedicated identity (Loom creates one per cluster) and give it only the node roles/policies; grant workloads their own identities through workload identity (IRSA / GKE Workload Identity) instead of widening the node role.',
  anchors: ['CKV2_GCP_1', 'CKV_GCP_30', 'CKV_GCP_31', 'CKV_GCP_46', 'AVD-GCP-0044', 'AVD-GCP-0050', 'CIS GKE 5.2.1', 'CIS EKS 5.1.3'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const accounts = googleNodeAccounts(ctx, out);
    if (accounts.size) {
      const grants = ctx.stacks.flatMap((s) => s.resources).filter((r) => /^google_.+_iam_(member|binding)$/.test(r.type));
      for (const g of grants) {
        const members = g.type.endsWith('_member') ? [g.values.member] : list(g.values, 'members');
        if (!members.some((m) => accounts.has(ctx.resolve(g, m) as SynthResource))) continue;
        const role = text(g.values, 'role');
        if (role === undefined) continue;
        if (role === 'unknown') {
          out.push({ resource: g, message: 'a role granted to a node service account is decided at apply time', unknown: true });
          continue;
        }
        const projectLevel = /^google_(project|folder|organization)_iam_/.test(g.type);
        if (projectLevel ? !NODE_PROJECT_ROLES.has(role) : !NODE_RESOURCE_ROLES.has(role))
          out.push({ resource: g, message: `the node service account holds ${role}${projectLevel ? ' on the project' : ''}, beyond the node roles`, detail: `Role::${role}` });
      }
    }
    const nodeRoles = new Set<SynthResource>();
    const addRole = (from: SynthResource, ref: unknown) => {
      const role = ctx.resolve(from, ref);
      if (role?.type === 'aws_iam_role') nodeRoles.add(role);
    };
    for (const r of ctx.resources('aws_eks_node_group')) addRole(r, r.values.node_role_arn);
    for (const r of ctx.resources('aws_eks_access_entry')) if (/^EC2/.test(String(r.values.type ?? ''))) addRole(r, r.values.principal_arn);
    for (const r of ctx.resources('aws_iam_instance_profile')) addRole(r, r.values.role);
    for (const role of nodeRoles) {
      const arns: [SynthResource, unknown][] = list(role.values, 'managed_policy_arns').map((a) => [role, a]);
      for (const a of ctx.referencing(role, 'aws_iam_role_policy_attachment')) if (ctx.resolve(a, a.values.role) === role) arns.push([a, a.values.policy_arn]);
      for (const [at, arn] of arns) {
        if (typeof arn !== 'string') continue;
        const name = managedName(arn);
        if (name === undefined) {
          const policy = isReference(arn) ? ctx.resolve(at, arn) : undefined;
          if (isReference(arn) && !policy) out.push({ resource: at, message: `a node-role policy ${arn} is decided at apply time`, unknown: true });
          else out.push({ resource: at, message: `the node role ${role.address} carries the customer policy ${policy?.address ?? arn}, beyond the node policies`, detail: `Policy::${policy?.name ?? arn}` });
          continue;
        }
        if (!NODE_POLICIES.has(name)) out.push({ resource: at, message: `the node role ${role.address} carries ${name}, beyond the node policies`, detail: `Policy::${name}` });
      }
      for (const p of ctx.referencing(role, 'aws_iam_role_policy')) if (ctx.resolve(p, p.values.role) === role) out.push({ resource: p, message: `an inline policy on the node role ${role.address}: every pod of those nodes may use it`, detail: 'InlinePolicy' });
      for (const p of list(role.values, 'inline_policy')) if (p && typeof p === 'object') out.push({ resource: role, message: 'the node role has an inline_policy: every pod of those nodes may use it', detail: 'InlinePolicy' });
    }
    return out;
  },
};
