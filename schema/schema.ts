/**
 * The `platform.yaml` schema: one zod schema per concept, every default written once, here.
 *
 * Field-level rules live in the schemas; rules that relate fields to each other live in
 * `rules.ts` and run once the shape is known to be right.
 */
import './zod-locales';
import { z } from 'zod';
import { ARCHITECTURES, GPU_TYPES } from '../catalog/machine-types';
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS } from '../catalog/kubernetes-versions';

/** A lowercase RFC 1123 DNS label. */
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dnsLabel = (max: number) =>
  z
    .string()
    .min(1)
    .max(max, { error: `must be at most ${max} characters` })
    .regex(DNS_LABEL, {
      error: 'must be a lowercase DNS label: letters, digits and hyphens, starting with a letter and not ending with a hyphen',
    });

/**
 * Where a platform runs: `aws` and `gcp` create the network and clusters; `kubernetes` installs onto
 * clusters that already exist (on-premises, for data that may not leave).
 */
export const CLOUDS = ['aws', 'gcp', 'kubernetes'] as const;
/** One of {@link CLOUDS}: the spec's `cloud`. */
export type Cloud = (typeof CLOUDS)[number];
/**
 * The three cluster flavours, each a profile of capacity, scaling and placement (plan/flavours.ts):
 * `microservice` for services, `streaming` for brokers, `batch` for training and jobs (CPU and GPU).
 */
export const FLAVOURS = ['microservice', 'streaming', 'batch'] as const;
/** One of {@link FLAVOURS}: a cluster's `flavour`. */
export type Flavour = (typeof FLAVOURS)[number];
/** The environments a platform can be; `prod` tightens the rules (zones, pool minimums, NAT). */
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
/** One of {@link ENVIRONMENTS}: the spec's `environment`. */
export type Environment = (typeof ENVIRONMENTS)[number];

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Tags on AWS and labels on Google Cloud: the stricter of the two rule sets. */
export const labelsSchema = z
  .record(
    z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, {
      error: 'label keys must be lowercase, start with a letter, and use only letters, digits, _ and - (at most 63 characters)',
    }),
    z.string().regex(/^[a-z0-9_-]{0,63}$/, {
      error: 'label values must be lowercase letters, digits, _ and - (at most 63 characters)',
    }),
  )
  .default({});

/**
 * Where every stack of the platform keeps its Terraform state (`state:`), one state file per
 * stack. Local state is for dev only: it is neither shared nor locked.
 */
export const stateSchema = z
  .discriminatedUnion('backend', [
    z.strictObject({
      /** Files on the machine that runs Terraform (dev only; Loom warns elsewhere). */
      backend: z.literal('local'),
      /**
       * Directory holding one `<stack>.tfstate` per stack, relative to the stack directory.
       * @default ../../../terraform-state (a `terraform-state` directory beside the synth output)
       */
      path: z.string().min(1).optional(),
    }),
    z.strictObject({
      /** An S3 bucket (or an S3-compatible store, with `endpoint`): the usual choice on AWS. */
      backend: z.literal('s3'),
      /** The state bucket; it must exist before the first apply (Loom does not create it). */
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'must be a valid S3 bucket name' }),
      /**
       * Key prefix; each stack's state is `<prefix>/<stack>.tfstate`.
       * @default loom
       */
      prefix: z.string().default('loom'),
      /** Region of the state bucket; defaults to the platform's region. */
      region: z.string().optional(),
      /** KMS key for server-side encryption of state objects; default is S3-managed encryption. */
      kmsKeyId: z.string().optional(),
      /**
       * An S3-compatible store instead of AWS S3 (MinIO, Ceph RGW, … on your premises): its https
       * URL. Loom then uses path-style addressing and skips the AWS account and region checks.
       */
      endpoint: z
        .string()
        .url({ error: 'must be an https:// URL' })
        .refine((u) => u.startsWith('https://'), { error: 'must be an https:// URL (state holds secrets)' })
        .optional(),
    }),
    z.strictObject({
      /** A Google Cloud Storage bucket: the usual choice on Google Cloud. */
      backend: z.literal('gcs'),
      /** The state bucket; it must exist before the first apply (Loom does not create it). */
      bucket: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, { error: 'must be a valid GCS bucket name' }),
      /**
       * Object prefix; each stack's state lives under `<prefix>/<stack>`.
       * @default loom
       */
      prefix: z.string().default('loom'),
    }),
  ])
  .default({ backend: 'local' });
/** A validated `state:`, one member per backend, defaults applied. */
export type StateSpec = z.infer<typeof stateSchema>;

/**
 * The platform's network (`network:`, aws and gcp): one address space, zones and egress, from which
 * every subnet and pod range is derived deterministically (plan/addresses.ts).
 */
export const networkSchema = z.strictObject({
  /**
   * The platform's address space; the whole address plan derives from it.
   * @default 10.0.0.0/16
   */
  cidr: z.string().default('10.0.0.0/16'),
  /**
   * How many zones the platform spreads over (at least 2 in prod).
   * @default 3
   */
  zones: z.number().int().min(1, { error: 'must be between 1 and 6' }).max(6, { error: 'must be between 1 and 6' }).default(3),
  /** Explicit zone names, overriding the ones derived from the region. */
  availabilityZones: z.array(z.string().min(1)).optional(),
  /**
   * One NAT gateway for the platform, or one per zone (no cross-zone dependency).
   * @default single
   */
  natGateways: z.enum(['single', 'per-zone']).default('single'),
  /**
   * How long VPC flow logs are kept (days).
   * @default 90
   */
  flowLogRetentionDays: z
    .number()
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      error: `must be one of ${LOG_RETENTION_DAYS.join(', ')} (the periods CloudWatch Logs accepts)`,
    })
    .default(90),
  /**
   * Google Cloud only: the range pod and service secondary ranges are cut from, per cluster in
   * spec order (services from its top /16, pods from the rest). RFC 1918, disjoint from `cidr`,
   * a /15 or larger. The default, 172.16.0.0/12, sits outside 10.0.0.0/8 (where `cidr` usually
   * lives) and holds the pods of seven batch clusters (a /15 each) or fifteen microservice ones
   * (a /16 each). Ignored on AWS, where pods take VPC addresses.
   * @default 172.16.0.0/12
   */
  podCidr: z.string().default('172.16.0.0/12'),
  /**
   * AWS only: interface VPC endpoints (ECR api/dkr, STS, EC2, CloudWatch Logs) in the private
   * subnets, so that image pulls, IRSA token exchange and node bootstrap stay off the NAT gateway.
   * Each endpoint costs per hour and zone, hence off by default; the S3 gateway endpoint (free) is
   * always created.
   * @default false
   */
  interfaceEndpoints: z.boolean().default(false),
});
/** A validated `network:`, defaults applied. */
export type NetworkSpec = z.infer<typeof networkSchema>;

/** The GPUs of each node of a pool (`nodePools[].gpu`): such pools are tainted and labelled for GPU work. */
export const gpuSchema = z.strictObject({
  /** The NVIDIA GPU model; the pool's machine types must be of a family that carries it. */
  type: z.enum(GPU_TYPES),
  /**
   * GPUs per node: must be what the machine type has (`p4d.24xlarge` has 8).
   * @default 1
   */
  count: z.number().int().min(1).max(16).default(1),
});

/** A group of identical nodes Loom creates and scales (`clusters[].nodePools[]`, aws and gcp). */
export const nodePoolSchema = z.strictObject({
  /** Unique within the cluster; part of the node group's derived name, which must fit the cloud's limits. */
  name: dnsLabel(32),
  /** Instance types; the first is the primary one. */
  machineTypes: z.array(z.string().min(1)).min(1, { error: 'list at least one machine type' }),
  /**
   * Nodes kept running: 0 only on batch pools (scale to zero), at least 2 for microservice pools in prod.
   * @default 1
   */
  minNodes: z.number().int().min(0, { error: 'must be >= 0' }).default(1),
  /** The most nodes the autoscaler may add; at least `minNodes`. */
  maxNodes: z.number().int().min(1, { error: 'must be >= 1' }),
  /**
   * Root (and container image) volume size.
   * @default 100
   */
  diskGb: z.number().int().min(20, { error: 'must be >= 20' }).max(16384).default(100),
  /** Spot / preemptible capacity. Batch CPU pools default to spot; other flavours never use it. */
  spot: z.boolean().optional(),
  /** GPUs on each node; only batch and microservice clusters take GPU pools. */
  gpu: gpuSchema.optional(),
  /**
   * Extra Kubernetes node labels.
   * @default {}
   */
  labels: z.record(z.string(), z.string()).default({}),
});
/** A validated node pool, defaults applied. */
export type NodePoolSpec = z.infer<typeof nodePoolSchema>;

/**
 * An exec credential plugin (`existing.exec`), as in kubeconfig's `users[].user.exec`: the command
 * Terraform's kubernetes and helm providers run to get a token for the cluster's API.
 */
export const execCredentialSchema = z.strictObject({
  /**
   * The `client.authentication.k8s.io` version the plugin speaks.
   * @default client.authentication.k8s.io/v1beta1
   */
  apiVersion: z.string().default('client.authentication.k8s.io/v1beta1'),
  /** The plugin to run (e.g. `kubelogin`, `aws`); it must be on the PATH where Terraform runs. */
  command: z.string().min(1),
  /**
   * Its arguments.
   * @default []
   */
  args: z.array(z.string()).default([]),
  /**
   * Environment variables for the plugin, names kept as written (e.g. `AWS_PROFILE`).
   * @default {}
   */
  env: z.record(z.string(), z.string()).default({}),
});

/**
 * The GPUs of an existing cluster: Loom installs the NVIDIA GPU operator there, and needs to know
 * which parts of NVIDIA's stack the hosts already have.
 */
export const existingGpuSchema = z.strictObject({
  /**
   * The NVIDIA driver: already on the hosts (DGX OS, a GPU image), or run by the operator as a container.
   * @default operator
   */
  driver: z.enum(['preinstalled', 'operator']).default('operator'),
  /**
   * The NVIDIA Container Toolkit: already configured in the hosts' container runtime, or set up by the operator.
   * @default operator
   */
  toolkit: z.enum(['preinstalled', 'operator']).default('operator'),
});
/** A validated `existing.gpu`, defaults applied. */
export type ExistingGpuSpec = z.infer<typeof existingGpuSchema>;

/**
 * One group of identical nodes of an existing batch cluster, which Kueue turns into a
 * ResourceFlavor with quotas: Loom cannot look the machines up in a cloud catalogue, so the spec
 * says what they are.
 */
export const existingCapacitySchema = z.strictObject({
  /** Names the Kueue ResourceFlavor (`loom-<name>`). */
  name: dnsLabel(32),
  /** Labels that select these nodes (Kueue puts them in the admitted pods' node affinity); 1 to 8. */
  nodeLabels: z
    .record(z.string().min(1), z.string())
    .refine((l) => Object.keys(l).length >= 1 && Object.keys(l).length <= 8, { error: 'give 1 to 8 labels that select these nodes' }),
  /** How many such nodes the cluster has (or may scale to). */
  nodes: z.number().int().min(1, { error: 'must be >= 1' }),
  /** vCPUs per node. */
  cpu: z.number().positive({ error: 'must be > 0' }),
  /** Memory per node, GiB. */
  memoryGiB: z.number().positive({ error: 'must be > 0' }),
  /**
   * NVIDIA GPUs per node (the cluster must then say so in `existing.gpu`).
   * @default 0
   */
  gpus: z.number().int().min(0).default(0),
  /**
   * Taints these nodes carry; admitted pods get matching tolerations.
   * @default []
   */
  taints: z
    .array(
      z.strictObject({
        /** The taint's key, e.g. `nvidia.com/gpu`. */
        key: z.string().min(1),
        /** The taint's value; absent, the toleration matches the key alone (`Exists`). */
        value: z.string().optional(),
        /** What the taint does to pods that do not tolerate it. */
        effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
      }),
    )
    .default([]),
});
/** A validated `existing.capacity[]` entry, defaults applied. */
export type ExistingCapacitySpec = z.infer<typeof existingCapacitySchema>;

/** How to reach a cluster that already exists (`cloud: kubernetes`), and what it already has. */
export const existingClusterSchema = z.strictObject({
  /**
   * The kubeconfig context to reach the cluster with (it carries its own CA and credentials).
   * Give this, or `endpoint` with `clusterCaCertificate` and `exec`.
   */
  kubeconfigContext: z.string().min(1).optional(),
  /**
   * The kubeconfig file `kubeconfigContext` is read from; without it, the files `KUBECONFIG` lists
   * when Loom synthesizes, else `~/.kube/config`.
   */
  kubeconfigPath: z.string().min(1).optional(),
  /** The API server's https URL, when no kubeconfig context is used. */
  endpoint: z.string().url({ error: 'must be an https:// URL' }).optional(),
  /**
   * With `endpoint`: the API server's CA, as PEM or base64-encoded PEM (kubeconfig's
   * `certificate-authority-data`).
   */
  clusterCaCertificate: z.string().min(1).optional(),
  /** With `endpoint`: the exec credential plugin that returns a token. */
  exec: execCredentialSchema.optional(),
  /**
   * The cluster already runs metrics-server (k3s, RKE2, OpenShift and most managed distributions
   * ship one); Loom installs it when false.
   * @default false
   */
  metricsServer: z.boolean().default(false),
  /** The cluster has NVIDIA GPUs: Loom installs the GPU operator, configured for what the hosts provide. */
  gpu: existingGpuSchema.optional(),
  /**
   * Batch clusters: the node groups Kueue's ClusterQueue gets quotas for (one ResourceFlavor
   * each). Without it Loom installs Kueue but no queues.
   */
  capacity: z.array(existingCapacitySchema).optional(),
});

/**
 * Who may reach a cluster's Kubernetes API (`clusters[].endpoint`, aws and gcp). Terraform applies
 * the add-ons stack through that API, so it must be reachable from where Terraform runs.
 */
export const endpointSchema = z.strictObject({
  /**
   * CIDRs allowed to reach a public API endpoint; the endpoint stays private when empty. Never `0.0.0.0/0`.
   * @default []
   */
  publicAccessCidrs: z.array(z.string()).default([]),
  /**
   * CIDRs allowed to reach the private API endpoint from networks routed into the VPC: the VPN,
   * the CI runners' network, a bastion. The add-ons stack's Terraform must reach the API from one
   * of them (or from a public CIDR); without either it must run inside the cluster's VPC.
   * @default []
   */
  privateAccessCidrs: z.array(z.string()).default([]),
});

/** One Kubernetes cluster of the platform (`clusters[]`): created on aws and gcp, existing on `kubernetes`. */
export const clusterSchema = z.strictObject({
  /** Unique in the platform; cloud resources are named `<platform>-<name>`, checked against each cloud's limits. */
  name: dnsLabel(30),
  /** What the cluster is for, which decides its capacity, scaling and placement (see {@link FLAVOURS}). */
  flavour: z.enum(FLAVOURS),
  // Every minor the catalogue has dates for, so that one past its end of support gets the rules'
  // dated rejection (catalog/kubernetes-versions.ts) rather than a bare enum error.
  /**
   * The Kubernetes minor, judged against the cloud's support calendar on the evaluation date
   * (catalog/kubernetes-versions.ts). The default is `DEFAULT_KUBERNETES_VERSION`, the newest minor
   * in standard support on both EKS and GKE.
   * @default "1.36"
   */
  kubernetesVersion: z.enum(KUBERNETES_VERSIONS).default(DEFAULT_KUBERNETES_VERSION),
  /** aws and gcp: the nodes Loom creates (at least one pool); absent with `cloud: kubernetes`. */
  nodePools: z.array(nodePoolSchema).optional(),
  /** `cloud: kubernetes` only, and required there: how to reach the existing cluster. */
  existing: existingClusterSchema.optional(),
  /**
   * Who may reach the cluster's API (aws and gcp).
   * @default { publicAccessCidrs: [], privateAccessCidrs: [] }
   */
  endpoint: endpointSchema.default({ publicAccessCidrs: [], privateAccessCidrs: [] }),
  /**
   * Node autoscaler on AWS (GKE's is built in, existing clusters keep theirs).
   * @default cluster-autoscaler
   */
  autoscaler: z.enum(['cluster-autoscaler', 'karpenter']).default('cluster-autoscaler'),
  /**
   * AWS: IAM role or user ARNs given cluster-admin through EKS access entries.
   * @default []
   */
  admins: z
    .array(z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)\/.+$/, { error: 'must be an IAM role or user ARN' }))
    .default([]),
  /** Batch only: place the cluster's nodes in one zone (GPU capacity), with the reason. */
  singleZone: z
    .strictObject({
      /** Why one zone is acceptable (e.g. where the GPU capacity is); at least 10 characters. */
      reason: z.string().min(10, { error: 'give a reason of at least 10 characters' }),
    })
    .optional(),
});
/** A validated cluster, defaults applied. */
export type ClusterSpec = z.infer<typeof clusterSchema>;

/** The platform components, each built (open source on the platform's clusters) or bought (the cloud's managed service). */
export const COMPONENTS = ['registry', 'experimentTracking', 'featureStore', 'serving', 'monitoring', 'pipelines', 'streaming'] as const;
/** One of {@link COMPONENTS}: a key under `components:`. */
export type ComponentName = (typeof COMPONENTS)[number];

/** What every component takes (`components.<name>`); a component left out is not installed. */
export const componentSchema = z.strictObject({
  /**
   * `build`: the open-source tool, self-hosted on the platform's clusters; `buy`: the cloud's
   * managed service (not with `cloud: kubernetes`, nor when `dataResidency.managedServices` is
   * forbidden). Consumers see the same contract either way.
   */
  mode: z.enum(['build', 'buy']),
  /** The cluster the component runs on; defaults to the first cluster whose flavour suits it. */
  cluster: z.string().optional(),
});
/** A validated component (`mode`, `cluster`). */
export type ComponentSpec = z.infer<typeof componentSchema>;

/** An image name inside the registry: lowercase path segments, as ECR and OCI registries take them. */
const imageRepositoryName = z
  .string()
  .max(200, { error: 'must be at most 200 characters' })
  .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, {
    error: "must be lowercase letters and digits, separated by single '.', '_', '-' or '/' (e.g. models/ranker)",
  });

/** A lowercase DNS name of at least two labels (`example` shows one in the error). */
function dnsName(example: string) {
  return z
    .string()
    .max(253)
    .regex(/^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, {
      error: `must be a lowercase DNS name with at least two labels, e.g. ${example}`,
    });
}

/** The registry component: where the platform's container images live. */
export const registryComponentSchema = componentSchema.extend({
  /**
   * The image repositories the platform pushes to, each `<registryUrl>/<name>`. On AWS (buy) each
   * becomes an ECR repository `<platform>/<name>`; Artifact Registry and Harbor take any name, and
   * list these for their consumers.
   * @default ['images', 'models']
   */
  repositories: z.array(imageRepositoryName).min(1, { error: 'list at least one repository' }).default(['images', 'models']),
  /**
   * build only: the DNS name Harbor is served at (its TLS certificate's name and external URL).
   * On aws and gcp Loom answers it inside the platform's network (a private zone for exactly
   * this name); on existing clusters point it at Harbor's load balancer yourself.
   * @default harbor.<name>.internal
   */
  hostname: dnsName('registry.ml.example.com').optional(),
});
/** A validated `components.registry`, defaults applied. */
export type RegistryComponentSpec = z.infer<typeof registryComponentSchema>;

/**
 * Amazon Managed Grafana (monitoring, buy on AWS): how people sign in and who administers it.
 * Without an administrator nobody can configure the workspace after apply.
 */
export const grafanaSchema = z.strictObject({
  /**
   * `aws-sso`: IAM Identity Center (it must be enabled for the account or organization, or
   * creating the workspace fails); `saml`: your identity provider, configured from `saml`.
   * @default aws-sso
   */
  authentication: z.enum(['aws-sso', 'saml']).default('aws-sso'),
  /**
   * aws-sso: IAM Identity Center group ids made Grafana admins.
   * @default []
   */
  adminGroups: z.array(z.string().min(1)).default([]),
  /**
   * aws-sso: IAM Identity Center user ids made Grafana admins.
   * @default []
   */
  adminUsers: z.array(z.string().min(1)).default([]),
  /** saml: the identity provider's metadata and the assertion values that make an admin. */
  saml: z
    .strictObject({
      /** The IdP's metadata URL (or give `idpMetadataXml`). */
      idpMetadataUrl: z.url({ error: 'must be an https URL of the identity provider metadata' }).optional(),
      /** The IdP's metadata document (or give `idpMetadataUrl`). */
      idpMetadataXml: z.string().min(1).optional(),
      /** The assertion attribute that carries the user's roles. @default role */
      roleAssertion: z.string().min(1).default('role'),
      /** Values of the role assertion that make a user a Grafana admin. */
      adminRoleValues: z.array(z.string().min(1)).min(1, { error: 'name at least one role value, or nobody administers Grafana' }),
      /** Values of the role assertion that make a user a Grafana editor. @default [] */
      editorRoleValues: z.array(z.string().min(1)).default([]),
    })
    .optional(),
});
/** A validated `components.monitoring.grafana`, defaults applied. */
export type GrafanaSpec = z.infer<typeof grafanaSchema>;

/** The monitoring component: metrics of every cluster, and dashboards. */
export const monitoringComponentSchema = componentSchema.extend({
  /** buy on AWS only: Amazon Managed Grafana's sign-in and administrators. */
  grafana: grafanaSchema.optional(),
});
/** A validated `components.monitoring`. */
export type MonitoringComponentSpec = z.infer<typeof monitoringComponentSchema>;

/** SageMaker managed MLflow's tracking server sizes (up to about 25, 50 and 100 users). */
export const SAGEMAKER_MLFLOW_SIZES = ['Small', 'Medium', 'Large'] as const;

/**
 * The PostgreSQL a built component keeps its metadata in (`components.<name>.database`): RDS on
 * AWS, Cloud SQL on Google Cloud, a CloudNativePG cluster on existing clusters. Every size left out
 * follows the environment (catalog/databases.ts `DATABASE_PROFILES`; `loom validate --explain`
 * shows the values in effect); protection (Multi-AZ or REGIONAL, backups, deletion protection)
 * always follows the environment.
 */
export const databaseSizeSchema = z.strictObject({
  /**
   * AWS: the RDS instance class (`db.<family>.<size>`); Google Cloud: the Cloud SQL tier
   * (`db-custom-<vCPUs>-<MiB>`). Not used on existing clusters.
   * @default the environment's (db.t4g.medium / db-custom-1-3840 in dev, db.m7g.large / db-custom-2-7680 in prod)
   */
  instanceClass: z
    .string()
    .regex(/^(db\.[a-z0-9]+\.[a-z0-9]+|db-custom-[0-9]+-[0-9]+)$/, {
      error: 'must be an RDS instance class such as db.m7g.large (AWS) or a Cloud SQL tier such as db-custom-2-7680 (Google Cloud)',
    })
    .optional(),
  /**
   * Storage, GB: RDS allocated storage, Cloud SQL disk, or each CloudNativePG instance's volume.
   * @default the environment's (20 in dev, 50 in staging, 100 in prod; 10/20/50 GiB on existing clusters)
   */
  storageGb: z.int().min(10, { error: 'must be at least 10 GB' }).max(16384, { error: 'must be at most 16384 GB' }).optional(),
  /**
   * Existing clusters only: PostgreSQL instances of the CloudNativePG cluster (one primary, the rest replicas).
   * @default 3 in prod, 1 otherwise
   */
  instances: z.int().min(1, { error: 'must be at least 1' }).max(9, { error: 'must be at most 9' }).optional(),
});
/** A validated `components.<name>.database`. */
export type DatabaseSizeSpec = z.infer<typeof databaseSizeSchema>;

/** The experiment tracking component, which is also the platform's model registry. */
export const experimentTrackingComponentSchema = componentSchema.extend({
  /**
   * build: MLflow server replicas (stateless: its state is in PostgreSQL and the object store).
   * @default 2 in prod, 1 otherwise
   */
  replicas: z.int().min(1, { error: 'must be at least 1' }).max(20, { error: 'must be at most 20' }).optional(),
  /** build: the size of MLflow's backend store (PostgreSQL). */
  database: databaseSizeSchema.optional(),
  /**
   * buy on AWS: the size of SageMaker managed MLflow's tracking server — `Small` for teams of up
   * to about 25 users, `Medium` 50, `Large` 100 (AWS's guidance); billed per hour by size.
   * @default Small
   */
  trackingServerSize: z.enum(SAGEMAKER_MLFLOW_SIZES).default('Small'),
  /**
   * buy on Google Cloud: also a Vertex AI TensorBoard instance that runs log to (billed per GiB
   * stored).
   * @default false
   */
  tensorboard: z.boolean().default(false),
});
/** A validated `components.experimentTracking`. */
export type ExperimentTrackingComponentSpec = z.infer<typeof experimentTrackingComponentSchema>;
/** `components.experimentTracking` as written. */
export type ExperimentTrackingComponentSpecInput = z.input<typeof experimentTrackingComponentSchema>;

/**
 * The feature store's online store (`components.featureStore.onlineStore`, build): ElastiCache for
 * Valkey on AWS, Memorystore on Google Cloud, the valkey chart on existing clusters. Sizes left out
 * follow the environment (catalog/key-value.ts `KEY_VALUE_PROFILES`).
 */
export const onlineStoreSizeSchema = z.strictObject({
  /**
   * AWS: the ElastiCache node type (`cache.<family>.<size>`).
   * @default the environment's (cache.t4g.small in dev, cache.m7g.large in prod)
   */
  nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: 'must be an ElastiCache node type such as cache.r7g.large' }).optional(),
  /**
   * Google Cloud: Memorystore's memory, GB.
   * @default the environment's
   */
  memorySizeGb: z.int().min(1, { error: 'must be at least 1 GB' }).max(300, { error: 'must be at most 300 GB' }).optional(),
  /**
   * AWS: cache nodes (a primary and replicas); existing clusters: valkey pods.
   * @default the environment's (2 or more in prod, with automatic failover on AWS)
   */
  replicas: z.int().min(1, { error: 'must be at least 1' }).max(6, { error: 'must be at most 6' }).optional(),
  /**
   * Existing clusters only: the Secret in `loom-system` holding the in-cluster Valkey's password
   * under the key `password` (letters, digits, `-` and `_`), which you create — Loom has no secret
   * generator on your premises and never handles the value. On aws and gcp the password is
   * generated in the cloud's secret manager.
   * @default feast-valkey-auth
   */
  authSecret: z
    .string()
    .max(253, { error: 'must be at most 253 characters (a Kubernetes Secret name)' })
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
      error: 'must be a Kubernetes Secret name: lowercase letters, digits, - and ., starting and ending with a letter or digit',
    })
    .optional(),
});

/** The feature store component: features for training (offline) and for inference (online). */
export const featureStoreComponentSchema = componentSchema.extend({
  /** build: the size of Feast's SQL registry (PostgreSQL). */
  database: databaseSizeSchema.optional(),
  /** build: the size of Feast's online store (Valkey/Redis). */
  onlineStore: onlineStoreSizeSchema.optional(),
  /**
   * build: Feast feature server replicas.
   * @default 2 in prod, 1 otherwise
   */
  replicas: z.int().min(1, { error: 'must be at least 1' }).max(20, { error: 'must be at most 20' }).optional(),
  /**
   * buy on Google Cloud: how Vertex AI Feature Store serves online — `optimized` (low latency,
   * autoscaled by Google) or `bigtable` (large feature sets, nodes autoscaled between
   * `bigtableNodes.min` and `.max`).
   * @default optimized
   */
  onlineServing: z.enum(['optimized', 'bigtable']).default('optimized'),
  /**
   * buy on Google Cloud with `onlineServing: bigtable`: the Bigtable nodes autoscaling keeps between.
   * @default { min: 1, max: 3 }
   */
  bigtableNodes: z
    .strictObject({
      /** Fewest nodes. @default 1 */
      min: z.int().min(1, { error: 'must be at least 1' }).default(1),
      /** Most nodes; at least `min`. @default 3 */
      max: z.int().min(1, { error: 'must be at least 1' }).max(1000).default(3),
    })
    .refine((n) => n.max >= n.min, { error: 'max must be at least min', path: ['max'] })
    .default({ min: 1, max: 3 }),
});
/** A validated `components.featureStore`. */
export type FeatureStoreComponentSpec = z.infer<typeof featureStoreComponentSchema>;
/** `components.featureStore` as written. */
export type FeatureStoreComponentSpecInput = z.input<typeof featureStoreComponentSchema>;

/** The model frameworks a serving endpoint may declare (KServe's runtimes, SageMaker's and Vertex AI's prebuilt containers). */
export const SERVING_FRAMEWORKS = ['sklearn', 'xgboost', 'pytorch', 'huggingface', 'triton', 'custom'] as const;

/** One model served behind an endpoint (`components.serving.endpoints[]`). */
export const servingEndpointSchema = z
  .strictObject({
    /** The endpoint's name: a DNS label, unique among the endpoints; part of the derived cloud names. */
    name: dnsLabel(40),
    /**
     * The model: a path inside the tracking component's artifact store (`ranker/v3`), or a full
     * `s3://…` / `gs://…` URI.
     */
    model: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^(s3:\/\/|gs:\/\/)?[A-Za-z0-9][A-Za-z0-9._\-/]*$/, { error: 'must be a path inside the artifact store (e.g. ranker/v3) or an s3:// or gs:// URI' }),
    /** How the model is served: a framework's prebuilt runtime, or `custom` with your image. */
    framework: z.enum(SERVING_FRAMEWORKS),
    /** custom only: the image, a repository of the registry component (`images/ranker`), optionally `:tag`. */
    image: z
      .string()
      .max(255)
      .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?$/, {
        error: 'must be a repository of the registry component, optionally with a tag (e.g. images/ranker:1.4.2)',
      })
      .optional(),
    /** GPUs per replica. @default none */
    gpu: gpuSchema.optional(),
    /**
     * Replicas kept running (0 is refused: a cold start on a model server takes minutes).
     * @default 1
     */
    minReplicas: z.int().min(1, { error: 'must be at least 1' }).max(100).default(1),
    /**
     * Replicas autoscaling may reach; at least `minReplicas`.
     * @default 4
     */
    maxReplicas: z.int().min(1, { error: 'must be at least 1' }).max(100).default(4),
  })
  .refine((e) => e.maxReplicas >= e.minReplicas, { error: 'maxReplicas must be at least minReplicas', path: ['maxReplicas'] })
  .refine((e) => (e.framework === 'custom') === (e.image !== undefined), {
    error: 'give image exactly when framework is custom (a prebuilt runtime brings its own image)',
    path: ['image'],
  });
/** A validated `components.serving.endpoints[]` entry. */
export type ServingEndpointSpec = z.infer<typeof servingEndpointSchema>;

/** The serving component: models behind endpoints, inside the platform. */
export const servingComponentSchema = componentSchema.extend({
  /**
   * The models to serve; switching the mode re-creates the same endpoints on the other side.
   * @default []
   */
  endpoints: z.array(servingEndpointSchema).max(50, { error: 'at most 50 endpoints' }).default([]),
});
/** A validated `components.serving`. */
export type ServingComponentSpec = z.infer<typeof servingComponentSchema>;
/** `components.serving` as written. */
export type ServingComponentSpecInput = z.input<typeof servingComponentSchema>;

/** The pipelines component: ML workflows (training, evaluation, batch scoring) as pipelines. */
export const pipelinesComponentSchema = componentSchema.extend({});
/** A validated `components.pipelines`. */
export type PipelinesComponentSpec = z.infer<typeof pipelinesComponentSchema>;
/** `components.pipelines` as written. */
export type PipelinesComponentSpecInput = z.input<typeof pipelinesComponentSchema>;

/** A Kafka topic the streaming component declares (`components.streaming.topics[]`): it exists in every mode. */
export const streamingTopicSchema = z.strictObject({
  /** The topic's name: letters, digits, `.`, `_` and `-` (Kafka's rule), at most 200 characters. */
  name: z
    .string()
    .min(1)
    .max(200, { error: 'must be at most 200 characters' })
    .regex(/^[A-Za-z0-9._-]+$/, { error: "must be letters, digits, '.', '_' and '-' (Kafka topic names)" })
    .refine((n) => n !== '.' && n !== '..', { error: "must not be '.' or '..'" }),
  /** Partitions. @default 6 */
  partitions: z.int().min(1, { error: 'must be at least 1' }).max(10000).default(6),
  /** Copies of each partition; at most the broker count. @default 3 */
  replicationFactor: z.int().min(1, { error: 'must be at least 1' }).max(10).default(3),
  /** How long records are kept, hours (-1: forever). @default 168 (a week) */
  retentionHours: z.int().min(-1).max(87600).refine((h) => h !== 0, { error: 'must be positive hours, or -1 to keep records forever' }).default(168),
});
/** A validated `components.streaming.topics[]` entry. */
export type StreamingTopicSpec = z.infer<typeof streamingTopicSchema>;

/** The streaming component: Kafka for events and features in motion. */
export const streamingComponentSchema = componentSchema.extend({
  /** Brokers (build: Strimzi brokers; buy on AWS: MSK brokers, a multiple of the zones). @default 3 */
  brokers: z.int().min(1, { error: 'must be at least 1' }).max(30, { error: 'must be at most 30' }).default(3),
  /** Each broker's storage, GB. @default 500 */
  storageGb: z.int().min(10, { error: 'must be at least 10 GB' }).max(16384, { error: 'must be at most 16384 GB' }).default(500),
  /** buy on AWS: MSK Serverless instead of provisioned brokers (`brokers` and `storageGb` then unused). @default false */
  serverless: z.boolean().default(false),
  /** The topics; they exist in every mode. @default [] */
  topics: z.array(streamingTopicSchema).max(500, { error: 'at most 500 topics' }).default([]),
});
/** A validated `components.streaming`. */
export type StreamingComponentSpec = z.infer<typeof streamingComponentSchema>;
/** `components.streaming` as written. */
export type StreamingComponentSpecInput = z.input<typeof streamingComponentSchema>;

/** Per-component schemas: the shared `mode`/`cluster`, plus each component's own options. */
const COMPONENT_SCHEMAS = {
  ...(Object.fromEntries(COMPONENTS.map((c) => [c, componentSchema])) as Record<ComponentName, typeof componentSchema>),
  registry: registryComponentSchema,
  monitoring: monitoringComponentSchema,
  experimentTracking: experimentTrackingComponentSchema,
  featureStore: featureStoreComponentSchema,
  serving: servingComponentSchema,
  pipelines: pipelinesComponentSchema,
  streaming: streamingComponentSchema,
};

/**
 * `components:`: one optional entry per {@link COMPONENTS} name; a component left out is not
 * installed.
 */
export const componentsSchema = z
  .strictObject(
    Object.fromEntries(COMPONENTS.map((c) => [c, COMPONENT_SCHEMAS[c].optional()])) as {
      [K in ComponentName]: z.ZodOptional<(typeof COMPONENT_SCHEMAS)[K]>;
    },
  )
  .default({});

/** Where the platform's data may go (`dataResidency:`): for data that may not reach a vendor or leave a region. */
export const dataResidencySchema = z
  .strictObject({
    /**
     * `forbidden`: no managed service may hold the platform's data, so every component must be
     * `build` (and Loom warns when Terraform state would sit in a cloud bucket).
     * @default allowed
     */
    managedServices: z.enum(['allowed', 'forbidden']).default('allowed'),
    /** The regions the platform (and its s3 state bucket) may be in; the platform's `region` must be one. */
    allowedRegions: z.array(z.string()).optional(),
  })
  .default({ managedServices: 'allowed' });

/** The policy packs a platform can be held to: `baseline` for every platform, `prod` and `regulated` tighter. */
export const POLICY_PACKS = ['baseline', 'prod', 'regulated'] as const;

/**
 * A reviewed, dated exception to one policy rule for some resources (`policies.exceptions[]`):
 * once it has expired its findings come back, so that exceptions do not outlive their review.
 */
export const policyExceptionSchema = z.strictObject({
  /** The rule's id, e.g. `LOOM-ING-001`. */
  rule: z.string().regex(/^LOOM-[A-Z]+-[0-9]{3}$/, { error: 'must be a rule id such as LOOM-ING-001' }),
  /**
   * The resources it covers: a glob over `<stack>/<construct path>` (as `loom check` prints it),
   * e.g. `acme-addons-apps/Registry/**`, or `<stack>/<terraform address>`.
   */
  resource: z.string().min(1),
  /** Why the exception is acceptable, and who reviewed it; at least 20 characters. */
  reason: z.string().trim().min(20, { error: 'give a reason of at least 20 characters: why the risk is acceptable, and who reviewed it' }),
  /**
   * The last day it applies (YYYY-MM-DD), judged against the evaluation date; after it the
   * findings come back. Required in prod, at most 180 days ahead.
   */
  expires: z.iso.date({ error: 'must be a date as YYYY-MM-DD' }).optional(),
});

/** The policies the platform is held to (`policies:`): packs of rules, and exceptions to them. */
export const policiesSchema = z
  .strictObject({
    /**
     * The packs of rules that apply (see {@link POLICY_PACKS}).
     * @default [baseline]
     */
    packs: z.array(z.enum(POLICY_PACKS)).default(['baseline']),
    /**
     * Exceptions to single rules, each with a reason and an expiry date.
     * @default []
     */
    exceptions: z.array(policyExceptionSchema).default([]),
  })
  .default({ packs: ['baseline'], exceptions: [] });

/** An S3 bucket name: 3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A Kubernetes object name (RFC 1123 subdomain): lowercase letters, digits, `-` and `.`, at most 253 characters. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The S3-compatible object store the data centre already runs (`objectStorage:`, cloud:
 * kubernetes only) — MinIO, Ceph RGW, a storage appliance — where built components (MLflow's
 * artifacts, Feast's offline store) keep their files, since Loom cannot create buckets there. On
 * aws and gcp Loom creates the buckets itself. The credentials are never part of the spec: they
 * stay in a Secret the operator creates.
 */
export const objectStorageSchema = z.strictObject({
  /**
   * The store's https URL, e.g. `https://s3.dc1.example.internal`; clients use path-style
   * addressing. Plain http is refused: the objects (models, features, artifacts) travel over it.
   */
  endpoint: z
    .string()
    .url({ error: 'must be an https:// URL, e.g. https://s3.dc1.example.internal', abort: true })
    .refine((u) => u.startsWith('https://'), {
      error: 'must be an https:// URL: the objects (models, features, artifacts) travel over it; put TLS in front of the store and use https',
    }),
  /** The bucket, which must exist; each component keeps its files under a prefix of its own. */
  bucket: z
    .string()
    .regex(S3_BUCKET_NAME, { error: 'must be a valid S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit' })
    .refine((b) => !b.includes('..'), { error: 'must be a valid S3 bucket name: no two adjacent dots' })
    .refine((b) => !/^\d+\.\d+\.\d+\.\d+$/.test(b), { error: 'must be a valid S3 bucket name, not an IP address' }),
  /**
   * The name of a Secret in `loom-system` holding `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`
   * for the bucket; you create it (Loom never handles the keys).
   */
  credentialsSecret: z
    .string()
    .max(253, { error: 'must be at most 253 characters (a Kubernetes Secret name)' })
    .regex(DNS_SUBDOMAIN, { error: 'must be a Kubernetes Secret name: lowercase letters, digits, - and ., starting and ending with a letter or digit' }),
  /**
   * The region clients sign requests for; S3-compatible stores mostly accept any, by convention
   * us-east-1 (MinIO's and Ceph RGW's default).
   * @default us-east-1
   */
  region: z.string().min(1).default('us-east-1'),
});
/** A validated `objectStorage:`, defaults applied. */
export type ObjectStorageSpec = z.infer<typeof objectStorageSchema>;
/** `objectStorage:` as written, defaults not yet applied. */
export type ObjectStorageSpecInput = z.input<typeof objectStorageSchema>;

/**
 * A machine type the catalogue (catalog/machine-types.ts) does not list, described by the spec: what
 * Kueue's quotas, Karpenter's limits and the shape checks need to know about it.
 */
export const machineTypeSpecSchema = z.strictObject({
  /** vCPUs per machine. */
  vcpu: z.number().int().min(1, { error: 'must be >= 1' }),
  /** Memory per machine, GiB. */
  memoryGiB: z.number().positive({ error: 'must be > 0' }),
  /**
   * NVIDIA GPUs per machine.
   * @default 0
   */
  gpus: z.number().int().min(0).default(0),
  /** The GPU model, when `gpus` > 0. */
  gpuModel: z.enum(GPU_TYPES).optional(),
  /**
   * The CPU architecture, which decides the node image; a pool takes one architecture.
   * @default x86_64
   */
  architecture: z.enum(ARCHITECTURES).default('x86_64'),
});
/** A validated `machineTypes` entry, defaults applied. */
export type MachineTypeSpec = z.infer<typeof machineTypeSpecSchema>;

/**
 * A team's share of each cluster it uses (`teams[].quota`): the namespace's ResourceQuota, and on
 * batch clusters the nominal quota of its ClusterQueue.
 */
export const teamQuotaSchema = z.strictObject({
  /** CPU cores (requests) on each cluster. */
  cpu: z.number().positive({ error: 'must be > 0 (CPU cores)' }),
  /** Memory (requests), GiB, on each cluster. */
  memoryGiB: z.number().positive({ error: 'must be > 0 (GiB)' }),
  /**
   * NVIDIA GPUs on each cluster that has GPUs (clusters without GPUs get 0).
   * @default 0
   */
  gpus: z.int().min(0, { error: 'must be >= 0' }).default(0),
  /** Pods at most, per cluster. @default 100 */
  pods: z.int().positive({ error: 'must be > 0' }).default(100),
  /** Persistent volume claims' storage, GiB, per cluster. @default 500 */
  storageGiB: z.number().positive({ error: 'must be > 0 (GiB)' }).default(500),
});
/** A validated `teams[].quota`. */
export type TeamQuotaSpec = z.infer<typeof teamQuotaSchema>;

/** What a team may borrow from the cohort of a batch cluster beyond its quota (`teams[].borrowingLimit`). */
export const teamBorrowingSchema = z.strictObject({
  /** CPU cores. @default 0 */
  cpu: z.number().min(0, { error: 'must be >= 0' }).default(0),
  /** GPUs. @default 0 */
  gpus: z.int().min(0, { error: 'must be >= 0' }).default(0),
});

/** What a team may do with each component (`teams[].access`); a component left out: nothing. */
export const teamAccessSchema = z.strictObject({
  /** Tracking and the model registry: read runs and models, or also write them. */
  experimentTracking: z.enum(['read', 'write']).optional(),
  /** The registry: the repositories it may push to (it may pull from all). */
  registry: z
    .strictObject({
      /** Repositories of `components.registry.repositories` the team pushes to. @default [] */
      push: z.array(imageRepositoryName).default([]),
    })
    .optional(),
  /** The feature store: read features, or also write them. */
  featureStore: z.enum(['read', 'write']).optional(),
  /** Serving: invoke the endpoints, or also deploy models to them. */
  serving: z.enum(['invoke', 'deploy']).optional(),
  /** Pipelines: submit runs. */
  pipelines: z.enum(['submit']).optional(),
  /** Streaming: the declared topics it may produce to and consume from. */
  streaming: z
    .strictObject({
      /** Declared topics the team produces to. @default [] */
      produce: z.array(z.string().min(1)).default([]),
      /** Declared topics the team consumes from. @default [] */
      consume: z.array(z.string().min(1)).default([]),
    })
    .optional(),
});
/** A validated `teams[].access`. */
export type TeamAccessSpec = z.infer<typeof teamAccessSchema>;

/**
 * An ML team onboarded onto the platform (`teams[]`): on each of its clusters a namespace with its
 * quota, its queue on batch clusters, its members' access and its workload identity, granted what
 * `access` names through each component's contract.
 */
export const teamSchema = z.strictObject({
  /** A DNS label; the team's namespace is `team-<name>`. */
  name: dnsLabel(40),
  /** The clusters it uses. @default every cluster */
  clusters: z.array(z.string().min(1)).min(1, { error: 'list at least one cluster, or leave clusters out for every cluster' }).optional(),
  /** Its quota on each of its clusters. */
  quota: teamQuotaSchema,
  /** What it may borrow on batch clusters. @default { cpu: 0, gpus: 0 } */
  borrowingLimit: teamBorrowingSchema.default({ cpu: 0, gpus: 0 }),
  /**
   * Who belongs to it: AWS IAM role or user ARNs; on Google Cloud `group:<email>` or
   * `user:<email>`; on existing clusters `group:<name>` or `user:<name>` as the cluster's OIDC
   * issuer names them.
   * @default []
   */
  members: z.array(z.string().min(1)).default([]),
  /** What it may do with each component. @default {} */
  access: teamAccessSchema.default({}),
});
/** A validated `teams[]` entry. */
export type TeamSpec = z.infer<typeof teamSchema>;
/** A `teams[]` entry as written. */
export type TeamSpecInput = z.input<typeof teamSchema>;

/** The whole `platform.yaml`. */
export const platformSchema = z.strictObject({
  /**
   * The platform's name, 3 to 20 characters, a lowercase DNS label: it prefixes every cloud
   * resource name and every stack name.
   */
  name: z
    .string()
    .min(3, { error: 'must be 3 to 20 characters' })
    .max(20, { error: 'must be 3 to 20 characters' })
    .regex(DNS_LABEL, { error: 'must be a lowercase DNS label: letters, digits and hyphens, starting with a letter' }),
  /** Where the platform runs (see {@link CLOUDS}). */
  cloud: z.enum(CLOUDS),
  /** aws and gcp, required there: the region everything is created in, checked against the cloud's region list. */
  region: z.string().optional(),
  /** gcp only, required there: the id of the project resources are created in. */
  gcpProject: z
    .string()
    .regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, { error: 'must be a Google Cloud project id: 6 to 30 lowercase letters, digits and hyphens' })
    .optional(),
  /**
   * gcp only, optional: the project's number (`gcloud projects describe <id>
   * --format='value(projectNumber)'`). GKE's service agent, which must be allowed to use the
   * secrets key, is named after it. Without it each cluster stack reads it at plan time
   * (`data.google_project`); given, the cluster stack calls no Google API at plan time.
   */
  gcpProjectNumber: z.coerce
    // YAML reads an unquoted 123456789012 as a number; both spellings are accepted.
    .string()
    .regex(/^[1-9][0-9]{5,19}$/, { error: 'must be a Google Cloud project number: digits only, e.g. 123456789012' })
    .optional(),
  /**
   * gcp only, optional: the Google Group for Google Groups for RBAC, always
   * `gke-security-groups@<your domain>` (a group of your Google Workspace or Cloud Identity domain,
   * with the groups RBAC should recognise nested in it). Given, every GKE cluster sets
   * `authenticator_groups_config.security_group` to it, so that Kubernetes bindings to Google
   * Groups — teams' `group:` members — take effect; absent, GKE recognises users only and a
   * team's `group:` members are bound to no effect (a warning says so).
   */
  gkeSecurityGroup: z
    .email({ error: 'must be an email address: gke-security-groups@<your domain>' })
    .regex(/^gke-security-groups@/, { error: 'must be gke-security-groups@<your domain>: GKE accepts no other group name' })
    .optional(),
  /**
   * `prod` tightens the rules: at least 2 zones, microservice pools of at least 2 nodes, streaming
   * over 3 zones, GKE's Stable channel where it has the version.
   * @default dev
   */
  environment: z.enum(ENVIRONMENTS).default('dev'),
  /**
   * Tags (AWS) and labels (Google Cloud, Kubernetes) on every resource that takes them, beside
   * Loom's own (`loom-platform`, `loom-environment`, `managed-by`).
   * @default {}
   */
  labels: labelsSchema,
  /**
   * Where every stack keeps its Terraform state.
   * @default { backend: local }
   */
  state: stateSchema,
  /** aws and gcp: the network; absent, every network default applies. Not with `cloud: kubernetes`. */
  network: networkSchema.optional(),
  /** The platform's clusters, at least one; components are placed on them by flavour. */
  clusters: z.array(clusterSchema).min(1, { error: 'list at least one cluster' }),
  /**
   * Machine types the catalogue does not know, by name, with their size: batch and Karpenter pools
   * may then use them. An entry for a catalogued type overrides the catalogue.
   * @default {}
   */
  machineTypes: z.record(z.string().min(1), machineTypeSpecSchema).default({}),
  /**
   * The platform components, each `build` or `buy`; a component left out is not installed.
   * @default {}
   */
  components: componentsSchema,
  /**
   * Where the platform's data may go.
   * @default { managedServices: allowed }
   */
  dataResidency: dataResidencySchema,
  /**
   * The policy packs and exceptions the platform is held to.
   * @default { packs: [baseline], exceptions: [] }
   */
  policies: policiesSchema,
  /**
   * cloud: kubernetes only: the S3-compatible store the data centre runs, where built components
   * keep their files. Not with aws or gcp, where Loom creates the buckets.
   */
  objectStorage: objectStorageSchema.optional(),
  /**
   * The DNS domain the built components other clusters reach are named under: `mlflow.<domain>`,
   * `feast.`, `argo.`, `kafka.`, `<endpoint>.serving.<domain>` (Harbor keeps `components.registry.hostname`).
   * aws and gcp: Loom answers each name in a private zone of the platform's network.
   * cloud: kubernetes: the premises' DNS answers them — each load balancer carries ExternalDNS's
   * hostname annotation, and the names and addresses are stack outputs; without a domain there,
   * those components must run on one cluster (their addresses are read back).
   * @default `<name>.internal` on aws and gcp; none on existing clusters
   */
  internalDomain: dnsName('ml.internal.example').optional(),
  /**
   * The ML teams onboarded onto the platform, each given a place to work on its clusters.
   * @default []
   */
  teams: z.array(teamSchema).max(100, { error: 'at most 100 teams' }).default([]),
});

/** A platform spec as written (defaults not yet applied). */
export type PlatformSpecInput = z.input<typeof platformSchema>;
/** A validated platform spec with every default applied. */
export type PlatformSpec = z.infer<typeof platformSchema>;

/**
 * The platform-wide settings every stack of a platform carries (the spec's top-level keys but the
 * network, clusters and components): what a hand-composed stack is given as `platform`.
 */
export const platformSettingsSchema = platformSchema.pick({
  name: true,
  cloud: true,
  region: true,
  gcpProject: true,
  gcpProjectNumber: true,
  gkeSecurityGroup: true,
  environment: true,
  labels: true,
  state: true,
  machineTypes: true,
  objectStorage: true,
  internalDomain: true,
});
/** Platform settings as written (defaults not yet applied). */
export type PlatformSettingsInput = z.input<typeof platformSettingsSchema>;
/** Validated platform settings with every default applied. */
export type PlatformSettings = z.infer<typeof platformSettingsSchema>;

/** A network as written (`network:`), defaults not yet applied. */
export type NetworkSpecInput = z.input<typeof networkSchema>;
/** A cluster as written (`clusters[]`), defaults not yet applied. */
export type ClusterSpecInput = z.input<typeof clusterSchema>;
/** A node pool as written (`clusters[].nodePools[]`), defaults not yet applied. */
export type NodePoolSpecInput = z.input<typeof nodePoolSchema>;
/** The registry component as written (`components.registry`). */
export type RegistryComponentSpecInput = z.input<typeof registryComponentSchema>;
/** The monitoring component as written (`components.monitoring`). */
export type MonitoringComponentSpecInput = z.input<typeof monitoringComponentSchema>;
/** A component as written (`components.<name>`: `mode`, `cluster`). */
export type ComponentSpecInput = z.input<typeof componentSchema>;

/** The settings of a validated spec (its top-level keys but network, clusters and components). */
export function settingsOf(spec: PlatformSpec): PlatformSettings {
  const keys = Object.keys(platformSettingsSchema.shape) as (keyof PlatformSettings)[];
  return Object.fromEntries(keys.filter((k) => spec[k] !== undefined).map((k) => [k, spec[k]])) as PlatformSettings;
}
