/**
 * Chooses the streaming implementation for the component's mode and the platform's cloud, loading
 * only the chosen one (see `../registry/select.ts`).
 */
import { componentFlavours } from '../../../plan';
import { streamingComponentSchema } from '../../../schema/schema';
import { buildComponent } from '../contract';
import type { IStreaming, StreamingProps } from './contract';

/**
 * Streaming for the component's mode and the platform's cloud:
 *
 * | mode \ cloud | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | build | Strimzi (KRaft) on the streaming cluster | same | same |
 * | buy | Amazon MSK provisioned, or MSK Serverless (`serverless: true`) | Managed Service for Apache Kafka | rejected by validation |
 */
export function streamingFor(props: StreamingProps): IStreaming {
  return buildComponent<typeof streamingComponentSchema, IStreaming>('streaming', streamingComponentSchema, props, componentFlavours('streaming', props.spec.mode), {
    build: (p) => (require('./build') as typeof import('./build')).buildStreaming(p),
    'buy-aws': (p) => (require('./buy-aws') as typeof import('./buy-aws')).buyAwsStreaming(p),
    'buy-gcp': (p) => (require('./buy-gcp') as typeof import('./buy-gcp')).buyGcpStreaming(p),
  });
}
