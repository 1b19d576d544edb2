/**
 * Where a component's resources sit in any stack: one scope per component (`Registry/…`,
 * `Monitoring/…`), shared by every piece placed in that stack — by the component itself and by the
 * network and cluster constructs that hold a part of it (a registry's reserved addresses, GKE
 * nodes' trust in its CA) — so that switching a component's mode changes what is under its scope
 * only. Here in core, so that networks and clusters need not reach up into the components.
 */
import { Construct, type IConstruct } from 'constructs';
import type { ComponentName } from '../../schema/schema';

/** The construct id a component's resources are grouped under in every stack. */
export const COMPONENT_SCOPE_IDS: Readonly<Record<ComponentName, string>> = {
  registry: 'Registry',
  experimentTracking: 'ExperimentTracking',
  featureStore: 'FeatureStore',
  serving: 'Serving',
  monitoring: 'Monitoring',
  pipelines: 'Pipelines',
  streaming: 'Streaming',
};

/**
 * The scope for `component`'s resources in `stack`: created on first use, then shared by every
 * implementation piece placed in that stack.
 */
export function componentScope(stack: IConstruct, component: ComponentName | (string & {})): Construct {
  const id = componentScopeId(component);
  const existing = stack.node.tryFindChild(id);
  if (existing) return existing as Construct;
  return new Construct(stack, id);
}


/** The scope id of `component`: Loom's own from {@link COMPONENT_SCOPE_IDS}, a custom one's name in PascalCase. */
export function componentScopeId(component: string): string {
  return (COMPONENT_SCOPE_IDS as Record<string, string>)[component] ?? component.replace(/(^|[-_ ])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
