/**
 * Rules of `teams`: names (and the names derived from them) within each cloud's limits, clusters
 * and components that exist, GPU quotas only where GPUs are, teams' nominal quotas on a batch
 * cluster within what its pools can hold, members written the way the cloud names them, registry
 * push only to repositories the registry lists. Called from `checkRules`.
 */
import type { ClusterSpec, PlatformSpec, TeamSpec } from './schema';
import { machineTypeFacts } from '../catalog/machine-types';
import type { RegionalCloud } from '../catalog/regions';
import { componentCluster, componentFlavours } from '../plan';

type Report = (path: string, message: string) => void;

/** A team's namespace on each of its clusters: `team-<name>`. */
export const teamNamespace = (team: string): string => `team-${team}`;
/** A team's AWS IAM role (its workload identity): `<platform>-team-<name>`, at most 64 characters. */
export const teamRoleName = (platform: string, team: string): string => `${platform}-team-${team}`;
/** A team's Google service account id: `<platform>-<name>`, 6 to 30 characters. */
export const teamServiceAccountId = (platform: string, team: string): string => `${platform}-${team}`;
/** IAM role names: at most 64 characters. */
export const TEAM_ROLE_MAX_LENGTH = 64;
/** Google service account ids: 6 to 30 characters. */
export const TEAM_SERVICE_ACCOUNT_ID_LENGTH = { min: 6, max: 30 } as const;

/** The clusters a team uses: those it lists, else every cluster. */
export function teamClusters<C extends Pick<ClusterSpec, 'name'>>(spec: { readonly clusters: readonly C[] }, team: Pick<TeamSpec, 'clusters'>): C[] {
  return team.clusters ? spec.clusters.filter((c) => team.clusters!.includes(c.name)) : [...spec.clusters];
}

/** Whether a cluster has NVIDIA GPUs (a GPU pool, or `existing.gpu`). */
export function clusterSpecHasGpus(cluster: ClusterSpec): boolean {
  return (cluster.nodePools ?? []).some((p) => p.gpu !== undefined) || cluster.existing?.gpu !== undefined;
}

/**
 * What a batch cluster's pools hold at their largest: vCPUs and GPUs of `maxNodes` of each pool's
 * smallest machine type (what Kueue's quotas admit), or of the existing cluster's `capacity`.
 * Undefined where a machine type is unknown (its own rule reports it).
 */
export function batchCapacity(spec: Pick<PlatformSpec, 'cloud' | 'machineTypes'>, cluster: ClusterSpec): { cpu: number; gpus: number } | undefined {
  if (spec.cloud === 'kubernetes') {
    const entries = cluster.existing?.capacity ?? [];
    return { cpu: entries.reduce((n, c) => n + c.nodes * c.cpu, 0), gpus: entries.reduce((n, c) => n + c.nodes * c.gpus, 0) };
  }
  let cpu = 0;
  let gpus = 0;
  for (const pool of cluster.nodePools ?? []) {
    const facts = pool.machineTypes.map((t) => machineTypeFacts(spec.cloud as RegionalCloud, t, spec.machineTypes ?? {}));
    if (facts.some((f) => f === undefined)) return undefined;
    cpu += pool.maxNodes * Math.min(...facts.map((f) => f!.vcpu));
    gpus += pool.maxNodes * Math.min(...facts.map((f) => (f!.gpus > 0 ? f!.gpus : (pool.gpu?.count ?? 0))));
  }
  return { cpu, gpus };
}

const MEMBER: Readonly<Record<PlatformSpec['cloud'], { pattern: RegExp; example: string }>> = {
  aws: { pattern: /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, example: 'arn:aws:iam::123456789012:role/ranking-engineers' },
  gcp: { pattern: /^(group|user):[^@\s:]+@[^@\s]+\.[^@\s]+$/, example: 'group:ranking@example.com' },
  kubernetes: { pattern: /^(group|user):\S+$/, example: 'group:ranking' },
};

/** Checks `teams`. */
export function checkTeamRules(spec: PlatformSpec, err: Report): void {
  const seen = new Map<string, number>();
  spec.teams.forEach((team, i) => {
    const at = (p: string) => `teams[${i}]${p ? `.${p}` : ''}`;
    const key = team.name.toLowerCase();
    if (seen.has(key)) err(at('name'), `'${team.name}' is already teams[${seen.get(key)}]; team names must be unique`);
    else seen.set(key, i);

    // Derived names.
    if (spec.cloud === 'aws' && teamRoleName(spec.name, team.name).length > TEAM_ROLE_MAX_LENGTH) {
      err(at('name'), `the team's IAM role '${teamRoleName(spec.name, team.name)}' is ${teamRoleName(spec.name, team.name).length} characters, over AWS's ${TEAM_ROLE_MAX_LENGTH}; shorten the team or platform name`);
    }
    if (spec.cloud === 'gcp') {
      const id = teamServiceAccountId(spec.name, team.name);
      if (id.length > TEAM_SERVICE_ACCOUNT_ID_LENGTH.max || id.length < TEAM_SERVICE_ACCOUNT_ID_LENGTH.min) {
        err(at('name'), `the team's Google service account id '${id}' is ${id.length} characters; Google takes ${TEAM_SERVICE_ACCOUNT_ID_LENGTH.min} to ${TEAM_SERVICE_ACCOUNT_ID_LENGTH.max}: ${id.length > TEAM_SERVICE_ACCOUNT_ID_LENGTH.max ? 'shorten' : 'lengthen'} the team or platform name`);
      }
    }

    // Clusters.
    const names = spec.clusters.map((c) => c.name);
    (team.clusters ?? []).forEach((c, k) => {
      if (!names.includes(c)) err(at(`clusters[${k}]`), `no cluster '${c}'; the clusters are ${names.join(', ')}`);
    });
    const clusters = teamClusters(spec, team);
    if (team.quota.gpus > 0 && !clusters.some(clusterSpecHasGpus)) {
      err(at('quota.gpus'), `none of the team's clusters (${clusters.map((c) => c.name).join(', ')}) has GPUs; set gpus: 0 or give the team a cluster with a GPU pool`);
    }
    if (team.borrowingLimit.gpus > 0 && !clusters.some((c) => c.flavour === 'batch' && clusterSpecHasGpus(c))) {
      err(at('borrowingLimit.gpus'), 'the team borrows only on batch clusters with GPUs, and has none; set it to 0');
    }

    // Members.
    const member = MEMBER[spec.cloud];
    team.members.forEach((m, k) => {
      if (!member.pattern.test(m)) err(at(`members[${k}]`), `'${m}' is not a member ${spec.cloud === 'aws' ? 'AWS knows (an IAM role or user ARN)' : spec.cloud === 'gcp' ? 'Google Cloud knows (group:<email> or user:<email>)' : "the clusters' OIDC issuer names (group:<name> or user:<name>)"}, e.g. ${member.example}`);
    });

    // Access to components the spec has.
    for (const [component, access] of Object.entries(team.access)) {
      if (access === undefined) continue;
      if (!spec.components[component as keyof PlatformSpec['components']]) {
        err(at(`access.${component}`), `the platform has no ${component} component; add components.${component} or remove this access`);
        continue;
      }
    }
    const repositories = spec.components.registry?.repositories ?? [];
    (team.access.registry?.push ?? []).forEach((r, k) => {
      if (spec.components.registry && !repositories.includes(r)) err(at(`access.registry.push[${k}]`), `'${r}' is not a repository of the registry; add it to components.registry.repositories (${repositories.join(', ')})`);
    });
    // Deploying: its own InferenceServices in its namespace on KServe's cluster; on SageMaker its
    // models and endpoints are named `<platform>-team-<name>-*`, a prefix no spec endpoint may take.
    const serving = spec.components.serving;
    if (team.access.serving === 'deploy' && serving) {
      if (serving.mode === 'build') {
        const on = componentCluster(spec, componentFlavours('serving', 'build'), serving.cluster);
        if (on && !clusters.some((c) => c.name === on.name)) {
          err(at('clusters'), `the team deploys to KServe, which runs on cluster '${on.name}', where the team has no namespace; add '${on.name}' to its clusters or give it serving: invoke`);
        }
      }
      serving.endpoints.forEach((e, k) => {
        if (e.name.startsWith(`${teamNamespace(team.name)}-`)) {
          err(`components.serving.endpoints[${k}].name`, `'${e.name}' starts with '${teamNamespace(team.name)}-', the prefix of team '${team.name}''s own deployments; rename the endpoint`);
        }
      });
    }
    const topics = (spec.components.streaming?.topics ?? []).map((t) => t.name);
    for (const dir of ['produce', 'consume'] as const) {
      (team.access.streaming?.[dir] ?? []).forEach((t, k) => {
        if (spec.components.streaming && !topics.includes(t)) err(at(`access.streaming.${dir}[${k}]`), `'${t}' is not a declared topic; declare it in components.streaming.topics${topics.length ? ` (${topics.join(', ')})` : ''}`);
      });
    }
  });

  // The teams' nominal quotas on each batch cluster, within what its pools hold.
  for (const cluster of spec.clusters) {
    if (cluster.flavour !== 'batch') continue;
    const on = spec.teams.filter((t) => teamClusters(spec, t).some((c) => c.name === cluster.name));
    if (!on.length) continue;
    const capacity = batchCapacity(spec, cluster);
    if (!capacity) continue;
    const cpu = on.reduce((n, t) => n + t.quota.cpu, 0);
    const gpus = clusterSpecHasGpus(cluster) ? on.reduce((n, t) => n + t.quota.gpus, 0) : 0;
    const index = spec.clusters.indexOf(cluster);
    if (cpu > capacity.cpu) {
      err(`clusters[${index}]`, `the teams' CPU quotas on batch cluster '${cluster.name}' add up to ${cpu} (${on.map((t) => `${t.name} ${t.quota.cpu}`).join(', ')}), more than its pools hold at most (${capacity.cpu} vCPU); lower the quotas or raise the pools' maxNodes`);
    }
    if (gpus > capacity.gpus) {
      err(`clusters[${index}]`, `the teams' GPU quotas on batch cluster '${cluster.name}' add up to ${gpus} (${on.map((t) => `${t.name} ${t.quota.gpus}`).join(', ')}), more than its pools hold at most (${capacity.gpus} GPUs); lower the quotas or raise the GPU pools' maxNodes`);
    }
  }
}
