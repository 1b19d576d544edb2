/**
 * The Kubernetes and Helm providers of an add-ons stack, configured from a cluster's
 * {@link KubernetesConnection}. Both providers get the same connection, so that what Helm installs
 * and what the Kubernetes provider manages land on the same cluster with the same identity.
 */
import { delimiter } from 'node:path';
import type { Construct } from 'constructs';
import { KubernetesProvider, type KubernetesProviderConfig } from '@cdktf/provider-kubernetes/lib/provider';
import { HelmProvider, type HelmProviderKubernetes } from '@cdktf/provider-helm/lib/provider';
import { Fn } from '../core/cdk';
import type { KubernetesConnection } from '../core/contracts';

/** The kubeconfig file read when a kubeconfig connection names none and KUBECONFIG is unset (providers expand `~`). */
export const DEFAULT_KUBECONFIG_PATH = '~/.kube/config';

/**
 * Where a kubeconfig connection that names no file reads its contexts, as kubectl does: the files
 * of `KUBECONFIG` (a path list) when it is set where Loom synthesizes, else `~/.kube/config`. The
 * providers themselves read only `KUBE_CONFIG_PATH(S)`, not `KUBECONFIG`, so Loom writes the paths
 * into their configuration.
 */
export function kubeconfigFiles(
  connection: Extract<KubernetesConnection, { kind: 'kubeconfig' }>,
  env: NodeJS.ProcessEnv = process.env,
):
  | {
      /** The one kubeconfig file, as the providers' `config_path`. */
      configPath: string;
    }
  | {
      /** Several kubeconfig files (a `KUBECONFIG` list), as the providers' `config_paths`. */
      configPaths: string[];
    } {
  if (connection.configPath) return { configPath: connection.configPath };
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  if (listed.length === 0) return { configPath: DEFAULT_KUBECONFIG_PATH };
  return listed.length === 1 ? { configPath: listed[0]! } : { configPaths: listed };
}

type ExecCredential = Extract<KubernetesConnection, { kind: 'exec' }>['exec'];

/**
 * The exec credential block, in the shape both providers take. Its `env` is left out: cdktf
 * snake-cases every key of a provider's configuration, map keys included (`AWS_PROFILE` would
 * become `aws_profile`), so {@link addClusterProviders} writes it as a raw override instead.
 */
function execBlock(exec: ExecCredential) {
  return { apiVersion: exec.apiVersion, command: exec.command, args: [...exec.args] };
}

/**
 * The API server's CA as PEM (decoded by Terraform when the cluster hands it over as base64), as
 * the providers' `cluster_ca_certificate`; nothing when the connection has no CA (an endpoint with
 * a publicly trusted certificate, such as GKE's DNS endpoint), so that the providers verify it
 * against the system trust store.
 */
function caPem(connection: Extract<KubernetesConnection, { kind: 'exec' }>): { clusterCaCertificate?: string } {
  const ca = connection.clusterCaCertificate;
  if (ca === undefined) return {};
  return { clusterCaCertificate: connection.caIsBase64 ? Fn.base64decode(ca) : ca };
}

/** Connection settings for the `kubernetes` provider (2.x: `exec` is a block list). */
function kubernetesProviderConfig(connection: KubernetesConnection): KubernetesProviderConfig {
  switch (connection.kind) {
    case 'exec':
      return { host: connection.host, ...caPem(connection), exec: [execBlock(connection.exec)] };
    case 'kubeconfig':
      return { ...kubeconfigFiles(connection), configContext: connection.configContext };
  }
}

/** Connection settings for the `helm` provider (3.x: `kubernetes` and its `exec` are nested objects). */
function helmKubernetesConfig(connection: KubernetesConnection): HelmProviderKubernetes {
  switch (connection.kind) {
    case 'exec':
      return { host: connection.host, ...caPem(connection), exec: execBlock(connection.exec) };
    case 'kubeconfig':
      return { ...kubeconfigFiles(connection), configContext: connection.configContext };
  }
}

/** The two providers of a stack that talks to one cluster. */
export interface ClusterProviders {
  /** The `kubernetes` provider, for the namespaces, secrets and manifests Loom manages. */
  readonly kubernetes: KubernetesProvider;
  /** The `helm` provider, for the charts Loom installs. */
  readonly helm: HelmProvider;
}

/**
 * Adds the Kubernetes and Helm providers for `connection` to `scope`'s stack, as the stack's
 * default (unaliased) providers.
 */
export function addClusterProviders(scope: Construct, connection: KubernetesConnection): ClusterProviders {
  const kubernetes = new KubernetesProvider(scope, 'kubernetes', kubernetesProviderConfig(connection));
  const helm = new HelmProvider(scope, 'helm', { kubernetes: helmKubernetesConfig(connection) });
  const env = connection.kind === 'exec' ? connection.exec.env : undefined;
  if (env && Object.keys(env).length) {
    // Raw overrides are merged after the snake-casing, so the variable names stay as written.
    kubernetes.addOverride('exec.0.env', { ...env });
    helm.addOverride('kubernetes.exec.env', { ...env });
  }
  return { kubernetes, helm };
}
