/**
 * What every platform component shares: the contract's common part, the props every
 * implementation takes, and how an implementation places its resources in the right stacks.
 *
 * A component is one contract (`IRegistry`, `IMonitoring`, …) with three implementations —
 * `build` (open source on the platform's clusters), `buy-aws` and `buy-gcp` (the cloud's managed
 * service) — chosen by `components.<component>.mode` and the platform's cloud. Consumers program
 * against the contract only, so switching the mode changes the implementation and nothing that
 * consumes it.
 *
 * Where resources go: cloud-side resources (buckets, repositories, workspaces, roles) in the
 * `<name>-services` stack, which has the cloud provider only; in-cluster resources in the add-ons
 * stack of the cluster they run on, which has the Kubernetes and Helm providers only. Inside each
 * stack a component keeps its resources under one scope named after it (`Registry`,
 * `Monitoring`), so its resources are recognisable by construct path in every stack.
 */
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import type { IKubernetesCluster, ScrapeTarget } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
import { TerraformOutput, type ITerraformDependable } from '../core/cdk';
import type { z } from 'zod';
import { componentCluster, implementationOf, type PlatformContext } from '../../plan';
import type { ComponentMode, Implementation } from '../../plan';
import { COMPONENTS, type ComponentName, type ComponentSpec, type ComponentSpecInput, type Flavour } from '../../schema/schema';
import { validatePart } from '../../schema/props';
import { fromZodIssues } from '../../schema/zod-issues';
import type { SpecIssue } from '../../schema/issues';
import { platformOf } from '../core/stack';
import { validProps } from '../core/errors';
import { componentScopeId } from '../core/component-scope';

export type { ComponentMode, Implementation } from '../../plan';

/** What every component contract carries. */
export interface IPlatformComponent extends IConstruct {
  /** Which component this is (one of Loom's seven, or a custom component's name). */
  readonly componentName: ComponentName | (string & {});
  /** build (open source on the clusters) or buy (the cloud's managed service). */
  readonly mode: ComponentMode;
  /** The implementation chosen for the mode and cloud. */
  readonly implementation: Implementation;
  /** The product behind it, e.g. `harbor`, `ecr`, `amazon-managed-prometheus`. */
  readonly product: string;
}

/** A metrics endpoint a component exposes on one of the platform's clusters. */
export interface ComponentScrapeTarget {
  /** The cluster the component's pods run on. */
  readonly cluster: IKubernetesCluster;
  /** The pods and port to scrape. */
  readonly target: ScrapeTarget;
}

/**
 * A component that exposes metrics (MLflow, Feast, …): the platform's monitoring scrapes each
 * target, whichever mode monitoring is in (`MlPlatform` hands them over after building it).
 */
export interface IScrapedComponent {
  /** What to scrape. */
  readonly scrapeTargets: readonly ComponentScrapeTarget[];
}

/** Whether `component` declares scrape targets. */
export function isScrapedComponent(component: object): component is IScrapedComponent {
  return Array.isArray((component as Partial<IScrapedComponent>).scrapeTargets);
}

/**
 * A cluster's add-ons stack as components see it: the cluster, the platform namespaces and the
 * priority classes. `AddonsStack` is one.
 */
export interface IClusterAddons extends IConstruct {
  /** The cluster the stack installs on. */
  readonly cluster: IKubernetesCluster;
  /**
   * The platform namespaces; `name` is a reference to the namespace, so users wait for it, and
   * `resource` is for what names the namespace literally (custom resources) and must wait too.
   */
  readonly namespaces: Readonly<
    Record<
      'system' | 'nodeAgents' | 'workloads',
      {
        /** The namespace's name, as a reference to the namespace. */
        readonly name: string;
        /**
         * The namespace resource, for what must wait for it without referencing its name.
         * @default none: what names the namespace waits for nothing
         */
        readonly resource?: ITerraformDependable;
      }
    >
  >;
  /** The flavour's priority classes. */
  readonly priorityClasses: {
    /** The name of class `name` as a reference to it; throws when the cluster's flavour has no such class. */
    nameOf(name: string): string;
  };
  /**
   * The cluster's `loom-platform` ConfigMap, for components whose pods read the platform's client
   * environment outside the workloads namespace.
   * @default none: such components get their consumers' environment inline
   */
  readonly platformConfig?: {
    /** The ConfigMap in `namespace` too (`key`: a stable name for the copy); what its readers wait for. */
    mirrorInto(key: string, namespace: string): ITerraformDependable;
  };
}

/**
 * The props every component implementation takes: the component as platform.yaml's
 * `components.<name>` has it, the clusters' add-ons stacks, and the services stack — never the
 * whole platform plan. The platform's settings come from those stacks (`platformOf`).
 */
export interface ComponentProps<S extends ComponentSpecInput = ComponentSpecInput> {
  /**
   * The component's settings (`mode`, `cluster` and its own options), validated by the same
   * schema and rules as in platform.yaml.
   */
  readonly spec: S;
  /** The add-ons stack of every cluster of the platform, in platform order; the component runs on one of them. */
  readonly clusters: readonly IClusterAddons[];
  /**
   * Where cloud-side resources go: the `<name>-services` stack (cloud provider only).
   * @default none: an implementation that needs it throws
   */
  readonly services?: Construct;
}

/** A component's props once validated: the spec with its defaults, and the cluster it runs on. */
export interface ResolvedComponentProps<S extends ComponentSpec = ComponentSpec> {
  /** Which component. */
  readonly name: string;
  /** The component's settings, validated, with their defaults. */
  readonly spec: S;
  /** The add-ons stack of the cluster it runs on (build), or whose consumers it serves. */
  readonly cluster?: IClusterAddons;
  /** The add-ons stack of every cluster, as given. */
  readonly clusters: readonly IClusterAddons[];
  /** The services stack, as given (absent when none was). */
  readonly services?: Construct;
  /** The platform's settings. */
  readonly platform: PlatformContext;
}

export { COMPONENT_SCOPE_IDS, componentScope } from '../core/component-scope';
import { componentScope } from '../core/component-scope';

/**
 * Validates a component's props as `components.<name>` of platform.yaml (the same schema and
 * rules, with the clusters given as the platform's clusters) and picks the cluster it runs on: the
 * named one, else the first whose flavour suits it (`flavours`, first the preferred one). Problems
 * are reported at `<services or first cluster stack>/<Component>: <prop path>: <message>`.
 */
export function resolveComponentProps<Schema extends z.ZodType<ComponentSpec>>(
  name: string,
  schema: Schema,
  props: ComponentProps<z.input<Schema> & ComponentSpecInput>,
  flavours: readonly Flavour[],
): ResolvedComponentProps<z.infer<Schema>> {
  const anchor = props.services ?? props.clusters[0];
  if (!anchor) throw new PlatformValidationError(`${name}: give the add-ons stacks of the platform's clusters (clusters) and, for cloud-side resources, the services stack`);
  const platform = platformOf(anchor);
  const clusterSpecs = props.clusters.map((a) => a.cluster.plan.spec);
  const network = props.clusters.map((a) => a.cluster.network).find((n) => n !== undefined);
  // A component Loom's schema does not know (a custom one) is checked by its own schema only.
  const known = (COMPONENTS as readonly string[]).includes(name);
  const validation = known
    ? validatePart(
        { ...platform.settings, ...(network ? { network: network.spec } : {}), clusters: clusterSpecs, components: { [name]: props.spec } },
        `components.${name}`,
        schema,
        props.spec,
      )
    : schemaOnly(schema, props.spec);
  const spec = validProps(anchor, validation, `${anchor.node.path}/${componentScopeId(name)}`);
  const cluster = pickCluster(props.clusters, spec.cluster, flavours);
  if (spec.cluster !== undefined && !cluster) {
    throw new PlatformValidationError(`${name} runs on cluster '${spec.cluster}', which is not among the clusters given (${props.clusters.map((a) => a.cluster.plan.name).join(', ')})`);
  }
  return { name, spec, ...(cluster ? { cluster } : {}), clusters: props.clusters, ...(props.services ? { services: props.services } : {}), platform };
}

/** How to build each implementation of a component; each is loaded only when chosen. */
export type ImplementationBuilders<S extends ComponentSpec, C> = Readonly<Record<Implementation, (props: ResolvedComponentProps<S>) => C>>;

/**
 * Builds a component through its contract: validates its props ({@link resolveComponentProps})
 * and calls the builder of the implementation its mode and the platform's cloud choose.
 */
export function buildComponent<Schema extends z.ZodType<ComponentSpec>, C>(
  name: string,
  schema: Schema,
  props: ComponentProps<z.input<Schema> & ComponentSpecInput>,
  flavours: readonly Flavour[],
  builders: ImplementationBuilders<z.infer<Schema>, C>,
): C {
  const resolved = resolveComponentProps(name, schema, props, flavours);
  return builders[implementationOf(resolved.spec.mode, resolved.platform.cloud)](resolved);
}

/** The cluster a component runs on: the named one, else the first whose flavour suits it ({@link componentCluster}'s rule). */
function pickCluster(clusters: readonly IClusterAddons[], named: string | undefined, flavours: readonly Flavour[]): IClusterAddons | undefined {
  const spec = componentCluster({ clusters: clusters.map((a) => a.cluster.plan.spec) }, flavours, named);
  return spec ? clusters.find((a) => a.cluster.plan.name === spec.name) : undefined;
}

function schemaOnly<S extends z.ZodType>(schema: S, input: unknown): { value?: z.infer<S>; errors: SpecIssue[]; warnings: SpecIssue[] } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { value: parsed.data, errors: [], warnings: [] };
  return { errors: fromZodIssues(parsed.error.issues, schema), warnings: [] };
}

/** The add-ons stack of the cluster the component runs on. */
export function componentClusterAddons(props: ResolvedComponentProps): IClusterAddons {
  if (!props.cluster) {
    throw new PlatformValidationError(`${props.name} needs a cluster to run on: none of the clusters given (${props.clusters.map((a) => a.cluster.plan.name).join(', ') || 'none'}) suits it; name one in cluster`);
  }
  return props.cluster;
}

/** The services stack, or a clear error when an implementation that needs it was given none. */
export function servicesScope(props: ResolvedComponentProps, what: string): Construct {
  if (!props.services) {
    throw new PlatformValidationError(`${props.name} (${what}) keeps resources in the services stack and needs it; pass services`);
  }
  return componentScope(props.services, props.name);
}

/** Labels that mark a component's resources: AWS tags, Kubernetes labels. */
export const componentTags = (component: string): Record<string, string> => ({ 'loom.dev/component': component });
/** Google Cloud labels take no dots or slashes. */
export const componentLabels = (component: string): Record<string, string> => ({ 'loom-component': component.toLowerCase() });

/**
 * A stack output of a component, named `name` in its stack (not path-derived), so pipelines can
 * read it with `terraform output <name>`.
 */
export function componentOutput(scope: Construct, name: string, value: string, description: string): TerraformOutput {
  const output = new TerraformOutput(scope, name, { value, description });
  output.overrideLogicalId(name);
  return output;
}
