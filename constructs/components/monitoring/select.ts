/**
 * Chooses the monitoring implementation for the plan's mode and cloud.
 */
import { implementationOf } from '../../../spec/plan';
import { PlatformValidationError } from '../../core/errors';
import type { ComponentProps } from '../contract';
import type { IMonitoring } from './contract';
import { buildMonitoring } from './build';
import { buyAwsMonitoring } from './buy-aws';
import { buyGcpMonitoring } from './buy-gcp';

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
      return buildMonitoring(props);
    case 'buy-aws':
      return buyAwsMonitoring(props);
    case 'buy-gcp':
      return buyGcpMonitoring(props);
    default: {
      const unreachable: never = implementation;
      throw new PlatformValidationError(`no monitoring implementation '${String(unreachable)}'`);
    }
  }
}
