/**
 * Chooses the feature store implementation for the component's mode and the platform's cloud,
 * loading only the chosen one (see `../registry/select.ts`).
 */
import { COMPONENT_FLAVOURS } from '../../../plan';
import { featureStoreComponentSchema } from '../../../schema/schema';
import { buildComponent } from '../contract';
import type { FeatureStoreProps, IFeatureStore } from './contract';

/**
 * The feature store for the component's mode and the platform's cloud:
 *
 * | mode \ cloud | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | build | Feast on the component's cluster: SQL registry in RDS, offline store in S3, online store in ElastiCache | same with Cloud SQL, GCS, Memorystore | same with CloudNativePG, the S3-compatible store, Valkey |
 * | buy | SageMaker Feature Store | Vertex AI Feature Store | rejected by validation |
 */
export function featureStoreFor(props: FeatureStoreProps): IFeatureStore {
  return buildComponent<typeof featureStoreComponentSchema, IFeatureStore>('featureStore', featureStoreComponentSchema, props, COMPONENT_FLAVOURS.featureStore, {
    build: (p) => (require('./build') as typeof import('./build')).buildFeatureStore(p),
    'buy-aws': (p) => (require('./buy-aws') as typeof import('./buy-aws')).buyAwsFeatureStore(p),
    'buy-gcp': (p) => (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpFeatureStore(p),
  });
}
