/**
 * What `loom cost` assumes about a platform's workload and its team when a usage file does not
 * say: three profiles (small, medium, large), each a complete set of inputs. A usage file picks a
 * profile (`size`) and overrides any field.
 *
 * These are assumptions, not facts: the labour hours are practitioner estimates (cost-facts.md §9
 * rates every one of them low to medium credibility, and none is measured), the workload figures
 * are round numbers for a team of the size. Override them with your own; the output says which
 * profile it used.
 */
import type { ComponentName } from '../schema/schema';

/** The platform sizes the profiles describe. */
export const USAGE_SIZES = ['small', 'medium', 'large'] as const;
/** One of {@link USAGE_SIZES}. */
export type UsageSize = (typeof USAGE_SIZES)[number];

/** The labour a component takes, in hours. */
export interface ComponentLabour {
  /** Operating it built, per month: upgrades of patch releases, incidents, tuning. */
  readonly opsHours: number;
  /** More operating hours per unit of its scale driver (per broker, per endpoint, …), per month. */
  readonly opsHoursPerUnit: number;
  /** Operating it bought, per month: IAM, configuration, client upgrades (cost-facts §11: 10–20% of built). */
  readonly buyOpsHours: number;
  /** Setting it up built, once (amortized over `amortizationMonths`). */
  readonly setupHours: number;
  /** One major upgrade, built. */
  readonly upgradeHours: number;
  /** Major upgrades a year, built. */
  readonly upgradesPerYear: number;
}

/** Registry workload. */
export interface RegistryWorkload {
  /** GB of images stored (the registry's scale driver). */
  readonly storedGb: number;
}
/** Experiment tracking workload. */
export interface TrackingWorkload {
  /** People logging runs (the scale driver). */
  readonly users: number;
  /** GB of artifacts in the object store. */
  readonly artifactGb: number;
}
/** Feature store workload. */
export interface FeatureStoreWorkload {
  /** Online lookups a month, millions (the scale driver). */
  readonly lookupsMillions: number;
  /** Online writes a month, millions. */
  readonly writesMillions: number;
  /** GB in the online store. */
  readonly onlineGb: number;
  /** GB in the offline store. */
  readonly offlineGb: number;
  /** KB per record (SageMaker bills a write unit per KB, a read unit per 4 KB). */
  readonly recordKb: number;
}
/** Serving workload (the endpoints and their replicas are the spec's). */
export interface ServingWorkload {
  /** The share of the month endpoints run at their maximum replicas rather than their minimum (0–1). */
  readonly burstShare: number;
}
/** Monitoring workload. */
export interface MonitoringWorkload {
  /** Active series over all clusters (the scale driver). */
  readonly activeSeries: number;
  /** Grafana editors (Amazon Managed Grafana bills per active user). */
  readonly grafanaEditors: number;
  /** Grafana viewers. */
  readonly grafanaViewers: number;
}
/** Pipelines workload. */
export interface PipelinesWorkload {
  /** Pipeline runs a month (the scale driver). */
  readonly runsPerMonth: number;
  /** GB of pipeline artifacts. */
  readonly artifactGb: number;
}
/** Streaming workload (brokers and storage are the spec's). */
export interface StreamingWorkload {
  /** MB/s produced (MSK Serverless' scale driver). */
  readonly ingressMBps: number;
  /** How many times each record is read. */
  readonly readFanout: number;
}
/** Workload of each component. */
export interface Workload {
  /** Registry. */
  readonly registry: RegistryWorkload;
  /** Experiment tracking. */
  readonly experimentTracking: TrackingWorkload;
  /** Feature store. */
  readonly featureStore: FeatureStoreWorkload;
  /** Serving. */
  readonly serving: ServingWorkload;
  /** Monitoring. */
  readonly monitoring: MonitoringWorkload;
  /** Pipelines. */
  readonly pipelines: PipelinesWorkload;
  /** Streaming. */
  readonly streaming: StreamingWorkload;
}

/** A whole set of usage inputs: what the {@link USAGE_PROFILES} hold and what a usage file resolves to. */
export interface UsageInputs {
  /** Labour cost. */
  readonly labour: {
    /** A platform engineer's loaded cost a year (salary, benefits, overhead), USD. */
    readonly loadedYearlyCost: number;
    /** Productive hours a year. */
    readonly productiveHoursPerYear: number;
  };
  /** Target utilisation of the nodes built components run on: their requests cost 1/utilisation of the capacity. */
  readonly utilisation: number;
  /** Months setup and adoption are amortized over. */
  readonly amortizationMonths: number;
  /** Operating the clusters a built component needs, per month: the first cluster, and each more one. */
  readonly clusterOperations: {
    /** Hours a month for the first cluster (cost-facts §9: 20–40% of an engineer for an EKS cluster). */
    readonly firstClusterHours: number;
    /** Hours a month for each further cluster (shared tooling, same upgrades). */
    readonly eachMoreClusterHours: number;
  };
  /** Labour per component. */
  readonly effort: Readonly<Record<ComponentName, ComponentLabour>>;
  /** Workload of each component: the scale drivers and what they store. */
  readonly workload: Workload;
  /** Existing clusters (cloud: kubernetes): what capacity costs you a month, per unit (hardware, power, space, amortized). */
  readonly onPremises: {
    /** Per vCPU a month. */
    readonly vcpuMonth: number;
    /** Per GiB of memory a month. */
    readonly memoryGiBMonth: number;
    /** Per GPU a month. */
    readonly gpuMonth: number;
    /** Per GB of block or object storage a month. */
    readonly storageGbMonth: number;
  };
}

const labour = (opsHours: number, opsHoursPerUnit: number, buyOpsHours: number, setupHours: number, upgradeHours: number, upgradesPerYear: number): ComponentLabour => ({
  opsHours,
  opsHoursPerUnit,
  buyOpsHours,
  setupHours,
  upgradeHours,
  upgradesPerYear,
});

/**
 * Labour of a medium platform, per component (cost-facts §9 and §11):
 * - registry (Harbor): a few hours a month, quarterly upgrades;
 * - tracking (MLflow): 4 h a month, 40 h setup, 80 h per major migration (engineersofai);
 * - feature store (Feast): under "30% of an engineer" (lillytechsystems), 160 h setup;
 * - serving (KServe): 20 h a month (cost-facts' illustrative pivot), half an hour per endpoint;
 * - monitoring (kube-prometheus-stack): 20 h a month (an SRE at part time, servers.expert);
 * - pipelines (Argo Workflows): 12 h a month;
 * - streaming (Strimzi): a quarter of an engineer (cost-facts' Kafka pivot), a quarter hour more per broker.
 * Bought, about 15% of the built hours.
 */
const MEDIUM_LABOUR: Readonly<Record<ComponentName, ComponentLabour>> = {
  registry: labour(6, 0, 1, 24, 8, 4),
  experimentTracking: labour(4, 0.05, 1, 40, 80, 1),
  featureStore: labour(20, 0, 3, 160, 24, 2),
  serving: labour(20, 0.5, 3, 60, 16, 4),
  monitoring: labour(20, 0, 3, 40, 8, 4),
  pipelines: labour(12, 0, 2, 60, 16, 2),
  streaming: labour(37.5, 0.25, 5, 80, 24, 3),
};

const scaled = (l: Readonly<Record<ComponentName, ComponentLabour>>, factor: number): Record<ComponentName, ComponentLabour> =>
  Object.fromEntries(Object.entries(l).map(([k, v]) => [k, { ...v, opsHours: v.opsHours * factor, buyOpsHours: v.buyOpsHours * factor }])) as Record<ComponentName, ComponentLabour>;

const COMMON = {
  // cost-facts §11: $180k a year over 1,800 productive hours ≈ $100/h.
  labour: { loadedYearlyCost: 180_000, productiveHoursPerYear: 1_800 },
  utilisation: 0.7,
  amortizationMonths: 24,
  // Owned hardware over three years, power and space: about half the cloud's on-demand price for
  // the same capacity (an estimate; your finance team has the real figure).
  onPremises: { vcpuMonth: 12, memoryGiBMonth: 1.5, gpuMonth: 700, storageGbMonth: 0.04 },
} as const;

/** The usage profiles: a complete set of inputs per platform size. */
export const USAGE_PROFILES: Readonly<Record<UsageSize, UsageInputs>> = {
  small: {
    ...COMMON,
    clusterOperations: { firstClusterHours: 30, eachMoreClusterHours: 10 },
    effort: scaled(MEDIUM_LABOUR, 0.6),
    workload: {
      registry: { storedGb: 50 },
      experimentTracking: { users: 8, artifactGb: 100 },
      featureStore: { lookupsMillions: 10, writesMillions: 5, onlineGb: 1, offlineGb: 50, recordKb: 1 },
      serving: { burstShare: 0 },
      monitoring: { activeSeries: 50_000, grafanaEditors: 2, grafanaViewers: 5 },
      pipelines: { runsPerMonth: 100, artifactGb: 50 },
      streaming: { ingressMBps: 1, readFanout: 2 },
    },
  },
  medium: {
    ...COMMON,
    clusterOperations: { firstClusterHours: 45, eachMoreClusterHours: 15 },
    effort: MEDIUM_LABOUR,
    workload: {
      registry: { storedGb: 500 },
      experimentTracking: { users: 30, artifactGb: 1_000 },
      featureStore: { lookupsMillions: 300, writesMillions: 100, onlineGb: 10, offlineGb: 500, recordKb: 1 },
      serving: { burstShare: 0.1 },
      monitoring: { activeSeries: 300_000, grafanaEditors: 5, grafanaViewers: 20 },
      pipelines: { runsPerMonth: 1_000, artifactGb: 500 },
      streaming: { ingressMBps: 10, readFanout: 3 },
    },
  },
  large: {
    ...COMMON,
    clusterOperations: { firstClusterHours: 60, eachMoreClusterHours: 20 },
    effort: scaled(MEDIUM_LABOUR, 1.5),
    workload: {
      registry: { storedGb: 5_000 },
      experimentTracking: { users: 100, artifactGb: 10_000 },
      featureStore: { lookupsMillions: 5_000, writesMillions: 1_000, onlineGb: 100, offlineGb: 5_000, recordKb: 1 },
      serving: { burstShare: 0.2 },
      monitoring: { activeSeries: 2_000_000, grafanaEditors: 15, grafanaViewers: 100 },
      pipelines: { runsPerMonth: 10_000, artifactGb: 5_000 },
      streaming: { ingressMBps: 50, readFanout: 3 },
    },
  },
};
