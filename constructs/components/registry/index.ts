/**
 * The registry component: one contract (`IRegistry`), three implementations, chosen by
 * `components.registry.mode` and the platform's cloud.
 */
export * from './contract';
export { registryFor } from './select';
export { Harbor, harborValues, harborProject, assertS3Credentials, internalLoadBalancerAnnotations, HARBOR_SERVICE } from './build';
export { EcrRegistry, ecrLifecyclePolicy, nodeRoleArns, ECR_PULL_ACTIONS, ECR_PUSH_ACTIONS } from './buy-aws';
export { ArtifactRegistry, artifactRegistryCleanupPolicies } from './buy-gcp';
export { HARBOR_REGISTRY_SERVICE_ACCOUNT, HARBOR_IMAGE_STORE_SECRET, type HarborImageStore, type CloudImageStoreProps, type S3Credentials } from './image-store';
export { HarborDns, HARBOR_DNS_TTL } from './dns';
export { HarborCertificate, NodeTrust, HARBOR_TLS_SECRET, containerdRegistryConfigDir, containerdHostsToml } from './trust';
export { HarborSetup, HarborPullSecret, harborSetupScript, harborRobotName, HARBOR_PULL_SECRET, HARBOR_ROBOT } from './pull-access';
export { S3ImageStore } from './s3-image-store';
export { GcsImageStore } from './gcs-image-store';

