/**
 * Chooses the experiment tracking implementation for the component's mode and the platform's
 * cloud, loading only the chosen one (see `../registry/select.ts`).
 */
import { COMPONENT_FLAVOURS, implementationOf } from '../../../plan';
import { PlatformValidationError } from '../../core/errors';
import { experimentTrackingComponentSchema } from '../../../schema/schema';
import { resolveComponentProps } from '../contract';
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
  const resolved = resolveComponentProps('experimentTracking', experimentTrackingComponentSchema, props, COMPONENT_FLAVOURS.experimentTracking);
  const implementation = implementationOf(resolved.spec.mode, resolved.platform.cloud);
  switch (implementation) {
    case 'buy-aws':
      return (require('./buy-aws') as typeof import('./buy-aws')).buyAwsExperimentTracking(resolved);
    case 'buy-gcp':
      return (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpExperimentTracking(resolved);
    case 'build':
      throw new PlatformValidationError('experimentTracking build (MLflow on the clusters) is not synthesized yet; use mode: buy on aws or gcp');
    default: {
      const unreachable: never = implementation;
      throw new PlatformValidationError(`no experiment tracking implementation '${String(unreachable)}'`);
    }
  }
}
