/**
 * PostgreSQL for built components, one construct per target, each an `IPostgres`
 * (constructs/stores/contract.ts): RDS on AWS, Cloud SQL on Google Cloud, CloudNativePG on any
 * cluster (the choice on existing clusters).
 */
export { RdsPostgres, RDS_IDENTIFIER_MAX_LENGTH, RDS_LOG_EXPORTS, type RdsPostgresProps } from './rds-postgres';
export { CloudSqlPostgres, CLOUD_SQL_NAME_MAX_LENGTH, CLOUD_SQL_IAM_USER_ROLES, iamServiceAccountUser, type CloudSqlPostgresProps } from './cloud-sql-postgres';
export {
  CloudNativePg,
  CloudNativePgOperator,
  CNPG_CLUSTER_NAME_MAX_LENGTH,
  CNPG_OPERATOR_RELEASE,
  cloudNativePgCluster,
  cloudNativePgOperatorValues,
  cloudNativePgScheduledBackup,
  CNPG_BACKUP_SCHEDULE,
  type CloudNativePgBackup,
  type CloudNativePgProps,
  type CloudNativePgClusterSpec,
} from './cloudnative-pg';
export { POSTGRES_PORT, type PostgresBaseProps } from './common';
