/**
 * Who may act in a team's namespaces, and as what (see ./index.ts):
 *
 * - its members, bound to a namespaced edit role in its namespace on each of its clusters, never
 *   cluster-wide (./access-members.ts: EKS access entries with a namespace-scoped
 *   `AmazonEKSEditPolicy`, GKE and existing clusters a RoleBinding of `edit`);
 * - its workload identity: the service account `team-workloads` in its namespace on each of its
 *   clusters, acting as an IAM role (IRSA) or a Google service account (./access-identity.ts);
 * - the grants its `access` names, made by each component through its contract to that identity,
 *   so that they hold in build and in buy mode alike and move with a mode switch (each
 *   implementation places its grants in its own scope):
 *   - `experimentTracking: read|write` → `grantAccess(identity, read|write)`;
 *   - `featureStore: read|write` → `grantRead` / `grantWrite`;
 *   - `serving: invoke|deploy` → `grantInvoke` (deploying is Loom's, from `components.serving.endpoints`:
 *     the contract has no deploy grant, so `deploy` grants what `invoke` does);
 *   - `pipelines: submit` → `grantSubmit` (on existing clusters, which authenticate no cloud
 *     identity, Argo's `grantSubmitToServiceAccount` for the team's service account when Argo
 *     runs on one of the team's clusters);
 *   - `streaming: { produce, consume }` → `grantProduce` / `grantConsume` per topic, to the cloud
 *     identity where the brokers authorize one (MSK, Managed Kafka) and to a Kafka user named
 *     after the team's namespace where they authorize Kafka users (Strimzi);
 *   - `registry.push: [repo, …]` → `grantPush(identity, repos)`: ECR push on exactly those
 *     repositories, Artifact Registry's writer role on the platform's repository; a built
 *     registry (Harbor — always the case on existing clusters, which have no cloud identity)
 *     cannot grant push yet, which schema validation reports.
 *
 * The provider classes load only for a platform with teams (the modules are required lazily).
 */
import type { TeamPlan } from '../../plan';
import { Annotations } from '../core/cdk';
import { PlatformValidationError } from '../core/errors';
import type { IPlatformComponent } from '../components/contract';
import type { IExperimentTracking } from '../components/experiment-tracking/contract';
import type { IFeatureStore } from '../components/feature-store/contract';
import type { IServing } from '../components/serving/contract';
import type { IPipelines } from '../components/pipelines/contract';
import type { IRegistry } from '../components/registry/contract';
import type { IStreaming, StreamingPrincipal } from '../components/streaming/contract';
import type { WorkloadIdentity } from '../stores/contract';
import type { TeamPlatform } from './index';
import type * as Identity from './access-identity';
import type * as Members from './access-members';
import { TEAM_SERVICE_ACCOUNT } from '../../plan/teams';

/** Binds `team`'s members, gives it a workload identity, and has each component grant it its `access`. */
export function teamAccess(platform: TeamPlatform, team: TeamPlan): void {
  const { teamIdentity } = require('./access-identity') as typeof Identity;
  const { teamMembers } = require('./access-members') as typeof Members;
  teamMembers(platform, team);
  const { identity } = teamIdentity(platform, team);
  teamGrants(platform, team, identity);
}

/** The component `name` of the platform through its contract; a team's access to one it lacks is an error. */
function component<C extends IPlatformComponent>(platform: TeamPlatform, team: TeamPlan, name: string): C {
  const found = platform.components[name];
  if (!found) throw new PlatformValidationError(`team '${team.name}' is given access to ${name}, which the platform does not have; add components.${name} or remove teams[].access.${name}`, platform);
  return found as C;
}

/** Has each component `team`'s access names grant it to `identity` (undefined on existing clusters). */
function teamGrants(platform: TeamPlatform, team: TeamPlan, identity: WorkloadIdentity | undefined): void {
  const access = team.access;
  const warn = (message: string) => Annotations.of(platform).addWarning(`teams '${team.name}': ${message}`);

  // Built MLflow, Feast and KServe are reached through the network (their grants cover the cloud
  // stores behind them); on existing clusters there is no cloud identity to grant, and nothing to.
  if (access.experimentTracking) {
    const tracking = component<IExperimentTracking>(platform, team, 'experimentTracking');
    if (identity) tracking.grantAccess(identity, access.experimentTracking);
  }
  if (access.featureStore) {
    const store = component<IFeatureStore>(platform, team, 'featureStore');
    if (identity) {
      if (access.featureStore === 'write') store.grantWrite(identity);
      else store.grantRead(identity);
    }
  }
  if (access.serving) {
    const serving = component<IServing>(platform, team, 'serving');
    if (identity) serving.grantInvoke(identity);
  }
  if (access.pipelines) {
    const pipelines = component<IPipelines>(platform, team, 'pipelines');
    if (identity) pipelines.grantSubmit(identity);
    else submitAsServiceAccount(team, pipelines, warn);
  }
  if (access.streaming && (access.streaming.produce.length || access.streaming.consume.length)) {
    const streaming = component<IStreaming>(platform, team, 'streaming');
    // A Kafka user's credentials go to the team's namespace on its clusters (cloud identities are unchanged).
    const principal = (require('./access-identity') as typeof Identity).teamStreamingPrincipal(streamingPrincipal(streaming, team, identity), team);
    if (!principal) {
      warn(`streaming (${streaming.product}) authorizes ${streaming.authentication} clients, and the team has no such identity: no topic is granted`);
    } else {
      for (const topic of access.streaming.produce) streaming.grantProduce(principal, topic);
      for (const topic of access.streaming.consume) streaming.grantConsume(principal, topic);
    }
  }
  if (access.registry?.push.length) {
    const registry = component<IRegistry>(platform, team, 'registry');
    // Without a cloud identity (existing clusters) the registry is Harbor, which schema
    // validation already rejects for push; grantPush says why if reached anyway.
    if (identity) registry.grantPush(identity, access.registry.push);
    else {
      throw new PlatformValidationError(
        `team '${team.name}': pushing to ${registry.product} from a team without a cloud identity is not supported yet; push with the project's robot or use registry mode buy`,
        platform,
      );
    }
  }
}

/**
 * Who streaming grants to: the team's cloud identity where the brokers authenticate one (IAM,
 * Google), a Kafka user named after the team's namespace where they authenticate Kafka users
 * (Strimzi's SCRAM users; its credentials Secret is the component's to place).
 */
export function streamingPrincipal(streaming: Pick<IStreaming, 'authentication'>, team: Pick<TeamPlan, 'namespace'>, identity: WorkloadIdentity | undefined): StreamingPrincipal | undefined {
  switch (streaming.authentication) {
    case 'aws-iam':
      return identity?.kind === 'aws-iam-role' ? identity : undefined;
    case 'google-sasl':
      return identity?.kind === 'gcp-service-account' ? identity : undefined;
    default:
      return { kind: 'kubernetes-service-account', name: team.namespace };
  }
}

/** Existing clusters: Argo's own grant to the team's service account, on Argo's cluster when it is one of the team's. */
function submitAsServiceAccount(team: TeamPlan, pipelines: IPipelines, warn: (message: string) => void): void {
  const argo = pipelines as IPipelines & {
    grantSubmitToServiceAccount?(namespace: string, name: string): void;
    readonly cluster?: { readonly plan: { readonly name: string } };
  };
  const argoCluster = argo.cluster?.plan.name;
  if (argo.grantSubmitToServiceAccount && argoCluster && team.clusters.some((c) => c.cluster === argoCluster)) {
    argo.grantSubmitToServiceAccount(team.namespace, TEAM_SERVICE_ACCOUNT);
    return;
  }
  warn(
    `pipelines submit is not granted: the team's clusters (${team.clusters.map((c) => c.cluster).join(', ')}) authenticate no cloud identity, ` +
      `and ${pipelines.product}${argoCluster ? ` runs on cluster '${argoCluster}'` : ''}, where the team has no service account`,
  );
}
