/**
 * The platform CA that signs built Harbor's certificate (registry, build), made with Terraform's
 * `tls` provider: an ECDSA P-256 key and a ten-year self-signed CA certificate. Where it lives
 * depends on how nodes come to trust it:
 *
 * - Google Cloud: in the network stack (`constructs/gcp/registry-ca.ts`), which every cluster stack
 *   follows, because GKE node pools read the CA from Secret Manager when their nodes boot;
 * - AWS and existing clusters: in the registry cluster's add-ons stack, beside Harbor's
 *   certificate (`constructs/components/registry/trust.ts`), from where a DaemonSet hands it to every node.
 *
 * No Kubernetes classes here: the network stack loads this module too.
 */
import type { Construct } from 'constructs';
import type { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import type { SelfSignedCert } from '@cdktf/provider-tls/lib/self-signed-cert';
import { TerraformStack } from '../core/cdk';

/** The CA: ten years; replacing it means every node re-trusts it. */
export const HARBOR_CA_VALIDITY_HOURS = 10 * 365 * 24;

/** A CA's certificate and key (PEM); the key is sensitive wherever it is passed. */
export interface CaPem {
  /** PEM of the CA certificate. @attribute */
  readonly certPem: string;
  /** PEM of the CA's private key (sensitive). @attribute */
  readonly keyPem: string;
}

/**
 * The platform's registry CA, created directly in `scope` (ids `CaKey` and `Ca`, so that Harbor's
 * certificate construct keeps the resource names it had when it made the CA itself).
 */
export function createPlatformCa(scope: Construct, platform: string): CaPem {
  const tls = loadTls();
  ensureTlsProvider(scope);
  const key: PrivateKey = new tls.PrivateKey(scope, 'CaKey', { algorithm: 'ECDSA', ecdsaCurve: 'P256' });
  const ca: SelfSignedCert = new tls.SelfSignedCert(scope, 'Ca', {
    privateKeyPem: key.privateKeyPem,
    isCaCertificate: true,
    setSubjectKeyId: true,
    validityPeriodHours: HARBOR_CA_VALIDITY_HOURS,
    allowedUses: ['cert_signing', 'crl_signing', 'digital_signature'],
    subject: [{ commonName: `Loom registry CA ${platform}`, organization: 'Loom' }],
  });
  return { certPem: ca.certPem, keyPem: key.privateKeyPem };
}

/** The tls provider's resource classes Harbor's certificates are made with. */
export type TlsModules = typeof import('@cdktf/provider-tls/lib/private-key') &
  typeof import('@cdktf/provider-tls/lib/self-signed-cert') &
  typeof import('@cdktf/provider-tls/lib/cert-request') &
  typeof import('@cdktf/provider-tls/lib/locally-signed-cert');

/** The tls provider's classes, loaded only when Harbor is built. */
export function loadTls(): TlsModules {
  return {
    ...(require('@cdktf/provider-tls/lib/private-key') as typeof import('@cdktf/provider-tls/lib/private-key')),
    ...(require('@cdktf/provider-tls/lib/self-signed-cert') as typeof import('@cdktf/provider-tls/lib/self-signed-cert')),
    ...(require('@cdktf/provider-tls/lib/cert-request') as typeof import('@cdktf/provider-tls/lib/cert-request')),
    ...(require('@cdktf/provider-tls/lib/locally-signed-cert') as typeof import('@cdktf/provider-tls/lib/locally-signed-cert')),
  };
}

/** The `tls` provider of the stack `scope` is in, added once. */
export function ensureTlsProvider(scope: Construct): void {
  const stack = TerraformStack.of(scope);
  if (stack.node.tryFindChild('tls')) return;
  const { TlsProvider } = require('@cdktf/provider-tls/lib/provider') as typeof import('@cdktf/provider-tls/lib/provider');
  new TlsProvider(stack, 'tls', {});
}
