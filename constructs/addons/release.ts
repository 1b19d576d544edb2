/**
 * Building blocks shared by the add-ons: a Helm release pinned by the chart catalogue, with its
 * values rendered from a typed object; custom resources as a release of Loom's own chart
 * ({@link CustomResources}); and the ordering of a stack's releases after the Service webhook.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Construct, type IConstruct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { AssetType, dependable as dependableRef, Lazy, TerraformAsset, TerraformResource, TerraformStack, type IAspect, type ITerraformDependable } from '../core/cdk';
import { CHARTS, type ChartName } from '../../catalog/charts';

/** Helm values: a plain object, rendered to YAML as written. */
export type HelmValues = Record<string, unknown>;

/** How long Helm waits for a release's workloads to become ready, unless an add-on says otherwise. */
export const DEFAULT_RELEASE_TIMEOUT_SECONDS = 600;

/** Props of {@link AddonRelease}. */
export interface AddonReleaseProps {
  /** The chart, by its key in the catalogue ({@link CHARTS}): chart, repository and version come from there. */
  readonly chart: ChartName;
  /** The release's name (also the prefix of what the chart creates). */
  readonly releaseName: string;
  /** The namespace, as a reference to the namespace resource (so the release waits for it). */
  readonly namespace: string;
  /** The chart values, rendered to one YAML document; Terraform references in them stay references. */
  readonly values: HelmValues;
  /**
   * Seconds Helm waits for the release's workloads.
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /**
   * Leave the chart's `crds/` alone (a separate CRD chart manages them).
   * @default false
   */
  readonly skipCrds?: boolean;
  /**
   * What must exist first (CRDs from another release, a webhook the chart's resources need).
   * @default nothing
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Helm release of a catalogued chart. Values are one document (JSON, which Helm reads as YAML) rendered from a typed object
 * (never `--set` strings), so that what Loom sets can be read back and checked against the chart's
 * defaults. Terraform references inside values (role ARNs, names) are interpolated by Terraform.
 *
 * Every release is `atomic` (a failed install or upgrade is rolled back), waits for its workloads,
 * cleans up what a failed upgrade created, and keeps ten revisions for `helm rollback`.
 */
export class AddonRelease extends Construct {
  /** The `helm_release` resource. */
  readonly resource: Release;
  /** The values as given (before rendering); tokens stay tokens. */
  readonly values: HelmValues;
  /** The chart's key in the catalogue. */
  readonly chart: ChartName;

  constructor(scope: Construct, id: string, props: AddonReleaseProps) {
    super(scope, id);
    const pinned = CHARTS[props.chart];
    this.chart = props.chart;
    this.values = props.values;
    this.resource = new Release(this, 'Resource', {
      name: props.releaseName,
      namespace: props.namespace,
      chart: pinned.chart,
      repository: pinned.repository,
      version: pinned.version,
      values: [renderValues(props.values)],
      atomic: true,
      wait: true,
      cleanupOnFail: true,
      maxHistory: 10,
      timeout: props.timeoutSeconds ?? DEFAULT_RELEASE_TIMEOUT_SECONDS,
      ...(props.skipCrds ? { skipCrds: true } : {}),
      ...(props.dependsOn?.length ? { dependsOn: props.dependsOn } : {}),
    });
  }

  /** Makes the release wait for `dependable` too (CRDs or a webhook another release brings). */
  addDependency(dependable: ITerraformDependable): void {
    addDependsOn(this.resource, dependable);
  }
}

/** What each resource was made to wait for through {@link addDependsOn} (tokens cannot be compared). */
const addedDependencies = new WeakMap<TerraformResource, Set<ITerraformDependable>>();

/**
 * Adds `dependable` to `resource`'s `depends_on` once, written as Terraform wants it there (a bare
 * address: `dependable()`, not the `${…}` reference `fqn` resolves to).
 */
export function addDependsOn(resource: TerraformResource, dependable: ITerraformDependable): void {
  const added = addedDependencies.get(resource) ?? new Set<ITerraformDependable>();
  addedDependencies.set(resource, added);
  if (added.has(dependable)) return;
  added.add(dependable);
  resource.dependsOn = [...(resource.dependsOn ?? []), dependableRef(dependable)];
}

/**
 * Values as the document Helm receives: JSON, which is YAML — indented for the plan's diff, never
 * folded (long references stay intact), and several times faster to render than a YAML emitter,
 * which on a whole platform was a tenth of the synth.
 */
export function renderValues(values: HelmValues): string {
  return JSON.stringify(values, null, 2);
}

/** A Kubernetes object with the fields a custom resource has. */
export interface CustomResourceManifest {
  /** The object's API group and version (`karpenter.sh/v1`, …). */
  readonly apiVersion: string;
  /** The object's kind (`NodePool`, `ClusterQueue`, …). */
  readonly kind: string;
  /** The object's name, namespace and labels. */
  readonly metadata: {
    /** The object's name. */
    readonly name: string;
    /**
     * The object's namespace (namespaced kinds).
     * @default the release's namespace for namespaced kinds; none for cluster-scoped ones
     */
    readonly namespace?: string;
    /**
     * The object's labels.
     * @default none
     */
    readonly labels?: Readonly<Record<string, string>>;
  };
  /** The object's `spec`, as its CRD defines it. */
  readonly spec: Record<string, unknown>;
}

/** Loom's own chart that renders each item of `.Values.resources` as one object (`charts/loom-resources`). */
export const LOOM_RESOURCES_CHART = 'loom-resources';

/**
 * The directory of Loom's package (the one holding its package.json): the chart is found from
 * the TypeScript sources (tests) and from the compiled `dist/` alike.
 */
function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find Loom's package.json above ${__dirname}`);
    dir = parent;
  }
}

/** Where the chart's sources are. */
export function loomResourcesChartDir(): string {
  return join(packageRoot(), 'charts', LOOM_RESOURCES_CHART);
}

/**
 * The chart as an asset of `scope`'s stack (copied into the stack's output directory once per
 * stack), and the path the helm_release names: relative to the stack directory, where Terraform
 * runs. The path contains a hash of the chart's files, so a change to the chart changes every
 * release that uses it.
 */
function chartAsset(scope: Construct): TerraformAsset {
  const stack = TerraformStack.of(scope);
  const id = 'LoomResourcesChart';
  return (stack.node.tryFindChild(id) as TerraformAsset | undefined) ?? new TerraformAsset(stack, id, { path: loomResourcesChartDir(), type: AssetType.DIRECTORY });
}

/** Props of {@link CustomResources}. */
export interface CustomResourcesProps {
  /** The release's name (`loom-<owner>`), unique in the cluster. */
  readonly releaseName: string;
  /** Where Helm keeps the release (objects naming no namespace of their own land there too). */
  readonly namespace: string;
  /**
   * The first objects; more with {@link CustomResources.add}.
   * @default none
   */
  readonly manifests?: readonly CustomResourceManifest[];
  /**
   * The releases that bring the objects' CRDs (and webhooks), and anything else they need first.
   * @default nothing
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Wait for the release's Jobs to complete (Helm's `--wait-for-jobs`), so that what depends on
   * the release sees their work done.
   * @default false
   */
  readonly waitForJobs?: boolean;
  /**
   * How long Helm waits for the objects to be ready (and Jobs to complete), in seconds.
   * @default 300
   */
  readonly timeout?: number;
}

/**
 * Custom resources as one Helm release of Loom's `loom-resources` chart, whose values carry the
 * objects. Unlike `kubernetes_manifest`, a `helm_release` needs no CRD when Terraform plans, so
 * the first plan of a fresh cluster works and the CRDs' release can come first in the same apply:
 * the release `depends_on` them. Helm waits for the CRDs' release to be ready (Helm's readiness
 * check includes a CRD being `Established`), and the Helm provider builds a fresh discovery client
 * for every release, so the new kinds are found. On destroy the objects go before the release that
 * brought their CRDs and controller (a NodePool's nodes are drained while Karpenter still runs).
 *
 * Every object is in the values, so a change shows in the plan's diff and is applied by
 * `helm upgrade`; the chart's template itself stays static.
 */
export class CustomResources extends Construct {
  /** The `helm_release` of the `loom-resources` chart. */
  readonly resource: Release;
  private readonly manifests: CustomResourceManifest[];

  constructor(scope: Construct, id: string, props: CustomResourcesProps) {
    super(scope, id);
    this.manifests = [...(props.manifests ?? [])];
    const asset = chartAsset(this);
    this.resource = new Release(this, 'Resource', {
      name: props.releaseName,
      namespace: props.namespace,
      chart: `./${asset.path}`,
      values: [Lazy.stringValue({ produce: () => renderValues({ resources: this.manifests }) })],
      atomic: true,
      wait: true,
      ...(props.waitForJobs ? { waitForJobs: true } : {}),
      cleanupOnFail: true,
      maxHistory: 10,
      timeout: props.timeout ?? 300,
      ...(props.dependsOn?.length ? { dependsOn: [...props.dependsOn] } : {}),
    });
  }

  /** Adds an object to the release (before synthesis). */
  add(manifest: CustomResourceManifest): void {
    const key = (m: CustomResourceManifest) => `${m.apiVersion} ${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`;
    if (this.manifests.some((m) => key(m) === key(manifest))) {
      throw new Error(`release ${this.resource.name} already has ${key(manifest)}`);
    }
    this.manifests.push(manifest);
  }

  /** The objects, in order. */
  get objects(): readonly CustomResourceManifest[] {
    return this.manifests;
  }

  /** Makes the release wait for `dependable` too. */
  addDependency(dependable: ITerraformDependable): void {
    addDependsOn(this.resource, dependable);
  }
}

/**
 * Orders every Helm release of a stack after the AWS Load Balancer Controller's release (except
 * the releases the controller itself waits for, such as cert-manager).
 *
 * The controller registers a mutating webhook for every Service CREATE with `failurePolicy: Fail`
 * (chart 3.5.0 defaults, kept on purpose: with `Ignore`, a LoadBalancer Service created while the
 * controller is down would skip the controller's `loadBalancerClass` and get a classic ELB from the
 * in-tree controller instead). Until the controller's pods serve, any Service creation fails with
 * "no endpoints available for service aws-load-balancer-webhook-service" — so every release that
 * may create a Service (nearly all charts) must come after it, as eks-blueprints-addons orders its
 * add-ons. Applied to the whole stack at synthesis, it also covers releases that components add
 * later (kube-prometheus-stack, Harbor, …). On destroy the order reverses: a release's LoadBalancer
 * Services (and their NLBs, security groups and ENIs) are deleted while the controller still runs.
 */
export class ServiceWebhookOrdering implements IAspect {
  private readonly exempt: ReadonlySet<IConstruct>;

  /** `before`: the releases the controller's own release waits for (they cannot wait for it). */
  constructor(
    private readonly webhook: Release,
    before: readonly Release[],
  ) {
    this.exempt = new Set<IConstruct>([webhook, ...before]);
  }

  visit(node: IConstruct): void {
    if (this.exempt.has(node)) return;
    if (!(TerraformResource.isTerraformResource(node) && (node as TerraformResource).terraformResourceType === 'helm_release')) return;
    addDependsOn(node as TerraformResource, this.webhook);
  }
}
