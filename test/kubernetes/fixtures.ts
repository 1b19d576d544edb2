/** Specs, certificates and lookups shared by the Kubernetes (existing cluster, add-ons) tests. */
import type { StackJson } from '../helpers/synth';

/** A real (throwaway, self-signed) CA certificate: the provider gets exactly this PEM. */
export const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIB0jCCAXmgAwIBAgIUDhB3GMCn06uen1eW0wHk5YAwkugwCgYIKoZIzj0EAwIw
PzEWMBQGA1UEAwwNa3ViZXJuZXRlcy1jYTElMCMGA1UECgwcdHJhaW5pbmcubWwu
aW50ZXJuYWwuZXhhbXBsZTAeFw0yNjExMjIxNzQ1MDlaFw0zNjExMTkxNzQ1MDla
MD8xFjAUBgNVBAMMDWt1YmVybmV0ZXMtY2ExJTAjBgNVBAoMHHRyYWluaW5nLm1s
LmludGVybmFsLmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARQWV/b
2SbNhL6E8vqp47s3ZlPA0UhXlw4rWi/6lVoG7ukjG0YCr9ZcBTfiZIql/bNtBdhK
FNXDdqerc7IBWcmyo1MwUTAdBgNVHQ4EFgQUvfx/bmZp7IvYRut2lKlPZCmNsl0w
HwYDVR0jBBgwFoAUvfx/bmZp7IvYRut2lKlPZCmNsl0wDwYDVR0TAQH/BAUwAwEB
/zAKBggqhkjOPQQDAgNHADBEAiA45p6gTCdpHQl0NSE/ZcdS80l3GGDXBOnlJOIW
MA+XlwIgQPTOilOCKA9On4S7Sai2y7DSX1S1aQ+01JwZeO2T4Ek=
-----END CERTIFICATE-----
`;

/** The same CA as kubeconfig's `certificate-authority-data` writes it. */
export const CA_BASE64 = Buffer.from(CA_PEM).toString('base64');

/** The OIDC login plugin (kubelogin) as an exec credential. */
export const OIDC_EXEC = {
  command: 'kubectl',
  args: ['oidc-login', 'get-token', '--oidc-issuer-url=https://sso.example.internal', '--oidc-client-id=loom'],
};

/** A valid `cloud: kubernetes` spec: one cluster per way of reaching it, one per flavour. */
export function onpremSpec(overrides: Record<string, any> = {}): Record<string, any> {
  return {
    name: 'lab',
    cloud: 'kubernetes',
    clusters: [
      { name: 'apps', flavour: 'microservice', existing: { kubeconfigContext: 'lab-apps' } },
      { name: 'events', flavour: 'streaming', existing: { kubeconfigContext: 'lab-events', kubeconfigPath: '/etc/loom/kubeconfig' } },
      { name: 'gpu', flavour: 'batch', existing: { endpoint: 'https://gpu.k8s.example.internal:6443', clusterCaCertificate: CA_PEM, exec: OIDC_EXEC } },
    ],
    ...overrides,
  };
}

/** A stack's single default provider config of `type` (throws unless there is exactly one). */
export function providerConfig(stack: StackJson, type: string): Record<string, any> {
  const configs = stack.provider?.[type] ?? [];
  if (configs.length !== 1) throw new Error(`expected one ${type} provider, found ${configs.length}`);
  return configs[0] as Record<string, any>;
}

/** Every resource type a stack declares. */
export function resourceTypes(stack: StackJson): string[] {
  return Object.keys(stack.resource ?? {}).sort();
}
