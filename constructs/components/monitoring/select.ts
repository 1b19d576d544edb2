/**
 * Chooses the monitoring implementation for the component's mode and the platform's cloud,
 * loading only the chosen one (see `../registry/select.ts`).
 */
import { COMPONENT_FLAVOURS, implementationOf } from '../../../plan';
import { PlatformValidationError } from '../../core/errors';
import { monitoringComponentSchema } from '../../../schema/schema';
import { resolveComponentProps } from '../contract';
import type { IMonitoring, MonitoringProps } from './contract';

/**
 * The monitoring for the component's mode and the platform's cloud:
 *
 * | mode \ cloud | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | build | kube-prometheus-stack on every cluster | same | same |
 * | buy | Amazon Managed Service for Prometheus + Managed Grafana | Google Managed Prometheus | rejected by validation |
 */
export function monitoringFor(props: MonitoringProps): IMonitoring {
  const resolved = resolveComponentProps('monitoring', monitoringComponentSchema, props, COMPONENT_FLAVOURS.monitoring);
  const implementation = implementationOf(resolved.spec.mode, resolved.platform.cloud);
  switch (implementation) {
    case 'build':
      return (require('./build') as typeof import('./build')).buildMonitoring(resolved);
    case 'buy-aws':
      return (require('./buy-aws') as typeof import('./buy-aws')).buyAwsMonitoring(resolved);
    case 'buy-gcp':
      return (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpMonitoring(resolved);
    default: {
      const unreachable: never = implementation;
      throw new PlatformValidationError(`no monitoring implementation '${String(unreachable)}'`);
    }
  }
}
