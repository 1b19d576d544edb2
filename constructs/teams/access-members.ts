/**
 * A team's members' RBAC (see ./access.ts): bound to a namespaced edit role in the team's
 * namespace on each of its clusters, never cluster-wide.
 *
 * - EKS: access entries. One `aws_eks_access_entry` per member principal ARN and cluster (EKS
 *   keys entries by principal, so a member of several teams has one entry), with one
 *   `aws_eks_access_policy_association` of `AmazonEKSEditPolicy` scoped to the namespaces of every
 *   team that lists the member on that cluster (EKS keys associations by principal and policy, so
 *   one association carries all of them). The entry also puts the member in the Kubernetes group
 *   `loom-team-<name>` of each of those teams ({@link teamMemberSubjects}), which what Loom binds
 *   beyond `edit` (a deploying team's InferenceServices) names. A member that is one of the cluster's `admins` already
 *   has an entry (cluster-admin, from the cluster stack) and gets none here. In the services
 *   stack (the AWS provider's), like Argo's submit grant.
 * - GKE: a RoleBinding of the ClusterRole `edit` in the team's namespace to the members —
 *   `group:x@y` as subject Group `x@y`, `user:x@y` as User `x@y` — and, in the services stack,
 *   `roles/container.clusterViewer` on the project (`container.clusters.get`, what fetching the
 *   cluster's credentials needs; no Kubernetes permission). Group subjects take effect only on a
 *   cluster with Google Groups for RBAC (`authenticator_groups_config.security_group =
 *   gke-security-groups@<domain>`, the groups nested in it), which Loom's GKE clusters set from
 *   the spec's `gkeSecurityGroup`: without it, a warning says so.
 * - Existing clusters: the same RoleBinding, to the group and user names the cluster's OIDC issuer
 *   gives (`group:<name>`, `user:<name>`; any `--oidc-groups-prefix` is part of the name written).
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { Annotations } from '../core/cdk';
import type { TeamPlan } from '../../plan';
import { eksClusterOf } from '../components/clusters';
import { scopeOf, servicesStackOf, TEAM_ACCESS_SCOPE, teamLabels, teamNamespaceResource } from './access-identity';
import type { TeamPlatform } from './index';

/** The ClusterRole members are bound to, in their team's namespace only. */
export const TEAM_MEMBER_CLUSTER_ROLE = 'edit';
/** The RoleBinding of a team's members in its namespace. */
export const TEAM_MEMBERS_BINDING = 'loom-team-members';
/** The EKS access policy members get, namespace-scoped (AmazonEKSEditPolicy ≈ the ClusterRole `edit`). */
export const EKS_EDIT_POLICY = 'AmazonEKSEditPolicy';

/** A stable construct id for a member (ARNs and emails hold characters construct ids cannot). */
export function memberId(member: string): string {
  const readable = member.replace(/^arn:[^:]*:iam::/, '').replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60);
  return `${readable}-${createHash('sha256').update(member).digest('hex').slice(0, 8)}`;
}

/** A member as an RBAC subject: `group:x` → Group x, `user:x` → User x. */
export function memberSubject(member: string): { kind: 'Group' | 'User'; name: string; apiGroup: string } {
  const [prefix, ...rest] = member.split(':');
  return { kind: prefix === 'group' ? 'Group' : 'User', name: rest.join(':'), apiGroup: 'rbac.authorization.k8s.io' };
}

/** The Kubernetes group EKS access entries put a team's members in (`kubernetes_groups`). */
export const teamMemberGroup = (team: Pick<TeamPlan, 'namespace'>): string => `loom-${team.namespace}`;

/**
 * `team`'s members as RBAC subjects on its clusters: on EKS the group its access entries put them
 * in ({@link teamMemberGroup}), elsewhere each `group:` and `user:` member ({@link memberSubject}).
 */
export function teamMemberSubjects(cloud: string, team: Pick<TeamPlan, 'namespace' | 'members'>): ReturnType<typeof memberSubject>[] {
  if (!team.members.length) return [];
  if (cloud === 'aws') return [{ kind: 'Group', name: teamMemberGroup(team), apiGroup: 'rbac.authorization.k8s.io' }];
  return team.members.map(memberSubject);
}

/** Binds `team`'s members on each of its clusters (see the module comment). */
export function teamMembers(platform: TeamPlatform, team: TeamPlan): void {
  if (!team.members.length) return;
  const cloud = platform.plan.spec.cloud;
  if (cloud === 'aws') {
    awsMembers(platform, team);
    return;
  }
  const { RoleBindingV1 } = require('@cdktf/provider-kubernetes/lib/role-binding-v1') as typeof import('@cdktf/provider-kubernetes/lib/role-binding-v1');
  for (const on of team.clusters) {
    const addons = platform.addonsStacks[on.cluster]!;
    const namespace = teamNamespaceResource(addons, team.namespace);
    new RoleBindingV1(scopeOf(scopeOf(addons, TEAM_ACCESS_SCOPE), team.name), 'Members', {
      metadata: { name: TEAM_MEMBERS_BINDING, namespace: team.namespace, labels: teamLabels(addons, team) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: TEAM_MEMBER_CLUSTER_ROLE },
      subject: team.members.map(memberSubject),
      ...(namespace ? { dependsOn: [namespace] } : {}),
    });
  }
  if (cloud === 'gcp') {
    const services = servicesStackOf(platform, `team '${team.name}': its members' cluster access`);
    const { ProjectIamMember } = require('@cdktf/provider-google/lib/project-iam-member') as typeof import('@cdktf/provider-google/lib/project-iam-member');
    const project = platform.plan.spec.gcpProject!;
    // Shared by the teams a member belongs to: one binding per member.
    const members = scopeOf(scopeOf(services, TEAM_ACCESS_SCOPE), 'Members');
    for (const member of team.members) {
      const id = memberId(member);
      if (members.node.tryFindChild(id)) continue;
      new ProjectIamMember(new Construct(members, id), 'ClusterViewer', { project, role: 'roles/container.clusterViewer', member });
    }
    const groups = team.members.filter((m) => m.startsWith('group:'));
    if (groups.length && !platform.plan.spec.gkeSecurityGroup) {
      Annotations.of(platform).addWarning(
        `teams '${team.name}': ${groups.join(', ')} are bound as RBAC groups, which GKE recognises only with Google Groups for RBAC ` +
          '(the cluster\'s authenticator_groups_config.security_group, gke-security-groups@<your domain>, with these groups nested in it); ' +
          'the spec sets no gkeSecurityGroup: set it to gke-security-groups@<your domain>, or bind users',
      );
    }
  }
}

function awsMembers(platform: TeamPlatform, team: TeamPlan): void {
  const { EksAccessEntry } = require('@cdktf/provider-aws/lib/eks-access-entry') as typeof import('@cdktf/provider-aws/lib/eks-access-entry');
  const { EksAccessPolicyAssociation } = require('@cdktf/provider-aws/lib/eks-access-policy-association') as typeof import('@cdktf/provider-aws/lib/eks-access-policy-association');
  const services = servicesStackOf(platform, `team '${team.name}': its members' EKS access entries`);
  const root = scopeOf(scopeOf(services, TEAM_ACCESS_SCOPE), 'Members');
  for (const on of team.clusters) {
    const cluster = eksClusterOf(platform.clusters[on.cluster]!, `the access entries of team '${team.name}'`);
    const admins = platform.plan.spec.clusters.find((c) => c.name === on.cluster)?.admins ?? [];
    const scope = scopeOf(root, on.cluster);
    for (const member of team.members) {
      // Cluster admins have their entry (cluster-wide) already; a second would collide.
      if (admins.includes(member)) continue;
      const id = memberId(member);
      // Made with the first team that lists the member on this cluster, for all of them.
      if (scope.node.tryFindChild(id)) continue;
      const teams = platform.plan.teams.filter((t) => t.members.includes(member) && t.clusters.some((c) => c.cluster === on.cluster));
      const namespaces = teams.map((t) => t.namespace);
      const partition = member.split(':')[1] ?? 'aws';
      const at = new Construct(scope, id);
      const entry = new EksAccessEntry(at, 'Entry', {
        clusterName: cluster.clusterName,
        principalArn: member,
        type: 'STANDARD',
        kubernetesGroups: teams.map(teamMemberGroup),
        tags: { 'loom.dev/teams': platform.plan.teams.filter((t) => namespaces.includes(t.namespace)).map((t) => t.name).join('.').slice(0, 256) },
      });
      new EksAccessPolicyAssociation(at, 'Edit', {
        clusterName: cluster.clusterName,
        // Through the entry, so that the association waits for it.
        principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${EKS_EDIT_POLICY}`,
        accessScope: { type: 'namespace', namespaces },
      });
    }
  }
}
