/**
 * What the monitoring component asks of a GKE cluster: on buy, Google Managed Service for
 * Prometheus with managed collection and the metric packages that stand in for what
 * kube-prometheus-stack would scrape (kube-state-metrics, kubelet and cAdvisor, the control plane);
 * GPU metrics come from the GPU operator's DCGM exporter, a declared scrape target, so GKE's own
 * DCGM package stays off (it would record every GPU series twice); on build, managed collection off (Loom's own
 * Prometheus is the one source); without a monitoring component, GKE's defaults.
 *
 * A pure function of the plan, so the cluster stack and the tests agree on it.
 */
import type { ComponentMode } from '../../../plan';

/** Control-plane metrics, the GKE counterpart of the apiserver/scheduler/controller-manager jobs. */
export const GKE_CONTROL_PLANE_METRICS = ['APISERVER', 'SCHEDULER', 'CONTROLLER_MANAGER'] as const;
/** The kube state metrics package, GKE's managed kube-state-metrics. */
export const GKE_KUBE_STATE_METRICS = ['STORAGE', 'HPA', 'POD', 'DAEMONSET', 'DEPLOYMENT', 'STATEFULSET'] as const;
/** The kubelet and cAdvisor package. */
export const GKE_NODE_METRICS = ['KUBELET', 'CADVISOR'] as const;

/** A GKE cluster's `monitoring_config`, as {@link gkeMonitoringConfig} decides it. */
export interface GkeMonitoringConfig {
  /** The components and metric packages GKE sends metrics for. */
  readonly enableComponents: string[];
  /**
   * Managed Service for Prometheus' managed collection.
   * @default GKE's default (unset: no monitoring component)
   */
  readonly managedPrometheus?: {
    /** Whether managed collection is on (buy) or off (build). */
    readonly enabled: boolean;
  };
}

/**
 * The `monitoring_config` of every GKE cluster of the platform, given the components GKE sends
 * metrics for whatever the platform's monitoring (`base`).
 */
export function gkeMonitoringConfig(mode: ComponentMode | undefined, base: readonly string[]): GkeMonitoringConfig {
  switch (mode) {
    case undefined:
      return { enableComponents: [...base] };
    case 'build':
      return { enableComponents: [...base], managedPrometheus: { enabled: false } };
    case 'buy': {
      const components = [...base, ...GKE_CONTROL_PLANE_METRICS, ...GKE_KUBE_STATE_METRICS, ...GKE_NODE_METRICS];
      return { enableComponents: [...new Set(components)], managedPrometheus: { enabled: true } };
    }
  }
}
