/**
 * Build versus buy, in money: what each component of a platform costs a month built (self-hosted
 * on the platform's clusters) and bought (the cloud's managed service), where along its scale
 * driver the two cost the same (the pivot), and the platform's totals — from the resolved plan,
 * the price book (catalog/prices.ts) and the usage inputs (schema/usage.ts). Pure: no cdktf, no
 * I/O.
 *
 * The model is cost-facts.md §11's:
 * - **build** = the nodes' share its pods' requests take (÷ target utilisation; GPU pods by their
 *   GPUs), its volumes, buckets, backing stores and load balancers, operations labour (hours ×
 *   rate, plus hours per unit of the scale driver), and setup and major upgrades amortized;
 * - **buy** = the managed service's fees for the usage, its buckets, and the (smaller) labour of
 *   running a managed service;
 * - **the shared platform step** = control planes, system nodes, NAT and cluster operations: paid
 *   once as soon as any component is built, shown apart, never spread over components. It is why
 *   small platforms should buy. Pivots compare a component alone, without it.
 *
 * Compute a workload needs either way (training steps, pipeline steps' pods) is not priced: it is
 * the same built or bought.
 */
import type { ComponentName, PlatformSpec } from '../schema/schema';
import type { ResolvedUsage } from '../schema/usage';
import { componentCluster, componentFlavours, GKE_SYSTEM_POOL, SYSTEM_POOL, type ClusterPlan, type PlatformPlan } from './index';
import { COMPONENT_PRODUCTS, implementationOf, MONITORING_PROFILES, type ComponentMode } from './components';
import { builtFootprint, COMPONENT_SIZES, INTERFACE_ENDPOINT_SERVICES, cpuCores, memoryGiB, MANAGED_KAFKA_GIB_PER_VCPU, MANAGED_KAFKA_MIN_VCPUS, MANAGED_KAFKA_VCPUS_PER_BROKER, MSK_INSTANCE_TYPES, type BuiltFootprint, type PodGroup } from './footprints';
import { familiesForGpu, machineTypeFacts, type GpuType } from '../catalog/machine-types';
import {
  HOURS_PER_MONTH,
  lookupPrice,
  memorystoreKey,
  PRICE_BOOK,
  PRICE_BOOK_DATE,
  PRICE_BOOK_VERSION,
  requirePriceRegion,
  SAGEMAKER_HOSTING_MARKUP,
  VERTEX_PREDICTION_MARKUP,
  type PricedCloud,
  type RegionalPrice,
} from '../catalog/prices';
import { boughtGpu, SAGEMAKER_CPU_INSTANCE, VERTEX_CPU_MACHINE } from '../schema/serving-rules';

/** One line of a cost: what, how much a month, and where the figure comes from. */
export interface CostLine {
  /** What is paid for. */
  readonly item: string;
  /** USD a month. */
  readonly monthly: number;
  /** The prices and inputs the figure is computed from. */
  readonly source: string;
  /** Whether the figure rests on an estimated price or an assumed input. */
  readonly estimate: boolean;
  /** The stack whose resources it pays for (`labour` for people's time). */
  readonly stack: string;
}

/** One option's monthly cost, in lines. */
export interface OptionCost {
  /** USD a month, the sum of the lines. */
  readonly monthly: number;
  /** Its lines. */
  readonly lines: readonly CostLine[];
}

/** Where along its scale driver a component costs the same built and bought. */
export interface Pivot {
  /** The scale driver, e.g. `brokers`. */
  readonly driver: string;
  /** Its unit. */
  readonly unit: string;
  /** The platform's value of the driver today. */
  readonly current: number;
  /** The value where build equals buy, or null when there is none in `range`. */
  readonly value: number | null;
  /** The pivot at half the labour rate. */
  readonly atRateMinus50: number | null;
  /** The pivot at one and a half times the labour rate. */
  readonly atRatePlus50: number | null;
  /** Which option is cheaper below the pivot (or over the whole range, without one). */
  readonly cheaperBelow: 'build' | 'buy';
  /** `crossing`: the costs are equal there (within a cent); `step`: a price step jumps over the other (a larger size of the service). */
  readonly kind: 'crossing' | 'step' | null;
  /** The range searched. */
  readonly range: readonly [number, number];
}

/** What a component is, built and bought. */
export interface ComponentProducts {
  /** The open-source product built. */
  readonly build: string;
  /** The managed service bought; null on existing clusters. */
  readonly buy: string | null;
}

/** A stack's share of the current mix. */
export interface StackCost {
  /** The stack (`labour` for people's time). */
  readonly stack: string;
  /** USD a month. */
  readonly monthly: number;
}

/** A component's share of the current mix. */
export interface ComponentMonthly {
  /** The component. */
  readonly name: ComponentName;
  /** The spec's choice. */
  readonly mode: ComponentMode;
  /** USD a month, as chosen. */
  readonly monthly: number;
}

/** The platform's total a month three ways. */
export interface CostAlternatives {
  /** The spec's mix. */
  readonly current: number;
  /** Everything built (with the shared step). */
  readonly allBuild: number;
  /** Everything bought (no shared step); null where nothing can be bought. */
  readonly allBuy: number | null;
}

/** The platform's totals. */
export interface PlatformTotals {
  /** The current mix, USD a month. */
  readonly monthly: number;
  /** The shared platform step (paid once when anything is built). */
  readonly shared: OptionCost;
  /** Whether the current mix pays the shared step. */
  readonly sharedIncluded: boolean;
  /** The current mix by stack, in apply order. */
  readonly byStack: readonly StackCost[];
  /** The current mix by component. */
  readonly byComponent: readonly ComponentMonthly[];
  /** The current mix, everything built, everything bought. */
  readonly alternatives: CostAlternatives;
}

/** The price book a report was computed with. */
export interface PriceBookRef {
  /** Its version. */
  readonly version: string;
  /** Its date. */
  readonly date: string;
}

/** The usage inputs a report was computed with. */
export interface UsageRef {
  /** The profile. */
  readonly size: string;
  /** Whether a usage file was given. */
  readonly fromFile: boolean;
  /** USD an hour of platform engineering. */
  readonly hourlyRate: number;
}

/** One component's costs. */
export interface ComponentCost {
  /** The component. */
  readonly name: ComponentName;
  /** The spec's choice. */
  readonly mode: ComponentMode;
  /** The products either way. */
  readonly products: ComponentProducts;
  /** Built. */
  readonly build: OptionCost;
  /** Bought; null where nothing can be bought (existing clusters). */
  readonly buy: OptionCost | null;
  /** The pivot; null where nothing can be bought. */
  readonly pivot: Pivot | null;
}

/** The whole report: the JSON contract of `loom cost --format json`. */
export interface CostReport {
  /** Always USD. */
  readonly currency: 'USD';
  /** The cloud. */
  readonly cloud: PlatformSpec['cloud'];
  /** The region priced (`on-premises` for existing clusters). */
  readonly region: string;
  /** The price book's version and date. */
  readonly priceBook: PriceBookRef;
  /** The usage inputs' profile, whether a file was given, and the labour rate. */
  readonly usage: UsageRef;
  /** Platform totals. */
  readonly platform: PlatformTotals;
  /** Per component. */
  readonly components: readonly ComponentCost[];
  /** What the figures rest on that deserves a second look. */
  readonly warnings: readonly string[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const money = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;
const H = HOURS_PER_MONTH;

/** Everything one evaluation of a cost needs. */
interface Ctx {
  readonly plan: PlatformPlan;
  readonly spec: PlatformSpec;
  readonly usage: ResolvedUsage;
  readonly rate: number;
  readonly cloud: PricedCloud | 'kubernetes';
  readonly region: string;
  readonly warnings: Set<string>;
}

/** Lines being collected for one option. */
class Lines {
  readonly lines: CostLine[] = [];
  constructor(private readonly defaultStack: string) {}
  add(item: string, monthly: number, source: string, estimate: boolean, stack = this.defaultStack): void {
    if (monthly === 0 && !item.startsWith('operations')) return;
    this.lines.push({ item, monthly: round2(monthly), source, estimate, stack });
  }
  result(): OptionCost {
    return { monthly: round2(this.lines.reduce((s, l) => s + l.monthly, 0)), lines: this.lines };
  }
  /** The unrounded sum (pivots search on it). */
  total(): number {
    return this.lines.reduce((s, l) => s + l.monthly, 0);
  }
}

function price(ctx: Ctx, key: string): RegionalPrice | undefined {
  if (ctx.cloud === 'kubernetes') return undefined;
  return lookupPrice(ctx.cloud, ctx.region, key);
}

const DESCRIBED = new WeakMap<RegionalPrice, string>();
/** `key $v/unit (status; source, date)`, once per price object. */
function describe(key: string, p: RegionalPrice): string {
  let d = DESCRIBED.get(p);
  if (d === undefined) {
    d = `${key} ${money(p.value)}/${p.unit} (${p.status}; ${p.source}, ${p.date})`;
    DESCRIBED.set(p, d);
  }
  return d;
}

/** A price that must exist (the book is checked by the tests to hold every key the model uses). */
function must(ctx: Ctx, key: string): RegionalPrice {
  const p = price(ctx, key);
  if (!p) throw new Error(`price book ${PRICE_BOOK_VERSION} has no '${key}' for ${ctx.cloud}`);
  return p;
}

/* ------------------------------------------------------------------------------------------- */
/* Nodes                                                                                       */
/* ------------------------------------------------------------------------------------------- */

/** A machine a component's pods are placed on, priced. */
interface PricedNode {
  readonly machineType: string;
  readonly hourly: number;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  readonly estimate: boolean;
  readonly source: string;
}

const machineKey = (cloud: PricedCloud, machineType: string) => `${cloud === 'aws' ? 'ec2' : 'gce'}.${machineType}`;

/** A machine type's price; one the book lacks is estimated from the book's reference machine per vCPU (and per GPU). */
function machinePrice(ctx: Ctx, machineType: string): PricedNode {
  const cloud = ctx.cloud as PricedCloud;
  const facts = machineTypeFacts(cloud, machineType, ctx.spec.machineTypes ?? {});
  const vcpu = facts?.vcpu ?? 2;
  const memoryGiB = facts?.memoryGiB ?? 8;
  const gpus = facts?.gpus ?? 0;
  const key = machineKey(cloud, machineType);
  const p = price(ctx, key);
  if (p) return { machineType, hourly: p.value, vcpu, memoryGiB, gpus, estimate: p.status === 'estimate', source: describe(key, p) };
  const refKey = cloud === 'aws' ? 'ec2.m7i.large' : 'gce.n2-standard-2';
  const gpuKey = cloud === 'aws' ? 'ec2.g5.xlarge' : 'gce.g2-standard-8';
  const ref = must(ctx, refKey);
  const perGpu = must(ctx, gpuKey).value;
  const hourly = (ref.value / 2) * vcpu + perGpu * gpus;
  ctx.warnings.add(`${machineType}: not in the price book; estimated as ${vcpu} vCPU at ${refKey}'s rate${gpus ? ` and ${gpus} GPU at ${gpuKey}'s` : ''} — add its price to catalog/prices.ts`);
  return { machineType, hourly, vcpu, memoryGiB, gpus, estimate: true, source: `${machineType} estimated: ${vcpu} × ${refKey}/2 vCPU${gpus ? ` + ${gpus} × ${gpuKey}` : ''}` };
}

/** The cluster a component runs on when built. */
function buildCluster(ctx: Ctx, name: ComponentName): ClusterPlan {
  const placed = ctx.plan.components.find((c) => c.name === name);
  if (placed?.mode === 'build' && placed.cluster) return ctx.plan.clusters.find((c) => c.name === placed.cluster)!;
  const chosen = componentCluster(ctx.plan, componentFlavours(name, 'build'), undefined);
  return chosen ?? ctx.plan.clusters[0]!;
}

/**
 * The machine CPU pods of a cluster are placed on: its first on-demand GPU-free pool, else its
 * first GPU-free pool (spot, priced on demand: the book has no spot prices), else its system pool.
 */
function cpuNode(ctx: Ctx, cluster: ClusterPlan): PricedNode {
  const pool = cluster.pools.find((p) => !p.gpu && !p.spot) ?? cluster.pools.find((p) => !p.gpu);
  if (pool?.spot) ctx.warnings.add(`cluster '${cluster.name}': components placed on spot pool '${pool.name}' are priced at on-demand rates (the price book has no spot prices) — an upper bound`);
  const machineType = pool?.machineTypes[0] ?? (ctx.cloud === 'aws' ? SYSTEM_POOL.machineType : GKE_SYSTEM_POOL.machineType);
  return machinePrice(ctx, machineType);
}

/** The machine GPU pods of `type` are placed on: the cluster's pool of that GPU, else the cloud's first priced machine with it. */
function gpuNode(ctx: Ctx, cluster: ClusterPlan, type: GpuType): PricedNode {
  const pool = cluster.pools.find((p) => p.gpu?.type === type);
  if (pool) return machinePrice(ctx, pool.machineTypes[0]!);
  const cloud = ctx.cloud as PricedCloud;
  const families = familiesForGpu(cloud, type);
  const candidates = Object.keys(PRICE_BOOK[cloud].prices)
    .filter((k) => k.startsWith(`${machineKey(cloud, '')}`))
    .map((k) => k.slice(4))
    .filter((mt) => families.some((f) => mt.startsWith(cloud === 'aws' ? `${f}.` : `${f}-`)));
  const machineType = candidates[0] ?? (cloud === 'aws' ? 'g5.xlarge' : 'g2-standard-8');
  ctx.warnings.add(`serving on ${type}: cluster '${cluster.name}' has no pool of it; priced on ${machineType}`);
  return machinePrice(ctx, machineType);
}

/** The monthly cost of pod groups on a cluster's nodes (every cluster's, for those that run on each), as lines. */
function podLines(ctx: Ctx, out: Lines, cluster: ClusterPlan, groups: readonly PodGroup[]): void {
  for (const g of groups) {
    for (const c of g.everyCluster ? ctx.plan.clusters : [cluster]) podLine(ctx, out, c, g);
  }
}

function podLine(ctx: Ctx, out: Lines, cluster: ClusterPlan, g: PodGroup): void {
  const u = ctx.usage.utilisation;
  const what = `${g.item}: ${fmt(g.replicas)} × ${fmtSize(g)}`;
  if (ctx.cloud === 'kubernetes') {
    const op = ctx.usage.onPremises;
    const monthly = g.replicas * ((g.cpu * op.vcpuMonth + g.memoryGiB * op.memoryGiBMonth) / u + (g.gpu?.count ?? 0) * op.gpuMonth);
    out.add(`${what} on ${cluster.name}`, monthly, `usage onPremises: $${op.vcpuMonth}/vCPU, $${op.memoryGiBMonth}/GiB${g.gpu ? `, $${op.gpuMonth}/GPU` : ''} a month, ÷ ${u} utilisation`, true);
    return;
  }
  const node = g.gpu
    ? gpuNode(ctx, cluster, g.gpu.type)
    : g.onSystemPool && cluster.systemPool
      ? machinePrice(ctx, g.largerSystemPool ? (ctx.cloud === 'aws' ? SYSTEM_POOL.monitoringMachineType : GKE_SYSTEM_POOL.monitoringMachineType) : cluster.systemPool.machineTypes[0]!)
      : cpuNode(ctx, cluster);
  // GPU pods take nodes by their GPUs; CPU pods share nodes, with headroom (÷ utilisation).
  const share = g.gpu
    ? Math.max(g.gpu.count / Math.max(node.gpus, 1), g.cpu / node.vcpu, g.memoryGiB / node.memoryGiB)
    : Math.max(g.cpu / node.vcpu, g.memoryGiB / node.memoryGiB) / u;
  out.add(
    `${what} = ${fmt(g.replicas * share)} ${node.machineType} on ${cluster.name}`,
    g.replicas * share * node.hourly * H,
    `${g.gpu ? 'GPUs requested ÷ GPUs per node' : `max(vCPU, memory) requested ÷ node's, ÷ ${u} utilisation`}; ${node.source}`,
    node.estimate,
  );
}

const fmtSize = (g: PodGroup) => `${fmt(g.cpu)} vCPU ${fmt(g.memoryGiB)} GiB${g.gpu ? ` ${g.gpu.count} GPU` : ''}`;

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 1 ? 3 : 2));

/* ------------------------------------------------------------------------------------------- */
/* Storage, stores, load balancers, labour                                                     */
/* ------------------------------------------------------------------------------------------- */

function blockStorage(ctx: Ctx, out: Lines, item: string, gb: number): void {
  if (gb <= 0) return;
  if (ctx.cloud === 'kubernetes') {
    out.add(`${item}: ${fmt(gb)} GB`, gb * ctx.usage.onPremises.storageGbMonth, `usage onPremises: $${ctx.usage.onPremises.storageGbMonth}/GB a month`, true);
    return;
  }
  const key = ctx.cloud === 'aws' ? 'ebs.gp3' : 'pd.balanced';
  const p = must(ctx, key);
  out.add(`${item}: ${fmt(gb)} GB`, gb * p.value, describe(key, p), p.status === 'estimate');
}

function objectStorage(ctx: Ctx, out: Lines, item: string, gb: number): void {
  if (gb <= 0) return;
  if (ctx.cloud === 'kubernetes') {
    out.add(`${item}: ${fmt(gb)} GB (your object store)`, gb * ctx.usage.onPremises.storageGbMonth, `usage onPremises: $${ctx.usage.onPremises.storageGbMonth}/GB a month`, true);
    return;
  }
  const key = ctx.cloud === 'aws' ? 's3.standard' : 'gcs.standard';
  const p = must(ctx, key);
  out.add(`${item}: ${fmt(gb)} GB`, gb * p.value, `${describe(key, p)}; GB from usage`, true, ctx.plan.stacks.services);
}

function loadBalancers(ctx: Ctx, out: Lines, n: number): void {
  if (n <= 0 || ctx.cloud === 'kubernetes') return;
  const key = ctx.cloud === 'aws' ? 'nlb.hour' : 'lb.rule';
  const p = must(ctx, key);
  out.add(`internal load balancer${n === 1 ? '' : 's'}: ${n}`, n * p.value * H, `${describe(key, p)} × ${H} h`, p.status === 'estimate');
}

function database(ctx: Ctx, out: Lines, fp: BuiltFootprint, cluster: ClusterPlan): void {
  const db = fp.database;
  if (!db) return;
  const copies = db.highAvailability ? 2 : 1;
  const ha = db.highAvailability ? ' (high availability: × 2)' : '';
  const services = ctx.plan.stacks.services;
  if (ctx.cloud === 'kubernetes') {
    podLines(ctx, out, cluster, [{ item: 'PostgreSQL (CloudNativePG)', replicas: db.instances, cpu: cpuCores(COMPONENT_SIZES.postgresInstance.cpu), memoryGiB: memoryGiB(COMPONENT_SIZES.postgresInstance.memory) }]);
    blockStorage(ctx, out, 'PostgreSQL volumes', db.storageGb * db.instances);
    return;
  }
  if (ctx.cloud === 'aws') {
    const key = `rds.${db.instanceClass}`;
    const p = price(ctx, key);
    if (p) out.add(`RDS PostgreSQL ${db.instanceClass}${ha}`, copies * p.value * H, describe(key, p), p.status === 'estimate', services);
    else {
      ctx.warnings.add(`${db.instanceClass}: not in the price book (RDS); its instance is not priced — add rds.${db.instanceClass} to catalog/prices.ts`);
    }
    const s = must(ctx, 'rds.storage');
    out.add(`RDS storage: ${db.storageGb} GB${ha}`, copies * db.storageGb * s.value, describe('rds.storage', s), s.status === 'estimate', services);
    const sec = must(ctx, 'secretsmanager.secret');
    out.add('database password secret', sec.value, describe('secretsmanager.secret', sec), sec.status === 'estimate', services);
    return;
  }
  const m = /^db-custom-(\d+)-(\d+)$/.exec(db.instanceClass ?? '');
  const vcpu = m ? Number(m[1]) : 2;
  const memGb = m ? Number(m[2]) / 1024 : 7.5;
  const cpuP = must(ctx, 'cloudsql.vcpu');
  const memP = must(ctx, 'cloudsql.memory');
  out.add(`Cloud SQL ${db.instanceClass}${ha}`, copies * (vcpu * cpuP.value + memGb * memP.value) * H, `${vcpu} × ${describe('cloudsql.vcpu', cpuP)} + ${fmt(memGb)} × ${describe('cloudsql.memory', memP)}`, true, services);
  const s = must(ctx, 'cloudsql.storage');
  out.add(`Cloud SQL storage: ${db.storageGb} GB${ha}`, copies * db.storageGb * s.value, describe('cloudsql.storage', s), s.status === 'estimate', services);
  const sec = must(ctx, 'secretmanager.version');
  out.add('database password secret', sec.value, describe('secretmanager.version', sec), sec.status === 'estimate', services);
}

function keyValue(ctx: Ctx, out: Lines, fp: BuiltFootprint, cluster: ClusterPlan): void {
  const kv = fp.keyValue;
  if (!kv) return;
  const services = ctx.plan.stacks.services;
  if (ctx.cloud === 'kubernetes') {
    podLines(ctx, out, cluster, [{ item: 'Valkey (online store)', replicas: kv.nodes, cpu: cpuCores(COMPONENT_SIZES.valkey.cpu), memoryGiB: memoryGiB(COMPONENT_SIZES.valkey.memory) }]);
    blockStorage(ctx, out, 'Valkey volumes', kv.storageGi * kv.nodes);
    return;
  }
  if (ctx.cloud === 'aws') {
    const key = `elasticache.${kv.nodeType}`;
    const p = price(ctx, key);
    if (p) out.add(`ElastiCache for Valkey ${kv.nodeType}: ${kv.nodes} node${kv.nodes === 1 ? '' : 's'}`, kv.nodes * p.value * H, describe(key, p), p.status === 'estimate', services);
    else ctx.warnings.add(`${kv.nodeType}: not in the price book (ElastiCache); the online store is not priced — add ${key} to catalog/prices.ts`);
    return;
  }
  const key = memorystoreKey(kv.highAvailability ? 'standard' : 'basic', kv.memorySizeGb ?? 1);
  const p = must(ctx, key);
  out.add(`Memorystore for Redis ${kv.memorySizeGb} GB (${kv.highAvailability ? 'Standard' : 'Basic'})`, (kv.memorySizeGb ?? 1) * p.value * H, describe(key, p), p.status === 'estimate', services);
}

function labourLines(ctx: Ctx, out: Lines, name: ComponentName, mode: ComponentMode, units: number, unitName: string): void {
  const e = ctx.usage.effort[name];
  const r = ctx.rate;
  const rateText = `$${fmt(r)}/h (usage ${ctx.usage.size}${ctx.usage.fromFile ? ' + file' : ''})`;
  if (mode === 'buy') {
    out.add(`operations: ${fmt(e.buyOpsHours)} h a month`, e.buyOpsHours * r, `${fmt(e.buyOpsHours)} h × ${rateText}`, true, 'labour');
    return;
  }
  const hours = e.opsHours + e.opsHoursPerUnit * units;
  out.add(
    `operations: ${fmt(hours)} h a month`,
    hours * r,
    `(${fmt(e.opsHours)} h${e.opsHoursPerUnit ? ` + ${e.opsHoursPerUnit} h × ${fmt(units)} ${unitName}` : ''}) × ${rateText}`,
    true,
    'labour',
  );
  out.add(`setup: ${fmt(e.setupHours)} h over ${ctx.usage.amortizationMonths} months`, (e.setupHours * r) / ctx.usage.amortizationMonths, `${fmt(e.setupHours)} h × ${rateText} ÷ ${ctx.usage.amortizationMonths}`, true, 'labour');
  out.add(`major upgrades: ${fmt(e.upgradesPerYear)} × ${fmt(e.upgradeHours)} h a year`, (e.upgradeHours * e.upgradesPerYear * r) / 12, `${fmt(e.upgradeHours)} h × ${fmt(e.upgradesPerYear)} ÷ 12 × ${rateText}`, true, 'labour');
}

/* ------------------------------------------------------------------------------------------- */
/* Scale drivers                                                                                */
/* ------------------------------------------------------------------------------------------- */

/** A component's scale driver: what it is, its unit, the range a pivot is searched in, and today's value. */
interface Driver {
  readonly driver: string;
  readonly unit: string;
  readonly range: readonly [number, number];
  current(ctx: Ctx): number;
}

/** An endpoint's replicas on average: its minimum, plus the usage's share of the month at its maximum. */
const averageReplicas = (ctx: Ctx, e: { minReplicas: number; maxReplicas: number }) => e.minReplicas + ctx.usage.workload.serving.burstShare * (e.maxReplicas - e.minReplicas);
const totalServingReplicas = (ctx: Ctx) => (ctx.spec.components.serving?.endpoints ?? []).reduce((n, e) => n + averageReplicas(ctx, e), 0);

const DRIVERS: Readonly<Record<ComponentName, Driver>> = {
  registry: { driver: 'images stored', unit: 'GB', range: [0, 1_000_000], current: (c) => c.usage.workload.registry.storedGb },
  experimentTracking: { driver: 'users', unit: 'users', range: [1, 2_000], current: (c) => c.usage.workload.experimentTracking.users },
  featureStore: { driver: 'online lookups', unit: 'million lookups a month', range: [0, 1_000_000], current: (c) => c.usage.workload.featureStore.lookupsMillions },
  serving: { driver: 'endpoint replicas (average)', unit: 'replicas', range: [0, 1_000], current: totalServingReplicas },
  monitoring: { driver: 'active series', unit: 'series', range: [0, 100_000_000], current: (c) => c.usage.workload.monitoring.activeSeries },
  pipelines: { driver: 'pipeline runs', unit: 'runs a month', range: [0, 10_000_000], current: (c) => c.usage.workload.pipelines.runsPerMonth },
  streaming: { driver: 'brokers', unit: 'brokers', range: [1, 300], current: (c) => c.spec.components.streaming?.brokers ?? 3 },
};

/** The driver of streaming bought as MSK Serverless: throughput, not brokers. */
const SERVERLESS_DRIVER: Driver = { driver: 'throughput produced', unit: 'MB/s', range: [0, 2_000], current: (c) => c.usage.workload.streaming.ingressMBps };

const driverOf = (ctx: Ctx, name: ComponentName): Driver => (name === 'streaming' && ctx.cloud === 'aws' && ctx.spec.components.streaming?.serverless ? SERVERLESS_DRIVER : DRIVERS[name]);

/** Seconds in a month of {@link HOURS_PER_MONTH}. */
const SECONDS_PER_MONTH = H * 3600;
/** Prometheus memory per active series (head block and indexes): about 4 KiB (a rule of thumb of Prometheus operators). */
const PROMETHEUS_BYTES_PER_SERIES = 4096;
/** Bytes a compressed sample takes on disk (Prometheus documents 1–2). */
const BYTES_PER_SAMPLE = 2;
/** AMP keeps samples 150 days by default: about five months stored. */
const AMP_RETENTION_MONTHS = 5;
/** AMP's first tier: 2 billion samples a month. */
const AMP_TIER1_SAMPLES = 2e9;

const scrapeSeconds = (ctx: Ctx) => Number(MONITORING_PROFILES[ctx.spec.environment].scrapeInterval.replace(/s$/, ''));

/* ------------------------------------------------------------------------------------------- */
/* Build                                                                                        */
/* ------------------------------------------------------------------------------------------- */

function buildCost(ctx: Ctx, name: ComponentName, s: number): Lines {
  const cluster = buildCluster(ctx, name);
  const out = new Lines(cluster.addonsStackName);
  const w = ctx.usage.workload;
  const clusters = ctx.plan.clusters.length;
  let fp: BuiltFootprint;
  let units = 0;
  let unitName = '';
  switch (name) {
    case 'serving': {
      // Each endpoint at its average replicas, all scaled to s in total (as the bought ones).
      fp = builtFootprint(ctx.spec, name);
      const endpoints = ctx.spec.components.serving?.endpoints ?? [];
      const total = totalServingReplicas(ctx);
      const pods = endpoints.length
        ? fp.pods.map((g, i) => ({ ...g, replicas: total > 0 ? (averageReplicas(ctx, endpoints[i]!) * s) / total : 0 }))
        : [{ item: 'endpoint replicas', replicas: s, cpu: cpuCores(COMPONENT_SIZES.kservePredictor.cpu), memoryGiB: memoryGiB(COMPONENT_SIZES.kservePredictor.memory) }];
      fp = { ...fp, pods };
      units = ctx.spec.components.serving?.endpoints.length ?? 0;
      unitName = 'endpoints';
      break;
    }
    case 'streaming':
      fp = builtFootprint(ctx.spec, name, driverOf(ctx, name) === SERVERLESS_DRIVER ? undefined : s);
      units = driverOf(ctx, name) === SERVERLESS_DRIVER ? (ctx.spec.components.streaming?.brokers ?? 3) : s;
      unitName = 'brokers';
      break;
    case 'experimentTracking': {
      fp = builtFootprint(ctx.spec, name);
      // One server replica per 50 users beyond the spec's (MLflow is stateless; its database carries the load).
      const needed = Math.max(fp.pods[0]!.replicas, s / 50);
      fp = { ...fp, pods: [{ ...fp.pods[0]!, replicas: needed }] };
      units = s;
      unitName = 'users';
      break;
    }
    case 'featureStore': {
      fp = builtFootprint(ctx.spec, name);
      // A Feast feature server replica serves about 500 lookups/s (≈ 1,300 million a month).
      const needed = Math.max(fp.pods[0]!.replicas, s / 1_300);
      fp = { ...fp, pods: [{ ...fp.pods[0]!, replicas: needed }] };
      break;
    }
    case 'monitoring': {
      fp = builtFootprint(ctx.spec, name);
      const base = fp.pods[0]!;
      const perClusterSeries = s / clusters;
      // Memory grows with the series; a vCPU per 8 GiB of it (ingestion and rule evaluation).
      const memory = Math.max(base.memoryGiB, (perClusterSeries * PROMETHEUS_BYTES_PER_SERIES) / 2 ** 30);
      const retentionDays = Number(MONITORING_PROFILES[ctx.spec.environment].retention.replace(/d$/, ''));
      const diskGb = Math.max(fp.volumes[0]!.gb / base.replicas, (perClusterSeries * (86_400 / scrapeSeconds(ctx)) * retentionDays * BYTES_PER_SAMPLE) / 1e9);
      fp = { ...fp, pods: [{ ...base, memoryGiB: memory, cpu: Math.max(base.cpu, memory / 8) }], volumes: [{ ...fp.volumes[0]!, gb: diskGb * base.replicas }] };
      break;
    }
    default:
      fp = builtFootprint(ctx.spec, name);
  }
  podLines(ctx, out, cluster, fp.pods);
  for (const v of fp.volumes) blockStorage(ctx, out, v.item, v.gb * (v.everyCluster ? clusters : 1));
  loadBalancers(ctx, out, fp.loadBalancers);
  database(ctx, out, fp, cluster);
  keyValue(ctx, out, fp, cluster);
  const objectGb: Partial<Record<ComponentName, number>> = {
    registry: name === 'registry' ? s : 0,
    experimentTracking: w.experimentTracking.artifactGb,
    featureStore: w.featureStore.offlineGb,
    pipelines: w.pipelines.artifactGb,
  };
  if (fp.buckets.length) objectStorage(ctx, out, `${fp.buckets.join(', ')} bucket`, objectGb[name] ?? 0);
  else if (name === 'registry' && ctx.cloud === 'kubernetes') blockStorage(ctx, out, 'images beyond the volume', Math.max(0, s - (fp.volumes[1]?.gb ?? 0)));
  labourLines(ctx, out, name, 'build', units, unitName);
  return out;
}

/* ------------------------------------------------------------------------------------------- */
/* Buy                                                                                          */
/* ------------------------------------------------------------------------------------------- */

/** SageMaker managed MLflow sizes by the users they serve (AWS's guidance). */
const MLFLOW_SIZE_USERS = [
  ['Small', 25],
  ['Medium', 50],
  ['Large', 100],
] as const;

function buyCost(ctx: Ctx, name: ComponentName, s: number): Lines {
  const cloud = ctx.cloud as PricedCloud;
  const out = new Lines(ctx.plan.stacks.services);
  const w = ctx.usage.workload;
  const add = (item: string, key: string, quantity: number, qText: string) => {
    const p = must(ctx, key);
    out.add(item, quantity * p.value, `${qText} × ${describe(key, p)}`, p.status === 'estimate' || qText.includes('usage'));
  };
  switch (name) {
    case 'registry':
      add(`${cloud === 'aws' ? 'ECR' : 'Artifact Registry'} storage: ${fmt(s)} GB`, cloud === 'aws' ? 'ecr.storage' : 'artifactregistry.storage', s, `${fmt(s)} GB (usage)`);
      break;
    case 'experimentTracking': {
      if (cloud === 'aws') {
        const specSize = ctx.spec.components.experimentTracking?.trackingServerSize ?? 'Small';
        const minIndex = MLFLOW_SIZE_USERS.findIndex(([n]) => n === specSize);
        const fits = MLFLOW_SIZE_USERS.findIndex(([, u]) => s <= u);
        if (fits < 0) {
          const servers = Math.ceil(s / 100);
          add(`SageMaker MLflow tracking servers: ${servers} × Large`, 'sagemaker.mlflow.Large', servers * H, `${servers} × ${H} h`);
        } else {
          const size = MLFLOW_SIZE_USERS[Math.max(minIndex, fits)]![0];
          if (s === DRIVERS.experimentTracking.current(ctx) && fits > minIndex && ctx.plan.components.some((c) => c.name === 'experimentTracking' && c.mode === 'buy')) ctx.warnings.add(`experimentTracking: ${fmt(s)} users need a ${size} tracking server; the spec asks for ${specSize} (trackingServerSize) — priced as ${size}`);
          add(`SageMaker MLflow tracking server ${size}`, `sagemaker.mlflow.${size}`, H, `${H} h`);
        }
      } else {
        add(`Vertex ML Metadata: ${fmt(s * 0.1)} GiB (0.1 GiB per user, assumed)`, 'vertex.metadata.storage', s * 0.1, `${fmt(s * 0.1)} GiB (usage)`);
        if (ctx.spec.components.experimentTracking?.tensorboard) {
          const gb = w.experimentTracking.artifactGb * 0.01;
          add(`Vertex AI TensorBoard: ${fmt(gb)} GiB (1% of the artifacts, assumed)`, 'vertex.tensorboard.storage', gb, `${fmt(gb)} GiB (usage)`);
        }
      }
      objectStorage(ctx, out, 'artifacts bucket', w.experimentTracking.artifactGb);
      break;
    }
    case 'featureStore': {
      const f = w.featureStore;
      if (cloud === 'aws') {
        const wru = f.writesMillions * Math.ceil(f.recordKb);
        const rru = s * Math.ceil(f.recordKb / 4);
        add(`Feature Store writes: ${fmt(wru)} million write units`, 'sagemaker.featurestore.write', wru, `${fmt(wru)} M (usage)`);
        add(`Feature Store reads: ${fmt(rru)} million read units`, 'sagemaker.featurestore.read', rru, `${fmt(rru)} M (usage)`);
        add(`Feature Store online storage: ${fmt(f.onlineGb)} GB`, 'sagemaker.featurestore.storage', f.onlineGb, `${fmt(f.onlineGb)} GB (usage)`);
        objectStorage(ctx, out, 'offline store bucket', f.offlineGb);
      } else {
        const c = ctx.spec.components.featureStore;
        if (c?.onlineServing === 'bigtable') {
          const nodes = Math.max(c.bigtableNodes.min, Math.min(c.bigtableNodes.max, s / 2_600));
          add(`Bigtable online serving: ${fmt(nodes)} nodes`, 'bigtable.node', nodes * H, `${fmt(nodes)} nodes × ${H} h (usage)`);
        } else {
          // An optimized serving node: about 1,000 lookups/s (≈ 2,600 million a month), one at least.
          const nodes = Math.max(1, s / 2_600);
          add(`Vertex AI Feature Store optimized serving: ${fmt(nodes)} nodes`, 'vertex.featurestore.optimized', nodes * H, `${fmt(nodes)} nodes × ${H} h (usage)`);
        }
        add(`Feature Store online storage: ${fmt(f.onlineGb)} GiB`, 'vertex.featurestore.storage', f.onlineGb, `${fmt(f.onlineGb)} GiB (usage)`);
        add(`BigQuery offline store: ${fmt(f.offlineGb)} GB`, 'bigquery.storage', f.offlineGb, `${fmt(f.offlineGb)} GB (usage)`);
      }
      break;
    }
    case 'serving': {
      const endpoints = ctx.spec.components.serving?.endpoints ?? [];
      const total = totalServingReplicas(ctx);
      const scale = total > 0 ? s / total : 0;
      const list = endpoints.length ? endpoints : [];
      for (const e of list) {
        const replicas = averageReplicas(ctx, e) * scale;
        const { key, p } = managedInstance(ctx, e.gpu);
        out.add(`endpoint ${e.name}: ${fmt(replicas)} × ${key.split('.').slice(1).join('.')}`, replicas * p.value * H, `${fmt(replicas)} × ${H} h × ${describe(key, p)}`, p.status === 'estimate');
      }
      if (!list.length && s > 0) {
        const { key, p } = managedInstance(ctx, undefined);
        out.add(`${fmt(s)} CPU endpoint replicas`, s * p.value * H, `${fmt(s)} × ${H} h × ${describe(key, p)}`, p.status === 'estimate');
      }
      break;
    }
    case 'monitoring': {
      const samples = s * (SECONDS_PER_MONTH / scrapeSeconds(ctx));
      if (cloud === 'aws') {
        const t1 = Math.min(samples, AMP_TIER1_SAMPLES);
        const t2 = Math.max(0, samples - AMP_TIER1_SAMPLES);
        add(`AMP ingestion: ${fmtBig(t1)} samples (first tier)`, 'amp.ingest.tier1', t1 / 1e7, `${fmtBig(t1)} / 10M (usage series × scrapes)`);
        if (t2 > 0) add(`AMP ingestion: ${fmtBig(t2)} samples (second tier)`, 'amp.ingest.tier2', t2 / 1e7, `${fmtBig(t2)} / 10M (usage)`);
        const storedGb = (samples * BYTES_PER_SAMPLE * AMP_RETENTION_MONTHS) / 1e9;
        add(`AMP storage: ${fmt(storedGb)} GB (150 days)`, 'amp.storage', storedGb, `${fmt(storedGb)} GB (usage)`);
        const clusters = ctx.plan.clusters.length;
        add(`AMP managed collectors: ${clusters}`, 'amp.collector', clusters * H, `${clusters} × ${H} h`);
        add(`AMP samples collected: ${fmtBig(samples)}`, 'amp.collected', samples / 1e7, `${fmtBig(samples)} / 10M (usage)`);
        add(`Managed Grafana editors: ${w.monitoring.grafanaEditors}`, 'amg.editor', w.monitoring.grafanaEditors, `${w.monitoring.grafanaEditors} (usage)`);
        add(`Managed Grafana viewers: ${w.monitoring.grafanaViewers}`, 'amg.viewer', w.monitoring.grafanaViewers, `${w.monitoring.grafanaViewers} (usage)`);
      } else {
        add(`Managed Service for Prometheus: ${fmtBig(samples)} samples`, 'gmp.samples', samples / 1e6, `${fmtBig(samples)} / 1M (usage series × scrapes)`);
      }
      break;
    }
    case 'pipelines':
      if (cloud === 'gcp') add(`Vertex AI Pipelines: ${fmt(s)} runs`, 'vertex.pipelines.run', s, `${fmt(s)} runs (usage)`);
      objectStorage(ctx, out, 'pipeline artifacts bucket', w.pipelines.artifactGb);
      break;
    case 'streaming': {
      const c = ctx.spec.components.streaming;
      if (cloud === 'aws' && c?.serverless) {
        const partitions = c.topics.reduce((n, t) => n + t.partitions, 0);
        const inGb = (s * SECONDS_PER_MONTH) / 1000;
        const outGb = inGb * w.streaming.readFanout;
        add('MSK Serverless cluster', 'msk.serverless.cluster', H, `${H} h`);
        add(`MSK Serverless partitions: ${partitions}`, 'msk.serverless.partition', partitions * H, `${partitions} × ${H} h`);
        add(`MSK Serverless data in: ${fmt(inGb)} GB`, 'msk.serverless.in', inGb, `${fmt(inGb)} GB (usage MB/s)`);
        add(`MSK Serverless data out: ${fmt(outGb)} GB`, 'msk.serverless.out', outGb, `${fmt(outGb)} GB (usage × fan-out)`);
      } else if (cloud === 'aws') {
        const type = MSK_INSTANCE_TYPES[ctx.spec.environment];
        add(`MSK brokers: ${fmt(s)} × ${type}`, `msk.${type}`, s * H, `${fmt(s)} × ${H} h`);
        const gb = s * (c?.storageGb ?? 500);
        add(`MSK broker storage: ${fmt(gb)} GB`, 'msk.storage', gb, `${fmt(gb)} GB`);
      } else {
        // Managed Kafka's capacity for s brokers' worth (continuous in s, so that a pivot can be found).
        const vcpu = Math.max(MANAGED_KAFKA_MIN_VCPUS, s * MANAGED_KAFKA_VCPUS_PER_BROKER);
        const gib = vcpu * MANAGED_KAFKA_GIB_PER_VCPU;
        add(`Managed Kafka: ${fmt(vcpu)} vCPU`, 'managedkafka.vcpu', vcpu * H, `${fmt(vcpu)} × ${H} h`);
        add(`Managed Kafka: ${fmt(gib)} GiB memory`, 'managedkafka.memory', gib * H, `${fmt(gib)} × ${H} h`);
        const gb = s * (c?.storageGb ?? 500);
        add(`Managed Kafka storage: ${fmt(gb)} GiB`, 'managedkafka.storage', gb, `${fmt(gb)} GiB`);
      }
      break;
    }
  }
  labourLines(ctx, out, name, 'buy', 0, '');
  return out;
}

const fmtBig = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : fmt(n));

/** The managed instance a bought endpoint runs on, priced: SageMaker's or Vertex AI's, by its GPU. */
function managedInstance(ctx: Ctx, gpu: { type: GpuType; count: number } | undefined): { key: string; p: RegionalPrice } {
  const cloud = ctx.cloud as PricedCloud;
  const verdict = gpu ? boughtGpu(cloud, gpu) : undefined;
  const instance = verdict && 'instance' in verdict ? verdict.instance : cloud === 'aws' ? SAGEMAKER_CPU_INSTANCE : VERTEX_CPU_MACHINE;
  if (cloud === 'aws') {
    const key = `sagemaker.${instance}`;
    const own = price(ctx, key);
    if (own) return { key, p: own };
    const ec2 = machinePrice(ctx, instance.replace(/^ml\./, ''));
    return { key, p: { value: ec2.hourly * SAGEMAKER_HOSTING_MARKUP, unit: 'instance-hour', source: `${SAGEMAKER_HOSTING_MARKUP} × EC2 (SageMaker hosting markup, cost-facts §6); ${ec2.source}`, date: PRICE_BOOK_DATE, status: 'estimate', region: ctx.region } };
  }
  const gce = machinePrice(ctx, instance);
  return {
    key: `vertex.${instance}`,
    p: { value: gce.hourly * VERTEX_PREDICTION_MARKUP, unit: 'node-hour', source: `${VERTEX_PREDICTION_MARKUP} × Compute Engine (cost-facts §6, unverified); ${gce.source}`, date: PRICE_BOOK_DATE, status: 'estimate', region: ctx.region },
  };
}

/* ------------------------------------------------------------------------------------------- */
/* The shared step, pivots, the report                                                          */
/* ------------------------------------------------------------------------------------------- */

function sharedStep(ctx: Ctx): OptionCost {
  const out = new Lines(ctx.plan.stacks.network);
  const { plan } = ctx;
  if (ctx.cloud !== 'kubernetes') {
    const cpKey = ctx.cloud === 'aws' ? 'eks.cluster' : 'gke.cluster';
    const cp = must(ctx, cpKey);
    for (const c of plan.clusters) {
      out.add(`${c.name}: control plane`, cp.value * H, `${describe(cpKey, cp)} × ${H} h`, cp.status === 'estimate', c.stackName);
      if (c.systemPool) {
        const node = machinePrice(ctx, c.systemPool.machineTypes[0]!);
        out.add(`${c.name}: system nodes ${c.systemPool.desiredNodes} × ${node.machineType}`, c.systemPool.desiredNodes * node.hourly * H, node.source, node.estimate, c.stackName);
      }
    }
    if (ctx.cloud === 'aws') {
      if (plan.network?.interfaceEndpoints) {
        const n = INTERFACE_ENDPOINT_SERVICES.length * plan.zones.length;
        const ep = must(ctx, 'vpce.hour');
        out.add(`interface VPC endpoints: ${INTERFACE_ENDPOINT_SERVICES.length} × ${plan.zones.length} zones`, n * ep.value * H, `${n} × ${describe('vpce.hour', ep)} × ${H} h (data processed not priced)`, ep.status === 'estimate');
      }
      const gateways = plan.network?.natGateways === 'per-zone' ? plan.zones.length : 1;
      const nat = must(ctx, 'nat.hour');
      out.add(`NAT gateways: ${gateways}`, gateways * nat.value * H, `${gateways} × ${describe('nat.hour', nat)} × ${H} h (data processed not priced)`, nat.status === 'estimate');
    } else {
      const vms = Math.min(32, plan.clusters.reduce((n, c) => n + (c.systemPool?.desiredNodes ?? 0) + c.pools.reduce((m, p) => m + p.minNodes, 0), 0));
      const nat = must(ctx, 'nat.vm-hour');
      out.add(`Cloud NAT: ${vms} VMs`, vms * nat.value * H, `${vms} × ${describe('nat.vm-hour', nat)} × ${H} h (data processed not priced)`, nat.status === 'estimate');
    }
  }
  const co = ctx.usage.clusterOperations;
  const hours = plan.clusters.length ? co.firstClusterHours + (plan.clusters.length - 1) * co.eachMoreClusterHours : 0;
  out.add(`cluster operations: ${fmt(hours)} h a month (${plan.clusters.length} clusters)`, hours * ctx.rate, `(${co.firstClusterHours} h + ${co.eachMoreClusterHours} h × ${plan.clusters.length - 1}) × $${fmt(ctx.rate)}/h`, true, 'labour');
  return out.result();
}

const buyable = (ctx: Ctx) => ctx.cloud !== 'kubernetes';

function findPivot(ctx: Ctx, name: ComponentName, rate: number): { value: number | null; cheaperBelow: 'build' | 'buy'; kind: 'crossing' | 'step' | null } {
  const c = { ...ctx, rate, warnings: new Set<string>() };
  const d = driverOf(ctx, name);
  const diff = (s: number) => buildCost(c, name, s).total() - buyCost(c, name, s).total();
  const [lo, hi] = d.range;
  // Sample the range (linearly at its low end, then geometrically), find the first sign change.
  const points: number[] = [];
  for (let i = 0; i <= 20; i++) points.push(lo + ((Math.min(hi, lo + 100) - lo) * i) / 20);
  const start = Math.max(lo + 100, 1);
  for (let x = start * 1.2; x < hi; x *= 1.2) points.push(x);
  points.push(hi);
  let prevX = points[0]!;
  let prev = diff(prevX);
  const cheaperBelow = prev <= 0 ? 'build' : 'buy';
  for (const x of points.slice(1)) {
    const v = diff(x);
    if (v === 0 || Math.sign(v) !== Math.sign(prev)) {
      let a = prevX;
      let b = x;
      let fa = prev;
      for (let i = 0; i < 200 && b - a > 1e-9 * Math.max(1, b); i++) {
        const m = (a + b) / 2;
        const fm = diff(m);
        if (Math.abs(fm) < 0.001) return { value: m, cheaperBelow, kind: 'crossing' };
        if (Math.sign(fm) === Math.sign(fa)) {
          a = m;
          fa = fm;
        } else b = m;
      }
      const m = (a + b) / 2;
      return { value: m, cheaperBelow, kind: Math.abs(diff(m)) < 0.01 ? 'crossing' : 'step' };
    }
    prevX = x;
    prev = v;
  }
  return { value: null, cheaperBelow, kind: null };
}

const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

/** The costs of every component of the spec, the shared step and the platform's totals. */
export function platformCost(plan: PlatformPlan, usage: ResolvedUsage): CostReport {
  const spec = plan.spec;
  const cloud = spec.cloud;
  const region = cloud === 'kubernetes' ? 'on-premises' : spec.region!;
  if (cloud !== 'kubernetes') requirePriceRegion(cloud, region);
  const ctx: Ctx = { plan, spec, usage, rate: usage.hourlyRate, cloud, region, warnings: new Set() };
  if (cloud === 'kubernetes') ctx.warnings.add('cloud: kubernetes — nothing can be bought on existing clusters; capacity is priced at the usage file\'s onPremises rates (estimates until you give yours)');

  const components: ComponentCost[] = plan.components.map((pc) => {
    const d = driverOf(ctx, pc.name);
    const current = d.current(ctx);
    const build = buildCost(ctx, pc.name, current).result();
    const buy = buyable(ctx) ? buyCost(ctx, pc.name, current).result() : null;
    const products = COMPONENT_PRODUCTS[pc.name];
    let pivot: Pivot | null = null;
    if (buy) {
      const at = findPivot(ctx, pc.name, ctx.rate);
      pivot = {
        driver: d.driver,
        unit: d.unit,
        current: round4(current),
        value: at.value,
        atRateMinus50: findPivot(ctx, pc.name, ctx.rate * 0.5).value,
        atRatePlus50: findPivot(ctx, pc.name, ctx.rate * 1.5).value,
        cheaperBelow: at.cheaperBelow,
        kind: at.kind,
        range: d.range,
      };
    }
    return {
      name: pc.name,
      mode: pc.mode,
      products: { build: products.build, buy: cloud === 'kubernetes' ? null : products[implementationOf('buy', cloud)] },
      build,
      buy,
      pivot,
    };
  });

  const shared = sharedStep(ctx);
  const anyBuilt = components.some((c) => c.mode === 'build');
  const chosen = (c: ComponentCost) => (c.mode === 'build' ? c.build : c.buy!);
  const sum = (xs: readonly number[]) => round2(xs.reduce((a, b) => a + b, 0));
  const current = sum([...components.map((c) => chosen(c).monthly), anyBuilt ? shared.monthly : 0]);
  const allBuild = sum([...components.map((c) => c.build.monthly), shared.monthly]);
  const allBuy = buyable(ctx) ? sum(components.map((c) => c.buy!.monthly)) : null;

  // By stack, in apply order (network, clusters, add-ons, services), then people's time.
  const order = [plan.stacks.network, ...plan.clusters.map((c) => c.stackName), ...plan.clusters.map((c) => c.addonsStackName), plan.stacks.services, 'labour'];
  const byStack = new Map<string, number>(order.map((s) => [s, 0]));
  for (const l of [...components.flatMap((c) => chosen(c).lines), ...(anyBuilt ? shared.lines : [])]) byStack.set(l.stack, (byStack.get(l.stack) ?? 0) + l.monthly);
  const estimates = components.flatMap((c) => chosen(c).lines).filter((l) => l.estimate && l.stack !== 'labour').length;
  if (estimates) ctx.warnings.add(`${estimates} lines of the current mix rest on estimated prices or assumed usage (marked ~); check them against your bill`);

  return {
    currency: 'USD',
    cloud,
    region,
    priceBook: { version: PRICE_BOOK_VERSION, date: PRICE_BOOK_DATE },
    usage: { size: usage.size, fromFile: usage.fromFile, hourlyRate: round2(usage.hourlyRate) },
    platform: {
      monthly: current,
      shared,
      sharedIncluded: anyBuilt,
      byStack: [...byStack].filter(([, m]) => m > 0).map(([stack, monthly]) => ({ stack, monthly: round2(monthly) })),
      byComponent: components.map((c) => ({ name: c.name, mode: c.mode, monthly: chosen(c).monthly })),
      alternatives: { current, allBuild, allBuy },
    },
    components,
    warnings: [...ctx.warnings],
  };
}

/** The monthly cost of one component as `mode` at driver value `s` (for tests and what-ifs). */
export function componentCostAt(plan: PlatformPlan, usage: ResolvedUsage, name: ComponentName, mode: ComponentMode, s: number, rate = usage.hourlyRate): number {
  const ctx: Ctx = { plan, spec: plan.spec, usage, rate, cloud: plan.spec.cloud, region: plan.spec.region ?? 'on-premises', warnings: new Set() };
  return (mode === 'build' ? buildCost(ctx, name, s) : buyCost(ctx, name, s)).total();
}
