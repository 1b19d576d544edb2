/**
 * LOOM-ING-003: no open SSH to nodes. An EKS node group's `remote_access` without source security
 * groups opens port 22 to 0.0.0.0/0; on Google Cloud, project-wide SSH keys, instances opting out of
 * OS Login and enabled serial ports are ways onto a node that bypass IAM.
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, isObject, isReference, list } from '../../values';

/** Metadata keys, as Compute Engine reads them (values are strings; `TRUE`, `1` count too). */
const truthy = (v: unknown): boolean | 'unknown' | undefined => {
  if (v === undefined || v === null) return undefined;
  if (isReference(v)) return 'unknown';
  return ['true', '1', 'yes', 'y'].includes(String(v).toLowerCase());
};

/** LOOM-ING-003: No open SSH to nodes. What it reads and why: see the module comment. */
export const ING_003: PolicyRule = {
  id: 'LOOM-ING-003',
  area: 'ING',
  title: 'No open SSH to nodes',
  severity: { baseline: 'HIGH' },
  rationale: 'SSH to nodes from anywhere exposes the kubelet\'s host to brute force and key theft; project-wide keys and serial consoles give access that IAM and audit logs do not govern.',
  fix: 'Leave remote access out of node groups (Loom never sets it; nodes are reached through SSM). On Google Cloud set metadata block-project-ssh-keys=true, keep enable-oslogin on (or unset where the project enables it) and serial-port-enable off.',
  anchors: ['CKV_AWS_100', 'CKV_GCP_32', 'CKV_GCP_33', 'CKV_GCP_34', 'CKV_GCP_35', 'AVD-GCP-0030', 'AVD-GCP-0036', 'AVD-GCP-0042', 'AVD-GCP-0032'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const ng of ctx.resources('aws_eks_node_group')) {
      const remote = attr(ng.values, 'remote_access');
      if (remote === undefined || remote === null || (Array.isArray(remote) && remote.length === 0)) continue;
      const sources = list(ng.values, 'remote_access.source_security_group_ids');
      if (sources.length === 0) out.push({ resource: ng, message: 'remote_access has no source_security_group_ids: SSH (22) is open to 0.0.0.0/0', detail: 'RemoteAccess' });
    }

    const metadataChecks = (r: SynthResource, metadata: unknown, where: string, instance: boolean) => {
      const md = isObject(metadata) ? metadata : {};
      if (isReference(metadata)) {
        out.push({ resource: r, message: `${where} is a reference, decided at apply time`, unknown: true });
        return;
      }
      const serial = truthy(md['serial-port-enable']);
      if (serial === 'unknown') out.push({ resource: r, message: `${where}.serial-port-enable is a reference`, unknown: true });
      else if (serial === true) out.push({ resource: r, message: `${where} enables the serial port console`, detail: 'SerialPort' });
      const osLogin = truthy(md['enable-oslogin']);
      if (osLogin === 'unknown') out.push({ resource: r, message: `${where}.enable-oslogin is a reference`, unknown: true });
      else if (osLogin === false) out.push({ resource: r, message: `${where} turns OS Login off`, detail: 'OsLogin' });
      if (instance) {
        const block = truthy(md['block-project-ssh-keys']);
        if (block === 'unknown') out.push({ resource: r, message: `${where}.block-project-ssh-keys is a reference`, unknown: true });
        else if (block !== true) out.push({ resource: r, message: `${where}.block-project-ssh-keys is not true: project-wide SSH keys open the instance (default: allowed)`, detail: 'ProjectSshKeys' });
      }
    };
    for (const r of ctx.resources('google_compute_instance', 'google_compute_instance_template', 'google_compute_region_instance_template')) metadataChecks(r, r.values.metadata, 'metadata', true);
    for (const r of ctx.resources('google_compute_project_metadata')) metadataChecks(r, r.values.metadata, 'metadata', false);
    for (const r of ctx.resources('google_compute_project_metadata_item')) {
      const key = r.values.key;
      const v = truthy(r.values.value);
      if (v === 'unknown') out.push({ resource: r, message: 'value is a reference, decided at apply time', unknown: true });
      else if (key === 'enable-oslogin' && v === false) out.push({ resource: r, message: 'project metadata turns OS Login off', detail: 'OsLogin' });
      else if (key === 'serial-port-enable' && v === true) out.push({ resource: r, message: 'project metadata enables serial ports', detail: 'SerialPort' });
    }
    // GKE nodes: block-project-ssh-keys is not settable there, but the node metadata must not open the serial port or opt out of OS Login.
    for (const r of ctx.resources('google_container_node_pool')) metadataChecks(r, attr(r.values, 'node_config.metadata'), 'node_config.metadata', false);
    for (const r of ctx.resources('google_container_cluster')) {
      if (attr(r.values, 'node_config') !== undefined) metadataChecks(r, attr(r.values, 'node_config.metadata'), 'node_config.metadata', false);
    }
    return out;
  },
};
