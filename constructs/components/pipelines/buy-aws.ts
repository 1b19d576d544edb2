/**
 * Pipelines, bought on AWS: SageMaker Pipelines. There is no server to create — pipelines are
 * definitions teams upsert through the SageMaker API — so the services stack holds what running
 * them needs:
 *
 * - the artifact bucket ({@link S3ObjectStore}, `pipelines-artifacts`, prefix `pipelines`): the
 *   pipelines' S3 root (`sagemaker_session.default_bucket`, `PipelineSession(default_bucket=…)`);
 * - the pipeline execution role, which SageMaker of this account only (`aws:SourceAccount`, the
 *   confused-deputy guard) assumes to run the pipeline and which its steps' jobs run as: write on
 *   the artifact prefix, image pulls from ECR (the registry component's repositories and AWS's
 *   prebuilt framework images, in the platform's region), the SageMaker actions a pipeline's steps
 *   call on this account's jobs, models and model packages in the region, their logs and metrics,
 *   and `iam:PassRole` on itself only, for SageMaker only — a pipeline cannot hand its jobs any
 *   other role.
 *
 * {@link SageMakerPipelines.grantSubmit} lets a workload's role create, update, start, stop and
 * inspect pipelines, pass the execution role to SageMaker, and upload code to the artifact prefix.
 * Jobs run in SageMaker's network (no VPC configuration): they reach S3 and ECR through AWS's.
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { PlatformValidationError } from '../../core/errors';
import { awsAccount } from '../../aws/account';
import { serviceTrustPolicy } from '../../aws/iam';
import { S3ObjectStore } from '../../stores/object-store/s3-object-store';
import type { WorkloadIdentity } from '../../stores/contract';
import { pipelinesNames } from '../../../schema/pipelines-rules';
import { componentOutput, componentTags, servicesScope } from '../contract';
import type { IPipelines, ResolvedPipelinesProps } from './contract';

/** The artifact bucket's purpose (part of its name). */
export const SAGEMAKER_PIPELINES_BUCKET_PURPOSE = 'pipelines-artifacts';
/** The pipelines' prefix in the bucket. */
export const SAGEMAKER_PIPELINES_PREFIX = 'pipelines';

/** ECR actions to pull images (the registry token is account-wide: `ecr:GetAuthorizationToken` takes no resource). */
export const SAGEMAKER_IMAGE_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;

/**
 * What a pipeline's steps ask SageMaker to do with the execution role — processing, training,
 * tuning and transform jobs, models and model packages (RegisterModel), the experiment the
 * pipeline records its runs in — scoped to those resource types in the platform's account and
 * region.
 */
export const PIPELINE_STEP_ACTIONS = [
  'sagemaker:AddTags',
  'sagemaker:CreateProcessingJob',
  'sagemaker:DescribeProcessingJob',
  'sagemaker:StopProcessingJob',
  'sagemaker:CreateTrainingJob',
  'sagemaker:DescribeTrainingJob',
  'sagemaker:StopTrainingJob',
  'sagemaker:CreateHyperParameterTuningJob',
  'sagemaker:DescribeHyperParameterTuningJob',
  'sagemaker:StopHyperParameterTuningJob',
  'sagemaker:CreateTransformJob',
  'sagemaker:DescribeTransformJob',
  'sagemaker:StopTransformJob',
  'sagemaker:CreateModel',
  'sagemaker:DescribeModel',
  'sagemaker:CreateModelPackage',
  'sagemaker:CreateModelPackageGroup',
  'sagemaker:DescribeModelPackage',
  'sagemaker:DescribeModelPackageGroup',
  'sagemaker:UpdateModelPackage',
  'sagemaker:CreateExperiment',
  'sagemaker:DescribeExperiment',
  'sagemaker:CreateTrial',
  'sagemaker:DescribeTrial',
  'sagemaker:CreateTrialComponent',
  'sagemaker:DescribeTrialComponent',
  'sagemaker:UpdateTrialComponent',
  'sagemaker:AssociateTrialComponent',
  'sagemaker:DescribePipeline',
  'sagemaker:DescribePipelineExecution',
  'sagemaker:ListPipelineExecutionSteps',
] as const;

/** The SageMaker resource types {@link PIPELINE_STEP_ACTIONS} act on. */
const STEP_RESOURCE_TYPES = [
  'processing-job',
  'training-job',
  'hyper-parameter-tuning-job',
  'transform-job',
  'model',
  'model-package',
  'model-package-group',
  'experiment',
  'experiment-trial',
  'experiment-trial-component',
  'pipeline',
] as const;

/** What a submitter may do with pipelines (`Describe*`/`List*` read everything the console shows). */
export const PIPELINE_SUBMIT_ACTIONS = [
  'sagemaker:CreatePipeline',
  'sagemaker:UpdatePipeline',
  'sagemaker:StartPipelineExecution',
  'sagemaker:StopPipelineExecution',
  'sagemaker:RetryPipelineExecution',
  'sagemaker:AddTags',
  'sagemaker:Describe*',
  'sagemaker:List*',
] as const;

/** Pipelines on SageMaker Pipelines (buy on AWS). */
export class SageMakerPipelines extends Construct implements IPipelines {
  readonly componentName = 'pipelines' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-aws' as const;
  readonly product = 'sagemaker-pipelines' as const;
  readonly protocol = 'sagemaker-pipelines' as const;
  readonly submitUrl: string;
  readonly artifactRoot: string;
  readonly runIdentity: WorkloadIdentity;
  readonly runWorkloadIdentity: WorkloadIdentity;
  /** The artifact bucket. */
  readonly artifacts: S3ObjectStore;
  /** The pipeline execution role. */
  readonly executionRole: IamRole;
  private readonly arn: (type: string) => string;
  private grants = 0;

  constructor(scope: Construct, id: string, props: ResolvedPipelinesProps) {
    super(scope, id);
    const { platform } = props;
    const region = platform.region!;
    const tags = componentTags('pipelines');
    const account = awsAccount(this);
    this.arn = (type) => `arn:${account.partition}:sagemaker:${region}:${account.accountId}:${type}/*`;
    this.artifacts = new S3ObjectStore(this, 'Artifacts', { purpose: SAGEMAKER_PIPELINES_BUCKET_PURPOSE, prefix: SAGEMAKER_PIPELINES_PREFIX });
    this.executionRole = new IamRole(this, 'ExecutionRole', {
      name: pipelinesNames(platform.name).sagemakerExecutionRole,
      description: `Loom: SageMaker Pipelines of platform ${platform.name} (the pipelines and their jobs)`,
      assumeRolePolicy: serviceTrustPolicy('sagemaker.amazonaws.com', account.accountId),
      tags,
    });
    const role: WorkloadIdentity = { kind: 'aws-iam-role', roleName: this.executionRole.name, roleArn: this.executionRole.arn };
    this.artifacts.grant(role, 'write');
    new IamRolePolicy(this, 'Execution', {
      role: this.executionRole.name,
      name: 'pipeline-execution',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'PipelineSteps', Effect: 'Allow', Action: [...PIPELINE_STEP_ACTIONS], Resource: STEP_RESOURCE_TYPES.map((t) => this.arn(t)) },
          {
            Sid: 'PassOnlyItself',
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: this.executionRole.arn,
            Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
          },
          { Sid: 'RegistryToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
          // The registry component's repositories and AWS's prebuilt framework images (other accounts), in the region.
          { Sid: 'PullImages', Effect: 'Allow', Action: [...SAGEMAKER_IMAGE_PULL_ACTIONS], Resource: `arn:${account.partition}:ecr:${region}:*:repository/*` },
          {
            Sid: 'JobLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: `arn:${account.partition}:logs:${region}:${account.accountId}:log-group:/aws/sagemaker/*`,
          },
          { Sid: 'JobMetrics', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } } },
        ],
      }),
    });
    this.submitUrl = `https://api.sagemaker.${region}.amazonaws.com`;
    this.artifactRoot = this.artifacts.uri;
    this.runIdentity = role;
    this.runWorkloadIdentity = role;
  }

  /**
   * Lets `identity` (an IAM role) create, update, start, stop and inspect pipelines of this
   * account and region, pass the execution role to SageMaker (and no other role), and upload code
   * and inputs to the artifact prefix.
   */
  grantSubmit(identity: WorkloadIdentity): void {
    if (identity.kind !== 'aws-iam-role') throw new PlatformValidationError(`SageMaker Pipelines grants submission to IAM roles; got ${identity.kind}`, this);
    // Numbered: an inline policy name is unique per role, and role names are references here.
    this.grants += 1;
    new IamRolePolicy(this, `Submit${this.grants}`, {
      role: identity.roleName,
      name: `sagemaker-pipelines-submit-${this.grants}`,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          // Pipelines and their executions of this account and region (LOOM-IAM-001: no Resource
          // "*" for actions that take one); listing takes no resource.
          {
            Sid: 'Pipelines',
            Effect: 'Allow',
            Action: [...PIPELINE_SUBMIT_ACTIONS],
            Resource: [this.arn('pipeline'), `${this.arn('pipeline')}/execution/*`],
          },
          { Sid: 'ListPipelines', Effect: 'Allow', Action: ['sagemaker:ListPipelines'], Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': this.artifacts.region } } },
          {
            Sid: 'PassExecutionRole',
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: this.executionRole.arn,
            Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
          },
        ],
      }),
    });
    this.artifacts.grant(identity, 'write');
  }
}

/** Pipelines bought on AWS: SageMaker Pipelines' execution role and artifact bucket in the services stack. */
export function buyAwsPipelines(props: ResolvedPipelinesProps): SageMakerPipelines {
  const pipelines = new SageMakerPipelines(servicesScope(props, 'buy on AWS: SageMaker Pipelines'), 'Resource', props);
  componentOutput(pipelines, 'pipelines_submit_url', pipelines.submitUrl, 'SageMaker Pipelines: the regional SageMaker API endpoint');
  componentOutput(pipelines, 'pipelines_artifact_root', pipelines.artifactRoot, 'SageMaker Pipelines: the S3 root of pipelines and their jobs');
  componentOutput(pipelines, 'pipelines_run_identity', pipelines.executionRole.arn, 'SageMaker Pipelines: the pipeline execution role (role_arn of Pipeline.upsert)');
  return pipelines;
}
