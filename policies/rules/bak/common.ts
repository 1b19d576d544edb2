/**
 * What the BAK rules share: whether the platform is held to prod (environment or pack) or to the
 * regulated pack, and the buckets that versioning, lifecycle and public-access resources attach
 * to (followed by reference, across stacks, or by bucket name).
 */
import type { PackSeverities, PolicySettings, RuleContext, SynthResource } from '../../types';
import { isReference } from '../../values';

/** Prod: `environment: prod`, or the prod pack in force. */
export const isProd = (s: PolicySettings) => s.environment === 'prod' || s.packs.includes('prod');

/** The regulated pack is in force. */
export const isRegulated = (s: PolicySettings) => s.packs.includes('regulated');

/**
 * A finding's severity for what Loom's dev profiles leave out on purpose (point-in-time recovery,
 * cache snapshots): a warning in dev, the rule's own severity (HIGH) in the regulated pack.
 */
export const DEV_WARNING: PackSeverities = { baseline: 'MEDIUM', regulated: 'HIGH' };

/** Companion resources (`aws_s3_bucket_versioning`, …) by the bucket they configure. */
export interface Attachments {
  /** The companions of each bucket. */
  readonly of: (bucket: SynthResource) => readonly SynthResource[];
  /** Companions whose bucket could not be told (an unresolved reference), by stack. */
  readonly unattributed: (stack: string) => boolean;
}

/**
 * Attaches every resource of `types` to the bucket its `bucket` attribute names: a reference
 * followed with `ctx.resolve` (cross-stack outputs included), or a literal bucket name.
 */
export function attachToBuckets(ctx: RuleContext, bucketType: 'aws_s3_bucket' | 'google_storage_bucket', ...types: string[]): Attachments {
  const nameKey = bucketType === 'aws_s3_bucket' ? 'bucket' : 'name';
  const byName = new Map<string, SynthResource>();
  for (const b of ctx.resources(bucketType)) {
    const n = b.values[nameKey];
    if (typeof n === 'string' && !isReference(n)) byName.set(n, b);
  }
  const map = new Map<SynthResource, SynthResource[]>();
  const lost = new Set<string>();
  for (const c of ctx.resources(...types)) {
    const ref = c.values.bucket;
    const target = isReference(ref) ? ctx.resolve(c, ref) : typeof ref === 'string' ? byName.get(ref) : undefined;
    if (target && target.type === bucketType) map.set(target, [...(map.get(target) ?? []), c]);
    else if (isReference(ref)) lost.add(c.stack);
  }
  return { of: (b) => map.get(b) ?? [], unattributed: (stack) => lost.has(stack) };
}
