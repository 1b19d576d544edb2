/**
 * Chooses the experiment tracking implementation for the component's mode and the platform's
 * cloud, loading only the chosen one (see `../registry/select.ts`).
 */
import { COMPONENT_FLAVOURS } from '../../../plan';
import { experimentTrackingComponentSchema } from '../../../schema/schema';
import { buildComponent } from '../contract';
import type { ExperimentTrackingProps, IExperimentTracking } from './contract';

/**
 * Experiment tracking for the component's mode and the platform's cloud:
 *
 * | mode \ cloud | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | build | MLflow on the component's cluster, RDS + S3 | MLflow, Cloud SQL + GCS | MLflow, CloudNativePG + `objectStorage:` |
 * | buy | SageMaker managed MLflow | Vertex AI Experiments and Model Registry | rejected by validation |
 */
export function experimentTrackingFor(props: ExperimentTrackingProps): IExperimentTracking {
  return buildComponent<typeof experimentTrackingComponentSchema, IExperimentTracking>('experimentTracking', experimentTrackingComponentSchema, props, COMPONENT_FLAVOURS.experimentTracking, {
    build: (p) => (require('./build') as typeof import('./build')).buildExperimentTracking(p),
    'buy-aws': (p) => (require('./buy-aws') as typeof import('./buy-aws')).buyAwsExperimentTracking(p),
    'buy-gcp': (p) => (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpExperimentTracking(p),
  });
}
