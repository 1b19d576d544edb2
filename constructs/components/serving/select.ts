/**
 * Chooses the serving implementation for the component's mode and the platform's cloud, loading
 * only the chosen one (see `../registry/select.ts`).
 */
import { COMPONENT_FLAVOURS } from '../../../plan';
import { servingComponentSchema } from '../../../schema/schema';
import { buildComponent } from '../contract';
import type { IServing, ServingConsumes, ServingProps } from './contract';

/**
 * Serving for the component's mode and the platform's cloud:
 *
 * | mode \ cloud | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | build | KServe (Standard mode) on the component's cluster, models from S3 through IRSA | same, Cloud Storage through Workload Identity | same, the data centre's S3-compatible store |
 * | buy | SageMaker endpoints | Vertex AI endpoints (models deployed by the printed commands) | rejected by validation |
 */
export function servingFor(props: ServingProps): IServing {
  const { modelStoreUri, modelStore, registryUrl, environment, environmentFromPlatformConfig, ...component } = props;
  const consumes: ServingConsumes = {
    ...(modelStoreUri !== undefined ? { modelStoreUri } : {}),
    ...(modelStore !== undefined ? { modelStore } : {}),
    ...(registryUrl !== undefined ? { registryUrl } : {}),
    ...(environment !== undefined ? { environment } : {}),
    ...(environmentFromPlatformConfig !== undefined ? { environmentFromPlatformConfig } : {}),
  };
  return buildComponent<typeof servingComponentSchema, IServing>('serving', servingComponentSchema, component, COMPONENT_FLAVOURS.serving, {
    build: (p) => (require('./build') as typeof import('./build')).buildServing({ ...p, ...consumes }),
    'buy-aws': (p) => (require('./buy-aws') as typeof import('./buy-aws')).buyAwsServing({ ...p, ...consumes }),
    'buy-gcp': (p) => (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpServing({ ...p, ...consumes }),
  });
}
