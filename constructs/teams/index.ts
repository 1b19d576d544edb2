/**
 * Teams onboarded onto the platform (`teams`): what each gets on each of its clusters — a
 * namespace with its quota, limits, network policies, the loom-platform ConfigMap and, on batch
 * clusters, its Kueue queues (`space.ts`) — and who may act there and as what (`access.ts`): its
 * members' RBAC, its workload identity, and the grants each component's contract makes to it.
 */
import type { Construct } from 'constructs';
import type { IKubernetesCluster } from '../core/contracts';
import type { PlatformPlan } from '../../plan';
import type { IPlatformComponent } from '../components/contract';
import type { AddonsStack } from '../../stacks/addons-stack';
import type { ServicesStack } from '../../stacks/services-stack';

/** What onboarding a team reads from the platform. */
export interface TeamPlatform extends Construct {
  /** The resolved plan (its `teams`). */
  readonly plan: PlatformPlan;
  /** Each cluster's add-ons stack, by cluster name (a team's objects go there). */
  readonly addonsStacks: Readonly<Record<string, AddonsStack>>;
  /** Each cluster, by name. */
  readonly clusters: Readonly<Record<string, IKubernetesCluster>>;
  /** The components, by name, through their contracts. */
  readonly components: Readonly<Record<string, IPlatformComponent>>;
  /** The services stack, where cloud-side identities go (aws, gcp). */
  readonly servicesStack?: ServicesStack;
  /** The services stack, created on first use (undefined on existing clusters). */
  useServicesStack(): ServicesStack | undefined;
}
