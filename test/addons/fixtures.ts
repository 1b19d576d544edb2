/**
 * Lookups over synthesized add-ons stacks: Helm releases by chart, custom resources (the objects in
 * the values of Loom's resources-chart releases) by kind.
 */
import { parse } from 'yaml';
import { CHARTS, type PinnedChart } from '../../catalog/charts';
import { resources, type StackJson } from '../helpers/synth';

/** A helm_release as synthesized, with its values parsed back from YAML. */
export interface SynthRelease {
  readonly name: string;
  readonly resource: Record<string, any>;
  readonly values: Record<string, any>;
}

/** Every helm_release of a stack. */
export function releases(stack: StackJson): SynthRelease[] {
  return Object.entries(resources(stack, 'helm_release')).map(([name, r]) => {
    const raw = (r.values as string[] | undefined) ?? [];
    const values = raw.reduce<Record<string, any>>((acc, doc) => ({ ...acc, ...((parse(doc) as Record<string, any>) ?? {}) }), {});
    return { name, resource: r as Record<string, any>, values };
  });
}

/** The chart names of a stack's releases, sorted. */
export function chartsOf(stack: StackJson): string[] {
  return releases(stack)
    .map((r) => String(r.resource.chart))
    .sort();
}

/** The single release of `chart` in a stack (throws unless exactly one). */
export function release(stack: StackJson, chart: string): SynthRelease {
  const found = releases(stack).filter((r) => r.resource.chart === chart);
  if (found.length !== 1) throw new Error(`expected one helm_release of chart ${chart}, found ${found.length}`);
  return found[0]!;
}

/** Whether a release installs Loom's own resources chart (`charts/loom-resources`, a stack asset). */
export function isLoomResourcesRelease(r: SynthRelease): boolean {
  return /^\.\/assets\/LoomResourcesChart\/[^/]+$/.test(String(r.resource.chart)) && r.resource.repository === undefined;
}

/** The releases of Loom's resources chart in a stack. */
export function customResourceReleases(stack: StackJson): SynthRelease[] {
  return releases(stack).filter(isLoomResourcesRelease);
}

/** The objects of every release of Loom's resources chart of a stack, optionally of one kind. */
export function customResources(stack: StackJson, kind?: string): Record<string, any>[] {
  return customResourceReleases(stack)
    .flatMap((r) => (r.values.resources ?? []) as Record<string, any>[])
    .filter((m) => kind === undefined || m.kind === kind);
}

/** The release of Loom's resources chart holding the object of `kind` named `name`. */
export function releaseOf(stack: StackJson, kind: string, name: string): SynthRelease {
  const found = customResourceReleases(stack).filter((r) => ((r.values.resources ?? []) as Record<string, any>[]).some((m) => m.kind === kind && m.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one release holding ${kind} ${name}, found ${found.length}`);
  return found[0]!;
}

/** The object of `kind` named `name` (in a release of Loom's resources chart). */
export function customResource(stack: StackJson, kind: string, name: string): Record<string, any> {
  const found = customResources(stack, kind).filter((m) => m.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} named ${name}, found ${found.length}`);
  return found[0]!;
}

/** The catalogue entry a release was installed from, by chart and repository. */
export function catalogueEntry(r: SynthRelease): PinnedChart | undefined {
  return Object.values(CHARTS).find((c) => c.chart === r.resource.chart && c.repository === r.resource.repository);
}

/** `${data.terraform_remote_state.<stack>.outputs.<output>}` → the producing stack and output. */
export function remoteRef(value: unknown): { stack: string; output: string } | undefined {
  const m = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([\w-]+)\.outputs\.([\w-]+)\}$/.exec(String(value));
  return m ? { stack: m[1]!, output: m[2]! } : undefined;
}

/** Resource types of a stack, sorted. */
export function resourceTypes(stack: StackJson): string[] {
  return Object.keys(stack.resource ?? {}).sort();
}
