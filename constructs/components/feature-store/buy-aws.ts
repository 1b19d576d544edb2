/**
 * The feature store, bought on AWS: SageMaker Feature Store. Feature groups themselves are data
 * (created by the teams' pipelines, like tables), so the services stack holds what they need:
 *
 * - the offline store: an S3 bucket of the platform ({@link S3ObjectStore}: KMS-encrypted by
 *   default with its own key, private, TLS-only), feature groups writing under its `offline`
 *   prefix — they leave `S3StorageConfig.KmsKeyId` out and the bucket's default encryption applies;
 * - the role feature groups are created with (`RoleArn` of `CreateFeatureGroup`), which SageMaker
 *   of this account only assumes to write the offline store and create its Glue tables;
 * - a Glue database the offline store's tables are registered in (feature groups name it in
 *   `DataCatalogConfig`, or let SageMaker create the tables there), and an Athena workgroup to
 *   query them, its settings enforced: results in the same bucket under `athena-results`,
 *   SSE-KMS with the bucket's key, and a cutoff on the bytes one query scans.
 *
 * The online store has nothing to create: each feature group with `OnlineStoreConfig` has one,
 * served by the region's Feature Store runtime endpoint, which clients sign requests to with their
 * IAM identity. {@link SageMakerFeatureStore.grantRead} and {@link SageMakerFeatureStore.grantWrite}
 * attach inline policies to that identity's role.
 */
import { Construct } from 'constructs';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { PlatformValidationError } from '../../core/errors';
import { awsAccount, type AwsAccount } from '../../aws/account';
import { serviceTrustPolicy } from '../../aws/iam';
import type { PolicyDocument, PolicyStatement } from '../../aws/addon-policies';
import { COMPONENT_STORES } from '../../../plan/stores';
import type { Environment } from '../../../schema/schema';
import { S3ObjectStore } from '../../stores/object-store/s3-object-store';
import type { StoreAccess, WorkloadIdentity } from '../../stores/contract';
import { componentOutput, componentTags, servicesScope } from '../contract';
import type { IFeatureStore, ResolvedFeatureStoreProps } from './contract';

/**
 * Feature Store runtime actions by access level (IAM prefix `sagemaker`), on the account's feature
 * groups in the platform's region.
 */
export const FEATURE_STORE_RUNTIME_ACTIONS: Readonly<Record<StoreAccess, readonly string[]>> = {
  read: ['sagemaker:GetRecord', 'sagemaker:BatchGetRecord'],
  write: ['sagemaker:GetRecord', 'sagemaker:BatchGetRecord', 'sagemaker:PutRecord', 'sagemaker:DeleteRecord'],
};

/** Feature group (definition) actions by access level: read them, or also create, change and delete them. */
export const FEATURE_GROUP_ACTIONS: Readonly<Record<StoreAccess, readonly string[]>> = {
  read: ['sagemaker:DescribeFeatureGroup', 'sagemaker:DescribeFeatureMetadata', 'sagemaker:ListTags'],
  write: [
    'sagemaker:DescribeFeatureGroup',
    'sagemaker:DescribeFeatureMetadata',
    'sagemaker:ListTags',
    'sagemaker:CreateFeatureGroup',
    'sagemaker:UpdateFeatureGroup',
    'sagemaker:DeleteFeatureGroup',
    'sagemaker:UpdateFeatureMetadata',
    'sagemaker:AddTags',
  ],
};

/** What querying the offline store through the workgroup takes (both access levels query). */
const ATHENA_QUERY_ACTIONS = [
  'athena:GetWorkGroup',
  'athena:StartQueryExecution',
  'athena:StopQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:GetQueryResultsStream',
  'athena:ListQueryExecutions',
  'athena:BatchGetQueryExecution',
] as const;

/** Reading the offline store's tables in the Glue Data Catalog (what Athena checks for a query). */
const GLUE_READ_ACTIONS = ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'] as const;

/** Registering feature groups' tables and partitions (the feature group role, and writers). */
const GLUE_WRITE_ACTIONS = [...GLUE_READ_ACTIONS, 'glue:CreateTable', 'glue:UpdateTable', 'glue:CreatePartition', 'glue:BatchCreatePartition', 'glue:UpdatePartition'] as const;

/**
 * The most one Athena query of the workgroup may scan, by environment: a runaway query over the
 * whole offline store is cancelled instead of billed (Athena bills per byte scanned).
 */
export const ATHENA_BYTES_SCANNED_CUTOFF: Readonly<Record<Environment, number>> = {
  dev: 10 * 1024 ** 3,
  staging: 100 * 1024 ** 3,
  prod: 1024 ** 4,
};

/** The prefix of the bucket Athena writes query results under (beside the offline store's prefix). */
const ATHENA_RESULTS_PREFIX = 'athena-results';

/** Feature store on SageMaker Feature Store (buy on AWS). */
export class SageMakerFeatureStore extends Construct implements IFeatureStore {
  readonly componentName = 'featureStore' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-aws' as const;
  readonly product = 'sagemaker-feature-store' as const;
  readonly protocol = 'sagemaker-feature-store' as const;
  readonly onlineEndpoint: string;
  readonly offlineStore: string;
  readonly registry: string;
  /** The offline store's bucket (its `offline` prefix), also holding Athena's results. */
  readonly offline: S3ObjectStore;
  /** The role feature groups are created with (`RoleArn`): SageMaker writes the offline store and its Glue tables as it. */
  readonly featureGroupRole: IamRole;
  /** The Glue database the offline store's tables are registered in. */
  readonly database: GlueCatalogDatabase;
  /** The Athena workgroup that queries the offline store. */
  readonly workgroup: AthenaWorkgroup;
  private readonly account: AwsAccount;
  private readonly region: string;
  private grants = 0;

  constructor(scope: Construct, id: string, props: ResolvedFeatureStoreProps) {
    super(scope, id);
    const { platform } = props;
    const region = platform.region!;
    this.region = region;
    const tags = componentTags('featureStore');
    const account = awsAccount(this);
    this.account = account;
    const { purpose, prefix } = COMPONENT_STORES.featureStore.objectStore;
    this.offline = new S3ObjectStore(this, 'Offline', { purpose, prefix });

    // Glue and Athena names: letters, digits and underscores (Athena quotes anything else).
    this.database = new GlueCatalogDatabase(this, 'Database', {
      name: `${platform.name.replace(/-/g, '_')}_feature_store`,
      description: `Loom: offline feature store tables of platform ${platform.name} (SageMaker Feature Store)`,
      locationUri: this.offline.uri,
      tags,
    });
    this.workgroup = new AthenaWorkgroup(this, 'Workgroup', {
      name: `${platform.name}-feature-store`,
      description: `Loom: queries of the offline feature store of platform ${platform.name}`,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: ATHENA_BYTES_SCANNED_CUTOFF[platform.environment],
        resultConfiguration: {
          outputLocation: `s3://${this.offline.bucketName}/${ATHENA_RESULTS_PREFIX}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: this.offline.key.arn },
          expectedBucketOwner: account.accountId,
        },
      },
      tags,
    });

    // SageMaker, for this account only (confused deputy).
    this.featureGroupRole = new IamRole(this, 'FeatureGroupRole', {
      name: `${platform.name}-feature-store`,
      description: `Loom: SageMaker Feature Store offline store of platform ${platform.name}`,
      assumeRolePolicy: serviceTrustPolicy('sagemaker.amazonaws.com', account.accountId),
      tags,
    });
    const roleIdentity: WorkloadIdentity = { kind: 'aws-iam-role', roleName: this.featureGroupRole.name, roleArn: this.featureGroupRole.arn };
    this.offline.grant(roleIdentity, 'write');
    new IamRolePolicy(this, 'OfflineStore', {
      role: this.featureGroupRole.name,
      name: 'offline-store',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          // SageMaker checks the bucket's ownership and writes objects owned by the bucket owner.
          { Sid: 'BucketAcl', Effect: 'Allow', Action: ['s3:GetBucketAcl', 's3:GetBucketLocation'], Resource: this.offline.bucket.arn },
          { Sid: 'ObjectAcl', Effect: 'Allow', Action: ['s3:PutObjectAcl'], Resource: `${this.offline.bucket.arn}/${prefix}/*` },
          { Sid: 'GlueTables', Effect: 'Allow', Action: [...GLUE_WRITE_ACTIONS], Resource: this.glueResources() },
        ],
      } satisfies PolicyDocument),
    });

    this.onlineEndpoint = `https://featurestore-runtime.sagemaker.${region}.amazonaws.com`;
    this.offlineStore = this.offline.uri;
    this.registry = this.featureGroupArn();
  }

  /** Lets `identity` (an IAM role) get records, read feature groups and query the offline store. */
  grantRead(identity: WorkloadIdentity): void {
    this.grant(identity, 'read');
  }

  /**
   * Lets `identity` (an IAM role) also create and change feature groups (passing
   * {@link featureGroupRole}), put and delete records, and write the offline store.
   */
  grantWrite(identity: WorkloadIdentity): void {
    this.grant(identity, 'write');
  }

  /** The inline policy a grant of `access` attaches (besides the offline store's own grant). */
  grantPolicy(access: StoreAccess): PolicyDocument {
    const bucket = this.offline.bucket.arn;
    const results = `${bucket}/${ATHENA_RESULTS_PREFIX}`;
    const statements: PolicyStatement[] = [
      { Sid: 'FeatureStoreRuntime', Effect: 'Allow', Action: [...FEATURE_STORE_RUNTIME_ACTIONS[access]], Resource: this.featureGroupArn() },
      { Sid: 'FeatureGroups', Effect: 'Allow', Action: [...FEATURE_GROUP_ACTIONS[access]], Resource: this.featureGroupArn() },
      // Listing and searching take no resource-level permissions.
      { Sid: 'ListFeatureGroups', Effect: 'Allow', Action: ['sagemaker:ListFeatureGroups'], Resource: '*' },
      { Sid: 'AthenaQueries', Effect: 'Allow', Action: [...ATHENA_QUERY_ACTIONS], Resource: this.workgroup.arn },
      { Sid: 'GlueCatalog', Effect: 'Allow', Action: access === 'read' ? [...GLUE_READ_ACTIONS] : [...GLUE_WRITE_ACTIONS], Resource: this.glueResources() },
      // Athena writes query results as the caller, encrypted with the bucket's key (through S3).
      { Sid: 'AthenaResultsBucket', Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: bucket },
      {
        Sid: 'AthenaResultsList',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
        Resource: bucket,
        Condition: { StringLike: { 's3:prefix': [ATHENA_RESULTS_PREFIX, `${ATHENA_RESULTS_PREFIX}/*`] } },
      },
      { Sid: 'AthenaResults', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], Resource: `${results}/*` },
      { Sid: 'AthenaResultsKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: this.offline.key.arn },
    ];
    if (access === 'write') {
      statements.push({
        Sid: 'PassFeatureGroupRole',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: this.featureGroupRole.arn,
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      });
    }
    return { Version: '2012-10-17', Statement: statements };
  }

  private grant(identity: WorkloadIdentity, access: StoreAccess): void {
    if (identity.kind !== 'aws-iam-role') throw new PlatformValidationError(`SageMaker Feature Store grants access to IAM roles; got ${identity.kind}`, this);
    // Numbered: an inline policy name is unique per role, and role names are references here.
    this.grants += 1;
    new IamRolePolicy(this, `Access${this.grants}`, {
      role: identity.roleName,
      name: `feature-store-${access}-${this.grants}`,
      policy: JSON.stringify(this.grantPolicy(access)),
    });
    this.offline.grant(identity, access);
  }

  /** Every feature group of the account in the platform's region. */
  private featureGroupArn(): string {
    return `arn:${this.account.partition}:sagemaker:${this.region}:${this.account.accountId}:feature-group/*`;
  }

  /** The Glue catalog, the offline store's database and its tables. */
  private glueResources(): string[] {
    const glue = `arn:${this.account.partition}:glue:${this.region}:${this.account.accountId}`;
    return [`${glue}:catalog`, `${glue}:database/${this.database.name}`, `${glue}:table/${this.database.name}/*`];
  }
}

/** The feature store bought on AWS: SageMaker Feature Store's offline store, role, Glue database and Athena workgroup in the services stack. */
export function buyAwsFeatureStore(props: ResolvedFeatureStoreProps): SageMakerFeatureStore {
  const store = new SageMakerFeatureStore(servicesScope(props, 'buy on AWS: SageMaker Feature Store'), 'Resource', props);
  componentOutput(store, 'feature_store_endpoint', store.onlineEndpoint, 'SageMaker Feature Store: the runtime endpoint (GetRecord, PutRecord)');
  componentOutput(store, 'feature_store_offline_store', store.offlineStore, 'SageMaker Feature Store: the offline store (S3Uri of feature groups)');
  componentOutput(store, 'feature_store_registry', store.registry, 'SageMaker Feature Store: the feature groups of the account and region');
  componentOutput(store, 'feature_store_role_arn', store.featureGroupRole.arn, 'SageMaker Feature Store: the RoleArn feature groups are created with');
  componentOutput(store, 'feature_store_glue_database', store.database.name, 'SageMaker Feature Store: the Glue database of the offline store (DataCatalogConfig)');
  componentOutput(store, 'feature_store_athena_workgroup', store.workgroup.name, 'SageMaker Feature Store: the Athena workgroup that queries the offline store');
  return store;
}
