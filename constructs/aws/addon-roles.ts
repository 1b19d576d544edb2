/**
 * The AWS side of the add-ons, built in the CLUSTER stack (cloud provider only): the IAM roles the
 * add-ons' service accounts assume, and Karpenter's node role, interruption queue and event rules.
 * The add-ons stack (Kubernetes and Helm providers only) receives what it needs — role ARNs, the
 * queue's name — as cross-stack references through {@link IAwsKubernetesCluster}, and never creates
 * an AWS resource itself.
 *
 * Identities use IAM roles for service accounts (IRSA), as every other role of {@link EksCluster}
 * does: each role trusts exactly one `namespace/serviceAccount` of one cluster's OIDC provider.
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { PlatformValidationError } from '../core/errors';
import { ADDON_SERVICE_ACCOUNTS, awsClusterNames, type ClusterPlan } from '../../plan';
import { assumeRolePolicy, managedPolicy } from './iam';
import { awsAccount } from './account';
import {
  clusterAutoscalerPolicy,
  interruptionQueuePolicy,
  KARPENTER_EVENT_PATTERNS,
  karpenterControllerPolicy,
  loadBalancerControllerPolicy,
  type PolicyDocument,
} from './addon-policies';
import type { AddonIdentity, EksAddonRoles, KarpenterAttributes } from './aws-cluster';

export * from './aws-cluster';

/** What creating a service-account role takes; {@link EksCluster.addServiceAccountRole} provides it. */
export interface ServiceAccountRoleFactory {
  /** The cluster's plan (its resource name prefixes the roles' names). */
  readonly plan: ClusterPlan;
  /** An IAM role that only `namespace/serviceAccount` in the cluster may assume (IRSA). */
  addServiceAccountRole(
    id: string,
    namespace: string,
    serviceAccount: string,
    managedPolicyArns?: string[],
    inlinePolicy?: { readonly name: string; readonly document: PolicyDocument },
  ): {
    /** The IAM role. */
    readonly role: IamRole;
    /** The namespace of the service account the role trusts. */
    readonly namespace: string;
    /** The service account the role trusts. */
    readonly serviceAccount: string;
  };
}

function identity(sa: { readonly role: IamRole; readonly namespace: string; readonly serviceAccount: string }): AddonIdentity {
  return { roleArn: sa.role.arn, namespace: sa.namespace, serviceAccount: sa.serviceAccount };
}

/**
 * The IAM roles of the add-ons every EKS cluster gets, through the cluster's own
 * service-account roles: cluster-autoscaler's (unless Karpenter scales the nodes) and the AWS Load
 * Balancer Controller's, each with its policy inline so that it lives and dies with the role.
 *
 * @param clusterName the EKS cluster's name, as a reference to the cluster resource
 */
export function createAddonRoles(cluster: ServiceAccountRoleFactory, clusterName: string): EksAddonRoles {
  const ca = ADDON_SERVICE_ACCOUNTS.clusterAutoscaler;
  const lbc = ADDON_SERVICE_ACCOUNTS.loadBalancerController;
  return {
    ...(cluster.plan.autoscaler === 'cluster-autoscaler'
      ? {
          clusterAutoscaler: identity(
            cluster.addServiceAccountRole('ClusterAutoscalerRole', ca.namespace, ca.name, [], {
              name: 'cluster-autoscaler',
              document: clusterAutoscalerPolicy(clusterName),
            }),
          ),
        }
      : {}),
    loadBalancerController: identity(
      cluster.addServiceAccountRole('LoadBalancerControllerRole', lbc.namespace, lbc.name, [], {
        name: 'aws-load-balancer-controller',
        document: loadBalancerControllerPolicy(),
      }),
    ),
  };
}

/** Props of {@link KarpenterInfrastructure}. */
export interface KarpenterInfrastructureProps {
  /** The cluster, which makes the controller's IRSA role. */
  readonly cluster: ServiceAccountRoleFactory;
  /** The platform's name (with the cluster's, it names the node role, the queue and the rules). */
  readonly platformName: string;
  /** The cluster's region. */
  readonly region: string;
  /** The EKS cluster's name and ARN (references to the cluster resource). */
  readonly clusterName: string;
  /** The EKS cluster's ARN (a reference to the cluster resource). */
  readonly clusterArn: string;
  /**
   * Tags for what Karpenter's nodes are made of (the provider's default tags cover the rest).
   * @default none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Everything Karpenter needs on the AWS side, per Karpenter v1:
 *
 * - a dedicated node role (worker, image pull and SSM policies; the VPC CNI has its own IRSA role),
 *   admitted to the cluster with an `EC2_LINUX` access entry. EC2NodeClasses name it in `role`,
 *   and Karpenter creates and tags the instance profiles itself, which its policy allows only for
 *   profiles carrying its tags;
 * - the controller's IRSA role with the scoped controller policy;
 * - an SQS interruption queue (SQS-managed encryption, messages kept 300 s, as Karpenter reads them
 *   within seconds), writable by EventBridge only over TLS;
 * - EventBridge rules for AWS Health scheduled changes, spot interruption warnings, rebalance
 *   recommendations and instance state changes, each targeting the queue.
 */
export class KarpenterInfrastructure extends Construct implements KarpenterAttributes {
  readonly controllerRole: AddonIdentity;
  /** The IAM role of the nodes Karpenter launches. */
  readonly nodeRole: IamRole;
  readonly nodeRoleName: string;
  readonly nodeRoleArn: string;
  /** The SQS interruption queue the EventBridge rules deliver to. */
  readonly queue: SqsQueue;
  readonly interruptionQueueName: string;
  /** The `EC2_LINUX` access entry admitting the node role to the cluster. */
  readonly accessEntry: EksAccessEntry;

  constructor(scope: Construct, id: string, props: KarpenterInfrastructureProps) {
    super(scope, id);
    const { cluster } = props;
    if (cluster.plan.autoscaler !== 'karpenter') {
      throw new PlatformValidationError(`cluster '${cluster.plan.name}' does not use Karpenter (autoscaler: ${cluster.plan.autoscaler})`, this);
    }
    const names = awsClusterNames(props.platformName, cluster.plan.name);

    // Nodes.
    this.nodeRole = new IamRole(this, 'NodeRole', {
      name: names.karpenterNodeRole,
      description: `Nodes Karpenter launches for EKS cluster ${names.cluster}`,
      assumeRolePolicy: assumeRolePolicy({ Service: 'ec2.amazonaws.com' }),
    });
    this.nodeRoleName = this.nodeRole.name;
    this.nodeRoleArn = this.nodeRole.arn;
    for (const p of ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore']) {
      new IamRolePolicyAttachment(this, `NodeRole${p}`, { role: this.nodeRole.name, policyArn: managedPolicy(p) });
    }
    this.accessEntry = new EksAccessEntry(this, 'NodeAccessEntry', {
      clusterName: props.clusterName,
      principalArn: this.nodeRole.arn,
      type: 'EC2_LINUX',
    });

    // Interruption handling.
    this.queue = new SqsQueue(this, 'InterruptionQueue', {
      name: names.karpenterInterruptionQueue,
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
      ...(props.tags ? { tags: { ...props.tags } } : {}),
    });
    this.interruptionQueueName = this.queue.name;
    const queuePolicy = new SqsQueuePolicy(this, 'InterruptionQueuePolicy', {
      queueUrl: this.queue.url,
      policy: JSON.stringify(interruptionQueuePolicy(this.queue.arn)),
    });
    const rules = new Construct(this, 'EventRules');
    for (const [key, pattern] of Object.entries(KARPENTER_EVENT_PATTERNS) as [keyof typeof KARPENTER_EVENT_PATTERNS, unknown][]) {
      const rule = new CloudwatchEventRule(rules, key, {
        name: names.karpenterEventRules[key],
        description: `Karpenter interruption handling for EKS cluster ${names.cluster}: ${EVENT_DESCRIPTIONS[key]}`,
        eventPattern: JSON.stringify(pattern),
      });
      new CloudwatchEventTarget(rules, `${key}-target`, {
        rule: rule.name,
        targetId: 'KarpenterInterruptionQueue',
        arn: this.queue.arn,
        dependsOn: [queuePolicy],
      });
    }

    // Controller: upstream's policy with its CloudFormation parameters resolved from the stack's
    // account (partition, account id), the plan's region and the cluster's own resources.
    const account = awsAccount(this);
    this.controllerRole = identity(
      cluster.addServiceAccountRole('KarpenterControllerRole', ADDON_SERVICE_ACCOUNTS.karpenter.namespace, ADDON_SERVICE_ACCOUNTS.karpenter.name, [], {
        name: 'karpenter-controller',
        document: karpenterControllerPolicy({
          clusterName: props.clusterName,
          clusterArn: props.clusterArn,
          region: props.region,
          accountId: account.accountId,
          partition: account.partition,
          nodeRoleArn: this.nodeRole.arn,
          interruptionQueueArn: this.queue.arn,
        }),
      }),
    );
  }
}

const EVENT_DESCRIPTIONS: Readonly<Record<keyof typeof KARPENTER_EVENT_PATTERNS, string>> = {
  scheduledChange: 'AWS Health scheduled changes',
  spotInterruption: 'spot interruption warnings',
  rebalance: 'instance rebalance recommendations',
  stateChange: 'instance state changes',
  capacityReservationInterruption: 'capacity reservation interruption warnings',
};
