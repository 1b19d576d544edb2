/**
 * PostgreSQL on Google Cloud: a Cloud SQL for PostgreSQL instance on private IP only — an address
 * from the network's private services access range, no public IP — that accepts encrypted
 * connections only. The component signs in one of two ways (`authentication`):
 *
 * - `iam` (the default): IAM database authentication — the component's service account is a
 *   `CLOUD_IAM_SERVICE_ACCOUNT` user, so no password exists anywhere (`passwordSecret` is
 *   undefined); it may log in to this instance (`roles/cloudsql.instanceUser`) and connect through
 *   the Cloud SQL connectors or Auth Proxy (`roles/cloudsql.client`), both conditioned on the
 *   instance. Such a user has no privilege on the database's `public` schema (PostgreSQL 15 and
 *   later), and the pinned Google provider cannot grant it one (`google_sql_user.database_roles`
 *   is newer), so it suits clients that only read, or whose tables someone else creates.
 * - `password`: a built-in user, member of `cloudsqlsuperuser` and so able to create the
 *   component's tables, whose password Terraform generates (`random_password`) and keeps in Secret
 *   Manager as `{"username": …, "password": …}` — the form of an RDS-managed secret — for the
 *   External Secrets Operator to copy to the component's pods. The value is in Terraform state
 *   (the generated password, the user, the secret version), never in the synthesized JSON.
 *
 * Protection follows the environment (`DATABASE_PROFILES`): REGIONAL availability, point-in-time
 * recovery and deletion protection (Cloud SQL's own and Terraform's) in prod; ZONAL in dev, which
 * Terraform may delete. Backups are on everywhere (Cloud SQL needs them for REGIONAL).
 *
 * Enterprise edition with custom machine tiers: from PostgreSQL 16 on, an instance that names no
 * edition is created as Enterprise Plus, which takes only `db-perf-optimized-*` tiers.
 */
import { Construct } from 'constructs';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { Password } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformStack } from '../../core/cdk';
import { Fn, Token } from '../../core/cdk';
import type { IKubernetesCluster, INetwork } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { platformOf } from '../../core/stack';
import { serviceAccountMember } from '../../gcp/gcp';
import { gkeClusterOf } from '../../components/clusters';
import type { IPostgres, SecretReference } from '../contract';
import { POSTGRES_VERSIONS } from '../../../catalog/databases';
import { checkPgIdentifier, checkSize, databaseProfile, POSTGRES_PORT, storeName, type PostgresBaseProps } from './common';

/** Cloud SQL instance names: at most 98 characters (with the project id, 100). */
export const CLOUD_SQL_NAME_MAX_LENGTH = 98;

/**
 * The roles the component's service account gets on the instance, by construct id: log in with IAM
 * database authentication (`cloudsql.instances.login`), and connect through the Cloud SQL
 * connectors or Auth Proxy (`cloudsql.instances.connect`).
 */
export const CLOUD_SQL_IAM_USER_ROLES = {
  /** Sign in to the instance's databases as an IAM user. */
  Login: 'roles/cloudsql.instanceUser',
  /** Connect to the instance (the Cloud SQL connectors and Auth Proxy). */
  Connect: 'roles/cloudsql.client',
} as const;

/** Props of {@link CloudSqlPostgres}. */
export interface CloudSqlPostgresProps extends PostgresBaseProps {
  /** The platform network whose private services access (`privateServiceAccess()`) the instance gets its address from. */
  readonly network: INetwork;
  /**
   * The email of the Google service account the component runs as (through GKE Workload
   * Identity). With `iam` authentication it becomes the database user, named as Cloud SQL names
   * IAM service account users of PostgreSQL: the email without `.gserviceaccount.com`; with
   * `password` it may read the password's secret.
   */
  readonly serviceAccountEmail: string;
  /**
   * How the component signs in (see the module comment).
   * @default iam
   */
  readonly authentication?: 'iam' | 'password';
  /**
   * `password` authentication: the built-in user's name (a PostgreSQL identifier).
   * @default the database's name
   */
  readonly username?: string;
  /**
   * The machine tier (Enterprise edition: `db-custom-<vCPUs>-<MiB>`).
   * @default the environment's (`DATABASE_PROFILES`: db-custom-1-3840 in dev, db-custom-2-7680 in prod)
   */
  readonly instanceClass?: string;
  /**
   * Disk, GB (SSD, 10–65536); it grows automatically up to the environment's ceiling.
   * @default the environment's (20 GB in dev, 100 GB in prod)
   */
  readonly storageGb?: number;
}

/** The PostgreSQL user name of an IAM service account: its email without `.gserviceaccount.com`. */
export function iamServiceAccountUser(email: string): string {
  return Token.isUnresolved(email) ? Fn.trimsuffix(email, '.gserviceaccount.com') : email.replace(/\.gserviceaccount\.com$/, '');
}

/** A Cloud SQL for PostgreSQL instance a built component keeps its metadata in (see the module comment). */
export class CloudSqlPostgres extends Construct implements IPostgres {
  readonly engine = 'cloud-sql' as const;
  readonly host: string;
  readonly port = POSTGRES_PORT;
  readonly databaseName: string;
  readonly username: string;
  /** `password`: the Secret Manager secret holding `{"username", "password"}`; `iam`: none. */
  readonly passwordSecret?: SecretReference;
  /** `password`: the secret holding the password. */
  readonly secret?: SecretManagerSecret;
  readonly requireTls = true;
  /** The instance's name, `<platform>-<name>`. */
  readonly instanceName: string;
  /** The `google_sql_database_instance`. */
  readonly instance: SqlDatabaseInstance;
  /** The component's database. */
  readonly database: SqlDatabase;
  /** The component's database user (IAM or built-in). */
  readonly user: SqlUser;
  private readonly network: INetwork;

  constructor(scope: Construct, id: string, props: CloudSqlPostgresProps) {
    super(scope, id);
    if (props.network.cloud !== 'gcp' || !props.network.privateServiceAccess) {
      throw new PlatformValidationError(`Cloud SQL PostgreSQL '${props.name}' needs a Google Cloud network with private services access; the network given is on ${props.network.cloud}`, this);
    }
    this.network = props.network;
    const platform = platformOf(this);
    const project = platform.gcpProject!;
    checkPgIdentifier(this, 'databaseName', props.databaseName);
    this.instanceName = storeName(this, props.name, CLOUD_SQL_NAME_MAX_LENGTH, 'Cloud SQL instance');
    this.databaseName = props.databaseName;

    const profile = databaseProfile(this);
    const tier = props.instanceClass ?? profile.cloudSql.tier;
    if (!/^db-(custom|n1|n2|n4|e2|f1|g1|perf-optimized)[a-z0-9-]*$/.test(tier)) throw new PlatformValidationError(`instanceClass '${tier}' is not a Cloud SQL tier (db-custom-<vCPUs>-<MiB>)`, this);
    const diskGb = checkSize(this, 'storageGb', props.storageGb ?? profile.cloudSql.diskGb, 10, 65536);
    const psa = props.network.privateServiceAccess();
    const iam = (props.authentication ?? 'iam') === 'iam';

    this.instance = new SqlDatabaseInstance(this, 'Instance', {
      name: this.instanceName,
      project,
      region: platform.region!,
      databaseVersion: POSTGRES_VERSIONS.cloudSql.databaseVersion,
      // Terraform's own guard; Cloud SQL's is `settings.deletion_protection_enabled`.
      deletionProtection: profile.deletionProtection,
      settings: {
        edition: 'ENTERPRISE',
        tier,
        availabilityType: profile.highAvailability ? 'REGIONAL' : 'ZONAL',
        diskType: 'PD_SSD',
        diskSize: diskGb,
        diskAutoresize: true,
        diskAutoresizeLimit: Math.max(profile.cloudSql.maxDiskGb, diskGb),
        deletionProtectionEnabled: profile.deletionProtection,
        ipConfiguration: {
          ipv4Enabled: false,
          privateNetwork: psa.networkId,
          allocatedIpRange: psa.rangeName,
          sslMode: 'ENCRYPTED_ONLY',
        },
        backupConfiguration: {
          enabled: true,
          pointInTimeRecoveryEnabled: profile.pointInTimeRecovery,
          ...(profile.pointInTimeRecovery ? { transactionLogRetentionDays: Math.min(7, profile.backupRetentionDays) } : {}),
          backupRetentionSettings: { retainedBackups: Math.max(1, profile.backupRetentionDays), retentionUnit: 'COUNT' },
        },
        ...(iam ? { databaseFlags: [{ name: 'cloudsql.iam_authentication', value: 'on' }] } : {}),
        insightsConfig: { queryInsightsEnabled: true },
        userLabels: { ...platform.labels, 'loom-store': props.name },
      },
      // Private IP needs the peering with Google's service producers first.
      dependsOn: [psa.connection],
    });
    this.host = this.instance.privateIpAddress;

    this.database = new SqlDatabase(this, 'Database', { name: props.databaseName, instance: this.instance.name, project });
    if (iam) {
      this.username = iamServiceAccountUser(props.serviceAccountEmail);
      this.user = new SqlUser(this, 'IamUser', { name: this.username, instance: this.instance.name, project, type: 'CLOUD_IAM_SERVICE_ACCOUNT' });
      const condition = {
        title: `loom-${this.instanceName}`.slice(0, 100),
        description: `Cloud SQL instance ${this.instanceName} only`,
        expression: `resource.type == 'sqladmin.googleapis.com/Instance' && resource.name == 'projects/${project}/instances/${this.instanceName}'`,
      };
      for (const [roleId, role] of Object.entries(CLOUD_SQL_IAM_USER_ROLES)) {
        new ProjectIamMember(this, `IamUser${roleId}`, { project, role, member: serviceAccountMember(props.serviceAccountEmail), condition });
      }
    } else {
      this.username = props.username ?? props.databaseName;
      checkPgIdentifier(this, 'username', this.username);
      randomProvider(this);
      // Letters and digits only: the value goes into a libpq environment and a JSON document.
      const password = new Password(this, 'Password', { length: 32, special: false, keepers: { instance: this.instanceName, user: this.username } });
      this.user = new SqlUser(this, 'User', { name: this.username, instance: this.instance.name, project, type: 'BUILT_IN', password: password.result });
      this.secret = new SecretManagerSecret(this, 'Secret', {
        project,
        secretId: `${this.instanceName}-${this.username}`.replace(/_/g, '-').slice(0, 255),
        // Kept in the platform's region: the password stays where the data is.
        replication: { userManaged: { replicas: [{ location: platform.region! }] } },
        labels: { ...platform.labels, 'loom-store': props.name },
      });
      new SecretManagerSecretVersion(this, 'SecretVersion', {
        secret: this.secret.id,
        // Both by reference: the synthesized JSON holds no literal inside the secret's payload.
        secretData: Fn.jsonencode({ username: this.user.name, password: password.result }),
      });
      this.passwordSecret = { kind: 'gcp-secret-manager', secretId: this.secret.secretId };
    }
  }

  /**
   * Lets the pods of `cluster` connect: nothing to open — the instance has a private address in
   * the cluster's own VPC (peered through private services access) and admits whoever signs in
   * with IAM; this checks the cluster is a GKE cluster of the same network.
   */
  allowFrom(cluster: IKubernetesCluster): void {
    const gke = gkeClusterOf(cluster, `Cloud SQL PostgreSQL ${this.instanceName}`);
    if (gke.network !== this.network) {
      throw new PlatformValidationError(`cluster '${cluster.plan.name}' is in another network than Cloud SQL PostgreSQL ${this.instanceName}, which has a private address only`, this);
    }
  }
}

/** The `random` provider of `scope`'s stack, configured once (it takes no settings). */
function randomProvider(scope: Construct): void {
  const stack = TerraformStack.of(scope);
  if (!stack.node.tryFindChild('RandomProvider')) new RandomProvider(stack, 'RandomProvider', {});
}
