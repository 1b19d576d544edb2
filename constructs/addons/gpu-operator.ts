/**
 * The NVIDIA GPU operator on clusters with GPUs: device plugin (advertises `nvidia.com/gpu`),
 * GPU feature discovery, DCGM exporter (GPU metrics), MIG manager and the validator, on the GPU
 * nodes only. What the nodes' images already provide is left to them:
 *
 * - EKS: GPU pools run the EKS-optimised AL2023 NVIDIA AMI, which ships the NVIDIA driver and the
 *   NVIDIA Container Toolkit (nvidia-container-toolkit, with containerd configured for it), so the
 *   operator installs neither (`driver.enabled: false`, `toolkit.enabled: false`).
 * - GKE: GKE installs the driver (node pools' `gpu_driver_version`) under
 *   `/home/kubernetes/bin/nvidia`; the operator runs no driver, installs the toolkit into that
 *   directory and uses CDI, as NVIDIA documents for GKE. The GPU pools carry
 *   `gke-no-default-nvidia-gpu-device-plugin=true` so that GKE's own device plugin stays off, and
 *   a ResourceQuota lets the operator's `system-node-critical` pods run outside kube-system, which
 *   GKE otherwise forbids.
 * - existing clusters: as `existing.gpu` says (`preinstalled` or `operator`, driver and toolkit).
 *
 * Installed into the node-agents namespace (Pod Security `privileged`): its DaemonSets need host
 * access. Its DaemonSets tolerate the GPU taint `nvidia.com/gpu=present:NoSchedule`; the operator
 * places them on nodes with NVIDIA PCI devices (labelled by node feature discovery).
 */
import type { AddonTarget, IAddon } from './context';
import { Construct } from 'constructs';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import type { IKubernetesCluster, ScrapeTarget } from '../core/contracts';
import { clusterHasGpus, PLATFORM_NAMESPACES } from '../../plan';
import { AddonRelease, type HelmValues } from './release';
import { GPU_TOLERATION, type AddonContext } from './context';

/**
 * Pods the GKE priority-class quota admits: the operator's per-node operands (device plugin, GFD,
 * DCGM, toolkit, validator, MIG manager, NFD worker, …) on every GPU node the pools may grow to,
 * plus the cluster-wide ones, and never fewer than NVIDIA's example (100).
 */
export function criticalPodsQuota(cluster: IKubernetesCluster): number {
  const gpuNodes = cluster.plan.pools.filter((p) => p.gpu).reduce((n, p) => n + p.maxNodes, 0);
  return Math.max(100, 16 * gpuNodes + 16);
}

/** The control-plane toleration the operator's and NFD master's charts carry by default (a list value replaces it). */
const CONTROL_PLANE_TOLERATION = { key: 'node-role.kubernetes.io/control-plane', operator: 'Equal', value: '', effect: 'NoSchedule' } as const;

/** Where GKE's driver installer puts the driver (and where the toolkit goes). */
export const GKE_NVIDIA_INSTALL_DIR = '/home/kubernetes/bin/nvidia';

/** Whether Loom installs the GPU operator on `cluster`: it has GPU pools, or says it has GPUs. */
export function needsGpuOperator(cluster: AddonTarget): boolean {
  return clusterHasGpus(cluster.plan);
}

/** What the GPU nodes of a cluster already have, so that the operator does not install it again. */
export interface GpuHostSoftware {
  /** The nodes have the NVIDIA driver (the operator installs none). */
  readonly driver: boolean;
  /** The nodes have the NVIDIA Container Toolkit, with containerd configured for it (the operator installs none). */
  readonly toolkit: boolean;
}

/** What the cluster's GPU nodes provide themselves; see the module comment. */
export function gpuHostSoftware(cluster: IKubernetesCluster): GpuHostSoftware {
  switch (cluster.cloud) {
    case 'aws':
      return { driver: true, toolkit: true };
    case 'gcp':
      return { driver: true, toolkit: false };
    case 'kubernetes': {
      const gpu = cluster.plan.spec.existing?.gpu;
      return { driver: gpu?.driver === 'preinstalled', toolkit: gpu?.toolkit === 'preinstalled' };
    }
  }
}

/** The GPU operator's values; see the module comment. */
export function gpuOperatorValues(ctx: AddonContext): HelmValues {
  const cluster = ctx.cluster;
  const host = gpuHostSoftware(cluster);
  const gke = cluster.cloud === 'gcp';
  // On clusters Loom created, GPU nodes carry `nvidia.com/gpu.present=true` from the start (pool
  // labels), so node feature discovery only needs to look at them; an existing cluster's nodes
  // are unlabelled until discovery has run, so it runs everywhere there.
  const gpuNodesLabelled = cluster.cloud !== 'kubernetes';
  const nfdNodeSelector = Object.keys(ctx.controllerNodeSelector).length ? { nodeSelector: { ...ctx.controllerNodeSelector } } : {};
  return {
    driver: { enabled: !host.driver },
    toolkit: { enabled: !host.toolkit, ...(gke ? { installDir: GKE_NVIDIA_INSTALL_DIR } : {}) },
    ...(gke ? { hostPaths: { driverInstallDir: GKE_NVIDIA_INSTALL_DIR } } : {}),
    // CDI (the chart's default, said explicitly where Loom made the nodes). On GKE NVIDIA documents
    // it. On EKS it works with the AMI's own toolkit: with `toolkit.enabled: false` operator v26.7.0
    // leaves the device plugin's `NVIDIA_CDI_HOOK_PATH` unset (so it uses the host's
    // nvidia-cdi-hook), the plugin writes its CDI spec to /var/run/cdi, the AMI's containerd reads
    // CDI specs from there (nodeadm enables CDI from Kubernetes 1.32), and its runtime handler is
    // named `nvidia`, as the operator's RuntimeClass expects.
    ...(cluster.cloud !== 'kubernetes' ? { cdi: { enabled: true } } : {}),
    devicePlugin: { enabled: true },
    // GPU metrics in every mode; the operator's own ServiceMonitor (it creates one once the CRD
    // exists) stays off: see gpuOperatorScrapeTargets.
    dcgmExporter: { enabled: true, serviceMonitor: { enabled: false } },
    daemonsets: { tolerations: [GPU_TOLERATION] },
    operator: {
      // The chart's own (control plane) plus the platform controllers'.
      tolerations: [CONTROL_PLANE_TOLERATION, ...ctx.controllerTolerations],
      // Merged with the chart's `kubernetes.io/os: linux`.
      ...(Object.keys(ctx.controllerNodeSelector).length ? { nodeSelector: { ...ctx.controllerNodeSelector } } : {}),
    },
    'node-feature-discovery': {
      // Node feature discovery's cluster-wide parts are controllers too: on the system pool where
      // there is one (otherwise the master, tolerating only the control plane, and the garbage
      // collector would hold a node of a pool that should scale to zero, or never schedule).
      master: { tolerations: [CONTROL_PLANE_TOLERATION, ...ctx.controllerTolerations], ...nfdNodeSelector },
      gc: { tolerations: [...ctx.controllerTolerations], ...nfdNodeSelector },
      worker: {
        tolerations: [GPU_TOLERATION],
        ...(gpuNodesLabelled ? { nodeSelector: { 'nvidia.com/gpu.present': 'true' } } : {}),
      },
    },
  };
}

/** The DCGM exporter's port: the operator's DaemonSet declares it (as `metrics`) and listens there. */
export const DCGM_EXPORTER_PORT = 9400;

/**
 * GPU metrics: the DCGM exporter the operator runs on every GPU node (pods labelled
 * `app: nvidia-dcgm-exporter`, in the operator's namespace), by port number.
 */
export function gpuOperatorScrapeTargets(): ScrapeTarget[] {
  return [{ name: 'dcgm-exporter', namespace: PLATFORM_NAMESPACES.nodeAgents, podSelector: { app: 'nvidia-dcgm-exporter' }, port: DCGM_EXPORTER_PORT }];
}

/** The GPU operator release in the node-agents namespace (and, on GKE, its priority-class quota). */
export class GpuOperator extends Construct implements IAddon {
  /** The add-on's Helm releases. */
  get releases(): AddonRelease[] {
    return [this.release];
  }

  /** The operator's release (catalogue chart `gpuOperator`). */
  readonly release: AddonRelease;
  /** What it exposes to the platform's monitoring. */
  readonly scrapeTargets: readonly ScrapeTarget[] = gpuOperatorScrapeTargets();
  /** GKE only: admits `system-node-critical` pods in the node-agents namespace. */
  readonly criticalPodsQuota?: ResourceQuotaV1;

  constructor(scope: Construct, id: string, ctx: AddonContext) {
    super(scope, id);
    const namespace = ctx.namespaces.nodeAgents.name;
    if (ctx.cluster.cloud === 'gcp') {
      this.criticalPodsQuota = new ResourceQuotaV1(this, 'CriticalPodsQuota', {
        metadata: { name: 'gpu-operator-critical-pods', namespace, labels: { 'app.kubernetes.io/managed-by': 'loom' } },
        spec: {
          hard: { pods: String(criticalPodsQuota(ctx.cluster)) },
          scopeSelector: {
            matchExpression: [{ scopeName: 'PriorityClass', operator: 'In', values: ['system-node-critical', 'system-cluster-critical'] }],
          },
        },
      });
    }
    this.release = new AddonRelease(this, 'Release', {
      chart: 'gpuOperator',
      releaseName: 'gpu-operator',
      namespace,
      values: gpuOperatorValues(ctx),
      // The operator waits for its own deployment only; its DaemonSets follow the GPU nodes.
      timeoutSeconds: 900,
      ...(this.criticalPodsQuota ? { dependsOn: [this.criticalPodsQuota] } : {}),
    });
  }
}
