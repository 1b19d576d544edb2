/**
 * The teams of a platform, resolved: on each cluster a team uses, its namespace and quota (GPUs
 * only where the cluster has them, borrowing only on batch clusters), its members and the names of
 * its workload identity. Pure, like the rest of the plan; the constructs build from this.
 */
import type { ClusterSpec, Flavour, PlatformSpec, TeamAccessSpec, TeamQuotaSpec } from '../schema/schema';
import { clusterSpecHasGpus, teamClusters, teamNamespace, teamRoleName, teamServiceAccountId } from '../schema/team-rules';

export { teamNamespace, teamRoleName, teamServiceAccountId } from '../schema/team-rules';

/** The Kubernetes service account a team's workloads run as, in its namespace (bound to its cloud identity). */
export const TEAM_SERVICE_ACCOUNT = 'team-workloads';
/** The label that marks a namespace as a team's (the policy rules recognise team namespaces by it). */
export const TEAM_NAMESPACE_ROLE = {
  /** The label's key. */
  key: 'loom.dev/namespace-role',
  /** Its value on a team's namespace. */
  value: 'team',
} as const;
/** The Kueue cohort every team's ClusterQueue of a batch cluster joins (they borrow from each other). */
export const TEAM_COHORT = 'loom-teams';

/** What a team may borrow on a batch cluster. */
export interface TeamBorrowing {
  /** CPU cores. */
  readonly cpu: number;
  /** GPUs. */
  readonly gpus: number;
}

/** A team's share of one cluster, with the team. */
export interface TeamShare {
  /** The team. */
  readonly team: TeamPlan;
  /** Its share of the cluster. */
  readonly on: TeamOnCluster;
}

/** A team on one cluster. */
export interface TeamOnCluster {
  /** The cluster's name. */
  readonly cluster: string;
  /** Its flavour (a batch cluster gets a queue). */
  readonly flavour: Flavour;
  /** The team's quota there (`gpus` 0 where the cluster has none). */
  readonly quota: TeamQuotaSpec;
  /** What it may borrow from the cohort (batch clusters; zero elsewhere). */
  readonly borrowing: TeamBorrowing;
  /** Whether the cluster has GPUs. */
  readonly gpus: boolean;
}

/** A team, resolved. */
export interface TeamPlan {
  /** Its name. */
  readonly name: string;
  /** Its namespace on each of its clusters. */
  readonly namespace: string;
  /** Its clusters, in spec order. */
  readonly clusters: readonly TeamOnCluster[];
  /** Its members, as the spec writes them. */
  readonly members: readonly string[];
  /** What it may do with each component. */
  readonly access: TeamAccessSpec;
  /** Its AWS IAM role's name (aws). */
  readonly roleName: string;
  /** Its Google service account id (gcp). */
  readonly serviceAccountId: string;
}

/** Every team of a validated spec, resolved. */
export function resolveTeams(spec: Pick<PlatformSpec, 'name' | 'teams' | 'clusters'>): TeamPlan[] {
  return spec.teams.map((team) => ({
    name: team.name,
    namespace: teamNamespace(team.name),
    clusters: teamClusters(spec, team).map((c: ClusterSpec) => {
      const gpus = clusterSpecHasGpus(c);
      const batch = c.flavour === 'batch';
      return {
        cluster: c.name,
        flavour: c.flavour,
        quota: { ...team.quota, gpus: gpus ? team.quota.gpus : 0 },
        borrowing: batch ? { cpu: team.borrowingLimit.cpu, gpus: gpus ? team.borrowingLimit.gpus : 0 } : { cpu: 0, gpus: 0 },
        gpus,
      };
    }),
    members: team.members,
    access: team.access,
    roleName: teamRoleName(spec.name, team.name),
    serviceAccountId: teamServiceAccountId(spec.name, team.name),
  }));
}

/** The teams on cluster `cluster`, with their share of it. */
export function teamsOnCluster(teams: readonly TeamPlan[], cluster: string): TeamShare[] {
  return teams.flatMap((team) => team.clusters.filter((c) => c.cluster === cluster).map((on) => ({ team, on })));
}
