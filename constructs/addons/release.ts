/**
 * Building blocks shared by the add-ons: a Helm release pinned by the chart catalogue, with its
 * values rendered from a typed object, and a custom resource written with `kubernetes_manifest`.
 */
import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { stringify } from 'yaml';
import type { ITerraformDependable } from '../core/cdk';
import { CHARTS, type ChartName } from './charts';

/** Helm values: a plain object, rendered to YAML as written. */
export type HelmValues = Record<string, unknown>;

/** How long Helm waits for a release's workloads to become ready, unless an add-on says otherwise. */
export const DEFAULT_RELEASE_TIMEOUT_SECONDS = 600;

export interface AddonReleaseProps {
  /** The chart, by its key in the catalogue ({@link CHARTS}): chart, repository and version come from there. */
  readonly chart: ChartName;
  /** The release's name (also the prefix of what the chart creates). */
  readonly releaseName: string;
  /** The namespace, as a reference to the namespace resource (so the release waits for it). */
  readonly namespace: string;
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
  /** What must exist first (CRDs from another release, a webhook the chart's resources need). */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Helm release of a catalogued chart. Values are one YAML document rendered from a typed object
 * (never `--set` strings), so that what Loom sets can be read back and checked against the chart's
 * defaults. Terraform references inside values (role ARNs, names) are interpolated by Terraform.
 *
 * Every release is `atomic` (a failed install or upgrade is rolled back), waits for its workloads,
 * cleans up what a failed upgrade created, and keeps ten revisions for `helm rollback`.
 */
export class AddonRelease extends Construct {
  readonly resource: Release;
  /** The values as given (before rendering); tokens stay tokens. */
  readonly values: HelmValues;
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
    const fqn = dependable.fqn;
    const existing = this.resource.dependsOn ?? [];
    if (!existing.includes(fqn)) this.resource.dependsOn = [...existing, fqn];
  }
}

/** Values as the YAML document Helm receives; no line folding, so that long references stay intact. */
export function renderValues(values: HelmValues): string {
  return stringify(values, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}

/** A Kubernetes object with the fields a custom resource has. */
export interface CustomResourceManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: Record<string, unknown>;
}

/**
 * A custom resource managed with `kubernetes_manifest`.
 *
 * The Kubernetes provider reads the resource's CRD from the API server when it plans, so the CRD
 * must exist before the first plan that contains the resource: on a fresh cluster, apply the
 * add-ons stack's Helm releases first (`terraform apply -target=helm_release.<name>`), then the
 * whole stack. Later plans need nothing special.
 */
export function customResource(scope: Construct, id: string, manifest: CustomResourceManifest, dependsOn: ITerraformDependable[] = []): Manifest {
  return new Manifest(scope, id, {
    manifest: manifest as unknown as Record<string, unknown>,
    ...(dependsOn.length ? { dependsOn } : {}),
  });
}
