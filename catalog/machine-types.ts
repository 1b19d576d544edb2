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
/** One of {@link GPU_TYPES}: an NVIDIA GPU model, as a pool's `gpu.type` names it. */
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

/** CPU architectures of machine types (a node group, and an image, has one). */
export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
/** One of {@link ARCHITECTURES}. */
export type Architecture = (typeof ARCHITECTURES)[number];

/** What capacity planning needs to know about one machine type. */
export interface MachineTypeFacts {
  /** vCPUs per machine. */
  readonly vcpu: number;
  /** Memory per machine, GiB. */
  readonly memoryGiB: number;
  /** NVIDIA GPUs per machine (0 for CPU types). */
  readonly gpus: number;
  /** The GPU model, on GPU types. */
  readonly gpuModel?: GpuType;
  /** @default x86_64 (omitted in the table below; Graviton and Axion families are arm64) */
  readonly architecture?: Architecture;
}

const f = (vcpu: number, memoryGiB: number, gpus = 0, gpuModel?: GpuType): MachineTypeFacts =>
  gpuModel ? { vcpu, memoryGiB, gpus, gpuModel } : { vcpu, memoryGiB, gpus };
const arm = (vcpu: number, memoryGiB: number): MachineTypeFacts => ({ vcpu, memoryGiB, gpus: 0, architecture: 'arm64' });

/** The sizes of a general-purpose family (`large` = 2 vCPU … `16xlarge` = 64), at `gibPerVcpu`. */
function awsFamily(family: string, gibPerVcpu: number, sizes: readonly string[], make = f): Record<string, MachineTypeFacts> {
  const vcpus: Record<string, number> = { large: 2, xlarge: 4, '2xlarge': 8, '4xlarge': 16, '8xlarge': 32, '12xlarge': 48, '16xlarge': 64, '24xlarge': 96, '48xlarge': 192 };
  return Object.fromEntries(sizes.map((size) => [`${family}.${size}`, make(vcpus[size]!, vcpus[size]! * gibPerVcpu)]));
}

/** A Google Cloud family's `-standard-N` / `-highmem-N` / `-highcpu-N` sizes. */
function gcpFamily(family: string, kind: 'standard' | 'highmem' | 'highcpu', gibPerVcpu: number, sizes: readonly number[], make = f): Record<string, MachineTypeFacts> {
  return Object.fromEntries(sizes.map((n) => [`${family}-${kind}-${n}`, make(n, n * gibPerVcpu)]));
}

const GENERAL_SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'] as const;

/**
 * The machine types Loom knows the size of. Quotas (Kueue) and capacity checks read from here;
 * add a type here (vCPU, GiB, GPUs, GPU model, from the cloud's documentation) before using it
 * where its size matters.
 */
export const MACHINE_TYPES: Readonly<Record<RegionalCloud, Readonly<Record<string, MachineTypeFacts>>>> = {
  // AWS: instance type pages (aws.amazon.com/ec2/instance-types), GPU counts from the accelerated
  // computing table. m: 4 GiB per vCPU, c: 2, r: 8; `g` families are Graviton (arm64).
  aws: {
    't3.medium': f(2, 4),
    't3.large': f(2, 8),
    't3.xlarge': f(4, 16),
    ...awsFamily('m7i', 4, GENERAL_SIZES),
    ...awsFamily('m6i', 4, GENERAL_SIZES),
    ...awsFamily('c7i', 2, GENERAL_SIZES),
    ...awsFamily('r7i', 8, GENERAL_SIZES),
    ...awsFamily('m7g', 4, GENERAL_SIZES, arm),
    ...awsFamily('c7g', 2, GENERAL_SIZES, arm),
    'g4dn.xlarge': f(4, 16, 1, 'nvidia-t4'),
    'g5.xlarge': f(4, 16, 1, 'nvidia-a10g'),
    'g5.2xlarge': f(8, 32, 1, 'nvidia-a10g'),
    'g5.4xlarge': f(16, 64, 1, 'nvidia-a10g'),
    'g5.12xlarge': f(48, 192, 4, 'nvidia-a10g'),
    'g5.48xlarge': f(192, 768, 8, 'nvidia-a10g'),
    'g6.xlarge': f(4, 16, 1, 'nvidia-l4'),
    'g6.2xlarge': f(8, 32, 1, 'nvidia-l4'),
    'g6.4xlarge': f(16, 64, 1, 'nvidia-l4'),
    'g6.12xlarge': f(48, 192, 4, 'nvidia-l4'),
    'g6.48xlarge': f(192, 768, 8, 'nvidia-l4'),
    'g6e.xlarge': f(4, 32, 1, 'nvidia-l40s'),
    'g6e.2xlarge': f(8, 64, 1, 'nvidia-l40s'),
    'g6e.12xlarge': f(48, 384, 4, 'nvidia-l40s'),
    'g6e.48xlarge': f(192, 1536, 8, 'nvidia-l40s'),
    'p4d.24xlarge': f(96, 1152, 8, 'nvidia-a100'),
    'p5.48xlarge': f(192, 2048, 8, 'nvidia-h100'),
    'p5e.48xlarge': f(192, 2048, 8, 'nvidia-h200'),
    'p5en.48xlarge': f(192, 2048, 8, 'nvidia-h200'),
  },
  // Google Cloud: machine families resource pages (cloud.google.com/compute/docs/machine-resource);
  // standard 4 GiB per vCPU, highmem 8, highcpu 1 (c3: 2); a3/g2 carry fixed GPU counts.
  gcp: {
    ...gcpFamily('e2', 'standard', 4, [2, 4, 8, 16, 32]),
    ...gcpFamily('n2', 'standard', 4, [2, 4, 8, 16, 32, 48, 64]),
    ...gcpFamily('n2', 'highmem', 8, [2, 4, 8, 16, 32]),
    ...gcpFamily('n4', 'standard', 4, [2, 4, 8, 16, 32, 48, 64, 80]),
    ...gcpFamily('n4', 'highmem', 8, [2, 4, 8, 16, 32]),
    ...gcpFamily('c3', 'standard', 4, [4, 8, 22, 44, 88, 176]),
    ...gcpFamily('c3', 'highmem', 8, [4, 8, 22, 44, 88, 176]),
    ...gcpFamily('c3', 'highcpu', 2, [4, 8, 22, 44, 88, 176]),
    ...gcpFamily('t2a', 'standard', 4, [1, 2, 4, 8, 16, 32, 48], (v, m) => arm(v, m)),
    'c2-standard-8': f(8, 32),
    'n1-standard-4': f(4, 15),
    'n1-standard-8': f(8, 30),
    'g2-standard-4': f(4, 16, 1, 'nvidia-l4'),
    'g2-standard-8': f(8, 32, 1, 'nvidia-l4'),
    'g2-standard-12': f(12, 48, 1, 'nvidia-l4'),
    'g2-standard-16': f(16, 64, 1, 'nvidia-l4'),
    'g2-standard-24': f(24, 96, 2, 'nvidia-l4'),
    'g2-standard-32': f(32, 128, 1, 'nvidia-l4'),
    'g2-standard-48': f(48, 192, 4, 'nvidia-l4'),
    'g2-standard-96': f(96, 384, 8, 'nvidia-l4'),
    'a2-highgpu-1g': f(12, 85, 1, 'nvidia-a100'),
    'a2-highgpu-8g': f(96, 680, 8, 'nvidia-a100'),
    'a2-ultragpu-1g': f(12, 170, 1, 'nvidia-a100-80gb'),
    'a3-highgpu-1g': f(26, 234, 1, 'nvidia-h100'),
    'a3-highgpu-2g': f(52, 468, 2, 'nvidia-h100'),
    'a3-highgpu-4g': f(104, 936, 4, 'nvidia-h100'),
    'a3-highgpu-8g': f(208, 1872, 8, 'nvidia-h100'),
    'a3-megagpu-8g': f(208, 1872, 8, 'nvidia-h100'),
    'a3-ultragpu-8g': f(224, 2952, 8, 'nvidia-h200'),
  },
};

/**
 * Machine types a spec describes itself (`machineTypes:` in platform.yaml), for types the
 * catalogue lacks; they take precedence over the catalogue.
 */
export type CustomMachineTypes = Readonly<Record<string, MachineTypeFacts>>;

/** Facts for a machine type (the spec's own description first), or undefined when neither lists it. */
export function machineTypeFacts(cloud: RegionalCloud, machineType: string, custom: CustomMachineTypes = {}): MachineTypeFacts | undefined {
  return custom[machineType] ?? MACHINE_TYPES[cloud][machineType];
}

/** A machine type's CPU architecture (x86_64 unless its facts say arm64). */
export function architectureOf(facts: MachineTypeFacts): Architecture {
  return facts.architecture ?? 'x86_64';
}

/**
 * The message for a machine type the catalogue lacks: where its facts go. Spec validation reports
 * it with the spec path in front; the plan throws it when asked for facts it does not have.
 */
export function notInCatalogueMessage(machineType: string): string {
  return `'${machineType}' is not in Loom's machine-type catalogue; describe it in the spec under machineTypes (e.g. machineTypes: { ${machineType}: { vcpu: 8, memoryGiB: 32, gpus: 0, architecture: x86_64 } }) or add it to MACHINE_TYPES in catalog/machine-types.ts`;
}

/** A machine type whose facts were needed but that {@link MACHINE_TYPES} does not list. */
export class UnknownMachineTypeError extends Error {
  constructor(
    /** The cloud whose catalogue was asked. */
    readonly cloud: RegionalCloud,
    /** The machine type it lacks. */
    readonly machineType: string,
    /** What needed the facts, e.g. `cluster 'training', pool 'gpu'`. */
    readonly where: string,
  ) {
    super(`${where}: ${notInCatalogueMessage(machineType)}`);
    this.name = 'UnknownMachineTypeError';
  }
}

/** Facts for a machine type; throws {@link UnknownMachineTypeError} naming where to add it. */
export function requireMachineTypeFacts(cloud: RegionalCloud, machineType: string, where: string, custom: CustomMachineTypes = {}): MachineTypeFacts {
  const facts = machineTypeFacts(cloud, machineType, custom);
  if (!facts) throw new UnknownMachineTypeError(cloud, machineType, where);
  return facts;
}
