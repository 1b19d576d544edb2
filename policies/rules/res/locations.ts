/**
 * What the RES rules share: whether a location (region, zone, multi-region) is inside
 * `dataResidency.allowedRegions`, the region an AWS resource is managed in (its own `region`, else
 * its provider's), and a location read through a reference when the reference can be followed.
 */
import type { RuleContext, SynthResource, SynthStack } from '../../types';
import { isReference, parseReference } from '../../values';

/** The region a zone belongs to (`us-central1-a` → `us-central1`, `us-east-1a` → `us-east-1`, `us-east-1-bos-1a` → `us-east-1`); a region stays itself. */
export function regionOfZone(location: string): string {
  const gcpZone = /^([a-z]+-[a-z]+\d+)-[a-z]$/.exec(location);
  if (gcpZone) return gcpZone[1]!;
  const awsZone = /^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)[a-z]$/.exec(location);
  if (awsZone) return awsZone[1]!;
  const awsLocalZone = /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)-[a-z0-9-]+$/.exec(location);
  if (awsLocalZone) return awsLocalZone[1]!;
  return location;
}

/**
 * Whether `location` lies inside the allowed regions: listed itself (case-insensitively: GCS
 * writes `US-CENTRAL1`, `EU`), or a zone of a listed region. A multi-region (`EU`, `US`, `NAM4`)
 * or `global` passes only when listed as such.
 */
export function isAllowedLocation(location: string, allowed: readonly string[]): boolean {
  const lower = allowed.map((a) => a.toLowerCase());
  const loc = location.toLowerCase();
  return lower.includes(loc) || lower.includes(regionOfZone(loc));
}

/** A location value as the rule can read it: a literal, `unknown` (a reference it cannot follow), or absent. */
export type LocationValue = string | 'unknown' | undefined;

/**
 * A literal location, or the attribute a reference points at when the reference can be followed to
 * a resource whose attribute is a literal (`${google_kms_key_ring.ring.location}`).
 */
export function locationValue(ctx: RuleContext, from: SynthResource, v: unknown): LocationValue {
  if (v === undefined || v === null) return undefined;
  if (!isReference(v)) return String(v);
  const ref = parseReference(v);
  const target = ctx.resolve(from, v);
  if (ref?.attribute && target && /^\$\{[^}]+\}$/.test(v.trim())) {
    const value = target.values[ref.attribute];
    if (typeof value === 'string' && !isReference(value)) return value;
  }
  return 'unknown';
}

/** The provider block a resource uses (`provider: "aws.replica"` → the block with alias `replica`), if the stack has it. */
export function providerBlockOf(stack: SynthStack | undefined, provider: string, alias?: string): Record<string, unknown> | undefined {
  const blocks = stack?.providers[provider] ?? [];
  return blocks.find((b) => (alias === undefined ? b.alias === undefined : b.alias === alias));
}

/**
 * The region an AWS resource is managed in: its own `region` argument (AWS provider 6), else its
 * provider's `region` (the aliased provider when it names one); `unknown` when either is a
 * reference or the provider takes its region from the environment (AWS_REGION).
 */
export function awsRegionOf(ctx: RuleContext, r: SynthResource): string | 'unknown' {
  const own = locationValue(ctx, r, r.values.region);
  if (own !== undefined) return own;
  const p = typeof r.values.provider === 'string' ? r.values.provider.replace(/^\$\{|\}$/g, '') : 'aws';
  const [name, alias] = p.split('.');
  const block = providerBlockOf(ctx.stack(r.stack), name ?? 'aws', alias);
  const region = block?.region;
  if (typeof region !== 'string' || isReference(region)) return 'unknown';
  return region;
}

/** The region inside an ARN (`arn:aws:backup:eu-west-1:123:backup-vault:v` → `eu-west-1`); undefined when it has none. */
export function regionOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts[3] ? parts[3] : undefined;
}

/** The `locations/<loc>` segment of a Google resource name, or the `<loc>-docker.pkg.dev` host of an Artifact Registry URL. */
export function locationInGoogleName(name: string): string | undefined {
  const m = /\/locations\/([^/]+)/.exec(name) ?? /(?:^|\/\/)([a-z0-9-]+)-(?:docker|maven|npm|python|apt|yum|go|kfp)\.pkg\.dev/.exec(name);
  return m?.[1];
}

/** `dataResidency.allowedRegions` as a phrase for messages. */
export const allowedPhrase = (allowed: readonly string[]) => `dataResidency.allowedRegions (${allowed.join(', ')})`;

