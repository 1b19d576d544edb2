/**
 * A team's workload identity (see ./access.ts): the Kubernetes service account `team-workloads`
 * in the team's namespace on each of its clusters, and the cloud identity it acts as.
 *
 * - AWS: one IAM role `<platform>-team-<name>` (IRSA) trusted by the OIDC provider of each of the
 *   team's EKS clusters — one statement per cluster, each allowing only
 *   `system:serviceaccount:team-<name>:team-workloads` with audience `sts.amazonaws.com`, built
 *   by the same `serviceAccountTrustPolicy` a component's identity uses ({@link ComponentIdentity}
 *   is the one-cluster case of this);
 * - Google Cloud: one Google service account (`<platform>-<name>`) with
 *   `roles/iam.workloadIdentityUser` for `<project>.svc.id.goog[team-<name>/team-workloads]`
 *   (one workload pool per project, so one binding serves every cluster);
 * - existing clusters: the Kubernetes service account alone (no cloud identity).
 *
 * Cloud-side resources go in the services stack; the service accounts in each cluster's add-ons
 * stack, named into the team's namespace (created by ./space.ts) and waiting for it when it is
 * found there. Provider classes are required lazily, for the platform's cloud only.
 */
import { Construct } from 'constructs';
import { namespaceResourceIn } from '../kubernetes/namespace';
import type { TeamPlan } from '../../plan';
import { TEAM_SERVICE_ACCOUNT } from '../../plan/teams';
import { PlatformValidationError } from '../core/errors';
import { platformOf } from '../core/stack';
import type { WorkloadIdentity } from '../stores/contract';
import type { StreamingPrincipal } from '../components/streaming/contract';
import { serviceAccountTrustPolicy } from '../aws/iam';
import { eksClusterOf, gkeClusterOf } from '../components/clusters';
import type { TeamPlatform } from './index';

/** The construct id of a team's resources in every stack (`TeamAccess/<team>/…`), apart from ./space.ts's. */
export const TEAM_ACCESS_SCOPE = 'TeamAccess';

/** A child scope `id` of `scope`, created on first use. */
export function scopeOf(scope: Construct, id: string): Construct {
  return (scope.node.tryFindChild(id) as Construct | undefined) ?? new Construct(scope, id);
}

/** Labels on a team's Kubernetes objects. */
export function teamLabels(scope: Construct, team: TeamPlan): Record<string, string> {
  return { ...platformOf(scope).labels, 'loom.dev/team': team.name, 'app.kubernetes.io/managed-by': 'loom' };
}

/** The team namespace `name` in `stack`, when ./space.ts created one there (what is placed in it by name waits for it). */
export const teamNamespaceResource = namespaceResourceIn;

/**
 * `principal`, placed where `team`'s pods run: a Kubernetes service account principal (Strimzi's
 * Kafka users) gets the team's namespace and clusters, so that built streaming writes the user's
 * credentials Secret and the brokers' CA there (waiting for the namespace ./space.ts creates);
 * a cloud identity is returned as it is (MSK and Managed Kafka authorize IAM, no Secret).
 */
export function teamStreamingPrincipal<P extends StreamingPrincipal | undefined>(principal: P, team: Pick<TeamPlan, 'namespace' | 'clusters'>): P {
  if (principal?.kind !== 'kubernetes-service-account') return principal;
  return { ...principal, namespace: team.namespace, clusters: team.clusters.map((c) => c.cluster) } as P;
}

/** A team's identity: what the components grant to, and its service accounts by cluster. */
export interface TeamIdentity {
  /** The cloud identity (aws, gcp); undefined on existing clusters. */
  readonly identity?: WorkloadIdentity;
  /** The annotations the team's service accounts carry to act as it. */
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
}

/** Creates `team`'s workload identity and its service account on each of its clusters (see the module comment). */
export function teamIdentity(platform: TeamPlatform, team: TeamPlan): TeamIdentity {
  const cloud = platform.plan.spec.cloud;
  const clusters = team.clusters.map((c) => platform.clusters[c.cluster]!);
  const description = `workloads of team ${team.name} of platform ${platform.plan.spec.name}`;
  let identity: WorkloadIdentity | undefined;
  let annotations: Record<string, string> = {};
  if (cloud === 'aws' || cloud === 'gcp') {
    const services = servicesStackOf(platform, `team '${team.name}': its workload identity`);
    const scope = scopeOf(scopeOf(services, TEAM_ACCESS_SCOPE), team.name);
    if (cloud === 'aws') {
      const { IamRole } = require('@cdktf/provider-aws/lib/iam-role') as typeof import('@cdktf/provider-aws/lib/iam-role');
      if (team.roleName.length > 64) throw new PlatformValidationError(`IAM role name '${team.roleName}' is ${team.roleName.length} characters; IAM allows 64`, scope);
      // One statement per cluster: each cluster's issuer names its own condition keys.
      const statements = clusters.map((cluster) => {
        const eks = eksClusterOf(cluster, `the workload identity of team '${team.name}'`);
        return (JSON.parse(serviceAccountTrustPolicy(eks.oidcProviderArn, eks.oidcIssuerHost, team.namespace, TEAM_SERVICE_ACCOUNT)) as { Statement: unknown[] }).Statement[0];
      });
      const role = new IamRole(scope, 'Role', {
        name: team.roleName,
        description: `Loom: ${description} (${team.namespace}/${TEAM_SERVICE_ACCOUNT} on ${team.clusters.map((c) => c.cluster).join(', ')})`.slice(0, 1000),
        assumeRolePolicy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
        tags: { 'loom.dev/team': team.name, 'loom.dev/service-account': `${team.namespace}.${TEAM_SERVICE_ACCOUNT}` },
      });
      identity = { kind: 'aws-iam-role', roleName: role.name, roleArn: role.arn };
      annotations = { 'eks.amazonaws.com/role-arn': role.arn };
    } else {
      const { ServiceAccount } = require('@cdktf/provider-google/lib/service-account') as typeof import('@cdktf/provider-google/lib/service-account');
      const { ServiceAccountIamMember } = require('@cdktf/provider-google/lib/service-account-iam-member') as typeof import('@cdktf/provider-google/lib/service-account-iam-member');
      const project = platformOf(services).gcpProject;
      if (!project) throw new PlatformValidationError(`team '${team.name}': the platform has no gcpProject`, scope);
      const id = team.serviceAccountId;
      if (id.length < 6 || id.length > 30) throw new PlatformValidationError(`service account id '${id}' must be 6 to 30 characters`, scope);
      const account = new ServiceAccount(scope, 'ServiceAccount', {
        accountId: id,
        project,
        displayName: `Loom team ${team.name}`.slice(0, 100),
        description: `Loom: ${description} (${team.namespace}/${TEAM_SERVICE_ACCOUNT})`.slice(0, 256),
      });
      // Every cluster of a project shares its workload pool: one binding per distinct pool.
      const pools = [...new Set(clusters.map((c) => gkeClusterOf(c, `the workload identity of team '${team.name}'`).workloadPool))];
      pools.forEach(
        (pool, i) =>
          new ServiceAccountIamMember(scope, i === 0 ? 'WorkloadIdentity' : `WorkloadIdentity${i + 1}`, {
            serviceAccountId: account.name,
            role: 'roles/iam.workloadIdentityUser',
            member: `serviceAccount:${pool}[${team.namespace}/${TEAM_SERVICE_ACCOUNT}]`,
          }),
      );
      identity = { kind: 'gcp-service-account', email: account.email };
      annotations = { 'iam.gke.io/gcp-service-account': account.email };
    }
  }

  // The Kubernetes service account, in the team's namespace on each of its clusters.
  const { ServiceAccountV1 } = require('@cdktf/provider-kubernetes/lib/service-account-v1') as typeof import('@cdktf/provider-kubernetes/lib/service-account-v1');
  for (const on of team.clusters) {
    const addons = platform.addonsStacks[on.cluster]!;
    const scope = scopeOf(scopeOf(addons, TEAM_ACCESS_SCOPE), team.name);
    const namespace = teamNamespaceResource(addons, team.namespace);
    new ServiceAccountV1(scope, 'ServiceAccount', {
      metadata: { name: TEAM_SERVICE_ACCOUNT, namespace: team.namespace, labels: teamLabels(addons, team), ...(Object.keys(annotations).length ? { annotations } : {}) },
      ...(namespace ? { dependsOn: [namespace] } : {}),
    });
  }
  return { ...(identity ? { identity } : {}), serviceAccountAnnotations: annotations };
}

/**
 * The services stack, for a team's cloud-side resources: the platform's, created on first use
 * (the same stack a component would get).
 */
export function servicesStackOf(platform: TeamPlatform, why: string): Construct {
  const stack = platform.useServicesStack();
  if (!stack) throw new PlatformValidationError(`${why} goes in the services stack, and the platform has none`, platform);
  return stack;
}
