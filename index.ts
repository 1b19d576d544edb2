/** Loom's public surface for TypeScript authors. */
export * from './schema';
export * from './constructs/core';
export { AwsNetwork } from './constructs/network/aws-network';
export { EksCluster } from './constructs/cluster/eks-cluster';
export { MlPlatform } from './stacks/ml-platform';
export { NetworkStack } from './stacks/network-stack';
export { ClusterStack } from './stacks/cluster-stack';
export { AddonsStack } from './stacks/addons-stack';
export { installAddons, PlatformAddons, CHARTS, type PlatformAddonsProps } from './constructs/addons';
export { isAwsKubernetesCluster, type IAwsKubernetesCluster, type EksAddonRoles, type KarpenterAttributes, type AddonIdentity } from './constructs/aws/addon-roles';
