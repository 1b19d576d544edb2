/**
 * The feature store component: one contract (`IFeatureStore`), chosen by
 * `components.featureStore.mode` and the platform's cloud.
 */
export * from './contract';
export { featureStoreFor } from './select';
export { SageMakerFeatureStore, buyAwsFeatureStore, FEATURE_STORE_RUNTIME_ACTIONS, FEATURE_GROUP_ACTIONS, ATHENA_BYTES_SCANNED_CUTOFF } from './buy-aws';
export { VertexAiFeatureStore, buyGcpFeatureStore, VERTEX_FEATURE_STORE_ROLES, BIGQUERY_DATASET_ROLES } from './buy-gcp';
export {
  FeastFeatureStore,
  buildFeatureStore,
  feastConfiguration,
  feastValues,
  feastProject,
  feastClusterUrl,
  FEAST_SERVICE,
  FEAST_LOAD_BALANCER_SERVICE,
  FEAST_SERVICE_PORT,
  FEAST_CONTAINER_PORT,
  FEAST_METRICS_PORT,
  FEAST_VALKEY_AUTH_SECRET,
  FEAST_REGISTRY_CACHE_TTL_SECONDS,
} from './build';
export type { FeastFeatureStoreProps, FeastConfigurationProps, FeastValuesProps, FeastOnlineStoreConnection } from './build';
