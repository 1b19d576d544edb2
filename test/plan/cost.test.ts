/**
 * `loom cost`'s model (plan/cost.ts): each component's build and buy cost checked against a value
 * computed here from the price book's raw entries (a case per component and mode, on both clouds
 * and on existing clusters), the properties the model must keep (more brokers never cost less
 * bought; build equals buy at the pivot; a free labour rate moves every pivot towards build), and
 * the price book's regions.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MONITORING_PROFILES, resolvePlan, type PlatformPlan } from '../../plan';
import { componentCostAt, platformCost, type ComponentCost, type CostReport } from '../../plan/cost';
import { COMPONENT_SIZES, cpuCores, KAFKA_NODE_SIZES, memoryGiB } from '../../plan/footprints';
import { HOURS_PER_MONTH, lookupPrice, PRICE_BOOK, PriceBookError, priceRegions, type PricedCloud } from '../../catalog/prices';
import { USAGE_PROFILES } from '../../catalog/usage-profiles';
import { parseUsage, resolveUsage, type ResolvedUsage } from '../../schema/usage';
import { COMPONENTS, type ComponentName, type PlatformSpec } from '../../schema/schema';
import { specFromFile } from '../helpers/synth';

const H = HOURS_PER_MONTH;
const examples = join(__dirname, '..', '..', 'examples');
const specOf = (file: string) => specFromFile(join(examples, file));
const EXAMPLES = ['aws-platform.yaml', 'aws-buy-everything.yaml', 'gcp-platform.yaml', 'onprem-sovereign.yaml'] as const;

/** A price of the book's base region, read straight from the table. */
const P = (cloud: PricedCloud, key: string): number => {
  const fact = PRICE_BOOK[cloud].prices[key];
  if (!fact) throw new Error(`no ${key}`);
  return fact.value;
};
const medium = resolveUsage();
const RATE = USAGE_PROFILES.medium.labour.loadedYearlyCost / USAGE_PROFILES.medium.labour.productiveHoursPerYear;
const effort = (c: ComponentName) => USAGE_PROFILES.medium.effort[c];
const W = USAGE_PROFILES.medium.workload;
/** Built labour a month: operations (+ per unit), setup amortized, major upgrades. */
const builtLabour = (c: ComponentName, units = 0) =>
  (effort(c).opsHours + effort(c).opsHoursPerUnit * units) * RATE + (effort(c).setupHours * RATE) / USAGE_PROFILES.medium.amortizationMonths + (effort(c).upgradeHours * effort(c).upgradesPerYear * RATE) / 12;
const boughtLabour = (c: ComponentName) => effort(c).buyOpsHours * RATE;

const cache = new Map<string, { plan: PlatformPlan; report: CostReport }>();
function costed(file: string, usage: ResolvedUsage = medium): { plan: PlatformPlan; report: CostReport } {
  const key = `${file} ${JSON.stringify(usage)}`;
  if (!cache.has(key)) {
    const plan = resolvePlan(specOf(file));
    cache.set(key, { plan, report: platformCost(plan, usage) });
  }
  return cache.get(key)!;
}
const component = (r: CostReport, name: ComponentName): ComponentCost => r.components.find((c) => c.name === name)!;
/** Each line is rounded to the cent: a sum of n lines is within n half-cents of the exact figure. */
const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(0.06);

/** The share of a node a CPU pod group takes, ÷ utilisation, priced a month. */
const cpuShare = (replicas: number, size: { cpu: string; memory: string }, node: { vcpu: number; memoryGiB: number; hourly: number }) =>
  (replicas * Math.max(cpuCores(size.cpu) / node.vcpu, memoryGiB(size.memory) / node.memoryGiB) * node.hourly * H) / USAGE_PROFILES.medium.utilisation;

describe('build and buy, checked against the price book (aws-platform.yaml, us-east-1, medium usage)', () => {
  const r = () => costed('aws-platform.yaml').report;
  const apps = { vcpu: 4, memoryGiB: 16, hourly: P('aws', 'ec2.m7i.xlarge') };

  it('registry bought: ECR storage of the images stored, and an hour of operations', () => {
    near(component(r(), 'registry').buy!.monthly, W.registry.storedGb * P('aws', 'ecr.storage') + boughtLabour('registry'));
  });

  it('registry built: Harbor\'s requests on the apps nodes, its volumes, load balancer, bucket and labour', () => {
    const pods = Object.values(COMPONENT_SIZES.harbor).reduce((sum, s) => sum + cpuShare(1, s, apps), 0);
    const expected = pods + 8 * P('aws', 'ebs.gp3') + P('aws', 'nlb.hour') * H + W.registry.storedGb * P('aws', 's3.standard') + builtLabour('registry');
    near(component(r(), 'registry').build.monthly, expected);
  });

  it('tracking built: MLflow\'s replicas, RDS Multi-AZ (instance and storage twice), its secret, artifacts and labour', () => {
    const expected =
      cpuShare(2, COMPONENT_SIZES.mlflow, apps) +
      P('aws', 'nlb.hour') * H +
      2 * P('aws', 'rds.db.m7g.large') * H +
      2 * 100 * P('aws', 'rds.storage') +
      P('aws', 'secretsmanager.secret') +
      W.experimentTracking.artifactGb * P('aws', 's3.standard') +
      builtLabour('experimentTracking', W.experimentTracking.users);
    near(component(r(), 'experimentTracking').build.monthly, expected);
  });

  it('tracking bought: the SageMaker MLflow size the users need (30 users: Medium), artifacts and labour', () => {
    near(component(r(), 'experimentTracking').buy!.monthly, P('aws', 'sagemaker.mlflow.Medium') * H + W.experimentTracking.artifactGb * P('aws', 's3.standard') + boughtLabour('experimentTracking'));
  });

  it('feature store bought: write and read units, online GB, the offline bucket', () => {
    const f = W.featureStore;
    const expected =
      f.writesMillions * P('aws', 'sagemaker.featurestore.write') +
      f.lookupsMillions * P('aws', 'sagemaker.featurestore.read') +
      f.onlineGb * P('aws', 'sagemaker.featurestore.storage') +
      f.offlineGb * P('aws', 's3.standard') +
      boughtLabour('featureStore');
    near(component(r(), 'featureStore').buy!.monthly, expected);
  });

  it('feature store built: Feast, its PostgreSQL and two cache.m7g.large nodes (prod)', () => {
    const expected =
      cpuShare(2, COMPONENT_SIZES.feast, apps) +
      P('aws', 'nlb.hour') * H +
      2 * P('aws', 'rds.db.m7g.large') * H +
      2 * 100 * P('aws', 'rds.storage') +
      P('aws', 'secretsmanager.secret') +
      2 * P('aws', 'elasticache.cache.m7g.large') * H +
      W.featureStore.offlineGb * P('aws', 's3.standard') +
      builtLabour('featureStore');
    near(component(r(), 'featureStore').build.monthly, expected);
  });

  // ranker: 2–8 replicas, fraud: 2–4; the medium profile runs 10% of the month above the minimum.
  const replicas = [2 + 0.1 * 6, 2 + 0.1 * 2];

  it('serving built: each endpoint\'s average replicas at the predictor\'s requests, a load balancer each', () => {
    const expected = replicas.reduce((s, n) => s + cpuShare(n, COMPONENT_SIZES.kservePredictor, apps), 0) + 2 * P('aws', 'nlb.hour') * H + builtLabour('serving', 2);
    near(component(r(), 'serving').build.monthly, expected);
  });

  it('serving bought: the same replicas on ml.m5.xlarge', () => {
    near(component(r(), 'serving').buy!.monthly, (replicas[0]! + replicas[1]!) * P('aws', 'sagemaker.ml.m5.xlarge') * H + boughtLabour('serving'));
  });

  it('monitoring bought: AMP samples in two tiers, storage, a collector per cluster, Grafana users', () => {
    const samples = (W.monitoring.activeSeries * H * 3600) / 30; // prod scrapes every 30 s
    const expected =
      (2e9 / 1e7) * P('aws', 'amp.ingest.tier1') +
      ((samples - 2e9) / 1e7) * P('aws', 'amp.ingest.tier2') +
      ((samples * 2 * 5) / 1e9) * P('aws', 'amp.storage') +
      3 * P('aws', 'amp.collector') * H +
      (samples / 1e7) * P('aws', 'amp.collected') +
      W.monitoring.grafanaEditors * P('aws', 'amg.editor') +
      W.monitoring.grafanaViewers * P('aws', 'amg.viewer') +
      boughtLabour('monitoring');
    near(component(r(), 'monitoring').buy!.monthly, expected);
  });

  it('monitoring built: two Prometheus replicas on each cluster (the system pool\'s larger type where there is one) and their volumes', () => {
    const p = MONITORING_PROFILES.prod.prometheusResources;
    const events = { vcpu: 4, memoryGiB: 32, hourly: P('aws', 'ec2.r7i.xlarge') };
    // apps: its general pool (no system pool); events: its brokers pool; training (Karpenter): the system pool, m7i.xlarge with monitoring.
    const expected = cpuShare(2, p, apps) + cpuShare(2, p, events) + cpuShare(2, p, apps) + 3 * 2 * 100 * P('aws', 'ebs.gp3') + builtLabour('monitoring');
    near(component(r(), 'monitoring').build.monthly, expected);
  });

  it('pipelines bought on AWS: SageMaker Pipelines charges nothing itself — the artifact bucket and labour', () => {
    near(component(r(), 'pipelines').buy!.monthly, W.pipelines.artifactGb * P('aws', 's3.standard') + boughtLabour('pipelines'));
  });

  it('pipelines built: Argo\'s controller and server on the training cluster\'s m7i.large system nodes, its PostgreSQL and bucket', () => {
    const system = { vcpu: 2, memoryGiB: 8, hourly: P('aws', 'ec2.m7i.large') };
    const expected =
      cpuShare(2, COMPONENT_SIZES.argoController, system) +
      cpuShare(2, COMPONENT_SIZES.argoServer, system) +
      P('aws', 'nlb.hour') * H +
      2 * P('aws', 'rds.db.m7g.large') * H +
      2 * 100 * P('aws', 'rds.storage') +
      P('aws', 'secretsmanager.secret') +
      W.pipelines.artifactGb * P('aws', 's3.standard') +
      builtLabour('pipelines');
    near(component(r(), 'pipelines').build.monthly, expected);
  });

  it('streaming bought: MSK brokers of the environment\'s type and their storage', () => {
    near(component(r(), 'streaming').buy!.monthly, 3 * P('aws', 'msk.kafka.m7g.large') * H + 3 * 500 * P('aws', 'msk.storage') + boughtLabour('streaming'));
  });

  it('streaming built: Strimzi\'s operators, controllers and brokers on the r7i.xlarge broker nodes, volumes, labour per broker', () => {
    const node = { vcpu: 4, memoryGiB: 32, hourly: P('aws', 'ec2.r7i.xlarge') };
    const k = KAFKA_NODE_SIZES.prod;
    const expected =
      cpuShare(2, COMPONENT_SIZES.strimziOperator, node) +
      cpuShare(2, COMPONENT_SIZES.strimziEntityOperator, node) +
      cpuShare(3, k.controller, node) +
      cpuShare(3, k.broker, node) +
      (3 * 500 + 3 * 20) * P('aws', 'ebs.gp3') +
      P('aws', 'nlb.hour') * H +
      builtLabour('streaming', 3);
    near(component(r(), 'streaming').build.monthly, expected);
  });

  it('the shared step: three control planes, the training cluster\'s system nodes, interface endpoints, three NAT gateways, cluster operations', () => {
    // The example asks for interface endpoints: four services in each of its three zones.
    const expected = 3 * P('aws', 'eks.cluster') * H + 2 * P('aws', 'ec2.m7i.large') * H + 4 * 3 * P('aws', 'vpce.hour') * H + 3 * P('aws', 'nat.hour') * H + (45 + 2 * 15) * RATE;
    near(r().platform.shared.monthly, expected);
  });

  it('platform totals: the current mix pays the shared step once; everything bought pays none', () => {
    const { platform, components } = r();
    const chosen = components.map((c) => (c.mode === 'build' ? c.build : c.buy!).monthly);
    near(platform.alternatives.current, chosen.reduce((a, b) => a + b, 0) + platform.shared.monthly);
    near(platform.alternatives.allBuild, components.reduce((a, c) => a + c.build.monthly, 0) + platform.shared.monthly);
    near(platform.alternatives.allBuy!, components.reduce((a, c) => a + c.buy!.monthly, 0));
    near(platform.byStack.reduce((a, s) => a + s.monthly, 0), platform.monthly);
    expect(platform.byStack.map((s) => s.stack)).toEqual(['acme-network', 'acme-cluster-apps', 'acme-cluster-events', 'acme-cluster-training', 'acme-addons-apps', 'acme-services', 'labour']);
  });
});

describe('Google Cloud and existing clusters, checked against the price book', () => {
  it('feature store built on GCP: Cloud SQL REGIONAL (vCPU, memory and disk twice) and Memorystore Standard by its tier', () => {
    const c = component(costed('gcp-platform.yaml').report, 'featureStore');
    const sql = 2 * (2 * P('gcp', 'cloudsql.vcpu') + 7.5 * P('gcp', 'cloudsql.memory')) * H + 2 * 100 * P('gcp', 'cloudsql.storage');
    const cache = 5 * P('gcp', 'memorystore.standard.M2') * H;
    const lines = c.build.lines.filter((l) => /Cloud SQL|Memorystore/.test(l.item));
    near(lines.reduce((s, l) => s + l.monthly, 0), sql + cache);
  });

  it('pipelines bought on GCP: Vertex AI Pipelines per run', () => {
    near(component(costed('gcp-platform.yaml').report, 'pipelines').buy!.monthly, W.pipelines.runsPerMonth * P('gcp', 'vertex.pipelines.run') + W.pipelines.artifactGb * P('gcp', 'gcs.standard') + boughtLabour('pipelines'));
  });

  it('streaming bought on GCP: Managed Kafka\'s vCPUs (3 per broker), 4 GiB per vCPU and storage', () => {
    const vcpu = 9;
    near(
      component(costed('gcp-platform.yaml').report, 'streaming').buy!.monthly,
      vcpu * P('gcp', 'managedkafka.vcpu') * H + vcpu * 4 * P('gcp', 'managedkafka.memory') * H + 1500 * P('gcp', 'managedkafka.storage') + boughtLabour('streaming'),
    );
  });

  it('serving built on GCP: a GPU endpoint takes whole g2-standard-8 nodes of the training cluster\'s L4 pool', () => {
    const c = component(costed('gcp-platform.yaml').report, 'serving');
    const line = c.build.lines.find((l) => l.item.startsWith('endpoint embedder'))!;
    near(line.monthly, (2 + 0.1 * 4) * P('gcp', 'gce.g2-standard-8') * H);
  });

  it('existing clusters: capacity at the onPremises rates, nothing to buy, no pivot', () => {
    const { report } = costed('onprem-sovereign.yaml');
    const op = USAGE_PROFILES.medium.onPremises;
    const harbor = component(report, 'registry');
    const pods = Object.values(COMPONENT_SIZES.harbor).reduce((s, z) => s + (cpuCores(z.cpu) * op.vcpuMonth + memoryGiB(z.memory) * op.memoryGiBMonth) / USAGE_PROFILES.medium.utilisation, 0);
    const lines = harbor.build.lines.filter((l) => l.item.startsWith('Harbor ') && !l.item.includes('GB'));
    near(lines.reduce((s, l) => s + l.monthly, 0), pods);
    for (const c of report.components) {
      expect(c.buy).toBeNull();
      expect(c.pivot).toBeNull();
    }
    expect(report.platform.alternatives.allBuy).toBeNull();
    expect(report.region).toBe('on-premises');
  });
});

describe('properties', () => {
  it('more brokers never lower the streaming buy cost (MSK, Managed Kafka), nor more throughput MSK Serverless\'', () => {
    for (const file of ['aws-platform.yaml', 'gcp-platform.yaml', 'aws-buy-everything.yaml']) {
      const { plan } = costed(file);
      let last = -Infinity;
      for (let s = 1; s <= 60; s += 0.5) {
        const cost = componentCostAt(plan, medium, 'streaming', 'buy', s);
        expect(cost, `${file} at ${s}`).toBeGreaterThanOrEqual(last);
        last = cost;
      }
    }
  });

  it('at every pivot build equals buy within a cent — or a price step jumps over it', () => {
    let crossings = 0;
    for (const file of EXAMPLES.slice(0, 3)) {
      const { plan, report } = costed(file);
      for (const c of report.components) {
        const v = c.pivot?.value;
        if (v === null || v === undefined) continue;
        const at = (s: number, mode: 'build' | 'buy') => componentCostAt(plan, medium, c.name, mode, s);
        if (c.pivot!.kind === 'crossing') {
          crossings++;
          expect(Math.abs(at(v, 'build') - at(v, 'buy')), `${file} ${c.name} at ${v}`).toBeLessThan(0.01);
        } else {
          // A step: the cheaper option changes across the pivot.
          const below = Math.sign(at(v * 0.999, 'build') - at(v * 0.999, 'buy'));
          const above = Math.sign(at(v * 1.001, 'build') - at(v * 1.001, 'buy'));
          expect(below, `${file} ${c.name}`).not.toBe(above);
        }
        // Either side of the pivot, the option it names is cheaper.
        const cheaperBelow = at(v * 0.9, 'build') < at(v * 0.9, 'buy') ? 'build' : 'buy';
        expect(cheaperBelow, `${file} ${c.name}`).toBe(c.pivot!.cheaperBelow);
      }
    }
    expect(crossings).toBeGreaterThanOrEqual(8);
  });

  it('a labour rate of zero moves every pivot towards build (and ±50% brackets it)', () => {
    const free = resolveUsage(parseUsage({ labour: { hourlyRate: 0 } }));
    for (const file of EXAMPLES.slice(0, 3)) {
      const { plan, report } = costed(file);
      const atZero = costed(file, free).report;
      for (const c of report.components) {
        const p = c.pivot!;
        const z = component(atZero, c.name).pivot!;
        // Build's edge over buy grows at every scale when labour is free ...
        for (const s of [p.range[0], p.current, p.range[1] / 10]) {
          const gap = (u: ResolvedUsage) => componentCostAt(plan, u, c.name, 'build', s) - componentCostAt(plan, u, c.name, 'buy', s);
          expect(gap(free), `${file} ${c.name} at ${s}`).toBeLessThanOrEqual(gap(medium) + 1e-9);
        }
        // ... so where buy is cheaper below the pivot, the pivot comes down (or build wins throughout).
        if (p.cheaperBelow === 'buy' && p.value !== null) {
          if (z.value === null) expect(z.cheaperBelow, `${file} ${c.name}`).toBe('build');
          else if (z.cheaperBelow === 'buy') expect(z.value, `${file} ${c.name}`).toBeLessThanOrEqual(p.value);
          if (p.atRateMinus50 !== null) expect(p.atRateMinus50).toBeLessThanOrEqual(p.value);
          if (p.atRatePlus50 !== null) expect(p.atRatePlus50).toBeGreaterThanOrEqual(p.value);
        }
      }
    }
  });

  it('the spec\'s current choice is the one it prices, per component and in the totals', () => {
    const { report } = costed('aws-platform.yaml');
    expect(report.platform.byComponent).toEqual(report.components.map((c) => ({ name: c.name, mode: c.mode, monthly: (c.mode === 'build' ? c.build : c.buy!).monthly })));
  });
});

describe('the price book', () => {
  it('has the five regions the issue names, and each price a unit, a source, a date and a status', () => {
    expect(priceRegions('aws')).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
    expect(priceRegions('gcp')).toEqual(['us-central1', 'europe-west4']);
    for (const cloud of ['aws', 'gcp'] as const) {
      const tables = [PRICE_BOOK[cloud].prices, ...Object.values(PRICE_BOOK[cloud].regions).map((r) => r.prices)];
      for (const t of tables)
        for (const [key, fact] of Object.entries(t)) {
          expect(fact.value, key).toBeGreaterThanOrEqual(0);
          expect(fact.unit.length, key).toBeGreaterThan(0);
          expect(fact.source.length, key).toBeGreaterThan(10);
          expect(fact.date, key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(['verified', 'estimate'], key).toContain(fact.status);
        }
    }
  });

  it('carries a price to another region by its factor, marked an estimate, unless the region lists its own', () => {
    const base = PRICE_BOOK.aws.prices['rds.db.m7g.large']!.value;
    expect(lookupPrice('aws', 'eu-west-1', 'rds.db.m7g.large')).toMatchObject({ value: Math.round(base * 1.115 * 1e6) / 1e6, status: 'estimate', region: 'eu-west-1' });
    expect(lookupPrice('aws', 'eu-west-1', 'ec2.m6i.large')).toMatchObject({ value: 0.107, status: 'verified' });
    // us-west-2 equals us-east-1: checked for EC2 and ElastiCache, assumed for the rest.
    expect(lookupPrice('aws', 'us-west-2', 'ec2.t3.large')).toMatchObject({ value: PRICE_BOOK.aws.prices['ec2.t3.large']!.value, status: 'verified' });
    expect(lookupPrice('aws', 'us-west-2', 'nat.hour')).toMatchObject({ status: 'estimate' });
    // A global price is the same everywhere, with its own status.
    expect(lookupPrice('gcp', 'europe-west4', 'gke.cluster')).toMatchObject({ value: 0.1, status: 'verified' });
  });

  it('prices every example in every region of its cloud, with no machine type missing from the book', () => {
    for (const file of EXAMPLES.slice(0, 3)) {
      const spec = specOf(file);
      for (const region of priceRegions(spec.cloud as PricedCloud)) {
        const moved: PlatformSpec = { ...spec, region, dataResidency: undefined } as PlatformSpec;
        const report = platformCost(resolvePlan(moved), medium);
        expect(report.region).toBe(region);
        expect(report.warnings.filter((w) => /not in the price book/.test(w)), `${file} in ${region}`).toEqual([]);
        expect(report.components.map((c) => c.name)).toEqual(COMPONENTS.filter((c) => spec.components[c]));
      }
    }
  });

  it('refuses a region it has no prices for, naming the regions it has', () => {
    const spec = { ...specOf('aws-platform.yaml'), region: 'ap-south-1' } as PlatformSpec;
    expect(() => platformCost(resolvePlan(spec), medium)).toThrow(PriceBookError);
    expect(() => platformCost(resolvePlan(spec), medium)).toThrow(/no aws prices for 'ap-south-1'; it has us-east-1, us-west-2, eu-west-1/);
  });
});
