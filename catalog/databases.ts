/**
 * The PostgreSQL Loom creates for built components (MLflow's backend store, Feast's registry), as
 * versioned facts: the engine version on each target, and the size of the database per
 * environment, written once. The catalogue reads no schema, so environments are spelled here
 * (schema/schema.ts's `Environment`: dev, staging, prod).
 */

/** The PostgreSQL major Loom creates everywhere (RDS, Cloud SQL, CloudNativePG). */
export const POSTGRES_MAJOR = 17;

/**
 * PostgreSQL on each target.
 *
 * - RDS: `engineVersion` is the major only. With `auto_minor_version_upgrade` on, the AWS provider
 *   takes a version prefix and reports the minor it runs in `engine_version_actual`, so that
 *   RDS's own minor upgrades are no drift (a full `17.7` would make Terraform try a downgrade after
 *   each automatic upgrade). RDS creates the newest default minor of 17; `minimumMinor` is the
 *   oldest minor new instances may still be created on (17.1–17.4 reached end of standard support
 *   on 2026-05-31 and were upgraded to 17.7 or later; AWS Health notice, May 2026).
 * - Cloud SQL: `databaseVersion` as `google_sql_database_instance` takes it; Cloud SQL picks and
 *   patches the minor itself.
 * - CloudNativePG: the operand image, pinned to a minor (CNPG detects the major from the tag).
 *   `standard` images carry no Barman Cloud (backups go through CNPG's plugins from 1.26 on);
 *   17.9 is listed in cloudnative-pg/postgres-containers' image catalogues (2026-02-26), and this
 *   exact tag is pulled by public CNPG setups.
 */
export const POSTGRES_VERSIONS = {
  /** Amazon RDS for PostgreSQL. */
  rds: {
    /** `aws_db_instance.engine`. */
    engine: 'postgres',
    /** `aws_db_instance.engine_version`: the major, as a prefix (see above). */
    engineVersion: String(POSTGRES_MAJOR),
    /** The oldest minor RDS still creates (for documentation and tests). */
    minimumMinor: '17.7',
    /** `aws_db_parameter_group.family` for the major. */
    parameterGroupFamily: `postgres${POSTGRES_MAJOR}`,
  },
  /** Cloud SQL for PostgreSQL. */
  cloudSql: {
    /** `google_sql_database_instance.database_version`. */
    databaseVersion: `POSTGRES_${POSTGRES_MAJOR}`,
  },
  /** CloudNativePG's operand image. */
  cloudNativePg: {
    /** `Cluster.spec.imageName`. */
    imageName: 'ghcr.io/cloudnative-pg/postgresql:17.9-standard-trixie',
  },
} as const;

/** The size and protection of a database in one environment. */
export interface DatabaseProfile {
  /** RDS: instance class, allocated storage, storage autoscaling ceiling. */
  readonly rds: {
    /** `aws_db_instance.instance_class` (Graviton: the platform's nodes may be either). */
    readonly instanceClass: string;
    /** Allocated storage, GB (gp3). */
    readonly storageGb: number;
    /** Storage autoscaling ceiling, GB (`max_allocated_storage`); 0 turns autoscaling off. */
    readonly maxStorageGb: number;
  };
  /** Cloud SQL: machine tier (Enterprise edition) and disk. */
  readonly cloudSql: {
    /** `settings.tier`: a custom machine, `db-custom-<vCPUs>-<MiB>`. */
    readonly tier: string;
    /** Disk, GB (SSD; grows automatically up to `maxDiskGb`). */
    readonly diskGb: number;
    /** The ceiling of automatic disk growth, GB. */
    readonly maxDiskGb: number;
  };
  /** CloudNativePG: instances and volume size. */
  readonly cloudNativePg: {
    /** PostgreSQL instances (one primary, the rest streaming replicas). */
    readonly instances: number;
    /** Each instance's volume, GiB. */
    readonly storageGi: number;
  };
  /** High availability: RDS Multi-AZ, Cloud SQL REGIONAL (CloudNativePG: `instances` > 1). */
  readonly highAvailability: boolean;
  /** Days automated backups are kept (RDS; Cloud SQL keeps as many daily backups). */
  readonly backupRetentionDays: number;
  /** Days RDS's exported PostgreSQL logs are kept in CloudWatch Logs. */
  readonly logRetentionDays: number;
  /** Whether point-in-time recovery is on (Cloud SQL; RDS has it whenever backups are kept). */
  readonly pointInTimeRecovery: boolean;
  /** Whether the database refuses deletion (RDS and Cloud SQL deletion protection). */
  readonly deletionProtection: boolean;
  /** Whether deleting the database first takes a final snapshot (RDS). */
  readonly finalSnapshot: boolean;
}

/** An environment, as the spec names it (schema/schema.ts's `Environment`). */
export type DatabaseEnvironment = 'dev' | 'staging' | 'prod';

/**
 * The database of a built component per environment: small and disposable in dev, protected in
 * staging, highly available with two weeks of backups in prod. A component's spec may override the
 * instance class and storage; everything else follows the environment.
 */
export const DATABASE_PROFILES: Readonly<Record<DatabaseEnvironment, DatabaseProfile>> = {
  dev: {
    rds: { instanceClass: 'db.t4g.medium', storageGb: 20, maxStorageGb: 100 },
    cloudSql: { tier: 'db-custom-1-3840', diskGb: 20, maxDiskGb: 100 },
    cloudNativePg: { instances: 1, storageGi: 10 },
    highAvailability: false,
    backupRetentionDays: 1,
    logRetentionDays: 7,
    pointInTimeRecovery: false,
    deletionProtection: false,
    finalSnapshot: false,
  },
  staging: {
    rds: { instanceClass: 'db.t4g.large', storageGb: 50, maxStorageGb: 200 },
    cloudSql: { tier: 'db-custom-2-7680', diskGb: 50, maxDiskGb: 200 },
    cloudNativePg: { instances: 1, storageGi: 20 },
    highAvailability: false,
    backupRetentionDays: 7,
    logRetentionDays: 30,
    pointInTimeRecovery: true,
    deletionProtection: false,
    finalSnapshot: true,
  },
  prod: {
    rds: { instanceClass: 'db.m7g.large', storageGb: 100, maxStorageGb: 500 },
    cloudSql: { tier: 'db-custom-2-7680', diskGb: 100, maxDiskGb: 500 },
    cloudNativePg: { instances: 3, storageGi: 50 },
    highAvailability: true,
    backupRetentionDays: 14,
    logRetentionDays: 90,
    pointInTimeRecovery: true,
    deletionProtection: true,
    finalSnapshot: true,
  },
};
