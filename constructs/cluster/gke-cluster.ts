/**
 * A GKE Standard cluster for one planned cluster: private nodes, a private API endpoint unless the
 * spec lists who may reach it, an IAM-authorized DNS endpoint for Terraform and people outside the
 * VPC, VPC-native networking on the network's secondary ranges, Workload Identity, shielded nodes,
 * a release channel, secrets encrypted with a rotating Cloud KMS key, control-plane and workload
 * logs, and one node pool per planned pool shaped by the flavour's profile (plus the plan's system
 * pool), running as a least-privilege service account. With the registry built, every node pool
 * trusts the registry's CA for its hostname through GKE's containerd configuration
 * (`private_registry_access_config`, the CA read from Secret Manager when a node boots).
 *
 * Reaching the API (`controlPlaneEndpointsConfig` and the IP endpoint settings):
 *
 * - DNS endpoint (`gke-<hash>.<region>.gke.goog`), external traffic allowed: every request is
 *   authorized by IAM (the `container.clusters.connect` permission) and then Kubernetes RBAC, so
 *   Terraform on a CI runner or a laptop reaches the API without a VPN, an authorized network or
 *   a bastion. GKE recommends it over IP endpoints. It is what the add-ons
 *   stack's Kubernetes and Helm providers connect to (see `connection`).
 * - IP endpoints stay on: nodes and in-VPC clients use the private one. The public one exists only
 *   when `publicAccessCidrs` lists who may use it. Authorized networks are the public and the
 *   private access CIDRs; with `privateAccessCidrs` (a VPN, Interconnect) the private endpoint is
 *   reachable from every region (global access), since routed networks may land in any region.
 * - The public IP endpoint is still switched with `private_cluster_config.enable_private_endpoint`:
 *   the GKE API deprecates it for `ipEndpointsConfig.enablePublicEndpoint`, but the pinned provider
 *   (hashicorp/google 6.50) offers only `ip_endpoints_config.enabled`, so the old field is the only
 *   switch there (the API rejects setting both, so move when the provider offers the new one).
 */
import { Construct } from 'constructs';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { TerraformStack, type ITerraformDependable } from '../core/cdk';
import type { IKubernetesCluster, INetwork, KubernetesConnection } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
import {
  GKE_MAX_PODS_PER_NODE,
  GPU_TAINT,
  gcpClusterNames,
  gcpNetworkNames,
  type ClusterPlan,
  type NodePoolPlan,
  type PlatformContext,
} from '../../plan';
import type { ClusterSpecInput, NodePoolSpecInput } from '../../schema/schema';
import type { ComponentMode } from '../../plan';
import { platformOf } from '../core/stack';
import { placeCluster, planWithPool } from './place';
import { GCP_ACCELERATOR_TYPES } from '../../catalog/machine-types';
import { gkeReleaseChannel } from '../../catalog/kubernetes-versions';
import { evaluationDate } from '../../catalog/today';
import { gkeMonitoringConfig } from '../components/monitoring/gke';
import { componentScope } from '../core/component-scope';
import {
  bootDiskType,
  CLOUD_PLATFORM_SCOPE,
  GKE_NODE_ROLES,
  GKE_TAINT_EFFECTS,
  gkeServiceAgent,
  KMS_ROTATION_PERIOD,
  serviceAccountMember,
} from '../gcp/gcp';
import { registryTrustOf, type GkeRegistryTrust } from '../gcp/registry-ca';

/**
 * A cluster as platform.yaml's `clusters[]` entry has it (`name`, `flavour`, `nodePools`,
 * `kubernetesVersion`, `endpoint`, …), validated by the same schema and rules, plus the network it
 * goes in.
 */
export interface GkeClusterProps extends ClusterSpecInput {
  /**
   * The network the cluster's nodes, pods and services live in; the cluster takes the next block
   * and ranges of its address plan, and trusts the registry CA the network holds (if any).
   */
  readonly network: INetwork;
  /**
   * The platform's monitoring mode, which the cluster is prepared for: `build` runs Prometheus on
   * the cluster, so its system node pool, where it has one, takes the larger machine type;
   * `buy` on GKE turns on Managed Service for Prometheus and GKE's metric packages. `MlPlatform`
   * sets it from `components.monitoring.mode`.
   * @default no monitoring component
   */
  readonly monitoring?: ComponentMode;
}

/** Logs GKE sends to Cloud Logging: the control plane's (as EKS does) and the workloads'. */
export const GKE_LOG_COMPONENTS = ['SYSTEM_COMPONENTS', 'APISERVER', 'CONTROLLER_MANAGER', 'SCHEDULER', 'WORKLOADS'] as const;
/**
 * Metrics GKE sends to Cloud Monitoring. WORKLOADS left GKE in 1.24; workload metrics come from
 * Managed Service for Prometheus, which the monitoring component configures.
 */
export const GKE_MONITORING_COMPONENTS = ['SYSTEM_COMPONENTS'] as const;

/**
 * A GKE Standard cluster with its node pools, node service account and secrets key, built from a
 * `clusters[]` entry on a Google Cloud platform network (see the module comment).
 */
export class GkeCluster extends Construct implements IKubernetesCluster {
  /** Always `gcp`. */
  readonly cloud = 'gcp' as const;
  /** The cluster's flavour, from its spec. */
  readonly flavour: ClusterPlan['flavour'];
  readonly clusterName: string;
  /** `https://` and the DNS-based endpoint, which Terraform and people outside the VPC use. @attribute */
  readonly clusterEndpoint: string;
  /** The control plane's DNS-based endpoint (`gke-<hash>.<region>.gke.goog`). @attribute */
  readonly dnsEndpoint: string;
  /**
   * Base64 PEM of the cluster CA, which signs the IP endpoints' certificates (not the DNS
   * endpoint's, which is publicly trusted). @attribute
   */
  readonly clusterCaCertificate: string;
  /** Workload Identity pool: `<project>.svc.id.goog`. */
  readonly workloadPool: string;
  /** `projects/<p>/locations/<l>/clusters/<name>`. @attribute */
  readonly clusterId: string;
  /** Region (regional cluster) or zone (single-zone batch cluster). */
  readonly location: string;
  /** The least-privilege service account every node pool runs as (logs, metrics, image pulls). */
  readonly nodeServiceAccount: ServiceAccount;
  /** The rotating Cloud KMS key that encrypts the cluster's Kubernetes secrets. */
  readonly secretsKey: KmsCryptoKey;
  /** The `google_container_cluster` resource. */
  readonly resource: ContainerCluster;
  /** The node pools, by pool name (the plan's system pool included). */
  readonly nodePools: Record<string, ContainerNodePool> = {};
  readonly connection: KubernetesConnection;
  /**
   * Registry build: the CA every node pool trusts for the registry's hostname (from the network
   * stack; Harbor's add-ons stack signs its certificate with it).
   */
  readonly registryTrust?: GkeRegistryTrust;
  readonly network: INetwork;
  private readonly platform: PlatformContext;
  private readonly project: string;
  private props: GkeClusterProps;
  private planned: ClusterPlan;
  private poolScope!: Construct;
  private poolLabels: Record<string, string> = {};
  private poolGrants: ITerraformDependable[] = [];
  private plainPools: ITerraformDependable[] = [];

  /** The resolved plan of the cluster (pools, zones, flavour profile); grows with {@link addNodePool}. */
  get plan(): ClusterPlan {
    return this.planned;
  }

  constructor(scope: Construct, id: string, props: GkeClusterProps) {
    super(scope, id);
    const platform = platformOf(this);
    if (platform.cloud !== 'gcp') throw new PlatformValidationError(`GkeCluster is for cloud: gcp; this stack's platform is on ${platform.cloud}`, this);
    const { network } = props;
    const cluster = placeCluster(this, props);
    if (!cluster.gcp) throw new PlatformValidationError(`cluster '${cluster.name}' got no Google Cloud ranges from its network; give it a GcpNetwork`, this);
    this.network = network;
    this.platform = platform;
    this.planned = cluster;
    this.props = props;
    this.flavour = cluster.flavour;
    const project = platform.gcpProject!;
    this.project = project;
    const region = platform.region!;
    const names = gcpClusterNames(platform.name, cluster.name);
    const subnets = network.subnetsFor(cluster.name);
    const prod = platform.environment === 'prod';
    const labels = { ...platform.labels, 'loom-cluster': cluster.name, 'loom-flavour': cluster.flavour };
    // Regional control plane (three replicas) unless the batch cluster sits in one zone.
    this.location = cluster.singleZoneReason ? cluster.nodeZones[0]! : region;

    // Node identity: a dedicated, least-privilege service account instead of the Compute default.
    this.nodeServiceAccount = new ServiceAccount(this, 'NodeServiceAccount', {
      accountId: names.nodeServiceAccount,
      project,
      displayName: `GKE nodes of ${names.cluster}`,
      description: `Loom: node identity of GKE cluster ${names.cluster} (logs, metrics, image pulls)`,
    });
    const nodeRoles = new Construct(this, 'NodeRoles');
    const roleGrants = GKE_NODE_ROLES.map(
      (role) =>
        new ProjectIamMember(nodeRoles, role.replace(/^roles\//, ''), {
          project,
          role,
          member: serviceAccountMember(this.nodeServiceAccount.email),
        }),
    );

    // Application-layer secrets encryption with a key that rotates; GKE's service agent uses it.
    // Key rings cannot be deleted in Google Cloud: recreating the platform reuses the name.
    const keyRing = new KmsKeyRing(this, 'SecretsKeyRing', { name: names.keyRing, project, location: region });
    this.secretsKey = new KmsCryptoKey(this, 'SecretsKey', {
      name: names.cryptoKey,
      keyRing: keyRing.id,
      purpose: 'ENCRYPT_DECRYPT',
      rotationPeriod: KMS_ROTATION_PERIOD,
      labels: { ...labels, 'loom-purpose': 'kubernetes-secrets' },
    });
    // GKE's service agent is named after the project number: the spec's, else read at plan time.
    // It exists once the GKE API is on (the stack enables it, and the grant waits for that).
    const projectNumber = platform.gcpProjectNumber ?? new DataGoogleProject(this, 'Project', { projectId: project }).number;
    const keyGrant = new KmsCryptoKeyIamMember(this, 'SecretsKeyServiceAgent', {
      cryptoKeyId: this.secretsKey.id,
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: serviceAccountMember(gkeServiceAgent(projectNumber)),
    });

    const publicCidrs = [...cluster.publicAccessCidrs];
    const privateCidrs = [...cluster.privateAccessCidrs];
    const authorized = [...new Set([...publicCidrs, ...privateCidrs])];
    this.workloadPool = `${project}.svc.id.goog`;
    this.resource = new ContainerCluster(this, 'Resource', {
      name: names.cluster,
      project,
      location: this.location,
      description: `Loom ${cluster.flavour} cluster ${cluster.name} of platform ${platform.name}`,
      // Node pools are separate resources; GKE insists on creating a default one first.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      // Only for that short-lived default pool: even it must not run as the Compute Engine default
      // service account (which has Editor). Ignored once the pool is gone (see lifecycle).
      nodeConfig: {
        serviceAccount: this.nodeServiceAccount.email,
        oauthScopes: [CLOUD_PLATFORM_SCOPE],
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        resourceLabels: labels,
      },
      network: network.networkId,
      subnetwork: subnets.subnetIds[0]!,
      networkingMode: 'VPC_NATIVE',
      ipAllocationPolicy: {
        clusterSecondaryRangeName: subnets.podRangeName!,
        servicesSecondaryRangeName: subnets.serviceRangeName!,
        stackType: 'IPV4',
      },
      defaultMaxPodsPerNode: GKE_MAX_PODS_PER_NODE,
      // Dataplane V2 (eBPF): enforces NetworkPolicy without Calico; fixed at creation.
      datapathProvider: 'ADVANCED_DATAPATH',
      // Pod-to-pod traffic on one node through the VPC too, so that flow logs and firewall rules
      // see it (LOOM-MON-002); eBPF-native with Dataplane V2 from GKE 1.36.
      enableIntranodeVisibility: true,
      // See the module comment: the DNS endpoint for clients outside the VPC (IAM-authorized),
      // the IP endpoints for the nodes and the networks the spec lists.
      controlPlaneEndpointsConfig: {
        dnsEndpointConfig: { allowExternalTraffic: true },
        ipEndpointsConfig: { enabled: true },
      },
      privateClusterConfig: {
        enablePrivateNodes: true,
        // No public IP endpoint unless the spec lists who may reach it; never the whole internet.
        enablePrivateEndpoint: publicCidrs.length === 0,
        // Explicit and planned (see plan/gcp.ts) rather than left to GKE, so that the
        // provider's private-nodes check passes and the range is known before apply.
        masterIpv4CidrBlock: cluster.gcp.controlPlaneRange,
        // A VPN or Interconnect may attach in another region than the cluster's.
        masterGlobalAccessConfig: { enabled: privateCidrs.length > 0 },
      },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: authorized.map((cidr) => ({ cidrBlock: cidr, displayName: `spec: ${cidr}` })),
        gcpPublicCidrsAccessEnabled: false,
      },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      workloadIdentityConfig: { workloadPool: this.workloadPool },
      // Google Groups for RBAC (`gkeSecurityGroup`): bindings to Google Groups nested in it take effect.
      ...(platform.settings.gkeSecurityGroup ? { authenticatorGroupsConfig: { securityGroup: platform.settings.gkeSecurityGroup } } : {}),
      // Stable in prod where the minor is on Stable; Regular otherwise (catalog/kubernetes-versions.ts).
      releaseChannel: { channel: gkeReleaseChannel(cluster.kubernetesVersion, platform.environment, evaluationDate()) },
      // With a release channel GKE upgrades the control plane; this is only the floor.
      minMasterVersion: cluster.kubernetesVersion,
      enableShieldedNodes: true,
      databaseEncryption: { state: 'ENCRYPTED', keyName: this.secretsKey.id },
      loggingConfig: { enableComponents: [...GKE_LOG_COMPONENTS] },
      // Monitoring component: Managed Service for Prometheus on buy, off on build (see gke.ts).
      monitoringConfig: gkeMonitoringConfig(props.monitoring, GKE_MONITORING_COMPONENTS),
      clusterAutoscaling: { autoscalingProfile: cluster.profile.gkeAutoscalingProfile },
      deletionProtection: prod,
      resourceLabels: labels,
      lifecycle: { ignoreChanges: ['node_config'] },
      dependsOn: [keyGrant, ...roleGrants],
    });
    this.clusterName = this.resource.name;
    this.clusterId = this.resource.id;
    this.dnsEndpoint = this.resource.controlPlaneEndpointsConfig.dnsEndpointConfig.endpoint;
    this.clusterEndpoint = `https://${this.dnsEndpoint}`;
    this.clusterCaCertificate = this.resource.masterAuth.clusterCaCertificate;

    // Registry build: the nodes read the registry CA from Secret Manager when they boot, as the
    // node service account, which may read that one secret and nothing else of Secret Manager.
    const poolGrants: ITerraformDependable[] = [...roleGrants];
    const trust = registryTrustOf(network);
    if (trust) {
      this.registryTrust = trust;
      poolGrants.push(
        // Under the stack's Registry scope, with the component's other resources.
        new SecretManagerSecretIamMember(componentScope(TerraformStack.of(this), 'registry'), 'NodeCaAccess', {
          secretId: trust.secretId,
          role: 'roles/secretmanager.secretAccessor',
          member: serviceAccountMember(this.nodeServiceAccount.email),
        }),
      );
    }

    const pools = new Construct(this, 'NodePools');
    // The system pool and the other non-GPU pools first: GKE taints a GPU pool's nodes
    // nvidia.com/gpu=present:NoSchedule itself, but only when the cluster already has a non-GPU
    // pool when the GPU pool is created (the default pool is gone by then).
    const plain = [...(cluster.systemPool ? [cluster.systemPool] : []), ...cluster.pools.filter((p) => !p.gpu)];
    for (const pool of plain) {
      const policy = pool === cluster.systemPool ? 'BALANCED' : cluster.profile.gkeLocationPolicy;
      this.nodePools[pool.name] = this.createNodePool(pools, pool, labels, poolGrants, policy);
    }
    const plainPools = plain.map((p) => this.nodePools[p.name]!);
    this.poolScope = pools;
    this.poolLabels = labels;
    this.poolGrants = poolGrants;
    this.plainPools = plainPools;
    for (const pool of cluster.pools.filter((p) => p.gpu)) {
      this.nodePools[pool.name] = this.createNodePool(pools, pool, labels, [...poolGrants, ...plainPools], cluster.profile.gkeLocationPolicy);
    }

    // The DNS endpoint, with a Google OAuth token from the auth plugin and no cluster CA: the
    // endpoint presents a publicly trusted certificate, which the cluster CA would not verify.
    this.connection = {
      kind: 'exec',
      host: this.clusterEndpoint,
      caIsBase64: true,
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin', args: [] },
    };
  }

  /**
   * Adds a node pool (platform.yaml's `clusters[].nodePools[]` entry), validated with the rest of
   * the cluster like the spec; a GPU pool is created after the cluster's non-GPU pools, as at
   * creation. Add pools before creating the cluster's add-ons stack, which is derived from them.
   */
  addNodePool(pool: NodePoolSpecInput): NodePoolPlan {
    const { plan, props, added } = planWithPool(this, this.planned, this.props, pool);
    this.props = props;
    this.planned = plan;
    const dependsOn = added.gpu ? [...this.poolGrants, ...this.plainPools] : this.poolGrants;
    this.nodePools[added.name] = this.createNodePool(this.poolScope, added, this.poolLabels, dependsOn, plan.profile.gkeLocationPolicy);
    if (!added.gpu) this.plainPools.push(this.nodePools[added.name]!);
    return added;
  }

  private createNodePool(
    scope: Construct,
    pool: NodePoolPlan,
    labels: Record<string, string>,
    dependsOn: ITerraformDependable[],
    locationPolicy: string,
  ): ContainerNodePool {
    const machineType = pool.machineTypes[0]!;
    const zones = [...pool.zones];
    return new ContainerNodePool(scope, pool.name, {
      name: pool.name,
      project: this.project,
      location: this.location,
      cluster: this.resource.name,
      nodeLocations: zones,
      // Per zone, at creation only: the autoscaler owns the size afterwards (see lifecycle).
      initialNodeCount: Math.ceil(pool.desiredNodes / zones.length),
      // Totals for the pool, as minNodes/maxNodes mean on every cloud.
      autoscaling: {
        totalMinNodeCount: pool.minNodes,
        totalMaxNodeCount: pool.maxNodes,
        locationPolicy,
      },
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: { strategy: 'SURGE', maxSurge: 1, maxUnavailable: 0 },
      maxPodsPerNode: GKE_MAX_PODS_PER_NODE,
      nodeConfig: {
        machineType,
        spot: pool.spot,
        serviceAccount: this.nodeServiceAccount.email,
        oauthScopes: [CLOUD_PLATFORM_SCOPE],
        imageType: 'COS_CONTAINERD',
        diskSizeGb: pool.diskGb,
        diskType: bootDiskType(machineType),
        // Pods see the GKE metadata server (Workload Identity), never the node's credentials.
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        metadata: { 'disable-legacy-endpoints': 'true' },
        ...(this.registryTrust ? { containerdConfig: registryContainerdConfig(this.registryTrust) } : {}),
        labels: { ...pool.labels },
        resourceLabels: { ...labels, 'loom-pool': pool.name },
        tags: [gcpNetworkNames(this.platform.name).nodeTag],
        // Not the GPU taint: GKE adds it (see the constructor), and declaring it as well fails
        // with "Found more than one taint with key nvidia.com/gpu and effect NO_SCHEDULE".
        taint: pool.taints.filter((t) => !isGpuTaint(t)).map((t) => ({ key: t.key, value: t.value, effect: GKE_TAINT_EFFECTS[t.effect] })),
        ...(pool.gpu
          ? {
              guestAccelerator: [
                {
                  type: GCP_ACCELERATOR_TYPES[pool.gpu.type],
                  count: pool.gpu.count,
                  // GKE installs the driver version it has tested for the node version.
                  gpuDriverInstallationConfig: { gpuDriverVersion: 'DEFAULT' },
                },
              ],
            }
          : {}),
      },
      lifecycle: { ignoreChanges: ['initial_node_count'] },
      dependsOn,
    });
  }
}

/**
 * A node pool's containerd configuration that trusts the registry CA for the registry's hostname:
 * GKE fetches the secret version when a node boots and writes containerd's registry configuration.
 */
export function registryContainerdConfig(trust: Pick<GkeRegistryTrust, 'host' | 'secretUri'>) {
  return {
    /** The node pool's `private_registry_access_config`. */
    privateRegistryAccessConfig: {
      /** Turns the configuration on. */
      enabled: true,
      /** One CA, for one hostname. */
      certificateAuthorityDomainConfig: [
        {
          /** The registry's hostname, the only one the CA is trusted for. */
          fqdns: [trust.host],
          /** Where the node reads the CA certificate when it boots. */
          gcpSecretManagerCertificateConfig: {
            /** The Secret Manager secret version holding the CA's PEM. */
            secretUri: trust.secretUri,
          },
        },
      ],
    },
  };
}

/** The taint GKE puts on GPU nodes itself, which the plan also lists (for tolerations). */
const isGpuTaint = (t: { key: string; value?: string; effect: string }) => t.key === GPU_TAINT.key && t.effect === GPU_TAINT.effect;
