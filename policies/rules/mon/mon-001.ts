/**
 * LOOM-MON-001: the control plane logs what it does. EKS sends its API, audit, authenticator,
 * controller-manager and scheduler logs to CloudWatch; GKE sends system, workload and API server
 * logs to Cloud Logging and keeps Cloud Monitoring on. Without them an incident has no trail.
 */
import type { PolicyRule, RuleFinding } from '../../types';
import { attr, isReference, list, text } from '../../values';

/** The EKS control-plane log types every cluster enables (all five). */
export const EKS_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;
/** The GKE logging components every cluster enables. */
export const GKE_LOG_COMPONENTS = ['SYSTEM_COMPONENTS', 'WORKLOADS', 'APISERVER'] as const;
/** What GKE logs when `logging_config` is omitted (and `logging_service` is not `none`). */
const GKE_DEFAULT_LOG_COMPONENTS = ['SYSTEM_COMPONENTS', 'WORKLOADS'];

/** Control-plane logs: every EKS log type; GKE system, workload and API server logs, and monitoring on. */
export const MON_001: PolicyRule = {
  id: 'LOOM-MON-001',
  area: 'MON',
  title: 'Control-plane logs',
  severity: { baseline: 'HIGH' },
  rationale: 'The control plane is where credentials are used and workloads are changed; without its API, audit and authenticator logs an incident cannot be reconstructed, and without monitoring it is not noticed.',
  fix: 'Loom enables every log type on the clusters it creates (clusters[]): on EKS set enabled_cluster_log_types to api, audit, authenticator, controllerManager and scheduler; on GKE list SYSTEM_COMPONENTS, WORKLOADS and APISERVER in logging_config.enable_components and keep monitoring_config / monitoring_service on.',
  anchors: ['AwsSolutions-EKS2', 'CKV_AWS_37', 'AVD-AWS-0038', 'CIS EKS 2.1.1', 'CKV_GCP_1', 'CKV_GCP_8', 'AVD-GCP-0060', 'AVD-GCP-0052', 'CIS GKE 5.7.1'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const r of ctx.resources('aws_eks_cluster')) {
      // Provider default: no control-plane log type is enabled.
      const raw = attr(r.values, 'enabled_cluster_log_types');
      const types = list(r.values, 'enabled_cluster_log_types');
      if (isReference(raw) || types.some(isReference)) {
        out.push({ resource: r, message: 'enabled_cluster_log_types is a reference, decided at apply time', unknown: true });
        continue;
      }
      for (const t of EKS_LOG_TYPES)
        if (!types.includes(t)) out.push({ resource: r, message: `enabled_cluster_log_types does not include ${t}${raw === undefined ? ' (omitted: EKS enables no control-plane log)' : ''}`, detail: `LogType::${t}` });
    }
    for (const r of ctx.resources('google_container_cluster')) {
      const service = text(r.values, 'logging_service');
      const config = attr(r.values, 'logging_config');
      const components = list(r.values, 'logging_config.enable_components');
      if (service === 'unknown' || isReference(attr(r.values, 'logging_config.enable_components')) || components.some(isReference)) {
        out.push({ resource: r, message: 'the logging configuration is a reference, decided at apply time', unknown: true });
      } else {
        // Provider (GKE) default: system and workload logs, no API server logs; none with logging_service "none".
        const enabled = service === 'none' ? [] : config === undefined ? GKE_DEFAULT_LOG_COMPONENTS : components.map(String);
        for (const c of GKE_LOG_COMPONENTS)
          if (!enabled.includes(c)) out.push({ resource: r, message: `logging_config.enable_components does not include ${c}${service === 'none' ? ' (logging_service is none)' : config === undefined ? ' (omitted: GKE logs system components and workloads only)' : ''}`, detail: `LogComponent::${c}` });
      }
      // Provider (GKE) default: Cloud Monitoring of system components is on.
      const monitoringService = text(r.values, 'monitoring_service');
      const monitoringComponents = attr(r.values, 'monitoring_config.enable_components');
      if (monitoringService === 'unknown' || isReference(monitoringComponents)) out.push({ resource: r, message: 'the monitoring configuration is a reference, decided at apply time', unknown: true });
      else if (monitoringService === 'none') out.push({ resource: r, message: 'monitoring_service is none: Cloud Monitoring is off', detail: 'Monitoring' });
      else if (Array.isArray(monitoringComponents) && monitoringComponents.length === 0) out.push({ resource: r, message: 'monitoring_config.enable_components is empty: Cloud Monitoring collects nothing', detail: 'Monitoring' });
    }
    return out;
  },
};
