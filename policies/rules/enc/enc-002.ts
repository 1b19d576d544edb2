/**
 * LOOM-ENC-002: node and volume encryption. Node root volumes, EBS volumes and the volumes a
 * StorageClass provisions hold images, logs, scratch data and the persistent data of in-cluster
 * stores; a snapshot or detached volume must not be readable. In `regulated` they use a
 * customer-managed key (AWS) or a CMEK (Google Cloud).
 *
 * AWS account-level default encryption (`aws_ebs_encryption_by_default`, enabled by default once
 * declared) encrypts every new volume whatever a template says; with `aws_ebs_default_kms_key` it
 * also supplies the customer key.
 */
import { kubernetesObjects } from '../../kubernetes';
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, flag, isObject, isReference, list } from '../../values';
import { cmkRequired, hasKey } from './common';

const EBS_PROVISIONERS = new Set(['ebs.csi.aws.com', 'kubernetes.io/aws-ebs']);
const PD_PROVISIONERS = new Set(['pd.csi.storage.gke.io', 'kubernetes.io/gce-pd']);

/** A boolean that may be written as a string (`"true"`), a reference, or be absent. */
function truth(v: unknown): boolean | undefined | 'unknown' {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (isReference(v)) return 'unknown';
  return String(v).toLowerCase() === 'true';
}

/** LOOM-ENC-002: launch-template and EBS volumes encrypted (or account default on), Karpenter and StorageClass volumes encrypted; CMK/CMEK in regulated. */
export const ENC_002: PolicyRule = {
  id: 'LOOM-ENC-002',
  area: 'ENC',
  title: 'Node and volume encryption',
  severity: { baseline: 'HIGH' },
  rationale: 'Node disks and persistent volumes hold images, logs, scratch data and the data of in-cluster stores; an unencrypted snapshot or detached volume is readable by whoever obtains it.',
  fix: 'Loom encrypts node root volumes (launch templates and Karpenter EC2NodeClasses set ebs.encrypted); for hand-written resources set block_device_mappings.ebs.encrypted = true (or declare aws_ebs_encryption_by_default), aws_ebs_volume.encrypted = true and StorageClass parameters.encrypted: "true". In the regulated pack (policies.packs) give a customer key: ebs.kms_key_id or aws_ebs_default_kms_key, node_config.boot_disk_kms_key on GKE, and disk-encryption-kms-key / kmsKeyId in StorageClasses.',
  anchors: ['AwsSolutions-EC26', 'CKV_AWS_3', 'CKV_AWS_8', 'CKV_AWS_106', 'CKV_AWS_189', 'AVD-AWS-0026', 'AVD-AWS-0027', 'AVD-AWS-0131', 'CIS GKE 5.9.1', 'CIS GKE 5.9.2'],
  providers: ['aws', 'google', 'kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const regulated = cmkRequired(ctx);

    // Account-level EBS default encryption (`enabled` defaults to true once the resource exists).
    let accountDefault = false;
    for (const r of ctx.resources('aws_ebs_encryption_by_default')) {
      const enabled = flag(r.values, 'enabled') ?? true;
      if (enabled === 'unknown') out.push({ resource: r, message: 'enabled is a reference, decided at apply time', unknown: true });
      else if (enabled) accountDefault = true;
    }
    const defaultCmk = accountDefault && ctx.resources('aws_ebs_default_kms_key').some((r) => hasKey(r.values.key_arn));

    /** One EBS volume's settings: `encrypted` and its key, at `where`. */
    const ebs = (resource: SynthResource, where: string, encrypted: unknown, key: unknown, detail: string) => {
      const enc = truth(encrypted);
      if (enc !== true && !accountDefault) {
        if (enc === 'unknown') out.push({ resource, message: `${where}: encrypted is a reference, decided at apply time`, unknown: true });
        else out.push({ resource, message: `${where}: encrypted is ${enc === false ? 'false' : 'absent (unencrypted, the default)'} and no aws_ebs_encryption_by_default is enabled`, detail });
        return;
      }
      if (regulated && !hasKey(key) && !defaultCmk) out.push({ resource, message: `${where}: no customer-managed KMS key (the regulated pack requires one)`, detail: `CMK::${detail}` });
    };

    for (const r of ctx.resources('aws_launch_template')) {
      const mappings = list(r.values, 'block_device_mappings').filter((m) => isObject(m) && attr(m, 'ebs') !== undefined);
      if (mappings.length === 0) {
        // The root volume then follows the AMI's snapshot: unencrypted for the EKS and Amazon Linux AMIs.
        ebs(r, 'no block_device_mappings (the root volume follows the AMI snapshot)', undefined, undefined, 'Device::root');
        continue;
      }
      for (const m of mappings) {
        const device = String(attr(m, 'device_name') ?? 'root');
        ebs(r, `block_device_mappings ${device}`, attr(m, 'ebs.encrypted'), attr(m, 'ebs.kms_key_id'), `Device::${device}`);
      }
    }
    for (const r of ctx.resources('aws_ebs_volume')) ebs(r, 'volume', r.values.encrypted, r.values.kms_key_id, 'Volume');

    // Kubernetes objects: Karpenter EC2NodeClasses (node volumes) and StorageClasses (persistent volumes).
    for (const o of kubernetesObjects(ctx)) {
      const spec = isObject(o.object.spec) ? o.object.spec : {};
      if (o.kind === 'EC2NodeClass') {
        const bdms = Array.isArray(spec.blockDeviceMappings) ? spec.blockDeviceMappings.filter(isObject) : [];
        // Karpenter's own default mappings (no blockDeviceMappings) are encrypted, without a customer key.
        if (bdms.length === 0) {
          if (regulated && !defaultCmk) out.push({ resource: o.source, message: `EC2NodeClass ${o.name}: Karpenter's default block device mappings use no customer-managed KMS key`, detail: `CMK::EC2NodeClass::${o.name}` });
          continue;
        }
        for (const b of bdms) {
          const e = isObject(b.ebs) ? b.ebs : {};
          ebs(o.source, `EC2NodeClass ${o.name} ${String(b.deviceName ?? '')}`.trim(), e.encrypted, e.kmsKeyID, `EC2NodeClass::${o.name}`);
        }
        continue;
      }
      if (o.kind !== 'StorageClass') continue;
      const provisioner = String(o.object.provisioner ?? o.object.storageProvisioner ?? '');
      const params = isObject(o.object.parameters) ? o.object.parameters : {};
      if (EBS_PROVISIONERS.has(provisioner)) ebs(o.source, `StorageClass ${o.name}`, params.encrypted, params.kmsKeyId, `StorageClass::${o.name}`);
      else if (PD_PROVISIONERS.has(provisioner) && regulated && !hasKey(params['disk-encryption-kms-key']))
        out.push({ resource: o.source, message: `StorageClass ${o.name}: no disk-encryption-kms-key (the regulated pack requires CMEK)`, detail: `CMK::StorageClass::${o.name}` });
    }

    // GKE boot disks: CMEK when required.
    if (regulated) {
      const bootDisk = (r: SynthResource, where: string, key: unknown, detail: string) => {
        if (!hasKey(key)) out.push({ resource: r, message: `${where}: no boot_disk_kms_key (the regulated pack requires CMEK)`, detail: `CMK::${detail}` });
      };
      for (const r of ctx.resources('google_container_node_pool')) bootDisk(r, 'node_config', attr(r.values, 'node_config.boot_disk_kms_key'), 'NodePool');
      for (const r of ctx.resources('google_container_cluster')) {
        const removed = flag(r.values, 'remove_default_node_pool');
        if (removed !== true && attr(r.values, 'enable_autopilot') !== true) bootDisk(r, 'node_config (default node pool)', attr(r.values, 'node_config.boot_disk_kms_key'), 'DefaultPool');
        for (const p of list(r.values, 'node_pool')) bootDisk(r, `node_pool ${String(attr(p, 'name') ?? '')}`.trim(), attr(p, 'node_config.boot_disk_kms_key'), `NodePool::${String(attr(p, 'name') ?? '')}`);
        if (flag(r.values, 'cluster_autoscaling.enabled') === true)
          bootDisk(r, 'cluster_autoscaling.auto_provisioning_defaults', attr(r.values, 'cluster_autoscaling.auto_provisioning_defaults.boot_disk_kms_key'), 'AutoProvisioning');
      }
    }
    return out;
  },
};
