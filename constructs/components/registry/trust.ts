/**
 * Harbor's certificate, and the nodes' trust in it (registry, build).
 *
 * - The platform CA (`ca.ts`, ten years) signs Harbor's server certificate for the hostname (one
 *   year, renewed by the first apply in its last 30 days), made with Terraform's `tls` provider in
 *   the registry cluster's add-ons stack. Both land in the `harbor-tls` Secret Harbor serves
 *   (`expose.tls.certSource: secret`). On AWS and existing clusters the CA is made here too; on
 *   Google Cloud it comes from the network stack (`constructs/gcp/registry-ca.ts`), where GKE's
 *   node pools read it from Secret Manager. The private keys live in the state of the stack that
 *   made them, like every other secret Harbor has; keep the states encrypted.
 * - Nodes: GKE nodes trust the CA through their node pools' containerd configuration
 *   (`private_registry_access_config`, cluster stack), written by GKE when a node boots. On EKS
 *   and existing clusters a DaemonSet in `loom-node-agents` of every cluster's add-ons stack
 *   writes the CA and a `hosts.toml` for the hostname into `/etc/containerd/certs.d`, which
 *   containerd reads at every pull (no restart): AL2023's nodeadm sets `config_path =
 *   "/etc/containerd/certs.d:/etc/docker/certs.d"`; on existing clusters containerd's
 *   `config_path` must name it. It needs the host path only — no privileges, no host namespaces —
 *   and tolerates every taint, so GPU and system nodes trust Harbor too. A changed CA rolls the
 *   DaemonSet (the pod template carries the CA's hash).
 */
import { Construct } from 'constructs';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DaemonSetV1 } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import type { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import type { LocallySignedCert } from '@cdktf/provider-tls/lib/locally-signed-cert';
import { Fn } from '../../core/cdk';
import { PlatformValidationError } from '../../core/errors';
import type { PlatformContext } from '../../../plan';
import { componentTags, type IClusterAddons } from '../contract';
import { createPlatformCa, ensureTlsProvider, loadTls, type CaPem } from '../../tls/ca';

export { HARBOR_CA_VALIDITY_HOURS } from '../../tls/ca';

/** The Secret Harbor serves TLS from (`expose.tls.secret.secretName`). */
export const HARBOR_TLS_SECRET = 'harbor-tls';
/** Harbor's certificate: a year, renewed by any apply in its last 30 days. */
export const HARBOR_CERT_VALIDITY_HOURS = 365 * 24;
/** How long before it expires an apply renews Harbor's certificate: 30 days. */
export const HARBOR_CERT_EARLY_RENEWAL_HOURS = 30 * 24;
/** A small image with a shell, for the node agent (pinned). */
export const NODE_TRUST_IMAGE = 'public.ecr.aws/docker/library/busybox:1.37.0';

/**
 * containerd's registry configuration directory the DaemonSet writes into (EKS and existing
 * clusters; GKE nodes get the CA from their node pools' containerd configuration instead).
 */
export function containerdRegistryConfigDir(): string {
  return '/etc/containerd/certs.d';
}

/** containerd's `hosts.toml` for `host`: pull and resolve from it, trusting the platform CA. */
export function containerdHostsToml(host: string, configDir: string): string {
  return [`server = "https://${host}"`, '', `[host."https://${host}"]`, '  capabilities = ["pull", "resolve"]', `  ca = "${configDir}/${host}/ca.crt"`, ''].join('\n');
}

/** Harbor's certificate (and the platform CA where no other stack made it), in the registry cluster's add-ons stack. */
export class HarborCertificate extends Construct {
  /** PEM of the CA the nodes trust. @attribute */
  readonly caCertPem: string;
  /** PEM of Harbor's certificate. @attribute */
  readonly certPem: string;
  /** The `harbor-tls` Secret Harbor serves (certificate chain, key, CA). */
  readonly secret: SecretV1;

  constructor(
    scope: Construct,
    id: string,
    props: {
      /** The platform's settings (its name names the CA). */
      readonly platform: PlatformContext;
      /** Harbor's hostname, which the certificate is for. */
      readonly hostname: string;
      /** Harbor's namespace, where the `harbor-tls` Secret goes. */
      readonly namespace: string;
      /**
       * The platform CA made elsewhere (Google Cloud: the network stack); else made here.
       * @default a CA made here
       */
      readonly ca?: CaPem;
    },
  ) {
    super(scope, id);
    const tls = loadTls();
    ensureTlsProvider(this);
    const ca = props.ca ?? createPlatformCa(this, props.platform.name);
    const key: PrivateKey = new tls.PrivateKey(this, 'Key', { algorithm: 'ECDSA', ecdsaCurve: 'P256' });
    const request = new tls.CertRequest(this, 'Request', {
      privateKeyPem: key.privateKeyPem,
      dnsNames: [props.hostname],
      subject: [{ commonName: props.hostname, organization: 'Loom' }],
    });
    const cert: LocallySignedCert = new tls.LocallySignedCert(this, 'Cert', {
      certRequestPem: request.certRequestPem,
      caPrivateKeyPem: ca.keyPem,
      caCertPem: ca.certPem,
      validityPeriodHours: HARBOR_CERT_VALIDITY_HOURS,
      earlyRenewalHours: HARBOR_CERT_EARLY_RENEWAL_HOURS,
      allowedUses: ['digital_signature', 'key_encipherment', 'server_auth'],
    });
    this.caCertPem = ca.certPem;
    this.certPem = cert.certPem;
    this.secret = new SecretV1(this, 'Secret', {
      metadata: { name: HARBOR_TLS_SECRET, namespace: props.namespace, labels: { ...componentTags('registry'), 'app.kubernetes.io/managed-by': 'loom' } },
      type: 'kubernetes.io/tls',
      // The chain, so clients that know only the CA verify the server certificate.
      data: { 'tls.crt': `${cert.certPem}${ca.certPem}`, 'tls.key': key.privateKeyPem, 'ca.crt': ca.certPem },
    });
  }
}

/** Props of {@link NodeTrust}. */
export interface NodeTrustProps {
  /** The platform's settings (its cloud: GKE nodes trust the CA otherwise). */
  readonly platform: PlatformContext;
  /** The add-ons stack of the cluster whose nodes trust the CA. */
  readonly addons: IClusterAddons;
  /** Harbor's hostname, which containerd trusts the CA for. */
  readonly host: string;
  /** PEM of the platform CA (a cross-stack reference in clusters other than Harbor's). */
  readonly caCertPem: string;
}

/** The DaemonSet that makes a cluster's containerd trust Harbor's CA (EKS, existing clusters). */
export class NodeTrust extends Construct {
  /** The DaemonSet writing the CA and `hosts.toml` into each node's `/etc/containerd/certs.d`. */
  readonly daemonSet: DaemonSetV1;

  constructor(scope: Construct, id: string, props: NodeTrustProps) {
    super(scope, id);
    const { platform: plan, addons, host } = props;
    if (plan.cloud === 'gcp') {
      // GKE writes containerd's configuration itself; a hand-written file may not be read there.
      throw new PlatformValidationError('GKE nodes trust the registry CA through their node pools (private_registry_access_config), not a DaemonSet', this);
    }
    const namespace = addons.namespaces.nodeAgents.name;
    const dir = containerdRegistryConfigDir();
    const labels = { ...componentTags('registry'), 'app.kubernetes.io/name': 'registry-ca', 'app.kubernetes.io/managed-by': 'loom' };
    const config = new ConfigMapV1(this, 'Config', {
      metadata: { name: 'registry-ca', namespace, labels },
      data: { 'ca.crt': props.caCertPem, 'hosts.toml': containerdHostsToml(host, dir) },
    });
    const target = `/host${dir}/${host}`;
    const script = [
      'set -eu',
      `mkdir -p ${target}`,
      `cp /config/ca.crt ${target}/ca.crt.tmp && mv ${target}/ca.crt.tmp ${target}/ca.crt`,
      `cp /config/hosts.toml ${target}/hosts.toml.tmp && mv ${target}/hosts.toml.tmp ${target}/hosts.toml`,
      `echo "containerd trusts ${host} on $(hostname)"`,
      // Stay up so the DaemonSet shows the node done; a changed CA rolls the pods.
      'trap "exit 0" TERM',
      'while true; do sleep 3600 & wait $!; done',
    ].join('\n');
    this.daemonSet = new DaemonSetV1(this, 'Resource', {
      metadata: { name: 'registry-ca', namespace, labels },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': 'registry-ca' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%' } },
        template: {
          metadata: { labels, annotations: { 'loom.dev/ca-sha256': Fn.sha256(props.caCertPem) } },
          spec: {
            priorityClassName: addons.priorityClasses.nameOf('loom-critical'),
            automountServiceAccountToken: false,
            // Every node pulls, whatever it is tainted with.
            toleration: [{ operator: 'Exists' }],
            container: [
              {
                name: 'install',
                image: NODE_TRUST_IMAGE,
                command: ['sh', '-c', script],
                // Root, to write the host's root-owned directory; nothing else.
                securityContext: {
                  runAsUser: '0',
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                resources: { requests: { cpu: '5m', memory: '8Mi' }, limits: { memory: '32Mi' } },
                volumeMount: [
                  { name: 'config', mountPath: '/config', readOnly: true },
                  { name: 'registry-config', mountPath: `/host${dir}` },
                ],
              },
            ],
            volume: [
              { name: 'config', configMap: { name: config.metadata.name } },
              { name: 'registry-config', hostPath: { path: dir, type: 'DirectoryOrCreate' } },
            ],
          },
        },
      },
      waitForRollout: false,
    });
  }
}
