/**
 * The component table: every component Loom synthesizes, as one row each — its name, the cluster
 * flavours it may run on, and the function that builds it through its contract (`registryFor`,
 * `monitoringFor`). `MlPlatform` builds a platform's components from it, in table order, and a
 * custom component is a row of the same shape (`MlPlatform.addComponent`): nothing in Loom's core
 * changes to add one.
 */
import type { Flavour } from '../../schema/schema';
import { COMPONENT_FLAVOURS, hasCloudSideResources, type ComponentMode } from '../../plan';
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
import type { IKubernetesCluster } from '../core/contracts';

/** One row of the component table. */
export interface ComponentDefinition<S extends ComponentSpecInput = ComponentSpecInput, C extends IPlatformComponent = IPlatformComponent> {
  /** The component's name: its key under `components` (Loom's seven) or a custom component's own. */
  readonly name: string;
  /** The cluster flavours it may run on, first the one it prefers (its default cluster is the first cluster of that flavour). */
  readonly flavours: readonly Flavour[];
  /**
   * Whether the component keeps resources in the cloud (a managed service, a bucket, an identity)
   * in `mode` on `cloud`: then the platform has a services stack for it.
   */
  hasCloudSideResources(mode: ComponentMode, cloud: Cloud): boolean;
  /** Builds the component through its contract: validates `props.spec` and picks the implementation for its mode and the cloud. */
  create(props: ComponentProps<S>): C;
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
    hasCloudSideResources: (mode, cloud) => hasCloudSideResources(cloud, 'monitoring', mode),
    create: (props) => monitoringFor(props),
    clientEnvironment: (monitoring, cluster) => monitoringEnvironment(monitoring as IMonitoring, cluster),
  },
  {
    name: 'registry',
    flavours: COMPONENT_FLAVOURS.registry,
    hasCloudSideResources: (mode, cloud) => hasCloudSideResources(cloud, 'registry', mode),
    create: (props) => registryFor(props),
    clientEnvironment: (registry) => registryEnvironment(registry as IRegistry),
  },
  {
    name: 'experimentTracking',
    flavours: COMPONENT_FLAVOURS.experimentTracking,
    hasCloudSideResources: (mode, cloud) => hasCloudSideResources(cloud, 'experimentTracking', mode),
    create: (props) => experimentTrackingFor(props),
    clientEnvironment: (tracking, cluster) => experimentTrackingEnvironment(tracking as IExperimentTracking, cluster),
  },
  {
    name: 'featureStore',
    flavours: COMPONENT_FLAVOURS.featureStore,
    hasCloudSideResources: (mode, cloud) => hasCloudSideResources(cloud, 'featureStore', mode),
    create: (props) => featureStoreFor(props),
    clientEnvironment: (store, cluster) => featureStoreEnvironment(store as IFeatureStore, cluster),
  },
];
