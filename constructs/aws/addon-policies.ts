/**
 * IAM policy documents of the add-ons that call AWS APIs, each as upstream publishes it and scoped
 * to one cluster wherever upstream allows: cluster-autoscaler, the AWS Load Balancer Controller and
 * Karpenter's controller. Plain data builders (no cdktf), so that the documents can be read and
 * tested on their own; values may be Terraform tokens, which end up interpolated in the JSON.
 */

/** An IAM policy document. */
export interface PolicyDocument {
  /** The policy language version (the current one). */
  readonly Version: '2012-10-17';
  /** The statements, in order. */
  readonly Statement: readonly PolicyStatement[];
}

/** One statement of an IAM policy document. */
export interface PolicyStatement {
  /**
   * The statement's id, saying what it allows.
   * @default none
   */
  readonly Sid?: string;
  /** Whether the statement allows or denies. */
  readonly Effect: 'Allow' | 'Deny';
  /** The API actions (`ec2:DescribeInstances`, …). */
  readonly Action: string | readonly string[];
  /** The ARNs the actions apply to (`*` where the actions take no resource-level permissions). */
  readonly Resource: string | readonly string[];
  /**
   * Who the statement applies to (resource and trust policies only).
   * @default none
   */
  readonly Principal?: unknown;
  /**
   * Conditions: operator → context key → value(s).
   * @default none
   */
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/**
 * cluster-autoscaler with auto-discovery, after the policy its AWS cloud provider documents
 * (`cluster-autoscaler/cloudprovider/aws/README.md`, "Full Cluster Autoscaler Features Policy"):
 *
 * - Scaling (`SetDesiredCapacity`, `TerminateInstanceInAutoScalingGroup`) only on the Auto Scaling
 *   groups tagged `k8s.io/cluster-autoscaler/<cluster>: owned`, which EKS puts on the groups of the
 *   cluster's managed node groups and on no other cluster's.
 * - Read-only discovery everywhere (those APIs take no resource-level permissions), and
 *   `eks:DescribeNodegroup` on this cluster's node groups, so that scale-from-zero knows a managed
 *   node group's labels and taints.
 */
export function clusterAutoscalerPolicy(clusterName: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ScaleOwnNodeGroups',
        Effect: 'Allow',
        Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        Resource: '*',
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: 'owned' } },
      },
      {
        Sid: 'DiscoverNodeGroups',
        Effect: 'Allow',
        Action: [
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeAutoScalingInstances',
          'autoscaling:DescribeLaunchConfigurations',
          'autoscaling:DescribeScalingActivities',
          'autoscaling:DescribeTags',
          'ec2:DescribeImages',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplateVersions',
          'ec2:GetInstanceTypesFromInstanceRequirements',
        ],
        Resource: '*',
      },
      {
        // Scale-from-zero reads a managed node group's labels and taints: this cluster's groups only.
        Sid: 'DescribeOwnNodeGroups',
        Effect: 'Allow',
        Action: ['eks:DescribeNodegroup'],
        Resource: `arn:aws:eks:*:*:nodegroup/${clusterName}/*/*`,
      },
    ],
  };
}

/**
 * The AWS Load Balancer Controller's policy: upstream's `docs/install/iam_policy.json`
 * (kubernetes-sigs/aws-load-balancer-controller) as published for the v2.14+/v3 controllers, which
 * adds IPAM pools, listener attributes, capacity reservations and rule priorities to the earlier
 * document. Upstream scopes writes by the `elbv2.k8s.aws/cluster` tag the controller puts on what
 * it creates; the document is kept verbatim (commercial partition) so that it can be diffed against
 * upstream when the chart is upgraded.
 */
export function loadBalancerControllerPolicy(): PolicyDocument {
  const lbArns = [
    'arn:aws:elasticloadbalancing:*:*:targetgroup/*/*',
    'arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*',
    'arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*',
  ];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:CreateServiceLinkedRole'],
        Resource: '*',
        Condition: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } },
      },
      {
        Effect: 'Allow',
        Action: [
          'ec2:DescribeAccountAttributes',
          'ec2:DescribeAddresses',
          'ec2:DescribeAvailabilityZones',
          'ec2:DescribeInternetGateways',
          'ec2:DescribeVpcs',
          'ec2:DescribeVpcPeeringConnections',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeInstances',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeTags',
          'ec2:GetCoipPoolUsage',
          'ec2:DescribeCoipPools',
          'ec2:GetSecurityGroupsForVpc',
          'ec2:DescribeIpamPools',
          'ec2:DescribeRouteTables',
          'elasticloadbalancing:DescribeLoadBalancers',
          'elasticloadbalancing:DescribeLoadBalancerAttributes',
          'elasticloadbalancing:DescribeListeners',
          'elasticloadbalancing:DescribeListenerCertificates',
          'elasticloadbalancing:DescribeSSLPolicies',
          'elasticloadbalancing:DescribeRules',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeTargetGroupAttributes',
          'elasticloadbalancing:DescribeTargetHealth',
          'elasticloadbalancing:DescribeTags',
          'elasticloadbalancing:DescribeTrustStores',
          'elasticloadbalancing:DescribeListenerAttributes',
          'elasticloadbalancing:DescribeCapacityReservation',
        ],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: [
          'cognito-idp:DescribeUserPoolClient',
          'acm:ListCertificates',
          'acm:DescribeCertificate',
          'iam:ListServerCertificates',
          'iam:GetServerCertificate',
          'waf-regional:GetWebACL',
          'waf-regional:GetWebACLForResource',
          'waf-regional:AssociateWebACL',
          'waf-regional:DisassociateWebACL',
          'wafv2:GetWebACL',
          'wafv2:GetWebACLForResource',
          'wafv2:AssociateWebACL',
          'wafv2:DisassociateWebACL',
          'shield:GetSubscriptionState',
          'shield:DescribeProtection',
          'shield:CreateProtection',
          'shield:DeleteProtection',
        ],
        Resource: '*',
      },
      { Effect: 'Allow', Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'], Resource: '*' },
      { Effect: 'Allow', Action: ['ec2:CreateSecurityGroup'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['ec2:CreateTags'],
        Resource: 'arn:aws:ec2:*:*:security-group/*',
        Condition: {
          StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup' },
          Null: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'false' },
        },
      },
      {
        Effect: 'Allow',
        Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
        Resource: 'arn:aws:ec2:*:*:security-group/*',
        Condition: { Null: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'true', 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' } },
      },
      {
        Effect: 'Allow',
        Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'],
        Resource: '*',
        Condition: { Null: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' } },
      },
      {
        Effect: 'Allow',
        Action: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
        Resource: '*',
        Condition: { Null: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'false' } },
      },
      {
        Effect: 'Allow',
        Action: [
          'elasticloadbalancing:CreateListener',
          'elasticloadbalancing:DeleteListener',
          'elasticloadbalancing:CreateRule',
          'elasticloadbalancing:DeleteRule',
        ],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
        Resource: lbArns,
        Condition: { Null: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'true', 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' } },
      },
      {
        Effect: 'Allow',
        Action: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
        Resource: [
          'arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*',
          'arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*',
          'arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*',
          'arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*',
        ],
      },
      {
        Effect: 'Allow',
        Action: [
          'elasticloadbalancing:ModifyLoadBalancerAttributes',
          'elasticloadbalancing:SetIpAddressType',
          'elasticloadbalancing:SetSecurityGroups',
          'elasticloadbalancing:SetSubnets',
          'elasticloadbalancing:DeleteLoadBalancer',
          'elasticloadbalancing:ModifyTargetGroup',
          'elasticloadbalancing:ModifyTargetGroupAttributes',
          'elasticloadbalancing:DeleteTargetGroup',
          'elasticloadbalancing:ModifyListenerAttributes',
          'elasticloadbalancing:ModifyCapacityReservation',
          'elasticloadbalancing:ModifyIpPools',
        ],
        Resource: '*',
        Condition: { Null: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' } },
      },
      {
        Effect: 'Allow',
        Action: ['elasticloadbalancing:AddTags'],
        Resource: lbArns,
        Condition: {
          StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer'] },
          Null: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'false' },
        },
      },
      {
        Effect: 'Allow',
        Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
        Resource: 'arn:aws:elasticloadbalancing:*:*:targetgroup/*/*',
      },
      {
        Effect: 'Allow',
        Action: [
          'elasticloadbalancing:SetWebAcl',
          'elasticloadbalancing:ModifyListener',
          'elasticloadbalancing:AddListenerCertificates',
          'elasticloadbalancing:RemoveListenerCertificates',
          'elasticloadbalancing:ModifyRule',
          'elasticloadbalancing:SetRulePriorities',
        ],
        Resource: '*',
      },
    ],
  };
}

/** What Karpenter's controller policy is scoped to. */
export interface KarpenterPolicyScope {
  /** The EKS cluster's name. */
  readonly clusterName: string;
  /** The EKS cluster's ARN (API endpoint discovery). */
  readonly clusterArn: string;
  /** The cluster's region (the region of the instances and resources Karpenter manages). */
  readonly region: string;
  /** The cluster's account (instance-profile ARNs). */
  readonly accountId: string;
  /** The ARN partition (`aws`). */
  readonly partition: string;
  /** The role Karpenter's nodes get (the only role it may pass). */
  readonly nodeRoleArn: string;
  /** The interruption queue it reads. */
  readonly interruptionQueueArn: string;
}

/**
 * Karpenter's controller policy: the statements of the controller's managed policies in the
 * getting-started CloudFormation template of the pinned release (1.14.1: NodeLifecycle,
 * IAMIntegration, EKSIntegration, Interruption, ZonalShift, ResourceDiscovery), merged into one
 * document with the same Sids. `catalog/upstream/karpenter-<version>-controller-policy.json`
 * keeps upstream's text, and a test compares the two statement by statement, so that a chart bump
 * without a policy update fails. EC2 writes only on resources carrying the cluster's
 * `kubernetes.io/cluster/<name>: owned` and `karpenter.sh/nodepool` tags (which Karpenter sets when
 * it creates them), reads limited to the region, `iam:PassRole` for the node role alone and only
 * to EC2, instance profiles (which Karpenter v1 creates from an EC2NodeClass's `role`) only with
 * Karpenter's own tags, the interruption queue, and `eks:DescribeCluster` on this cluster.
 */
export function karpenterControllerPolicy(s: KarpenterPolicyScope): PolicyDocument {
  const ec2 = (what: string) => `arn:${s.partition}:ec2:${s.region}:*:${what}`;
  const taggedLaunches = [ec2('fleet/*'), ec2('instance/*'), ec2('volume/*'), ec2('network-interface/*'), ec2('launch-template/*'), ec2('spot-instances-request/*')];
  const instanceProfiles = `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`;
  const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${s.clusterName}`]: 'owned' };
  const requestOwned = {
    [`aws:RequestTag/kubernetes.io/cluster/${s.clusterName}`]: 'owned',
    'aws:RequestTag/eks:eks-cluster-name': s.clusterName,
  };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowScopedEC2InstanceAccessActions',
        Effect: 'Allow',
        Resource: [
          `arn:${s.partition}:ec2:${s.region}::image/*`,
          `arn:${s.partition}:ec2:${s.region}::snapshot/*`,
          ec2('security-group/*'),
          ec2('subnet/*'),
          // Capacity reservations and placement groups named by an EC2NodeClass (Karpenter ≥ 1.3/1.11).
          ec2('capacity-reservation/*'),
          ec2('placement-group/*'),
        ],
        Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
      },
      {
        Sid: 'AllowScopedEC2LaunchTemplateAccessActions',
        Effect: 'Allow',
        Resource: ec2('launch-template/*'),
        Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
        Condition: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
      },
      {
        Sid: 'AllowScopedEC2InstanceActionsWithTags',
        Effect: 'Allow',
        Resource: taggedLaunches,
        Action: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
        Condition: { StringEquals: requestOwned, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
      },
      {
        Sid: 'AllowScopedResourceCreationTagging',
        Effect: 'Allow',
        Resource: taggedLaunches,
        Action: 'ec2:CreateTags',
        Condition: {
          StringEquals: { ...requestOwned, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] },
          StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
        },
      },
      {
        Sid: 'AllowScopedResourceTagging',
        Effect: 'Allow',
        Resource: ec2('instance/*'),
        Action: 'ec2:CreateTags',
        Condition: {
          StringEquals: owned,
          StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
          StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': s.clusterName },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
        },
      },
      {
        Sid: 'AllowScopedDeletion',
        Effect: 'Allow',
        Resource: [ec2('instance/*'), ec2('launch-template/*')],
        Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
        Condition: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
      },
      {
        Sid: 'AllowRegionalReadActions',
        Effect: 'Allow',
        Resource: '*',
        Action: [
          'ec2:DescribeCapacityReservations',
          'ec2:DescribeImages',
          'ec2:DescribeInstances',
          'ec2:DescribeInstanceStatus',
          'ec2:DescribeInstanceTypeOfferings',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplates',
          'ec2:DescribePlacementGroups',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeSpotPriceHistory',
          'ec2:DescribeSubnets',
        ],
        Condition: { StringEquals: { 'aws:RequestedRegion': s.region } },
      },
      { Sid: 'AllowSSMReadActions', Effect: 'Allow', Resource: `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`, Action: 'ssm:GetParameter' },
      { Sid: 'AllowPricingReadActions', Effect: 'Allow', Resource: '*', Action: 'pricing:GetProducts' },
      {
        Sid: 'AllowInterruptionQueueActions',
        Effect: 'Allow',
        Resource: s.interruptionQueueArn,
        Action: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      },
      {
        Sid: 'AllowPassingInstanceRole',
        Effect: 'Allow',
        Resource: s.nodeRoleArn,
        Action: 'iam:PassRole',
        Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
      },
      {
        Sid: 'AllowScopedInstanceProfileCreationActions',
        Effect: 'Allow',
        Resource: instanceProfiles,
        Action: ['iam:CreateInstanceProfile'],
        Condition: {
          StringEquals: { ...requestOwned, 'aws:RequestTag/topology.kubernetes.io/region': s.region },
          StringLike: { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
        },
      },
      {
        Sid: 'AllowScopedInstanceProfileTagActions',
        Effect: 'Allow',
        Resource: instanceProfiles,
        Action: ['iam:TagInstanceProfile'],
        Condition: {
          StringEquals: {
            ...owned,
            'aws:ResourceTag/topology.kubernetes.io/region': s.region,
            ...requestOwned,
            'aws:RequestTag/topology.kubernetes.io/region': s.region,
          },
          StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*', 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
        },
      },
      {
        Sid: 'AllowScopedInstanceProfileActions',
        Effect: 'Allow',
        Resource: instanceProfiles,
        Action: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
        Condition: {
          StringEquals: { ...owned, 'aws:ResourceTag/topology.kubernetes.io/region': s.region },
          StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' },
        },
      },
      // Garbage collection of the instance profiles Karpenter created: without it they leak
      // toward the account's instance-profile quota.
      { Sid: 'AllowUnscopedInstanceProfileListAction', Effect: 'Allow', Resource: '*', Action: 'iam:ListInstanceProfiles' },
      { Sid: 'AllowInstanceProfileReadActions', Effect: 'Allow', Resource: instanceProfiles, Action: 'iam:GetInstanceProfile' },
      { Sid: 'AllowAPIServerEndpointDiscovery', Effect: 'Allow', Resource: s.clusterArn, Action: 'eks:DescribeCluster' },
      {
        // Zonal-shift awareness: no launches into a zone ARC has shifted the cluster away from.
        Sid: 'AllowZonalShiftStatusReadOnly',
        Effect: 'Allow',
        Resource: '*',
        Action: ['arc-zonal-shift:GetManagedResource'],
        Condition: { StringEquals: { 'arc-zonal-shift:ResourceIdentifier': s.clusterArn } },
      },
    ],
  };
}

/**
 * The interruption queue's policy: EventBridge (and SQS itself) may send to it, and nothing may
 * use it over plain HTTP — as Karpenter's template has it.
 */
export function interruptionQueuePolicy(queueArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowEventBridge',
        Effect: 'Allow',
        Principal: { Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
      },
      {
        Sid: 'DenyHTTP',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        Resource: queueArn,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
}

/**
 * The EventBridge events Karpenter handles, by rule: AWS Health scheduled changes, spot
 * interruption warnings, rebalance recommendations and instance state changes. Each is delivered
 * to the interruption queue so that Karpenter drains a node before EC2 takes it away.
 */
export const KARPENTER_EVENT_PATTERNS = {
  /** AWS Health scheduled changes (instance retirement, maintenance). */
  scheduledChange: {
    /** The event source. */
    source: ['aws.health'],
    /** The event's detail type. */
    'detail-type': ['AWS Health Event'],
  },
  /** Spot interruption warnings (two minutes' notice). */
  spotInterruption: {
    /** The event source. */
    source: ['aws.ec2'],
    /** The event's detail type. */
    'detail-type': ['EC2 Spot Instance Interruption Warning'],
  },
  /** Rebalance recommendations (a spot instance at elevated risk). */
  rebalance: {
    /** The event source. */
    source: ['aws.ec2'],
    /** The event's detail type. */
    'detail-type': ['EC2 Instance Rebalance Recommendation'],
  },
  /** Instance state changes (stopping, terminated). */
  stateChange: {
    /** The event source. */
    source: ['aws.ec2'],
    /** The event's detail type. */
    'detail-type': ['EC2 Instance State-change Notification'],
  },
  /** Capacity reservation interruption warnings. */
  capacityReservationInterruption: {
    /** The event source. */
    source: ['aws.ec2'],
    /** The event's detail type. */
    'detail-type': ['EC2 Capacity Reservation Instance Interruption Warning'],
  },
} as const;
