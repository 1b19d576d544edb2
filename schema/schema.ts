/**
 * The `platform.yaml` schema: one zod schema per concept, every default written once, here.
 *
 * Field-level rules live in the schemas; rules that relate fields to each other live in
 * `rules.ts` and run once the shape is known to be right.
 */
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

export const CLOUDS = ['aws', 'gcp', 'kubernetes'] as const;
export type Cloud = (typeof CLOUDS)[number];
export const FLAVOURS = ['microservice', 'streaming', 'batch'] as const;
export type Flavour = (typeof FLAVOURS)[number];
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
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

export const stateSchema = z
  .discriminatedUnion('backend', [
    z.strictObject({
      backend: z.literal('local'),
      /** Directory holding one `<stack>.tfstate` per stack, relative to the stack directory. */
      path: z.string().min(1).optional(),
    }),
    z.strictObject({
      backend: z.literal('s3'),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'must be a valid S3 bucket name' }),
      /** Key prefix; each stack's state is `<prefix>/<stack>.tfstate`. */
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
      backend: z.literal('gcs'),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, { error: 'must be a valid GCS bucket name' }),
      prefix: z.string().default('loom'),
    }),
  ])
  .default({ backend: 'local' });
export type StateSpec = z.infer<typeof stateSchema>;

export const networkSchema = z.strictObject({
  /** The platform's address space; the whole address plan derives from it. */
  cidr: z.string().default('10.0.0.0/16'),
  /** How many zones the platform spreads over. */
  zones: z.number().int().min(1, { error: 'must be between 1 and 6' }).max(6, { error: 'must be between 1 and 6' }).default(3),
  /** Explicit zone names, overriding the ones derived from the region. */
  availabilityZones: z.array(z.string().min(1)).optional(),
  /** One NAT gateway for the platform, or one per zone (no cross-zone dependency). */
  natGateways: z.enum(['single', 'per-zone']).default('single'),
  /** How long VPC flow logs are kept (days). */
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
   */
  podCidr: z.string().default('172.16.0.0/12'),
  /**
   * AWS only: interface VPC endpoints (ECR api/dkr, STS, EC2, CloudWatch Logs) in the private
   * subnets, so that image pulls, IRSA token exchange and node bootstrap stay off the NAT gateway.
   * Each endpoint costs per hour and zone, hence off by default; the S3 gateway endpoint (free) is
   * always created.
   */
  interfaceEndpoints: z.boolean().default(false),
});
export type NetworkSpec = z.infer<typeof networkSchema>;

export const gpuSchema = z.strictObject({
  type: z.enum(GPU_TYPES),
  count: z.number().int().min(1).max(16).default(1),
});

export const nodePoolSchema = z.strictObject({
  name: dnsLabel(32),
  /** Instance types; the first is the primary one. */
  machineTypes: z.array(z.string().min(1)).min(1, { error: 'list at least one machine type' }),
  minNodes: z.number().int().min(0, { error: 'must be >= 0' }).default(1),
  maxNodes: z.number().int().min(1, { error: 'must be >= 1' }),
  /** Root (and container image) volume size. */
  diskGb: z.number().int().min(20, { error: 'must be >= 20' }).max(16384).default(100),
  /** Spot / preemptible capacity. Batch CPU pools default to spot; other flavours never use it. */
  spot: z.boolean().optional(),
  gpu: gpuSchema.optional(),
  /** Extra Kubernetes node labels. */
  labels: z.record(z.string(), z.string()).default({}),
});
export type NodePoolSpec = z.infer<typeof nodePoolSchema>;

export const execCredentialSchema = z.strictObject({
  apiVersion: z.string().default('client.authentication.k8s.io/v1beta1'),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
});

/**
 * The GPUs of an existing cluster: Loom installs the NVIDIA GPU operator there, and needs to know
 * which parts of NVIDIA's stack the hosts already have.
 */
export const existingGpuSchema = z.strictObject({
  /** The NVIDIA driver: already on the hosts (DGX OS, a GPU image), or run by the operator as a container. */
  driver: z.enum(['preinstalled', 'operator']).default('operator'),
  /** The NVIDIA Container Toolkit: already configured in the hosts' container runtime, or set up by the operator. */
  toolkit: z.enum(['preinstalled', 'operator']).default('operator'),
});
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
  /** NVIDIA GPUs per node. */
  gpus: z.number().int().min(0).default(0),
  /** Taints these nodes carry; admitted pods get matching tolerations. */
  taints: z
    .array(
      z.strictObject({
        key: z.string().min(1),
        value: z.string().optional(),
        effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
      }),
    )
    .default([]),
});
export type ExistingCapacitySpec = z.infer<typeof existingCapacitySchema>;

/** How to reach a cluster that already exists (`cloud: kubernetes`), and what it already has. */
export const existingClusterSchema = z.strictObject({
  kubeconfigContext: z.string().min(1).optional(),
  kubeconfigPath: z.string().min(1).optional(),
  endpoint: z.string().url({ error: 'must be an https:// URL' }).optional(),
  clusterCaCertificate: z.string().min(1).optional(),
  exec: execCredentialSchema.optional(),
  /**
   * The cluster already runs metrics-server (k3s, RKE2, OpenShift and most managed distributions
   * ship one); Loom installs it when false.
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

export const endpointSchema = z.strictObject({
  /** CIDRs allowed to reach a public API endpoint; the endpoint stays private when empty. */
  publicAccessCidrs: z.array(z.string()).default([]),
  /**
   * CIDRs allowed to reach the private API endpoint from networks routed into the VPC: the VPN,
   * the CI runners' network, a bastion. The add-ons stack's Terraform must reach the API from one
   * of them (or from a public CIDR); without either it must run inside the cluster's VPC.
   */
  privateAccessCidrs: z.array(z.string()).default([]),
});

export const clusterSchema = z.strictObject({
  name: dnsLabel(30),
  flavour: z.enum(FLAVOURS),
  // Every minor the catalogue has dates for, so that one past its end of support gets the rules'
  // dated rejection (catalog/kubernetes-versions.ts) rather than a bare enum error.
  kubernetesVersion: z.enum(KUBERNETES_VERSIONS).default(DEFAULT_KUBERNETES_VERSION),
  nodePools: z.array(nodePoolSchema).optional(),
  existing: existingClusterSchema.optional(),
  endpoint: endpointSchema.default({ publicAccessCidrs: [], privateAccessCidrs: [] }),
  /** Node autoscaler on AWS (GKE's is built in, existing clusters keep theirs). */
  autoscaler: z.enum(['cluster-autoscaler', 'karpenter']).default('cluster-autoscaler'),
  /** AWS: IAM role or user ARNs given cluster-admin through EKS access entries. */
  admins: z
    .array(z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)\/.+$/, { error: 'must be an IAM role or user ARN' }))
    .default([]),
  /** Batch only: place the cluster's nodes in one zone (GPU capacity), with the reason. */
  singleZone: z.strictObject({ reason: z.string().min(10, { error: 'give a reason of at least 10 characters' }) }).optional(),
});
export type ClusterSpec = z.infer<typeof clusterSchema>;

export const COMPONENTS = ['registry', 'experimentTracking', 'featureStore', 'serving', 'monitoring', 'pipelines', 'streaming'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

export const componentSchema = z.strictObject({
  mode: z.enum(['build', 'buy']),
  /** The cluster the component runs on; defaults to the first cluster whose flavour suits it. */
  cluster: z.string().optional(),
});
export type ComponentSpec = z.infer<typeof componentSchema>;

/** An image name inside the registry: lowercase path segments, as ECR and OCI registries take them. */
const imageRepositoryName = z
  .string()
  .max(200, { error: 'must be at most 200 characters' })
  .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, {
    error: "must be lowercase letters and digits, separated by single '.', '_', '-' or '/' (e.g. models/ranker)",
  });

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
  hostname: z
    .string()
    .max(253)
    .regex(/^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, {
      error: 'must be a lowercase DNS name with at least two labels, e.g. registry.ml.example.com',
    })
    .optional(),
});
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
  /** aws-sso: IAM Identity Center group ids made Grafana admins. */
  adminGroups: z.array(z.string().min(1)).default([]),
  /** aws-sso: IAM Identity Center user ids made Grafana admins. */
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
export type GrafanaSpec = z.infer<typeof grafanaSchema>;

/** The monitoring component: metrics of every cluster, and dashboards. */
export const monitoringComponentSchema = componentSchema.extend({
  /** buy on AWS only: Amazon Managed Grafana's sign-in and administrators. */
  grafana: grafanaSchema.optional(),
});
export type MonitoringComponentSpec = z.infer<typeof monitoringComponentSchema>;

/** Per-component schemas: the shared `mode`/`cluster`, plus each component's own options. */
const COMPONENT_SCHEMAS = {
  ...(Object.fromEntries(COMPONENTS.map((c) => [c, componentSchema])) as Record<ComponentName, typeof componentSchema>),
  registry: registryComponentSchema,
  monitoring: monitoringComponentSchema,
};

export const componentsSchema = z
  .strictObject(
    Object.fromEntries(COMPONENTS.map((c) => [c, COMPONENT_SCHEMAS[c].optional()])) as {
      [K in ComponentName]: z.ZodOptional<(typeof COMPONENT_SCHEMAS)[K]>;
    },
  )
  .default({});

export const dataResidencySchema = z
  .strictObject({
    managedServices: z.enum(['allowed', 'forbidden']).default('allowed'),
    allowedRegions: z.array(z.string()).optional(),
  })
  .default({ managedServices: 'allowed' });

export const POLICY_PACKS = ['baseline', 'prod', 'regulated'] as const;

export const policyExceptionSchema = z.strictObject({
  rule: z.string().regex(/^LOOM-[A-Z]+-[0-9]{3}$/, { error: 'must be a rule id such as LOOM-ING-001' }),
  resource: z.string().min(1),
  reason: z.string().min(10, { error: 'give a reason of at least 10 characters' }),
  expires: z.iso.date({ error: 'must be a date as YYYY-MM-DD' }),
});

export const policiesSchema = z
  .strictObject({
    packs: z.array(z.enum(POLICY_PACKS)).default(['baseline']),
    exceptions: z.array(policyExceptionSchema).default([]),
  })
  .default({ packs: ['baseline'], exceptions: [] });

/**
 * A machine type the catalogue (catalog/machine-types.ts) does not list, described by the spec: what
 * Kueue's quotas, Karpenter's limits and the shape checks need to know about it.
 */
export const machineTypeSpecSchema = z.strictObject({
  vcpu: z.number().int().min(1, { error: 'must be >= 1' }),
  memoryGiB: z.number().positive({ error: 'must be > 0' }),
  /** NVIDIA GPUs per machine. */
  gpus: z.number().int().min(0).default(0),
  /** The GPU model, when `gpus` > 0. */
  gpuModel: z.enum(GPU_TYPES).optional(),
  architecture: z.enum(ARCHITECTURES).default('x86_64'),
});
export type MachineTypeSpec = z.infer<typeof machineTypeSpecSchema>;

/** The whole `platform.yaml`. */
export const platformSchema = z.strictObject({
  name: z
    .string()
    .min(3, { error: 'must be 3 to 20 characters' })
    .max(20, { error: 'must be 3 to 20 characters' })
    .regex(DNS_LABEL, { error: 'must be a lowercase DNS label: letters, digits and hyphens, starting with a letter' }),
  cloud: z.enum(CLOUDS),
  region: z.string().optional(),
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
  environment: z.enum(ENVIRONMENTS).default('dev'),
  labels: labelsSchema,
  state: stateSchema,
  network: networkSchema.optional(),
  clusters: z.array(clusterSchema).min(1, { error: 'list at least one cluster' }),
  /**
   * Machine types the catalogue does not know, by name, with their size: batch and Karpenter pools
   * may then use them. An entry for a catalogued type overrides the catalogue.
   */
  machineTypes: z.record(z.string().min(1), machineTypeSpecSchema).default({}),
  components: componentsSchema,
  dataResidency: dataResidencySchema,
  policies: policiesSchema,
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
  environment: true,
  labels: true,
  state: true,
  machineTypes: true,
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
