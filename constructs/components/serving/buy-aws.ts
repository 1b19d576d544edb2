/**
 * Serving, bought on AWS: one SageMaker real-time endpoint per declared endpoint, in the services
 * stack:
 *
 * - a model (`aws_sagemaker_model`) — the framework's prebuilt image, whose registry path the
 *   provider's `aws_sagemaker_prebuilt_ecr_image` data source computes from its own table of
 *   AWS's image accounts (it calls no API, and does not check that the tag exists), or the
 *   registry's image for `custom` — reading the model uncompressed from its S3 prefix
 *   (`S3Prefix`, `CompressionType: None`: the files under the prefix appear in `/opt/ml/model`);
 * - an endpoint configuration, one variant `AllTraffic` of `minReplicas` instances: a CPU instance
 *   ({@link SAGEMAKER_CPU_INSTANCE}) or the GPU instance of {@link SAGEMAKER_GPU_INSTANCES}. Its
 *   ML storage volume is encrypted with the component's KMS key — except on instance types with
 *   local NVMe storage (every GPU type here), for which SageMaker refuses a key and the hardware
 *   encrypts the instance storage;
 * - the endpoint `<platform>-<endpoint>`, and Application Auto Scaling of its variant between
 *   `minReplicas` and `maxReplicas`, tracking {@link SAGEMAKER_INVOCATIONS_PER_INSTANCE}
 *   invocations per instance and minute.
 *
 * Models and configurations are immutable in SageMaker: a change replaces them, new before old
 * (`create_before_destroy`, names left to Terraform), and the endpoint moves to the new
 * configuration without downtime.
 *
 * The execution role SageMaker runs the models as is trusted by `sagemaker.amazonaws.com` of this
 * account only (`aws:SourceAccount`), reads the models (the artifact store's prefix through its
 * grant, or a full URI's prefix), pulls the images (ECR: the prebuilt repositories, the account's
 * own for `custom`), and writes the endpoints' logs and metrics.
 *
 * Teams that may deploy (`grantDeploy`) create their own models, configurations and endpoints named
 * `<platform>-<team namespace>-*` (never the spec's, which validation keeps out of that prefix),
 * run as the same execution role.
 *
 * What the model directory must hold is the container's business: the scikit-learn and PyTorch
 * containers run `code/inference.py` of the model directory (`SAGEMAKER_PROGRAM`), XGBoost loads
 * `xgboost-model`, Triton a model repository, Hugging Face a saved model and tokenizer.
 */
import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { DataAwsSagemakerPrebuiltEcrImage } from '@cdktf/provider-aws/lib/data-aws-sagemaker-prebuilt-ecr-image';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SagemakerEndpoint } from '@cdktf/provider-aws/lib/sagemaker-endpoint';
import { SagemakerEndpointConfiguration } from '@cdktf/provider-aws/lib/sagemaker-endpoint-configuration';
import { SagemakerModel } from '@cdktf/provider-aws/lib/sagemaker-model';
import { PlatformValidationError } from '../../core/errors';
import { awsAccount, type AwsAccount } from '../../aws/account';
import { serviceTrustPolicy } from '../../aws/iam';
import type { PolicyDocument, PolicyStatement } from '../../aws/addon-policies';
import { KEY_USER_ACTIONS, keyPolicy } from '../../aws/kms';
import { fitName } from '../../../plan/names';
import type { ServingEndpointSpec } from '../../../schema/schema';
import { boughtGpu, SAGEMAKER_CPU_INSTANCE, SAGEMAKER_GPU_INSTANCES, sagemakerHasInstanceStorage, servingNames } from '../../../schema/serving-rules';
import type { WorkloadIdentity } from '../../stores/contract';
import { componentOutput, componentTags, servicesScope } from '../contract';
import { servingEndpointsJson, unknownEndpoint, type IServing, type ResolvedServingProps, type ServingDeployer } from './contract';
import { foreignModelUris, modelLocation, s3ModelReadPolicy } from './model-access';
import type { PrebuiltFramework } from './build';

export { SAGEMAKER_CPU_INSTANCE, SAGEMAKER_GPU_INSTANCES } from '../../../schema/serving-rules';

/** A prebuilt SageMaker image: its repository (as the data source names it) and tags. */
export interface SageMakerImage {
  /** The repository (`repository_name` of `aws_sagemaker_prebuilt_ecr_image`). */
  readonly repository: string;
  /** The tag on CPU instances. */
  readonly cpuTag: string;
  /** The tag on GPU instances. @default none: CPU only (validation refuses a GPU) */
  readonly gpuTag?: string;
  /** Environment the container needs to find the model's code. @default none */
  readonly environment?: Readonly<Record<string, string>>;
}

/** Where a framework's entry point script is, for the containers that run one. */
const INFERENCE_SCRIPT = { SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code' } as const;

/** The prebuilt image of each framework on SageMaker. */
export const SAGEMAKER_IMAGES: Readonly<Record<PrebuiltFramework, SageMakerImage>> = {
  sklearn: { repository: 'sagemaker-scikit-learn', cpuTag: '1.2-1-cpu-py3', environment: INFERENCE_SCRIPT },
  xgboost: { repository: 'sagemaker-xgboost', cpuTag: '1.7-1', gpuTag: '1.7-1' },
  pytorch: { repository: 'pytorch-inference', cpuTag: '2.1.0-cpu-py310', gpuTag: '2.1.0-gpu-py310', environment: INFERENCE_SCRIPT },
  huggingface: { repository: 'huggingface-pytorch-inference', cpuTag: '2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04', gpuTag: '2.1.0-transformers4.37.0-gpu-py310-cu118-ubuntu20.04' },
  triton: { repository: 'sagemaker-tritonserver', cpuTag: '24.03-py3', gpuTag: '24.03-py3' },
};

/** Invocations per instance and minute the variant's autoscaling keeps to. */
export const SAGEMAKER_INVOCATIONS_PER_INSTANCE = 100;
/** The one production variant of each endpoint. */
export const SAGEMAKER_VARIANT = 'AllTraffic';
/** What a grant of {@link SageMakerServing.grantInvoke} allows on the endpoints. */
export const SAGEMAKER_INVOKE_ACTIONS = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'] as const;
/**
 * What a grant of {@link SageMakerServing.grantDeploy} allows on the deployer's models, endpoint
 * configurations and endpoints, `<platform>-<namespace>-*` (with {@link SAGEMAKER_INVOKE_ACTIONS}
 * on its endpoints and the spec's).
 */
export const SAGEMAKER_DEPLOY_ACTIONS = [
  'sagemaker:CreateModel',
  'sagemaker:CreateEndpointConfig',
  'sagemaker:CreateEndpoint',
  'sagemaker:UpdateEndpoint',
  'sagemaker:UpdateEndpointWeightsAndCapacities',
  'sagemaker:DeleteEndpoint',
  'sagemaker:DeleteEndpointConfig',
  'sagemaker:DeleteModel',
  'sagemaker:DescribeModel',
  'sagemaker:DescribeEndpointConfig',
  'sagemaker:DescribeEndpoint',
  'sagemaker:AddTags',
] as const;
/** The serving key's use a deployer needs for endpoint configurations that take it (through SageMaker only). */
export const SAGEMAKER_DEPLOY_KEY_ACTIONS = ['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey'] as const;
/** Pulling an image from ECR (with `ecr:GetAuthorizationToken`, which takes no resource). */
const ECR_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;

/** The SageMaker runtime URL of endpoint `endpointName` in `region`. */
export const sagemakerEndpointUrl = (region: string, endpointName: string): string => `https://runtime.sagemaker.${region}.amazonaws.com/endpoints/${endpointName}/invocations`;

/** The instance type of an endpoint: its GPU's (validation checked the table has it), else the CPU type. */
export function sagemakerInstanceType(endpoint: Pick<ServingEndpointSpec, 'name' | 'gpu'>): string {
  if (!endpoint.gpu) return SAGEMAKER_CPU_INSTANCE;
  const verdict = boughtGpu('aws', endpoint.gpu);
  if ('problem' in verdict) throw new PlatformValidationError(`serving endpoint '${endpoint.name}': ${verdict.problem}`);
  return verdict.instance;
}

/** One endpoint's resources. */
export interface SageMakerEndpointResources {
  /** The model. */
  readonly model: SagemakerModel;
  /** The endpoint configuration. */
  readonly configuration: SagemakerEndpointConfiguration;
  /** The endpoint. */
  readonly endpoint: SagemakerEndpoint;
  /** The variant's scalable target. */
  readonly scaling: AppautoscalingTarget;
}

/** Serving on SageMaker endpoints (buy on AWS; see the module comment). */
export class SageMakerServing extends Construct implements IServing {
  readonly componentName = 'serving' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-aws' as const;
  readonly product = 'sagemaker' as const;
  readonly protocol = 'sagemaker' as const;
  readonly endpoints: readonly string[];
  /** The role SageMaker runs the models as. */
  readonly executionRole: IamRole;
  /** The key of the endpoints' ML storage volumes. */
  readonly key: KmsKey;
  /** Each endpoint's resources, by name. */
  readonly resources: ReadonlyMap<string, SageMakerEndpointResources>;
  private readonly region: string;
  private readonly platformName: string;
  private readonly account: AwsAccount;
  private grants = 0;

  constructor(scope: Construct, id: string, props: ResolvedServingProps) {
    super(scope, id);
    const { platform, spec } = props;
    const region = platform.region!;
    this.region = region;
    this.platformName = platform.name;
    this.endpoints = spec.endpoints.map((e) => e.name);
    const account = awsAccount(this);
    this.account = account;
    const tags = componentTags('serving');
    const models = spec.endpoints.map((e) => modelLocation(e, props));

    // SageMaker of this account only (confused deputy).
    this.executionRole = new IamRole(this, 'ExecutionRole', {
      name: fitName(`${platform.name}-sagemaker-serving`, 64),
      description: `Loom: SageMaker endpoints of platform ${platform.name}`,
      assumeRolePolicy: serviceTrustPolicy('sagemaker.amazonaws.com', account.accountId),
      tags,
    });
    const role: WorkloadIdentity = { kind: 'aws-iam-role', roleName: this.executionRole.name, roleArn: this.executionRole.arn };
    if (models.some((m) => m.inArtifactStore)) props.modelStore?.grant(role, 'read');
    const foreign = foreignModelUris(models);
    if (foreign.length) new IamRolePolicy(this, 'ModelAccess', { role: this.executionRole.name, name: 'serving-models-read', policy: JSON.stringify(s3ModelReadPolicy(account.partition, foreign)) });

    // The endpoints' volumes, used by SageMaker in this region on this account's behalf.
    this.key = new KmsKey(this, 'Key', {
      description: `Loom: SageMaker endpoint volumes of platform ${platform.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify(
        keyPolicy({
          administrators: [account.rootArn],
          statements: [
            {
              Sid: 'KeyUsageThroughSageMaker',
              Effect: 'Allow',
              Principal: { AWS: [account.rootArn] },
              Action: [...KEY_USER_ACTIONS, 'kms:CreateGrant'],
              Resource: '*',
              Condition: { StringEquals: { 'kms:ViaService': `sagemaker.${region}.amazonaws.com`, 'kms:CallerAccount': account.accountId } },
            },
          ],
        }),
      ),
      tags,
    });

    // Prebuilt images, one lookup per repository and tag.
    const lookups = new Map<string, DataAwsSagemakerPrebuiltEcrImage>();
    const imageOf = (e: ServingEndpointSpec): { image: string; repositoryArn: string; environment: Readonly<Record<string, string>> } => {
      if (e.framework === 'custom') {
        if (!props.registryUrl) throw new PlatformValidationError(`serving endpoint '${e.name}': framework custom runs an image of the registry component; pass registryUrl`, this);
        return { image: `${props.registryUrl}/${e.image}`, repositoryArn: `arn:${account.partition}:ecr:${region}:${account.accountId}:repository/*`, environment: {} };
      }
      const prebuilt = SAGEMAKER_IMAGES[e.framework];
      const tag = e.gpu ? prebuilt.gpuTag : prebuilt.cpuTag;
      if (!tag) throw new PlatformValidationError(`serving endpoint '${e.name}': SageMaker's prebuilt ${e.framework} container runs on CPUs only`, this);
      const key = `${prebuilt.repository}:${tag}`;
      let lookup = lookups.get(key);
      if (!lookup) {
        lookup = new DataAwsSagemakerPrebuiltEcrImage(this, `Image${lookups.size}`, { repositoryName: prebuilt.repository, imageTag: tag });
        lookups.set(key, lookup);
      }
      return { image: lookup.registryPath, repositoryArn: `arn:${account.partition}:ecr:${region}:${lookup.registryId}:repository/${prebuilt.repository}`, environment: prebuilt.environment ?? {} };
    };

    const resources = new Map<string, SageMakerEndpointResources>();
    const repositories = new Set<string>();
    spec.endpoints.forEach((e, i) => {
      const names = servingNames(platform.name, e.name);
      const scope = new Construct(this, `Endpoint-${e.name}`);
      const endpointTags = { ...tags, 'loom.dev/endpoint': e.name };
      const image = imageOf(e);
      repositories.add(image.repositoryArn);
      const model = new SagemakerModel(scope, 'Model', {
        executionRoleArn: this.executionRole.arn,
        primaryContainer: {
          image: image.image,
          modelDataSource: { s3DataSource: [{ s3Uri: `${models[i]!.uri}/`, s3DataType: 'S3Prefix', compressionType: 'None' }] },
          ...(Object.keys(image.environment).length || props.environment ? { environment: { ...(props.environment ?? {}), ...image.environment } } : {}),
        },
        tags: endpointTags,
        lifecycle: { createBeforeDestroy: true },
      });
      const instanceType = sagemakerInstanceType(e);
      const configuration = new SagemakerEndpointConfiguration(scope, 'Configuration', {
        productionVariants: [{ variantName: SAGEMAKER_VARIANT, modelName: model.name, instanceType, initialInstanceCount: e.minReplicas, initialVariantWeight: 1 }],
        // SageMaker refuses a volume key on instance types with local storage (see the module comment).
        ...(sagemakerHasInstanceStorage(instanceType) ? {} : { kmsKeyArn: this.key.arn }),
        tags: endpointTags,
        lifecycle: { createBeforeDestroy: true },
      });
      const endpoint = new SagemakerEndpoint(scope, 'Endpoint', { name: names.sagemakerEndpoint, endpointConfigName: configuration.name, tags: endpointTags });
      const scaling = new AppautoscalingTarget(scope, 'ScalingTarget', {
        serviceNamespace: 'sagemaker',
        resourceId: `endpoint/${endpoint.name}/variant/${SAGEMAKER_VARIANT}`,
        scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        minCapacity: e.minReplicas,
        maxCapacity: e.maxReplicas,
      });
      new AppautoscalingPolicy(scope, 'ScalingPolicy', {
        name: `${names.sagemakerEndpoint}-invocations`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: scaling.serviceNamespace,
        resourceId: scaling.resourceId,
        scalableDimension: scaling.scalableDimension,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
          targetValue: SAGEMAKER_INVOCATIONS_PER_INSTANCE,
          scaleInCooldown: 300,
          scaleOutCooldown: 60,
        },
      });
      resources.set(e.name, { model, configuration, endpoint, scaling });
    });
    this.resources = resources;

    if (spec.endpoints.length) {
      new IamRolePolicy(this, 'Execution', { role: this.executionRole.name, name: 'sagemaker-serving', policy: JSON.stringify(this.executionPolicy([...repositories])) });
    }
  }

  /** The execution role's own policy: pull the images, write the endpoints' logs and metrics. */
  executionPolicy(repositories: readonly string[]): PolicyDocument {
    const logs = `arn:${this.account.partition}:logs:${this.region}:${this.account.accountId}:log-group:/aws/sagemaker/Endpoints/*`;
    const statements: PolicyStatement[] = [
      { Sid: 'EcrToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      { Sid: 'PullImages', Effect: 'Allow', Action: [...ECR_PULL_ACTIONS], Resource: [...repositories] },
      { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], Resource: [logs, `${logs}:log-stream:*`] },
      { Sid: 'Metrics', Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*', Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } } },
    ];
    return { Version: '2012-10-17', Statement: statements };
  }

  endpointUrl(name: string): string {
    if (!this.endpoints.includes(name)) throw unknownEndpoint(name, this.endpoints);
    return sagemakerEndpointUrl(this.region, servingNames(this.platformName, name).sagemakerEndpoint);
  }

  /** Lets `identity` (an IAM role) invoke every endpoint. */
  grantInvoke(identity: WorkloadIdentity): void {
    if (identity.kind !== 'aws-iam-role') throw new PlatformValidationError(`SageMaker endpoints are invoked by IAM roles; got ${identity.kind}`, this);
    if (!this.endpoints.length) return;
    this.grants += 1;
    new IamRolePolicy(this, `Invoke${this.grants}`, {
      role: identity.roleName,
      name: `serving-invoke-${this.grants}`,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'InvokeEndpoints', Effect: 'Allow', Action: [...SAGEMAKER_INVOKE_ACTIONS], Resource: [...this.resources.values()].map((r) => r.endpoint.arn) }],
      } satisfies PolicyDocument),
    });
  }

  /**
   * Lets the deployer's IAM role deploy its own models beside the spec's endpoints, and invoke
   * them and the spec's: one inline policy on its role — {@link SAGEMAKER_DEPLOY_ACTIONS} on
   * models, endpoint configurations and endpoints named `<platform>-<namespace>-*` (the spec's
   * endpoints are `<platform>-<endpoint>`, and validation keeps an endpoint name from starting
   * with a deploying team's namespace, so a deployer cannot change them),
   * {@link SAGEMAKER_INVOKE_ACTIONS} on its endpoints and the spec's, passing the execution role to
   * SageMaker only (`iam:PassedToService`), and the volume key through SageMaker only
   * (`kms:ViaService`). No `Resource: "*"`. Its models run as the execution role: they read what it
   * reads (the spec's model locations) and pull what it pulls (the spec's images).
   */
  grantDeploy(deployer: ServingDeployer): void {
    const identity = deployer.identity;
    if (identity?.kind !== 'aws-iam-role') throw new PlatformValidationError(`SageMaker endpoints are deployed by IAM roles; '${deployer.namespace}' has ${identity ? identity.kind : 'no cloud identity'}`, this);
    this.grants += 1;
    new IamRolePolicy(this, `Deploy${this.grants}`, {
      role: identity.roleName,
      name: `serving-deploy-${this.grants}`,
      policy: JSON.stringify(this.deployPolicy(deployer.namespace)),
    });
  }

  /** The policy of a {@link grantDeploy} for the deployer named `prefix` (see there). */
  deployPolicy(prefix: string): PolicyDocument {
    const arn = (type: string) => `arn:${this.account.partition}:sagemaker:${this.region}:${this.account.accountId}:${type}/${this.platformName}-${prefix}-*`;
    const endpoints = arn('endpoint');
    const specEndpoints = [...this.resources.values()].map((r) => r.endpoint.arn);
    return {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'DeployModels', Effect: 'Allow', Action: [...SAGEMAKER_DEPLOY_ACTIONS], Resource: [arn('model'), arn('endpoint-config'), endpoints] },
        { Sid: 'InvokeEndpoints', Effect: 'Allow', Action: [...SAGEMAKER_INVOKE_ACTIONS], Resource: [endpoints, ...specEndpoints] },
        {
          Sid: 'PassExecutionRole',
          Effect: 'Allow',
          Action: ['iam:PassRole'],
          Resource: [this.executionRole.arn],
          Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        },
        {
          Sid: 'VolumeKey',
          Effect: 'Allow',
          Action: [...SAGEMAKER_DEPLOY_KEY_ACTIONS],
          Resource: [this.key.arn],
          Condition: { StringEquals: { 'kms:ViaService': `sagemaker.${this.region}.amazonaws.com` } },
        },
      ],
    };
  }
}

/** Serving bought on AWS: SageMaker endpoints in the services stack. */
export function buyAwsServing(props: ResolvedServingProps): SageMakerServing {
  const serving = new SageMakerServing(servicesScope(props, 'buy on AWS: SageMaker endpoints'), 'Resource', props);
  componentOutput(serving, 'serving_endpoints', servingEndpointsJson(serving.endpoints, (n) => serving.endpointUrl(n)), 'SageMaker: the endpoints (name → runtime URL; InvokeEndpoint, SigV4)');
  return serving;
}
