/**
 * LOOM-INST-004: no secrets in bootstrap data. Launch-template and instance user data (base64
 * decoded), GCE/GKE metadata and startup scripts, and Kubernetes containers' literal `env` values
 * hold no AWS keys, private keys or other credentials — anyone who can describe the instance or
 * read the pod spec would have them.
 */
import { workloads } from '../../kubernetes';
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, isObject, isReference } from '../../values';

/** Credential shapes, by name (the finding's detail). */
const PATTERNS: readonly (readonly [string, RegExp])[] = [
  ['AwsAccessKey', /\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/],
  ['AwsSecretKey', /aws_?secret_?access_?key\s*["']?\s*[=:]\s*["']?[A-Za-z0-9/+=]{40}/i],
  ['PrivateKey', /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/],
  ['GcpServiceAccountKey', /"private_key_id"\s*:\s*"[0-9a-f]{20,}"/],
  ['GitHubToken', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['SlackToken', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['PasswordAssignment', /\b(password|passwd|secret|token|api_?key)\s*[=:]\s*["']?[^\s"'$]{8,}/i],
];

/** Env var names that hold credentials. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)/i;

/** The credential kinds found in a text. */
export const credentialsIn = (s: string): string[] => PATTERNS.filter(([, re]) => re.test(s)).map(([n]) => n);

function decodeBase64(s: string): string {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(s) || s.replace(/\s/g, '').length % 4 !== 0) return s;
  return Buffer.from(s, 'base64').toString('utf8');
}

/** No credentials in user data, metadata or literal env values. */
export const INST_004: PolicyRule = {
  id: 'LOOM-INST-004',
  area: 'INST',
  title: 'No secrets in bootstrap data',
  severity: { baseline: 'CRITICAL' },
  rationale: 'User data, instance metadata and pod specs are readable by anyone with describe/get rights (and by every process on the node through IMDS): a credential there is a credential leaked.',
  fix: 'Give nodes and pods identities (instance roles, IRSA / Workload Identity) instead of keys; pass secrets through Kubernetes Secrets (env[].valueFrom.secretKeyRef) or the secret stores Loom wires (components.*.database, externalSecrets), never as literal values.',
  anchors: ['CKV_AWS_46', 'AVD-AWS-0029', 'AVD-AWS-0129', 'AwsSolutions-ECS2'],
  providers: ['aws', 'google', 'kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const scan = (resource: SynthResource, where: string, value: unknown, base64: boolean) => {
      if (typeof value !== 'string') return;
      if (isReference(value)) {
        out.push({ resource, message: `${where} is built at apply time: its content cannot be checked`, unknown: true, detail: where });
        return;
      }
      const kinds = credentialsIn(base64 ? decodeBase64(value) : value);
      for (const k of kinds) out.push({ resource, message: `${where} contains what looks like a credential (${k})`, detail: `${where}::${k}` });
    };
    for (const r of ctx.resources('aws_launch_template')) scan(r, 'user_data', r.values.user_data, true);
    for (const r of ctx.resources('aws_instance')) {
      scan(r, 'user_data', r.values.user_data, false);
      scan(r, 'user_data_base64', r.values.user_data_base64, true);
    }
    const gceMetadata = (r: SynthResource, prefix: string) => {
      const metadata = attr(r.values, `${prefix}metadata`);
      if (isObject(metadata)) for (const [k, v] of Object.entries(metadata)) scan(r, `${prefix}metadata.${k}`, v, false);
      else if (isReference(metadata)) scan(r, `${prefix}metadata`, metadata, false);
    };
    for (const r of ctx.resources('google_compute_instance', 'google_compute_instance_template', 'google_compute_region_instance_template')) {
      gceMetadata(r, '');
      scan(r, 'metadata_startup_script', r.values.metadata_startup_script, false);
    }
    for (const r of ctx.resources('google_container_cluster', 'google_container_node_pool')) gceMetadata(r, 'node_config.');
    // Kubernetes containers: literal env values (valueFrom is the right way).
    for (const w of workloads(ctx)) {
      for (const c of w.containers) {
        for (const e of c.env) {
          const name = String(e.name ?? '');
          const value = e.value;
          if (value === undefined || value === null || value === '') continue;
          const where = `${w.owner.kind}/${w.owner.name}/${c.name}/env/${name}`;
          if (SECRET_NAME.test(name)) {
            out.push({ resource: w.owner.source, message: `${where} is a credential-named variable with a literal value: use valueFrom.secretKeyRef`, detail: `${where}` });
            continue;
          }
          if (typeof value === 'string' && !isReference(value)) for (const k of credentialsIn(value)) out.push({ resource: w.owner.source, message: `${where} looks like a credential (${k})`, detail: `${where}::${k}` });
        }
      }
    }
    return out;
  },
};
