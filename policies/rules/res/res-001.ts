/**
 * LOOM-RES-001: everything sits in allowed locations. With `dataResidency.allowedRegions` set, the
 * region of every AWS and Google provider block (aliases included), every location-bearing
 * attribute of every AWS and Google resource, and the region of an AWS S3 state backend lie in an
 * allowed region (a zone counts as its region; a multi-region such as `EU`, or `global`, only when
 * listed). Without `allowedRegions` the platform has no residency constraint and the rule is silent.
 *
 * Not checked, deliberately: read-only "all regions" settings (CloudTrail `is_multi_region_trail`,
 * Config aggregators' `all_regions`), which collect metadata into the trail's own region — the
 * catalogue's note on CKV_AWS_67 / CKV_AWS_121. Copies to other regions are LOOM-RES-002's.
 */
import type { FindingLocation, PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attrs, isReference } from '../../values';
import { allowedPhrase, isAllowedLocation, locationValue } from './locations';

/** Top-level location attributes, by provider prefix. AWS `location` is left out: there it names other things (Direct Connect sites). */
const AWS_KEYS = ['region', 'availability_zone', 'availability_zones'];
const GOOGLE_KEYS = ['region', 'location', 'zone', 'node_locations', 'location_id', 'alternative_location_id'];
/** Nested location attributes of particular types. */
const NESTED: Readonly<Record<string, readonly string[]>> = {
  google_sql_database_instance: ['settings.location_preference.zone', 'settings.location_preference.secondary_zone'],
  google_compute_instance_template: ['scheduling.availability_domain'],
};

/** Provider blocks whose `region` (and, for Google, `zone`) sets the default location of every resource using them. */
const PROVIDERS: Readonly<Record<string, readonly string[]>> = { aws: ['region'], google: ['region', 'zone'], 'google-beta': ['region', 'zone'] };

/**
 * LOOM-RES-001 (CRITICAL). Not suppressible (`suppressible: false`): in prod, with residency
 * constrained (`dataResidency.allowedRegions` set — the catalogue's "strict" mode, the only one in
 * which the rule reports anything), no exception may silence it; the resource must move.
 */
export const RES_001: PolicyRule = {
  id: 'LOOM-RES-001',
  area: 'RES',
  title: 'Everything sits in allowed locations',
  severity: { baseline: 'CRITICAL' },
  rationale:
    'Data residency is a legal constraint, not a preference: one bucket, key ring or node pool created outside the allowed regions puts the platform out of compliance, whatever else it does right.',
  fix: "Keep the platform's `region` (and `state.region` for s3 state) inside dataResidency.allowedRegions, or add the region there if it is allowed; for a resource written in TypeScript, set its region/location/zone to an allowed region (zones of an allowed region are fine; multi-regions such as EU or US only when listed).",
  anchors: [],
  providers: ['aws', 'google', 'terraform'],
  suppressible: false,
  evaluate(ctx) {
    const allowed = ctx.settings.allowedRegions;
    if (allowed.length === 0) return [];
    const out: RuleFinding[] = [];
    const check = (resource: SynthResource | FindingLocation, what: string, value: string | 'unknown' | undefined) => {
      if (value === undefined) return;
      if (value === 'unknown') out.push({ resource, message: `${what} is a reference, decided at apply time`, unknown: true });
      else if (!isAllowedLocation(value, allowed)) out.push({ resource, message: `${what} '${value}' is not in ${allowedPhrase(allowed)}`, detail: `Location::${value}` });
    };

    for (const stack of ctx.stacks) {
      for (const [provider, keys] of Object.entries(PROVIDERS)) {
        for (const block of stack.providers[provider] ?? []) {
          const alias = typeof block.alias === 'string' ? block.alias : undefined;
          const where: FindingLocation = { stack: stack.name, path: `provider.${provider}`, ...(alias ? { address: `provider.${provider}.${alias}` } : {}) };
          for (const key of keys) {
            const v = block[key];
            if (v === undefined && provider === 'aws' && key === 'region') {
              out.push({ resource: where, message: 'the aws provider names no region: it takes AWS_REGION from the environment at apply time', unknown: true });
              continue;
            }
            check(where, `${key}`, v === undefined ? undefined : isReference(v) ? 'unknown' : String(v));
          }
        }
      }
      // An S3 state bucket on AWS (not an S3-compatible store of one's own): schema/rules.ts checks the spec's, this the synthesized backend.
      const backend = stack.backend;
      if (backend?.type === 's3') {
        const c = backend.config;
        const custom = c.endpoint !== undefined || (typeof c.endpoints === 'object' && c.endpoints !== null && 's3' in c.endpoints);
        if (!custom) {
          const where: FindingLocation = { stack: stack.name, path: 'terraform.backend' };
          if (c.region === undefined) out.push({ resource: where, message: 'the s3 backend names no region: it takes AWS_REGION from the environment', unknown: true });
          else check(where, "the state bucket's region", isReference(c.region) ? 'unknown' : String(c.region));
        }
      }
    }

    for (const stack of ctx.stacks)
      for (const r of stack.resources) {
        const keys = r.type.startsWith('aws_') ? AWS_KEYS : r.type.startsWith('google_') ? GOOGLE_KEYS : undefined;
        if (!keys) continue;
        for (const key of [...keys, ...(NESTED[r.type] ?? [])]) {
          for (const v of attrs(r.values, key)) check(r, key, locationValue(ctx, r, v));
        }
      }
    return out;
  },
};
