/**
 * LOOM-ING-006: ML notebooks and endpoints are private. SageMaker notebooks run in a subnet
 * without direct internet access or root; SageMaker models are network-isolated; Vertex AI
 * Workbench instances have no public IP; Vertex endpoints and index endpoints are private (a peered
 * network or Private Service Connect).
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, flag, isReference, text } from '../../values';

/** LOOM-ING-006: ML notebooks and endpoints are private. What it reads and why: see the module comment. */
export const ING_006: PolicyRule = {
  id: 'LOOM-ING-006',
  area: 'ING',
  title: 'ML notebooks and endpoints are private',
  severity: { baseline: 'HIGH' },
  rationale: 'Notebooks hold credentials and data, model containers run third-party code: with internet access or a public IP either becomes an exfiltration path or an entry point.',
  fix: 'For SageMaker serving (components.serving on aws, mode: managed) set enable_network_isolation on the model (the model then reads features only through its inputs) and a vpc_config; notebooks: direct_internet_access=Disabled, root_access=Disabled, subnet_id. On Google Cloud: Workbench disable_public_ip, endpoints with network or Private Service Connect.',
  anchors: ['AwsSolutions-SM1', 'AwsSolutions-SM3', 'HIPAA.Security-SageMakerNotebookNoDirectInternetAccess', 'CKV_AWS_122', 'CKV_AWS_306', 'CKV_AWS_307', 'CKV_AWS_370', 'CKV_GCP_89', 'CKV2_GCP_28', 'CKV2_GCP_33', 'CKV2_GCP_34', 'CKV2_GCP_36'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    /** A string setting that must equal `want`, with the provider's default. */
    const expect = (r: SynthResource, path: string, want: string, dflt: string, detail: string) => {
      const v = text(r.values, path) ?? dflt;
      if (v === 'unknown') out.push({ resource: r, message: `${path} is a reference, decided at apply time`, unknown: true });
      else if (v !== want) out.push({ resource: r, message: `${path} is ${v}${text(r.values, path) === undefined ? ' (the default)' : ''}, not ${want}`, detail });
    };
    for (const r of ctx.resources('aws_sagemaker_notebook_instance')) {
      expect(r, 'direct_internet_access', 'Disabled', 'Enabled', 'DirectInternetAccess');
      expect(r, 'root_access', 'Disabled', 'Enabled', 'RootAccess');
      if (r.values.subnet_id === undefined) out.push({ resource: r, message: 'no subnet_id: the notebook is not in the platform\'s VPC', detail: 'Subnet' });
    }
    for (const r of ctx.resources('aws_sagemaker_model')) {
      const iso = flag(r.values, 'enable_network_isolation');
      if (iso === 'unknown') out.push({ resource: r, message: 'enable_network_isolation is a reference, decided at apply time', unknown: true });
      else if (iso !== true) out.push({ resource: r, message: `enable_network_isolation is ${iso === undefined ? 'not set (default false)' : 'false'}: the model container can reach the internet`, detail: 'NetworkIsolation' });
    }
    for (const r of ctx.resources('aws_sagemaker_domain')) expect(r, 'app_network_access_type', 'VpcOnly', 'PublicInternetOnly', 'VpcOnly');

    for (const r of ctx.resources('google_workbench_instance')) {
      const pub = flag(r.values, 'gce_setup.disable_public_ip');
      if (pub === 'unknown') out.push({ resource: r, message: 'gce_setup.disable_public_ip is a reference, decided at apply time', unknown: true });
      else if (pub !== true) out.push({ resource: r, message: 'gce_setup.disable_public_ip is not true (default false): the instance has a public IP', detail: 'PublicIp' });
      if (attr(r.values, 'gce_setup.network_interfaces.network') === undefined) out.push({ resource: r, message: 'no gce_setup.network_interfaces network: the instance is not on the platform\'s network', detail: 'Network' });
    }
    for (const r of ctx.resources('google_notebooks_instance')) {
      const pub = flag(r.values, 'no_public_ip');
      if (pub === 'unknown') out.push({ resource: r, message: 'no_public_ip is a reference, decided at apply time', unknown: true });
      else if (pub !== true) out.push({ resource: r, message: 'no_public_ip is not true (default false): the instance has a public IP', detail: 'PublicIp' });
      if (r.values.network === undefined) out.push({ resource: r, message: 'no network: the instance is not on the platform\'s network', detail: 'Network' });
    }
    for (const r of ctx.resources('google_vertex_ai_endpoint')) {
      const psc = flag(r.values, 'private_service_connect_config.enable_private_service_connect');
      if (psc === 'unknown' || isReference(r.values.network)) out.push({ resource: r, message: 'network or Private Service Connect is a reference, decided at apply time', unknown: true });
      else if (r.values.network === undefined && psc !== true) out.push({ resource: r, message: 'a public endpoint: neither network (peering) nor Private Service Connect is set', detail: 'Private' });
    }
    for (const r of ctx.resources('google_vertex_ai_index_endpoint')) {
      const psc = flag(r.values, 'private_service_connect_config.enable_private_service_connect');
      const pub = flag(r.values, 'public_endpoint_enabled');
      if (psc === 'unknown' || pub === 'unknown' || isReference(r.values.network)) out.push({ resource: r, message: 'the endpoint\'s privacy settings are references, decided at apply time', unknown: true });
      else if (pub === true || (r.values.network === undefined && psc !== true)) out.push({ resource: r, message: 'a public index endpoint: set network or Private Service Connect, and public_endpoint_enabled=false', detail: 'Private' });
    }
    return out;
  },
};
