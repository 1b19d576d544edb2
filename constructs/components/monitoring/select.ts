/**
 * Chooses the monitoring implementation for the component's mode and the platform's cloud,
 * loading only the chosen one (see `../registry/select.ts`).
 */
import { COMPONENT_FLAVOURS } from '../../../plan';
import { monitoringComponentSchema } from '../../../schema/schema';
import { buildComponent } from '../contract';
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
  return buildComponent<typeof monitoringComponentSchema, IMonitoring>('monitoring', monitoringComponentSchema, props, COMPONENT_FLAVOURS.monitoring, {
    build: (p) => (require('./build') as typeof import('./build')).buildMonitoring(p),
    'buy-aws': (p) => (require('./buy-aws') as typeof import('./buy-aws')).buyAwsMonitoring(p),
    'buy-gcp': (p) => (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpMonitoring(p),
  });
}
