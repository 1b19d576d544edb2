/**
 * LOOM-RES-002: no copies leave the jurisdiction. With `dataResidency.allowedRegions` set, every
 * replica, replicated backup and cross-region copy goes to an allowed region:
 *
 * - aws: S3 replication destinations (the destination bucket's region), RDS automated-backup
 *   replication (made in its provider's region), DLM cross-region copy rules, ECR replication,
 *   AWS Backup copy actions (the destination vault's region), Secrets Manager replicas and
 *   DynamoDB global-table replicas;
 * - google: Secret Manager replicas (`user_managed.replicas[].location`; `auto` replication lets
 *   Google place copies anywhere, so it is a finding), GCS dual-region `data_locations`, and
 *   Artifact Registry remote and virtual repositories' upstream repositories.
 *
 * Where a copy's region cannot be read at synth (a bucket ARN, which carries no region; a
 * reference that cannot be followed) the finding is unknown. Without `allowedRegions`, silent.
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, attrs, isObject, isReference, list } from '../../values';
import { allowedPhrase, awsRegionOf, isAllowedLocation, locationInGoogleName, locationValue, regionOfArn } from './locations';

/** LOOM-RES-002 (HIGH). */
export const RES_002: PolicyRule = {
  id: 'LOOM-RES-002',
  area: 'RES',
  title: 'No copies leave the jurisdiction',
  severity: { baseline: 'HIGH' },
  rationale:
    'A replica or a backup copy is the data itself: a primary kept in an allowed region does not help when its replication, backup copy or secret replica lands in another jurisdiction.',
  fix: 'Point every replica and cross-region copy at a region in dataResidency.allowedRegions (or remove it); give Secret Manager secrets user_managed replication in allowed locations instead of auto.',
  anchors: ['CKV_AWS_144', 'CKV_AWS_245', 'CKV_AWS_253', 'CKV_AWS_254', 'CKV_AWS_255', 'CKV_AWS_256'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const allowed = ctx.settings.allowedRegions;
    if (allowed.length === 0) return [];
    const out: RuleFinding[] = [];
    const check = (r: SynthResource, what: string, value: string | 'unknown' | undefined) => {
      if (value === undefined) return;
      if (value === 'unknown') out.push({ resource: r, message: `${what} is not known at synth (a reference or an ARN without a region)`, unknown: true });
      else if (!isAllowedLocation(value, allowed)) out.push({ resource: r, message: `${what} '${value}' is not in ${allowedPhrase(allowed)}`, detail: `Location::${value}` });
    };
    /** A region written as a literal, an ARN or a reference to a resource (whose region is then its own). */
    const regionOf = (r: SynthResource, v: unknown): string | 'unknown' | undefined => {
      if (v === undefined || v === null) return undefined;
      if (isReference(v)) {
        const target = ctx.resolve(r, v);
        return target ? awsRegionOf(ctx, target) : 'unknown';
      }
      const s = String(v);
      return s.startsWith('arn:') ? (regionOfArn(s) ?? 'unknown') : s;
    };

    for (const r of ctx.resources('aws_s3_bucket_replication_configuration'))
      for (const rule of list(r.values, 'rule')) {
        const dest = attr(rule, 'destination.bucket');
        // Bucket ARNs carry no region: only the destination bucket resource tells it.
        if (dest !== undefined) check(r, 'replication destination bucket region', isReference(dest) ? regionOf(r, dest) : 'unknown');
      }
    for (const r of ctx.resources('aws_db_instance_automated_backups_replication')) check(r, 'automated backups replica region', awsRegionOf(ctx, r));
    for (const r of ctx.resources('aws_dlm_lifecycle_policy')) {
      for (const c of attrs(r.values, 'policy_details.schedule.cross_region_copy_rule')) if (isObject(c)) check(r, 'DLM cross-region copy target', regionOf(r, c.target ?? c.target_region));
      for (const c of attrs(r.values, 'policy_details.action.cross_region_copy')) if (isObject(c)) check(r, 'DLM cross-region copy target', regionOf(r, c.target));
    }
    for (const r of ctx.resources('aws_ecr_replication_configuration'))
      for (const d of attrs(r.values, 'replication_configuration.rule.destination')) if (isObject(d)) check(r, 'ECR replication destination region', regionOf(r, d.region));
    for (const r of ctx.resources('aws_backup_plan'))
      for (const c of attrs(r.values, 'rule.copy_action')) if (isObject(c)) check(r, 'backup copy destination vault region', regionOf(r, c.destination_vault_arn));
    for (const r of ctx.resources('aws_secretsmanager_secret')) for (const rep of list(r.values, 'replica')) if (isObject(rep)) check(r, 'secret replica region', regionOf(r, rep.region));
    for (const r of ctx.resources('aws_dynamodb_table')) for (const rep of list(r.values, 'replica')) if (isObject(rep)) check(r, 'table replica region', regionOf(r, rep.region_name));

    for (const r of ctx.resources('google_secret_manager_secret')) {
      const replication = attr(r.values, 'replication');
      if (isObject(replication) || (Array.isArray(replication) && replication.length)) {
        if (attr(r.values, 'replication.auto') !== undefined || attr(r.values, 'replication.automatic') !== undefined) {
          out.push({ resource: r, message: 'replication is auto: Google places the secret\'s replicas in locations of its choosing, outside ' + allowedPhrase(allowed), detail: 'AutoReplication' });
        }
        for (const rep of attrs(r.values, 'replication.user_managed.replicas')) if (isObject(rep)) check(r, 'secret replica location', locationValue(ctx, r, rep.location));
      }
    }
    for (const r of ctx.resources('google_storage_bucket'))
      for (const loc of attrs(r.values, 'custom_placement_config.data_locations')) check(r, 'dual-region data location', locationValue(ctx, r, loc));
    for (const r of ctx.resources('google_artifact_registry_repository')) {
      const upstreams = [
        ...attrs(r.values, 'virtual_repository_config.upstream_policies').map((p) => (isObject(p) ? p.repository : undefined)),
        attr(r.values, 'remote_repository_config.common_repository.uri'),
      ];
      for (const u of upstreams) {
        if (u === undefined || u === null) continue;
        if (isReference(u)) {
          const target = ctx.resolve(r, u);
          check(r, 'upstream repository location', target ? locationValue(ctx, target, target.values.location) : 'unknown');
        } else {
          const loc = locationInGoogleName(String(u));
          if (loc) check(r, 'upstream repository location', loc);
        }
      }
    }
    return out;
  },
};
