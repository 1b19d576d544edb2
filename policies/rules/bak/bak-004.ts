/**
 * LOOM-BAK-004: backup plans cover the stateful volumes.
 *
 * - aws: every RDS instance (not Aurora members nor read replicas), RDS cluster, EFS file system
 *   and EBS volume is selected by an `aws_backup_selection` — by reference in `resources`, by an ARN
 *   pattern (`arn:aws:rds:*:*:db:*`, `*`), or by `selection_tag` / `condition.string_equals|like`
 *   on its tags, minus `not_resources` — and every `aws_backup_vault` has a customer-managed key
 *   (`kms_key_arn`; omitted, AWS Backup uses its AWS-managed key). Selections matched only
 *   approximately: resources or tags select, conditions then narrow.
 * - google: a GKE cluster with the Backup for GKE agent on
 *   (`addons_config.gke_backup_agent_config.enabled`, the platform's opt-in to GKE backups) has a
 *   `google_gke_backup_backup_plan` for it.
 *
 * Volumes Kubernetes provisions dynamically (PersistentVolumeClaims) are not in the JSON and
 * cannot be judged here.
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attrs, flag, isObject, isReference, list } from '../../values';

/** What a selection's ARN patterns are matched against: service and resource part of each type. */
const ARN_OF: Readonly<Record<string, (r: SynthResource) => readonly [string, string]>> = {
  aws_db_instance: (r) => ['rds', `db:${typeof r.values.identifier === 'string' && !isReference(r.values.identifier) ? r.values.identifier : '\u0000'}`],
  aws_rds_cluster: (r) => ['rds', `cluster:${typeof r.values.cluster_identifier === 'string' && !isReference(r.values.cluster_identifier) ? r.values.cluster_identifier : '\u0000'}`],
  aws_efs_file_system: () => ['elasticfilesystem', 'file-system/\u0000'],
  aws_ebs_volume: () => ['ec2', 'volume/\u0000'],
};

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^\\u0000]*').replace(/\?/g, '[^\\u0000]')}$`);

/** Whether an ARN (pattern) selects a resource; identifiers not known at synth (`\u0000`) match only a wildcard. */
function arnSelects(pattern: string, r: SynthResource): boolean {
  if (pattern === '*') return true;
  const parts = pattern.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return false;
  const [service, resource] = ARN_OF[r.type]!(r);
  return glob(parts[2]!).test(service) && glob(parts.slice(5).join(':')).test(resource);
}

const tagsOf = (r: SynthResource): Record<string, unknown> => ({ ...(isObject(r.values.tags_all) ? r.values.tags_all : {}), ...(isObject(r.values.tags) ? r.values.tags : {}) });

/** LOOM-BAK-004 (MEDIUM). */
export const BAK_004: PolicyRule = {
  id: 'LOOM-BAK-004',
  area: 'BAK',
  title: 'Backup plans cover the stateful volumes',
  severity: { baseline: 'MEDIUM' },
  rationale:
    "A service's own backups live and die with the service's account and settings; a backup plan keeps independent, scheduled, retained copies in a vault under the platform's own key — what HIPAA and NIST ask to show for every database and volume.",
  fix: 'Add an aws_backup_plan with an aws_backup_selection covering the RDS instances, EFS file systems and EBS volumes (by resource or by a tag Loom sets, e.g. loom.dev/store) and an aws_backup_vault with kms_key_arn; on GKE, with the Backup for GKE agent on, add a google_gke_backup_backup_plan per cluster. Loom synthesizes neither today: write them in TypeScript next to the platform, or except the finding with the reason (e.g. RDS automated backups judged sufficient).',
  anchors: ['HIPAA.Security-RDSInBackupPlan', 'HIPAA.Security-EC2EBSInBackupPlan', 'HIPAA.Security-EFSInBackupPlan', 'CKV2_AWS_8', 'CKV2_AWS_9', 'CKV2_AWS_18', 'CKV_AWS_166'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];

    // AWS: what the selections cover.
    const stateful = ctx.resources('aws_db_instance', 'aws_rds_cluster', 'aws_efs_file_system', 'aws_ebs_volume').filter((r) => {
      if (r.type !== 'aws_db_instance') return true;
      const engine = r.values.engine;
      return !(typeof engine === 'string' && engine.startsWith('aurora')) && r.values.replicate_source_db === undefined;
    });
    const selections = ctx.resources('aws_backup_selection');
    for (const r of stateful) {
      let covered = false;
      let undecided = false;
      for (const s of selections) {
        const excluded = list(s.values, 'not_resources').some((e) => (isReference(e) ? ctx.resolve(s, e) === r : typeof e === 'string' && arnSelects(e, r)));
        if (excluded) continue;
        let selects = false;
        for (const e of list(s.values, 'resources')) {
          if (isReference(e)) {
            const target = ctx.resolve(s, e);
            if (target === r) selects = true;
            else if (!target) undecided = true;
          } else if (typeof e === 'string' && arnSelects(e, r)) selects = true;
        }
        const tags = tagsOf(r);
        for (const t of list(s.values, 'selection_tag').filter(isObject)) {
          if (isReference(t.key) || isReference(t.value)) undecided = true;
          else if (String(t.type ?? 'STRINGEQUALS') === 'STRINGEQUALS' && tags[String(t.key)] === t.value) selects = true;
        }
        if (!selects) continue;
        // Conditions narrow what resources and tags select: each must hold.
        const conditions = [
          ...attrs(s.values, 'condition.string_equals').map((c) => ['eq', c] as const),
          ...attrs(s.values, 'condition.string_like').map((c) => ['like', c] as const),
          ...attrs(s.values, 'condition.string_not_equals').map((c) => ['ne', c] as const),
          ...attrs(s.values, 'condition.string_not_like').map((c) => ['unlike', c] as const),
        ];
        let holds = true;
        for (const [op, c] of conditions) {
          if (!isObject(c)) continue;
          if (isReference(c.key) || isReference(c.value)) {
            undecided = true;
            holds = false;
            continue;
          }
          const v = tags[String(c.key).replace(/^aws:ResourceTag\//, '')];
          const value = typeof v === 'string' ? v : undefined;
          const like = value !== undefined && glob(String(c.value)).test(value);
          const ok = op === 'eq' ? value === c.value : op === 'ne' ? value !== c.value : op === 'like' ? like : !like;
          if (!ok) holds = false;
        }
        if (holds) covered = true;
      }
      if (covered) continue;
      if (undecided) out.push({ resource: r, message: 'a backup selection names resources or tags by references that cannot be followed: coverage decided at apply time', unknown: true });
      else out.push({ resource: r, message: `no aws_backup_selection covers this ${r.type.replace(/^aws_/, '')}: it is in no backup plan`, detail: 'BackupPlan' });
    }
    for (const v of ctx.resources('aws_backup_vault'))
      if (v.values.kms_key_arn === undefined) out.push({ resource: v, message: "no kms_key_arn: recovery points are encrypted with AWS Backup's AWS-managed key, not the platform's", detail: 'VaultCmk' });

    // GKE.
    const plans = ctx.resources('google_gke_backup_backup_plan');
    for (const c of ctx.resources('google_container_cluster')) {
      const agent = flag(c.values, 'addons_config.gke_backup_agent_config.enabled');
      if (agent === 'unknown') {
        out.push({ resource: c, message: 'addons_config.gke_backup_agent_config.enabled is a reference, decided at apply time', unknown: true });
        continue;
      }
      if (agent !== true) continue;
      let found = false;
      let undecided = false;
      for (const p of plans) {
        const ref = p.values.cluster;
        if (isReference(ref)) {
          const target = ctx.resolve(p, ref);
          if (target === c) found = true;
          else if (!target) undecided = true;
        } else if (typeof ref === 'string' && typeof c.values.name === 'string' && ref.endsWith(`/clusters/${c.values.name}`)) found = true;
      }
      if (found) continue;
      if (undecided) out.push({ resource: c, message: "a backup plan's cluster is a reference that cannot be followed", unknown: true });
      else out.push({ resource: c, message: 'the Backup for GKE agent is on but no google_gke_backup_backup_plan backs this cluster up', detail: 'BackupPlan' });
    }
    return out;
  },
};
