/**
 * Chooses the pipelines implementation for the component's mode and the platform's cloud, loading
 * only the chosen one (see `../registry/select.ts`).
 */
import { COMPONENT_FLAVOURS } from '../../../plan';
import { pipelinesComponentSchema } from '../../../schema/schema';
import { buildComponent } from '../contract';
import type { IPipelines, PipelinesProps } from './contract';

/**
 * Pipelines for the component's mode and the platform's cloud:
 *
 * | mode \ cloud | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | build | Argo Workflows on the batch cluster: archive in RDS, artifacts in S3 | same with Cloud SQL, GCS | same with CloudNativePG, the S3-compatible store |
 * | buy | SageMaker Pipelines | Vertex AI Pipelines | rejected by validation |
 */
export function pipelinesFor(props: PipelinesProps): IPipelines {
  return buildComponent<typeof pipelinesComponentSchema, IPipelines>('pipelines', pipelinesComponentSchema, props, COMPONENT_FLAVOURS.pipelines, {
    build: (p) => (require('./build') as typeof import('./build')).buildPipelines(p),
    'buy-aws': (p) => (require('./buy-aws') as typeof import('./buy-aws')).buyAwsPipelines(p),
    'buy-gcp': (p) => (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpPipelines(p),
  });
}
