/**
 * The cloud side of a cluster, for implementations that need more than `IKubernetesCluster`
 * (node identities to grant pulls to, the OIDC provider for workload identity, the subnets a
 * managed scraper joins). Each throws a clear error when given a cluster of another cloud.
 */
import type { IKubernetesCluster } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
// Types only: recognising a cluster must not load the other cloud's provider classes.
import type { EksCluster } from '../cluster/eks-cluster';
import type { GkeCluster } from '../cluster/gke-cluster';

/** The EKS cluster behind `cluster`; `why` names what needs it. */
export function eksClusterOf(cluster: IKubernetesCluster, why: string): EksCluster {
  if (cluster.cloud === 'aws' && 'oidcProviderArn' in cluster && 'nodeRole' in cluster) return cluster as EksCluster;
  throw new PlatformValidationError(`${why} needs an EKS cluster; cluster '${cluster.plan.name}' is on ${cluster.cloud}`, cluster);
}

/** The GKE cluster behind `cluster`; `why` names what needs it. */
export function gkeClusterOf(cluster: IKubernetesCluster, why: string): GkeCluster {
  if (cluster.cloud === 'gcp' && 'workloadPool' in cluster && 'nodeServiceAccount' in cluster) return cluster as GkeCluster;
  throw new PlatformValidationError(`${why} needs a GKE cluster; cluster '${cluster.plan.name}' is on ${cluster.cloud}`, cluster);
}
