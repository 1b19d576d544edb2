/**
 * The usage file of `loom cost --usage FILE`: the workload and labour inputs of the build-vs-buy
 * model. It picks a profile (`size`: small, medium, large — catalog/usage-profiles.ts) and
 * overrides any of its fields; every field left out is the profile's. Problems are reported like
 * the spec's: every one at once, `<path>: <problem and fix>`.
 */
import { readFileSync } from 'node:fs';
import './zod-locales';
import { z } from 'zod';
import { USAGE_PROFILES, USAGE_SIZES, type ComponentLabour, type UsageInputs, type UsageSize } from '../catalog/usage-profiles';
import { COMPONENTS, type ComponentName } from './schema';
import { sortIssues, SpecValidationError } from './issues';
import { parseSpecText, SpecInputError } from './load';
import { fromZodIssues } from './zod-issues';

// Problems are worded by the spec's reporter (schema/zod-issues.ts: `<path>: must be >= 0, got …`);
// each number carries its unit as its description.
const nonNegative = (unit: string) => z.number().min(0).describe(unit);
const positive = (unit: string) => z.number().gt(0).describe(unit);

/** A component's labour, hours (`components.<name>` of the usage file). */
export const componentLabourSchema = z.strictObject({
  /** Hours a month operating it built. */
  opsHours: nonNegative('hours a month').optional(),
  /** More hours a month per unit of its scale driver, built. */
  opsHoursPerUnit: nonNegative('hours a month per unit').optional(),
  /** Hours a month operating it bought. */
  buyOpsHours: nonNegative('hours a month').optional(),
  /** Hours to set it up built, once. */
  setupHours: nonNegative('hours').optional(),
  /** Hours per major upgrade, built. */
  upgradeHours: nonNegative('hours').optional(),
  /** Major upgrades a year. */
  upgradesPerYear: nonNegative('upgrades a year').max(52).optional(),
});

/** `workload.registry`. */
export const registryWorkloadSchema = z.strictObject({
  /** GB of images stored. */
  storedGb: nonNegative('GB').optional(),
});
/** `workload.experimentTracking`. */
export const trackingWorkloadSchema = z.strictObject({
  /** People logging runs. */
  users: nonNegative('users').optional(),
  /** GB of artifacts. */
  artifactGb: nonNegative('GB').optional(),
});
/** `workload.featureStore`. */
export const featureStoreWorkloadSchema = z.strictObject({
  /** Online lookups a month, millions. */
  lookupsMillions: nonNegative('millions a month').optional(),
  /** Online writes a month, millions. */
  writesMillions: nonNegative('millions a month').optional(),
  /** GB in the online store. */
  onlineGb: nonNegative('GB').optional(),
  /** GB in the offline store. */
  offlineGb: nonNegative('GB').optional(),
  /** KB per record. */
  recordKb: positive('KB').optional(),
});
/** `workload.serving`. */
export const servingWorkloadSchema = z.strictObject({
  /** The share of the month endpoints run at their maximum replicas (0–1). */
  burstShare: nonNegative('share of the month').max(1).optional(),
});
/** `workload.monitoring`. */
export const monitoringWorkloadSchema = z.strictObject({
  /** Active series over all clusters. */
  activeSeries: nonNegative('series').optional(),
  /** Grafana editors. */
  grafanaEditors: z.int().min(0).optional(),
  /** Grafana viewers. */
  grafanaViewers: z.int().min(0).optional(),
});
/** `workload.pipelines`. */
export const pipelinesWorkloadSchema = z.strictObject({
  /** Pipeline runs a month. */
  runsPerMonth: nonNegative('runs a month').optional(),
  /** GB of artifacts. */
  artifactGb: nonNegative('GB').optional(),
});
/** `workload.streaming`. */
export const streamingWorkloadSchema = z.strictObject({
  /** MB/s produced. */
  ingressMBps: nonNegative('MB/s').optional(),
  /** Times each record is read. */
  readFanout: nonNegative('reads per record').optional(),
});

/** The workload figures, by component (`workload.<name>`). */
export const workloadSchema = z.strictObject({
  /** Registry. */
  registry: registryWorkloadSchema.optional(),
  /** Experiment tracking. */
  experimentTracking: trackingWorkloadSchema.optional(),
  /** Feature store. */
  featureStore: featureStoreWorkloadSchema.optional(),
  /** Serving. */
  serving: servingWorkloadSchema.optional(),
  /** Monitoring. */
  monitoring: monitoringWorkloadSchema.optional(),
  /** Pipelines. */
  pipelines: pipelinesWorkloadSchema.optional(),
  /** Streaming. */
  streaming: streamingWorkloadSchema.optional(),
});

/** `labour`: the rate is `hourlyRate`, else `loadedYearlyCost / productiveHoursPerYear`. */
export const labourSchema = z.strictObject({
  /** A platform engineer's loaded cost a year, USD. */
  loadedYearlyCost: nonNegative('USD a year').optional(),
  /** Productive hours a year. */
  productiveHoursPerYear: positive('hours a year').max(8760).optional(),
  /** The loaded rate per hour directly, USD (overrides the two above). */
  hourlyRate: nonNegative('USD an hour').optional(),
});

/** `clusterOperations`: hours a month operating the clusters a built component needs. */
export const clusterOperationsSchema = z.strictObject({
  /** Hours a month for the first cluster. */
  firstClusterHours: nonNegative('hours a month').optional(),
  /** Hours a month for each further cluster. */
  eachMoreClusterHours: nonNegative('hours a month').optional(),
});

/** `onPremises`: what capacity costs a month on existing clusters, per unit. */
export const onPremisesSchema = z.strictObject({
  /** USD per vCPU a month. */
  vcpuMonth: nonNegative('USD per vCPU a month').optional(),
  /** USD per GiB of memory a month. */
  memoryGiBMonth: nonNegative('USD per GiB a month').optional(),
  /** USD per GPU a month. */
  gpuMonth: nonNegative('USD per GPU a month').optional(),
  /** USD per GB of storage a month. */
  storageGbMonth: nonNegative('USD per GB a month').optional(),
});

/** `components`: labour per component. */
export const componentsLabourSchema = z.strictObject(
  Object.fromEntries(COMPONENTS.map((c) => [c, componentLabourSchema.optional()])) as Record<ComponentName, z.ZodOptional<typeof componentLabourSchema>>,
);

/** The usage file. */
export const usageSchema = z.strictObject({
  /**
   * The profile every field left out comes from.
   * @default medium
   */
  size: z.enum(USAGE_SIZES).default('medium'),
  /** Labour cost. */
  labour: labourSchema.optional(),
  /** Target utilisation of the nodes built components run on (0–1]. */
  utilisation: positive('a share of the node').max(1).optional(),
  /** Months setup is amortized over. */
  amortizationMonths: z.int().min(1).max(120).optional(),
  /** Hours a month operating the clusters a built component needs. */
  clusterOperations: clusterOperationsSchema.optional(),
  /** Labour per component. */
  components: componentsLabourSchema.optional(),
  /** Workload figures per component. */
  workload: workloadSchema.optional(),
  /** Existing clusters: what capacity costs a month, per unit. */
  onPremises: onPremisesSchema.optional(),
});
/** A usage file as written. */
export type UsageFileInput = z.input<typeof usageSchema>;
/** A validated usage file. */
export type UsageFile = z.infer<typeof usageSchema>;

/** Usage inputs in effect: a profile with the file's overrides, and the labour rate. */
export interface ResolvedUsage extends UsageInputs {
  /** The profile the inputs start from. */
  readonly size: UsageSize;
  /** USD per hour of platform engineering. */
  readonly hourlyRate: number;
  /** Whether a usage file was given (else the profile alone). */
  readonly fromFile: boolean;
}

const defined = <T extends object>(o: T | undefined): Partial<T> => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The inputs in effect for a validated usage file (`undefined`: the medium profile alone). */
export function resolveUsage(file?: UsageFile): ResolvedUsage {
  const size = file?.size ?? 'medium';
  const p = USAGE_PROFILES[size];
  const labour = { ...p.labour, ...defined(file?.labour) };
  const workload = Object.fromEntries(
    Object.entries(p.workload).map(([k, v]) => [k, { ...v, ...defined((file?.workload as Record<string, object> | undefined)?.[k]) }]),
  ) as unknown as UsageInputs['workload'];
  const effort = Object.fromEntries(COMPONENTS.map((c) => [c, { ...p.effort[c], ...defined(file?.components?.[c]) }])) as Record<ComponentName, ComponentLabour>;
  const hourlyRate = file?.labour?.hourlyRate ?? labour.loadedYearlyCost / labour.productiveHoursPerYear;
  return {
    size,
    fromFile: file !== undefined,
    labour: { loadedYearlyCost: labour.loadedYearlyCost, productiveHoursPerYear: labour.productiveHoursPerYear },
    hourlyRate,
    utilisation: file?.utilisation ?? p.utilisation,
    amortizationMonths: file?.amortizationMonths ?? p.amortizationMonths,
    clusterOperations: { ...p.clusterOperations, ...defined(file?.clusterOperations) },
    effort,
    workload,
    onPremises: { ...p.onPremises, ...defined(file?.onPremises) },
  };
}

/** Validates usage data: the file, or every problem with its path (thrown as {@link SpecValidationError}). */
export function parseUsage(input: unknown, source = 'usage file'): UsageFile {
  const parsed = usageSchema.safeParse(input ?? {}, { reportInput: true });
  if (!parsed.success) throw new SpecValidationError(sortIssues(fromZodIssues(parsed.error.issues, usageSchema)), source);
  return parsed.data;
}

/** Reads and validates a usage file (YAML or JSON). */
export function loadUsageFile(file: string): UsageFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
    if (text.trim() === '') return parseUsage({}, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SpecInputError(`${file}: cannot read the usage file (${code === 'ENOENT' ? 'no such file' : String((e as Error).message)})`);
  }
  return parseUsage(parseSpecText(text, file), file);
}
