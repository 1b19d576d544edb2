/**
 * The registry component: one contract (`IRegistry`), three implementations, chosen by
 * `components.registry.mode` and the platform's cloud.
 */
export * from './contract';
export { registryFor } from './select';
export { Harbor, harborValues, HARBOR_PROJECT, internalLoadBalancerAnnotations } from './build';
export { EcrRegistry, ecrLifecyclePolicy, ECR_PULL_ACTIONS } from './buy-aws';
export { ArtifactRegistry, artifactRegistryCleanupPolicies } from './buy-gcp';
export { HARBOR_REGISTRY_SERVICE_ACCOUNT, type HarborImageStore, type CloudImageStoreProps } from './image-store';
export { S3ImageStore } from './s3-image-store';
export { GcsImageStore } from './gcs-image-store';

