/**
 * Synthesized stacks as the engine reads them: from a cdktf output directory (Loom's or any cdktf
 * app's: `stacks/<name>/cdk.tf.json`), or from JSON already in memory; and the {@link RuleContext}
 * over them — resources by type, references followed across stacks.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleContext, PolicySettings, SynthResource, SynthStack } from './types';
import { isObject, parseReference, referencedAddresses } from './values';

/** One stack's `cdk.tf.json`, read into a {@link SynthStack}. */
export function stackFromJson(name: string, json: unknown): SynthStack {
  const doc = isObject(json) ? json : {};
  const resources: SynthResource[] = [];
  const collect = (block: unknown, prefix: string) => {
    if (!isObject(block)) return;
    for (const [type, byName] of Object.entries(block)) {
      if (!isObject(byName)) continue;
      for (const [n, values] of Object.entries(byName)) {
        if (!isObject(values)) continue;
        const fullType = `${prefix}${type}`;
        const address = `${fullType}.${n}`;
        const meta = (values['//'] as { metadata?: { path?: string } } | undefined)?.metadata;
        resources.push({ stack: name, type: fullType, name: n, address, path: meta?.path ?? `${name}/${address}`, values });
      }
    }
  };
  collect(doc.resource, '');
  collect(doc.data, 'data.');
  const providers: Record<string, Record<string, unknown>[]> = {};
  if (isObject(doc.provider)) {
    for (const [p, blocks] of Object.entries(doc.provider)) providers[p] = (Array.isArray(blocks) ? blocks : [blocks]).filter(isObject);
  }
  const terraform = isObject(doc.terraform) ? doc.terraform : {};
  const backendBlock = isObject(terraform.backend) ? terraform.backend : undefined;
  const backendType = backendBlock ? Object.keys(backendBlock)[0] : undefined;
  const outputs: Record<string, unknown> = {};
  if (isObject(doc.output)) for (const [k, v] of Object.entries(doc.output)) outputs[k] = isObject(v) ? v.value : v;
  return {
    name,
    resources,
    providers,
    ...(backendType ? { backend: { type: backendType, config: (isObject(backendBlock![backendType]) ? backendBlock![backendType] : {}) as Record<string, unknown> } } : {}),
    outputs,
  };
}

/** A directory `loom synth` / `cdktf synth` wrote: every stack under `stacks/`. */
export function readSynthDirectory(dir: string): SynthStack[] {
  const stacksDir = join(dir, 'stacks');
  if (!existsSync(stacksDir)) throw new Error(`${dir}: not a synthesized directory (no stacks/ inside); run loom synth or cdktf synth first`);
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(stacksDir, d.name, 'cdk.tf.json')))
    .map((d) => d.name)
    .sort()
    .map((name) => stackFromJson(name, JSON.parse(readFileSync(join(stacksDir, name, 'cdk.tf.json'), 'utf8'))));
}

/** Cross-stack references as cdktf writes them: a remote state's output of another stack. */
const CROSS_STACK = /\$\{data\.terraform_remote_state\.cross-stack-reference-input-([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/;

/** The {@link RuleContext} over some stacks. */
export function ruleContext(stacks: readonly SynthStack[], settings: PolicySettings): RuleContext {
  const byType = new Map<string, SynthResource[]>();
  const byAddress = new Map<string, SynthResource>();
  const byStack = new Map(stacks.map((s) => [s.name, s]));
  for (const s of stacks)
    for (const r of s.resources) {
      byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
      byAddress.set(`${s.name} ${r.address}`, r);
    }
  const stackOf = (from: SynthResource | SynthStack | string): string => (typeof from === 'string' ? from : 'stack' in from ? from.stack : from.name);
  const resolve = (from: SynthResource | SynthStack | string, reference: unknown, depth = 0): SynthResource | undefined => {
    if (typeof reference !== 'string' || depth > 4) return undefined;
    const cross = CROSS_STACK.exec(reference);
    if (cross) {
      const other = byStack.get(cross[1]!);
      const value = other?.outputs[cross[2]!];
      return other ? resolve(other.name, value, depth + 1) : undefined;
    }
    const ref = parseReference(reference);
    return ref ? byAddress.get(`${stackOf(from)} ${ref.type}.${ref.name}`) : undefined;
  };
  const refs = new WeakMap<SynthResource, Set<string>>();
  const refsOf = (r: SynthResource) => {
    let set = refs.get(r);
    if (!set) refs.set(r, (set = referencedAddresses(r.values)));
    return set;
  };
  const referencing = (target: SynthResource, ...types: string[]): SynthResource[] => {
    const pool = types.length ? types.flatMap((t) => byType.get(t) ?? []) : (byStack.get(target.stack)?.resources ?? []);
    return pool.filter((r) => r.stack === target.stack && r !== target && refsOf(r).has(target.address));
  };
  return {
    stacks,
    settings,
    resources: (...types) => types.flatMap((t) => byType.get(t) ?? []),
    resolve: (from, reference) => resolve(from, reference),
    referencing,
    stack: (name) => byStack.get(name),
  };
}
