/**
 * An EKS cluster as the add-ons see it, with no provider classes behind it: add-ons on any cloud
 * import this to recognise an AWS cluster, and so load no AWS provider code unless the platform is
 * on AWS. The resources behind these attributes are built by `addon-roles.ts` in the cluster stack.
 */
import type { IKubernetesCluster } from '../core/contracts';

/** An IAM role a Kubernetes service account assumes, as the add-ons stack needs it. */
export interface AddonIdentity {
  /** The role's ARN: the service account's `eks.amazonaws.com/role-arn` annotation. @attribute */
  readonly roleArn: string;
  /** The namespace of the service account the role trusts. */
  readonly namespace: string;
  /** The service account the role trusts. */
  readonly serviceAccount: string;
}

/** The add-on roles every EKS cluster has. */
export interface EksAddonRoles {
  /** cluster-autoscaler (`autoscaler: cluster-autoscaler`, the default); absent with Karpenter. */
  readonly clusterAutoscaler?: AddonIdentity;
  /** The AWS Load Balancer Controller. */
  readonly loadBalancerController: AddonIdentity;
}

/** What the add-ons stack needs to run Karpenter (`autoscaler: karpenter`). */
export interface KarpenterAttributes {
  /** The controller's role. */
  readonly controllerRole: AddonIdentity;
  /** The role of the nodes Karpenter launches: EC2NodeClass `role` (Karpenter creates the instance profile). @attribute */
  readonly nodeRoleName: string;
  /** The ARN of the same role (ECR pull access for Karpenter's nodes, the controller's `iam:PassRole`). @attribute */
  readonly nodeRoleArn: string;
  /** The SQS queue interruption events arrive on: the chart's `settings.interruptionQueue`. @attribute */
  readonly interruptionQueueName: string;
}

/**
 * An EKS cluster as its add-ons see it: the cloud-neutral contract plus what only AWS has.
 * Add-ons narrow an {@link IKubernetesCluster} to it with {@link isAwsKubernetesCluster}.
 */
export interface IAwsKubernetesCluster extends IKubernetesCluster {
  /** Always `aws`. */
  readonly cloud: 'aws';
  /** The cluster's region. */
  readonly region: string;
  /** The VPC the cluster runs in (the load balancer controller's `vpcId`). @attribute */
  readonly vpcId: string;
  /** The security group EKS creates for the cluster, on every node. @attribute */
  readonly clusterSecurityGroupId: string;
  /** The IAM roles of the add-ons that call AWS (IRSA), made in the cluster stack. */
  readonly addonRoles: EksAddonRoles;
  /** Present when the cluster's nodes are provisioned by Karpenter. */
  readonly karpenter?: KarpenterAttributes;
}

/** Whether `cluster` is an EKS cluster with add-on roles. */
export function isAwsKubernetesCluster(cluster: IKubernetesCluster): cluster is IAwsKubernetesCluster {
  return cluster.cloud === 'aws' && 'addonRoles' in cluster;
}
