/**
 * Experiment tracking, bought on Google Cloud: Vertex AI Experiments and Model Registry. There is
 * no server to create — experiments, runs and models live in the project's Vertex AI location —
 * so the services stack holds what using them needs: the Vertex AI API enabled, a staging bucket
 * for artifacts ({@link GcsObjectStore}), optionally a Vertex AI TensorBoard runs log to, and the
 * grants that let a workload's service account use them.
 */
import { Construct } from 'constructs';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { VertexAiTensorboard } from '@cdktf/provider-google/lib/vertex-ai-tensorboard';
import { PlatformValidationError } from '../../core/errors';
import { serviceAccountMember } from '../../gcp/gcp';
import { ProjectServices } from '../../gcp/project-services';
import { GcsObjectStore } from '../../stores/object-store/gcs-object-store';
import type { StoreAccess, WorkloadIdentity } from '../../stores/contract';
import { componentLabels, componentOutput, servicesScope } from '../contract';
import type { IExperimentTracking, ResolvedExperimentTrackingProps } from './contract';

/** The project role each access level gets: `aiplatform.viewer` (read runs and models) or `aiplatform.user` (also log runs, register models). */
export const VERTEX_AI_ROLES: Readonly<Record<StoreAccess, string>> = {
  read: 'roles/aiplatform.viewer',
  write: 'roles/aiplatform.user',
};

/** Experiment tracking on Vertex AI Experiments and Model Registry (buy on Google Cloud). */
export class VertexAiExperiments extends Construct implements IExperimentTracking {
  readonly componentName = 'experimentTracking' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-gcp' as const;
  readonly product = 'vertex-ai' as const;
  readonly protocol = 'vertex-ai' as const;
  readonly trackingUri: string;
  readonly artifactUri: string;
  readonly modelRegistryUri: string;
  /** The staging bucket for artifacts. */
  readonly staging: GcsObjectStore;
  /** The TensorBoard instance, with `tensorboard: true`. */
  readonly tensorboard?: VertexAiTensorboard;
  private readonly project: string;
  private grants = 0;

  constructor(scope: Construct, id: string, props: ResolvedExperimentTrackingProps) {
    super(scope, id);
    const { platform, spec } = props;
    const project = platform.gcpProject!;
    const region = platform.region!;
    this.project = project;
    // Vertex AI is called through its API alone: enable it with the stack's other APIs.
    const services = ProjectServices.of(this);
    if (!services) throw new PlatformValidationError('Vertex AI needs the services stack of a Google Cloud platform (its ProjectServices)', this);
    services.addApis(['aiplatform.googleapis.com']);
    this.staging = new GcsObjectStore(this, 'Staging', { purpose: 'vertex-staging' });
    if (spec.tensorboard) {
      this.tensorboard = new VertexAiTensorboard(this, 'Tensorboard', {
        displayName: `${platform.name}-experiments`,
        description: `Loom: experiment runs of platform ${platform.name}`,
        project,
        region,
        labels: { ...platform.labels, ...componentLabels('experimentTracking') },
      });
    }
    const location = `projects/${project}/locations/${region}`;
    this.trackingUri = location;
    this.artifactUri = this.staging.uri;
    this.modelRegistryUri = `${location}/models`;
  }

  grantAccess(identity: WorkloadIdentity, access: StoreAccess): void {
    if (identity.kind !== 'gcp-service-account') throw new PlatformValidationError(`Vertex AI grants access to Google service accounts; got ${identity.kind}`, this);
    this.grants += 1;
    new ProjectIamMember(this, `Access${this.grants}`, {
      project: this.project,
      role: VERTEX_AI_ROLES[access],
      member: serviceAccountMember(identity.email),
    });
    this.staging.grant(identity, access);
  }
}

/** Experiment tracking bought on Google Cloud: Vertex AI Experiments and Model Registry, from the services stack. */
export function buyGcpExperimentTracking(props: ResolvedExperimentTrackingProps): VertexAiExperiments {
  const tracking = new VertexAiExperiments(servicesScope(props, 'buy on Google Cloud: Vertex AI Experiments'), 'Resource', props);
  componentOutput(tracking, 'tracking_uri', tracking.trackingUri, 'Vertex AI Experiments: the location (aiplatform.init(project, location, experiment))');
  componentOutput(tracking, 'artifact_uri', tracking.artifactUri, 'Where run artifacts go (the Vertex AI staging bucket)');
  return tracking;
}
