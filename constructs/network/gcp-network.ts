/**
 * The platform's Google Cloud network: a custom-mode VPC, one regional subnetwork per cluster
 * (primary range = the cluster's block, secondary ranges for pods and services), private Google
 * access and flow logs on every subnetwork, a Cloud Router with Cloud NAT for egress, and only the
 * firewall rules the platform needs. With the registry built, also the registry's CA and the Secret
 * Manager secret GKE nodes read it from (`constructs/gcp/registry-ca.ts`): this stack precedes every
 * cluster stack, whose node pools name that secret.
 */
import { Construct } from 'constructs';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import type { INetwork, NetworkClusterRequest, PlacedCluster, PrivateServiceAccess } from '../core/contracts';
import { PlatformValidationError, validProps } from '../core/errors';
import { AddressPlanner, GCP_MAX_CLUSTERS, GcpRangePlanner, gcpClusterNames, gcpNetworkNames, PlanError, platformZones } from '../../plan';
import { GOOGLE_HEALTH_CHECK_RANGES } from '../gcp/gcp';
import { Lazy, TerraformStack } from '../core/cdk';
import { componentScope } from '../core/component-scope';
import { platformOf } from '../core/stack';
import { RegistryCaSecret, type GkeRegistryTrust } from '../gcp/registry-ca';
import { networkSchema, type NetworkSpec, type NetworkSpecInput } from '../../schema/schema';
import { standInClusters, validatePart } from '../../schema/props';

/**
 * The network as platform.yaml's `network` key has it (`cidr`, `podCidr`, `zones`, …), validated
 * by the same schema and rules; project and region are the stack's.
 */
export type GcpNetworkProps = NetworkSpecInput;

/** Flow log settings of every subnetwork: 5-second aggregation, half the flows, all metadata. */
export const SUBNETWORK_FLOW_LOGS = {
  /** How long flows are aggregated into one log entry. */
  aggregationInterval: 'INTERVAL_5_SEC',
  /** The share of flows logged. */
  flowSampling: 0.5,
  /** Which metadata each entry carries. */
  metadata: 'INCLUDE_ALL_METADATA',
} as const;

/**
 * A VPC laid out from the platform's address plan.
 *
 * Subnetworks are keyed by cluster name, never by position, so appending a cluster adds a
 * subnetwork without renaming any.
 */
export class GcpNetwork extends Construct implements INetwork {
  /** Always `gcp`. */
  readonly cloud = 'gcp' as const;
  /** Self link of the VPC. @attribute */
  readonly networkId: string;
  /** Name of the VPC. @attribute */
  readonly networkName: string;
  readonly cidr: string;
  readonly zones: readonly string[];
  /** Google Cloud has no public subnets: nodes are private and egress through Cloud NAT. */
  readonly publicSubnetIds: readonly string[] = [];
  /** The `google_compute_network` resource (the VPC). */
  readonly network: ComputeNetwork;
  /** Each cluster's subnetwork, by cluster name. */
  readonly subnetworks: Record<string, ComputeSubnetwork> = {};
  /**
   * Registry build: the platform CA and the Secret Manager secret GKE nodes read it from. Here
   * because the network stack comes before every cluster stack (see `constructs/gcp/registry-ca.ts`).
   */
  registryTrust?: GkeRegistryTrust;
  /** The validated network settings. */
  readonly spec: NetworkSpec;
  private readonly clusters = new Map<string, PlacedCluster>();
  private readonly planner: AddressPlanner;
  private readonly ranges: GcpRangePlanner;
  private readonly subnetScope: Construct;
  private readonly podRanges: string[] = [];
  private psa?: PrivateServiceAccess;

  constructor(scope: Construct, id: string, props: GcpNetworkProps = {}) {
    super(scope, id);
    const platform = platformOf(this);
    if (platform.cloud !== 'gcp') throw new PlatformValidationError(`GcpNetwork is for cloud: gcp; this stack's platform is on ${platform.cloud}`, this);
    const net = validProps(this, validatePart({ ...platform.settings, network: props, clusters: standInClusters() }, 'network', networkSchema, props));
    this.spec = net;
    const project = platform.gcpProject!;
    const region = platform.region!;
    const names = gcpNetworkNames(platform.name);
    const plan = { name: platform.name };
    this.cidr = net.cidr;
    this.zones = platformZones({ ...platform.settings, network: net });
    this.planner = new AddressPlanner(net.cidr, this.zones);
    try {
      this.ranges = new GcpRangePlanner(net.cidr, net.podCidr);
    } catch (e) {
      throw e instanceof PlanError ? new PlatformValidationError(`${e.path}: ${e.message}`, this) : e;
    }

    this.network = new ComputeNetwork(this, 'Vpc', {
      name: names.network,
      project,
      description: `Loom platform ${plan.name}`,
      autoCreateSubnetworks: false,
      routingMode: 'REGIONAL',
      // The default internet route stays: Cloud NAT egress needs it. Nothing is public because
      // nodes have no external addresses and no firewall rule admits the internet.
      deleteDefaultRoutesOnCreate: false,
    });
    this.networkId = this.network.selfLink;
    this.networkName = this.network.name;

    this.subnetScope = new Construct(this, 'Subnetworks');

    // Egress for private nodes: one regional Cloud NAT serves every zone.
    const router = new ComputeRouter(this, 'Router', {
      name: names.router,
      project,
      region,
      network: this.network.id,
      description: `Cloud NAT for platform ${plan.name}`,
    });
    new ComputeRouterNat(this, 'Nat', {
      name: names.nat,
      project,
      region,
      router: router.name,
      natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      logConfig: { enable: true, filter: 'ERRORS_ONLY' },
    });

    // Firewall: what the platform needs, nothing from the internet. GKE adds its own rules for
    // its control plane and for the load balancers that Services ask for.
    const firewall = new Construct(this, 'Firewall');
    new ComputeFirewall(firewall, 'AllowInternal', {
      name: names.allowInternal,
      project,
      network: this.network.id,
      description: 'Traffic between nodes, pods and control planes of the platform',
      direction: 'INGRESS',
      priority: 1000,
      // Every cluster's pod range, as clusters are placed.
      sourceRanges: Lazy.listValue({ produce: () => [net.cidr, ...this.podRanges] }),
      allow: [{ protocol: 'tcp' }, { protocol: 'udp' }, { protocol: 'icmp' }],
    });
    new ComputeFirewall(firewall, 'AllowHealthChecks', {
      name: names.allowHealthChecks,
      project,
      network: this.network.id,
      description: "Google Cloud load balancers' health checks to GKE nodes",
      direction: 'INGRESS',
      priority: 1000,
      sourceRanges: [...GOOGLE_HEALTH_CHECK_RANGES],
      targetTags: [names.nodeTag],
      allow: [{ protocol: 'tcp' }],
    });

  }

  /**
   * The registry's CA and the Secret Manager secret GKE nodes read it from (registry build): here
   * because the network stack comes before every cluster stack, whose node pools name that secret;
   * call it before creating the clusters that should trust the registry (`GkeCluster` reads it from
   * its network). Under the stack's Registry scope, like every resource of the component: flipping
   * the registry between build and buy changes only what is under Registry/ (and the node pools).
   */
  addRegistryCa(hostname: string): GkeRegistryTrust {
    if (this.registryTrust) return this.registryTrust;
    if (this.clusters.size) throw new PlatformValidationError('add the registry CA before placing clusters: their node pools must trust it from the start', this);
    this.registryTrust = new RegistryCaSecret(componentScope(TerraformStack.of(this), 'registry'), 'TrustedCa', { hostname });
    return this.registryTrust;
  }

  /**
   * Places a cluster: its block of the address plan becomes its regional subnetwork, with the next
   * pod and service secondary ranges and control-plane range (append-stable), private Google access
   * and flow logs; its pod range joins the internal firewall rule.
   */
  placeCluster(cluster: NetworkClusterRequest): PlacedCluster {
    if (this.clusters.has(cluster.name)) throw new PlatformValidationError(`cluster '${cluster.name}' is already placed in this network; cluster names must be unique`, this);
    if (this.clusters.size >= GCP_MAX_CLUSTERS) {
      throw new PlatformValidationError(`clusters: a Google Cloud platform takes at most ${GCP_MAX_CLUSTERS} clusters (one /28 control-plane range each from the top /24 of network.cidr)`, this);
    }
    let placement, gcp;
    try {
      placement = this.planner.place(cluster);
      gcp = this.ranges.place(cluster);
    } catch (e) {
      throw e instanceof PlanError ? new PlatformValidationError(`${e.path}: ${e.message}`, this) : e;
    }
    const platform = platformOf(this);
    const subnetwork = new ComputeSubnetwork(this.subnetScope, cluster.name, {
      name: gcpClusterNames(platform.name, cluster.name).subnetwork,
      project: platform.gcpProject!,
      region: platform.region!,
      network: this.network.id,
      description: `Nodes, pods and services of cluster ${cluster.resourceName} (${cluster.flavour})`,
      ipCidrRange: placement.block,
      stackType: 'IPV4_ONLY',
      secondaryIpRange: [
        { rangeName: gcp.podRangeName, ipCidrRange: gcp.podRange },
        { rangeName: gcp.serviceRangeName, ipCidrRange: gcp.serviceRange },
      ],
      // Nodes have no external addresses: Google APIs (images, logging, KMS) over private access.
      privateIpGoogleAccess: true,
      logConfig: { ...SUBNETWORK_FLOW_LOGS },
    });
    this.subnetworks[cluster.name] = subnetwork;
    this.podRanges.push(gcp.podRange);
    const placed: PlacedCluster = {
      ...placement,
      gcp,
      subnetIds: [subnetwork.selfLink],
      // A Google Cloud subnetwork is regional: it serves every zone, so it names none.
      zones: [],
      podRangeName: gcp.podRangeName,
      serviceRangeName: gcp.serviceRangeName,
    };
    this.clusters.set(cluster.name, placed);
    return placed;
  }

  /**
   * Private services access: the data tier's block of the address plan
   * ({@link AddressPlanner.dataTier}) allocated to Google's service producers (`VPC_PEERING`) and
   * the peering connection to them, so that Cloud SQL and Memorystore instances get private IPs in
   * the platform's network and nothing else. Created on first use; clusters placed afterwards stay
   * out of the block.
   */
  privateServiceAccess(): PrivateServiceAccess {
    if (this.psa) return this.psa;
    let placement;
    try {
      placement = this.planner.dataTier();
    } catch (e) {
      throw e instanceof PlanError ? new PlatformValidationError(`${e.path}: ${e.message}`, this) : e;
    }
    const platform = platformOf(this);
    const [address, prefix] = placement.block.split('/') as [string, string];
    const scope = new Construct(this, 'PrivateServiceAccess');
    const range = new ComputeGlobalAddress(scope, 'Range', {
      name: `${gcpNetworkNames(platform.name).network}-psa`,
      project: platform.gcpProject!,
      description: 'Private services access: Cloud SQL and Memorystore of the platform',
      purpose: 'VPC_PEERING',
      addressType: 'INTERNAL',
      address,
      prefixLength: Number(prefix),
      network: this.network.id,
    });
    const connection = new ServiceNetworkingConnection(scope, 'Connection', {
      network: this.network.id,
      service: 'servicenetworking.googleapis.com',
      reservedPeeringRanges: [range.name],
      // Deleting the connection fails for days after a Cloud SQL instance is gone (Google keeps the
      // producer's resources): the provider's documented way out is to abandon it on destroy, and
      // the network's own deletion removes the peering.
      deletionPolicy: 'ABANDON',
    });
    this.psa = { networkId: this.network.id, rangeName: range.name, cidr: placement.block, connection };
    return this.psa;
  }

  subnetsFor(cluster: string): PlacedCluster {
    const s = this.clusters.get(cluster);
    if (!s) throw new PlatformValidationError(`the network has no subnetwork for cluster '${cluster}'; place it first (GkeCluster does)`, this);
    return s;
  }
}
