/**
 * Chooses the experiment tracking implementation for the component's mode and the platform's
 * cloud, loading only the chosen one (see `../registry/select.ts`).
 */
import { COMPONENT_FLAVOURS } from '../../../plan';
import { PlatformValidationError } from '../../core/errors';
import { experimentTrackingComponentSchema } from '../../../schema/schema';
import { buildComponent } from '../contract';
import type { ExperimentTrackingProps, IExperimentTracking } from './contract';

/**
 * Experiment tracking for the component's mode and the platform's cloud:
 *
 * | mode \ cloud | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | build | MLflow on the component's cluster — not synthesized yet (it needs the PostgreSQL and object stores of `constructs/stores` wired in) | same | same |
 * | buy | SageMaker managed MLflow | Vertex AI Experiments and Model Registry | rejected by validation |
 */
export function experimentTrackingFor(props: ExperimentTrackingProps): IExperimentTracking {
  return buildComponent<typeof experimentTrackingComponentSchema, IExperimentTracking>('experimentTracking', experimentTrackingComponentSchema, props, COMPONENT_FLAVOURS.experimentTracking, {
    build: () => {
      throw new PlatformValidationError('experimentTracking build (MLflow on the clusters) is not synthesized yet; use mode: buy on aws or gcp');
    },
    'buy-aws': (p) => (require('./buy-aws') as typeof import('./buy-aws')).buyAwsExperimentTracking(p),
    'buy-gcp': (p) => (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpExperimentTracking(p),
  });
}
