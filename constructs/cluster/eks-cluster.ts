/**
 * An EKS cluster for one planned cluster: private API endpoint, KMS-encrypted secrets, every
 * control-plane log, API-mode access entries, IAM roles for service accounts, the managed add-ons
 * a cluster needs to run, and its nodes: one managed node group per pool shaped by the flavour's
 * profile (scaled by cluster-autoscaler), or — with `autoscaler: karpenter` — only the plan's small
 * system node group while Karpenter provisions the pools. The system group also comes with
 * cluster-autoscaler when every pool scales to zero, so that the autoscaler has somewhere to run.
 *
 * The IAM side of the platform add-ons lives here too (see `../aws/addon-roles.ts`): the add-ons
 * stack reads the roles' ARNs through {@link IAwsKubernetesCluster} and creates no AWS resource.
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksCluster as EksClusterResource } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, TerraformIterator, type ITerraformDependable } from '../core/cdk';
import type { INetwork, KubernetesConnection } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
import { awsClusterNames, awsNodePoolNames, zonalNodeGroups, type ClusterPlan, type NodePoolPlan, type PlatformContext } from '../../plan';
import type { ClusterSpecInput, NodePoolSpecInput } from '../../schema/schema';
import type { ComponentMode } from '../../plan';
import { platformOf } from '../core/stack';
import { placeCluster, planWithPool } from './place';
import { eksAddonVersions, eksSupportType, type EksAddonName } from '../../catalog/kubernetes-versions';
import { evaluationDate } from '../../catalog/today';
import { assumeRolePolicy, managedPolicy, serviceAccountTrustPolicy } from '../aws/iam';
import {
  createAddonRoles,
  KarpenterInfrastructure,
  type EksAddonRoles,
  type IAwsKubernetesCluster,
  type KarpenterAttributes,
} from '../aws/addon-roles';
import type { PolicyDocument } from '../aws/addon-policies';
import { awsAccount } from '../aws/account';
import { keyPolicy } from '../aws/kms';

/**
 * A cluster as platform.yaml's `clusters[]` entry has it (`name`, `flavour`, `nodePools`,
 * `autoscaler`, `endpoint`, `admins`, …), validated by the same schema and rules, plus the network
 * it goes in.
 */
export interface EksClusterProps extends ClusterSpecInput {
  /** The network the cluster's nodes live in; the cluster takes the next block of its address plan. */
  readonly network: INetwork;
  /**
   * The platform's monitoring mode, which the cluster is prepared for: `build` runs Prometheus on
   * the cluster, so its system node group, where it has one, takes the larger machine type. `MlPlatform`
   * sets it from `components.monitoring.mode`.
   * @default no monitoring component
   */
  readonly monitoring?: ComponentMode;
}

/** Control-plane log types; all of them, for audit and troubleshooting. */
export const EKS_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;
/** How long control-plane logs are kept. */
const CONTROL_PLANE_LOG_RETENTION_DAYS = 90;

/** An IAM role for a Kubernetes service account (IRSA). */
export interface ServiceAccountRole {
  /** The IAM role, trusting the cluster's OIDC provider for the one service account. */
  readonly role: IamRole;
  /** The namespace of the service account the role trusts. */
  readonly namespace: string;
  /** The service account the role trusts. */
  readonly serviceAccount: string;
}

/**
 * An EKS cluster with its node groups (or Karpenter's system group), IRSA roles and managed
 * add-ons, built from a `clusters[]` entry on an AWS platform network (see the module comment).
 */
export class EksCluster extends Construct implements IAwsKubernetesCluster {
  /** Always `aws`. */
  readonly cloud = 'aws' as const;
  readonly region: string;
  /** The cluster's flavour, from its spec. */
  readonly flavour: ClusterPlan['flavour'];
  readonly clusterName: string;
  readonly clusterEndpoint: string;
  /** Base64 PEM of the cluster CA. @attribute */
  readonly clusterCaCertificate: string;
  /** The cluster's ARN. @attribute */
  readonly clusterArn: string;
  /** The VPC the cluster runs in, as EKS reports it. @attribute */
  readonly vpcId: string;
  /** The security group EKS created for the cluster (on every node). @attribute */
  readonly clusterSecurityGroupId: string;
  /** IAM roles of the platform add-ons (cluster-autoscaler, load balancer controller). */
  readonly addonRoles: EksAddonRoles;
  /** Karpenter's roles and interruption queue (`autoscaler: karpenter` only). */
  readonly karpenter?: KarpenterAttributes;
  /** ARN of the cluster's IAM OIDC provider (IRSA). @attribute */
  readonly oidcProviderArn: string;
  /** OIDC issuer host without scheme, as IRSA trust policies use it. @attribute */
  readonly oidcIssuerHost: string;
  /** The IAM role of the cluster's managed node groups' nodes. */
  readonly nodeRole: IamRole;
  /** The customer-managed KMS key that encrypts the cluster's Kubernetes secrets (rotated yearly). */
  readonly secretsKey: KmsKey;
  /** The `aws_eks_cluster` resource. */
  readonly resource: EksClusterResource;
  /** Managed node groups by pool name: one per zone for zonal pools (see {@link zonalNodeGroups}), else one. */
  readonly nodeGroups: Record<string, readonly EksNodeGroup[]> = {};
  readonly connection: KubernetesConnection;
  readonly network: INetwork;
  private readonly platform: PlatformContext;
  private props: EksClusterProps;
  private planned: ClusterPlan;
  private nodeGroupScope!: Construct;
  private nodeGroupDependencies: ITerraformDependable[] = [];

  /** The resolved plan of the cluster (pools, zones, flavour profile); grows with {@link addNodePool}. */
  get plan(): ClusterPlan {
    return this.planned;
  }

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const platform = platformOf(this);
    if (platform.cloud !== 'aws') throw new PlatformValidationError(`EksCluster is for cloud: aws; this stack's platform is on ${platform.cloud}`, this);
    const { network } = props;
    const cluster = placeCluster(this, props);
    this.network = network;
    this.platform = platform;
    this.props = props;
    this.planned = cluster;
    this.flavour = cluster.flavour;
    this.region = platform.region!;
    const names = awsClusterNames(platform.name, cluster.name);
    const subnets = network.subnetsFor(cluster.name);

    // Control plane identity and encryption.
    const clusterRole = new IamRole(this, 'ClusterRole', {
      name: names.clusterRole,
      assumeRolePolicy: assumeRolePolicy({ Service: 'eks.amazonaws.com' }, ['sts:AssumeRole', 'sts:TagSession']),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'ClusterPolicy', {
      role: clusterRole.name,
      policyArn: managedPolicy('AmazonEKSClusterPolicy'),
    });
    const account = awsAccount(this);
    this.secretsKey = new KmsKey(this, 'SecretsKey', {
      description: `Kubernetes secrets of EKS cluster ${names.cluster}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // Named administrators (the account, through IAM) and users (the cluster role) instead of
      // the default policy, which lets any principal of the account decrypt. EKS itself uses a
      // grant that the identity creating the cluster makes (`kms:CreateGrant`, an admin action).
      policy: JSON.stringify(keyPolicy({ administrators: [account.rootArn], users: [clusterRole.arn] })),
    });
    new KmsAlias(this, 'SecretsKeyAlias', { name: names.kmsAlias, targetKeyId: this.secretsKey.keyId });
    // Created here so that its retention is ours, not the unlimited default EKS would create.
    const logGroup = new CloudwatchLogGroup(this, 'ControlPlaneLogs', {
      name: names.logGroup,
      retentionInDays: CONTROL_PLANE_LOG_RETENTION_DAYS,
    });

    const publicCidrs = [...cluster.publicAccessCidrs];
    this.resource = new EksClusterResource(this, 'Resource', {
      name: names.cluster,
      version: cluster.kubernetesVersion,
      roleArn: clusterRole.arn,
      enabledClusterLogTypes: [...EKS_LOG_TYPES],
      vpcConfig: {
        subnetIds: [...subnets.subnetIds],
        endpointPrivateAccess: true,
        // Public only when the spec lists who may reach it; never the whole internet.
        endpointPublicAccess: publicCidrs.length > 0,
        ...(publicCidrs.length > 0 ? { publicAccessCidrs: publicCidrs } : {}),
      },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: this.secretsKey.arn } },
      // No unmanaged creator entry: the identity running Terraform gets a managed one below, so
      // that listing it in `admins` as well cannot collide (409) and it can be changed later.
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      // Loom installs vpc-cni, kube-proxy and CoreDNS as managed add-ons below.
      bootstrapSelfManagedAddons: false,
      // STANDARD while the version is in standard support (no extended price; EKS upgrades the
      // cluster when it ends, which the rules warn about), EXTENDED once it has left it — AWS
      // allows STANDARD only on a version still in standard support. Judged on the evaluation date.
      upgradePolicy: { supportType: eksSupportType(cluster.kubernetesVersion, evaluationDate()) },
      dependsOn: [clusterPolicy, logGroup],
    });
    this.clusterName = this.resource.name;
    this.clusterArn = this.resource.arn;
    this.clusterEndpoint = this.resource.endpoint;
    this.clusterCaCertificate = this.resource.certificateAuthority.get(0).data;
    this.vpcId = this.resource.vpcConfig.vpcId;
    this.clusterSecurityGroupId = this.resource.vpcConfig.clusterSecurityGroupId;

    // The private endpoint answers only to what the cluster security group admits, which EKS
    // creates admitting itself alone: networks routed into the VPC (VPN, CI runners, a bastion)
    // need 443 opened to them, as the EKS user guide asks for a private-only API server. One rule
    // per CIDR, its construct id derived from the CIDR so that reordering the list changes nothing.
    if (cluster.privateAccessCidrs.length > 0) {
      const access = new Construct(this, 'PrivateApiAccess');
      for (const cidr of cluster.privateAccessCidrs) {
        new VpcSecurityGroupIngressRule(access, `Cidr-${cidr.replace(/[./]/g, '-')}`, {
          securityGroupId: this.clusterSecurityGroupId,
          description: `Kubernetes API from ${cidr} (endpoint.privateAccessCidrs)`,
          ipProtocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          cidrIpv4: cidr,
        });
      }
    }

    // IAM roles for service accounts.
    const issuer = this.resource.identity.get(0).oidc.get(0).issuer;
    const oidc = new IamOpenidConnectProvider(this, 'OidcProvider', { url: issuer, clientIdList: ['sts.amazonaws.com'] });
    this.oidcProviderArn = oidc.arn;
    this.oidcIssuerHost = Fn.replace(issuer, 'https://', '');

    // cluster-admin through access entries for the identity running Terraform (which the
    // add-ons stack usually runs as too) and the admins named in the spec, de-duplicated: the CI
    // role is often both. Keyed by ARN; the keys are known at plan, since data sources are read
    // then. As terraform-aws-modules/eks does, with the creator taken from the session's issuer.
    const admins = new Construct(this, 'Admins');
    const adminArns = TerraformIterator.fromList(Fn.distinct(Fn.concat([[account.callerArn], [...cluster.spec.admins]])));
    const entries = new EksAccessEntry(admins, 'Entry', {
      forEach: adminArns,
      clusterName: this.clusterName,
      principalArn: adminArns.value,
      type: 'STANDARD',
    });
    const entry = TerraformIterator.fromResources(entries);
    new EksAccessPolicyAssociation(admins, 'ClusterAdmin', {
      forEach: entry,
      clusterName: this.clusterName,
      // Through the entry, so that each association waits for its own entry.
      principalArn: entry.getString('principal_arn'),
      policyArn: `arn:${account.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
      accessScope: { type: 'cluster' },
    });

    // Node identity shared by the cluster's node groups. The CNI's permissions are not here:
    // the vpc-cni add-on gets its own role through IRSA.
    this.nodeRole = new IamRole(this, 'NodeRole', {
      name: names.nodeRole,
      assumeRolePolicy: assumeRolePolicy({ Service: 'ec2.amazonaws.com' }),
    });
    const nodePolicies = ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore'].map(
      (p) => new IamRolePolicyAttachment(this, `NodeRole${p}`, { role: this.nodeRole.name, policyArn: managedPolicy(p) }),
    );

    // Add-ons needed before any workload: networking first, then the rest once nodes exist.
    const addons = new Construct(this, 'Addons');
    const cniRole = this.addServiceAccountRole('VpcCniRole', 'kube-system', 'aws-node', [managedPolicy('AmazonEKS_CNI_Policy')]);
    const ebsRole = this.addServiceAccountRole('EbsCsiRole', 'kube-system', 'ebs-csi-controller-sa', [
      managedPolicy('service-role/AmazonEBSCSIDriverPolicy'),
    ]);
    // Each add-on pinned to the build the catalogue gives for the cluster's minor, so that a
    // kubernetesVersion change upgrades kube-proxy and CoreDNS with the control plane.
    const addonPins = eksAddonVersions(cluster.kubernetesVersion);
    if (!addonPins) {
      throw new PlatformValidationError(
        `no EKS add-on versions for Kubernetes ${cluster.kubernetesVersion}; add them to EKS_ADDON_VERSIONS in catalog/kubernetes-versions.ts`,
        this,
      );
    }
    const addon = (addonId: string, name: EksAddonName, extra: { serviceAccountRoleArn?: string; dependsOn?: EksNodeGroup[]; configuration?: object } = {}) =>
      new EksAddon(addons, addonId, {
        clusterName: this.clusterName,
        addonName: name,
        addonVersion: addonPins[name],
        ...(extra.configuration ? { configurationValues: JSON.stringify(extra.configuration) } : {}),
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'OVERWRITE',
        ...(extra.serviceAccountRoleArn ? { serviceAccountRoleArn: extra.serviceAccountRoleArn } : {}),
        ...(extra.dependsOn ? { dependsOn: extra.dependsOn } : {}),
      });
    // The VPC CNI's network-policy agent (VPC CNI ≥ 1.14, Kubernetes ≥ 1.25): NetworkPolicy
    // objects are enforced, not only accepted (LOOM-ING-007; the controller runs in the control plane).
    const vpcCni = addon('VpcCni', 'vpc-cni', { serviceAccountRoleArn: cniRole.role.arn, configuration: { enableNetworkPolicy: 'true' } });
    const kubeProxy = addon('KubeProxy', 'kube-proxy');
    const podIdentity = addon('PodIdentityAgent', 'eks-pod-identity-agent');

    // One managed node group per pool, each with its own launch template, plus the system group
    // where the plan has one; with Karpenter only the system group, and the pools become Karpenter
    // NodePools (installed by the add-ons stack).
    const pools = new Construct(this, 'NodePools');
    this.nodeGroupScope = pools;
    this.nodeGroupDependencies = [...nodePolicies, vpcCni, kubeProxy, podIdentity];
    const managed = cluster.autoscaler === 'karpenter' ? [cluster.systemPool!] : [...(cluster.systemPool ? [cluster.systemPool] : []), ...cluster.pools];
    for (const pool of managed) {
      this.nodeGroups[pool.name] = this.addNodeGroups(pools, pool, subnets, this.nodeGroupDependencies);
    }
    const groups = Object.values(this.nodeGroups).flat();
    addon('CoreDns', 'coredns', { dependsOn: groups });
    // EKS has shipped no default StorageClass since 1.30; volumes that name none (Prometheus,
    // Harbor, Kafka) would stay Pending. The add-on's own gp3 class, encrypted, becomes the default.
    addon('EbsCsiDriver', 'aws-ebs-csi-driver', {
      serviceAccountRoleArn: ebsRole.role.arn,
      dependsOn: groups,
      configuration: { defaultStorageClass: { enabled: true } },
    });

    // The IAM side of the platform add-ons.
    this.addonRoles = createAddonRoles(this, this.clusterName);
    if (cluster.autoscaler === 'karpenter') {
      this.karpenter = new KarpenterInfrastructure(this, 'Karpenter', {
        cluster: this,
        platformName: platform.name,
        region: this.region,
        clusterName: this.clusterName,
        clusterArn: this.clusterArn,
      });
    }

    this.connection = {
      kind: 'exec',
      host: this.clusterEndpoint,
      clusterCaCertificate: this.clusterCaCertificate,
      caIsBase64: true,
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: 'aws',
        args: ['eks', 'get-token', '--cluster-name', names.cluster, '--region', platform.region ?? ''],
      },
    };
  }

  /**
   * An IAM role that only `namespace/serviceAccount` in this cluster may assume (IRSA).
   * @param inlinePolicy a policy of the role's own (kept inline, so that it is deleted with it)
   * @returns the role, with the given managed policies attached
   */
  addServiceAccountRole(
    id: string,
    namespace: string,
    serviceAccount: string,
    managedPolicyArns: string[] = [],
    inlinePolicy?: { readonly name: string; readonly document: PolicyDocument },
  ): ServiceAccountRole {
    const scope = new Construct(this, id);
    const role = new IamRole(scope, 'Role', {
      name: `${this.plan.resourceName}-${serviceAccount}`.slice(0, 64),
      assumeRolePolicy: serviceAccountTrustPolicy(this.oidcProviderArn, this.oidcIssuerHost, namespace, serviceAccount),
    });
    managedPolicyArns.forEach((arn, i) => new IamRolePolicyAttachment(scope, `Policy${i}`, { role: role.name, policyArn: arn }));
    if (inlinePolicy) {
      new IamRolePolicy(scope, 'InlinePolicy', { role: role.id, name: inlinePolicy.name, policy: JSON.stringify(inlinePolicy.document) });
    }
    return { role, namespace, serviceAccount };
  }

  /**
   * Adds a node pool (platform.yaml's `clusters[].nodePools[]` entry), validated with the rest of
   * the cluster like the spec: a managed node group under cluster-autoscaler, a Karpenter NodePool
   * (installed by the add-ons stack) with `autoscaler: karpenter`. Add pools before creating the
   * cluster's add-ons stack, which is derived from them.
   */
  addNodePool(pool: NodePoolSpecInput): NodePoolPlan {
    const { plan, props, added } = planWithPool(this, this.planned, this.props, pool);
    this.props = props;
    this.planned = plan;
    if (plan.autoscaler !== 'karpenter') {
      this.nodeGroups[added.name] = this.addNodeGroups(this.nodeGroupScope, added, this.network.subnetsFor(plan.name), this.nodeGroupDependencies);
    }
    return added;
  }

  /**
   * A pool's managed node groups: one spanning the pool's zones, or — for zonal pools — one per
   * zone, each in that zone's subnet, sharing the pool's launch template. The single group keeps
   * the construct id `NodeGroup` (and so its Terraform address); zonal ones are `NodeGroup-<zone>`.
   */
  private addNodeGroups(scope: Construct, pool: NodePoolPlan, subnets: ReturnType<INetwork['subnetsFor']>, dependsOn: ITerraformDependable[]): EksNodeGroup[] {
    const names = awsNodePoolNames(this.platform.name, this.plan.name, pool.name);
    const poolScope = new Construct(scope, pool.name);
    const tags = { ...this.platform.labels, Name: names.nodeGroup, 'loom.dev/pool': pool.name };
    const template = new LaunchTemplate(poolScope, 'LaunchTemplate', {
      name: names.launchTemplate,
      updateDefaultVersion: true,
      // IMDSv2 only, and a hop limit of 1 so that pods cannot borrow the node's credentials.
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: { volumeSize: pool.diskGb, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
        },
      ],
      tagSpecifications: [
        { resourceType: 'instance', tags },
        { resourceType: 'volume', tags },
      ],
    });
    const subnetOf = (z: string) => {
      const i = subnets.zones.indexOf(z);
      if (i < 0) throw new PlatformValidationError(`pool '${pool.name}' wants zone ${z}, which has no subnet for cluster '${this.plan.name}'`, this);
      return subnets.subnetIds[i]!;
    };
    const whole = { minSize: pool.minNodes, maxSize: pool.maxNodes, desiredSize: pool.desiredNodes };
    if (zonalNodeGroups(this.plan, pool)) {
      // The pool's sizes are totals: shared out over its zones (no zone above its share of the
      // maximum; each group keeps at least one node of headroom, as EKS requires max ≥ 1).
      const min = shareOut(pool.minNodes, pool.zones.length);
      const max = shareOut(pool.maxNodes, pool.zones.length).map((n) => Math.max(n, 1));
      const desired = shareOut(pool.desiredNodes, pool.zones.length);
      return pool.zones.map((zone, i) => {
        const name = awsNodePoolNames(this.platform.name, this.plan.name, pool.name, zone).nodeGroup;
        const scaling = { minSize: min[i]!, maxSize: max[i]!, desiredSize: Math.min(Math.max(desired[i]!, min[i]!), max[i]!) };
        return this.nodeGroup(poolScope, `NodeGroup-${zone}`, pool, name, [subnetOf(zone)], scaling, template, dependsOn);
      });
    }
    return [this.nodeGroup(poolScope, 'NodeGroup', pool, names.nodeGroup, pool.zones.map(subnetOf), whole, template, dependsOn)];
  }

  private nodeGroup(
    scope: Construct,
    id: string,
    pool: NodePoolPlan,
    name: string,
    subnetIds: string[],
    scaling: { minSize: number; maxSize: number; desiredSize: number },
    template: LaunchTemplate,
    dependsOn: ITerraformDependable[],
  ): EksNodeGroup {
    return new EksNodeGroup(scope, id, {
      clusterName: this.clusterName,
      nodeGroupName: name,
      nodeRoleArn: this.nodeRole.arn,
      subnetIds,
      instanceTypes: [...pool.machineTypes],
      capacityType: pool.spot ? 'SPOT' : 'ON_DEMAND',
      amiType: amiType(pool),
      scalingConfig: scaling,
      updateConfig: { maxUnavailablePercentage: this.plan.profile.maxUnavailablePercent },
      labels: { ...pool.labels },
      taint: pool.taints.map((t) => ({ key: t.key, value: t.value, effect: TAINT_EFFECTS[t.effect] })),
      launchTemplate: { id: template.id, version: Fn.tostring(template.latestVersion) },
      nodeRepairConfig: { enabled: true },
      tags: { 'loom.dev/pool': pool.name },
      // The autoscaler owns the size once the group exists.
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'] },
      dependsOn,
    });
  }
}

/** `total` shared out over `parts` as evenly as possible, the first parts taking the remainder: 7 over 3 → 3, 2, 2. */
export function shareOut(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

const TAINT_EFFECTS = { NoSchedule: 'NO_SCHEDULE', PreferNoSchedule: 'PREFER_NO_SCHEDULE', NoExecute: 'NO_EXECUTE' } as const;

/** The EKS AMI type for a pool: NVIDIA for GPU pools, ARM for Graviton families. */
export function amiType(pool: NodePoolPlan): string {
  if (pool.gpu) return 'AL2023_x86_64_NVIDIA';
  const graviton = pool.machineTypes.every((t) => /^[a-z]+[0-9]+g[a-z]*\./.test(t));
  return graviton ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD';
}
