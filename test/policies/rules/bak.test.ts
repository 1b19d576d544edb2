/**
 * The BAK rules: per rule a non-compliant, a compliant, an attribute-omitted (the provider's
 * default) and, for value checks, an unresolved-reference fixture, asserting the exact findings;
 * then every example's exact findings (`exampleStacks`: synthesized without the policy gate, so
 * a genuine finding of any area is read, never thrown).
 */
import { describe, expect, it } from 'vitest';
import { checkPolicies } from '../../../policies/engine';
import { BAK_RULES } from '../../../policies/rules/bak';
import { BAK_001 } from '../../../policies/rules/bak/bak-001';
import { BAK_002 } from '../../../policies/rules/bak/bak-002';
import { BAK_003 } from '../../../policies/rules/bak/bak-003';
import { BAK_004 } from '../../../policies/rules/bak/bak-004';
import { BAK_005 } from '../../../policies/rules/bak/bak-005';
import { addresses, EXAMPLES, exampleStacks, fixtureStack, runRule, SETTINGS } from '../helpers';

const DEV = { environment: 'dev', packs: ['baseline'] } as const;
const STAGING = { environment: 'staging', packs: ['baseline'] } as const;
const REGULATED = { environment: 'prod', packs: ['baseline', 'prod', 'regulated'] } as const;


describe('the BAK area', () => {
  it('lists its rules in id order', () => {
    expect(BAK_RULES.map((r) => r.id)).toEqual(['LOOM-BAK-001', 'LOOM-BAK-002', 'LOOM-BAK-003', 'LOOM-BAK-004', 'LOOM-BAK-005']);
  });
});

describe('LOOM-BAK-001 data stores have backups, point-in-time recovery and failover', () => {
  const rds = (values: Record<string, unknown>) => fixtureStack('s', { aws_db_instance: { d: { engine: 'postgres', instance_class: 'db.m7g.large', ...values } } });
  const redis = (values: Record<string, unknown>) => fixtureStack('s', { aws_elasticache_replication_group: { c: { description: 'c', engine: 'valkey', ...values } } });
  const sql = (backup: Record<string, unknown> | undefined, version = 'POSTGRES_17') =>
    fixtureStack('g', { google_sql_database_instance: { i: { database_version: version, region: 'europe-west4', settings: { tier: 'db-custom-2-7680', ...(backup ? { backup_configuration: backup } : {}) } } } });
  const cnpg = (spec: Record<string, unknown>) =>
    fixtureStack('k', { kubernetes_manifest: { pg: { manifest: { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db', namespace: 'ml' }, spec: { instances: 3, ...spec } } } } });

  it('fails short RDS retention in prod, ElastiCache without snapshots or failover, Cloud SQL without backups or PITR, BASIC Memorystore, CNPG without backups', () => {
    expect(addresses(runRule(BAK_001, rds({ backup_retention_period: 3 })))).toEqual(['aws_db_instance.d [BackupRetention]']);
    expect(addresses(runRule(BAK_001, rds({ backup_retention_period: 0 }), STAGING))).toEqual(['aws_db_instance.d [BackupRetention]']);
    expect(addresses(runRule(BAK_001, redis({ snapshot_retention_limit: 0, automatic_failover_enabled: true, multi_az_enabled: false })))).toEqual(['aws_elasticache_replication_group.c [SnapshotRetention]', 'aws_elasticache_replication_group.c [Failover]']);
    expect(addresses(runRule(BAK_001, sql({ enabled: false })))).toEqual(['google_sql_database_instance.i [Backups]']);
    expect(addresses(runRule(BAK_001, sql({ enabled: true, binary_log_enabled: false }, 'MYSQL_8_0')))).toEqual(['google_sql_database_instance.i [PointInTimeRecovery]']);
    expect(addresses(runRule(BAK_001, fixtureStack('g', { google_redis_instance: { r: { name: 'r', memory_size_gb: 5, tier: 'BASIC' } } })))).toEqual(['google_redis_instance.r [Failover]']);
    expect(addresses(runRule(BAK_001, cnpg({})))).toEqual(['kubernetes_manifest.pg [Cluster::db]']);
    expect(addresses(runRule(BAK_001, fixtureStack('s', { aws_rds_cluster: { a: { engine: 'aurora-mysql', backup_retention_period: 14 } } })))).toEqual(['aws_rds_cluster.a [Backtrack]']);
  });

  it('raises the ElastiCache minimum to 15 days in the regulated pack', () => {
    const group = redis({ snapshot_retention_limit: 7, automatic_failover_enabled: true, multi_az_enabled: true });
    expect(runRule(BAK_001, group)).toEqual([]);
    expect(addresses(runRule(BAK_001, group, REGULATED))).toEqual(['aws_elasticache_replication_group.c [SnapshotRetention]']);
  });

  it("passes Loom's prod profile, and a dev RDS with one day", () => {
    expect(runRule(BAK_001, rds({ backup_retention_period: 14 }))).toEqual([]);
    expect(runRule(BAK_001, rds({ backup_retention_period: 1 }), DEV)).toEqual([]);
    expect(runRule(BAK_001, sql({ enabled: true, point_in_time_recovery_enabled: true }))).toEqual([]);
    expect(runRule(BAK_001, cnpg({ backup: { barmanObjectStore: { destinationPath: 's3://b/pg' } } }))).toEqual([]);
    expect(runRule(BAK_001, cnpg({ plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true }] }))).toEqual([]);
    expect(runRule(BAK_001, fixtureStack('s', { aws_db_instance: { r: { engine: 'postgres', replicate_source_db: 'primary' } } }))).toEqual([]);
  });

  it('omitted: RDS keeps 1 day (short in prod), ElastiCache keeps none and has no failover, Cloud SQL backs nothing up, Memorystore is BASIC', () => {
    expect(addresses(runRule(BAK_001, rds({})))).toEqual(['aws_db_instance.d [BackupRetention]']);
    expect(runRule(BAK_001, rds({}), DEV)).toEqual([]);
    expect(addresses(runRule(BAK_001, redis({})))).toEqual(['aws_elasticache_replication_group.c [SnapshotRetention]', 'aws_elasticache_replication_group.c [Failover]']);
    expect(addresses(runRule(BAK_001, sql(undefined)))).toEqual(['google_sql_database_instance.i [Backups]']);
    expect(addresses(runRule(BAK_001, fixtureStack('g', { google_redis_instance: { r: { name: 'r', memory_size_gb: 1 } } })))).toEqual(['google_redis_instance.r [Failover]']);
    expect(runRule(BAK_001, fixtureStack('g', { google_redis_instance: { r: { name: 'r', memory_size_gb: 1 } } }), DEV)).toEqual([]);
  });

  it("makes what Loom's dev profiles leave out on purpose a warning in dev", () => {
    const findings = runRule(BAK_001, redis({ snapshot_retention_limit: 0 }), DEV);
    expect(addresses(findings)).toEqual(['aws_elasticache_replication_group.c [SnapshotRetention]']);
    expect(findings[0]!.severity).toEqual({ baseline: 'MEDIUM', regulated: 'HIGH' });
    expect(runRule(BAK_001, sql({ enabled: false }), DEV)[0]!.severity).toBeUndefined();
  });

  it('reports references as unknown', () => {
    expect(addresses(runRule(BAK_001, rds({ backup_retention_period: '${var.days}' })))).toEqual(['aws_db_instance.d (unknown)']);
    expect(addresses(runRule(BAK_001, redis({ snapshot_retention_limit: 7, automatic_failover_enabled: '${var.ha}', multi_az_enabled: true })))).toEqual(['aws_elasticache_replication_group.c (unknown)']);
    expect(addresses(runRule(BAK_001, sql({ enabled: '${var.backups}' })))).toEqual(['google_sql_database_instance.i (unknown)']);
  });
});

describe('LOOM-BAK-002 artifact, model and dataset buckets keep versions and have lifecycle rules', () => {
  const s3 = (versioning?: Record<string, unknown>, lifecycle?: Record<string, unknown>[], bucket: Record<string, unknown> = { bucket_prefix: 'acme-data-' }) =>
    fixtureStack('s', {
      aws_s3_bucket: { b: bucket },
      ...(versioning ? { aws_s3_bucket_versioning: { v: { bucket: '${aws_s3_bucket.b.id}', versioning_configuration: versioning } } } : {}),
      ...(lifecycle ? { aws_s3_bucket_lifecycle_configuration: { l: { bucket: '${aws_s3_bucket.b.id}', rule: lifecycle } } } : {}),
    });
  const EXPIRE = [{ id: 'x', status: 'Enabled', filter: [{ prefix: '' }], noncurrent_version_expiration: [{ noncurrent_days: 90 }] }];
  const gcs = (values: Record<string, unknown>) => fixtureStack('g', { google_storage_bucket: { b: { name: 'b', location: 'EU', ...values } } });
  const GCS_RULE = [{ action: { type: 'Delete' }, condition: { days_since_noncurrent_time: 90, with_state: 'ARCHIVED' } }];

  it('fails suspended versioning, a lifecycle that does not expire non-current versions, and an unversioned GCS bucket', () => {
    expect(addresses(runRule(BAK_002, s3({ status: 'Suspended' }, EXPIRE)))).toEqual(['aws_s3_bucket.b [Versioning]']);
    expect(addresses(runRule(BAK_002, s3({ status: 'Enabled' }, [{ id: 'x', status: 'Enabled', expiration: [{ days: 30 }] }])))).toEqual(['aws_s3_bucket.b [Lifecycle]']);
    expect(addresses(runRule(BAK_002, s3({ status: 'Enabled' }, [{ ...EXPIRE[0], status: 'Disabled' }])))).toEqual(['aws_s3_bucket.b [Lifecycle]']);
    expect(addresses(runRule(BAK_002, gcs({ versioning: { enabled: false }, lifecycle_rule: GCS_RULE })))).toEqual(['google_storage_bucket.b [Versioning]']);
  });

  it('passes a versioned bucket expiring non-current versions (S3 and GCS)', () => {
    expect(runRule(BAK_002, s3({ status: 'Enabled' }, EXPIRE))).toEqual([]);
    expect(runRule(BAK_002, gcs({ versioning: { enabled: true }, lifecycle_rule: GCS_RULE }))).toEqual([]);
  });

  it('in the regulated pack, a model bucket needs Object Lock', () => {
    const model = { bucket_prefix: 'acme-mlflow-artifacts-', tags: { 'loom.dev/purpose': 'mlflow-artifacts' } };
    expect(addresses(runRule(BAK_002, s3({ status: 'Enabled' }, EXPIRE, model), REGULATED))).toEqual(['aws_s3_bucket.b [ObjectLock]']);
    expect(runRule(BAK_002, s3({ status: 'Enabled' }, EXPIRE, { ...model, object_lock_enabled: true }), REGULATED)).toEqual([]);
    expect(runRule(BAK_002, s3({ status: 'Enabled' }, EXPIRE, model))).toEqual([]);
  });

  it('omitted: a bare bucket keeps no versions and expires nothing', () => {
    expect(addresses(runRule(BAK_002, s3()))).toEqual(['aws_s3_bucket.b [Versioning]', 'aws_s3_bucket.b [Lifecycle]']);
    expect(addresses(runRule(BAK_002, gcs({})))).toEqual(['google_storage_bucket.b [Versioning]', 'google_storage_bucket.b [Lifecycle]']);
  });

  it('reports a status by reference, or a companion whose bucket cannot be followed, as unknown', () => {
    expect(addresses(runRule(BAK_002, s3({ status: '${var.versioning}' }, EXPIRE)))).toEqual(['aws_s3_bucket.b (unknown)']);
    const lost = fixtureStack('s', {
      aws_s3_bucket: { b: { bucket_prefix: 'x-' } },
      aws_s3_bucket_versioning: { v: { bucket: '${data.terraform_remote_state.other.outputs.bucket}', versioning_configuration: { status: 'Enabled' } } },
      aws_s3_bucket_lifecycle_configuration: { l: { bucket: '${aws_s3_bucket.b.id}', rule: EXPIRE } },
    });
    expect(addresses(runRule(BAK_002, lost))).toEqual(['aws_s3_bucket.b (unknown)']);
    expect(addresses(runRule(BAK_002, gcs({ versioning: { enabled: '${var.v}' }, lifecycle_rule: GCS_RULE })))).toEqual(['google_storage_bucket.b (unknown)']);
  });
});

describe('LOOM-BAK-003 the Terraform state backend is remote, encrypted, versioned and locked', () => {
  const withBackend = (backend: Record<string, unknown> | undefined, resources = {}) => fixtureStack('s', resources, backend ? { terraform: { backend } } : {});
  const S3 = { bucket: 'acme-tfstate', key: 'loom/s.tfstate', region: 'eu-west-1' };

  it('fails an unencrypted, unlocked s3 backend, and local state outside dev', () => {
    expect(addresses(runRule(BAK_003, withBackend({ s3: { ...S3, encrypt: false } })))).toEqual(['terraform.backend [Encrypt]', 'terraform.backend [Lock]']);
    expect(addresses(runRule(BAK_003, withBackend({ local: { path: 's.tfstate' } }), STAGING))).toEqual(['terraform.backend [Local]']);
  });

  it("passes Loom's s3 backend (encrypt, use_lockfile), a DynamoDB lock, gcs, and local state in dev", () => {
    expect(runRule(BAK_003, withBackend({ s3: { ...S3, encrypt: true, use_lockfile: true } }))).toEqual([]);
    expect(runRule(BAK_003, withBackend({ s3: { ...S3, encrypt: true, dynamodb_table: 'locks' } }))).toEqual([]);
    expect(runRule(BAK_003, withBackend({ gcs: { bucket: 'acme-tfstate', prefix: 'loom/s' } }))).toEqual([]);
    expect(runRule(BAK_003, withBackend({ local: { path: 's.tfstate' } }), DEV)).toEqual([]);
  });

  it('in the regulated pack, wants a customer-managed key on the state', () => {
    expect(addresses(runRule(BAK_003, withBackend({ s3: { ...S3, encrypt: true, use_lockfile: true } }), REGULATED))).toEqual(['terraform.backend [KmsKey]']);
    expect(runRule(BAK_003, withBackend({ s3: { ...S3, encrypt: true, use_lockfile: true, kms_key_id: 'arn:aws:kms:eu-west-1:1:key/k' } }), REGULATED)).toEqual([]);
  });

  it('checks the state bucket when it is declared in the stacks', () => {
    const bucket = { aws_s3_bucket: { st: { bucket: 'acme-tfstate' } }, aws_s3_bucket_versioning: { v: { bucket: '${aws_s3_bucket.st.id}', versioning_configuration: { status: 'Suspended' } } } };
    expect(addresses(runRule(BAK_003, withBackend({ s3: { ...S3, encrypt: true, use_lockfile: true } }, bucket)))).toEqual(['terraform.backend [Versioning]', 'terraform.backend [PublicAccess]']);
    const gcsBucket = { google_storage_bucket: { st: { name: 'acme-tfstate', location: 'EU', versioning: { enabled: true }, uniform_bucket_level_access: true, public_access_prevention: 'enforced' } } };
    expect(runRule(BAK_003, withBackend({ gcs: { bucket: 'acme-tfstate' } }, gcsBucket))).toEqual([]);
  });

  it('omitted: no backend is local state (Terraform’s default); an s3 backend without encrypt or a lock has neither', () => {
    expect(addresses(runRule(BAK_003, withBackend(undefined)))).toEqual(['terraform.backend [Local]']);
    expect(addresses(runRule(BAK_003, withBackend({ s3: S3 })))).toEqual(['terraform.backend [Encrypt]', 'terraform.backend [Lock]']);
  });

  it('reports settings it cannot read as unknown', () => {
    expect(addresses(runRule(BAK_003, withBackend({ s3: { ...S3, encrypt: '${var.encrypt}', use_lockfile: true } })))).toEqual(['terraform.backend (unknown)']);
  });
});

describe('LOOM-BAK-004 backup plans cover the stateful volumes', () => {
  const db = { aws_db_instance: { d: { engine: 'postgres', identifier: 'acme-mlflow', tags: { 'loom.dev/store': 'mlflow' } } } };
  const vault = { aws_backup_vault: { v: { name: 'v', kms_key_arn: '${aws_kms_key.k.arn}' } } };
  const selection = (values: Record<string, unknown>) => fixtureStack('s', { ...db, ...vault, aws_backup_selection: { s: { name: 's', plan_id: '${aws_backup_plan.p.id}', iam_role_arn: 'r', ...values } } });

  it('fails a database no selection covers, and a vault without a customer-managed key', () => {
    expect(addresses(runRule(BAK_004, fixtureStack('s', { ...db, aws_backup_vault: { v: { name: 'v' } } })))).toEqual(['aws_db_instance.d [BackupPlan]', 'aws_backup_vault.v [VaultCmk]']);
    expect(addresses(runRule(BAK_004, selection({ resources: ['arn:aws:elasticfilesystem:*:*:file-system/*'] })))).toEqual(['aws_db_instance.d [BackupPlan]']);
    expect(addresses(runRule(BAK_004, selection({ resources: ['*'], not_resources: ['${aws_db_instance.d.arn}'] })))).toEqual(['aws_db_instance.d [BackupPlan]']);
  });

  it('passes a database selected by reference, by ARN pattern, or by tag', () => {
    expect(runRule(BAK_004, selection({ resources: ['${aws_db_instance.d.arn}'] }))).toEqual([]);
    expect(runRule(BAK_004, selection({ resources: ['arn:aws:rds:*:*:db:*'] }))).toEqual([]);
    expect(runRule(BAK_004, selection({ resources: ['arn:aws:rds:eu-west-1:111122223333:db:acme-mlflow'] }))).toEqual([]);
    expect(runRule(BAK_004, selection({ selection_tag: [{ type: 'STRINGEQUALS', key: 'loom.dev/store', value: 'mlflow' }] }))).toEqual([]);
    expect(runRule(BAK_004, selection({ resources: ['*'], condition: { string_equals: [{ key: 'aws:ResourceTag/loom.dev/store', value: 'mlflow' }] } }))).toEqual([]);
  });

  it('GKE: a cluster with the Backup for GKE agent on needs a plan; without the agent nothing is asked', () => {
    const gke = (agent: unknown, plan: boolean) =>
      fixtureStack('g', {
        google_container_cluster: { c: { name: 'c', location: 'europe-west4', ...(agent === undefined ? {} : { addons_config: { gke_backup_agent_config: { enabled: agent } } }) } },
        ...(plan ? { google_gke_backup_backup_plan: { p: { name: 'p', location: 'europe-west4', cluster: '${google_container_cluster.c.id}' } } } : {}),
      });
    expect(addresses(runRule(BAK_004, gke(true, false)))).toEqual(['google_container_cluster.c [BackupPlan]']);
    expect(runRule(BAK_004, gke(true, true))).toEqual([]);
    expect(runRule(BAK_004, gke(undefined, false))).toEqual([]);
    expect(addresses(runRule(BAK_004, gke('${var.agent}', false)))).toEqual(['google_container_cluster.c (unknown)']);
  });

  it('omitted: a vault without kms_key_arn uses the AWS-managed key; read replicas and Aurora members need no selection of their own', () => {
    expect(addresses(runRule(BAK_004, fixtureStack('s', { aws_backup_vault: { v: { name: 'v' } } })))).toEqual(['aws_backup_vault.v [VaultCmk]']);
    expect(runRule(BAK_004, fixtureStack('s', { aws_db_instance: { r: { engine: 'postgres', replicate_source_db: 'x' }, a: { engine: 'aurora-postgresql', cluster_identifier: 'c' } } }))).toEqual([]);
  });

  it('an exception with a reason covers the finding (suppressed fixture)', () => {
    const report = checkPolicies([fixtureStack('s', db)], SETTINGS, [{ rule: 'LOOM-BAK-004', resource: 's/aws_db_instance/**', reason: 'RDS automated backups (14 days, PITR) judged sufficient by the DBA team', expires: '2027-01-31' }], [BAK_004]);
    expect(report.findings.map((f) => [f.findingId, f.excepted])).toEqual([['LOOM-BAK-004[BackupPlan]', true]]);
    expect(report.summary.warnings).toBe(0);
  });

  it('reports a selection whose references cannot be followed as unknown', () => {
    expect(addresses(runRule(BAK_004, selection({ resources: ['${data.terraform_remote_state.x.outputs.db_arn}'] })))).toEqual(['aws_db_instance.d (unknown)']);
  });
});

describe('LOOM-BAK-005 stateful and critical resources are protected from deletion', () => {
  it('fails unprotected databases, keys, prod clusters and load balancers, BigQuery, force_destroy buckets', () => {
    const stack = fixtureStack('s', {
      aws_db_instance: { d: { engine: 'postgres', deletion_protection: false } },
      google_sql_database_instance: { i: { database_version: 'POSTGRES_17', deletion_protection: false } },
      google_container_cluster: { c: { name: 'c', deletion_protection: false } },
      aws_lb: { lb: { name: 'lb', enable_deletion_protection: false } },
      aws_kms_key: { k: { deletion_window_in_days: 30 } },
      google_bigquery_table: { t: { dataset_id: 'd', table_id: 't', deletion_protection: false } },
      google_bigquery_dataset: { ds: { dataset_id: 'd', delete_contents_on_destroy: true } },
      aws_s3_bucket: { b: { bucket: 'b', force_destroy: true } },
    });
    expect(addresses(runRule(BAK_005, stack))).toEqual([
      'aws_db_instance.d [DeletionProtection]',
      'google_sql_database_instance.i [DeletionProtection]',
      'google_container_cluster.c [DeletionProtection]',
      'aws_lb.lb [DeletionProtection]',
      'aws_kms_key.k [PreventDestroy]',
      'google_bigquery_table.t [DeletionProtection]',
      'google_bigquery_dataset.ds [ForceDestroy]',
      'aws_s3_bucket.b [ForceDestroy]',
    ]);
    // Outside prod, clusters and load balancers may be deleted.
    expect(addresses(runRule(BAK_005, stack, STAGING))).not.toContain('google_container_cluster.c [DeletionProtection]');
  });

  it('passes protected resources', () => {
    const stack = fixtureStack('s', {
      aws_db_instance: { d: { engine: 'postgres', deletion_protection: true } },
      aws_rds_cluster: { a: { engine: 'aurora-postgresql', deletion_protection: true } },
      aws_kms_key: { k: { lifecycle: { prevent_destroy: true } } },
      google_kms_crypto_key: { g: { name: 'g', key_ring: 'r', lifecycle: { prevent_destroy: true } } },
      aws_dynamodb_table: { t: { name: 't', deletion_protection_enabled: true } },
      aws_s3_bucket: { b: { bucket: 'b', force_destroy: false } },
    });
    expect(runRule(BAK_005, stack)).toEqual([]);
  });

  it('omitted: RDS, DynamoDB and load balancers are unprotected, KMS keys lack prevent_destroy; Cloud SQL, GKE and BigQuery tables are protected', () => {
    const stack = fixtureStack('s', {
      aws_rds_cluster: { a: { engine: 'aurora-postgresql' } },
      aws_dynamodb_table: { t: { name: 't' } },
      aws_lb: { lb: { name: 'lb' } },
      google_kms_crypto_key: { g: { name: 'g', key_ring: 'r' } },
      google_sql_database_instance: { i: { database_version: 'POSTGRES_17' } },
      google_container_cluster: { c: { name: 'c' } },
      google_bigquery_table: { t: { dataset_id: 'd', table_id: 't' } },
    });
    expect(addresses(runRule(BAK_005, stack))).toEqual([
      'aws_rds_cluster.a [DeletionProtection]',
      'aws_lb.lb [DeletionProtection]',
      'google_kms_crypto_key.g [PreventDestroy]',
      'aws_dynamodb_table.t [DeletionProtection]',
    ]);
  });

  it('reports a protection flag given by reference as unknown', () => {
    expect(addresses(runRule(BAK_005, fixtureStack('s', { aws_db_instance: { d: { engine: 'postgres', deletion_protection: '${var.protect}' } } })))).toEqual(['aws_db_instance.d (unknown)']);
  });
});

describe('the BAK rules on the examples', () => {
  const AWS_PLATFORM_KEYS = [
    'Cluster_SecretsKey_0735A163',
    'Cluster_SecretsKey_0735A163',
    'Cluster_SecretsKey_0735A163',
    'ExperimentTracking_Artifacts_Key_AB6F0B0A',
    'ExperimentTracking_Database_Key_FD2B86E4',
    'FeatureStore_Offline_Key_03B37802',
    'Pipelines_Artifacts_Key_41C63450',
    'Registry_Key_495A8597',
    'Streaming_Key_4C4188BA',
  ];
  const BUY_KEYS = ['Cluster_SecretsKey_0735A163', 'ExperimentTracking_Artifacts_Key_045D1F95', 'FeatureStore_Offline_Key_03B37802', 'Pipelines_Artifacts_Key_41C63450', 'Registry_Key_495A8597', 'Serving_Key_EAD44305'];
  const keys = (type: string, names: string[]) => names.map((n) => `${type}.${n} [PreventDestroy]`);
  /**
   * Genuine findings (see the report): no KMS key of Loom's has `prevent_destroy` (BAK-005), the
   * MLflow RDS instance of aws-platform is in no AWS Backup plan (BAK-004; Loom synthesizes no
   * AWS Backup or Backup for GKE plan). The CloudNativePG clusters of onprem-sovereign back up to
   * its object storage (barmanObjectStore and a ScheduledBackup), so BAK-001 finds nothing.
   */
  const expected: Record<(typeof EXAMPLES)[number], Record<string, string[]>> = {
    'aws-platform.yaml': {
      'LOOM-BAK-004': ['aws_db_instance.ExperimentTracking_Database_Instance_48AC1913 [BackupPlan]'],
      'LOOM-BAK-005': keys('aws_kms_key', AWS_PLATFORM_KEYS),
    },
    'aws-buy-everything.yaml': { 'LOOM-BAK-005': keys('aws_kms_key', BUY_KEYS) },
    'aws-minimal.yaml': { 'LOOM-BAK-005': keys('aws_kms_key', ['Cluster_SecretsKey_0735A163']) },
    'gcp-platform.yaml': { 'LOOM-BAK-005': keys('google_kms_crypto_key', ['Cluster_SecretsKey_0735A163', 'Cluster_SecretsKey_0735A163', 'Cluster_SecretsKey_0735A163']) },
    'onprem-sovereign.yaml': {},
  };
  for (const file of EXAMPLES)
    it(`finds exactly the expected in ${file}`, () => {
      const { stacks, settings } = exampleStacks(file);
      for (const rule of BAK_RULES) expect(addresses(runRule(rule, stacks, settings)), `${file} ${rule.id}`).toEqual(expected[file][rule.id] ?? []);
    }, 120_000);
});
