/**
 * LOOM-ENC-001: Kubernetes Secrets use KMS envelope encryption. Without it, Secrets sit in etcd
 * protected only by the provider's disk encryption: anyone who reads an etcd backup or snapshot
 * reads every token and password of the cluster.
 */
import type { PolicyRule, RuleFinding } from '../../types';
import { attr, list, text } from '../../values';
import { hasKey } from './common';

/** LOOM-ENC-001: EKS `encryption_config` covers `secrets` with a key; GKE `database_encryption` is `ENCRYPTED` with a key. */
export const ENC_001: PolicyRule = {
  id: 'LOOM-ENC-001',
  area: 'ENC',
  title: 'Kubernetes Secrets use KMS envelope encryption',
  severity: { baseline: 'HIGH' },
  rationale: 'Secrets held in etcd without envelope encryption are readable by anyone with access to an etcd backup or snapshot; a customer key adds a second, auditable, revocable layer.',
  fix: 'Loom encrypts Secrets with a rotating key per cluster (clusters[]: EKS encryption_config / GKE database_encryption); for a hand-written cluster set encryption_config { resources = ["secrets"], provider { key_arn } } (EKS) or database_encryption { state = "ENCRYPTED", key_name } (GKE).',
  anchors: ['CKV_AWS_58', 'AVD-AWS-0039', 'CIS EKS 5.3.1', 'CIS GKE 5.3.1'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const r of ctx.resources('aws_eks_cluster')) {
      // Provider default: no encryption_config (no envelope encryption with a customer key).
      const configs = list(r.values, 'encryption_config');
      if (configs.length === 0) {
        out.push({ resource: r, message: 'no encryption_config: Kubernetes Secrets are not envelope-encrypted with a KMS key', detail: 'SecretsEncryption' });
        continue;
      }
      let covered = false;
      let undecided = false;
      for (const c of configs) {
        const resources = attr(c, 'resources');
        const names = typeof resources === 'string' ? [resources] : Array.isArray(resources) ? resources : [];
        if (!hasKey(attr(c, 'provider.key_arn'))) continue;
        if (names.some((n) => n === 'secrets')) covered = true;
        else if (typeof resources === 'string' && resources.includes('${')) undecided = true;
        else if (names.some((n) => typeof n === 'string' && n.includes('${'))) undecided = true;
      }
      if (covered) continue;
      if (undecided) out.push({ resource: r, message: 'encryption_config.resources is a reference, decided at apply time', unknown: true });
      else out.push({ resource: r, message: 'encryption_config does not cover "secrets" with a provider.key_arn', detail: 'SecretsEncryption' });
    }
    for (const r of ctx.resources('google_container_cluster')) {
      // Provider default: database_encryption state DECRYPTED.
      const state = text(r.values, 'database_encryption.state');
      const key = attr(r.values, 'database_encryption.key_name');
      if (state === 'unknown') {
        out.push({ resource: r, message: 'database_encryption.state is a reference, decided at apply time', unknown: true });
        continue;
      }
      if (state !== 'ENCRYPTED') out.push({ resource: r, message: `database_encryption.state is ${state ?? 'absent (DECRYPTED, the default)'}: Kubernetes Secrets are not encrypted with a Cloud KMS key`, detail: 'SecretsEncryption' });
      else if (!hasKey(key)) out.push({ resource: r, message: 'database_encryption is ENCRYPTED without a key_name', detail: 'SecretsEncryption' });
    }
    return out;
  },
};
