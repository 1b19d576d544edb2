/**
 * LOOM-INST-003: GPU pool integrity. A GPU pool (EKS node group, Karpenter NodePool, GKE node
 * pool) uses only GPU machine types with an image that drives them, carries the
 * `nvidia.com/gpu` NoSchedule taint so that CPU work stays off it, and its cluster runs the NVIDIA
 * GPU operator or device plugin; a CPU pool uses no GPU machine types.
 */
import { kubernetesObjects } from '../../kubernetes';
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, isObject, isReference, list, num, text } from '../../values';
import { clusterOfStack, GCP_ACCELERATOR_FAMILIES, GPU_LABELS, isAwsGpuType, isDevicePluginRelease, isGcpGpuType, key } from './common';

const GPU_TAINT = 'nvidia.com/gpu';
/** EKS AMI types that carry the NVIDIA driver. */
const GPU_AMI = /^(AL2_x86_64_GPU|AL2023_(x86_64|ARM_64)_NVIDIA|BOTTLEROCKET_(x86_64|ARM_64)_NVIDIA)$/;

const hasGpuLabel = (labels: unknown): boolean => isObject(labels) && GPU_LABELS.some((l) => labels[l] !== undefined && String(labels[l]) !== 'false');
const hasGpuTaint = (taints: unknown[]): boolean =>
  taints.some((t) => attr(t, 'key') === GPU_TAINT && ['NoSchedule', 'NO_SCHEDULE'].includes(String(attr(t, 'effect'))));

/** GPU pools use GPU machine types, a GPU image, the GPU taint and a device plugin; CPU pools no GPU types. */
export const INST_003: PolicyRule = {
  id: 'LOOM-INST-003',
  area: 'INST',
  title: 'GPU pool integrity',
  severity: { baseline: 'HIGH' },
  rationale: 'A GPU pool on CPU machines (or without a driver-carrying image or device plugin) never schedules GPU work; one without the NoSchedule taint fills its expensive nodes with CPU pods; a CPU pool of GPU machines pays GPU prices for nothing.',
  fix: 'Describe GPUs with clusters[].nodePools[].gpu (Loom then picks GPU machine types from machineTypes, the NVIDIA AMI, the nvidia.com/gpu taint and installs the GPU operator); keep GPU machine types out of pools without gpu.',
  anchors: [],
  providers: ['aws', 'google', 'kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    // Which clusters have the GPU operator or device plugin (by the stack's provider), and whether any release anywhere does.
    const pluginClusters = new Set<string>();
    let pluginUnattributed = false;
    for (const s of ctx.stacks) {
      if (!s.resources.some((r) => r.type === 'helm_release' && isDevicePluginRelease(r))) continue;
      const cluster = clusterOfStack(ctx, s);
      if (cluster) pluginClusters.add(key(cluster));
      else pluginUnattributed = true;
    }
    const hasPlugin = (cluster: SynthResource | undefined) => (cluster ? pluginClusters.has(key(cluster)) : false) || pluginUnattributed;
    const pluginFinding = (resource: SynthResource, cluster: SynthResource | undefined, detail: string): RuleFinding | undefined =>
      hasPlugin(cluster) ? undefined : { resource, message: 'no NVIDIA GPU operator or device plugin release targets this pool\'s cluster: nvidia.com/gpu is never advertised', detail: `${detail}DevicePlugin` };

    // EKS managed node groups: a GPU pool is declared by Loom's GPU labels or an NVIDIA AMI.
    for (const g of ctx.resources('aws_eks_node_group')) {
      const types = list(g.values, 'instance_types');
      const ami = text(g.values, 'ami_type');
      if (types.some(isReference) || ami === 'unknown') {
        out.push({ resource: g, message: 'instance_types or ami_type is a reference, decided at apply time', unknown: true });
        continue;
      }
      const isGpu = hasGpuLabel(g.values.labels) || (typeof ami === 'string' && GPU_AMI.test(ami));
      if (!isGpu) {
        const gpuTypes = types.filter((t) => isAwsGpuType(String(t)));
        if (gpuTypes.length) out.push({ resource: g, message: `non-GPU pool (no GPU labels, no NVIDIA AMI) with GPU instance types: ${gpuTypes.join(', ')}`, detail: 'GpuTypesInCpuPool' });
        continue;
      }
      // EKS's default instance type is t3.medium.
      const nonGpu = types.length === 0 ? ['t3.medium (the default)'] : types.filter((t) => !isAwsGpuType(String(t)));
      if (nonGpu.length) out.push({ resource: g, message: `GPU pool with non-GPU instance types: ${nonGpu.join(', ')}`, detail: 'InstanceTypes' });
      // Omitted ami_type: EKS picks the accelerated AMI for GPU instance types.
      if (ami !== undefined && ami !== 'CUSTOM' && !GPU_AMI.test(ami)) out.push({ resource: g, message: `GPU pool with ami_type ${ami}, which has no NVIDIA driver`, detail: 'AmiType' });
      if (!hasGpuTaint(list(g.values, 'taint'))) out.push({ resource: g, message: 'GPU pool without the nvidia.com/gpu NoSchedule taint: CPU pods fill its nodes', detail: 'Taint' });
      const f = pluginFinding(g, ctx.resolve(g, g.values.cluster_name), '');
      if (f) out.push(f);
    }

    // Karpenter NodePools (AWS).
    for (const o of kubernetesObjects(ctx)) {
      if (o.kind !== 'NodePool' || !String(o.object.apiVersion ?? '').startsWith('karpenter.sh/')) continue;
      const template = attr(o.object, 'spec.template');
      const requirements = list(template, 'spec.requirements');
      const typeReq = requirements.find((r) => attr(r, 'key') === 'node.kubernetes.io/instance-type' && attr(r, 'operator') === 'In');
      const familyReq = requirements.find((r) => attr(r, 'key') === 'karpenter.k8s.aws/instance-family' && attr(r, 'operator') === 'In');
      const types = list(typeReq, 'values').map(String);
      const families = list(familyReq, 'values').map(String);
      const gpuTypes = [...types.filter(isAwsGpuType), ...families.filter((f) => isAwsGpuType(`${f}.x`))];
      const cpuTypes = [...types.filter((t) => !isAwsGpuType(t)), ...families.filter((f) => !isAwsGpuType(`${f}.x`))];
      const isGpu = hasGpuLabel(attr(template, 'metadata.labels'));
      const d = `NodePool/${o.name}::`;
      if (!isGpu) {
        if (gpuTypes.length) out.push({ resource: o.source, message: `Karpenter NodePool ${o.name} is not a GPU pool but allows GPU instance types: ${gpuTypes.join(', ')}`, detail: `${d}GpuTypesInCpuPool` });
        continue;
      }
      if (!typeReq && !familyReq) out.push({ resource: o.source, message: `Karpenter NodePool ${o.name} is a GPU pool with no instance-type or instance-family requirement: it may launch CPU instances`, detail: `${d}InstanceTypes` });
      else if (cpuTypes.length) out.push({ resource: o.source, message: `Karpenter NodePool ${o.name} is a GPU pool with non-GPU instance types: ${cpuTypes.join(', ')}`, detail: `${d}InstanceTypes` });
      if (!hasGpuTaint(list(template, 'spec.taints'))) out.push({ resource: o.source, message: `Karpenter NodePool ${o.name} is a GPU pool without the nvidia.com/gpu NoSchedule taint`, detail: `${d}Taint` });
      const stack = ctx.stack(o.source.stack);
      const f = pluginFinding(o.source, stack ? clusterOfStack(ctx, stack) : undefined, d);
      if (f) out.push(f);
    }

    // GKE node pools: which clusters have a CPU pool (GKE then taints GPU nodes itself).
    const gkePools = ctx.resources('google_container_node_pool');
    const isGkeGpu = (p: SynthResource) => {
      const accel = list(p.values, 'node_config.guest_accelerator').some((a) => {
        const n = num(a, 'count');
        return n === 'unknown' || (n ?? 0) >= 1;
      });
      return accel || hasGpuLabel(attr(p.values, 'node_config.labels'));
    };
    const cpuPoolClusters = new Set<string>();
    for (const p of gkePools) {
      const c = ctx.resolve(p, p.values.cluster);
      if (c && !isGkeGpu(p)) cpuPoolClusters.add(key(c));
    }
    for (const c of ctx.resources('google_container_cluster')) {
      const removed = attr(c.values, 'remove_default_node_pool');
      if (removed !== true && removed !== 'true') cpuPoolClusters.add(key(c));
    }
    for (const p of gkePools) {
      const machine = text(p.values, 'node_config.machine_type');
      const accels = list(p.values, 'node_config.guest_accelerator');
      if (machine === 'unknown' || accels.some((a) => num(a, 'count') === 'unknown' || isReference(attr(a, 'type')))) {
        out.push({ resource: p, message: 'machine_type or guest_accelerator is a reference, decided at apply time', unknown: true });
        continue;
      }
      // The provider's default machine type is e2-medium.
      const m = machine ?? 'e2-medium';
      const family = m.split('-')[0]!;
      const accelerated = accels.some((a) => (num(a, 'count') as number | undefined ?? 0) >= 1);
      if (!isGkeGpu(p)) continue;
      if (!accelerated && !isGcpGpuType(m)) out.push({ resource: p, message: `GPU pool on ${m}, which has no GPU: add a guest_accelerator or use an a2/a3/g2 machine`, detail: 'MachineType' });
      else if (accelerated && !GCP_ACCELERATOR_FAMILIES.includes(family)) out.push({ resource: p, message: `guest_accelerator on ${m}: only n1 and the a2/a3/a4/g2 families take GPUs`, detail: 'MachineType' });
      const cluster = ctx.resolve(p, p.values.cluster);
      const explicitTaint = hasGpuTaint(list(p.values, 'node_config.taint'));
      if (!explicitTaint && !(cluster && cpuPoolClusters.has(key(cluster)))) {
        out.push({ resource: p, message: 'GPU pool without the nvidia.com/gpu NoSchedule taint (GKE adds it only when the cluster has a non-GPU pool)', detail: 'Taint' });
      }
      // GKE runs its own device plugin unless the pool opts out for the GPU operator's.
      const optOut = String(attr(p.values, 'node_config.labels.gke-no-default-nvidia-gpu-device-plugin') ?? '') === 'true';
      if (optOut || !accelerated) {
        const f = pluginFinding(p, cluster, '');
        if (f) out.push(f);
      }
    }
    // CPU pools of GPU-only machines (GKE).
    for (const p of gkePools) {
      if (isGkeGpu(p)) continue;
      const machine = text(p.values, 'node_config.machine_type');
      if (typeof machine === 'string' && machine !== 'unknown' && isGcpGpuType(machine)) out.push({ resource: p, message: `non-GPU pool (no guest_accelerator, no GPU labels) on GPU machine type ${machine}`, detail: 'GpuTypesInCpuPool' });
    }
    return out;
  },
};
