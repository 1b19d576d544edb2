/**
 * The experiment tracking contract — also the platform's model registry: what consumers
 * (pipelines, notebooks, serving, CI) need to log runs and register models, whichever mode
 * provides it: MLflow built on the platform's clusters, SageMaker managed MLflow, or Vertex AI
 * Experiments and Model Registry.
 */
import type { IKubernetesCluster } from '../../core/contracts';
import type { StoreAccess, WorkloadIdentity } from '../../stores/contract';
import type { ComponentProps, IPlatformComponent, ResolvedComponentProps } from '../contract';
import type { ExperimentTrackingComponentSpec, ExperimentTrackingComponentSpecInput } from '../../../schema/schema';

/** The products behind the experiment tracking contract. */
export type ExperimentTrackingProduct = 'mlflow' | 'sagemaker-mlflow' | 'vertex-ai';

/**
 * How clients talk to it: the MLflow client (MLflow, and SageMaker managed MLflow with the
 * `sagemaker-mlflow` plugin) or the Vertex AI SDK (`aiplatform.init(experiment=…)`).
 */
export type TrackingProtocol = 'mlflow' | 'vertex-ai';

export interface IExperimentTracking extends IPlatformComponent {
  /** Always `experimentTracking`. */
  readonly componentName: 'experimentTracking';
  /** The product behind it. */
  readonly product: ExperimentTrackingProduct;
  /** The client protocol. */
  readonly protocol: TrackingProtocol;
  /**
   * Where clients log runs: MLflow's URL (build), the tracking server's ARN (SageMaker managed
   * MLflow: the MLflow client with the `sagemaker-mlflow` plugin takes it as its tracking URI), or
   * the Vertex AI location `projects/<project>/locations/<region>`. @attribute
   */
  readonly trackingUri: string;
  /** Where run artifacts go: `s3://…` or `gs://…`. @attribute */
  readonly artifactUri: string;
  /**
   * Where registered models live: MLflow's model registry (the tracking URI; on SageMaker synced to
   * the SageMaker Model Registry), or Vertex AI Model Registry's `projects/<p>/locations/<r>/models`.
   * @attribute
   */
  readonly modelRegistryUri: string;
  /**
   * Lets `identity` read runs and models (`read`), or also log runs and register models (`write`),
   * including the artifact store.
   */
  grantAccess(identity: WorkloadIdentity, access: StoreAccess): void;
}

/** Experiment tracking's props: `components.experimentTracking` of platform.yaml, the clusters' add-ons stacks and the services stack. */
export type ExperimentTrackingProps = ComponentProps<ExperimentTrackingComponentSpecInput>;
/** Experiment tracking's props, validated. */
export type ResolvedExperimentTrackingProps = ResolvedComponentProps<ExperimentTrackingComponentSpec>;

/**
 * Experiment tracking's client environment, in every cluster's `loom-platform` ConfigMap: the same
 * keys whichever mode provides it. `MLFLOW_TRACKING_URI`, which the MLflow client reads, is the
 * tracking URI where the protocol is `mlflow` and empty otherwise (Vertex AI).
 */
export function experimentTrackingEnvironment(
  tracking: Pick<IExperimentTracking, 'protocol' | 'trackingUri' | 'artifactUri' | 'modelRegistryUri'> & {
    /** Where clients on a given cluster reach it, when that differs by cluster (MLflow built on one of them). */
    trackingUriFor?(cluster: IKubernetesCluster): string;
  },
  cluster?: IKubernetesCluster,
): Record<string, string> {
  const uri = cluster && tracking.trackingUriFor ? tracking.trackingUriFor(cluster) : tracking.trackingUri;
  return {
    LOOM_ARTIFACT_URI: tracking.artifactUri,
    LOOM_MODEL_REGISTRY_URI: tracking.modelRegistryUri === tracking.trackingUri ? uri : tracking.modelRegistryUri,
    LOOM_TRACKING_PROTOCOL: tracking.protocol,
    LOOM_TRACKING_URI: uri,
    // The MLflow client's own variable, where the client is MLflow's (same key in every mode).
    MLFLOW_TRACKING_URI: tracking.protocol === 'mlflow' ? uri : '',
  };
}
