/**
 * Chooses the registry implementation for the component's mode and the platform's cloud.
 * Implementations are loaded only when chosen, so that a synth loads one cloud's provider classes,
 * not every cloud's.
 */
import { COMPONENT_FLAVOURS, implementationOf } from '../../../plan';
import { PlatformValidationError } from '../../core/errors';
import { registryComponentSchema } from '../../../schema/schema';
import { resolveComponentProps } from '../contract';
import type { IRegistry, RegistryProps } from './contract';


/**
 * The registry for the component's mode and the platform's cloud:
 *
 * | mode \ cloud | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | build | Harbor, images in S3 | Harbor, images in GCS | Harbor, images on a volume |
 * | buy | ECR | Artifact Registry | rejected by validation |
 */
export function registryFor(props: RegistryProps): IRegistry {
  const resolved = resolveComponentProps('registry', registryComponentSchema, props, COMPONENT_FLAVOURS.registry);
  const implementation = implementationOf(resolved.spec.mode, resolved.platform.cloud);
  switch (implementation) {
    case 'build':
      return (require('./build') as typeof import('./build')).buildRegistry(resolved);
    case 'buy-aws':
      return (require('./buy-aws') as typeof import('./buy-aws')).buyAwsRegistry(resolved);
    case 'buy-gcp':
      return (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpRegistry(resolved);
    default: {
      const unreachable: never = implementation;
      throw new PlatformValidationError(`no registry implementation '${String(unreachable)}'`);
    }
  }
}
