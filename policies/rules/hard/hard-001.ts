/**
 * LOOM-HARD-001: hardened, verified node images. EKS nodes run AL2023 or Bottlerocket (a custom
 * AMI needs an exception with a reason); GKE nodes run Container-Optimized OS on shielded VMs with
 * secure boot and integrity monitoring; Vertex AI Workbench instances are shielded too.
 */
import { kubernetesObjects } from '../../kubernetes';
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, flag, isReference, list, text } from '../../values';

const HARDENED_AMI = /^(AL2023_|BOTTLEROCKET_)/;
const HARDENED_ALIAS = /^(al2023|bottlerocket)@/;

/** The minor of a Kubernetes version string (`1.31` → 31), if it is one. */
const minor = (v: string): number | undefined => {
  const m = /^1\.(\d+)/.exec(v);
  return m ? Number(m[1]) : undefined;
};

/** Node images: AL2023 or Bottlerocket on EKS, shielded COS on GKE. */
export const HARD_001: PolicyRule = {
  id: 'LOOM-HARD-001',
  area: 'HARD',
  title: 'Hardened, verified node images',
  severity: { baseline: 'MEDIUM' },
  rationale: 'Minimal, vendor-maintained node images (AL2023, Bottlerocket, COS) get security patches and have a small attack surface; secure boot and integrity monitoring detect tampered boot chains. A custom image is only as good as whoever builds it.',
  fix: 'Loom picks the AMI type per pool (AL2023, NVIDIA for gpu pools) and COS_CONTAINERD with shielded nodes on GKE; for hand-written resources set ami_type AL2023_*/BOTTLEROCKET_*, Karpenter amiSelectorTerms alias al2023@/bottlerocket@, node_config.image_type = "COS_CONTAINERD" and shielded_instance_config { enable_secure_boot = true, enable_integrity_monitoring = true }. A custom AMI needs an exception with a reason (policies.suppressions).',
  anchors: ['CKV_GCP_22', 'CKV_GCP_71', 'CKV_GCP_68', 'CKV_GCP_72', 'CKV_GCP_126', 'AVD-GCP-0054', 'AVD-GCP-0055', 'CIS GKE 5.5.1', 'CIS GKE 5.5.5', 'CIS GKE 5.5.6', 'CIS GKE 5.5.7', 'CIS EKS 3.3.1', 'AwsSolutions-CB5'],
  providers: ['aws', 'google', 'kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const g of ctx.resources('aws_eks_node_group')) {
      const ami = text(g.values, 'ami_type');
      const template = ctx.resolve(g, attr(g.values, 'launch_template.id') ?? attr(g.values, 'launch_template.name'));
      const imageId = template ? attr(template.values, 'image_id') : undefined;
      if (ami === 'unknown') {
        out.push({ resource: g, message: 'ami_type is a reference, decided at apply time', unknown: true });
      } else if (ami === 'CUSTOM' || (ami === undefined && imageId !== undefined)) {
        out.push({ resource: g, message: `custom AMI${imageId !== undefined ? ` (${String(imageId)}, from the launch template)` : ''}: needs an exception with a reason`, detail: 'CustomAmi' });
      } else if (ami !== undefined) {
        if (!HARDENED_AMI.test(ami)) out.push({ resource: g, message: `ami_type ${ami} is not AL2023 or Bottlerocket`, detail: 'AmiType' });
      } else {
        // Omitted: EKS defaults to AL2023 from Kubernetes 1.30 (earlier, Amazon Linux 2).
        const cluster = ctx.resolve(g, g.values.cluster_name);
        const version = cluster ? text(cluster.values, 'version') : 'unknown';
        if (version === 'unknown') out.push({ resource: g, message: 'ami_type is not set and the cluster\'s version cannot be read: the default AMI is unknown', unknown: true });
        else if (version !== undefined && (minor(version) ?? 99) < 30) out.push({ resource: g, message: `ami_type is not set: on Kubernetes ${version} EKS defaults to Amazon Linux 2`, detail: 'AmiType' });
      }
    }
    for (const o of kubernetesObjects(ctx)) {
      if (o.kind !== 'EC2NodeClass') continue;
      const terms = list(o.object, 'spec.amiSelectorTerms');
      const family = attr(o.object, 'spec.amiFamily');
      const hardened = terms.length > 0 ? terms.every((t) => typeof attr(t, 'alias') === 'string' && HARDENED_ALIAS.test(String(attr(t, 'alias')))) : typeof family === 'string' && /^(AL2023|Bottlerocket)$/.test(family);
      if (terms.some((t) => isReference(attr(t, 'alias')) || isReference(attr(t, 'id')))) out.push({ resource: o.source, message: `EC2NodeClass ${o.name}: amiSelectorTerms are references, decided at apply time`, unknown: true, detail: `EC2NodeClass/${o.name}` });
      else if (!hardened) out.push({ resource: o.source, message: `EC2NodeClass ${o.name} selects a custom or non-hardened AMI (not an al2023@/bottlerocket@ alias): needs an exception with a reason`, detail: `EC2NodeClass/${o.name}::CustomAmi` });
    }
    // GKE: shielded nodes default to on; image_type defaults to COS_CONTAINERD; secure boot defaults to off, integrity monitoring to on.
    for (const c of ctx.resources('google_container_cluster')) {
      const shielded = flag(c.values, 'enable_shielded_nodes');
      if (shielded === 'unknown') out.push({ resource: c, message: 'enable_shielded_nodes is a reference, decided at apply time', unknown: true, detail: 'ShieldedNodes' });
      else if (shielded === false) out.push({ resource: c, message: 'enable_shielded_nodes is false', detail: 'ShieldedNodes' });
    }
    const nodeConfig = (r: SynthResource) => {
      const image = text(r.values, 'node_config.image_type');
      const secureBoot = flag(r.values, 'node_config.shielded_instance_config.enable_secure_boot');
      const integrity = flag(r.values, 'node_config.shielded_instance_config.enable_integrity_monitoring');
      if (image === 'unknown' || secureBoot === 'unknown' || integrity === 'unknown') {
        out.push({ resource: r, message: 'node_config image or shielded settings are references, decided at apply time', unknown: true });
        return;
      }
      if (image !== undefined && image.toUpperCase() !== 'COS_CONTAINERD') out.push({ resource: r, message: `node_config.image_type is ${image}, not COS_CONTAINERD`, detail: 'ImageType' });
      if (secureBoot !== true) out.push({ resource: r, message: `node_config.shielded_instance_config.enable_secure_boot is ${secureBoot === false ? 'false' : 'not set (the default, false)'}`, detail: 'SecureBoot' });
      if (integrity === false) out.push({ resource: r, message: 'node_config.shielded_instance_config.enable_integrity_monitoring is false', detail: 'IntegrityMonitoring' });
    };
    for (const c of ctx.resources('google_container_cluster')) {
      const removed = flag(c.values, 'remove_default_node_pool');
      const autopilot = flag(c.values, 'enable_autopilot');
      if (removed === true || autopilot === true) continue;
      nodeConfig(c);
    }
    for (const p of ctx.resources('google_container_node_pool')) nodeConfig(p);
    // Vertex AI Workbench: secure boot defaults to off.
    const shieldedVm = (r: SynthResource, path: string) => {
      const cfg = attr(r.values, path);
      const secureBoot = flag(cfg, 'enable_secure_boot');
      const integrity = flag(cfg, 'enable_integrity_monitoring');
      const vtpm = flag(cfg, 'enable_vtpm');
      if ([secureBoot, integrity, vtpm].includes('unknown')) out.push({ resource: r, message: `${path} is set by a reference, decided at apply time`, unknown: true });
      else if (secureBoot !== true || integrity === false || vtpm === false) out.push({ resource: r, message: `the notebook VM is not fully shielded (${path}: secure boot ${String(secureBoot ?? 'default off')}, integrity monitoring ${String(integrity ?? 'default on')}, vTPM ${String(vtpm ?? 'default on')})`, detail: 'ShieldedNotebook' });
    };
    for (const r of ctx.resources('google_workbench_instance')) shieldedVm(r, 'gce_setup.shielded_instance_config');
    for (const r of ctx.resources('google_notebooks_instance')) shieldedVm(r, 'shielded_instance_config');
    return out;
  },
};
