/**
 * `MlPlatform`: a whole ML platform from one description — the spec's type, whether it came from
 * platform.yaml or is written in TypeScript — composed of Loom's constructs, one cdktf stack per
 * lifecycle unit: network, one per cluster, services, one add-ons stack per cluster, wired by
 * passing objects (the network to the clusters, the clusters to their add-ons, the add-ons stacks
 * to the components), which cdktf turns into cross-stack references.
 *
 * Nothing is decided here that the constructs do not decide themselves: each validates its part
 * with the same schema and rules and resolves it with the same pure functions; this class only
 * maps the spec's keys to their props, in order.
 */
import { Construct } from 'constructs';
import { registryOptions, resolvePlan, resolvePlatformContext, stackNames, teamsOnCluster, type PlatformContext, type PlatformPlan } from '../plan';
import { settingsOf, type ComponentName, type ComponentSpecInput, type PlatformSpec, type PlatformSpecInput } from '../schema/schema';
import { validateSpec } from '../schema/load';
import { InvalidPropsError, PlatformValidationError } from '../constructs/core/errors';
import { LoomStack } from '../constructs/core/stack';
import { Annotations } from '../constructs/core/cdk';
import type { IKubernetesCluster } from '../constructs/core/contracts';
import { NetworkStack } from './network-stack';
import { ClusterStack } from './cluster-stack';
import { AddonsStack } from './addons-stack';
import { ServicesStack } from './services-stack';
import { isScrapedComponent, type IPlatformComponent } from '../constructs/components/contract';
import { buildOrder, PLATFORM_COMPONENTS, type ComponentDefinition } from '../constructs/components/table';
import type { IMonitoring } from '../constructs/components/monitoring/contract';
import type { IRegistry } from '../constructs/components/registry/contract';
import type { AddonDefinition, IAddon } from '../constructs/addons';
import type { GcpNetwork } from '../constructs/network/gcp-network';
import { teamSpaces } from '../constructs/teams/space';
import { teamAccess } from '../constructs/teams/access';

/** The components Loom synthesizes: the rows of the component table (all seven of platform.yaml). */
export const SYNTHESIZED_COMPONENTS: readonly string[] = PLATFORM_COMPONENTS.map((c) => c.name);

/**
 * A platform as platform.yaml describes it; `name` may be left out, the construct id is then the
 * platform's name.
 */
export type MlPlatformProps = Omit<PlatformSpecInput, 'name'> & {
  /**
   * The platform's name, which prefixes every stack and cloud resource.
   * @default the construct id
   */
  readonly name?: string;
};

/** Options of {@link MlPlatform.addStack}. */
export interface AddStackOptions {
  /**
   * Configure the platform's cloud provider (aws, gcp) in the stack.
   * @default false
   */
  readonly cloudProvider?: boolean;
}

/**
 * A whole ML platform from one spec: its network, cluster, services and add-ons stacks, created in
 * the App beside this construct, with the add-ons and components the spec asks for (see the module
 * comment).
 */
export class MlPlatform extends Construct {
  /** The validated spec, every default applied. */
  readonly spec: PlatformSpec;
  /** The resolved plan, for summaries (the constructs resolve their own parts with the same functions). */
  readonly plan: PlatformPlan;
  /** The platform's settings, as every stack of it carries them. */
  readonly platform: PlatformContext;
  /** The `<name>-network` stack (none on `cloud: kubernetes`). */
  readonly networkStack?: NetworkStack;
  /** One `<name>-cluster-<cluster>` stack per cluster, by cluster name (none on `cloud: kubernetes`). */
  readonly clusterStacks: Record<string, ClusterStack> = {};
  /** Every cluster, by name: the cluster stacks' clusters, or the existing clusters of the add-ons stacks. */
  readonly clusters: Record<string, IKubernetesCluster> = {};
  /** One `<name>-addons-<cluster>` stack per cluster, on every cloud. */
  readonly addonsStacks: Record<string, AddonsStack> = {};
  /** The components, by name, through their contracts. */
  readonly components: Record<string, IPlatformComponent> = {};
  private servicesStackOf?: ServicesStack;
  private readonly stackScope: Construct;

  /**
   * @param scope the cdktf App (the platform's stacks are created in it, beside this construct)
   * @param id the construct id, and the platform's name when `props.name` is not given
   * @param props the platform, as platform.yaml describes it (validated like it)
   */
  constructor(scope: Construct, id: string, props: MlPlatformProps) {
    super(scope, id);
    this.stackScope = scope;
    const result = validateSpec({ ...props, name: props.name ?? id });
    if (!result.ok) throw new InvalidPropsError(this.node.path, result.errors);
    for (const w of result.warnings) Annotations.of(this).addWarning(`${this.node.path}: ${w.path}: ${w.message}`);
    const spec = result.spec;
    this.spec = spec;
    this.plan = resolvePlan(spec);
    this.platform = resolvePlatformContext(settingsOf(spec));
    const platform = this.platform;
    const monitoringMode = spec.components.monitoring?.mode;

    if (spec.cloud !== 'kubernetes') {
      const networkStack = new NetworkStack(scope, stackNames.network(spec.name), { platform, network: spec.network ?? {} });
      this.networkStack = networkStack;
      // GKE nodes trust a built registry's CA from their first boot: the network holds it, before any cluster.
      if (spec.cloud === 'gcp' && spec.components.registry?.mode === 'build') {
        (networkStack.network as GcpNetwork).addRegistryCa(registryOptions(spec).hostname);
      }
      for (const cluster of spec.clusters) {
        const stack = new ClusterStack(scope, stackNames.cluster(spec.name, cluster.name), {
          platform,
          cluster,
          network: networkStack.network,
          ...(monitoringMode ? { monitoring: monitoringMode } : {}),
        });
        this.clusterStacks[cluster.name] = stack;
        this.clusters[cluster.name] = stack.cluster;
      }
    }
    // Add-ons go on every cluster: a cluster stack's cluster reaches its add-ons stack through
    // cross-stack references; an existing cluster is described inside its add-ons stack.
    for (const cluster of spec.clusters) {
      const addons = new AddonsStack(scope, stackNames.addons(spec.name, cluster.name), {
        platform,
        cluster: this.clusters[cluster.name] ?? cluster,
        teams: teamsOnCluster(this.plan.teams, cluster.name).map((share) => share.on),
      });
      this.addonsStacks[cluster.name] = addons;
      this.clusters[cluster.name] = addons.cluster;
    }

    // Components from the table, in its order (monitoring first: the others may hand it scrape
    // targets): cloud-side resources in the services stack, in-cluster ones in the add-ons stacks.
    const present = PLATFORM_COMPONENTS.filter((d) => spec.components[d.name as ComponentName]);
    for (const definition of buildOrder(present)) this.addComponent(definition, spec.components[definition.name as ComponentName]!);
    // The add-ons declare their metrics whatever the mode; scraping them is monitoring's (its
    // resources, its form), so that switching the mode changes monitoring's resources only.
    for (const addons of Object.values(this.addonsStacks)) {
      for (const target of addons.scrapeTargets) this.monitoring?.scrape(addons.cluster, target);
    }

    // Teams, after the components they are granted: their place on each cluster, then who acts there.
    for (const team of this.plan.teams) {
      teamSpaces(this, team);
      teamAccess(this, team);
    }
  }

  /** The monitoring component, through its contract, when the platform has one. */
  get monitoring(): IMonitoring | undefined {
    return this.components.monitoring as IMonitoring | undefined;
  }

  /** The registry component, through its contract, when the platform has one. */
  get registry(): IRegistry | undefined {
    return this.components.registry as IRegistry | undefined;
  }

  /**
   * `<name>-services`: where components keep their cloud-side resources (aws, gcp) and what
   * Terraform generates for them (built streaming's credentials, on `cloud: kubernetes` too), when
   * some component has any.
   */
  get servicesStack(): ServicesStack | undefined {
    return this.servicesStackOf;
  }

  /**
   * The services stack, created on first use (components with resources there, teams'
   * identities). Its cloud-side identities refer to the clusters, so it comes after every cluster
   * stack. On `cloud: kubernetes` it has no cloud provider and holds only what Terraform generates
   * (built streaming's credentials): only such components ask for it there.
   */
  useServicesStack(): ServicesStack {
    if (this.servicesStackOf) return this.servicesStackOf;
    const stack = new ServicesStack(this.stackScope, stackNames.services(this.spec.name), { platform: this.platform });
    for (const clusterStack of Object.values(this.clusterStacks)) stack.addDependency(clusterStack);
    this.servicesStackOf = stack;
    return stack;
  }

  /**
   * Adds a component through its contract: one of Loom's (a row of `PLATFORM_COMPONENTS`) or one of
   * your own with the same shape. Its props are `spec` (validated by its schema), every cluster's
   * add-ons stack and, when it keeps resources in the cloud or ones Terraform generates
   * ({@link ComponentDefinition.hasCloudSideResources}), the services stack; the components of its
   * `uses` already in the platform are handed to it (add those first).
   */
  addComponent<S extends ComponentSpecInput, C extends IPlatformComponent>(definition: ComponentDefinition<S, C>, spec: S): C {
    if (this.components[definition.name]) throw new PlatformValidationError(`component '${definition.name}' is already part of the platform`, this);
    const services = definition.hasCloudSideResources(spec.mode, this.spec.cloud) ? this.useServicesStack() : undefined;
    const used = Object.fromEntries((definition.uses ?? []).map((name) => [name, this.components[name]]));
    const component = definition.create(
      {
        spec,
        clusters: this.spec.clusters.map((c) => this.addonsStacks[c.name]!),
        ...(services ? { services } : {}),
      },
      used,
    );
    this.components[definition.name] = component;
    // Its metrics, scraped by the platform's monitoring (whatever its mode).
    if (isScrapedComponent(component)) {
      for (const { cluster, target } of component.scrapeTargets) this.monitoring?.scrape(cluster, target);
    }
    // Its client environment, in every cluster's loom-platform ConfigMap.
    if (definition.clientEnvironment) {
      for (const stack of Object.values(this.addonsStacks)) {
        stack.platformConfig.add({ name: definition.name, environment: () => definition.clientEnvironment!(component, stack.cluster) });
      }
    }
    return component;
  }

  /**
   * Installs an add-on of your own on every cluster it applies to, after Loom's; its metrics
   * endpoints are scraped by the platform's monitoring like Loom's add-ons'. Returns the installed
   * add-ons by cluster name.
   */
  addAddon(addon: AddonDefinition): Record<string, IAddon> {
    const out: Record<string, IAddon> = {};
    for (const [name, stack] of Object.entries(this.addonsStacks)) {
      const installed = stack.addAddon(addon);
      if (!installed) continue;
      out[name] = installed;
      for (const target of installed.scrapeTargets) this.monitoring?.scrape(stack.cluster, target);
    }
    return out;
  }

  /**
   * A stack of your own in the platform, `<name>-<id>`: it carries the platform's settings (its
   * constructs read them as Loom's do) and keeps its state beside the platform's.
   */
  addStack(id: string, options: AddStackOptions = {}): LoomStack {
    return new LoomStack(this.stackScope, `${this.spec.name}-${id}`, { platform: this.platform, cloudProvider: options.cloudProvider ?? false });
  }
}
