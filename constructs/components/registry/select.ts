/**
 * Chooses the registry implementation for the plan's mode and cloud. Implementations are loaded
 * only when chosen, so that a synth loads one cloud's provider classes, not every cloud's.
 */
import { implementationOf } from '../../../plan';
import { PlatformValidationError } from '../../core/errors';
import type { ComponentProps } from '../contract';
import type { IRegistry } from './contract';

/**
 * The registry for the plan's mode and cloud:
 *
 * | mode \ cloud | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | build | Harbor, images in S3 | Harbor, images in GCS | Harbor, images on a volume |
 * | buy | ECR | Artifact Registry | rejected by validation |
 */
export function registryFor(props: ComponentProps): IRegistry {
  if (props.component.name !== 'registry') throw new PlatformValidationError(`registryFor was given component '${props.component.name}'`);
  const implementation = implementationOf(props.component.mode, props.plan.cloud);
  switch (implementation) {
    case 'build':
      return (require('./build') as typeof import('./build')).buildRegistry(props);
    case 'buy-aws':
      return (require('./buy-aws') as typeof import('./buy-aws')).buyAwsRegistry(props);
    case 'buy-gcp':
      return (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpRegistry(props);
    default: {
      const unreachable: never = implementation;
      throw new PlatformValidationError(`no registry implementation '${String(unreachable)}'`);
    }
  }
}
