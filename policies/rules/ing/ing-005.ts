/**
 * LOOM-ING-005: data stores are not publicly reachable. RDS instances are not publicly accessible;
 * ElastiCache, MSK and OpenSearch live inside the VPC (MSK without public access); Cloud SQL has no
 * public IP or no world-open authorized network; Memorystore uses private service access.
 */
import type { PolicyRule, RuleFinding } from '../../types';
import { attr, flag, isReference, list, text } from '../../values';

const WORLD = new Set(['0.0.0.0/0', '::/0']);

/** LOOM-ING-005: Data stores are not publicly reachable. What it reads and why: see the module comment. */
export const ING_005: PolicyRule = {
  id: 'LOOM-ING-005',
  area: 'ING',
  title: 'Data stores are not publicly reachable',
  severity: { baseline: 'CRITICAL' },
  rationale: 'A database, cache or broker with a public endpoint is one leaked password (or one unauthenticated port) away from a data breach.',
  fix: 'Loom places every store in the private network (components.*.database, featureStore.onlineStore, streaming): keep publicly_accessible=false, MSK public access DISABLED, Cloud SQL ipv4_enabled=false with private_network, Memorystore connect_mode PRIVATE_SERVICE_ACCESS.',
  anchors: ['HIPAA.Security-RDSInstancePublicAccess', 'NIST.800.53.R5-RDSInstancePublicAccess', 'CKV_AWS_17', 'AVD-AWS-0180', 'AwsSolutions-AEC1', 'CKV_AWS_291', 'CKV_GCP_11', 'CKV_GCP_60', 'AVD-GCP-0017'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const r of ctx.resources('aws_db_instance', 'aws_rds_cluster_instance', 'aws_redshift_cluster')) {
      // Provider default: false.
      const pub = flag(r.values, 'publicly_accessible');
      if (pub === 'unknown') out.push({ resource: r, message: 'publicly_accessible is a reference, decided at apply time', unknown: true });
      else if (pub === true) out.push({ resource: r, message: 'publicly_accessible is true: the endpoint resolves to a public address', detail: 'PubliclyAccessible' });
    }
    for (const r of ctx.resources('aws_elasticache_cluster', 'aws_elasticache_replication_group')) {
      // A cluster that joins a replication group inherits its placement.
      if (r.type === 'aws_elasticache_cluster' && r.values.replication_group_id !== undefined) continue;
      if (attr(r.values, 'subnet_group_name') === undefined) out.push({ resource: r, message: 'no subnet_group_name: the cache lands in the default subnet group, outside the platform\'s private subnets', detail: 'SubnetGroup' });
    }
    for (const r of ctx.resources('aws_msk_cluster')) {
      // Provider default: DISABLED.
      const type = text(r.values, 'broker_node_group_info.connectivity_info.public_access.type');
      if (type === 'unknown') out.push({ resource: r, message: 'public_access.type is a reference, decided at apply time', unknown: true });
      else if (type !== undefined && type !== 'DISABLED') out.push({ resource: r, message: `broker public access is ${type}`, detail: 'PublicAccess' });
    }
    for (const r of ctx.resources('aws_opensearch_domain', 'aws_elasticsearch_domain')) {
      if (attr(r.values, 'vpc_options') === undefined || list(r.values, 'vpc_options.subnet_ids').length === 0) {
        out.push({ resource: r, message: 'no vpc_options: the domain has a public endpoint', detail: 'Vpc' });
      }
    }
    for (const r of ctx.resources('google_sql_database_instance')) {
      // Provider default: ipv4_enabled true (a public IP); allowed only while no authorized network is the world.
      const ipv4 = flag(r.values, 'settings.ip_configuration.ipv4_enabled');
      if (ipv4 === 'unknown') {
        out.push({ resource: r, message: 'ipv4_enabled is a reference, decided at apply time', unknown: true });
        continue;
      }
      if (ipv4 === false) continue;
      const networks = list(r.values, 'settings.ip_configuration.authorized_networks').map((n) => attr(n, 'value'));
      if (networks.some(isReference)) out.push({ resource: r, message: 'an authorized network is a reference, decided at apply time', unknown: true });
      else if (networks.some((n) => WORLD.has(String(n)))) out.push({ resource: r, message: `ipv4_enabled is ${ipv4 === undefined ? 'not set (default true)' : 'true'} and 0.0.0.0/0 is an authorized network`, detail: 'PublicIp' });
    }
    for (const r of ctx.resources('google_redis_instance')) {
      // Provider default: DIRECT_PEERING.
      const mode = text(r.values, 'connect_mode') ?? 'DIRECT_PEERING';
      if (mode === 'unknown') out.push({ resource: r, message: 'connect_mode is a reference, decided at apply time', unknown: true });
      else if (mode !== 'PRIVATE_SERVICE_ACCESS') out.push({ resource: r, message: `connect_mode is ${mode} (default DIRECT_PEERING), not private service access`, detail: 'PrivateServiceAccess' });
    }
    return out;
  },
};
