/**
 * Cloud-neutral contracts. Stacks and components program against these, never against a
 * concrete cloud class, so that the same platform builds on AWS, Google Cloud or existing
 * clusters, and a component can switch between build and buy without its consumers changing.
 */
import type { IConstruct } from 'constructs';
import type { ITerraformDependable } from './cdk';
import type { ClusterPlan, GcpClusterRanges } from '../../plan';
import type { Cloud, Flavour, NetworkSpec } from '../../schema/schema';

/** The subnets a cluster's nodes (and, on Google Cloud, pods and services) live in. */
export interface ClusterSubnets {
  /** Private node subnet ids (one per zone on AWS, the regional subnetwork on Google Cloud). */
  readonly subnetIds: readonly string[];
  /** The zones those subnets are in, in the same order (AWS). */
  readonly zones: readonly string[];
  /** Secondary range name for pods (Google Cloud). */
  readonly podRangeName?: string;
  /** Secondary range name for services (Google Cloud). */
  readonly serviceRangeName?: string;
}

/** A cluster asking its network for a place: what the address plan and the subnets' tags need. */
export interface NetworkClusterRequest {
  /** The cluster's name in the platform (`clusters[].name`). */
  readonly name: string;
  /** The cluster's workload flavour (`microservice`, `streaming`, `batch`), which sizes its block of addresses. */
  readonly flavour: Flavour;
  /** The cluster's name in its cloud (`<platform>-<cluster>`), which subnet tags and range names carry. */
  readonly resourceName: string;
}

/** Where a network placed a cluster: its addresses, and the subnets made for it. */
export interface PlacedCluster extends ClusterSubnets {
  /** The cluster's block of the platform CIDR. */
  readonly block: string;
  /** Its node subnets by zone, with their CIDRs. */
  readonly nodeSubnets: readonly {
    /** The zone the subnet is in. */
    readonly zone: string;
    /** The subnet's CIDR, carved from the cluster's block. */
    readonly cidr: string;
  }[];
  /** Google Cloud: the secondary and control-plane ranges planned for it. */
  readonly gcp?: GcpClusterRanges;
}

/** The data tier of an AWS network: private subnets, one per zone, for managed databases and caches. */
export interface DataSubnets {
  /** Subnet ids, one per zone. @attribute */
  readonly subnetIds: readonly string[];
  /** Their zones, in the same order. */
  readonly zones: readonly string[];
  /** Their CIDRs, in the same order. */
  readonly cidrs: readonly string[];
}

/** Private services access of a Google Cloud network (Cloud SQL, Memorystore on private IP). */
export interface PrivateServiceAccess {
  /** The VPC's id (`projects/<p>/global/networks/<n>`), as Cloud SQL's `private_network` takes it. @attribute */
  readonly networkId: string;
  /** The allocated range's name. @attribute */
  readonly rangeName: string;
  /** The range, a CIDR of the address plan. */
  readonly cidr: string;
  /** The peering connection every private-IP instance must wait for. */
  readonly connection: ITerraformDependable;
}

/** A platform network: VPC, subnets per cluster, egress. */
export interface INetwork extends IConstruct {
  /** The cloud the network is in (`aws` or `gcp`; existing clusters bring their own network). */
  readonly cloud: Exclude<Cloud, 'kubernetes'>;
  /** VPC id (AWS) or network self link (Google Cloud). @attribute */
  readonly networkId: string;
  /** The platform's address space. */
  readonly cidr: string;
  /** The validated network settings (platform.yaml's `network`). */
  readonly spec: NetworkSpec;
  /** Zones the network spans. */
  readonly zones: readonly string[];
  /** Public subnet ids, one per zone (AWS; empty on Google Cloud). */
  readonly publicSubnetIds: readonly string[];
  /**
   * Places a cluster in the network: the next block of the address plan (append-stable) and its
   * subnets. Cluster constructs call it; each cluster is placed once.
   */
  placeCluster(cluster: NetworkClusterRequest): PlacedCluster;
  /** Where `cluster` was placed. Throws when it was not. */
  subnetsFor(cluster: string): PlacedCluster;
  /**
   * AWS: the data tier — one private subnet per zone, from the fixed block of the address plan
   * right below the public subnets (so that neither clusters nor the data tier ever renumber the
   * other) — created on first use. Managed databases and caches of built components go here.
   */
  dataSubnets?(): DataSubnets;
  /**
   * Google Cloud: private services access — the same fixed block allocated to Google's service
   * producers and peered with the VPC — created on first use; Cloud SQL and Memorystore get
   * private IPs from it.
   */
  privateServiceAccess?(): PrivateServiceAccess;
}

/** How the Kubernetes and Helm providers reach a cluster. */
export type KubernetesConnection =
  | {
      /** Authenticate with a token from a command (the cloud CLI), against an endpoint Loom knows. */
      readonly kind: 'exec';
      /** The API server URL. */
      readonly host: string;
      /**
       * Base64-encoded PEM of the cluster CA. Absent when the endpoint presents a publicly trusted
       * certificate (GKE's DNS-based endpoint): the providers then use the system trust store, and
       * passing the cluster CA there would make them reject the endpoint.
       */
      readonly clusterCaCertificate?: string;
      /** Whether `clusterCaCertificate` is base64 (EKS, GKE) and must be decoded for the provider. */
      readonly caIsBase64: boolean;
      /** The client-go credential plugin the providers run for a token. */
      readonly exec: {
        /** The `client.authentication.k8s.io` API version the plugin speaks. */
        readonly apiVersion: string;
        /** The command to run (`aws`, `gke-gcloud-auth-plugin`, …). */
        readonly command: string;
        /** Its arguments. */
        readonly args: readonly string[];
        /**
         * Environment variables set for the command.
         * @default none
         */
        readonly env?: Readonly<Record<string, string>>;
      };
    }
  | {
      /** Read the endpoint and credentials from a kubeconfig file (existing clusters). */
      readonly kind: 'kubeconfig';
      /**
       * The kubeconfig file.
       * @default the files of `KUBECONFIG` where Loom synthesizes, else `~/.kube/config`
       */
      readonly configPath?: string;
      /** The kubeconfig context that names the cluster. */
      readonly configContext: string;
    };

/** A Kubernetes cluster Loom created or was pointed at. */
export interface IKubernetesCluster extends IConstruct {
  /** The cloud the cluster runs in (`kubernetes` for an existing cluster Loom was pointed at). */
  readonly cloud: Cloud;
  /** The cluster's workload flavour (`microservice`, `streaming`, `batch`), which picks its add-ons and pools. */
  readonly flavour: Flavour;
  /** The cluster's name in its cloud (or the spec name for existing clusters). @attribute */
  readonly clusterName: string;
  /** API server URL. @attribute */
  readonly clusterEndpoint: string;
  /** How providers authenticate. */
  readonly connection: KubernetesConnection;
  /** The resolved plan for this cluster (pools, zones, flavour profile). */
  readonly plan: ClusterPlan;
  /** The network the cluster's nodes are in (clusters Loom creates; none for existing clusters). */
  readonly network?: INetwork;
}

/**
 * Pods whose metrics endpoint should be scraped: what an add-on or a component exposes, stated
 * once and independently of how the platform monitors (the monitoring component renders it as a
 * PodMonitor, a scrape job or a `PodMonitoring`, see `IMonitoring.scrape`).
 *
 * Pods are selected by namespace and labels, and the endpoint by its container port — as the
 * chart that runs the pods sets them — so no Service or chart-made monitor is needed.
 */
export interface ScrapeTarget {
  /** Names the scrape job; unique per cluster (a lowercase DNS label of at most 40 characters). */
  readonly name: string;
  /** The pods' namespace (a plain name, not a reference). */
  readonly namespace: string;
  /** Labels the pods carry (all must match). */
  readonly podSelector: Readonly<Record<string, string>>;
  /**
   * The container port serving metrics: its name, or its number where the chart leaves the port
   * unnamed. Either way the pod must declare the port.
   */
  readonly port: string | number;
  /**
   * The metrics path.
   * @default /metrics
   */
  readonly path?: string;
  /**
   * The endpoint's scheme.
   * @default http
   */
  readonly scheme?: 'http' | 'https';
  /**
   * Accept the endpoint's certificate without verifying it (https only): for endpoints serving a
   * self-signed certificate that no CA the scraper knows has issued.
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
  /**
   * How the scraper authenticates (https only): `service-account-token` presents a Kubernetes
   * service-account token, for endpoints that check it with a TokenReview and allow `get` on the
   * non-resource URL `/metrics` (controller-runtime's secure metrics serving).
   * @default none
   */
  readonly auth?: 'none' | 'service-account-token';
}
