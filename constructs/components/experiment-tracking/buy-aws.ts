/**
 * Experiment tracking, bought on AWS: SageMaker managed MLflow — a tracking server in the services
 * stack, its artifact store an S3 bucket of the platform ({@link S3ObjectStore}), its execution
 * role allowed that bucket's prefix and the SageMaker Model Registry, and automatic model
 * registration on, so that every model registered in MLflow is also a model package in the
 * SageMaker Model Registry (deployable to SageMaker endpoints).
 *
 * Clients use the MLflow client with the `sagemaker-mlflow` plugin and the tracking server's ARN
 * as tracking URI, signing with their IAM identity; they write artifacts to the bucket themselves,
 * so {@link SageMakerMlflow.grantAccess} grants both.
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SagemakerMlflowTrackingServer } from '@cdktf/provider-aws/lib/sagemaker-mlflow-tracking-server';
import { PlatformValidationError } from '../../core/errors';
import { awsAccount } from '../../aws/account';
import { serviceTrustPolicy } from '../../aws/iam';
import { S3ObjectStore } from '../../stores/object-store/s3-object-store';
import type { StoreAccess, WorkloadIdentity } from '../../stores/contract';
import { componentOutput, componentTags, servicesScope } from '../contract';
import type { IExperimentTracking, ResolvedExperimentTrackingProps } from './contract';

/** MLflow API actions by access level (`sagemaker-mlflow` service prefix), on the tracking server. */
export const SAGEMAKER_MLFLOW_ACTIONS: Readonly<Record<StoreAccess, readonly string[]>> = {
  read: ['sagemaker-mlflow:AccessUI', 'sagemaker-mlflow:Get*', 'sagemaker-mlflow:Search*', 'sagemaker-mlflow:List*'],
  // Every verb of the service by prefix rather than `sagemaker-mlflow:*` (LOOM-IAM-001): writers
  // log, create, update, delete and transition runs, experiments and models.
  write: [
    'sagemaker-mlflow:AccessUI',
    'sagemaker-mlflow:Get*',
    'sagemaker-mlflow:Search*',
    'sagemaker-mlflow:List*',
    'sagemaker-mlflow:Create*',
    'sagemaker-mlflow:Log*',
    'sagemaker-mlflow:Set*',
    'sagemaker-mlflow:Update*',
    'sagemaker-mlflow:Delete*',
    'sagemaker-mlflow:Restore*',
    'sagemaker-mlflow:Rename*',
    'sagemaker-mlflow:Transition*',
    'sagemaker-mlflow:Finalize*',
  ],
};

/** What automatic model registration does in the SageMaker Model Registry, as the server's role. */
export const MODEL_REGISTRY_ACTIONS = [
  'sagemaker:CreateModelPackageGroup',
  'sagemaker:DescribeModelPackageGroup',
  'sagemaker:CreateModelPackage',
  'sagemaker:DescribeModelPackage',
  'sagemaker:UpdateModelPackage',
  'sagemaker:ListModelPackages',
  'sagemaker:AddTags',
] as const;

/** Experiment tracking on SageMaker managed MLflow (buy on AWS). */
export class SageMakerMlflow extends Construct implements IExperimentTracking {
  readonly componentName = 'experimentTracking' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-aws' as const;
  readonly product = 'sagemaker-mlflow' as const;
  readonly protocol = 'mlflow' as const;
  readonly trackingUri: string;
  readonly artifactUri: string;
  readonly modelRegistryUri: string;
  /** The artifact store. */
  readonly artifacts: S3ObjectStore;
  /** The tracking server. */
  readonly server: SagemakerMlflowTrackingServer;
  /** The role the tracking server runs as. */
  readonly serverRole: IamRole;
  private grants = 0;

  constructor(scope: Construct, id: string, props: ResolvedExperimentTrackingProps) {
    super(scope, id);
    const { platform, spec } = props;
    const tags = componentTags('experimentTracking');
    this.artifacts = new S3ObjectStore(this, 'Artifacts', { purpose: 'mlflow-artifacts', prefix: 'artifacts' });
    const account = awsAccount(this);
    // SageMaker, for this account only (confused deputy).
    this.serverRole = new IamRole(this, 'ServerRole', {
      name: `${platform.name}-mlflow-server`,
      description: `Loom: SageMaker managed MLflow of platform ${platform.name}`,
      assumeRolePolicy: serviceTrustPolicy('sagemaker.amazonaws.com', account.accountId),
      tags,
    });
    this.artifacts.grant({ kind: 'aws-iam-role', roleName: this.serverRole.name, roleArn: this.serverRole.arn }, 'write');
    new IamRolePolicy(this, 'ModelRegistry', {
      role: this.serverRole.name,
      name: 'model-registry',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [...MODEL_REGISTRY_ACTIONS],
            Resource: [
              `arn:${account.partition}:sagemaker:${platform.region}:${account.accountId}:model-package-group/*`,
              `arn:${account.partition}:sagemaker:${platform.region}:${account.accountId}:model-package/*`,
            ],
          },
        ],
      }),
    });
    this.server = new SagemakerMlflowTrackingServer(this, 'Server', {
      trackingServerName: `${platform.name}-mlflow`,
      roleArn: this.serverRole.arn,
      artifactStoreUri: this.artifacts.uri,
      trackingServerSize: spec.trackingServerSize,
      automaticModelRegistration: true,
      // Sunday night in the platform's region: maintenance restarts the server for minutes.
      weeklyMaintenanceWindowStart: 'Sun:03:00',
      tags,
    });
    this.trackingUri = this.server.arn;
    this.artifactUri = this.artifacts.uri;
    this.modelRegistryUri = this.server.arn;
  }

  grantAccess(identity: WorkloadIdentity, access: StoreAccess): void {
    if (identity.kind !== 'aws-iam-role') throw new PlatformValidationError(`SageMaker managed MLflow grants access to IAM roles; got ${identity.kind}`, this);
    // Numbered: an inline policy name is unique per role, and role names are references here.
    this.grants += 1;
    new IamRolePolicy(this, `Access${this.grants}`, {
      role: identity.roleName,
      name: `mlflow-${access}-${this.grants}`,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: [...SAGEMAKER_MLFLOW_ACTIONS[access]], Resource: this.server.arn }],
      }),
    });
    this.artifacts.grant(identity, access);
  }
}

/** Experiment tracking bought on AWS: SageMaker managed MLflow in the services stack. */
export function buyAwsExperimentTracking(props: ResolvedExperimentTrackingProps): SageMakerMlflow {
  const tracking = new SageMakerMlflow(servicesScope(props, 'buy on AWS: SageMaker managed MLflow'), 'Resource', props);
  componentOutput(tracking, 'tracking_uri', tracking.trackingUri, 'SageMaker managed MLflow: the tracking URI (its ARN; MLflow client with the sagemaker-mlflow plugin)');
  componentOutput(tracking, 'artifact_uri', tracking.artifactUri, 'Where run artifacts go');
  return tracking;
}
