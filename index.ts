/**
 * Loom's public surface for TypeScript authors: every construct, contract and props type.
 *
 * - The whole platform: {@link MlPlatform} (`new MlPlatform(app, 'acme', props)`, props = the spec).
 * - Stacks of a platform: {@link LoomStack} (carries the platform settings), {@link NetworkStack},
 *   {@link ClusterStack}, {@link AddonsStack}, {@link ServicesStack}.
 * - Building blocks, each usable alone with the props of its platform.yaml key: networks
 *   ({@link AwsNetwork}, {@link GcpNetwork}), clusters ({@link EksCluster}, {@link GkeCluster},
 *   {@link ExistingCluster}), add-ons ({@link PlatformAddons} and the add-on table), components
 *   through their contracts ({@link registryFor}, {@link monitoringFor} and the component table).
 * - The spec's schema, validation, the pure plan and the catalogue of versioned facts.
 */
export * from './schema';
export * from './constructs/core';
export * from './constructs/network/aws-network';
export * from './constructs/network/gcp-network';
export * from './constructs/cluster/eks-cluster';
export * from './constructs/cluster/gke-cluster';
export * from './constructs/cluster/existing-cluster';
export * from './constructs/kubernetes';
export * from './constructs/addons';
export * from './constructs/components';
export { isAwsKubernetesCluster, type IAwsKubernetesCluster, type EksAddonRoles, type KarpenterAttributes, type AddonIdentity } from './constructs/aws/addon-roles';
export { type GkeRegistryTrust } from './constructs/gcp/registry-trust';
export * from './stacks/network-stack';
export * from './stacks/cluster-stack';
export * from './stacks/addons-stack';
export * from './stacks/services-stack';
export * from './stacks/ml-platform';
export * from './stacks/platform-teams';
export type { TeamPlatform, TeamPlatformPlan, TeamPlatformSpec, TeamComponentMode } from './constructs/teams';
export type { CaPem } from './constructs/tls/ca';
export type { PolicyDocument, PolicyStatement } from './constructs/aws/addon-policies';
export type { HarborDnsProps } from './constructs/components/registry/dns';
export { InternalDns, INTERNAL_DNS_TTL, fixedComponentEndpoint, type InternalDnsProps, type InternalDnsRecord, type FixedComponentEndpointProps } from './constructs/components/dns';
export { fixedEndpoint, type FixedEndpoint, type FixedEndpointProps } from './constructs/components/load-balancer';
export type { HarborProps, HarborValuesProps } from './constructs/components/registry/build';
export type { HarborSetupProps, PullSecretProps } from './constructs/components/registry/pull-access';
export type { NodeTrustProps } from './constructs/components/registry/trust';
export type { KubePrometheusStackValuesProps } from './constructs/components/monitoring/build';
export type { ScraperConfigurationProps } from './constructs/components/monitoring/buy-aws';
export type { KarpenterDisruption } from './plan/flavours';
export type { PlannedClusterName } from './plan/gcp';
export * from './constructs/stores/contract';
export * from './constructs/stores/object-store';
export * from './constructs/components/experiment-tracking';
export * from './constructs/components/feature-store';
export * from './constructs/components/streaming';
export * from './constructs/components/pipelines';
export * from './constructs/components/serving';
export * from './constructs/stores/secret-sync';
export * from './constructs/stores/secret-access';
export * from './constructs/stores/workload-identity';
export * from './constructs/stores/postgres';
export * from './constructs/stores/key-value';
export * from './plan/footprints';
export * from './plan/cost';
export * from './catalog/prices';
export * from './catalog/usage-profiles';
export * from './schema/usage';
