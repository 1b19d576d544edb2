/**
 * LOOM-IAM-006: cluster authentication is modern. Legacy mechanisms (ABAC, client certificates,
 * the aws-auth ConfigMap) cannot be audited or revoked per identity.
 *
 * aws: `aws_eks_cluster.access_config.authentication_mode` is `API` or `API_AND_CONFIG_MAP`
 * (`[AuthenticationMode]`; omitted, EKS creates the cluster in `CONFIG_MAP` mode — the API's
 * default, which the provider does not override); no `aws_eks_access_entry` maps a principal to
 * `system:masters` (`[SystemMasters]`); the `aws-auth` ConfigMap of `kube-system` is not managed
 * by Terraform (`[AwsAuth]`: access entries replace it).
 * google: `enable_legacy_abac` is not true (`[LegacyAbac]`; default false);
 * `master_auth.client_certificate_config.issue_client_certificate` is not true
 * (`[ClientCertificate]`; default false); `authenticator_groups_config.security_group`, where set,
 * is a `gke-security-groups@<domain>` group (`[SecurityGroup]`).
 */
import { kubernetesObjects } from '../../kubernetes';
import type { PolicyRule, RuleFinding } from '../../types';
import { attr, flag, isReference, list, text } from '../../values';

/** LOOM-IAM-006: cluster authentication is modern (see the module comment). */
export const IAM_006: PolicyRule = {
  id: 'LOOM-IAM-006',
  area: 'IAM',
  title: 'Cluster authentication is modern',
  severity: { baseline: 'HIGH' },
  rationale: 'ABAC, client certificates and the aws-auth ConfigMap grant access that cannot be audited or revoked per identity; a principal mapped to system:masters bypasses RBAC entirely.',
  fix: 'EKS: access_config.authentication_mode API (Loom sets it) with aws_eks_access_entry + access policies, never system:masters or the aws-auth ConfigMap. GKE: keep legacy ABAC and client certificates off; use Google Groups for RBAC (gke-security-groups@<domain>).',
  anchors: ['CKV_GCP_7', 'CKV_GCP_13', 'CKV_GCP_65', 'AVD-GCP-0062', 'AVD-GCP-0064', 'CIS GKE 5.8.1', 'CIS GKE 5.8.2', 'CIS GKE 5.8.3', 'CIS EKS 5.5.1', 'AVD-KSV-0115'],
  providers: ['aws', 'google', 'kubernetes'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const r of ctx.resources('aws_eks_cluster')) {
      const mode = text(r.values, 'access_config.authentication_mode');
      if (mode === 'unknown') out.push({ resource: r, message: 'access_config.authentication_mode is decided at apply time', unknown: true });
      else if (mode !== 'API' && mode !== 'API_AND_CONFIG_MAP')
        out.push({ resource: r, message: `access_config.authentication_mode is ${mode ?? 'not set (EKS creates the cluster in CONFIG_MAP mode)'}: access is granted through the aws-auth ConfigMap`, detail: 'AuthenticationMode' });
    }
    for (const r of ctx.resources('aws_eks_access_entry')) {
      const groups = list(r.values, 'kubernetes_groups');
      if (groups.some((g) => g === 'system:masters')) out.push({ resource: r, message: 'the access entry maps its principal to system:masters, which RBAC cannot restrict', detail: 'SystemMasters' });
      else if (groups.some(isReference) || isReference(r.values.kubernetes_groups)) out.push({ resource: r, message: 'kubernetes_groups is decided at apply time', unknown: true });
    }
    for (const o of kubernetesObjects(ctx))
      if (o.kind === 'ConfigMap' && o.name === 'aws-auth' && (o.namespace === 'kube-system' || o.namespace === undefined))
        out.push({ resource: o.source, message: 'manages the aws-auth ConfigMap: grant access with aws_eks_access_entry instead', detail: 'AwsAuth' });
    for (const r of ctx.resources('kubernetes_config_map_v1_data')) if (attr(r.values, 'metadata.name') === 'aws-auth') out.push({ resource: r, message: 'manages the aws-auth ConfigMap: grant access with aws_eks_access_entry instead', detail: 'AwsAuth' });
    for (const r of ctx.resources('google_container_cluster')) {
      const abac = flag(r.values, 'enable_legacy_abac');
      const cert = flag(r.values, 'master_auth.client_certificate_config.issue_client_certificate');
      if (abac === 'unknown' || cert === 'unknown') out.push({ resource: r, message: 'enable_legacy_abac or issue_client_certificate is decided at apply time', unknown: true });
      if (abac === true) out.push({ resource: r, message: 'enable_legacy_abac is true: ABAC grants bypass RBAC', detail: 'LegacyAbac' });
      if (cert === true) out.push({ resource: r, message: 'master_auth issues a client certificate: a credential that cannot be revoked', detail: 'ClientCertificate' });
      const group = text(r.values, 'authenticator_groups_config.security_group');
      if (group === 'unknown') out.push({ resource: r, message: 'authenticator_groups_config.security_group is decided at apply time', unknown: true });
      else if (group !== undefined && !/^gke-security-groups@[^@\s]+$/.test(group))
        out.push({ resource: r, message: `authenticator_groups_config.security_group ${group} is not a gke-security-groups@<domain> group: Google Groups for RBAC will not work`, detail: 'SecurityGroup' });
    }
    return out;
  },
};
