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
import type { IKubernetesCluster } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
import { TerraformOutput, type ITerraformDependable } from '../core/cdk';
import type { ComponentPlan, PlatformPlan } from '../../plan';
import type { ComponentMode, Implementation } from '../../plan';
import type { ComponentName } from '../../schema/schema';

export type { ComponentMode, Implementation } from '../../plan';

/** What every component contract carries. */
export interface IPlatformComponent extends IConstruct {
  /** Which component this is. */
  readonly componentName: ComponentName;
  /** build (open source on the clusters) or buy (the cloud's managed service). */
  readonly mode: ComponentMode;
  /** The implementation chosen for the mode and cloud. */
  readonly implementation: Implementation;
  /** The product behind it, e.g. `harbor`, `ecr`, `amazon-managed-prometheus`. */
  readonly product: string;
}

/**
 * A cluster's add-ons stack as components see it: the cluster, the platform namespaces and the
 * priority classes. `AddonsStack` is one.
 */
export interface IClusterAddons extends IConstruct {
  readonly cluster: IKubernetesCluster;
  /**
   * The platform namespaces; `name` is a reference to the namespace, so users wait for it, and
   * `resource` is for what names the namespace literally (custom resources) and must wait too.
   */
  readonly namespaces: Readonly<Record<'system' | 'nodeAgents' | 'workloads', { readonly name: string; readonly resource?: ITerraformDependable }>>;
  readonly priorityClasses: { nameOf(name: string): string };
}

/** The props every component implementation takes. */
export interface ComponentProps {
  readonly plan: PlatformPlan;
  /** The component's plan: mode and the cluster it runs on. */
  readonly component: ComponentPlan;
  /** The add-ons stack of every cluster of the platform, in plan order. */
  readonly clusters: readonly IClusterAddons[];
  /**
   * Where cloud-side resources go: the `<name>-services` stack (cloud provider only).
   * @default none: an implementation that needs it throws
   */
  readonly services?: Construct;
}

export { COMPONENT_SCOPE_IDS, componentScope } from '../core/component-scope';
import { componentScope } from '../core/component-scope';

/** The add-ons stack of the cluster the component runs on. */
export function componentClusterAddons(props: ComponentProps): IClusterAddons {
  const name = props.component.cluster;
  const addons = props.clusters.find((a) => a.cluster.plan.name === name);
  if (!addons) {
    throw new PlatformValidationError(
      `${props.component.name} runs on cluster '${name ?? '(none)'}', which is not among the clusters given (${props.clusters.map((a) => a.cluster.plan.name).join(', ')})`,
    );
  }
  return addons;
}

/** The services stack, or a clear error when an implementation that needs it was given none. */
export function servicesScope(props: ComponentProps, what: string): Construct {
  if (!props.services) {
    throw new PlatformValidationError(`${props.component.name} (${what}) keeps resources in the cloud and needs the services stack; pass services`);
  }
  return componentScope(props.services, props.component.name);
}

/** Labels that mark a component's resources: AWS tags, Kubernetes labels. */
export const componentTags = (component: ComponentName): Record<string, string> => ({ 'loom.dev/component': component });
/** Google Cloud labels take no dots or slashes. */
export const componentLabels = (component: ComponentName): Record<string, string> => ({ 'loom-component': component.toLowerCase() });

/**
 * A stack output of a component, named `name` in its stack (not path-derived), so pipelines can
 * read it with `terraform output <name>`.
 */
export function componentOutput(scope: Construct, name: string, value: string, description: string): TerraformOutput {
  const output = new TerraformOutput(scope, name, { value, description });
  output.overrideLogicalId(name);
  return output;
}
