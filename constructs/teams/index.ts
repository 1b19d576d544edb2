/**
 * Teams onboarded onto the platform (`teams`): what each gets on each of its clusters — a
 * namespace with its quota, limits, network policies, the loom-platform ConfigMap and, on batch
 * clusters, its Kueue queues (`space.ts`) — and who may act there and as what (`access.ts`): its
 * members' RBAC, its workload identity, and the grants each component's contract makes to it.
 */
import type { Construct } from 'constructs';
import type { IKubernetesCluster } from '../core/contracts';
import type { ClusterPlan, TeamPlan } from '../../plan';
import type { ComponentName, PlatformSpec } from '../../schema/schema';
import type { IPlatformComponent } from '../components/contract';
import type { AddonsStack } from '../../stacks/addons-stack';
import type { ServicesStack } from '../../stacks/services-stack';

/** A component as onboarding reads it. */
export interface TeamComponentMode {
  /** build or buy. */
  readonly mode: 'build' | 'buy';
}

/** The spec as onboarding reads it: settings, clusters, and the components' modes. */
export interface TeamPlatformSpec extends Pick<PlatformSpec, 'name' | 'cloud' | 'gcpProject' | 'gkeSecurityGroup' | 'clusters'> {
  /** Which components the platform has, in which mode. */
  readonly components: Readonly<Partial<Record<ComponentName, TeamComponentMode>>>;
}

/** What of the resolved plan onboarding reads: the teams, the clusters' subnets, a few settings. */
export interface TeamPlatformPlan {
  /** The spec's settings, its clusters (their admins) and which components it has, in which mode. */
  readonly spec: TeamPlatformSpec;
  /** The clusters' names and node subnets. */
  readonly clusters: readonly Pick<ClusterPlan, 'name' | 'nodeSubnets'>[];
  /** The teams, resolved. */
  readonly teams: readonly TeamPlan[];
}

/** What onboarding a team reads from the platform (`MlPlatform` is one; `PlatformTeams` makes one). */
export interface TeamPlatform extends Construct {
  /** The resolved plan (its `teams`). */
  readonly plan: TeamPlatformPlan;
  /** Each cluster's add-ons stack, by cluster name (a team's objects go there). */
  readonly addonsStacks: Readonly<Record<string, AddonsStack>>;
  /** Each cluster, by name. */
  readonly clusters: Readonly<Record<string, IKubernetesCluster>>;
  /** The components, by name, through their contracts. */
  readonly components: Readonly<Record<string, IPlatformComponent>>;
  /** The services stack, where cloud-side identities go (aws, gcp). */
  readonly servicesStack?: ServicesStack;
  /** The services stack, created on first use (on existing clusters without a cloud provider: teams' cloud-side identities are aws and gcp only). */
  useServicesStack(): ServicesStack | undefined;
}
