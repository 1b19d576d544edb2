/**
 * Chooses the registry implementation for the component's mode and the platform's cloud.
 * Implementations are loaded only when chosen, so that a synth loads one cloud's provider classes,
 * not every cloud's.
 */
import { COMPONENT_FLAVOURS, implementationOf } from '../../../plan';
import { PlatformValidationError } from '../../core/errors';
import { registryComponentSchema, type RegistryComponentSpec, type RegistryComponentSpecInput } from '../../../schema/schema';
import { resolveComponentProps, type ComponentProps, type ResolvedComponentProps } from '../contract';
import type { IRegistry } from './contract';

/** The registry's props: `components.registry` of platform.yaml, the clusters' add-ons stacks and the services stack. */
export type RegistryProps = ComponentProps<RegistryComponentSpecInput>;
/** The registry's props, validated. */
export type ResolvedRegistryProps = ResolvedComponentProps<RegistryComponentSpec>;

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
