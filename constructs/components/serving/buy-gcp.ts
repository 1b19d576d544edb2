/**
 * Serving, bought on Google Cloud: one Vertex AI endpoint per declared endpoint
 * (`google_vertex_ai_endpoint`, its id derived from the platform and endpoint names so that it is
 * stable), and one service account that deploys the models and that they serve as: Vertex AI User
 * on the project (upload models, deploy them, predict), acting as itself (`--service-account`),
 * reading the models (the artifact store's prefix through its grant, or a full URI's bucket).
 *
 * Terraform cannot put a custom model on a Vertex AI endpoint: the provider has no resource that
 * uploads a model from an artifact directory and deploys it (`google_vertex_ai_endpoint` only
 * holds deployed models it is told about, and the Model Garden resource deploys Model Garden
 * models). So Loom writes the two commands that do it, per endpoint, as the stack output
 * `serving_deploy_commands` (also {@link VertexAiServing.deployCommands}): `gcloud ai models
 * upload` (the framework's prebuilt prediction container, or the registry's image for `custom`,
 * and the model's directory) and `gcloud ai endpoints deploy-model` (machine type and GPUs from the
 * spec, `minReplicas`..`maxReplicas` replicas autoscaled by Vertex AI, all traffic), both run as
 * the deploying service account (`--impersonate-service-account`: whoever runs them needs Service
 * Account Token Creator on it). A pipeline step or a person runs them once the model exists; a new
 * model version is `gcloud ai models upload --parent-model=…` and another `deploy-model`.
 *
 * Callers need `aiplatform.endpoints.predict` only: {@link VertexAiServing.grantInvoke} grants a
 * custom role holding just that permission (no predefined role is narrower than Vertex AI User).
 *
 * Deployers ({@link VertexAiServing.grantDeploy}) get Vertex AI User on the project — broader than
 * deploying (it reaches every Vertex AI resource of the project, the spec's endpoints among them,
 * which synth warns about), but Vertex AI has no narrower predefined role for uploading and
 * deploying models (its predefined roles are Admin, User, Viewer and per-feature ones; Google
 * points to custom roles for less) — and Service Account User on the serving service account
 * alone (a binding on that account, not the project), so that their models serve as it
 * (`deploy-model --service-account`).
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { VertexAiEndpoint } from '@cdktf/provider-google/lib/vertex-ai-endpoint';
import { PlatformValidationError } from '../../core/errors';
import { Annotations } from '../../core/cdk';
import { serviceAccountMember } from '../../gcp/gcp';
import { ProjectServices } from '../../gcp/project-services';
import { fitName } from '../../../plan/names';
import type { ServingEndpointSpec } from '../../../schema/schema';
import { boughtGpu, servingNames, VERTEX_CPU_MACHINE } from '../../../schema/serving-rules';
import type { WorkloadIdentity } from '../../stores/contract';
import { componentLabels, componentOutput, servicesScope } from '../contract';
import { servingEndpointsJson, unknownEndpoint, type IServing, type ResolvedServingProps, type ServingDeployer } from './contract';
import { foreignModelUris, grantGcsModelRead, modelLocation } from './model-access';
import type { PrebuiltFramework } from './build';

export { VERTEX_GPUS, VERTEX_CPU_MACHINE } from '../../../schema/serving-rules';

/** The permission a caller of the endpoints needs (predict, raw predict). */
export const VERTEX_INVOKE_PERMISSIONS = ['aiplatform.endpoints.predict'] as const;
/** The role of the deploying service account on the project: upload models, deploy them to endpoints. */
export const VERTEX_DEPLOYER_ROLE = 'roles/aiplatform.user';
/** The role that lets a deployer's models serve as the serving service account (on that account only). */
export const VERTEX_SERVICE_ACCOUNT_USER_ROLE = 'roles/iam.serviceAccountUser';

/** The Artifact Registry host of Google's prebuilt containers nearest `region`. */
export function prebuiltRegistryHost(region: string): string {
  if (region.startsWith('europe')) return 'europe-docker.pkg.dev';
  if (region.startsWith('asia') || region.startsWith('australia')) return 'asia-docker.pkg.dev';
  return 'us-docker.pkg.dev';
}

/** Vertex AI's prebuilt prediction containers (and Google's Hugging Face one), by framework, on CPUs and GPUs. */
export function vertexPrebuiltImage(framework: Exclude<PrebuiltFramework, 'triton'>, gpu: boolean, region: string): string {
  const host = prebuiltRegistryHost(region);
  switch (framework) {
    case 'sklearn':
      return `${host}/vertex-ai/prediction/sklearn-cpu.1-3:latest`;
    case 'xgboost':
      return `${host}/vertex-ai/prediction/xgboost-cpu.1-7:latest`;
    case 'pytorch':
      return `${host}/vertex-ai/prediction/pytorch-${gpu ? 'gpu' : 'cpu'}.2-1:latest`;
    case 'huggingface':
      return `${host}/deeplearning-platform-release/gcr.io/huggingface-pytorch-inference-${gpu ? 'cu121' : 'cpu'}.2-2.transformers.4-44.ubuntu2204.py311`;
  }
}

/**
 * A Vertex AI endpoint id for `<project>/<region>/<displayName>`: numeric, ten digits, no leading
 * zero (what the API takes for a user-chosen id), the same on every synth.
 */
export function vertexEndpointId(project: string, region: string, displayName: string): string {
  const hash = createHash('sha256').update(`${project}/${region}/${displayName}`).digest('hex');
  return String(1_000_000_000 + (parseInt(hash.slice(0, 12), 16) % 9_000_000_000));
}

/** The predict URL of endpoint `id`. */
export const vertexEndpointUrl = (project: string, region: string, id: string): string =>
  `https://${region}-aiplatform.googleapis.com/v1/projects/${project}/locations/${region}/endpoints/${id}:predict`;

/** What {@link vertexDeployCommands} writes one endpoint's commands from. */
export interface VertexDeployProps {
  /** The endpoint, as the spec declares it. */
  readonly endpoint: ServingEndpointSpec;
  /** The platform's name. */
  readonly platform: string;
  /** The project. */
  readonly project: string;
  /** The region. */
  readonly region: string;
  /** The Vertex AI endpoint's id. */
  readonly endpointId: string;
  /** The model's directory (`gs://…`). */
  readonly artifactUri: string;
  /** The serving container's image. */
  readonly image: string;
  /** The service account that deploys and serves. */
  readonly serviceAccount: string;
  /** Environment of the model server. @default none */
  readonly environment?: Readonly<Record<string, string>>;
}

/** The commands that upload an endpoint's model and deploy it (see the module comment). */
export function vertexDeployCommands(props: VertexDeployProps): string[] {
  const { endpoint, project, region } = props;
  const names = servingNames(props.platform, endpoint.name);
  let machine = VERTEX_CPU_MACHINE;
  let accelerator: string | undefined;
  if (endpoint.gpu) {
    const verdict = boughtGpu('gcp', endpoint.gpu);
    if ('problem' in verdict) throw new PlatformValidationError(`serving endpoint '${endpoint.name}': ${verdict.problem}`);
    machine = verdict.instance;
    accelerator = `type=${verdict.accelerator},count=${endpoint.gpu.count}`;
  }
  const common = [`--project=${project}`, `--region=${region}`, `--impersonate-service-account=${props.serviceAccount}`];
  const upload = [
    'gcloud ai models upload',
    ...common,
    `--model-id=${names.vertexModelId}`,
    `--display-name=${names.vertexDisplayName}`,
    `--container-image-uri=${props.image}`,
    `--artifact-uri=${props.artifactUri}`,
    ...(endpoint.framework === 'custom' ? ['--container-ports=8080'] : []),
    // gcloud's alternate delimiter (`^|^`): values may hold commas.
    ...(props.environment && Object.keys(props.environment).length
      ? [`'--container-env-vars=^|^${Object.entries(props.environment).map(([k, v]) => `${k}=${v}`).join('|')}'`]
      : []),
  ];
  const deploy = [
    `gcloud ai endpoints deploy-model ${props.endpointId}`,
    ...common,
    `--model=${names.vertexModelId}`,
    `--display-name=${endpoint.name}`,
    `--machine-type=${machine}`,
    ...(accelerator ? [`--accelerator=${accelerator}`] : []),
    `--min-replica-count=${endpoint.minReplicas}`,
    `--max-replica-count=${endpoint.maxReplicas}`,
    `--service-account=${props.serviceAccount}`,
    '--traffic-split=0=100',
  ];
  return [upload.join(' '), deploy.join(' ')];
}

/** Serving on Vertex AI endpoints (buy on Google Cloud; see the module comment). */
export class VertexAiServing extends Construct implements IServing {
  readonly componentName = 'serving' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-gcp' as const;
  readonly product = 'vertex-ai' as const;
  readonly protocol = 'vertex-ai' as const;
  readonly endpoints: readonly string[];
  /** The service account that deploys the models and that they serve as. */
  readonly serviceAccount: ServiceAccount;
  /** Each endpoint's Vertex AI endpoint, by name. */
  readonly vertexEndpoints: ReadonlyMap<string, VertexAiEndpoint>;
  /** The commands that put each endpoint's model on it, in the spec's order (upload, deploy). @attribute */
  readonly deployCommands: readonly string[];
  private readonly urls = new Map<string, string>();
  private readonly project: string;
  private readonly platformName: string;
  private invokerRole?: ProjectIamCustomRole;
  private grants = 0;

  constructor(scope: Construct, id: string, props: ResolvedServingProps) {
    super(scope, id);
    const { platform, spec } = props;
    const project = platform.gcpProject!;
    const region = platform.region!;
    this.project = project;
    this.platformName = platform.name;
    this.endpoints = spec.endpoints.map((e) => e.name);
    const services = ProjectServices.of(this);
    if (!services) throw new PlatformValidationError('Vertex AI endpoints need the services stack of a Google Cloud platform (its ProjectServices)', this);
    services.addApis(['aiplatform.googleapis.com']);
    const labels = { ...platform.labels, ...componentLabels('serving') };
    const models = spec.endpoints.map((e) => modelLocation(e, props));

    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      accountId: fitName(`${platform.name}-vertex-serving`, 30),
      project,
      displayName: `Vertex AI serving of ${platform.name}`.slice(0, 100),
      description: `Loom: deploys the serving endpoints' models of platform ${platform.name}, and serves them`,
    });
    const email = this.serviceAccount.email;
    new ProjectIamMember(this, 'Deployer', { project, role: VERTEX_DEPLOYER_ROLE, member: serviceAccountMember(email) });
    // deploy-model --service-account=<itself>: the deployer acts as the serving account.
    new ServiceAccountIamMember(this, 'ActAsItself', { serviceAccountId: this.serviceAccount.name, role: VERTEX_SERVICE_ACCOUNT_USER_ROLE, member: serviceAccountMember(email) });
    const identity: WorkloadIdentity = { kind: 'gcp-service-account', email };
    if (models.some((m) => m.inArtifactStore)) props.modelStore?.grant(identity, 'read');
    const foreign = foreignModelUris(models);
    if (foreign.length) grantGcsModelRead(this, email, foreign);

    const endpoints = new Map<string, VertexAiEndpoint>();
    const commands: string[] = [];
    spec.endpoints.forEach((e, i) => {
      const names = servingNames(platform.name, e.name);
      const endpointId = vertexEndpointId(project, region, names.vertexDisplayName);
      endpoints.set(
        e.name,
        new VertexAiEndpoint(this, `Endpoint-${e.name}`, {
          name: endpointId,
          displayName: names.vertexDisplayName,
          description: `Loom: serving endpoint ${e.name} of platform ${platform.name}`,
          location: region,
          region,
          project,
          labels: { ...labels, 'loom-endpoint': e.name },
        }),
      );
      this.urls.set(e.name, vertexEndpointUrl(project, region, endpointId));
      let image: string;
      if (e.framework === 'custom') {
        if (!props.registryUrl) throw new PlatformValidationError(`serving endpoint '${e.name}': framework custom runs an image of the registry component; pass registryUrl`, this);
        image = `${props.registryUrl}/${e.image}`;
      } else if (e.framework === 'triton') {
        throw new PlatformValidationError(`serving endpoint '${e.name}': Vertex AI has no prebuilt Triton container; use framework: custom with a Triton image`, this);
      } else {
        image = vertexPrebuiltImage(e.framework, e.gpu !== undefined, region);
      }
      commands.push(...vertexDeployCommands({ endpoint: e, platform: platform.name, project, region, endpointId, artifactUri: models[i]!.uri, image, serviceAccount: email, ...(props.environment ? { environment: props.environment } : {}) }));
    });
    this.vertexEndpoints = endpoints;
    this.deployCommands = commands;
  }

  endpointUrl(name: string): string {
    const url = this.urls.get(name);
    if (url === undefined) throw unknownEndpoint(name, this.endpoints);
    return url;
  }

  /** Lets `identity` (a Google service account) call every endpoint: a custom role with `aiplatform.endpoints.predict`. */
  grantInvoke(identity: WorkloadIdentity): void {
    if (identity.kind !== 'gcp-service-account') throw new PlatformValidationError(`Vertex AI endpoints are called by Google service accounts; got ${identity.kind}`, this);
    this.invokerRole ??= new ProjectIamCustomRole(this, 'InvokerRole', {
      project: this.project,
      roleId: `${this.platformName.replace(/-/g, '_')}_serving_invoker`,
      title: `Loom serving invoker (${this.platformName})`,
      description: `Loom: calls the serving endpoints of platform ${this.platformName}`,
      permissions: [...VERTEX_INVOKE_PERMISSIONS],
    });
    this.grants += 1;
    new ProjectIamMember(this, `Invoke${this.grants}`, { project: this.project, role: this.invokerRole.name, member: serviceAccountMember(identity.email) });
  }

  /**
   * Lets the deployer's Google service account upload its own models and deploy them to Vertex AI
   * endpoints, serving as the platform's serving service account, and call them: Vertex AI User
   * ({@link VERTEX_DEPLOYER_ROLE}, which includes predict) on the project, and Service Account User
   * on the serving service account only (see the module comment for why this role).
   */
  grantDeploy(deployer: ServingDeployer): void {
    const identity = deployer.identity;
    if (identity?.kind !== 'gcp-service-account') throw new PlatformValidationError(`Vertex AI models are deployed by Google service accounts; '${deployer.namespace}' has ${identity ? identity.kind : 'no cloud identity'}`, this);
    Annotations.of(this).addWarning(
      `serving: '${deployer.namespace}' deploys with Vertex AI User on project ${this.project}, which also reaches the spec's endpoints and the project's other Vertex AI resources (Vertex AI has no narrower predefined role)`,
    );
    this.grants += 1;
    const member = serviceAccountMember(identity.email);
    new ProjectIamMember(this, `Deploy${this.grants}`, { project: this.project, role: VERTEX_DEPLOYER_ROLE, member });
    new ServiceAccountIamMember(this, `DeployActAs${this.grants}`, { serviceAccountId: this.serviceAccount.name, role: VERTEX_SERVICE_ACCOUNT_USER_ROLE, member });
  }
}

/** Serving bought on Google Cloud: Vertex AI endpoints and their service account in the services stack, and the commands that deploy the models. */
export function buyGcpServing(props: ResolvedServingProps): VertexAiServing {
  const serving = new VertexAiServing(servicesScope(props, 'buy on Google Cloud: Vertex AI endpoints'), 'Resource', props);
  componentOutput(serving, 'serving_endpoints', servingEndpointsJson(serving.endpoints, (n) => serving.endpointUrl(n)), 'Vertex AI: the endpoints (name → predict URL)');
  componentOutput(
    serving,
    'serving_deploy_commands',
    serving.deployCommands.join('\n'),
    'Vertex AI: the commands that upload each endpoint’s model and deploy it (Terraform cannot); run them once the model exists',
  );
  return serving;
}
