/**
 * Chooses the registry implementation for the component's mode and the platform's cloud.
 * Implementations are loaded only when chosen, so that a synth loads one cloud's provider classes,
 * not every cloud's.
 */
import { COMPONENT_FLAVOURS } from '../../../plan';
import { registryComponentSchema } from '../../../schema/schema';
import { buildComponent } from '../contract';
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
  return buildComponent<typeof registryComponentSchema, IRegistry>('registry', registryComponentSchema, props, COMPONENT_FLAVOURS.registry, {
    build: (p) => (require('./build') as typeof import('./build')).buildRegistry(p),
    'buy-aws': (p) => (require('./buy-aws') as typeof import('./buy-aws')).buyAwsRegistry(p),
    'buy-gcp': (p) => (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpRegistry(p),
  });
}
