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
 *   - `serving: invoke` → `grantInvoke`; `serving: deploy` → `grantDeploy` (which implies invoke):
 *     its own SageMaker models and endpoints `<platform>-team-<name>-*` (IAM), Vertex AI User
 *     (Google), or InferenceServices in its namespace on KServe's cluster, bound to its service
 *     account and members;
 *   - `pipelines: submit` → `grantSubmit` (on existing clusters, which authenticate no cloud
 *     identity, Argo's `grantSubmitToServiceAccount` for the team's service account when Argo
 *     runs on one of the team's clusters);
 *   - `streaming: { produce, consume }` → `grantProduce` / `grantConsume` per topic, to the cloud
 *     identity where the brokers authorize one (MSK, Managed Kafka) and to a Kafka user named
 *     after the team's namespace where they authorize Kafka users (Strimzi);
 *   - `registry.push: [repo, …]` → `grantPush(pusher, repos)`, to the principal the registry
 *     authorizes: the cloud identity for ECR (push on exactly those repositories) and Artifact
 *     Registry (the writer role on the platform's repository); the team's service account in its
 *     namespace on its clusters for Harbor (built, always the case on existing clusters), whose
 *     project robot's login goes there as the `harbor-push` Secret (project-wide: synth warns).
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
import type { IRegistry, RegistryPusher } from '../components/registry/contract';
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
    if (access.serving === 'invoke') {
      if (identity) serving.grantInvoke(identity);
    } else {
      const { teamMemberSubjects } = require('./access-members') as typeof Members;
      const { teamNamespaceResource } = require('./access-identity') as typeof Identity;
      serving.grantDeploy({
        namespace: team.namespace,
        serviceAccount: TEAM_SERVICE_ACCOUNT,
        ...(identity ? { identity } : {}),
        subjects: teamMemberSubjects(platform.plan.spec.cloud, team),
        clusters: team.clusters.map((c) => c.cluster),
        namespaceResourceOn: (cluster) => teamNamespaceResource(platform.addonsStacks[cluster]!, team.namespace),
      });
    }
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
    const pusher = registryPusher(registry, team, identity);
    if (!pusher) {
      throw new PlatformValidationError(`team '${team.name}': ${registry.product} authorizes ${registry.authentication} pushers, and the team has no such identity`, platform);
    }
    registry.grantPush(pusher, access.registry.push);
  }
}

/**
 * Who the registry grants push to: the team's cloud identity where it authorizes one (ECR: an IAM
 * role, Artifact Registry: a Google service account), the team's service account in its namespace
 * on its clusters where it authorizes those (Harbor, whose robot's login goes there).
 */
export function registryPusher(
  registry: Pick<IRegistry, 'authentication'>,
  team: Pick<TeamPlan, 'namespace' | 'clusters'>,
  identity: WorkloadIdentity | undefined,
): RegistryPusher | undefined {
  switch (registry.authentication) {
    case 'aws-iam':
      return identity?.kind === 'aws-iam-role' ? identity : undefined;
    case 'google-iam':
      return identity?.kind === 'gcp-service-account' ? identity : undefined;
    default:
      return { kind: 'kubernetes-service-account', name: TEAM_SERVICE_ACCOUNT, namespace: team.namespace, clusters: team.clusters.map((c) => c.cluster) };
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
