/**
 * LOOM-ENC-008: ML services and registries use customer-managed keys. Endpoints, notebooks,
 * Vertex AI datasets and stores, and image registries hold models, training data and images; with a
 * customer key the platform can audit every use and revoke access. A MEDIUM warning in baseline, an
 * error in `regulated`.
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, list, text } from '../../values';
import { hasKey } from './common';

/** Vertex AI resources whose data is encrypted with `encryption_spec.kms_key_name`. */
const VERTEX_TYPES = ['google_vertex_ai_dataset', 'google_vertex_ai_featurestore', 'google_vertex_ai_endpoint', 'google_vertex_ai_metadata_store', 'google_vertex_ai_tensorboard'];

/** LOOM-ENC-008: SageMaker endpoint configurations, notebooks and domains, ECR repositories, Vertex AI resources, Workbench instances and Artifact Registry repositories name a customer key. */
export const ENC_008: PolicyRule = {
  id: 'LOOM-ENC-008',
  area: 'ENC',
  title: 'ML services and registries use CMK where the spec requires it',
  severity: { baseline: 'MEDIUM', regulated: 'HIGH' },
  rationale: 'Model artifacts, training data and images under a provider-managed key cannot be audited, restricted or revoked by the platform; regulated platforms must hold the keys.',
  fix: "Loom gives SageMaker endpoints (serving buy-aws) and ECR repositories (registry buy-aws) a customer KMS key; for other resources set kms_key_arn / kms_key_id, encryption_configuration { encryption_type = \"KMS\", kms_key }, encryption_spec.kms_key_name on Vertex AI resources, gce_setup.boot_disk { disk_encryption = \"CMEK\", kms_key } on Workbench, and kms_key_name on Artifact Registry repositories. Required (an error) in the regulated pack (policies.packs).",
  anchors: ['AwsSolutions-SM2', 'HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured', 'HIPAA.Security-SageMakerNotebookInstanceKMSKeyConfigured', 'CKV_AWS_98', 'CKV_AWS_22', 'CKV_AWS_187', 'CKV_AWS_136', 'AVD-AWS-0033', 'CKV_GCP_92', 'CKV_GCP_96', 'CKV_GCP_84', 'CKV2_GCP_21', 'CKV2_GCP_24', 'CKV2_GCP_25', 'CKV2_GCP_26', 'CKV2_GCP_27'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const key = (r: SynthResource, path: string, what: string) => {
      if (!hasKey(attr(r.values, path))) out.push({ resource: r, message: `no ${path}: ${what} use a provider-managed key`, detail: 'CMK' });
    };
    for (const r of ctx.resources('aws_sagemaker_endpoint_configuration')) key(r, 'kms_key_arn', 'the endpoint storage volumes');
    for (const r of ctx.resources('aws_sagemaker_notebook_instance')) key(r, 'kms_key_id', 'the notebook storage volume');
    for (const r of ctx.resources('aws_sagemaker_domain')) key(r, 'kms_key_id', 'the domain EFS volume');
    for (const r of ctx.resources('aws_ecr_repository')) {
      // encryption_type defaults to AES256 (an ECR-managed key); KMS without kms_key uses the AWS-managed aws/ecr key.
      const type = text(r.values, 'encryption_configuration.encryption_type') ?? 'AES256';
      if (type === 'unknown') out.push({ resource: r, message: 'encryption_configuration.encryption_type is a reference, decided at apply time', unknown: true });
      else if (!type.startsWith('KMS')) out.push({ resource: r, message: `encryption_configuration.encryption_type is ${type}${r.values.encryption_configuration === undefined ? ' (the default)' : ''}: images use an ECR-managed key`, detail: 'CMK' });
      else key(r, 'encryption_configuration.kms_key', 'images (KMS without a key: the AWS-managed aws/ecr key)');
    }
    for (const r of ctx.resources(...VERTEX_TYPES)) key(r, 'encryption_spec.kms_key_name', 'its data');
    for (const r of ctx.resources('google_workbench_instance')) {
      const disks = [{ path: 'gce_setup.boot_disk', disk: attr(r.values, 'gce_setup.boot_disk') }, ...list(r.values, 'gce_setup.data_disks').map((disk, i) => ({ path: `gce_setup.data_disks.${i}`, disk }))];
      for (const { path, disk } of disks) {
        const mode = text(disk, 'disk_encryption');
        if (mode === 'unknown') out.push({ resource: r, message: `${path}.disk_encryption is a reference, decided at apply time`, unknown: true });
        else if (mode !== 'CMEK' || !hasKey(attr(disk, 'kms_key'))) out.push({ resource: r, message: `${path}: disk_encryption is ${mode ?? 'absent (GMEK, the default)'}${mode === 'CMEK' ? ' without kms_key' : ''}`, detail: 'CMK' });
      }
    }
    for (const r of ctx.resources('google_notebooks_instance')) {
      const mode = text(r.values, 'disk_encryption');
      if (mode === 'unknown') out.push({ resource: r, message: 'disk_encryption is a reference, decided at apply time', unknown: true });
      else if (mode !== 'CMEK' || !hasKey(r.values.kms_key)) out.push({ resource: r, message: `disk_encryption is ${mode ?? 'absent (GMEK, the default)'}${mode === 'CMEK' ? ' without kms_key' : ''}`, detail: 'CMK' });
    }
    for (const r of ctx.resources('google_artifact_registry_repository')) key(r, 'kms_key_name', 'the repository contents');
    return out;
  },
};
