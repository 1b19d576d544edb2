/**
 * Machine types: syntax per cloud, which families carry which GPU, and a typed catalogue of the
 * facts (vCPU, memory, GPUs) that quotas and capacity planning are derived from.
 */
import type { RegionalCloud } from './regions';

/** GPU models a pool may ask for (`nodePools[].gpu.type`). */
export const GPU_TYPES = [
  'nvidia-t4',
  'nvidia-a10g',
  'nvidia-l4',
  'nvidia-l40s',
  'nvidia-v100',
  'nvidia-a100',
  'nvidia-a100-80gb',
  'nvidia-h100',
  'nvidia-h200',
] as const;
export type GpuType = (typeof GPU_TYPES)[number];

const AWS_SYNTAX =
  /^(?:[a-z]+[0-9]+[a-z0-9]*(?:-flex)?|u-[0-9]+tb[0-9])\.(?:nano|micro|small|medium|large|metal(?:-[0-9]+xl)?|[0-9]*xlarge)$/;
const GCP_SYNTAX =
  /^[a-z][0-9][a-z]?-(?:standard|highmem|highcpu|megamem|ultramem|highgpu|ultragpu|megagpu|edgegpu|hpc|micro|small|medium|custom)(?:-[0-9]+[a-z]*)*(?:-lssd)?$/;

/** Which machine families provide each GPU model, per cloud. */
const GPU_FAMILIES: Readonly<Record<RegionalCloud, Readonly<Partial<Record<GpuType, readonly string[]>>>>> = {
  aws: {
    'nvidia-t4': ['g4dn'],
    'nvidia-a10g': ['g5'],
    'nvidia-l4': ['g6'],
    'nvidia-l40s': ['g6e'],
    'nvidia-v100': ['p3', 'p3dn'],
    'nvidia-a100': ['p4d'],
    'nvidia-a100-80gb': ['p4de'],
    'nvidia-h100': ['p5'],
    'nvidia-h200': ['p5e', 'p5en'],
  },
  gcp: {
    // n1 takes T4/V100 as attached accelerators; the other models come with their own family.
    'nvidia-t4': ['n1'],
    'nvidia-v100': ['n1'],
    'nvidia-l4': ['g2'],
    'nvidia-a100': ['a2'],
    'nvidia-a100-80gb': ['a2'],
    'nvidia-h100': ['a3'],
    'nvidia-h200': ['a3'],
  },
};

/** Families that only exist to carry GPUs (a CPU pool must not use them). */
const GPU_ONLY_FAMILIES: Readonly<Record<RegionalCloud, readonly string[]>> = {
  aws: ['g4dn', 'g4ad', 'g5', 'g5g', 'g6', 'g6e', 'gr6', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6'],
  gcp: ['g2', 'a2', 'a3', 'a4'],
};

/** Google Cloud accelerator type names for each GPU model. */
export const GCP_ACCELERATOR_TYPES: Readonly<Record<GpuType, string>> = {
  'nvidia-t4': 'nvidia-tesla-t4',
  'nvidia-a10g': 'nvidia-a10g',
  'nvidia-l4': 'nvidia-l4',
  'nvidia-l40s': 'nvidia-l40s',
  'nvidia-v100': 'nvidia-tesla-v100',
  'nvidia-a100': 'nvidia-tesla-a100',
  'nvidia-a100-80gb': 'nvidia-a100-80gb',
  'nvidia-h100': 'nvidia-h100-80gb',
  'nvidia-h200': 'nvidia-h200-141gb',
};

/** The family of a machine type: `g5` for `g5.xlarge`, `n2` for `n2-standard-8`. */
export function machineFamily(cloud: RegionalCloud, machineType: string): string {
  return cloud === 'aws' ? machineType.split('.')[0]! : machineType.split('-')[0]!;
}

/** Whether a machine type name has the shape of the cloud's machine types. */
export function isMachineTypeSyntax(cloud: RegionalCloud, machineType: string): boolean {
  return (cloud === 'aws' ? AWS_SYNTAX : GCP_SYNTAX).test(machineType);
}

/** An example of a valid machine type for the cloud, for error messages. */
export function machineTypeExample(cloud: RegionalCloud): string {
  return cloud === 'aws' ? 'm7i.xlarge' : 'n2-standard-8';
}

/** Whether the machine type belongs to a GPU-only family. */
export function isGpuMachineType(cloud: RegionalCloud, machineType: string): boolean {
  return GPU_ONLY_FAMILIES[cloud].includes(machineFamily(cloud, machineType));
}

/** The machine families that provide `gpu` on `cloud` (empty when the cloud has none). */
export function familiesForGpu(cloud: RegionalCloud, gpu: GpuType): readonly string[] {
  return GPU_FAMILIES[cloud][gpu] ?? [];
}

/** What capacity planning needs to know about one machine type. */
export interface MachineTypeFacts {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  readonly gpuModel?: GpuType;
}

const f = (vcpu: number, memoryGiB: number, gpus = 0, gpuModel?: GpuType): MachineTypeFacts =>
  gpuModel ? { vcpu, memoryGiB, gpus, gpuModel } : { vcpu, memoryGiB, gpus };

/**
 * The machine types Loom knows the size of. Quotas (Kueue) and capacity checks read from here;
 * add a type here (vCPU, GiB, GPUs, GPU model, from the cloud's documentation) before using it
 * where its size matters.
 */
export const MACHINE_TYPES: Readonly<Record<RegionalCloud, Readonly<Record<string, MachineTypeFacts>>>> = {
  aws: {
    't3.medium': f(2, 4),
    't3.large': f(2, 8),
    't3.xlarge': f(4, 16),
    'm7i.large': f(2, 8),
    'm7i.xlarge': f(4, 16),
    'm7i.2xlarge': f(8, 32),
    'm7i.4xlarge': f(16, 64),
    'm6i.large': f(2, 8),
    'm6i.xlarge': f(4, 16),
    'r7i.large': f(2, 16),
    'r7i.xlarge': f(4, 32),
    'r7i.2xlarge': f(8, 64),
    'r7i.4xlarge': f(16, 128),
    'c7i.xlarge': f(4, 8),
    'c7i.2xlarge': f(8, 16),
    'c7i.4xlarge': f(16, 32),
    'c7i.8xlarge': f(32, 64),
    'g4dn.xlarge': f(4, 16, 1, 'nvidia-t4'),
    'g5.xlarge': f(4, 16, 1, 'nvidia-a10g'),
    'g5.2xlarge': f(8, 32, 1, 'nvidia-a10g'),
    'g5.4xlarge': f(16, 64, 1, 'nvidia-a10g'),
    'g5.12xlarge': f(48, 192, 4, 'nvidia-a10g'),
    'g5.48xlarge': f(192, 768, 8, 'nvidia-a10g'),
    'g6.xlarge': f(4, 16, 1, 'nvidia-l4'),
    'g6.2xlarge': f(8, 32, 1, 'nvidia-l4'),
    'g6e.xlarge': f(4, 32, 1, 'nvidia-l40s'),
    'p4d.24xlarge': f(96, 1152, 8, 'nvidia-a100'),
    'p5.48xlarge': f(192, 2048, 8, 'nvidia-h100'),
  },
  gcp: {
    'e2-standard-2': f(2, 8),
    'e2-standard-4': f(4, 16),
    'e2-standard-8': f(8, 32),
    'n2-standard-2': f(2, 8),
    'n2-standard-4': f(4, 16),
    'n2-standard-8': f(8, 32),
    'n2-standard-16': f(16, 64),
    'n2-highmem-4': f(4, 32),
    'n2-highmem-8': f(8, 64),
    'n2-highmem-16': f(16, 128),
    'c2-standard-8': f(8, 32),
    'c3-standard-8': f(8, 32),
    'c3-standard-22': f(22, 88),
    'n1-standard-4': f(4, 15),
    'n1-standard-8': f(8, 30),
    'g2-standard-4': f(4, 16, 1, 'nvidia-l4'),
    'g2-standard-8': f(8, 32, 1, 'nvidia-l4'),
    'g2-standard-24': f(24, 96, 2, 'nvidia-l4'),
    'a2-highgpu-1g': f(12, 85, 1, 'nvidia-a100'),
    'a2-highgpu-8g': f(96, 680, 8, 'nvidia-a100'),
    'a2-ultragpu-1g': f(12, 170, 1, 'nvidia-a100-80gb'),
    'a3-highgpu-8g': f(208, 1872, 8, 'nvidia-h100'),
  },
};

/** Facts for a machine type, or undefined when the catalogue does not list it. */
export function machineTypeFacts(cloud: RegionalCloud, machineType: string): MachineTypeFacts | undefined {
  return MACHINE_TYPES[cloud][machineType];
}

/**
 * The message for a machine type the catalogue lacks: where its facts go. Spec validation reports
 * it with the spec path in front; the plan throws it when asked for facts it does not have.
 */
export function notInCatalogueMessage(machineType: string): string {
  return `'${machineType}' is not in Loom's machine-type catalogue; add its vCPU, memory and GPUs to MACHINE_TYPES in spec/machine-types.ts`;
}

/** A machine type whose facts were needed but that {@link MACHINE_TYPES} does not list. */
export class UnknownMachineTypeError extends Error {
  constructor(
    readonly cloud: RegionalCloud,
    readonly machineType: string,
    /** What needed the facts, e.g. `cluster 'training', pool 'gpu'`. */
    readonly where: string,
  ) {
    super(`${where}: ${notInCatalogueMessage(machineType)}`);
    this.name = 'UnknownMachineTypeError';
  }
}

/** Facts for a machine type; throws {@link UnknownMachineTypeError} naming where to add it. */
export function requireMachineTypeFacts(cloud: RegionalCloud, machineType: string, where: string): MachineTypeFacts {
  const facts = machineTypeFacts(cloud, machineType);
  if (!facts) throw new UnknownMachineTypeError(cloud, machineType, where);
  return facts;
}
