/**
 * The component table: every component Loom synthesizes, as one row each — its name, the cluster
 * flavours it may run on, and the function that builds it through its contract (`registryFor`,
 * `monitoringFor`). `MlPlatform` builds a platform's components from it, in table order, and a
 * custom component is a row of the same shape (`MlPlatform.addComponent`): nothing in Loom's core
 * changes to add one.
 */
import type { Flavour } from '../../schema/schema';
import { COMPONENT_FLAVOURS, COMPONENT_USES, hasServicesStackResources, type ComponentMode } from '../../plan';
import type { ComponentProps, IPlatformComponent } from './contract';
import type { ComponentSpecInput } from '../../schema/schema';
import type { Cloud } from '../../schema/schema';
import { monitoringFor } from './monitoring/select';
import { registryFor } from './registry/select';
import { monitoringEnvironment, type IMonitoring } from './monitoring/contract';
import { registryEnvironment, type IRegistry } from './registry/contract';
import { experimentTrackingFor } from './experiment-tracking/select';
import { experimentTrackingEnvironment, type IExperimentTracking } from './experiment-tracking/contract';
import { featureStoreFor } from './feature-store/select';
import { featureStoreEnvironment, type IFeatureStore } from './feature-store/contract';
import { streamingFor } from './streaming/select';
import { pipelinesFor } from './pipelines/select';
import { servingFor } from './serving/select';
import { servingEnvironment, type IServing } from './serving/contract';
import { pipelinesEnvironment, type IPipelines } from './pipelines/contract';
import { streamingEnvironment, type IStreaming } from './streaming/contract';
import type { IKubernetesCluster } from '../core/contracts';

/**
 * The components a component consumes, by name, through their contracts: those of its
 * {@link ComponentDefinition.uses} the platform has (absent ones are undefined).
 */
export type UsedComponents = Readonly<Record<string, IPlatformComponent | undefined>>;

/** One row of the component table. */
export interface ComponentDefinition<S extends ComponentSpecInput = ComponentSpecInput, C extends IPlatformComponent = IPlatformComponent> {
  /** The component's name: its key under `components` (Loom's seven) or a custom component's own. */
  readonly name: string;
  /** The cluster flavours it may run on, first the one it prefers (its default cluster is the first cluster of that flavour). */
  readonly flavours: readonly Flavour[];
  /**
   * Whether the component keeps resources in the services stack in `mode` on `cloud`: resources in
   * the cloud (a managed service, a bucket, an identity), or ones Terraform generates itself that
   * every cluster's add-ons stack reads (built streaming's Kafka CA and passwords, on existing
   * clusters too). Then the platform has a services stack for it.
   */
  hasCloudSideResources(mode: ComponentMode, cloud: Cloud): boolean;
  /**
   * The components this one consumes through their contracts (serving reads models from
   * tracking's artifact store, …): built before it when the platform has them, and handed to
   * {@link create}.
   * @default none
   */
  readonly uses?: readonly string[];
  /**
   * Builds the component through its contract: validates `props.spec` and picks the implementation
   * for its mode and the cloud; `used` holds the components of {@link uses} the platform has.
   */
  create(props: ComponentProps<S>, used: UsedComponents): C;
  /**
   * What a client on `cluster` needs to use the component, as environment variables in the
   * cluster's `loom-platform` ConfigMap: the same keys in every mode.
   * @default none
   */
  clientEnvironment?(component: C, cluster: IKubernetesCluster): Readonly<Record<string, string>>;
}

/** Loom's components, in the order they are built: monitoring first, so that the others may hand it scrape targets. */
export const PLATFORM_COMPONENTS: readonly ComponentDefinition[] = [
  {
    name: 'monitoring',
    flavours: COMPONENT_FLAVOURS.monitoring,
    hasCloudSideResources: (mode, cloud) => hasServicesStackResources(cloud, 'monitoring', mode),
    create: (props) => monitoringFor(props),
    clientEnvironment: (monitoring, cluster) => monitoringEnvironment(monitoring as IMonitoring, cluster),
  },
  {
    name: 'registry',
    flavours: COMPONENT_FLAVOURS.registry,
    hasCloudSideResources: (mode, cloud) => hasServicesStackResources(cloud, 'registry', mode),
    create: (props) => registryFor(props),
    clientEnvironment: (registry) => registryEnvironment(registry as IRegistry),
  },
  {
    name: 'experimentTracking',
    flavours: COMPONENT_FLAVOURS.experimentTracking,
    hasCloudSideResources: (mode, cloud) => hasServicesStackResources(cloud, 'experimentTracking', mode),
    create: (props) => experimentTrackingFor(props),
    clientEnvironment: (tracking, cluster) => experimentTrackingEnvironment(tracking as IExperimentTracking, cluster),
  },
  {
    name: 'featureStore',
    flavours: COMPONENT_FLAVOURS.featureStore,
    hasCloudSideResources: (mode, cloud) => hasServicesStackResources(cloud, 'featureStore', mode),
    create: (props) => featureStoreFor(props),
    clientEnvironment: (store, cluster) => featureStoreEnvironment(store as IFeatureStore, cluster),
  },
  {
    name: 'serving',
    flavours: COMPONENT_FLAVOURS.serving,
    hasCloudSideResources: (mode, cloud) => hasServicesStackResources(cloud, 'serving', mode),
    uses: COMPONENT_USES.serving!,
    create: (props, used) => {
      const tracking = used.experimentTracking as IExperimentTracking | undefined;
      const registry = used.registry as IRegistry | undefined;
      const featureStore = used.featureStore as IFeatureStore | undefined;
      return servingFor({
        ...props,
        ...(tracking ? { modelStoreUri: tracking.artifactUri, modelStore: { uri: tracking.artifactUri, grant: (identity) => tracking.grantAccess(identity, 'read') } } : {}),
        ...(registry ? { registryUrl: registry.registryUrl } : {}),
        // Built, the model servers read it from loom-platform, where the feature store's keys are.
        ...(featureStore ? { environment: featureStoreEnvironment(featureStore), environmentFromPlatformConfig: true } : {}),
      });
    },
    clientEnvironment: (serving, cluster) => servingEnvironment(serving as IServing, cluster),
  },
  {
    name: 'pipelines',
    flavours: COMPONENT_FLAVOURS.pipelines,
    hasCloudSideResources: (mode, cloud) => hasServicesStackResources(cloud, 'pipelines', mode),
    // Runs log to tracking and read the feature store's offline store (the batch queue is Kueue's,
    // on the pipelines' cluster).
    uses: COMPONENT_USES.pipelines!,
    create: (props, used) => {
      const pipelines = pipelinesFor(props);
      const runs = pipelines.runWorkloadIdentity;
      if (runs) {
        (used.experimentTracking as IExperimentTracking | undefined)?.grantAccess(runs, 'write');
        (used.featureStore as IFeatureStore | undefined)?.grantRead(runs);
      }
      return pipelines;
    },
    clientEnvironment: (pipelines, cluster) => pipelinesEnvironment(pipelines as IPipelines, cluster),
  },
  {
    name: 'streaming',
    flavours: COMPONENT_FLAVOURS.streaming,
    hasCloudSideResources: (mode, cloud) => hasServicesStackResources(cloud, 'streaming', mode),
    create: (props) => streamingFor(props),
    clientEnvironment: (streaming, cluster) => streamingEnvironment(streaming as IStreaming, cluster),
  },
];

/**
 * The order to build `definitions` in: each after the components it uses (among those given),
 * otherwise in the given order — the table's, monitoring first so that the others may hand it
 * scrape targets. A cycle is a programming error in the table and throws.
 */
export function buildOrder<D extends Pick<ComponentDefinition, 'name' | 'uses'>>(definitions: readonly D[]): D[] {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: D[] = [];
  const visit = (d: D): void => {
    if (done.has(d.name)) return;
    if (visiting.has(d.name)) throw new Error(`component table: ${d.name} uses itself through ${[...visiting].join(' → ')}`);
    visiting.add(d.name);
    for (const used of d.uses ?? []) {
      const dependency = byName.get(used);
      if (dependency) visit(dependency);
    }
    visiting.delete(d.name);
    done.add(d.name);
    order.push(d);
  };
  definitions.forEach(visit);
  return order;
}
