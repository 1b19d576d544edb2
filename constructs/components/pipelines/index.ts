/**
 * The pipelines component: one contract (`IPipelines`), chosen by `components.pipelines.mode` and
 * the platform's cloud.
 */
export * from './contract';
export { pipelinesFor } from './select';
export {
  SageMakerPipelines,
  buyAwsPipelines,
  PIPELINE_STEP_ACTIONS,
  PIPELINE_SUBMIT_ACTIONS,
  SAGEMAKER_IMAGE_PULL_ACTIONS,
  SAGEMAKER_PIPELINES_BUCKET_PURPOSE,
  SAGEMAKER_PIPELINES_PREFIX,
} from './buy-aws';
export { VertexAiPipelines, buyGcpPipelines, VERTEX_PIPELINES_APIS, VERTEX_PIPELINES_BUCKET_PURPOSE, VERTEX_PIPELINES_PREFIX, VERTEX_RUN_ROLES } from './buy-gcp';
export {
  ArgoWorkflows,
  buildPipelines,
  argoWorkflowsValues,
  argoArtifactRepository,
  argoControllerScrapeTarget,
  argoSmokeTemplate,
  argoServerClusterAddress,
  PIPELINES_STORES,
  ARGO_RELEASE,
  ARGO_SERVER_SERVICE,
  ARGO_SERVER_PORT,
  ARGO_CONTROLLER_METRICS_PORT,
  ARGO_SERVICE_ACCOUNTS,
  ARGO_ARCHIVE_TABLE,
  ARGO_ARCHIVE_TTL,
  ARGO_WORKFLOW_TTL_SECONDS,
  ARGO_SUBMIT_ROLE,
  ARGO_SUBMIT_RULES,
  ARGO_SUBMITTERS_GROUP,
  ARGO_SMOKE_TEMPLATE,
  ARGO_SMOKE_IMAGE,
  ARGO_RESOURCES_RELEASE,
  WORKFLOW_QUEUE_LABEL,
} from './build';
export type { ArgoWorkflowsProps, ArgoWorkflowsValuesProps, ArgoIdentities, ArgoArtifactRepositoryValues, ArgoSubmitRule } from './build';
