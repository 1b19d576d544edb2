/**
 * Specs and lookups shared by the component tests: the three-flavour platform on each cloud with
 * the components given, synthesized once per combination (synth is the slow part).
 */
import { parse } from 'yaml';
import { awsSpec } from '../aws/fixtures';
import { gcpPlatformSpec } from '../helpers/gcp';
import { onpremSpec } from '../kubernetes/fixtures';
import { synthSpec, type StackJson, type Synthesized } from '../helpers/synth';

export type Mode = 'build' | 'buy';
export type Cloud = 'aws' | 'gcp' | 'kubernetes';
export interface Modes {
  readonly registry?: Mode;
  readonly monitoring?: Mode;
  readonly experimentTracking?: Mode;
  readonly featureStore?: Mode;
}

/** The data centre's object store of the on-premises platforms (built components keep files there). */
export const ONPREM_OBJECT_STORAGE = { endpoint: 'https://s3.dc1.example.internal', bucket: 'ml-platform', credentialsSecret: 'object-storage-credentials' } as const;

/** The platform of `cloud` (prod; a GPU pool on the batch cluster) with `modes` as its components. */
export function platformSpec(cloud: Cloud, modes: Modes, extra: Record<string, any> = {}): Record<string, any> {
  const base = cloud === 'aws' ? awsSpec() : cloud === 'gcp' ? gcpPlatformSpec() : onpremSpec({ environment: 'prod' });
  const components: Record<string, any> = {};
  if (modes.registry) components.registry = { mode: modes.registry };
  if (modes.monitoring) components.monitoring = { mode: modes.monitoring };
  if (modes.experimentTracking) components.experimentTracking = { mode: modes.experimentTracking };
  if (modes.featureStore) components.featureStore = { mode: modes.featureStore };
  const needsObjectStorage = cloud === 'kubernetes' && (modes.experimentTracking === 'build' || modes.featureStore === 'build');
  return { ...base, components, ...(needsObjectStorage ? { objectStorage: { ...ONPREM_OBJECT_STORAGE } } : {}), ...extra };
}

const cache = new Map<string, Synthesized>();

/** Synthesizes `platformSpec(cloud, modes)` once per process; cleaned up by {@link cleanupSynths}. */
export function synthPlatform(cloud: Cloud, modes: Modes): Synthesized {
  const key = `${cloud}:${modes.registry ?? '-'}:${modes.monitoring ?? '-'}:${modes.experimentTracking ?? '-'}:${modes.featureStore ?? '-'}`;
  let out = cache.get(key);
  if (!out) {
    out = synthSpec(platformSpec(cloud, modes));
    cache.set(key, out);
  }
  return out;
}

export function cleanupSynths(): void {
  for (const out of cache.values()) out.cleanup();
  cache.clear();
}

/** A resource as found by type and Terraform name, with its construct path. */
export interface FoundResource {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly path: string;
  readonly body: Record<string, any>;
}

/** Every resource of every stack. */
export function allResources(stacks: Record<string, StackJson>): FoundResource[] {
  const found: FoundResource[] = [];
  for (const [stack, json] of Object.entries(stacks)) {
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const path = String((body as any)['//']?.metadata?.path ?? '');
        found.push({ stack, type, name, path, body: body as Record<string, any> });
      }
    }
  }
  return found;
}

/** The resources under the `scope` construct (e.g. `Registry`) of any stack. */
export function resourcesUnder(stacks: Record<string, StackJson>, scope: string): FoundResource[] {
  return allResources(stacks).filter((r) => r.path.split('/')[1] === scope);
}

/** The helm releases of a stack by release name. */
export function releases(stack: StackJson): Record<string, Record<string, any>> {
  const out: Record<string, Record<string, any>> = {};
  for (const body of Object.values(stack.resource?.helm_release ?? {})) out[String((body as any).name)] = body as Record<string, any>;
  return out;
}

/** A release's values document, parsed (Terraform interpolations stay strings inside it). */
export function valuesOf(release: Record<string, any>): Record<string, any> {
  const values = release.values as string[];
  if (!Array.isArray(values) || values.length !== 1) throw new Error(`expected one values document, got ${JSON.stringify(values)}`);
  // Components' releases render JSON, add-on releases (the stores' operators) YAML: YAML reads both.
  return parse(values[0]!) as Record<string, any>;
}

/** Resource types of a stack. */
export function typesOf(stack: StackJson): string[] {
  return Object.keys(stack.resource ?? {}).sort();
}

/**
 * Parses a JSON document Terraform will interpolate (policies with `${…}` inside keys and
 * values): each interpolation is rewritten as `<ref:…>` first, so the JSON parses.
 */
export function parseInterpolatedJson(text: string): any {
  return JSON.parse(text.replace(/\$\{[^}]*\}/g, (m) => `<ref:${m.slice(2, -1).replace(/"/g, "'")}>`));
}
