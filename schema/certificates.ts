/**
 * Recognising the CA certificate of an existing cluster's API server. People paste it either as
 * PEM (what `kubectl config view --raw` shows after decoding) or as kubeconfig's base64
 * `certificate-authority-data`; both are accepted, and anything else is an error at validation.
 */

const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+?\r?\n-----END CERTIFICATE-----\s*$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** How a CA certificate is written: `pem`, `base64` (of a PEM), or undefined when it is neither. */
export function caCertificateEncoding(value: string): 'pem' | 'base64' | undefined {
  const text = value.trim();
  if (PEM_CERTIFICATE.test(text)) return 'pem';
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 === 0 && BASE64.test(compact)) {
    const decoded = Buffer.from(compact, 'base64').toString('utf8').trim();
    if (PEM_CERTIFICATE.test(decoded)) return 'base64';
  }
  return undefined;
}
