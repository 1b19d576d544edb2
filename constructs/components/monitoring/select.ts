/**
 * Chooses the monitoring implementation for the plan's mode and cloud. Implementations are loaded
 * only when chosen, so that a synth loads one cloud's provider classes, not every cloud's.
 */
import { implementationOf } from '../../../plan';
import { PlatformValidationError } from '../../core/errors';
import type { ComponentProps } from '../contract';
import type { IMonitoring } from './contract';

/**
 * The monitoring for the plan's mode and cloud:
 *
 * | mode \ cloud | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | build | kube-prometheus-stack on every cluster | same | same |
 * | buy | AMP + managed scrapers + Managed Grafana | Managed Service for Prometheus | rejected by validation |
 */
export function monitoringFor(props: ComponentProps): IMonitoring {
  if (props.component.name !== 'monitoring') throw new PlatformValidationError(`monitoringFor was given component '${props.component.name}'`);
  const implementation = implementationOf(props.component.mode, props.plan.cloud);
  switch (implementation) {
    case 'build':
      return (require('./build') as typeof import('./build')).buildMonitoring(props);
    case 'buy-aws':
      return (require('./buy-aws') as typeof import('./buy-aws')).buyAwsMonitoring(props);
    case 'buy-gcp':
      return (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpMonitoring(props);
    default: {
      const unreachable: never = implementation;
      throw new PlatformValidationError(`no monitoring implementation '${String(unreachable)}'`);
    }
  }
}
