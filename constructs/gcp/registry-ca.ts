/**
 * GKE nodes trust built Harbor's CA the way GKE documents ("Access private registries with private
 * CA certificates"): the CA certificate is a Secret Manager secret, every node pool's containerd
 * configuration (`node_config.containerd_config.private_registry_access_config`) names it for the
 * registry's hostname, and GKE writes containerd's registry configuration from it when a node
 * boots (COS node images from GKE 1.27.3-gke.1700). No DaemonSet writes into the node's
 * filesystem, and a node trusts Harbor before its first pod starts.
 *
 * - Network stack (first of all stacks): the platform CA (`tls` provider: key + self-signed
 *   certificate) and the secret holding its certificate — never its key.
 * - Cluster stacks: the node service account may read that secret
 *   (`roles/secretmanager.secretAccessor` on the secret only), and every node pool names the
 *   secret version for the hostname. A new CA is a new version, hence a new `secret_uri`: GKE
 *   re-creates the nodes, which then trust the new CA.
 * - The registry cluster's add-ons stack signs Harbor's certificate with the CA's key, a
 *   (sensitive) cross-stack reference to the network stack.
 */
import { Construct } from 'constructs';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { platformOf } from '../core/stack';
import { createPlatformCa } from '../tls/ca';

/** What a GKE cluster needs to trust the registry CA, and Harbor needs to be signed by it. */
export { gkeRegistryTrustNeeded, registryCaSecretId, registryTrustOf, type GkeRegistryTrust } from './registry-trust';
import { registryCaSecretId, type GkeRegistryTrust } from './registry-trust';

/** The platform CA and the Secret Manager secret holding its certificate (network stack). */
export class RegistryCaSecret extends Construct implements GkeRegistryTrust {
  readonly host: string;
  readonly caCertPem: string;
  readonly caKeyPem: string;
  readonly secretId: string;
  readonly secretUri: string;
  /** The Secret Manager secret holding the CA certificate. */
  readonly secret: SecretManagerSecret;
  /** The secret's version with the CA certificate's PEM. */
  readonly version: SecretManagerSecretVersion;

  constructor(scope: Construct, id: string, props: { /** The registry's DNS name, the one the CA is trusted for. */ readonly hostname: string }) {
    super(scope, id);
    const plan = platformOf(this);
    this.host = props.hostname;
    const ca = createPlatformCa(this, plan.name);
    this.caCertPem = ca.certPem;
    this.caKeyPem = ca.keyPem;
    this.secret = new SecretManagerSecret(this, 'Secret', {
      secretId: registryCaSecretId(plan.name),
      project: plan.gcpProject!,
      // In the platform's region, as every secret of the platform (LOOM-RES-002), though it holds
      // only a public certificate.
      replication: { userManaged: { replicas: [{ location: plan.region! }] } },
      labels: { ...plan.labels, 'loom-purpose': 'registry-ca' },
    });
    this.version = new SecretManagerSecretVersion(this, 'Version', {
      secret: this.secret.id,
      secretData: ca.certPem,
      // A replaced CA: the new version exists before the old one goes, and the old one is kept
      // (a public certificate) so that nodes booting before the cluster stacks move to the new
      // version can still read theirs.
      deletionPolicy: 'ABANDON',
      lifecycle: { createBeforeDestroy: true },
    });
    this.secretId = this.secret.id;
    this.secretUri = this.version.name;
  }
}
