/**
 * LOOM-BAK-001: data stores have backups, point-in-time recovery and failover.
 *
 * - RDS (`aws_db_instance`, not Aurora members nor read replicas; `aws_rds_cluster`): automated
 *   backups kept ≥1 day, ≥7 in prod and in the regulated pack (the API's maximum is 35; omitted,
 *   RDS keeps 1 day). Aurora MySQL without `backtrack_window` is a LOW finding.
 * - ElastiCache (`aws_elasticache_replication_group`; a Redis/Valkey `aws_elasticache_cluster`
 *   outside a group): `snapshot_retention_limit` ≥1, ≥15 in the regulated pack (omitted: 0, no
 *   snapshots); in prod `automatic_failover_enabled` and `multi_az_enabled` (omitted: false).
 * - Cloud SQL (primaries): `settings.backup_configuration.enabled` (omitted: false), and point-in-
 *   time recovery — `point_in_time_recovery_enabled` for PostgreSQL and SQL Server,
 *   `binary_log_enabled` for MySQL (omitted: false).
 * - Memorystore for Redis: `tier = STANDARD_HA` in prod (omitted: BASIC).
 * - CloudNativePG `Cluster`s (Loom's PostgreSQL on existing clusters): a `spec.backup` object store
 *   or a barman-cloud plugin — replicas are not backups.
 *
 * Loom's dev profiles keep no cache snapshots and no point-in-time recovery on purpose
 * (catalog/key-value.ts, catalog/databases.ts): those findings are warnings in dev (HIGH in the
 * regulated pack); backups switched off entirely stay HIGH everywhere.
 */
import type { PackSeverities, PolicyRule, RuleFinding, SynthResource } from '../../types';
import { kubernetesObjects } from '../../kubernetes';
import { attr, flag, isObject, list, num, text } from '../../values';
import { DEV_WARNING, isProd, isRegulated } from './common';

/** LOOM-BAK-001 (HIGH). */
export const BAK_001: PolicyRule = {
  id: 'LOOM-BAK-001',
  area: 'BAK',
  title: 'Data stores have backups, point-in-time recovery and failover',
  severity: { baseline: 'HIGH' },
  rationale:
    'A database without backups is one bad migration, deleted table or ransomware run away from permanent loss; without point-in-time recovery the loss is everything since the last snapshot; without failover one zone outage stops the platform.',
  fix: "Loom's stores follow environment (catalog/databases.ts, catalog/key-value.ts: prod keeps 14 days of backups with point-in-time recovery, Multi-AZ / REGIONAL / STANDARD_HA); for resources written in TypeScript set backup_retention_period ≥7 (RDS), snapshot_retention_limit ≥1 (≥15 regulated) with automatic_failover_enabled and multi_az_enabled (ElastiCache), settings.backup_configuration.enabled with point_in_time_recovery_enabled or binary_log_enabled (Cloud SQL), tier STANDARD_HA (Memorystore), spec.backup (CloudNativePG).",
  anchors: [
    'AwsSolutions-RDS13',
    'AwsSolutions-RDS14',
    'AwsSolutions-AEC4',
    'HIPAA.Security-RDSInstanceBackupEnabled',
    'HIPAA.Security-ElastiCacheRedisClusterAutomaticBackup',
    'CKV_AWS_133',
    'CKV_AWS_134',
    'CKV2_AWS_50',
    'AVD-AWS-0077',
    'AVD-AWS-0050',
    'CKV_GCP_14',
    'CKV2_GCP_20',
    'AVD-GCP-0024',
  ],
  providers: ['aws', 'google', 'kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const prod = isProd(ctx.settings);
    const regulated = isRegulated(ctx.settings);
    const dev = ctx.settings.environment === 'dev';
    const soft: { severity?: PackSeverities } = dev ? { severity: DEV_WARNING } : {};
    const unknown = (r: SynthResource, what: string): void => void out.push({ resource: r, message: `${what} is a reference, decided at apply time`, unknown: true });

    // RDS.
    const rdsMin = prod || regulated ? 7 : 1;
    const retention = (r: SynthResource, what: string): void => {
      const days = num(r.values, 'backup_retention_period') ?? 1; // RDS keeps 1 day when none is given.
      if (days === 'unknown') unknown(r, 'backup_retention_period');
      else if (days < rdsMin) {
        const why = days === 0 ? 'automated backups are off' : `${days} day(s) of automated backups`;
        out.push({ resource: r, message: `${what}: backup_retention_period is ${days} (${why}); at least ${rdsMin} required${rdsMin > 1 ? ' in prod and regulated' : ''}`, detail: 'BackupRetention' });
      }
    };
    for (const r of ctx.resources('aws_db_instance')) {
      const engine = text(r.values, 'engine');
      if (typeof engine === 'string' && engine.startsWith('aurora')) continue; // The cluster keeps the backups.
      if (r.values.replicate_source_db !== undefined) continue; // A read replica: its source keeps them.
      retention(r, 'RDS instance');
    }
    for (const r of ctx.resources('aws_rds_cluster')) {
      retention(r, 'RDS cluster');
      const engine = text(r.values, 'engine') ?? 'aurora';
      if (engine === 'aurora-mysql' || engine === 'aurora') {
        const window = num(r.values, 'backtrack_window');
        if (window === 'unknown') unknown(r, 'backtrack_window');
        else if (!window) out.push({ resource: r, message: 'Aurora MySQL without backtrack_window: an errant write can only be undone by a restore', detail: 'Backtrack', severity: { baseline: 'LOW' } });
      }
    }

    // ElastiCache.
    const snapshotMin = regulated ? 15 : 1;
    const snapshots = (r: SynthResource): void => {
      const days = num(r.values, 'snapshot_retention_limit') ?? 0;
      if (days === 'unknown') unknown(r, 'snapshot_retention_limit');
      else if (days < snapshotMin) out.push({ resource: r, message: `snapshot_retention_limit is ${days}${days === 0 ? ' (no automatic snapshots)' : ''}; at least ${snapshotMin} required${regulated ? ' in the regulated pack' : ''}`, detail: 'SnapshotRetention', ...(regulated ? {} : soft) });
    };
    for (const r of ctx.resources('aws_elasticache_replication_group')) {
      snapshots(r);
      if (!prod) continue;
      const failover = flag(r.values, 'automatic_failover_enabled') ?? false;
      const multiAz = flag(r.values, 'multi_az_enabled') ?? false;
      if (failover === 'unknown' || multiAz === 'unknown') unknown(r, 'automatic_failover_enabled / multi_az_enabled');
      else if (!failover || !multiAz) out.push({ resource: r, message: `in prod, automatic_failover_enabled (${failover}) and multi_az_enabled (${multiAz}) must both be true`, detail: 'Failover' });
    }
    for (const r of ctx.resources('aws_elasticache_cluster')) {
      if (r.values.replication_group_id !== undefined) continue; // A member: its group is checked.
      const engine = text(r.values, 'engine');
      if (engine === 'memcached') continue; // A cache without snapshots or persistence.
      snapshots(r);
      if (prod) out.push({ resource: r, message: 'a standalone cache cluster has no replica to fail over to; in prod use an aws_elasticache_replication_group with automatic failover and Multi-AZ', detail: 'Failover' });
    }

    // Cloud SQL.
    for (const r of ctx.resources('google_sql_database_instance')) {
      if (r.values.master_instance_name !== undefined) continue; // A read replica.
      const enabled = flag(r.values, 'settings.backup_configuration.enabled') ?? false;
      if (enabled === 'unknown') {
        unknown(r, 'settings.backup_configuration.enabled');
        continue;
      }
      if (!enabled) {
        out.push({ resource: r, message: 'settings.backup_configuration.enabled is not true: no automated backups', detail: 'Backups' });
        continue;
      }
      const version = String(text(r.values, 'database_version') ?? '');
      const key = version.startsWith('MYSQL') ? 'binary_log_enabled' : 'point_in_time_recovery_enabled';
      const pitr = flag(r.values, `settings.backup_configuration.${key}`) ?? false;
      if (pitr === 'unknown') unknown(r, `settings.backup_configuration.${key}`);
      else if (!pitr) out.push({ resource: r, message: `settings.backup_configuration.${key} is not true: no point-in-time recovery`, detail: 'PointInTimeRecovery', ...soft });
    }

    // Memorystore.
    if (prod)
      for (const r of ctx.resources('google_redis_instance')) {
        const tier = text(r.values, 'tier') ?? 'BASIC';
        if (tier === 'unknown') unknown(r, 'tier');
        else if (tier !== 'STANDARD_HA') out.push({ resource: r, message: `tier is ${tier}: in prod, STANDARD_HA (a replica in another zone with automatic failover)`, detail: 'Failover' });
      }

    // CloudNativePG.
    for (const o of kubernetesObjects(ctx)) {
      if (o.kind !== 'Cluster' || !String(o.object.apiVersion ?? '').startsWith('postgresql.cnpg.io/')) continue;
      const spec = isObject(o.object.spec) ? o.object.spec : {};
      const plugins = list(spec, 'plugins').filter(isObject);
      const barman = plugins.some((p) => /barman/.test(String(p.name ?? '')) && p.isWALArchiver !== false);
      if (attr(spec, 'backup') !== undefined || barman) continue;
      out.push({
        resource: o.source,
        message: `CloudNativePG Cluster ${o.namespace ? `${o.namespace}/` : ''}${o.name} has no spec.backup (nor a barman-cloud plugin): no base backups or WAL archive, only replicas of the same data`,
        detail: `Cluster::${o.name}`,
        ...soft,
      });
    }
    return out;
  },
};
