/**
 * LOOM-ENC-006: the online feature store (Redis / Valkey) is encrypted and authenticated. It
 * serves features to every model at request time, often including personal data; without TLS and
 * AUTH anyone on the network path can read or overwrite them.
 */
import type { PolicyRule, RuleFinding } from '../../types';
import { flag, list, text } from '../../values';
import { cmkRequired, hasKey } from './common';

/** LOOM-ENC-006: ElastiCache at-rest and in-transit encryption, AUTH or RBAC, a customer key in regulated, its own subnet group; Memorystore AUTH and server-authenticated TLS. */
export const ENC_006: PolicyRule = {
  id: 'LOOM-ENC-006',
  area: 'ENC',
  title: 'The online feature store (Redis) is encrypted and authenticated',
  severity: { baseline: 'HIGH' },
  rationale: 'The online store serves features (often personal data) to every model at request time: without TLS and authentication anyone on the network path can read or poison them.',
  fix: "Loom's ElastiCache Valkey (constructs/stores/key-value/elasticache-valkey.ts) and Memorystore Redis (memorystore-redis.ts) stores set all of these; for hand-written stores set at_rest_encryption_enabled, transit_encryption_enabled, auth_token or user_group_ids, subnet_group_name (and kms_key_id in the regulated pack), or auth_enabled = true and transit_encryption_mode = SERVER_AUTHENTICATION on google_redis_instance.",
  anchors: ['AwsSolutions-AEC3', 'AwsSolutions-AEC6', 'CKV_AWS_29', 'CKV_AWS_30', 'CKV_AWS_31', 'CKV_AWS_191', 'CKV_AWS_323', 'AVD-AWS-0045', 'AVD-AWS-0051', 'CKV_GCP_95', 'CKV_GCP_97'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const regulated = cmkRequired(ctx);
    for (const r of ctx.resources('aws_elasticache_replication_group')) {
      // at_rest_encryption_enabled defaults to true for valkey, false for redis (the default engine).
      const engine = text(r.values, 'engine') ?? 'redis';
      const atRest = flag(r.values, 'at_rest_encryption_enabled') ?? (engine === 'unknown' ? 'unknown' : engine === 'valkey');
      if (atRest === 'unknown') out.push({ resource: r, message: 'at_rest_encryption_enabled (or the engine deciding its default) is a reference, decided at apply time', unknown: true });
      else if (!atRest) out.push({ resource: r, message: `at_rest_encryption_enabled is ${r.values.at_rest_encryption_enabled !== undefined ? 'false' : `absent (false for ${engine}, the default)`}`, detail: 'AtRest' });
      else if (regulated && !hasKey(r.values.kms_key_id)) out.push({ resource: r, message: 'no kms_key_id: data at rest uses the AWS-managed key (the regulated pack requires a customer-managed key)', detail: 'CMK' });

      // transit_encryption_enabled defaults to false; transit_encryption_mode "preferred" still accepts plain connections.
      const transit = flag(r.values, 'transit_encryption_enabled');
      const mode = text(r.values, 'transit_encryption_mode');
      if (transit === 'unknown' || mode === 'unknown') out.push({ resource: r, message: 'transit encryption is set by a reference, decided at apply time', unknown: true });
      else if (transit !== true) out.push({ resource: r, message: `transit_encryption_enabled is ${transit === false ? 'false' : 'absent (false, the default)'}: clients connect in plain text`, detail: 'Transit' });
      else if (mode === 'preferred') out.push({ resource: r, message: 'transit_encryption_mode is preferred: plain-text connections are still accepted', detail: 'Transit' });

      if (!hasKey(r.values.auth_token) && list(r.values, 'user_group_ids').length === 0)
        out.push({ resource: r, message: 'neither auth_token nor user_group_ids: any client that reaches the nodes may run commands', detail: 'Auth' });

      if (!hasKey(r.values.subnet_group_name) || r.values.subnet_group_name === 'default')
        out.push({ resource: r, message: 'no subnet_group_name: the nodes go in the default subnet group (the default VPC)', detail: 'SubnetGroup' });
    }
    for (const r of ctx.resources('google_redis_instance')) {
      // auth_enabled defaults to false; transit_encryption_mode to DISABLED.
      const auth = flag(r.values, 'auth_enabled');
      if (auth === 'unknown') out.push({ resource: r, message: 'auth_enabled is a reference, decided at apply time', unknown: true });
      else if (auth !== true) out.push({ resource: r, message: `auth_enabled is ${auth === false ? 'false' : 'absent (false, the default)'}`, detail: 'Auth' });
      const mode = text(r.values, 'transit_encryption_mode');
      if (mode === 'unknown') out.push({ resource: r, message: 'transit_encryption_mode is a reference, decided at apply time', unknown: true });
      else if (mode !== 'SERVER_AUTHENTICATION') out.push({ resource: r, message: `transit_encryption_mode is ${mode ?? 'absent (DISABLED, the default)'}: clients connect in plain text`, detail: 'Transit' });
    }
    return out;
  },
};
