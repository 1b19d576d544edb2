/**
 * LOOM-BAK-005: stateful and critical resources are protected from deletion.
 *
 * - RDS instances and clusters: `deletion_protection = true` (omitted: false).
 * - Cloud SQL: `deletion_protection` (Terraform's guard; omitted: true) not false.
 * - GKE clusters: `deletion_protection` (omitted: true) not false, in prod.
 * - KMS keys (`aws_kms_key`, `google_kms_crypto_key`): `lifecycle.prevent_destroy = true` — a
 *   destroyed key makes everything encrypted with it unreadable; AWS's deletion window and Cloud
 *   KMS's scheduled destruction only delay that.
 * - Load balancers (`aws_lb`, `aws_alb`): `enable_deletion_protection` (omitted: false), in prod.
 * - BigQuery: tables' `deletion_protection` (omitted: true) not false; datasets without
 *   `delete_contents_on_destroy = true`.
 * - DynamoDB tables: `deletion_protection_enabled` (omitted: false).
 * - Buckets (`aws_s3_bucket`, `google_storage_bucket`): not `force_destroy = true`, which lets
 *   Terraform delete every object with the bucket.
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { flag } from '../../values';
import { isProd } from './common';

/** LOOM-BAK-005 (MEDIUM; HIGH in the prod pack). */
export const BAK_005: PolicyRule = {
  id: 'LOOM-BAK-005',
  area: 'BAK',
  title: 'Stateful and critical resources are protected from deletion',
  severity: { baseline: 'MEDIUM', prod: 'HIGH' },
  rationale:
    'One mistaken destroy, a renamed construct that Terraform replaces, or a refactor moved to another stack deletes a database, a cluster or a key — and with a key, everything encrypted under it. Deletion protection turns that into an error to read instead of an outage to recover from.',
  fix: "Loom's prod profile protects its databases and clusters (catalog/databases.ts deletionProtection); for KMS keys add lifecycle { preventDestroy: true } on the key construct; for resources written in TypeScript set deletion_protection / enable_deletion_protection / deletion_protection_enabled, and do not set force_destroy or delete_contents_on_destroy.",
  anchors: [
    'AwsSolutions-RDS10',
    'HIPAA.Security-RDSInstanceDeletionProtectionEnabled',
    'HIPAA.Security-ELBDeletionProtectionEnabled',
    'CKV_AWS_139',
    'CKV_AWS_293',
    'CKV_AWS_150',
    'AVD-AWS-0177',
    'AVD-AWS-0343',
    'CKV_GCP_82',
    'CKV_GCP_121',
  ],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const prod = isProd(ctx.settings);
    /** A protection flag that must be true (`fallback`: the provider's default when omitted). */
    const mustBe = (r: SynthResource, path: string, want: boolean, fallback: boolean, message: string, detail: string) => {
      const v = flag(r.values, path) ?? fallback;
      if (v === 'unknown') out.push({ resource: r, message: `${path} is a reference, decided at apply time`, unknown: true });
      else if (v !== want) out.push({ resource: r, message, detail });
    };

    for (const r of ctx.resources('aws_db_instance', 'aws_rds_cluster')) mustBe(r, 'deletion_protection', true, false, 'deletion_protection is not true: a destroy or a replacement deletes the database', 'DeletionProtection');
    for (const r of ctx.resources('google_sql_database_instance')) mustBe(r, 'deletion_protection', true, true, 'deletion_protection is false: Terraform may delete the instance', 'DeletionProtection');
    if (prod) {
      for (const r of ctx.resources('google_container_cluster')) mustBe(r, 'deletion_protection', true, true, 'deletion_protection is false in prod: Terraform may delete the cluster', 'DeletionProtection');
      for (const r of ctx.resources('aws_lb', 'aws_alb')) mustBe(r, 'enable_deletion_protection', true, false, 'enable_deletion_protection is not true in prod', 'DeletionProtection');
    }
    for (const r of ctx.resources('aws_kms_key', 'google_kms_crypto_key'))
      mustBe(r, 'lifecycle.prevent_destroy', true, false, 'lifecycle.prevent_destroy is not true: a destroy schedules the key for deletion, and every object encrypted with it becomes unreadable once it is gone', 'PreventDestroy');
    for (const r of ctx.resources('google_bigquery_table')) mustBe(r, 'deletion_protection', true, true, 'deletion_protection is false: Terraform may delete the table and its data', 'DeletionProtection');
    for (const r of ctx.resources('google_bigquery_dataset')) mustBe(r, 'delete_contents_on_destroy', false, false, 'delete_contents_on_destroy is true: a destroy deletes every table in the dataset', 'ForceDestroy');
    for (const r of ctx.resources('aws_dynamodb_table')) mustBe(r, 'deletion_protection_enabled', true, false, 'deletion_protection_enabled is not true: a destroy deletes the table', 'DeletionProtection');
    for (const r of ctx.resources('aws_s3_bucket', 'google_storage_bucket')) mustBe(r, 'force_destroy', false, false, 'force_destroy is true: a destroy deletes every object with the bucket', 'ForceDestroy');
    return out;
  },
};
