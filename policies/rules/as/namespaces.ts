/**
 * Team namespaces and the objects that sit in them, shared by the AS rules: a team's namespace is
 * labelled `loom.dev/namespace-role: team` (the shared `loom-workloads` namespace is the
 * platform's, not a team's).
 */
import type { KubernetesObject } from '../../kubernetes';
import type { RuleContext } from '../../types';
import { attr, isObject, isReference } from '../../values';

/** Namespace roles that hold team workloads. */
const TEAM_ROLES = new Set(['team']);

/** Whether a Namespace object is a team namespace. */
export function isTeamNamespace(ns: KubernetesObject): boolean {
  if (ns.kind !== 'Namespace') return false;
  const labels = attr(ns.object, 'metadata.labels');
  return isObject(labels) && TEAM_ROLES.has(String(labels['loom.dev/namespace-role']));
}

/** Whether `o` sits in namespace `ns` (same stack; by name, or by a reference to the namespace's resource). */
export function inNamespace(ctx: RuleContext, o: KubernetesObject, ns: KubernetesObject): boolean {
  if (o.source.stack !== ns.source.stack || o.namespace === undefined) return false;
  if (isReference(o.namespace)) return ctx.resolve(o.source, o.namespace) === ns.source;
  return o.namespace === ns.name;
}
