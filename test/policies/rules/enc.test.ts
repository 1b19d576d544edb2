/**
 * The ENC rules: per rule a non-compliant, a compliant, an attribute-omitted (the provider's
 * default) and, for value checks, an unresolved-reference fixture, asserting the exact findings;
 * then the exact findings of each rule on every example.
 */
import { describe, expect, it } from 'vitest';
import { ENC_RULES } from '../../../policies/rules/enc';
import { ENC_001 } from '../../../policies/rules/enc/enc-001';
import { ENC_002 } from '../../../policies/rules/enc/enc-002';
import { ENC_003 } from '../../../policies/rules/enc/enc-003';
import { ENC_004 } from '../../../policies/rules/enc/enc-004';
import { ENC_005 } from '../../../policies/rules/enc/enc-005';
import { ENC_006 } from '../../../policies/rules/enc/enc-006';
import { ENC_007 } from '../../../policies/rules/enc/enc-007';
import { ENC_008 } from '../../../policies/rules/enc/enc-008';
import type { PolicyRule, PolicySettings, SynthStack } from '../../../policies/types';
import { addresses, EXAMPLES, exampleStacks, fixtureStack, type Resources, runRule } from '../helpers';

const REGULATED: Partial<PolicySettings> = { packs: ['baseline', 'regulated'] };
const one = (type: string, values: Record<string, unknown>, extra: Resources = {}) => fixtureStack('s', { [type]: { r: values }, ...extra });
const run = (rule: PolicyRule, stack: SynthStack | SynthStack[], settings: Partial<PolicySettings> = {}) => addresses(runRule(rule, stack, settings));

describe('the ENC area', () => {
  it('lists LOOM-ENC-001 … 008 in id order, with the catalogue titles and severities', () => {
    expect(ENC_RULES.map((r) => r.id)).toEqual(['LOOM-ENC-001', 'LOOM-ENC-002', 'LOOM-ENC-003', 'LOOM-ENC-004', 'LOOM-ENC-005', 'LOOM-ENC-006', 'LOOM-ENC-007', 'LOOM-ENC-008']);
    expect(ENC_RULES.every((r) => r.area === 'ENC' && r.anchors.length > 0 && r.fix && r.rationale)).toBe(true);
    expect(ENC_008.severity).toEqual({ baseline: 'MEDIUM', regulated: 'HIGH' });
    expect(ENC_RULES.filter((r) => r !== ENC_008).every((r) => r.severity.baseline === 'HIGH' && r.severity.regulated === undefined)).toBe(true);
  });
});

describe('LOOM-ENC-001 Kubernetes Secrets use KMS envelope encryption', () => {
  const eks = (extra: Record<string, unknown>) => one('aws_eks_cluster', { name: 'c', ...extra });
  const gke = (extra: Record<string, unknown>) => one('google_container_cluster', { name: 'c', ...extra });

  it('fails EKS without secrets in encryption_config, and GKE decrypted or without a key', () => {
    expect(run(ENC_001, eks({ encryption_config: { resources: ['configmaps'], provider: { key_arn: 'arn:aws:kms:eu-west-1:1:key/k' } } }))).toEqual(['aws_eks_cluster.r [SecretsEncryption]']);
    expect(run(ENC_001, eks({ encryption_config: { resources: ['secrets'], provider: {} } }))).toEqual(['aws_eks_cluster.r [SecretsEncryption]']);
    expect(run(ENC_001, gke({ database_encryption: { state: 'DECRYPTED' } }))).toEqual(['google_container_cluster.r [SecretsEncryption]']);
    expect(run(ENC_001, gke({ database_encryption: { state: 'ENCRYPTED' } }))).toEqual(['google_container_cluster.r [SecretsEncryption]']);
  });

  it('passes secrets encrypted with a key (a reference to a key counts)', () => {
    expect(run(ENC_001, eks({ encryption_config: { resources: ['secrets'], provider: { key_arn: '${aws_kms_key.k.arn}' } } }))).toEqual([]);
    expect(run(ENC_001, eks({ encryption_config: [{ resources: ['secrets'], provider: [{ key_arn: 'arn:aws:kms:eu-west-1:1:key/k' }] }] }))).toEqual([]);
    expect(run(ENC_001, gke({ database_encryption: { state: 'ENCRYPTED', key_name: '${google_kms_crypto_key.k.id}' } }))).toEqual([]);
  });

  it('fails clusters that omit the setting (EKS: no envelope encryption; GKE: DECRYPTED by default)', () => {
    expect(run(ENC_001, [eks({}), fixtureStack('g', { google_container_cluster: { c: { name: 'c' } } })])).toEqual(['aws_eks_cluster.r [SecretsEncryption]', 'google_container_cluster.c [SecretsEncryption]']);
  });

  it('reports a reference as unknown, not as a pass', () => {
    expect(run(ENC_001, eks({ encryption_config: { resources: '${var.resources}', provider: { key_arn: '${aws_kms_key.k.arn}' } } }))).toEqual(['aws_eks_cluster.r (unknown)']);
    expect(run(ENC_001, gke({ database_encryption: { state: '${var.state}', key_name: 'k' } }))).toEqual(['google_container_cluster.r (unknown)']);
  });
});

describe('LOOM-ENC-002 node and volume encryption', () => {
  const lt = (ebs: Record<string, unknown>) => one('aws_launch_template', { name: 'n', block_device_mappings: [{ device_name: '/dev/xvda', ebs: { volume_size: 50, ...ebs } }] });
  const sc = (provisioner: string, parameters: Record<string, unknown>) => one('kubernetes_storage_class_v1', { metadata: { name: 'fast' }, storage_provisioner: provisioner, parameters });
  const nodeClass = (blockDeviceMappings: unknown) =>
    fixtureStack('s', { kubernetes_manifest: { r: { manifest: { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: 'gpu' }, spec: blockDeviceMappings === undefined ? {} : { blockDeviceMappings } } } } });

  it('fails unencrypted launch-template and EBS volumes, StorageClasses and EC2NodeClasses', () => {
    expect(run(ENC_002, lt({ encrypted: 'false' }))).toEqual(['aws_launch_template.r [Device::/dev/xvda]']);
    expect(run(ENC_002, one('aws_ebs_volume', { size: 10, encrypted: false }))).toEqual(['aws_ebs_volume.r [Volume]']);
    expect(run(ENC_002, sc('ebs.csi.aws.com', { type: 'gp3', encrypted: 'false' }))).toEqual(['kubernetes_storage_class_v1.r [StorageClass::fast]']);
    expect(run(ENC_002, nodeClass([{ deviceName: '/dev/xvda', ebs: { volumeSize: '100Gi', encrypted: false } }]))).toEqual(['kubernetes_manifest.r [EC2NodeClass::gpu]']);
  });

  it('passes encrypted volumes, and any volume once account default encryption is on', () => {
    expect(run(ENC_002, lt({ encrypted: 'true' }))).toEqual([]);
    expect(run(ENC_002, one('aws_ebs_volume', { size: 10, encrypted: true }))).toEqual([]);
    expect(run(ENC_002, sc('ebs.csi.aws.com', { encrypted: 'true' }))).toEqual([]);
    expect(run(ENC_002, nodeClass([{ deviceName: '/dev/xvda', ebs: { encrypted: true } }]))).toEqual([]);
    expect(run(ENC_002, fixtureStack('s', { aws_launch_template: { r: { block_device_mappings: [{ ebs: { encrypted: false } }] } }, aws_ebs_encryption_by_default: { d: { enabled: true } } }))).toEqual([]);
  });

  it('applies the defaults when attributes are omitted', () => {
    // Launch template without mappings (the AMI snapshot, unencrypted), EBS volume (false), StorageClass without encrypted (false).
    expect(run(ENC_002, one('aws_launch_template', { name: 'n' }))).toEqual(['aws_launch_template.r [Device::root]']);
    expect(run(ENC_002, lt({}))).toEqual(['aws_launch_template.r [Device::/dev/xvda]']);
    expect(run(ENC_002, one('aws_ebs_volume', { size: 10 }))).toEqual(['aws_ebs_volume.r [Volume]']);
    expect(run(ENC_002, sc('ebs.csi.aws.com', { type: 'gp3' }))).toEqual(['kubernetes_storage_class_v1.r [StorageClass::fast]']);
    // Karpenter's own default mappings are encrypted; aws_ebs_encryption_by_default.enabled defaults to true.
    expect(run(ENC_002, nodeClass(undefined))).toEqual([]);
    expect(run(ENC_002, fixtureStack('s', { aws_ebs_volume: { r: { size: 1 } }, aws_ebs_encryption_by_default: { d: {} } }))).toEqual([]);
  });

  it('reports a reference as unknown, not as a pass', () => {
    expect(run(ENC_002, lt({ encrypted: '${var.encrypted}' }))).toEqual(['aws_launch_template.r (unknown)']);
    expect(run(ENC_002, nodeClass([{ deviceName: '/dev/xvda', ebs: { encrypted: '${var.e}' } }]))).toEqual(['kubernetes_manifest.r (unknown)']);
  });

  it('regulated: requires customer keys on AWS volumes, GKE boot disks and PD StorageClasses', () => {
    expect(run(ENC_002, lt({ encrypted: 'true' }), REGULATED)).toEqual(['aws_launch_template.r [CMK::Device::/dev/xvda]']);
    expect(run(ENC_002, lt({ encrypted: 'true', kms_key_id: '${aws_kms_key.k.arn}' }), REGULATED)).toEqual([]);
    expect(run(ENC_002, fixtureStack('s', { aws_launch_template: { r: { block_device_mappings: [{ ebs: { encrypted: true } }] } }, aws_ebs_encryption_by_default: { d: { enabled: true } }, aws_ebs_default_kms_key: { k: { key_arn: '${aws_kms_key.k.arn}' } } }), REGULATED)).toEqual([]);
    expect(run(ENC_002, nodeClass(undefined), REGULATED)).toEqual(['kubernetes_manifest.r [CMK::EC2NodeClass::gpu]']);
    expect(run(ENC_002, one('google_container_node_pool', { node_config: { machine_type: 'n2-standard-4' } }), REGULATED)).toEqual(['google_container_node_pool.r [CMK::NodePool]']);
    expect(run(ENC_002, one('google_container_node_pool', { node_config: { boot_disk_kms_key: '${google_kms_crypto_key.k.id}' } }), REGULATED)).toEqual([]);
    expect(run(ENC_002, one('google_container_cluster', { remove_default_node_pool: true, node_config: {} }), REGULATED)).toEqual([]);
    expect(run(ENC_002, one('google_container_cluster', { node_config: {} }), REGULATED)).toEqual(['google_container_cluster.r [CMK::DefaultPool]']);
    expect(run(ENC_002, sc('pd.csi.storage.gke.io', { type: 'pd-balanced' }), REGULATED)).toEqual(['kubernetes_storage_class_v1.r [CMK::StorageClass::fast]']);
    expect(run(ENC_002, sc('pd.csi.storage.gke.io', { 'disk-encryption-kms-key': 'projects/p/locations/l/keyRings/r/cryptoKeys/k' }), REGULATED)).toEqual([]);
    // Outside regulated, GKE boot disks and PD classes are not asked for CMEK.
    expect(run(ENC_002, [one('google_container_node_pool', { node_config: {} }), sc('pd.csi.storage.gke.io', {})])).toEqual([]);
  });
});

describe('LOOM-ENC-003 object storage is encrypted and TLS-only', () => {
  const TLS_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['${aws_s3_bucket.b.arn}', '${aws_s3_bucket.b.arn}/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });
  const kms = (by: Record<string, unknown>) => ({ bucket: '${aws_s3_bucket.b.id}', rule: [{ apply_server_side_encryption_by_default: by }] });
  const bucket = (extra: Resources = {}) => fixtureStack('s', { aws_s3_bucket: { b: { bucket_prefix: 'x-' } }, ...extra });
  const policy = (p: unknown) => ({ aws_s3_bucket_policy: { p: { bucket: '${aws_s3_bucket.b.id}', policy: p } } });

  it('fails SSE-S3 (a MEDIUM CMK warning, HIGH in regulated) and a policy without the TLS deny (HIGH)', () => {
    const findings = runRule(ENC_003, bucket({ aws_s3_bucket_server_side_encryption_configuration: { e: kms({ sse_algorithm: 'AES256' }) }, ...policy(JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:root' }, Action: 's3:GetObject' }] })) }));
    expect(addresses(findings)).toEqual(['aws_s3_bucket.b [CMK]', 'aws_s3_bucket.b [SecureTransport]']);
    expect(findings[0]!.severity).toEqual({ baseline: 'MEDIUM', regulated: 'HIGH' });
    expect(findings[1]!.severity).toBeUndefined();
    expect(run(ENC_003, bucket({ aws_s3_bucket_server_side_encryption_configuration: { e: kms({ sse_algorithm: 'aws:kms' }) }, ...policy(TLS_POLICY) }))).toEqual(['aws_s3_bucket.b [CMK]']);
  });

  it('passes aws:kms with a key and a DenyInsecureTransport policy (inline JSON or a policy document)', () => {
    expect(run(ENC_003, bucket({ aws_s3_bucket_server_side_encryption_configuration: { e: kms({ sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.k.arn}' }) }, ...policy(TLS_POLICY) }))).toEqual([]);
    const doc = {
      data: {
        aws_iam_policy_document: {
          d: { statement: [{ effect: 'Deny', actions: ['s3:*'], resources: ['*'], principals: [{ type: '*', identifiers: ['*'] }], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] }] },
        },
      },
    };
    const stack = fixtureStack(
      's',
      { aws_s3_bucket: { b: {} }, aws_s3_bucket_server_side_encryption_configuration: { e: kms({ sse_algorithm: 'aws:kms:dsse', kms_master_key_id: 'arn:aws:kms:eu-west-1:1:key/k' }) }, ...policy('${data.aws_iam_policy_document.d.json}') },
      doc,
    );
    expect(run(ENC_003, stack)).toEqual([]);
  });

  it('applies the defaults when nothing is configured: SSE-S3 since 2023 (CMK warning) and no TLS-only policy', () => {
    expect(run(ENC_003, bucket())).toEqual(['aws_s3_bucket.b [CMK]', 'aws_s3_bucket.b [SecureTransport]']);
  });

  it('reports an unreadable policy or algorithm as unknown, not as a pass', () => {
    expect(run(ENC_003, bucket({ aws_s3_bucket_server_side_encryption_configuration: { e: kms({ sse_algorithm: '${var.algo}', kms_master_key_id: 'k' }) }, ...policy('${data.aws_iam_policy_document.missing.json}') }))).toEqual([
      'aws_s3_bucket.b (unknown)',
      'aws_s3_bucket.b (unknown)',
    ]);
  });

  it('regulated: Cloud Storage buckets need encryption.default_kms_key_name', () => {
    expect(run(ENC_003, one('google_storage_bucket', { name: 'b', location: 'EU' }))).toEqual([]);
    expect(run(ENC_003, one('google_storage_bucket', { name: 'b', location: 'EU' }), REGULATED)).toEqual(['google_storage_bucket.r [CMK]']);
    expect(run(ENC_003, one('google_storage_bucket', { name: 'b', encryption: { default_kms_key_name: '${google_kms_crypto_key.k.id}' } }), REGULATED)).toEqual([]);
  });
});

describe('LOOM-ENC-004 KMS key hygiene', () => {
  const POLICY = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::1:root'] }, Action: 'kms:*', Resource: '*' }] });
  const key = (extra: Record<string, unknown>) => one('aws_kms_key', { enable_key_rotation: true, policy: POLICY, deletion_window_in_days: 30, ...extra });
  const cryptoKey = (extra: Record<string, unknown>) => one('google_kms_crypto_key', { name: 'k', key_ring: 'r', rotation_period: '7776000s', lifecycle: { prevent_destroy: true }, ...extra });

  it('fails no rotation, a "*" principal without condition, a disabled key and a short deletion window', () => {
    expect(run(ENC_004, key({ enable_key_rotation: false }))).toEqual(['aws_kms_key.r [Rotation]']);
    expect(run(ENC_004, key({ policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }] }) }))).toEqual(['aws_kms_key.r [Principal::*]']);
    expect(run(ENC_004, key({ policy: JSON.stringify({ Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*' } }) }))).toEqual(['aws_kms_key.r [Principal::*]']);
    expect(run(ENC_004, key({ is_enabled: false }))).toEqual(['aws_kms_key.r [Disabled]']);
    expect(run(ENC_004, key({ deletion_window_in_days: 7 }))).toEqual(['aws_kms_key.r [DeletionWindow]']);
    expect(run(ENC_004, cryptoKey({ rotation_period: '31536000s', lifecycle: {} }))).toEqual(['google_kms_crypto_key.r [Rotation]', 'google_kms_crypto_key.r [PreventDestroy]']);
    expect(run(ENC_004, one('google_kms_key_ring_iam_member', { key_ring_id: 'r', role: 'roles/cloudkms.cryptoKeyDecrypter', member: 'allUsers' }))).toEqual(['google_kms_key_ring_iam_member.r [Member::allUsers]']);
    expect(run(ENC_004, one('google_kms_crypto_key_iam_binding', { crypto_key_id: 'k', role: 'roles/viewer', members: ['user:a@example.com', 'allAuthenticatedUsers'] }))).toEqual([
      'google_kms_crypto_key_iam_binding.r [Member::allAuthenticatedUsers]',
    ]);
  });

  it('passes a rotating key with a named policy (conditioned "*" allowed), and a protected rotating crypto key', () => {
    expect(run(ENC_004, key({}))).toEqual([]);
    expect(run(ENC_004, key({ policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:CallerAccount': '1' } } }] }) }))).toEqual([]);
    // Asymmetric keys cannot rotate; a short window is fine outside prod and regulated.
    expect(run(ENC_004, key({ enable_key_rotation: false, customer_master_key_spec: 'RSA_2048', key_usage: 'SIGN_VERIFY' }))).toEqual([]);
    expect(run(ENC_004, key({ deletion_window_in_days: 7 }), { environment: 'dev' })).toEqual([]);
    expect(run(ENC_004, cryptoKey({}))).toEqual([]);
    expect(run(ENC_004, one('google_kms_crypto_key_iam_member', { crypto_key_id: 'k', role: 'r', member: 'serviceAccount:${google_service_account.s.email}' }))).toEqual([]);
  });

  it('applies the defaults: rotation off, no explicit policy, enabled, 30-day window; Google keys without rotation or protection', () => {
    expect(run(ENC_004, one('aws_kms_key', { description: 'k' }))).toEqual(['aws_kms_key.r [Rotation]', 'aws_kms_key.r [Policy]']);
    expect(run(ENC_004, one('google_kms_crypto_key', { name: 'k', key_ring: 'r' }))).toEqual(['google_kms_crypto_key.r [Rotation]', 'google_kms_crypto_key.r [PreventDestroy]']);
    // A separate aws_kms_key_policy is the explicit policy.
    expect(run(ENC_004, fixtureStack('s', { aws_kms_key: { r: { enable_key_rotation: true } }, aws_kms_key_policy: { p: { key_id: '${aws_kms_key.r.id}', policy: POLICY } } }))).toEqual([]);
  });

  it('reports references as unknown, not as a pass', () => {
    expect(run(ENC_004, key({ enable_key_rotation: '${var.rotate}', policy: '${data.aws_iam_policy_document.missing.json}' }))).toEqual(['aws_kms_key.r (unknown)', 'aws_kms_key.r (unknown)']);
    expect(run(ENC_004, cryptoKey({ rotation_period: '${var.period}' }))).toEqual(['google_kms_crypto_key.r (unknown)']);
    expect(run(ENC_004, one('google_kms_key_ring_iam_member', { key_ring_id: 'r', role: 'r', member: '${var.member}' }))).toEqual(['google_kms_key_ring_iam_member.r (unknown)']);
  });
});

describe('LOOM-ENC-005 databases are encrypted at rest and in transit', () => {
  const group = (value?: string) => ({ aws_db_parameter_group: { g: { name: 'g', family: 'postgres17', parameter: value === undefined ? [] : [{ name: 'rds.force_ssl', value }] } } });
  const db = (extra: Record<string, unknown>, more: Resources = group('1')) =>
    fixtureStack('s', { aws_db_instance: { r: { engine: 'postgres', engine_version: '17', storage_encrypted: true, kms_key_id: '${aws_kms_key.k.arn}', parameter_group_name: '${aws_db_parameter_group.g.name}', ...extra } }, ...more });
  const sql = (ip: Record<string, unknown>, extra: Record<string, unknown> = {}) => one('google_sql_database_instance', { database_version: 'POSTGRES_17', settings: { tier: 'db-f1', ip_configuration: ip }, ...extra });

  it('fails unencrypted storage, an AWS-managed key, TLS not forced and Performance Insights on the AWS key', () => {
    expect(run(ENC_005, db({ storage_encrypted: false }))).toEqual(['aws_db_instance.r [StorageEncrypted]']);
    expect(run(ENC_005, db({ kms_key_id: undefined }))).toEqual(['aws_db_instance.r [CMK]']);
    expect(run(ENC_005, db({}, group('0')))).toEqual(['aws_db_instance.r [TLS]']);
    expect(run(ENC_005, db({ performance_insights_enabled: true }))).toEqual(['aws_db_instance.r [PerformanceInsightsCMK]']);
    expect(run(ENC_005, db({ engine: 'mysql', engine_version: '8.0', parameter_group_name: undefined }))).toEqual(['aws_db_instance.r [TLS]']);
    expect(run(ENC_005, sql({ ssl_mode: 'ALLOW_UNENCRYPTED_AND_ENCRYPTED' }))).toEqual(['google_sql_database_instance.r [TLS]']);
  });

  it('passes an encrypted, TLS-only database', () => {
    expect(run(ENC_005, db({ performance_insights_enabled: true, performance_insights_kms_key_id: '${aws_kms_key.k.arn}' }))).toEqual([]);
    expect(run(ENC_005, fixtureStack('s', { aws_rds_cluster: { c: { engine: 'aurora-mysql', storage_encrypted: true, kms_key_id: 'k', db_cluster_parameter_group_name: 'tls' } }, aws_rds_cluster_parameter_group: { g: { name: 'tls', parameter: [{ name: 'require_secure_transport', value: 'ON' }] } } }))).toEqual([]);
    expect(run(ENC_005, sql({ ssl_mode: 'ENCRYPTED_ONLY' }))).toEqual([]);
    expect(run(ENC_005, sql({ ssl_mode: 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED' }))).toEqual([]);
  });

  it('applies the defaults: storage unencrypted; rds.force_ssl on for PostgreSQL 15+, off before; Cloud SQL allows plain text', () => {
    expect(run(ENC_005, one('aws_db_instance', { engine: 'postgres', engine_version: '16.3' }))).toEqual(['aws_db_instance.r [StorageEncrypted]']);
    expect(run(ENC_005, one('aws_db_instance', { engine: 'postgres', engine_version: '14', storage_encrypted: true, kms_key_id: 'k' }))).toEqual(['aws_db_instance.r [TLS]']);
    expect(run(ENC_005, db({}, group(undefined)))).toEqual([]);
    expect(run(ENC_005, sql({}))).toEqual(['google_sql_database_instance.r [TLS]']);
  });

  it('reports references as unknown, not as a pass', () => {
    expect(run(ENC_005, db({ storage_encrypted: '${var.encrypted}' }))).toEqual(['aws_db_instance.r (unknown)']);
    expect(run(ENC_005, db({ parameter_group_name: '${data.terraform_remote_state.x.outputs.group}' }))).toEqual(['aws_db_instance.r (unknown)']);
    expect(run(ENC_005, db({}, { aws_db_parameter_group: { g: { name: 'g', parameter: [{ name: 'rds.force_ssl', value: '${var.ssl}' }] } } }))).toEqual(['aws_db_instance.r (unknown)']);
    expect(run(ENC_005, sql({ ssl_mode: '${var.mode}' }))).toEqual(['google_sql_database_instance.r (unknown)']);
  });

  it('regulated: Cloud SQL needs encryption_key_name', () => {
    expect(run(ENC_005, sql({ ssl_mode: 'ENCRYPTED_ONLY' }), REGULATED)).toEqual(['google_sql_database_instance.r [CMK]']);
    expect(run(ENC_005, sql({ ssl_mode: 'ENCRYPTED_ONLY' }, { encryption_key_name: '${google_kms_crypto_key.k.id}' }), REGULATED)).toEqual([]);
  });
});

describe('LOOM-ENC-006 the online feature store (Redis) is encrypted and authenticated', () => {
  const GOOD = { engine: 'valkey', at_rest_encryption_enabled: 'true', transit_encryption_enabled: true, transit_encryption_mode: 'required', auth_token: '${random_password.p.result}', subnet_group_name: '${aws_elasticache_subnet_group.g.name}', kms_key_id: '${aws_kms_key.k.arn}' };
  const rg = (extra: Record<string, unknown>) => one('aws_elasticache_replication_group', { replication_group_id: 'r', description: 'd', node_type: 'cache.t4g.small', ...GOOD, ...extra });
  const redis = (extra: Record<string, unknown>) => one('google_redis_instance', { name: 'r', memory_size_gb: 1, ...extra });

  it('fails plain-text, unauthenticated or unencrypted stores', () => {
    expect(run(ENC_006, rg({ at_rest_encryption_enabled: false, transit_encryption_mode: 'preferred' }))).toEqual(['aws_elasticache_replication_group.r [AtRest]', 'aws_elasticache_replication_group.r [Transit]']);
    expect(run(ENC_006, rg({ auth_token: undefined, subnet_group_name: 'default' }))).toEqual(['aws_elasticache_replication_group.r [Auth]', 'aws_elasticache_replication_group.r [SubnetGroup]']);
    expect(run(ENC_006, redis({ auth_enabled: false, transit_encryption_mode: 'DISABLED' }))).toEqual(['google_redis_instance.r [Auth]', 'google_redis_instance.r [Transit]']);
  });

  it('passes encrypted, authenticated stores (auth_token or an RBAC user group)', () => {
    expect(run(ENC_006, rg({}), REGULATED)).toEqual([]);
    expect(run(ENC_006, rg({ auth_token: undefined, user_group_ids: ['${aws_elasticache_user_group.u.id}'] }))).toEqual([]);
    expect(run(ENC_006, redis({ auth_enabled: true, transit_encryption_mode: 'SERVER_AUTHENTICATION' }))).toEqual([]);
  });

  it('applies the defaults: redis unencrypted at rest (valkey encrypted), no TLS, no AUTH, default subnet group', () => {
    expect(run(ENC_006, one('aws_elasticache_replication_group', { replication_group_id: 'r', description: 'd' }))).toEqual([
      'aws_elasticache_replication_group.r [AtRest]',
      'aws_elasticache_replication_group.r [Transit]',
      'aws_elasticache_replication_group.r [Auth]',
      'aws_elasticache_replication_group.r [SubnetGroup]',
    ]);
    expect(run(ENC_006, rg({ at_rest_encryption_enabled: undefined }))).toEqual([]);
    expect(run(ENC_006, redis({}))).toEqual(['google_redis_instance.r [Auth]', 'google_redis_instance.r [Transit]']);
  });

  it('reports references as unknown, not as a pass', () => {
    expect(run(ENC_006, rg({ transit_encryption_enabled: '${var.tls}' }))).toEqual(['aws_elasticache_replication_group.r (unknown)']);
    expect(run(ENC_006, redis({ auth_enabled: '${var.auth}', transit_encryption_mode: 'SERVER_AUTHENTICATION' }))).toEqual(['google_redis_instance.r (unknown)']);
  });

  it('regulated: ElastiCache needs kms_key_id', () => {
    expect(run(ENC_006, rg({ kms_key_id: undefined }))).toEqual([]);
    expect(run(ENC_006, rg({ kms_key_id: undefined }), REGULATED)).toEqual(['aws_elasticache_replication_group.r [CMK]']);
  });
});

describe('LOOM-ENC-007 streaming is encrypted', () => {
  const msk = (encryption_info: Record<string, unknown>) => one('aws_msk_cluster', { cluster_name: 'm', kafka_version: '3.9.x', number_of_broker_nodes: 3, encryption_info });

  it('fails plain-text MSK, unencrypted Kinesis and Firehose', () => {
    expect(run(ENC_007, msk({ encryption_in_transit: { client_broker: 'TLS_PLAINTEXT', in_cluster: false } }))).toEqual(['aws_msk_cluster.r [ClientBroker]', 'aws_msk_cluster.r [InCluster]']);
    expect(run(ENC_007, one('aws_kinesis_stream', { name: 's', encryption_type: 'NONE' }))).toEqual(['aws_kinesis_stream.r [Encryption]']);
    expect(run(ENC_007, one('aws_kinesis_firehose_delivery_stream', { name: 'f', destination: 'extended_s3', server_side_encryption: { enabled: false } }))).toEqual(['aws_kinesis_firehose_delivery_stream.r [Encryption]']);
  });

  it('passes TLS-only MSK with a key, KMS-encrypted Kinesis and Firehose', () => {
    expect(run(ENC_007, msk({ encryption_at_rest_kms_key_arn: '${aws_kms_key.k.arn}', encryption_in_transit: { client_broker: 'TLS', in_cluster: true } }), REGULATED)).toEqual([]);
    expect(run(ENC_007, one('aws_kinesis_stream', { name: 's', encryption_type: 'KMS', kms_key_id: 'alias/aws/kinesis' }))).toEqual([]);
    expect(run(ENC_007, one('aws_kinesis_firehose_delivery_stream', { name: 'f', server_side_encryption: { enabled: true, key_type: 'CUSTOMER_MANAGED_CMK', key_arn: 'k' } }))).toEqual([]);
    expect(run(ENC_007, one('aws_kinesis_firehose_delivery_stream', { name: 'f', kinesis_source_configuration: { kinesis_stream_arn: '${aws_kinesis_stream.s.arn}' } }))).toEqual([]);
  });

  it('applies the defaults: MSK is TLS-only; Kinesis NONE; Firehose SSE off', () => {
    expect(run(ENC_007, one('aws_msk_cluster', { cluster_name: 'm' }))).toEqual([]);
    expect(run(ENC_007, one('aws_kinesis_stream', { name: 's' }))).toEqual(['aws_kinesis_stream.r [Encryption]']);
    expect(run(ENC_007, one('aws_kinesis_firehose_delivery_stream', { name: 'f' }))).toEqual(['aws_kinesis_firehose_delivery_stream.r [Encryption]']);
  });

  it('reports references as unknown, not as a pass', () => {
    expect(run(ENC_007, msk({ encryption_in_transit: { client_broker: '${var.mode}' } }))).toEqual(['aws_msk_cluster.r (unknown)']);
    expect(run(ENC_007, one('aws_kinesis_stream', { name: 's', encryption_type: '${var.t}' }))).toEqual(['aws_kinesis_stream.r (unknown)']);
  });

  it('regulated: MSK and Pub/Sub need customer keys', () => {
    expect(run(ENC_007, [one('aws_msk_cluster', { cluster_name: 'm' }), fixtureStack('g', { google_pubsub_topic: { t: { name: 't' } } })], REGULATED)).toEqual(['aws_msk_cluster.r [CMK]', 'google_pubsub_topic.t [CMK]']);
    expect(run(ENC_007, one('google_pubsub_topic', { name: 't', kms_key_name: '${google_kms_crypto_key.k.id}' }), REGULATED)).toEqual([]);
    expect(run(ENC_007, one('google_pubsub_topic', { name: 't' }))).toEqual([]);
  });
});

describe('LOOM-ENC-008 ML services and registries use CMK where the spec requires it', () => {
  it('fails provider-managed keys (MEDIUM; HIGH in regulated through the rule severity)', () => {
    expect(run(ENC_008, one('aws_sagemaker_endpoint_configuration', { production_variants: [{ variant_name: 'v' }] }))).toEqual(['aws_sagemaker_endpoint_configuration.r [CMK]']);
    expect(run(ENC_008, one('aws_ecr_repository', { name: 'r', encryption_configuration: [{ encryption_type: 'AES256' }] }))).toEqual(['aws_ecr_repository.r [CMK]']);
    expect(run(ENC_008, one('aws_ecr_repository', { name: 'r', encryption_configuration: [{ encryption_type: 'KMS' }] }))).toEqual(['aws_ecr_repository.r [CMK]']);
    expect(run(ENC_008, one('google_workbench_instance', { name: 'w', gce_setup: { boot_disk: { disk_encryption: 'GMEK' } } }))).toEqual(['google_workbench_instance.r [CMK]']);
  });

  it('passes customer keys (references count)', () => {
    const stack = fixtureStack('s', {
      aws_sagemaker_endpoint_configuration: { e: { kms_key_arn: '${aws_kms_key.k.arn}' } },
      aws_sagemaker_notebook_instance: { n: { kms_key_id: '${aws_kms_key.k.id}' } },
      aws_sagemaker_domain: { d: { kms_key_id: 'arn:aws:kms:eu-west-1:1:key/k' } },
      aws_ecr_repository: { r: { encryption_configuration: [{ encryption_type: 'KMS', kms_key: '${aws_kms_key.k.arn}' }] } },
      google_vertex_ai_endpoint: { v: { encryption_spec: { kms_key_name: '${google_kms_crypto_key.k.id}' } } },
      google_workbench_instance: { w: { gce_setup: { boot_disk: { disk_encryption: 'CMEK', kms_key: 'k' }, data_disks: [{ disk_encryption: 'CMEK', kms_key: 'k' }] } } },
      google_notebooks_instance: { o: { disk_encryption: 'CMEK', kms_key: 'k' } },
      google_artifact_registry_repository: { a: { kms_key_name: '${google_kms_crypto_key.k.id}' } },
    });
    expect(run(ENC_008, stack, REGULATED)).toEqual([]);
  });

  it('applies the defaults: no keys (ECR AES256, Vertex and Artifact Registry Google-managed, Workbench GMEK)', () => {
    const stack = fixtureStack('s', {
      aws_sagemaker_notebook_instance: { n: { instance_type: 'ml.t3.medium' } },
      aws_sagemaker_domain: { d: { domain_name: 'd' } },
      aws_ecr_repository: { r: { name: 'r' } },
      google_vertex_ai_tensorboard: { t: { display_name: 't' } },
      google_vertex_ai_dataset: { d: { display_name: 'd' } },
      google_workbench_instance: { w: { name: 'w' } },
      google_notebooks_instance: { o: { name: 'o' } },
      google_artifact_registry_repository: { a: { format: 'DOCKER' } },
    });
    expect(run(ENC_008, stack)).toEqual([
      'aws_sagemaker_notebook_instance.n [CMK]',
      'aws_sagemaker_domain.d [CMK]',
      'aws_ecr_repository.r [CMK]',
      'google_vertex_ai_dataset.d [CMK]',
      'google_vertex_ai_tensorboard.t [CMK]',
      'google_workbench_instance.w [CMK]',
      'google_notebooks_instance.o [CMK]',
      'google_artifact_registry_repository.a [CMK]',
    ]);
  });

  it('reports references as unknown, not as a pass', () => {
    expect(run(ENC_008, one('aws_ecr_repository', { name: 'r', encryption_configuration: [{ encryption_type: '${var.t}' }] }))).toEqual(['aws_ecr_repository.r (unknown)']);
    expect(run(ENC_008, one('google_notebooks_instance', { name: 'o', disk_encryption: '${var.e}' }))).toEqual(['google_notebooks_instance.r (unknown)']);
  });
});


describe('the ENC rules on the examples', () => {
  /** Expected findings (`stack address [detail]`) per example and rule; absent: none. */
  const EXPECTED: Record<string, Record<string, string[]>> = {
    'gcp-platform.yaml': {
      // Genuine gap: the GKE secrets key (constructs/cluster/gke-cluster.ts, SecretsKey) has no lifecycle.prevent_destroy.
      'LOOM-ENC-004': ['acme-cluster-apps', 'acme-cluster-events', 'acme-cluster-training'].map((s) => `${s} google_kms_crypto_key.Cluster_SecretsKey_0735A163 [PreventDestroy]`),
      // Genuine gap (MEDIUM warnings): Vertex AI TensorBoard and the pipelines' Artifact Registry repository use Google-managed keys.
      'LOOM-ENC-008': [
        'acme-services google_vertex_ai_tensorboard.ExperimentTracking_Tensorboard_A0E2A06F [CMK]',
        'acme-services google_artifact_registry_repository.Pipelines_Templates_C14658D1 [CMK]',
      ],
    },
  };
  for (const file of EXAMPLES)
    it(`${file}: exact findings of every ENC rule`, () => {
      const { stacks, settings } = exampleStacks(file);
      for (const rule of ENC_RULES) {
        const found = runRule(rule, stacks, settings).map((f) => `${'stack' in f.resource ? f.resource.stack : ''} ${addresses([f])[0]}`);
        expect(found, `${file} ${rule.id}`).toEqual(EXPECTED[file]?.[rule.id] ?? []);
      }
    });

  it('gcp-platform.yaml: the ENC-004 findings are at the GKE SecretsKey construct; the ENC-008 ones are warnings', () => {
    const { stacks, settings } = exampleStacks('gcp-platform.yaml');
    expect(runRule(ENC_004, stacks, settings).map((f) => ('path' in f.resource ? f.resource.path : ''))).toEqual(['acme-cluster-apps/Cluster/SecretsKey', 'acme-cluster-events/Cluster/SecretsKey', 'acme-cluster-training/Cluster/SecretsKey']);
    expect(ENC_008.severity.baseline).toBe('MEDIUM');
    expect(settings.packs).not.toContain('regulated');
  });
});
