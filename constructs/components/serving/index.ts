/**
 * The serving component: one contract (`IServing`), chosen by `components.serving.mode` and the
 * platform's cloud.
 */
export * from './contract';
export { servingFor } from './select';
export { modelLocation, s3ModelReadPolicy, foreignModelUris } from './model-access';
export type { ModelLocation } from './model-access';
export {
  KServeServing,
  buildServing,
  clusterServingRuntimes,
  inferenceService,
  kserveValues,
  servingScrapeTargets,
  predictorClusterUrl,
  metricsPortOf,
  KSERVE_RUNTIMES,
  KSERVE_CRD_RELEASE,
  KSERVE_RELEASE,
  KSERVE_RUNTIMES_RELEASE,
  SERVING_RELEASE,
  SERVING_SERVICE_ACCOUNT,
  SERVING_DEPLOY_ROLE,
  SERVING_DEPLOY_VERBS,
  SERVING_STORE,
  SERVING_NAMESPACE,
  KSERVE_HTTP_PORT,
  SERVING_SERVICE_PORT,
  SERVING_CPU_TARGET_PERCENT,
  SERVING_METRICS_LABEL,
  INFERENCE_SERVICE_API_VERSION,
  SERVING_RUNTIME_API_VERSION,
  KSERVE_VERSION,
} from './build';
export type { AnnotatedManifest, KServeServingProps, KServeRuntime, InferenceServiceProps, KServeValuesProps, PrebuiltFramework } from './build';
export {
  SageMakerServing,
  buyAwsServing,
  SAGEMAKER_IMAGES,
  SAGEMAKER_INVOCATIONS_PER_INSTANCE,
  SAGEMAKER_VARIANT,
  SAGEMAKER_INVOKE_ACTIONS,
  SAGEMAKER_DEPLOY_ACTIONS,
  SAGEMAKER_DEPLOY_KEY_ACTIONS,
  SAGEMAKER_CPU_INSTANCE,
  SAGEMAKER_GPU_INSTANCES,
  sagemakerEndpointUrl,
  sagemakerInstanceType,
} from './buy-aws';
export type { SageMakerImage, SageMakerEndpointResources } from './buy-aws';
export {
  VertexAiServing,
  buyGcpServing,
  vertexDeployCommands,
  vertexEndpointId,
  vertexEndpointUrl,
  vertexPrebuiltImage,
  prebuiltRegistryHost,
  VERTEX_INVOKE_PERMISSIONS,
  VERTEX_DEPLOYER_ROLE,
  VERTEX_SERVICE_ACCOUNT_USER_ROLE,
  VERTEX_GPUS,
  VERTEX_CPU_MACHINE,
} from './buy-gcp';
export type { VertexDeployProps } from './buy-gcp';
export type { VertexGpu } from '../../../schema/serving-rules';
