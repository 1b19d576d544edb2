/**
 * Helpers the INST rules share: which cluster a stack's Kubernetes/Helm provider points at, GPU
 * machine families, and the GPU operator or device plugin releases of each cluster.
 */
import type { RuleContext, SynthResource, SynthStack } from '../../types';
import { attr, chartOf } from '../../values';

/** AWS families that only exist to carry GPUs (the catalogue's, catalog/machine-types.ts). */
export const AWS_GPU_FAMILIES = ['g4dn', 'g4ad', 'g5', 'g5g', 'g6', 'g6e', 'gr6', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6'];
/** Google Cloud families that come with their own GPUs. */
export const GCP_GPU_FAMILIES = ['g2', 'a2', 'a3', 'a4'];
/** Google Cloud families that take attached accelerators (`guest_accelerator`). */
export const GCP_ACCELERATOR_FAMILIES = ['n1', ...GCP_GPU_FAMILIES];

/** Whether an AWS instance type is of a GPU family (`g5.xlarge`; `p6-b200.48xlarge`). */
export const isAwsGpuType = (t: string): boolean => AWS_GPU_FAMILIES.includes(t.split('.')[0]!.split('-')[0]!);
/** Whether a Google Cloud machine type is of a GPU family (`g2-standard-8`). */
export const isGcpGpuType = (t: string): boolean => GCP_GPU_FAMILIES.includes(t.split('-')[0]!);

/** Labels that mark a pool as a GPU pool (Loom's, and NVIDIA's feature discovery label). */
export const GPU_LABELS = ['loom.dev/gpu', 'nvidia.com/gpu.present'];

/** Charts that advertise `nvidia.com/gpu` to the scheduler. */
const DEVICE_PLUGIN_CHARTS = /(^|\/)(gpu-operator|nvidia-device-plugin)$/;

/** Whether a release installs the NVIDIA GPU operator or device plugin. */
export const isDevicePluginRelease = (r: SynthResource): boolean => DEVICE_PLUGIN_CHARTS.test(chartOf(r));

/** The cluster resource a stack's kubernetes or helm provider points at (through cross-stack outputs), if any. */
export function clusterOfStack(ctx: RuleContext, stack: SynthStack): SynthResource | undefined {
  const hosts = [...(stack.providers.kubernetes ?? []).map((p) => p.host), ...(stack.providers.helm ?? []).map((p) => attr(p, 'kubernetes.host'))];
  for (const h of hosts) {
    const r = ctx.resolve(stack.name, h);
    if (r) return r;
  }
  return undefined;
}

/** `stack address` of a resource, unique across stacks. */
export const key = (r: SynthResource): string => `${r.stack} ${r.address}`;
