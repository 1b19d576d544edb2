/**
 * The RES rules: per rule a non-compliant, a compliant, an attribute-omitted (the provider's
 * default) and, for value checks, an unresolved-reference fixture, asserting the exact findings;
 * then every example's exact findings (`exampleStacks`: synthesized without the policy gate, so
 * a genuine finding of any area is read, never thrown).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkPolicies } from '../../../policies/engine';
import { RES_RULES } from '../../../policies/rules/res';
import { RES_001 } from '../../../policies/rules/res/res-001';
import { RES_002 } from '../../../policies/rules/res/res-002';
import { RES_003 } from '../../../policies/rules/res/res-003';
import { specFrom } from '../../helpers/synth';
import { addresses, EXAMPLES, exampleStacks, fixtureStack, runRule, SETTINGS, specStacks } from '../helpers';

const EU = { allowedRegions: ['eu-west-1', 'europe-west4'] };


describe('the RES area', () => {
  it('lists its rules in id order', () => {
    expect(RES_RULES.map((r) => r.id)).toEqual(['LOOM-RES-001', 'LOOM-RES-002', 'LOOM-RES-003']);
  });
});

describe('LOOM-RES-001 everything sits in allowed locations', () => {
  const aws = (region?: string, extra: Record<string, unknown> = {}) => fixtureStack('s', { aws_subnet: { a: { vpc_id: 'v', cidr_block: '10.0.0.0/24', availability_zone: 'eu-west-1a' } } }, { provider: { aws: [{ ...(region ? { region } : {}), ...extra }] } });
  const gcs = (values: Record<string, unknown>) => fixtureStack('g', { google_storage_bucket: { b: { name: 'b', ...values } } }, { provider: { google: [{ project: 'p', region: 'europe-west4' }] } });

  it('is not suppressible in prod: an exception is rejected there and the finding stays an error; elsewhere it applies', () => {
    expect(RES_001.suppressible).toBe(false);
    const stack = fixtureStack('s', { google_storage_bucket: { b: { name: 'b', location: 'US' } } });
    const exception = { rule: 'LOOM-RES-001', resource: 's/**', reason: 'the bucket holds public, non-personal reference data only', expires: '2027-01-31' };
    const prod = checkPolicies([stack], { ...SETTINGS, ...EU }, [exception], [RES_001]);
    expect(prod.exceptions.map((e) => e.status)).toEqual(['rejected']);
    expect(prod.findings.map((f) => [f.findingId, f.level, f.excepted])).toEqual([['LOOM-RES-001[Location::US]', 'error', false]]);
    const staging = checkPolicies([stack], { ...SETTINGS, ...EU, environment: 'staging' }, [exception], [RES_001]);
    expect(staging.findings.map((f) => [f.findingId, f.excepted])).toEqual([['LOOM-RES-001[Location::US]', true]]);
  });

  it('fails a provider region, an alias region, a zone and a bucket outside the allowed regions', () => {
    const stack = fixtureStack(
      's',
      { aws_subnet: { a: { vpc_id: 'v', cidr_block: '10.0.0.0/24', availability_zone: 'us-east-1a' } }, aws_s3_bucket: { b: { bucket: 'b', region: 'us-west-2' } } },
      { provider: { aws: [{ region: 'eu-west-1' }, { alias: 'replica', region: 'us-east-1' }] } },
    );
    expect(addresses(runRule(RES_001, stack, EU))).toEqual(['provider.aws.replica [Location::us-east-1]', 'aws_subnet.a [Location::us-east-1a]', 'aws_s3_bucket.b [Location::us-west-2]']);
    expect(addresses(runRule(RES_001, gcs({ location: 'US' }), EU))).toEqual(['google_storage_bucket.b [Location::US]']);
    expect(addresses(runRule(RES_001, fixtureStack('g', { google_container_node_pool: { p: { location: 'europe-west4', node_locations: ['europe-west4-a', 'us-central1-b'] } } }), EU))).toEqual([
      'google_container_node_pool.p [Location::us-central1-b]',
    ]);
  });

  it('fails an S3 state bucket outside the allowed regions, but not an S3-compatible store of its own', () => {
    const backend = (s3: Record<string, unknown>) => fixtureStack('s', {}, { provider: { aws: [{ region: 'eu-west-1' }] }, terraform: { backend: { s3: { bucket: 'st', key: 'k', ...s3 } } } });
    expect(addresses(runRule(RES_001, backend({ region: 'us-east-1' }), EU))).toEqual(['terraform.backend [Location::us-east-1]']);
    expect(runRule(RES_001, backend({ region: 'us-east-1', endpoints: { s3: 'https://s3.internal' } }), EU)).toEqual([]);
  });

  it('passes regions, their zones, and a listed multi-region (case-insensitively)', () => {
    expect(runRule(RES_001, aws('eu-west-1'), EU)).toEqual([]);
    expect(runRule(RES_001, gcs({ location: 'EUROPE-WEST4' }), EU)).toEqual([]);
    expect(runRule(RES_001, gcs({ location: 'EU' }), { allowedRegions: ['EU', 'europe-west4'] })).toEqual([]);
  });

  it('is silent without dataResidency.allowedRegions', () => {
    expect(runRule(RES_001, aws('us-east-1'), { allowedRegions: [] })).toEqual([]);
  });

  it('reports an aws provider without a region (AWS_REGION at apply) as unknown; an omitted Google location takes the provider region', () => {
    expect(addresses(runRule(RES_001, aws(undefined), EU))).toEqual(['provider.aws (unknown)']);
    expect(runRule(RES_001, gcs({}), EU)).toEqual([]);
  });

  it('follows a reference to a literal location; reports one it cannot follow as unknown', () => {
    const ring = (location: string) =>
      fixtureStack('g', { google_kms_key_ring: { r: { name: 'r', location } }, google_storage_bucket: { b: { name: 'b', location: '${google_kms_key_ring.r.location}' } } });
    expect(addresses(runRule(RES_001, ring('us-east1'), EU))).toEqual(['google_kms_key_ring.r [Location::us-east1]', 'google_storage_bucket.b [Location::us-east1]']);
    expect(runRule(RES_001, ring('europe-west4'), EU)).toEqual([]);
    expect(addresses(runRule(RES_001, gcs({ location: '${var.location}' }), EU))).toEqual(['google_storage_bucket.b (unknown)']);
  });
});

describe('LOOM-RES-002 no copies leave the jurisdiction', () => {
  const provider = { provider: { aws: [{ region: 'eu-west-1' }, { alias: 'dr', region: 'us-east-1' }, { alias: 'eu2', region: 'eu-west-1' }] } };
  const replication = (destProvider: string) =>
    fixtureStack(
      's',
      {
        aws_s3_bucket: { src: { bucket: 'src' }, dst: { bucket: 'dst', provider: destProvider } },
        aws_s3_bucket_replication_configuration: { r: { bucket: '${aws_s3_bucket.src.id}', role: 'arn:aws:iam::1:role/r', rule: [{ id: 'all', status: 'Enabled', destination: { bucket: '${aws_s3_bucket.dst.arn}' } }] } },
      },
      provider,
    );
  const secret = (replication: Record<string, unknown>) => fixtureStack('g', { google_secret_manager_secret: { s: { secret_id: 's', replication } } });

  it('fails replication, backup replicas and copies to other regions, and auto-replicated secrets', () => {
    expect(addresses(runRule(RES_002, replication('aws.dr'), EU))).toEqual(['aws_s3_bucket_replication_configuration.r [Location::us-east-1]']);
    expect(addresses(runRule(RES_002, fixtureStack('s', { aws_db_instance_automated_backups_replication: { r: { source_db_instance_arn: 'arn:aws:rds:eu-west-1:1:db:x', provider: 'aws.dr' } } }, provider), EU))).toEqual([
      'aws_db_instance_automated_backups_replication.r [Location::us-east-1]',
    ]);
    expect(
      addresses(runRule(RES_002, fixtureStack('s', { aws_backup_plan: { p: { name: 'p', rule: [{ rule_name: 'r', target_vault_name: 'v', copy_action: [{ destination_vault_arn: 'arn:aws:backup:us-west-2:1:backup-vault:dr' }] }] } } }, provider), EU)),
    ).toEqual(['aws_backup_plan.p [Location::us-west-2]']);
    expect(addresses(runRule(RES_002, fixtureStack('s', { aws_secretsmanager_secret: { s: { name: 's', replica: [{ region: 'us-east-1' }] } } }, provider), EU))).toEqual(['aws_secretsmanager_secret.s [Location::us-east-1]']);
    expect(addresses(runRule(RES_002, secret({ user_managed: { replicas: [{ location: 'europe-west4' }, { location: 'us-central1' }] } }), EU))).toEqual(['google_secret_manager_secret.s [Location::us-central1]']);
    expect(addresses(runRule(RES_002, secret({ auto: {} }), EU))).toEqual(['google_secret_manager_secret.s [AutoReplication]']);
    expect(addresses(runRule(RES_002, fixtureStack('g', { google_storage_bucket: { b: { name: 'b', location: 'EU', custom_placement_config: { data_locations: ['EUROPE-WEST4', 'US-EAST1'] } } } }), EU))).toEqual([
      'google_storage_bucket.b [Location::US-EAST1]',
    ]);
  });

  it('passes copies that stay in allowed regions', () => {
    expect(runRule(RES_002, replication('aws.eu2'), EU)).toEqual([]);
    expect(runRule(RES_002, secret({ user_managed: { replicas: [{ location: 'europe-west4' }] } }), EU)).toEqual([]);
    expect(runRule(RES_002, fixtureStack('s', { aws_ecr_replication_configuration: { r: { replication_configuration: { rule: [{ destination: [{ region: 'eu-west-1', registry_id: '1' }] }] } } } }), EU)).toEqual([]);
  });

  it('omitted: a bucket without replication, a secret without replicas, and a platform without allowedRegions find nothing', () => {
    expect(runRule(RES_002, fixtureStack('s', { aws_secretsmanager_secret: { s: { name: 's' } } }, provider), EU)).toEqual([]);
    expect(runRule(RES_002, secret({ auto: {} }), { allowedRegions: [] })).toEqual([]);
  });

  it('reports a destination it cannot place as unknown: an unresolved reference, a bucket ARN without a region', () => {
    const stack = fixtureStack('s', {
      aws_s3_bucket_replication_configuration: {
        a: { bucket: 'src', role: 'r', rule: [{ status: 'Enabled', destination: { bucket: 'arn:aws:s3:::elsewhere' } }] },
        b: { bucket: 'src', role: 'r', rule: [{ status: 'Enabled', destination: { bucket: '${aws_s3_bucket.missing.arn}' } }] },
      },
    });
    expect(addresses(runRule(RES_002, stack, EU))).toEqual(['aws_s3_bucket_replication_configuration.a (unknown)', 'aws_s3_bucket_replication_configuration.b (unknown)']);
    expect(addresses(runRule(RES_002, secret({ user_managed: { replicas: [{ location: '${var.loc}' }] } }), EU))).toEqual(['google_secret_manager_secret.s (unknown)']);
  });
});

describe('LOOM-RES-003 global or managed services the residency mode forbids are absent', () => {
  const FORBIDDEN = { managedServicesForbidden: true };
  const managed = fixtureStack('s', {
    aws_sagemaker_endpoint: { e: { endpoint_config_name: 'c' } },
    aws_msk_cluster: { k: { cluster_name: 'k' } },
    aws_db_instance: { d: { engine: 'postgres' } },
    aws_elasticache_replication_group: { c: { description: 'c' } },
    aws_s3_bucket: { b: { bucket: 'b' } },
  });

  it('fails managed services holding data under managedServices: forbidden, not the infrastructure build runs on', () => {
    expect(addresses(runRule(RES_003, managed, FORBIDDEN))).toEqual(['aws_sagemaker_endpoint.e [ManagedService::aws_sagemaker_endpoint]', 'aws_msk_cluster.k [ManagedService::aws_msk_cluster]']);
    expect(addresses(runRule(RES_003, fixtureStack('g', { google_vertex_ai_endpoint: { e: { display_name: 'e', location: 'europe-west4' } } }), FORBIDDEN))).toEqual([
      'google_vertex_ai_endpoint.e [ManagedService::google_vertex_ai_endpoint]',
    ]);
  });

  it('fails global edge services and SaaS exporters when residency is constrained', () => {
    const stack = fixtureStack('s', {
      aws_cloudfront_distribution: { cdn: { enabled: true } },
      google_compute_global_forwarding_rule: { ext: { name: 'x', target: 't' }, internal: { name: 'i', target: 't', load_balancing_scheme: 'INTERNAL_MANAGED' } },
      google_compute_backend_bucket: { bb: { name: 'bb', bucket_name: 'b', enable_cdn: true } },
      helm_release: { dd: { name: 'datadog', chart: 'datadog', repository: 'https://helm.datadoghq.com' } },
    });
    expect(addresses(runRule(RES_003, stack, EU))).toEqual([
      'aws_cloudfront_distribution.cdn [GlobalService]',
      'google_compute_global_forwarding_rule.ext [GlobalService]',
      'google_compute_backend_bucket.bb [GlobalService]',
      'helm_release.dd [SaaS::datadog]',
    ]);
  });

  it('passes managed services when allowed, and global services without any residency constraint', () => {
    expect(runRule(RES_003, managed, EU)).toEqual([]);
    expect(runRule(RES_003, fixtureStack('s', { aws_cloudfront_distribution: { cdn: { enabled: true } } }), { allowedRegions: [], managedServicesForbidden: false })).toEqual([]);
  });

  it('finds nothing on an all-build platform with managedServices: forbidden (aws and gcp), and every bought service otherwise', () => {
    for (const file of ['aws-platform.yaml', 'gcp-platform.yaml']) {
      const doc = parseYaml(readFileSync(join(__dirname, '..', '..', '..', 'examples', file), 'utf8')) as { components: Record<string, { mode: string }>; dataResidency?: Record<string, unknown> };
      for (const c of Object.values(doc.components)) c.mode = 'build';
      doc.dataResidency = { ...doc.dataResidency, managedServices: 'forbidden' };
      const spec = specFrom(doc);
      const { stacks, settings } = specStacks(spec);
      expect(runRule(RES_003, stacks, settings), file).toEqual([]);
    }
    const { stacks, settings } = exampleStacks('aws-buy-everything.yaml');
    expect([...new Set(runRule(RES_003, stacks, { ...settings, managedServicesForbidden: true }).map((f) => f.detail))]).toEqual([
      'ManagedService::aws_athena_workgroup',
      'ManagedService::aws_ecr_repository',
      'ManagedService::aws_glue_catalog_database',
      'ManagedService::aws_grafana_workspace',
      'ManagedService::aws_msk_serverless_cluster',
      'ManagedService::aws_prometheus_scraper',
      'ManagedService::aws_prometheus_workspace',
      'ManagedService::aws_sagemaker_endpoint',
      'ManagedService::aws_sagemaker_endpoint_configuration',
      'ManagedService::aws_sagemaker_mlflow_tracking_server',
      'ManagedService::aws_sagemaker_model',
    ]);
  }, 120_000);

  it('omitted: a global forwarding rule without load_balancing_scheme is EXTERNAL (the default); a backend without enable_cdn has no CDN', () => {
    expect(addresses(runRule(RES_003, fixtureStack('g', { google_compute_global_forwarding_rule: { f: { name: 'f', target: 't' } }, google_compute_backend_service: { s: { name: 's' } } }), EU))).toEqual([
      'google_compute_global_forwarding_rule.f [GlobalService]',
    ]);
  });

  it('reports a scheme or CDN flag given by reference as unknown', () => {
    const stack = fixtureStack('g', { google_compute_global_forwarding_rule: { f: { name: 'f', load_balancing_scheme: '${var.scheme}' } }, google_compute_backend_service: { s: { name: 's', enable_cdn: '${var.cdn}' } } });
    expect(addresses(runRule(RES_003, stack, EU))).toEqual(['google_compute_global_forwarding_rule.f (unknown)', 'google_compute_backend_service.s (unknown)']);
  });
});

describe('the RES rules on the examples', () => {
  /**
   * gcp-platform: the Secret Manager secrets of the Memorystore AUTH string
   * (constructs/stores/key-value/memorystore-redis.ts) and the registry CA certificate
   * (constructs/gcp/registry-ca.ts) use user-managed replication in the platform's region, so no
   * rule finds anything in any example.
   */
  const expected: Record<(typeof EXAMPLES)[number], Record<string, string[]>> = {
    'aws-platform.yaml': {},
    'aws-buy-everything.yaml': {},
    'aws-minimal.yaml': {},
    'gcp-platform.yaml': {},
    'onprem-sovereign.yaml': {},
  };
  for (const file of EXAMPLES)
    it(`finds exactly the expected in ${file}`, () => {
      const { stacks, settings } = exampleStacks(file);
      for (const rule of RES_RULES) expect(addresses(runRule(rule, stacks, settings)), `${file} ${rule.id}`).toEqual(expected[file][rule.id] ?? []);
    }, 120_000);

  it('RES-002 finds no secret on gcp-platform: the Memorystore AUTH string and the registry CA replicate in the platform\'s region', () => {
    const { stacks, settings } = exampleStacks('gcp-platform.yaml');
    expect(runRule(RES_002, stacks, settings).map((f) => ('path' in f.resource ? f.resource.path : ''))).toEqual([]);
  }, 120_000);
});
