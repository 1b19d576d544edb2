/**
 * LOOM-MON-002: network flows are logged. Every AWS VPC has a flow log; every Google Cloud
 * subnetwork logs its flows, and GKE clusters make pod-to-pod traffic on one node visible to them
 * (intranode visibility) — otherwise lateral movement inside a node leaves no record.
 */
import type { PolicyRule, RuleFinding } from '../../types';
import { attr, flag, isReference, text } from '../../values';

/** Subnetwork purposes that carry no VM traffic and take no flow logs (proxy-only, Private Service Connect). */
const NO_FLOW_LOG_PURPOSES = new Set(['REGIONAL_MANAGED_PROXY', 'GLOBAL_MANAGED_PROXY', 'INTERNAL_HTTPS_LOAD_BALANCER', 'PRIVATE_SERVICE_CONNECT']);

/** Flow logs: a flow log per AWS VPC, log_config on every Google subnetwork, GKE intranode visibility. */
export const MON_002: PolicyRule = {
  id: 'LOOM-MON-002',
  area: 'MON',
  title: 'Flow logs',
  severity: { baseline: 'MEDIUM', regulated: 'HIGH' },
  rationale: 'Flow logs are the only record of who talked to whom on the network: without them an exfiltration or a lateral move cannot be traced, and firewall mistakes cannot be diagnosed.',
  fix: 'Loom creates a flow log for its VPC (network.flowLogRetentionDays sets how long it is kept) and log_config on every subnetwork; on GKE set enable_intranode_visibility = true on the cluster (constructs/cluster/gke-cluster.ts).',
  anchors: ['AwsSolutions-VPC7', 'HIPAA.Security-VPCFlowLogsEnabled', 'NIST.800.53.R5-VPCFlowLogsEnabled', 'PCI.DSS.321-VPCFlowLogsEnabled', 'CKV2_AWS_11', 'AVD-AWS-0178', 'CKV_GCP_26', 'CKV_GCP_61', 'AVD-GCP-0029', 'AVD-GCP-0076', 'CIS GKE 5.6.1'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    // Which VPCs have a flow log (followed across stacks); flow logs whose VPC cannot be told.
    const logged = new Set<unknown>();
    let unresolvedFlowLogs = false;
    for (const f of ctx.resources('aws_flow_log')) {
      const vpcId = attr(f.values, 'vpc_id');
      if (vpcId === undefined) continue;
      const vpc = ctx.resolve(f, vpcId);
      if (vpc) logged.add(vpc);
      else if (isReference(vpcId)) unresolvedFlowLogs = true;
    }
    for (const vpc of ctx.resources('aws_vpc')) {
      if (logged.has(vpc)) continue;
      if (unresolvedFlowLogs) out.push({ resource: vpc, message: 'no aws_flow_log names this VPC, and some flow log names a VPC by a reference that cannot be followed', unknown: true });
      else out.push({ resource: vpc, message: 'no aws_flow_log records the traffic of this VPC', detail: 'VpcFlowLog' });
    }
    for (const s of ctx.resources('google_compute_subnetwork')) {
      const purpose = text(s.values, 'purpose');
      if (typeof purpose === 'string' && NO_FLOW_LOG_PURPOSES.has(purpose)) continue;
      const logConfig = attr(s.values, 'log_config');
      // Provider default: no log_config, no flow logs. An explicit enable = false turns them off.
      if (logConfig === undefined || logConfig === null || (Array.isArray(logConfig) && logConfig.length === 0)) out.push({ resource: s, message: 'the subnetwork has no log_config: its flows are not logged', detail: 'SubnetworkFlowLogs' });
      else if (flag(s.values, 'log_config.enable') === 'unknown') out.push({ resource: s, message: 'log_config.enable is a reference, decided at apply time', unknown: true });
      else if (flag(s.values, 'log_config.enable') === false) out.push({ resource: s, message: 'log_config.enable is false: its flows are not logged', detail: 'SubnetworkFlowLogs' });
    }
    for (const c of ctx.resources('google_container_cluster')) {
      // Provider default: intranode visibility off.
      const visible = flag(c.values, 'enable_intranode_visibility');
      if (visible === 'unknown') out.push({ resource: c, message: 'enable_intranode_visibility is a reference, decided at apply time', unknown: true });
      else if (visible !== true) out.push({ resource: c, message: `enable_intranode_visibility is ${visible === undefined ? 'omitted (off by default on Standard clusters)' : 'false'}: traffic between pods on one node bypasses the VPC's flow logs`, detail: 'IntranodeVisibility' });
    }
    return out;
  },
};
