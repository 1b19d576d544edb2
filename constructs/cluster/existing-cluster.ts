/**
 * A Kubernetes cluster that already exists (`cloud: kubernetes`, e.g. on-premises): Loom creates
 * nothing for it, it only knows how to reach it — a kubeconfig context, or an API endpoint with
 * its CA and an exec credential plugin — and which flavour it is, which decides what the add-ons
 * stack installs on it.
 */
import { Construct } from 'constructs';
import type { IKubernetesCluster, KubernetesConnection } from '../core/contracts';
import { attributeUnavailable, PlatformValidationError } from '../core/errors';
import { caCertificateEncoding } from '../../schema/certificates';
import type { ClusterPlan } from '../../plan';
import type { ClusterSpec, ClusterSpecInput, Flavour } from '../../schema/schema';
import { platformOf } from '../core/stack';
import { placeCluster } from './place';

/**
 * An existing cluster as platform.yaml's `clusters[]` entry has it with `cloud: kubernetes`:
 * `name`, `flavour`, and `existing` (how to reach it, what it already has), validated by the same
 * schema and rules.
 */
export type ExistingClusterProps = ClusterSpecInput;

/** How to reach an existing cluster, for {@link ExistingCluster.fromAttributes}. */
export interface ExistingClusterAttributes {
  /** The cluster's name in the platform (names its add-ons stack). */
  readonly clusterName: string;
  /** The cluster's workload flavour, which decides what the add-ons stack installs on it. */
  readonly flavour: Flavour;
  /**
   * A context of the kubeconfig file; give this, or `endpoint` with `clusterCaCertificate` and `exec`.
   * @default none: reach the cluster through `endpoint`
   */
  readonly kubeconfigContext?: string;
  /**
   * The kubeconfig file holding `kubeconfigContext`.
   * @default the files of `KUBECONFIG` where Loom synthesizes, else ~/.kube/config
   */
  readonly kubeconfigPath?: string;
  /**
   * The API server's https URL.
   * @default none: reach the cluster through `kubeconfigContext`
   */
  readonly endpoint?: string;
  /**
   * The API server's CA: PEM, or base64 of the PEM (kubeconfig's `certificate-authority-data`).
   * Required with `endpoint`.
   * @default none
   */
  readonly clusterCaCertificate?: string;
  /**
   * The exec credential plugin that prints a token (`kubectl oidc-login get-token`, …). Required
   * with `endpoint`.
   * @default none
   */
  readonly exec?: {
    /**
     * The `client.authentication.k8s.io` API version the plugin speaks.
     * @default client.authentication.k8s.io/v1beta1
     */
    readonly apiVersion?: string;
    /** The command to run. */
    readonly command: string;
    /**
     * Its arguments.
     * @default none
     */
    readonly args?: readonly string[];
    /**
     * Environment variables set for the command.
     * @default none
     */
    readonly env?: Readonly<Record<string, string>>;
  };
  /**
   * The cluster's Kubernetes minor version, for add-ons that depend on it.
   * @default the spec's default version
   */
  readonly kubernetesVersion?: string;
}

/**
 * A cluster Loom was pointed at (`cloud: kubernetes`): no resources, only how to reach it and its
 * plan (see the module comment). Build it from a `clusters[]` entry, or with {@link ExistingCluster.fromAttributes}.
 */
export class ExistingCluster extends Construct implements IKubernetesCluster {
  /**
   * An existing cluster from its attributes, for composing by hand without a spec. The
   * attributes get the same checks as `clusters[].existing` in `platform.yaml`.
   */
  static fromAttributes(scope: Construct, id: string, attrs: ExistingClusterAttributes): ExistingCluster {
    return new ExistingCluster(scope, id, {
      name: attrs.clusterName,
      flavour: attrs.flavour,
      ...(attrs.kubernetesVersion ? { kubernetesVersion: attrs.kubernetesVersion as ClusterSpecInput['kubernetesVersion'] } : {}),
      existing: {
        ...(attrs.kubeconfigContext !== undefined ? { kubeconfigContext: attrs.kubeconfigContext } : {}),
        ...(attrs.kubeconfigPath !== undefined ? { kubeconfigPath: attrs.kubeconfigPath } : {}),
        ...(attrs.endpoint !== undefined ? { endpoint: attrs.endpoint } : {}),
        ...(attrs.clusterCaCertificate !== undefined ? { clusterCaCertificate: attrs.clusterCaCertificate } : {}),
        ...(attrs.exec ? { exec: { ...attrs.exec, args: [...(attrs.exec.args ?? [])], ...(attrs.exec.env ? { env: { ...attrs.exec.env } } : {}) } } : {}),
      },
    });
  }

  /** Always `kubernetes`. */
  readonly cloud = 'kubernetes' as const;
  /** The cluster's flavour, from its spec. */
  readonly flavour: Flavour;
  readonly plan: ClusterPlan;
  /** The cluster's name in the spec. @attribute */
  readonly clusterName: string;
  readonly connection: KubernetesConnection;

  constructor(scope: Construct, id: string, props: ExistingClusterProps) {
    super(scope, id);
    const platform = platformOf(this);
    if (platform.cloud !== 'kubernetes') {
      throw new PlatformValidationError(`ExistingCluster is for cloud: kubernetes; this stack's platform is on ${platform.cloud}, where Loom creates the clusters`, this);
    }
    this.plan = placeCluster(this, props);
    this.flavour = this.plan.flavour;
    this.clusterName = this.plan.name;
    this.connection = this.connectionOf(this.plan.spec.existing);
  }

  /**
   * The API server URL. Known only when the cluster is reached through `endpoint`; a kubeconfig
   * context keeps it in the kubeconfig file, which Loom does not read at synth time.
   * @attribute
   */
  get clusterEndpoint(): string {
    if (this.connection.kind === 'exec') return this.connection.host;
    throw attributeUnavailable(
      'its API endpoint',
      `ExistingCluster '${this.clusterName}' (kubeconfig context '${this.connection.configContext}')`,
      `give clusters[].existing.endpoint with clusterCaCertificate and exec instead of kubeconfigContext`,
    );
  }

  private connectionOf(existing: ClusterSpec['existing']): KubernetesConnection {
    const where = `cluster '${this.plan.name}'`;
    if (!existing) {
      throw new PlatformValidationError(`${where} has no existing: give kubeconfigContext, or endpoint with clusterCaCertificate and exec`, this);
    }
    if (existing.kubeconfigContext && existing.endpoint) {
      throw new PlatformValidationError(`${where}: give either existing.kubeconfigContext or existing.endpoint, not both`, this);
    }
    if (existing.kubeconfigContext) {
      const stray = (['clusterCaCertificate', 'exec'] as const).filter((k) => existing[k] !== undefined);
      if (stray.length) {
        throw new PlatformValidationError(`${where}: existing.${stray.join(' and existing.')} ${stray.length > 1 ? 'are' : 'is'} only used with endpoint; the kubeconfig context carries its own CA and credentials`, this);
      }
      return {
        kind: 'kubeconfig',
        configContext: existing.kubeconfigContext,
        ...(existing.kubeconfigPath ? { configPath: existing.kubeconfigPath } : {}),
      };
    }
    if (!existing.endpoint) {
      throw new PlatformValidationError(`${where}: give existing.kubeconfigContext, or existing.endpoint with clusterCaCertificate and exec`, this);
    }
    if (existing.kubeconfigPath) {
      throw new PlatformValidationError(`${where}: existing.kubeconfigPath is only used with kubeconfigContext; remove it or reach the cluster through a context`, this);
    }
    if (!existing.endpoint.startsWith('https://')) {
      throw new PlatformValidationError(`${where}: existing.endpoint must be an https:// URL, got '${existing.endpoint}'`, this);
    }
    const ca = existing.clusterCaCertificate;
    const encoding = ca ? caCertificateEncoding(ca) : undefined;
    if (!ca || !encoding) {
      throw new PlatformValidationError(
        `${where}: existing.clusterCaCertificate ${ca ? 'must be a PEM certificate or its base64 encoding' : 'is required with endpoint'} (the API server's CA)`,
        this,
      );
    }
    if (!existing.exec) {
      throw new PlatformValidationError(`${where}: existing.exec is required with endpoint: the credential plugin that returns a token`, this);
    }
    return {
      kind: 'exec',
      host: existing.endpoint,
      clusterCaCertificate: encoding === 'pem' ? ca.trim() + '\n' : ca.replace(/\s+/g, ''),
      caIsBase64: encoding === 'base64',
      exec: {
        apiVersion: existing.exec.apiVersion,
        command: existing.exec.command,
        args: [...existing.exec.args],
        ...(Object.keys(existing.exec.env).length ? { env: { ...existing.exec.env } } : {}),
      },
    };
  }
}
