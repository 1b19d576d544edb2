/**
 * Pipelines, bought on Google Cloud: Vertex AI Pipelines. There is no server to create — pipeline
 * jobs are submitted to the Vertex AI API of the platform's region — so the services stack holds
 * what running them needs:
 *
 * - the Vertex AI and Artifact Registry APIs, enabled with the stack's other APIs;
 * - the pipeline root bucket ({@link GcsObjectStore}, `pipelines-root`, prefix `pipeline-root`):
 *   `PipelineJob(pipeline_root=…)`, where runs keep their artifacts;
 * - the Google service account runs execute as (`PipelineJob.submit(service_account=…)`):
 *   `aiplatform.user` on the project (the jobs a pipeline's steps create), write on the pipeline
 *   root, `artifactregistry.reader` on the project (the registry component's images and the
 *   templates);
 * - an Artifact Registry repository in KFP format (`<platform>-pipelines`), where teams publish
 *   compiled pipeline templates (`RegistryClient(host="https://<region>-kfp.pkg.dev/<project>/<repo>")`)
 *   and from which runs are started.
 *
 * {@link VertexAiPipelines.grantSubmit} lets a workload's service account submit pipeline jobs
 * (`aiplatform.user`), run them as the run service account (`iam.serviceAccountUser` on it, which
 * Vertex AI requires of the caller) and publish templates (`artifactregistry.writer` on the
 * repository).
 */
import { Construct } from 'constructs';
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { PlatformValidationError } from '../../core/errors';
import { serviceAccountMember } from '../../gcp/gcp';
import { ProjectServices } from '../../gcp/project-services';
import { GcsObjectStore } from '../../stores/object-store/gcs-object-store';
import type { WorkloadIdentity } from '../../stores/contract';
import { pipelinesNames } from '../../../schema/pipelines-rules';
import { componentLabels, componentOutput, servicesScope } from '../contract';
import type { IPipelines, ResolvedPipelinesProps } from './contract';

/** The pipeline root bucket's purpose (part of its name). */
export const VERTEX_PIPELINES_BUCKET_PURPOSE = 'pipelines-root';
/** The pipeline root's prefix in the bucket. */
export const VERTEX_PIPELINES_PREFIX = 'pipeline-root';
/** The APIs Vertex AI Pipelines calls. */
export const VERTEX_PIPELINES_APIS = ['aiplatform.googleapis.com', 'artifactregistry.googleapis.com'] as const;
/** The project roles of the run service account. */
export const VERTEX_RUN_ROLES = ['roles/aiplatform.user', 'roles/artifactregistry.reader'] as const;

/** Pipelines on Vertex AI Pipelines (buy on Google Cloud). */
export class VertexAiPipelines extends Construct implements IPipelines {
  readonly componentName = 'pipelines' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-gcp' as const;
  readonly product = 'vertex-ai-pipelines' as const;
  readonly protocol = 'vertex-ai-pipelines' as const;
  readonly submitUrl: string;
  readonly artifactRoot: string;
  readonly runIdentity: WorkloadIdentity;
  readonly runWorkloadIdentity: WorkloadIdentity;
  /** The pipeline root bucket. */
  readonly pipelineRoot: GcsObjectStore;
  /** The service account runs execute as. */
  readonly runServiceAccount: ServiceAccount;
  /** The KFP repository of pipeline templates. */
  readonly templates: ArtifactRegistryRepository;
  /** The templates repository's KFP host URL (`https://<region>-kfp.pkg.dev/<project>/<repository>`). @attribute */
  readonly templatesUrl: string;
  private readonly project: string;
  private grants = 0;

  constructor(scope: Construct, id: string, props: ResolvedPipelinesProps) {
    super(scope, id);
    const { platform } = props;
    const project = platform.gcpProject!;
    const region = platform.region!;
    this.project = project;
    const services = ProjectServices.of(this);
    if (!services) throw new PlatformValidationError('Vertex AI Pipelines needs the services stack of a Google Cloud platform (its ProjectServices)', this);
    services.addApis([...VERTEX_PIPELINES_APIS]);
    const names = pipelinesNames(platform.name);
    const labels = { ...platform.labels, ...componentLabels('pipelines') };

    this.pipelineRoot = new GcsObjectStore(this, 'PipelineRoot', { purpose: VERTEX_PIPELINES_BUCKET_PURPOSE, prefix: VERTEX_PIPELINES_PREFIX });
    this.runServiceAccount = new ServiceAccount(this, 'RunServiceAccount', {
      accountId: names.vertexRunServiceAccount,
      project,
      displayName: `${platform.name} pipeline runs`,
      description: `Loom: the identity Vertex AI pipeline jobs of platform ${platform.name} run as`,
    });
    const run: WorkloadIdentity = { kind: 'gcp-service-account', email: this.runServiceAccount.email };
    const member = serviceAccountMember(this.runServiceAccount.email);
    VERTEX_RUN_ROLES.forEach((role, i) => new ProjectIamMember(this, `RunRole${i}`, { project, role, member }));
    this.pipelineRoot.grant(run, 'write');

    this.templates = new ArtifactRegistryRepository(this, 'Templates', {
      project,
      location: region,
      repositoryId: names.templateRepository,
      format: 'KFP',
      description: `Loom: pipeline templates of platform ${platform.name}`,
      labels,
    });
    this.templatesUrl = `https://${region}-kfp.pkg.dev/${project}/${names.templateRepository}`;
    this.submitUrl = `https://${region}-aiplatform.googleapis.com`;
    this.artifactRoot = this.pipelineRoot.uri;
    this.runIdentity = run;
    this.runWorkloadIdentity = run;
  }

  /**
   * Lets `identity` (a Google service account) submit pipeline jobs, run them as the run service
   * account, and publish templates to the KFP repository.
   */
  grantSubmit(identity: WorkloadIdentity): void {
    if (identity.kind !== 'gcp-service-account') throw new PlatformValidationError(`Vertex AI Pipelines grants submission to Google service accounts; got ${identity.kind}`, this);
    this.grants += 1;
    const member = serviceAccountMember(identity.email);
    const grant = new Construct(this, `Submit${this.grants}`);
    new ProjectIamMember(grant, 'Submit', { project: this.project, role: 'roles/aiplatform.user', member });
    new ServiceAccountIamMember(grant, 'ActAsRunner', { serviceAccountId: this.runServiceAccount.name, role: 'roles/iam.serviceAccountUser', member });
    new ArtifactRegistryRepositoryIamMember(grant, 'PublishTemplates', {
      project: this.project,
      location: this.templates.location,
      repository: this.templates.name,
      role: 'roles/artifactregistry.writer',
      member,
    });
  }
}

/** Pipelines bought on Google Cloud: Vertex AI Pipelines' root bucket, run service account and template repository in the services stack. */
export function buyGcpPipelines(props: ResolvedPipelinesProps): VertexAiPipelines {
  const pipelines = new VertexAiPipelines(servicesScope(props, 'buy on Google Cloud: Vertex AI Pipelines'), 'Resource', props);
  componentOutput(pipelines, 'pipelines_submit_url', pipelines.submitUrl, 'Vertex AI Pipelines: the regional Vertex AI API endpoint');
  componentOutput(pipelines, 'pipelines_artifact_root', pipelines.artifactRoot, 'Vertex AI Pipelines: the pipeline root');
  componentOutput(pipelines, 'pipelines_run_identity', pipelines.runServiceAccount.email, 'Vertex AI Pipelines: the service account pipeline jobs run as');
  return pipelines;
}
