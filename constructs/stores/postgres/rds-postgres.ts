/**
 * PostgreSQL on AWS: an RDS for PostgreSQL instance in the network's data tier (private subnets of
 * its own, one per zone), reachable on 5432 only from the clusters it is opened to, its storage
 * encrypted with a customer KMS key, TLS required (`rds.force_ssl`), and its master password
 * created, kept and rotated by RDS in Secrets Manager (`manage_master_user_password`): no password
 * is written by Loom, so none appears in the synthesized JSON or in Terraform state — only the
 * secret's ARN does. Consumers read the secret through workload identity (External Secrets).
 *
 * The engine version is the major only (catalog/databases.ts): RDS applies minor upgrades itself
 * (`auto_minor_version_upgrade`), and the provider reports the running minor in
 * `engine_version_actual` instead of planning a downgrade.
 *
 * Protection follows the environment (`DATABASE_PROFILES`): Multi-AZ, deletion protection and
 * two weeks of backups in prod, a final snapshot in staging and prod; a single zone and a day of
 * backups in dev, which is deleted without a snapshot.
 */
import { allowClusterIngress, dataTierKey, dataTierSecurityGroup } from '../aws-data-tier';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import type { IKubernetesCluster, INetwork } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import type { IPostgres, SecretReference } from '../contract';
import { POSTGRES_VERSIONS } from '../../../catalog/databases';
import { checkPgIdentifier, checkSize, databaseProfile, POSTGRES_PORT, storeName, type PostgresBaseProps } from './common';

/** The PostgreSQL logs RDS exports to CloudWatch Logs. */
export const RDS_LOG_EXPORTS = ['postgresql', 'upgrade'] as const;

/** RDS caps DB instance identifiers at 63 characters. */
export const RDS_IDENTIFIER_MAX_LENGTH = 63;

/** Props of {@link RdsPostgres}. */
export interface RdsPostgresProps extends PostgresBaseProps {
  /** The platform network whose data tier (`dataSubnets()`) the instance goes in. */
  readonly network: INetwork;
  /**
   * The master user the component connects as; its password is created and kept by RDS in
   * Secrets Manager.
   */
  readonly username: string;
  /**
   * The instance class.
   * @default the environment's (`DATABASE_PROFILES`: db.t4g.medium in dev, db.m7g.large in prod)
   */
  readonly instanceClass?: string;
  /**
   * Allocated storage, GB (gp3, 20–65536).
   * @default the environment's (20 GB in dev, 100 GB in prod)
   */
  readonly storageGb?: number;
  /**
   * The ceiling storage autoscaling may grow to, GB; at least `storageGb`.
   * @default the environment's, or `storageGb` when that is larger (no autoscaling)
   */
  readonly maxStorageGb?: number;
}

/** An RDS for PostgreSQL instance a built component keeps its metadata in (see the module comment). */
export class RdsPostgres extends Construct implements IPostgres {
  readonly engine = 'rds' as const;
  readonly host: string;
  readonly port = POSTGRES_PORT;
  readonly databaseName: string;
  readonly username: string;
  readonly passwordSecret: SecretReference;
  readonly requireTls = true;
  /** The DB instance identifier, `<platform>-<name>`. */
  readonly identifier: string;
  /** The `aws_db_instance`. */
  readonly instance: DbInstance;
  /** The security group of the instance: 5432 from the clusters given to {@link allowFrom}, nothing else. */
  readonly securityGroup: SecurityGroup;
  /** The customer KMS key the storage (and Performance Insights) is encrypted with. */
  readonly key: KmsKey;
  /** The parameter group (TLS required). */
  readonly parameterGroup: DbParameterGroup;
  private readonly network: INetwork;

  constructor(scope: Construct, id: string, props: RdsPostgresProps) {
    super(scope, id);
    if (props.network.cloud !== 'aws' || !props.network.dataSubnets) {
      throw new PlatformValidationError(`RDS PostgreSQL '${props.name}' needs an AWS network with a data tier; the network given is on ${props.network.cloud}`, this);
    }
    this.network = props.network;
    checkPgIdentifier(this, 'databaseName', props.databaseName);
    checkPgIdentifier(this, 'username', props.username);
    this.identifier = storeName(this, props.name, RDS_IDENTIFIER_MAX_LENGTH, 'RDS DB instance identifier');
    this.databaseName = props.databaseName;
    this.username = props.username;

    const profile = databaseProfile(this);
    const instanceClass = props.instanceClass ?? profile.rds.instanceClass;
    if (!/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(instanceClass)) throw new PlatformValidationError(`instanceClass '${instanceClass}' is not an RDS instance class (db.<family>.<size>)`, this);
    const storageGb = checkSize(this, 'storageGb', props.storageGb ?? profile.rds.storageGb, 20, 65536);
    const maxStorageGb = checkSize(this, 'maxStorageGb', props.maxStorageGb ?? Math.max(profile.rds.maxStorageGb, storageGb), 20, 65536);
    if (maxStorageGb < storageGb) throw new PlatformValidationError(`maxStorageGb (${maxStorageGb}) must be at least storageGb (${storageGb})`, this);

    const tags = { 'loom.dev/store': props.name, 'loom.dev/store-kind': 'postgres' };
    const data = props.network.dataSubnets();

    // The account administers the key through IAM (RDS uses it through a grant the identity
    // creating the instance makes, `kms:CreateGrant` being an administration action).
    this.key = dataTierKey(this, { service: 'rds', name: this.identifier, description: `Loom: RDS PostgreSQL ${this.identifier} storage`, tags });

    const subnetGroup = new DbSubnetGroup(this, 'SubnetGroup', {
      name: this.identifier,
      description: `Loom: data tier of ${this.identifier}`,
      subnetIds: [...data.subnetIds],
      tags,
    });

    // No inline rules: Terraform removes the default allow-all egress, and ingress is one rule per
    // cluster (allowFrom), so adding a cluster never rewrites the others.
    this.securityGroup = dataTierSecurityGroup(this, { name: `${this.identifier}-postgres`, description: `Loom: PostgreSQL ${this.identifier}, 5432 from the platform's clusters only`, network: props.network, tags });

    this.parameterGroup = new DbParameterGroup(this, 'Parameters', {
      name: `${this.identifier}-${POSTGRES_VERSIONS.rds.parameterGroupFamily}`,
      family: POSTGRES_VERSIONS.rds.parameterGroupFamily,
      description: `Loom: ${this.identifier}, TLS required`,
      parameter: [{ name: 'rds.force_ssl', value: '1' }],
      tags,
      // A new major is a new group; the instance moves to it before the old one goes.
      lifecycle: { createBeforeDestroy: true },
    });

    // The server's and upgrades' logs, exported to CloudWatch Logs (LOOM-MON-005) into log groups
    // Loom owns, so that they are kept for the profile's days rather than forever.
    const logGroups = RDS_LOG_EXPORTS.map(
      (log) =>
        new CloudwatchLogGroup(this, `Logs-${log}`, { name: `/aws/rds/instance/${this.identifier}/${log}`, retentionInDays: profile.logRetentionDays, tags }),
    );
    this.instance = new DbInstance(this, 'Instance', {
      identifier: this.identifier,
      engine: POSTGRES_VERSIONS.rds.engine,
      engineVersion: POSTGRES_VERSIONS.rds.engineVersion,
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,
      instanceClass,
      allocatedStorage: storageGb,
      ...(maxStorageGb > storageGb ? { maxAllocatedStorage: maxStorageGb } : {}),
      storageType: 'gp3',
      storageEncrypted: true,
      kmsKeyId: this.key.arn,
      dbName: props.databaseName,
      username: props.username,
      manageMasterUserPassword: true,
      port: POSTGRES_PORT,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      parameterGroupName: this.parameterGroup.name,
      multiAz: profile.highAvailability,
      backupRetentionPeriod: profile.backupRetentionDays,
      copyTagsToSnapshot: true,
      deletionProtection: profile.deletionProtection,
      skipFinalSnapshot: !profile.finalSnapshot,
      ...(profile.finalSnapshot ? { finalSnapshotIdentifier: `${this.identifier}-final` } : {}),
      deleteAutomatedBackups: !profile.finalSnapshot,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: this.key.arn,
      performanceInsightsRetentionPeriod: 7,
      enabledCloudwatchLogsExports: [...RDS_LOG_EXPORTS],
      tags,
      dependsOn: logGroups,
    });
    this.host = this.instance.address;
    this.passwordSecret = { kind: 'aws-secrets-manager', arn: this.instance.masterUserSecret.get(0).secretArn, jsonKey: 'password' };
  }

  /**
   * Admits the pods of `cluster` (an EKS cluster in the same network) on 5432: one ingress rule
   * from the cluster security group EKS attaches to every node and pod ENI, keyed by the cluster's
   * name. Calling it again for the same cluster changes nothing.
   */
  allowFrom(cluster: IKubernetesCluster): void {
    allowClusterIngress(this, { store: `RDS PostgreSQL ${this.identifier}`, protocol: 'PostgreSQL', port: POSTGRES_PORT, securityGroup: this.securityGroup, network: this.network }, cluster);
  }
}
