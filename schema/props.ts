/**
 * Validation of one part of a platform — the settings, the network, a cluster, a component — the
 * way `platform.yaml` is validated: the part is placed in a spec with the platform's settings, the
 * spec is validated once by the same schema and rules (`validateSpec`), and the problems under the
 * part's path are reported with that path removed. A construct given bad props therefore fails with
 * the message the YAML would give, at `<construct path>: <prop path>` — nothing is checked twice or
 * written twice.
 */
import type { z } from 'zod';
import { validateSpec } from './load';
import { canonical } from './load';
import type { SpecIssue } from './issues';
import { platformSettingsSchema, type PlatformSettings } from './schema';

/** What validating a part found. */
export interface PartValidation<T> {
  /** The part with every default applied, when it has no problem. */
  readonly value?: T;
  /** Problems of the part, paths relative to it (`nodePools[1].maxNodes`). */
  readonly errors: readonly SpecIssue[];
  /** Warnings about the part, paths relative to it; they do not stop it. */
  readonly warnings: readonly SpecIssue[];
}

/**
 * A cluster that stands in for the platform's clusters when a part other than a cluster is
 * validated: a spec lists at least one, and without one the rules would not run. Problems it
 * raises are not reported; it has the smallest address block (streaming, a /21), so that it never
 * makes a network look too small.
 */
const STAND_IN_CLUSTER = {
  /** A name no problem is reported under. */
  name: 'stand-in',
  /** Streaming: the smallest address block. */
  flavour: 'streaming',
} as const;

/** Keeps the issues under `prefix` (a spec path), relative to it. */
function under(issues: readonly SpecIssue[], prefix: string): SpecIssue[] {
  if (prefix === '') return [...issues];
  return issues.flatMap((i) => {
    if (i.path === prefix) return [{ path: '(root)', message: i.message }];
    if (i.path.startsWith(`${prefix}.`)) return [{ path: i.path.slice(prefix.length + 1), message: i.message }];
    if (i.path.startsWith(`${prefix}[`)) return [{ path: i.path.slice(prefix.length), message: i.message }];
    return [];
  });
}

/** Spec paths that belong to the settings (not to the network, clusters or components). */
const isSettingsPath = (path: string) => !/^(network|clusters|components|dataResidency|policies)\b/.test(path);

/** Validates platform settings (the spec's top-level keys but network, clusters and components). */
export function validateSettings(input: unknown): PartValidation<PlatformSettings> {
  const result = validateSpec({ ...(input as object), clusters: [STAND_IN_CLUSTER] });
  const errors = (result.ok ? [] : result.errors).filter((i) => isSettingsPath(i.path));
  const warnings = result.warnings.filter((i) => isSettingsPath(i.path));
  if (errors.length) return { errors, warnings };
  return { value: canonical(platformSettingsSchema.parse(input), platformSettingsSchema), errors, warnings };
}

/**
 * Validates one part of a platform: `spec` is a whole spec (settings plus the part) in which the
 * part sits at `path`; `schema` is the part's own schema, which gives the part its defaults.
 */
export function validatePart<S extends z.ZodType>(spec: Record<string, unknown>, path: string, schema: S, part: unknown): PartValidation<z.infer<S>> {
  const result = validateSpec(spec, { part: true });
  const errors = result.ok ? [] : under(result.errors, path);
  const warnings = under(result.warnings, path);
  if (errors.length) return { errors, warnings };
  return { value: canonical(schema.parse(part), schema) as z.infer<S>, errors, warnings };
}

/** A stand-in cluster list for validating parts other than clusters. */
export const standInClusters = () => [{ ...STAND_IN_CLUSTER }];
