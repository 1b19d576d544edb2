/**
 * LOOM-ENC-005: databases are encrypted at rest and in transit. The metadata databases (MLflow,
 * Feast registry, pipelines) and the offline feature store hold credentials, lineage and training
 * data: their storage is encrypted with a customer key, their server refuses plain connections, and
 * Performance Insights (which records query text) uses the customer key too.
 *
 * RDS enforces TLS through the parameter group: `rds.force_ssl` (PostgreSQL, SQL Server) or
 * `require_secure_transport` (MySQL, MariaDB). RDS for PostgreSQL 15 and later defaults
 * `rds.force_ssl` to 1; earlier versions, Aurora PostgreSQL and the other engines default to off.
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, flag, list, text } from '../../values';
import { cmkRequired, hasKey } from './common';

const TLS_MODES = new Set(['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED']);

/** The TLS-enforcing parameter of an engine, and whether the engine's default enforces it. */
function tlsParameter(engine: string, version: string | undefined): { name: string; on: (v: string) => boolean; defaultOn: boolean } | undefined {
  if (engine === 'postgres') {
    const major = version === undefined ? Infinity : Number(/^(\d+)/.exec(version)?.[1] ?? NaN);
    return { name: 'rds.force_ssl', on: (v) => v === '1', defaultOn: Number.isNaN(major) ? false : major >= 15 };
  }
  if (engine === 'aurora-postgresql' || engine.startsWith('sqlserver')) return { name: 'rds.force_ssl', on: (v) => v === '1', defaultOn: false };
  if (engine === 'mysql' || engine === 'mariadb' || engine === 'aurora-mysql' || engine === 'aurora')
    return { name: 'require_secure_transport', on: (v) => ['1', 'on', 'true'].includes(v.toLowerCase()), defaultOn: false };
  return undefined;
}

/** LOOM-ENC-005: RDS storage encrypted with a customer key, TLS forced by the parameter group, Performance Insights on a customer key; Cloud SQL TLS-only (CMEK in regulated). */
export const ENC_005: PolicyRule = {
  id: 'LOOM-ENC-005',
  area: 'ENC',
  title: 'Databases are encrypted at rest and in transit',
  severity: { baseline: 'HIGH' },
  rationale: 'Metadata and offline feature databases hold credentials, lineage and training data: unencrypted storage or snapshots, plain-text connections, or query text in Performance Insights under a provider key all expose them.',
  fix: "Loom's RDS PostgreSQL (constructs/stores/postgres/rds-postgres.ts) creates a KMS key, storage_encrypted, a parameter group with rds.force_ssl = 1 and Performance Insights on the same key; Cloud SQL sets ip_configuration.ssl_mode = ENCRYPTED_ONLY. For hand-written databases set the same; in the regulated pack (policies.packs) give Cloud SQL an encryption_key_name.",
  anchors: ['AwsSolutions-RDS2', 'HIPAA.Security-RDSStorageEncrypted', 'CKV_AWS_16', 'CKV_AWS_96', 'CKV_AWS_327', 'CKV_AWS_354', 'CKV2_AWS_69', 'AVD-AWS-0079', 'AVD-AWS-0080', 'AVD-AWS-0078', 'CKV_GCP_6', 'AVD-GCP-0015'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];

    /** Storage encryption, the customer key, TLS via the parameter group, Performance Insights. */
    const rds = (r: SynthResource, groupAttr: string, groupTypes: string[]) => {
      // storage_encrypted defaults to false (Aurora Serverless v1 is always encrypted).
      const serverlessV1 = text(r.values, 'engine_mode') === 'serverless';
      const encrypted = flag(r.values, 'storage_encrypted') ?? serverlessV1;
      if (encrypted === 'unknown') out.push({ resource: r, message: 'storage_encrypted is a reference, decided at apply time', unknown: true });
      else if (!encrypted) out.push({ resource: r, message: `storage_encrypted is ${encrypted === false && r.values.storage_encrypted !== undefined ? 'false' : 'absent (false, the default)'}: storage and snapshots are unencrypted`, detail: 'StorageEncrypted' });
      else if (!hasKey(r.values.kms_key_id)) out.push({ resource: r, message: 'storage_encrypted without kms_key_id: the AWS-managed aws/rds key is used, not a customer-managed key', detail: 'CMK' });

      const pi = flag(r.values, 'performance_insights_enabled');
      if (pi === true && !hasKey(r.values.performance_insights_kms_key_id)) out.push({ resource: r, message: 'Performance Insights without performance_insights_kms_key_id: query text is kept under the AWS-managed key', detail: 'PerformanceInsightsCMK' });
      else if (pi === 'unknown' && !hasKey(r.values.performance_insights_kms_key_id)) out.push({ resource: r, message: 'performance_insights_enabled is a reference, decided at apply time', unknown: true });

      const engine = text(r.values, 'engine');
      const version = text(r.values, 'engine_version');
      if (engine === 'unknown' || version === 'unknown') {
        out.push({ resource: r, message: 'engine or engine_version is a reference, decided at apply time', unknown: true });
        return;
      }
      // Instances restored or replicated from another database carry no engine of their own.
      if (engine === undefined) return;
      const param = tlsParameter(engine, version);
      if (!param) {
        out.push({ resource: r, message: `engine ${engine}: TLS enforcement is not read by this rule (an option group or engine setting)`, unknown: true });
        return;
      }
      const groupName = r.values[groupAttr];
      let value: string | undefined | 'unknown';
      if (groupName !== undefined) {
        const literal = typeof groupName === 'string' && !groupName.includes('${') ? groupName : undefined;
        const group = ctx.resolve(r, groupName) ?? (literal !== undefined ? ctx.resources(...groupTypes).find((g) => g.stack === r.stack && g.values.name === literal) : undefined);
        if (group) {
          const entry = list(group.values, 'parameter').find((p) => attr(p, 'name') === param.name);
          value = entry === undefined ? undefined : text(entry, 'value');
        } else if (!literal?.startsWith('default.')) value = 'unknown'; // a group declared elsewhere cannot be read; `default.*` groups take the engine default
      }
      if (value === 'unknown') out.push({ resource: r, message: `the parameter group's ${param.name} cannot be read at synth time`, unknown: true });
      else if (value === undefined ? !param.defaultOn : !param.on(value))
        out.push({ resource: r, message: `${param.name} is ${value ?? `not set (the ${engine}${version ? ` ${version}` : ''} default is off)`}: clients may connect without TLS`, detail: 'TLS' });
    };
    for (const r of ctx.resources('aws_db_instance')) rds(r, 'parameter_group_name', ['aws_db_parameter_group']);
    for (const r of ctx.resources('aws_rds_cluster')) rds(r, 'db_cluster_parameter_group_name', ['aws_rds_cluster_parameter_group']);

    for (const r of ctx.resources('google_sql_database_instance')) {
      // Default ssl_mode: ALLOW_UNENCRYPTED_AND_ENCRYPTED; the legacy require_ssl = true meant certificates required.
      const mode = text(r.values, 'settings.ip_configuration.ssl_mode');
      const legacy = flag(r.values, 'settings.ip_configuration.require_ssl');
      if (mode === 'unknown' || (mode === undefined && legacy === 'unknown')) out.push({ resource: r, message: 'ip_configuration.ssl_mode is a reference, decided at apply time', unknown: true });
      else if (!(mode ? TLS_MODES.has(mode) : legacy === true))
        out.push({ resource: r, message: `ip_configuration.ssl_mode is ${mode ?? 'absent (ALLOW_UNENCRYPTED_AND_ENCRYPTED, the default)'}: clients may connect without TLS`, detail: 'TLS' });
      if (cmkRequired(ctx) && !hasKey(r.values.encryption_key_name)) out.push({ resource: r, message: 'no encryption_key_name: data uses a Google-managed key (the regulated pack requires CMEK)', detail: 'CMK' });
    }
    return out;
  },
};
