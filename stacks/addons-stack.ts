/**
 * `<name>-addons-<cluster>`: what Loom owns inside one cluster, on every cloud. The stack has the
 * Kubernetes and Helm providers only, configured from the cluster's connection: on AWS and Google
 * Cloud the endpoint and CA are cross-stack references to the cluster stack (so this stack never
 * configures a provider from a cluster created in the same stack); on `cloud: kubernetes` the
 * cluster already exists and is described by an {@link ExistingCluster} built here.
 *
 * It holds the platform namespaces with their Pod Security levels, the flavour's priority classes
 * and the platform add-ons ({@link PlatformAddons}), which declare what they expose
 * ({@link AddonsStack.scrapeTargets}); built components are added to it by the components that
 * run on the cluster.
 */
import { Construct } from 'constructs';
import type { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import type { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack } from '../constructs/core/cdk';
import { LoomStack, type LoomStackProps } from '../constructs/core/stack';
import type { IKubernetesCluster, ScrapeTarget } from '../constructs/core/contracts';
import { PlatformValidationError } from '../constructs/core/errors';
import { ExistingCluster, type ExistingClusterProps } from '../constructs/cluster/existing-cluster';
import type { IClusterAddons } from '../constructs/components/contract';
import { addClusterProviders } from '../constructs/kubernetes/providers';
import { PlatformNamespace, type PodSecurity } from '../constructs/kubernetes/namespace';
import { PriorityClasses } from '../constructs/kubernetes/priority-classes';
import { PlatformConfig } from '../constructs/kubernetes/platform-config';
import { PLATFORM_NAMESPACES, type TeamOnCluster } from '../plan';
import { installAddons, type AddonDefinition, type IAddon, type PlatformAddons } from '../constructs/addons';
import type { Environment } from '../schema/schema';

/** What a platform namespace is for. */
export type NamespaceRole = 'system' | 'nodeAgents' | 'workloads';

/** A platform namespace: its name and Pod Security levels. */
export interface NamespacePlan {
  /** The namespace's name (`loom-system`, `loom-node-agents`, `loom-workloads`). */
  readonly name: string;
  /** Its Pod Security Admission levels. */
  readonly podSecurity: PodSecurity;
}

/**
 * The namespaces Loom creates on every cluster, and why each gets its Pod Security levels:
 *
 * - `system` (`loom-system`): controllers — autoscaler, cert-manager, Kueue, gateways, operators,
 *   built components. They need no host access, so `baseline` is enforced; `restricted` is
 *   audited and warned, which shows (in the audit log and in Helm's output) which charts still
 *   fall short of it without blocking them.
 * - `nodeAgents` (`loom-node-agents`): per-node DaemonSets that need the host — node exporters
 *   (host PID, network and filesystem), the NVIDIA GPU operator and device plugin (privileged
 *   driver containers), CSI node plugins. Kept apart so that `privileged` is granted to them
 *   alone; `baseline` is audited so the audit log lists every pod using host access.
 * - `workloads` (`loom-workloads`): the teams' jobs, notebooks and services. `restricted` is
 *   enforced in staging and prod; dev enforces `baseline` (many ML images still run as root) and
 *   warns at `restricted`, so a team sees what prod will reject before it gets there.
 */
export function platformNamespaces(environment: Environment): Readonly<Record<NamespaceRole, NamespacePlan>> {
  return {
    system: { name: PLATFORM_NAMESPACES.system, podSecurity: { enforce: 'baseline', audit: 'restricted', warn: 'restricted' } },
    nodeAgents: { name: PLATFORM_NAMESPACES.nodeAgents, podSecurity: { enforce: 'privileged', audit: 'baseline', warn: 'privileged' } },
    workloads: {
      name: PLATFORM_NAMESPACES.workloads,
      podSecurity: { enforce: environment === 'dev' ? 'baseline' : 'restricted', audit: 'restricted', warn: 'restricted' },
    },
  };
}

/** Props of {@link AddonsStack}: the platform's settings, the cluster, and any add-ons of your own. */
export interface AddonsStackProps extends Omit<LoomStackProps, 'cloudProvider'> {
  /**
   * The cluster everything in this stack goes on: a cluster another stack created (aws, gcp) —
   * its endpoint and CA become cross-stack references, and this stack depends on that one — or,
   * on `cloud: kubernetes`, the existing cluster as platform.yaml's `clusters[]` entry has it,
   * which becomes an {@link ExistingCluster} in this stack.
   */
  readonly cluster: IKubernetesCluster | ExistingClusterProps;
  /**
   * Add-ons beyond Loom's own, installed after them when they apply to the cluster.
   * @default none
   */
  readonly extraAddons?: readonly AddonDefinition[];
  /**
   * The teams onboarded onto the cluster, with their share of it (`teams[]`; `MlPlatform` gives
   * them): on a batch cluster the platform's queue leaves their nominal quota to them.
   * @default none
   */
  readonly teams?: readonly TeamOnCluster[];
}

const isCluster = (c: IKubernetesCluster | ExistingClusterProps): c is IKubernetesCluster => 'node' in c && 'connection' in c;

/**
 * The `<name>-addons-<cluster>` stack of one cluster: its providers, platform namespaces, priority
 * classes and add-ons, and the in-cluster part of the built components that run there (see the
 * module comment).
 */
export class AddonsStack extends LoomStack implements IClusterAddons {
  /** The cluster everything in this stack goes on. */
  readonly cluster: IKubernetesCluster;
  /** The stack's `kubernetes` provider, connected to the cluster. */
  readonly kubernetesProvider: KubernetesProvider;
  /** The stack's `helm` provider, connected to the cluster with the same identity. */
  readonly helmProvider: HelmProvider;
  /** The platform namespaces, by role. */
  readonly namespaces: Readonly<Record<NamespaceRole, PlatformNamespace>>;
  /** The flavour's priority classes; `priorityClasses.nameOf('loom-critical')` for add-ons. */
  readonly priorityClasses: PriorityClasses;
  /** The `loom-platform` ConfigMap in the workloads namespace: every component's client environment. */
  readonly platformConfig: PlatformConfig;
  /**
   * The platform add-ons (node autoscaling, GPU enablement, Kueue, cert-manager, metrics-server,
   * load balancing) the cluster's cloud and flavour call for; see `constructs/addons`.
   */
  readonly addons: PlatformAddons;

  /**
   * What the cluster's add-ons expose to the platform's monitoring (their metrics endpoints), the
   * same in every monitoring mode; `MlPlatform` hands them to the monitoring component.
   */
  get scrapeTargets(): ScrapeTarget[] {
    return this.addons.scrapeTargets;
  }

  constructor(scope: Construct, id: string, props: AddonsStackProps) {
    super(scope, id, { ...props, cloudProvider: false });
    if (isCluster(props.cluster)) {
      this.cluster = props.cluster;
      const owner = this.cluster.node.scopes.find((s) => TerraformStack.isStack(s));
      if (owner && owner !== this) this.addDependency(owner as TerraformStack);
    } else if (this.platform.cloud === 'kubernetes') {
      this.cluster = new ExistingCluster(this, 'Cluster', props.cluster);
    } else {
      throw new PlatformValidationError(
        `the add-ons of cluster '${props.cluster.name}' on ${this.platform.cloud} need the cluster its cluster stack created (an EksCluster or GkeCluster), not its spec`,
        this,
      );
    }

    const providers = addClusterProviders(this, this.cluster.connection);
    this.kubernetesProvider = providers.kubernetes;
    this.helmProvider = providers.helm;

    const cluster = this.cluster.plan;
    const labels = { ...this.platform.labels, 'loom.dev/cluster': cluster.name, 'loom.dev/flavour': cluster.flavour };
    const namespaces = new Construct(this, 'Namespaces');
    const planned = platformNamespaces(this.platform.environment);
    this.namespaces = {
      system: this.namespace(namespaces, 'System', planned.system, labels, 'system'),
      nodeAgents: this.namespace(namespaces, 'NodeAgents', planned.nodeAgents, labels, 'node-agents'),
      workloads: this.namespace(namespaces, 'Workloads', planned.workloads, labels, 'workloads'),
    };
    this.priorityClasses = new PriorityClasses(this, 'PriorityClasses', { classes: cluster.profile.priorityClasses, labels });
    this.platformConfig = new PlatformConfig(this, 'PlatformConfig', { namespace: this.namespaces.workloads.name, labels });
    this.addons = installAddons(this, {
      cluster: this.cluster,
      namespaces: this.namespaces,
      priorityClasses: this.priorityClasses,
      ...(props.extraAddons ? { extraAddons: props.extraAddons } : {}),
      ...(props.teams?.length ? { teams: props.teams } : {}),
    });
  }

  /** Installs a custom add-on on this cluster when it applies (see `PlatformAddons.addAddon`). */
  addAddon(addon: AddonDefinition): IAddon | undefined {
    return this.addons.addAddon(addon);
  }

  private namespace(scope: Construct, id: string, planned: NamespacePlan, labels: Record<string, string>, role: string): PlatformNamespace {
    return new PlatformNamespace(scope, id, { ...planned, labels: { ...labels, 'loom.dev/namespace-role': role } });
  }
}
