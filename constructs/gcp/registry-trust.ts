/**
 * What the rest of the platform needs to know about GKE nodes' trust in a built registry's CA,
 * without loading the Google provider (an on-premises or AWS synth must not): whether there is
 * such trust, and how to find it on a network or a cluster. The resources are in registry-ca.ts.
 */
import { componentMode, type PlatformPlan } from '../../plan';

/** The registry CA that GKE nodes trust for a built registry's hostname, as Secret Manager holds it. */
export interface GkeRegistryTrust {
  /** The registry's hostname, the one FQDN the CA is trusted for. */
  readonly host: string;
  /** PEM of the CA certificate. @attribute */
  readonly caCertPem: string;
  /** PEM of the CA's private key (sensitive; only Harbor's certificate is signed with it). @attribute */
  readonly caKeyPem: string;
  /** The secret's id (`projects/<p>/secrets/<s>`), for IAM grants. @attribute */
  readonly secretId: string;
  /** The secret version's resource name (`projects/<number>/secrets/<s>/versions/<n>`). @attribute */
  readonly secretUri: string;
}

/** Whether the platform's GKE nodes trust a registry CA from Secret Manager: registry build on Google Cloud. */
export function gkeRegistryTrustNeeded(plan: Pick<PlatformPlan, 'cloud' | 'components'>): boolean {
  return plan.cloud === 'gcp' && componentMode(plan, 'registry') === 'build';
}

/** The Secret Manager secret id of the registry CA (≤ 255: letters, digits, `-`, `_`). */
export const registryCaSecretId = (platform: string) => `${platform}-registry-ca`;

/** The registry trust a network or a cluster carries, if any (registry build on Google Cloud). */
export function registryTrustOf(holder: unknown): GkeRegistryTrust | undefined {
  return (holder as { registryTrust?: GkeRegistryTrust } | undefined)?.registryTrust;
}

