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
import type { ClusterSubnets, INetwork } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
import { gcpClusterNames, gcpNetworkNames, type PlatformPlan } from '../../plan';
import { GOOGLE_HEALTH_CHECK_RANGES } from '../gcp/gcp';
import { TerraformStack } from '../core/cdk';
import { componentScope } from '../core/component-scope';
import { gkeRegistryTrustNeeded, RegistryCaSecret, type GkeRegistryTrust } from '../gcp/registry-ca';

export interface GcpNetworkProps {
  /** The resolved platform plan (cloud: gcp); its network and clusters' ranges are built. */
  readonly plan: PlatformPlan;
}

/** Flow log settings of every subnetwork: 5-second aggregation, half the flows, all metadata. */
export const SUBNETWORK_FLOW_LOGS = {
  aggregationInterval: 'INTERVAL_5_SEC',
  flowSampling: 0.5,
  metadata: 'INCLUDE_ALL_METADATA',
} as const;

/**
 * A VPC laid out from the platform's address plan.
 *
 * Subnetworks are keyed by cluster name, never by position, so appending a cluster adds a
 * subnetwork without renaming any.
 */
export class GcpNetwork extends Construct implements INetwork {
  readonly cloud = 'gcp' as const;
  /** Self link of the VPC. @attribute */
  readonly networkId: string;
  /** Name of the VPC. @attribute */
  readonly networkName: string;
  readonly cidr: string;
  readonly zones: readonly string[];
  /** Google Cloud has no public subnets: nodes are private and egress through Cloud NAT. */
  readonly publicSubnetIds: readonly string[] = [];
  readonly network: ComputeNetwork;
  readonly subnetworks: Record<string, ComputeSubnetwork> = {};
  /**
   * Registry build: the platform CA and the Secret Manager secret GKE nodes read it from. Here
   * because the network stack comes before every cluster stack (see `constructs/gcp/registry-ca.ts`).
   */
  readonly registryTrust?: GkeRegistryTrust;
  private readonly clusterSubnets = new Map<string, ClusterSubnets>();

  constructor(scope: Construct, id: string, props: GcpNetworkProps) {
    super(scope, id);
    const { plan } = props;
    const net = plan.network;
    if (plan.cloud !== 'gcp') throw new PlatformValidationError(`GcpNetwork needs cloud: gcp, the plan says ${plan.cloud}`, this);
    if (!net) throw new PlatformValidationError('the plan has no network', this);
    if (!plan.gcpProject || !plan.region) throw new PlatformValidationError('the plan has no gcpProject or region; validate the spec first', this);
    const project = plan.gcpProject;
    const region = plan.region;
    const names = gcpNetworkNames(plan.name);
    this.cidr = net.cidr;
    this.zones = plan.zones;

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

    const subnetScope = new Construct(this, 'Subnetworks');
    const podRanges: string[] = [];
    for (const cluster of plan.clusters) {
      if (!cluster.block || !cluster.gcp) {
        throw new PlatformValidationError(`cluster '${cluster.name}' has no address block or Google Cloud ranges in the plan`, this);
      }
      const subnetwork = new ComputeSubnetwork(subnetScope, cluster.name, {
        name: gcpClusterNames(plan.name, cluster.name).subnetwork,
        project,
        region,
        network: this.network.id,
        description: `Nodes, pods and services of cluster ${cluster.resourceName} (${cluster.flavour})`,
        ipCidrRange: cluster.block,
        stackType: 'IPV4_ONLY',
        secondaryIpRange: [
          { rangeName: cluster.gcp.podRangeName, ipCidrRange: cluster.gcp.podRange },
          { rangeName: cluster.gcp.serviceRangeName, ipCidrRange: cluster.gcp.serviceRange },
        ],
        // Nodes have no external addresses: Google APIs (images, logging, KMS) over private access.
        privateIpGoogleAccess: true,
        logConfig: { ...SUBNETWORK_FLOW_LOGS },
      });
      this.subnetworks[cluster.name] = subnetwork;
      podRanges.push(cluster.gcp.podRange);
      this.clusterSubnets.set(cluster.name, {
        subnetIds: [subnetwork.selfLink],
        // A Google Cloud subnetwork is regional: it serves every zone, so it names none.
        zones: [],
        podRangeName: cluster.gcp.podRangeName,
        serviceRangeName: cluster.gcp.serviceRangeName,
      });
    }

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
      sourceRanges: [net.cidr, ...podRanges],
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

    // Under the stack's Registry scope, like every resource of the component: flipping the
    // registry between build and buy changes only what is under Registry/ (and the node pools).
    if (gkeRegistryTrustNeeded(plan)) this.registryTrust = new RegistryCaSecret(componentScope(TerraformStack.of(this), 'registry'), 'TrustedCa', { plan });
  }

  subnetsFor(cluster: string): ClusterSubnets {
    const s = this.clusterSubnets.get(cluster);
    if (!s) throw new PlatformValidationError(`the network has no subnetwork planned for cluster '${cluster}'`, this);
    return s;
  }
}
