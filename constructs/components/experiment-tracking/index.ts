/**
 * The experiment tracking component (also the model registry): one contract
 * (`IExperimentTracking`), chosen by `components.experimentTracking.mode` and the platform's cloud.
 */
export * from './contract';
export { experimentTrackingFor } from './select';
export { SageMakerMlflow, buyAwsExperimentTracking, SAGEMAKER_MLFLOW_ACTIONS, MODEL_REGISTRY_ACTIONS } from './buy-aws';
export { VertexAiExperiments, buyGcpExperimentTracking, VERTEX_AI_ROLES } from './buy-gcp';
export { Mlflow, buildExperimentTracking, mlflowValues, mlflowScrapeTarget, mlflowClusterUrl, MLFLOW_SERVICE, MLFLOW_SERVICE_PORT, MLFLOW_CONTAINER_PORT } from './build';
export type { MlflowProps, MlflowValuesProps } from './build';
