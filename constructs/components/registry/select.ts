/**
 * Chooses the registry implementation for the plan's mode and cloud.
 */
import { implementationOf } from '../../../spec/plan';
import { PlatformValidationError } from '../../core/errors';
import type { ComponentProps } from '../contract';
import type { IRegistry } from './contract';
import { buildRegistry } from './build';
import { buyAwsRegistry } from './buy-aws';
import { buyGcpRegistry } from './buy-gcp';

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
      return buildRegistry(props);
    case 'buy-aws':
      return buyAwsRegistry(props);
    case 'buy-gcp':
      return buyGcpRegistry(props);
    default: {
      const unreachable: never = implementation;
      throw new PlatformValidationError(`no registry implementation '${String(unreachable)}'`);
    }
  }
}
