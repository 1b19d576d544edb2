/**
 * The price book: every unit price `loom cost` uses, versioned, with its unit, source, date and
 * status, written once. Public on-demand list prices in USD; a month is 730 hours (the convention
 * Infracost uses). Compiled from `../shared/guides/cost-facts.md` (the sources it names: KARP =
 * Karpenter's generated EC2 price table, CYC = the Cloud Billing catalogue export of
 * Cyclenerd/google-cloud-pricing-cost-calculator, IC = Infracost's golden test outputs) and the
 * regional tables of the same sources.
 *
 * Status: `verified` is read from a machine-generated price catalogue or an official pricing page
 * (or computed from one, arithmetic given); `estimate` is everything else — secondary sources,
 * conflicting ones, and prices carried to another region by a regional factor. `loom cost` flags
 * every line that rests on an estimate.
 *
 * Each cloud has a base region holding every price; another region lists what its own tables say
 * and takes the rest from the base region times the region's factor (documented below), marked
 * as an estimate. Prices the cloud charges the same everywhere are `global`. A region not listed
 * here has no prices: `loom cost` says so and names the regions the book has.
 */

/** Whether a price was read from the provider's own tables, or is an estimate. */
export type PriceStatus = 'verified' | 'estimate';

/** One unit price. */
export interface PriceFact {
  /** USD per `unit`. */
  readonly value: number;
  /** What one unit is, e.g. `hour`, `GB-month`, `million reads`. */
  readonly unit: string;
  /** Where the price comes from (source id of cost-facts.md, table or page, and what was read). */
  readonly source: string;
  /** The date the source states for the price. */
  readonly date: string;
  /** `verified` or `estimate`. */
  readonly status: PriceStatus;
  /** The same price in every region (no regional factor applies). */
  readonly global?: boolean;
}

/** A price as looked up for one region: the fact, and the region it was read or derived for. */
export interface RegionalPrice extends PriceFact {
  /** The region the price applies to. */
  readonly region: string;
}

/** The clouds with prices. */
export type PricedCloud = 'aws' | 'gcp';

/** One region's own prices and the factor for the rest. */
export interface RegionPrices {
  /** Multiplier on the base region's price for items this region does not list. */
  readonly factor: number;
  /** How the factor was derived. */
  readonly factorBasis: string;
  /** Keys (by prefix) whose base price the region's own tables were checked to equal (factor 1 only): they keep the base status. */
  readonly verifiedPrefixes: readonly string[];
  /** Prices read for this region. */
  readonly prices: Readonly<Record<string, PriceFact>>;
}

/** One cloud's book: its base region's prices and the other regions. */
export interface CloudPrices {
  /** The region every price is given for. */
  readonly baseRegion: string;
  /** The base region's prices, by key. */
  readonly prices: Readonly<Record<string, PriceFact>>;
  /** The other regions the book has. */
  readonly regions: Readonly<Record<string, RegionPrices>>;
}

const KARP = 'KARP: aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go (6fc13b5236fd)';
const KARP_DATE = '2026-07-20';
const CYC = 'CYC: Cyclenerd/google-cloud-pricing-cost-calculator pricing.yml (fd66b26ff84f), field hour';
const CYC_DATE = '2026-07-30';
const SKY_DATE = '2026-07-20';

const LC = 'LeanerCloud/ec2-instances-info data/elasticache-instances.json (f9eafba8b0c9), Valkey on-demand';
const LC_DATE = '2025-04-24';
const SKY = 'skypilot-org/skypilot-catalog catalogs/v8/aws/vms.csv (00148f2af367; undated, its us-east-1 rows equal KARP)';
const IC_REDIS = 'IC redis_instance_test golden (monthly ÷ GB ÷ 730)';

const verified = (value: number, unit: string, source: string, date: string, global = false): PriceFact => ({ value, unit, source, date, status: 'verified', ...(global ? { global } : {}) });
const estimate = (value: number, unit: string, source: string, date: string, global = false): PriceFact => ({ value, unit, source, date, status: 'estimate', ...(global ? { global } : {}) });
const ec2 = (value: number, date = KARP_DATE, source = KARP): PriceFact => verified(value, 'hour', source, date);
const gce = (value: number, date = CYC_DATE, source = CYC): PriceFact => verified(value, 'hour', source, date);

/** The capacity tiers of Memorystore for Redis: the most GB each holds. */
export const MEMORYSTORE_TIERS = [
  ['M1', 4],
  ['M2', 10],
  ['M3', 35],
  ['M4', 100],
  ['M5', Infinity],
] as const;
/** The key of the Memorystore price for `gb` of `tier`. */
export const memorystoreKey = (tier: 'basic' | 'standard', gb: number) => `memorystore.${tier}.${MEMORYSTORE_TIERS.find(([, max]) => gb <= max)![0]}`;

function memorystoreTiers(tier: 'basic' | 'standard', perGbHour: readonly number[]): Record<string, PriceFact> {
  return Object.fromEntries(MEMORYSTORE_TIERS.map(([name], i) => [`memorystore.${tier}.${name}`, verified(perGbHour[i]!, 'GB-hour', IC_REDIS, '2024-07-01')]));
}

/** SageMaker real-time hosting charges about 1.4× the EC2 price of the same instance (cost-facts §6). */
export const SAGEMAKER_HOSTING_MARKUP = 1.4;
/** Vertex AI prediction nodes cost about 1.15× the Compute Engine machine (cost-facts §6, unverified). */
export const VERTEX_PREDICTION_MARKUP = 1.15;

/** The book's version and date: change both with any price. */
export const PRICE_BOOK_VERSION = '2026.11.1';
/** The date the book was compiled. */
export const PRICE_BOOK_DATE = '2026-11-30';
/** Hours in a month, as every monthly figure is computed. */
export const HOURS_PER_MONTH = 730;

/** Every price, by cloud. Keys: `<service>.<item>`; machine types as `ec2.<type>` / `gce.<type>`, services' sizes likewise. */
export const PRICE_BOOK: Readonly<Record<PricedCloud, CloudPrices>> = {
  aws: {
    baseRegion: 'us-east-1',
    prices: {
      'eks.cluster': verified(0.1, 'cluster-hour', 'IC eks_cluster_test golden (EKS standard support)', '2025-07-07'),
      // General purpose and memory/compute optimised (KARP, on-demand Linux).
      'ec2.m6i.large': ec2(0.096),
      'ec2.m6i.xlarge': ec2(0.192),
      'ec2.m6i.2xlarge': ec2(0.384),
      'ec2.m6i.4xlarge': ec2(0.768),
      'ec2.m7i.large': ec2(0.1008),
      'ec2.m7i.xlarge': ec2(0.2016),
      'ec2.m7i.2xlarge': ec2(0.4032),
      'ec2.m7i.4xlarge': ec2(0.8064),
      'ec2.c7i.2xlarge': ec2(0.357),
      'ec2.r7i.xlarge': ec2(0.2646),
      'ec2.t3.large': ec2(0.0832),
      'ec2.t4g.large': ec2(0.0672),
      'ec2.m7g.large': ec2(0.0816),
      'ec2.m7g.xlarge': ec2(0.1632),
      // GPU (KARP; the P4/P5 prices are after AWS's 2025 cut).
      'ec2.g5.xlarge': ec2(1.006),
      'ec2.g5.2xlarge': ec2(1.212),
      'ec2.g5.12xlarge': ec2(5.672),
      'ec2.g6.xlarge': ec2(0.8048),
      'ec2.p4d.24xlarge': ec2(21.957642),
      'ec2.p5.48xlarge': ec2(55.04),
      // SageMaker real-time inference (secondary sources, corroborated; others by the hosting markup).
      'sagemaker.ml.m5.large': estimate(0.134, 'instance-hour', 'cost-facts §6: public cost-estimation code and zircon.tech (Oct 2025), 1.4× EC2', '2025-10-01'),
      'sagemaker.ml.m5.xlarge': estimate(0.269, 'instance-hour', 'cost-facts §6: zircon.tech (Oct 2025, us-east-1), 1.4× EC2', '2025-10-01'),
      'sagemaker.ml.g5.xlarge': estimate(1.408, 'instance-hour', 'cost-facts §6: three independent code and blog sources agree ($1.408–1.41)', '2025-10-01'),
      // SageMaker managed MLflow: only Small's rate was found (us-east-2, unverified); Medium and
      // Large follow the doubling of capacity (≤25, ≤50, ≤100 users).
      'sagemaker.mlflow.Small': estimate(0.6, 'server-hour', 'cost-facts §6: comment in a public repository (us-east-2), unverified', '2026-08-21'),
      'sagemaker.mlflow.Medium': estimate(1.2, 'server-hour', 'Small × 2 (twice the users), not found in any source', '2026-08-21'),
      'sagemaker.mlflow.Large': estimate(2.4, 'server-hour', 'Small × 4 (four times the users), not found in any source', '2026-08-21'),
      'sagemaker.mlflow.storage': estimate(0.1, 'GB-month', 'cost-facts §6: same comment, unverified', '2026-08-21'),
      // SageMaker Feature Store (sources conflict; the higher figures kept).
      'sagemaker.featurestore.write': estimate(1.25, 'million write units', 'cost-facts §6: secondary sources conflict (1.25 / 1.10)', '2026-08-21'),
      'sagemaker.featurestore.read': estimate(0.25, 'million read units', 'cost-facts §6: secondary sources conflict (0.25 / 0.223)', '2026-08-21'),
      'sagemaker.featurestore.storage': estimate(0.45, 'GB-month', 'cost-facts §6: secondary sources conflict (0.45 / 0.25)', '2026-08-21'),
      'glue.catalog': verified(0, 'month', 'AWS Glue Data Catalog: the first million objects stored free (cost-facts has no row; one database)', '2026-08-21', true),
      // Observability.
      'amp.ingest.tier1': estimate(0.9, '10 million samples', 'cost-facts §7: doc table "Pricing (2025)" citing aws.amazon.com/prometheus/pricing (first 2B samples)', '2025-01-01'),
      'amp.ingest.tier2': estimate(0.35, '10 million samples', 'cost-facts §7: recall, unverified (next 250B samples)', '2025-01-01'),
      'amp.storage': estimate(0.03, 'GB-month', 'cost-facts §7: same doc table', '2025-01-01'),
      'amp.collector': estimate(0.04, 'collector-hour', 'cost-facts §7: two independent docs', '2025-01-01'),
      'amp.collected': estimate(0.03, '10 million samples', 'cost-facts §7: two independent docs (managed collector)', '2025-01-01'),
      'amg.editor': verified(9, 'active user-month', 'IC grafana_workspace_test golden', '2025-07-06', true),
      'amg.viewer': verified(5, 'active user-month', 'IC grafana_workspace_test golden', '2025-07-06', true),
      // Streaming.
      'msk.kafka.m5.large': verified(0.21, 'broker-hour', 'IC msk_cluster_test: kafka.m5.24xlarge $10.08/h = 48 × 0.21', '2024-07-01'),
      'msk.kafka.m7g.large': estimate(0.204, 'broker-hour', 'not found in any stored source: recall of aws.amazon.com/msk/pricing (Graviton brokers about 3% under kafka.m5.large)', '2026-08-21'),
      'msk.kafka.t3.small': verified(0.0456, 'broker-hour', 'IC msk_cluster_test ($66.58 / 1,460 h)', '2024-07-01'),
      'msk.storage': verified(0.1, 'GB-month', 'IC msk_cluster_test golden', '2024-07-01'),
      'msk.serverless.cluster': estimate(0.75, 'cluster-hour', 'cost-facts §8: secondary blog, unverified', '2026-08-21'),
      'msk.serverless.partition': estimate(0.0015, 'partition-hour', 'secondary blog, unverified', '2026-08-21'),
      'msk.serverless.in': estimate(0.1, 'GB in', 'secondary blog, unverified', '2026-08-21'),
      'msk.serverless.out': estimate(0.05, 'GB out', 'secondary blog, unverified', '2026-08-21'),
      // Storage, registries, networking.
      'ebs.gp3': verified(0.08, 'GB-month', 'IC ebs_volume_test golden', '2024-07-01'),
      's3.standard': verified(0.023, 'GB-month', 'IC s3_bucket_test golden (first 50 TB)', '2024-07-01'),
      'ecr.storage': verified(0.1, 'GB-month', 'IC ecr_repository_test golden', '2024-07-01'),
      'nat.hour': verified(0.045, 'gateway-hour', 'IC nat_gateway_test golden', '2024-07-01'),
      'nat.gb': verified(0.045, 'GB processed', 'IC nat_gateway_test golden', '2024-07-01'),
      'nlb.hour': verified(0.0225, 'load-balancer-hour', 'IC lb_test golden', '2024-07-01'),
      'vpce.hour': verified(0.01, 'endpoint-hour per zone', 'IC vpc_endpoint_test golden ($7.30 / 730 per subnet)', '2024-10-18'),
      // Backing stores of built components.
      // RDS for PostgreSQL instances: secondary tables only (three agree on the t4g sizes, which may
      // be MySQL's prices; one source for m7g). Multi-AZ is twice the instance and the storage (IC).
      'rds.db.t4g.medium': estimate(0.065, 'instance-hour', 'three public code tables citing aws.amazon.com/rds/postgresql/pricing ("as of 2025"); may be the MySQL price', '2025-01-01'),
      'rds.db.t4g.large': estimate(0.129, 'instance-hour', 'three public code tables citing aws.amazon.com/rds/postgresql/pricing ("as of 2025"); may be the MySQL price', '2025-01-01'),
      'rds.db.m7g.large': estimate(0.168, 'instance-hour', 'one public code table (engine not stated)', '2025-01-01'),
      'rds.storage': verified(0.115, 'GB-month', 'IC db_instance_test golden: gp3 $46.00 / 400 GB single-AZ ($92.00 Multi-AZ)', '2026-05-03'),
      // ElastiCache for Valkey: 0.8 × Redis OSS, per region (ec2instances.info dump).
      'elasticache.cache.t4g.small': verified(0.0256, 'node-hour', LC, LC_DATE),
      'elasticache.cache.t4g.medium': verified(0.052, 'node-hour', LC, LC_DATE),
      'elasticache.cache.m7g.large': verified(0.1264, 'node-hour', LC, LC_DATE),
      'secretsmanager.secret': verified(0.4, 'secret-month', 'aws.amazon.com/secrets-manager/pricing', '2026-08-21', true),
    },
    regions: {
      'us-west-2': {
        factor: 1,
        factorBasis: 'us-west-2 equals us-east-1 for every EC2 type read in SKY (about 25, c7i, g5, g6, m6i, m7g, m7i) and for ElastiCache (LC); other services assumed equal',
        verifiedPrefixes: ['ec2.', 'elasticache.'],
        prices: {
          'ec2.m7i.large': ec2(0.1008, SKY_DATE, SKY),
          'ec2.m6i.large': ec2(0.096, SKY_DATE, SKY),
          'ec2.m6i.xlarge': ec2(0.192, SKY_DATE, SKY),
          'ec2.c7i.2xlarge': ec2(0.357, SKY_DATE, SKY),
          'ec2.m7g.large': ec2(0.0816, SKY_DATE, SKY),
          'ec2.m7g.xlarge': ec2(0.1632, SKY_DATE, SKY),
          'ec2.g5.xlarge': ec2(1.006, SKY_DATE, SKY),
          'ec2.g5.2xlarge': ec2(1.212, SKY_DATE, SKY),
          'ec2.g5.12xlarge': ec2(5.672, SKY_DATE, SKY),
          'ec2.g6.xlarge': ec2(0.8048, SKY_DATE, SKY),
        },
      },
      'eu-west-1': {
        factor: 1.115,
        factorBasis: 'eu-west-1 ÷ us-east-1 = 1.1146 for m6i, m7i and m7g, 1.1163 for g5, 1.073 for c7i (SKY); applied to items without an eu-west-1 price',
        verifiedPrefixes: [],
        prices: {
          'ec2.m7i.large': ec2(0.11235, SKY_DATE, SKY),
          'ec2.m7i.xlarge': estimate(0.2247, 'hour', `2 × m7i.large in eu-west-1 (${SKY})`, SKY_DATE),
          'ec2.m7i.2xlarge': estimate(0.4494, 'hour', `4 × m7i.large in eu-west-1; m7i.8xlarge 1.7976 ÷ 4 (${SKY})`, SKY_DATE),
          'ec2.m6i.large': ec2(0.107, SKY_DATE, SKY),
          'ec2.m6i.xlarge': ec2(0.214, SKY_DATE, SKY),
          'ec2.m6i.2xlarge': estimate(0.428, 'hour', `2 × m6i.xlarge in eu-west-1 (${SKY})`, SKY_DATE),
          'ec2.c7i.2xlarge': ec2(0.38304, SKY_DATE, SKY),
          'ec2.m7g.large': ec2(0.091, SKY_DATE, SKY),
          'ec2.m7g.xlarge': ec2(0.1819, SKY_DATE, SKY),
          'ec2.g5.xlarge': ec2(1.123, SKY_DATE, SKY),
          'ec2.g5.2xlarge': ec2(1.35296, SKY_DATE, SKY),
          'ec2.g5.12xlarge': ec2(6.33167, SKY_DATE, SKY),
          'elasticache.cache.t4g.small': verified(0.0272, 'node-hour', LC, LC_DATE),
          'elasticache.cache.t4g.medium': verified(0.0544, 'node-hour', LC, LC_DATE),
          'elasticache.cache.m7g.large': verified(0.1392, 'node-hour', LC, LC_DATE),
        },
      },
    },
  },
  gcp: {
    baseRegion: 'us-central1',
    prices: {
      'gke.cluster': verified(0.1, 'cluster-hour', 'GKE-P: cloud.google.com/kubernetes-engine/pricing; IC container_cluster_test (2026-07-01); regional clusters get no free-tier credit', '2026-07-01', true),
      'gce.e2-standard-2': gce(0.06701142),
      'gce.e2-standard-4': gce(0.13402284),
      'gce.e2-standard-8': gce(0.26804568),
      'gce.n1-standard-4': gce(0.189999),
      'gce.n2-standard-2': gce(0.097118),
      'gce.n2-standard-4': gce(0.194236),
      'gce.n2-standard-8': gce(0.388472),
      'gce.n2-standard-16': gce(0.776944),
      'gce.n2-highmem-4': estimate(0.262028, 'hour', 'Compute Engine n2 unit prices (0.031611 per vCPU-hour, 0.004237 per GB-hour; they reproduce CYC\'s n2-standard prices exactly): 4 vCPU + 32 GB', CYC_DATE),
      'gce.c3-standard-8': gce(0.403216),
      'gce.g2-standard-8': gce(0.853624271),
      'gce.a2-highgpu-1g': gce(3.673385),
      'gce.a3-highgpu-8g': gce(88.49),
      'pd.balanced': verified(0.1, 'GB-month', 'CYC (PD balanced)', CYC_DATE),
      'gcs.standard': verified(0.02, 'GB-month', 'CYC (regional Standard)', CYC_DATE),
      'artifactregistry.storage': verified(0.1, 'GB-month', 'IC artifact_registry_repository_test golden', '2024-07-01', true),
      'nat.vm-hour': verified(0.0014, 'VM-hour (at most 32 VMs per gateway)', 'CYC; IC compute_router_nat_test', CYC_DATE),
      'nat.gb': verified(0.045, 'GB processed', 'CYC; IC compute_router_nat_test', CYC_DATE),
      'lb.rule': verified(0.01, 'forwarding-rule-hour', 'IC compute_forwarding_rule_test golden ($7.30 / 730; regional rules, internal load balancers included)', '2024-07-01'),
      // Cloud SQL Enterprise: zonal rates; REGIONAL (high availability) is twice each (IC).
      'cloudsql.vcpu': verified(0.0413, 'vCPU-hour', 'IC sql_database_instance_test golden ($30.15 / 730)', '2024-07-01'),
      'cloudsql.memory': verified(0.007, 'GB-hour', 'IC sql_database_instance_test golden ($19.16 / 3.75 GB / 730)', '2024-07-01'),
      'cloudsql.storage': verified(0.17, 'GB-month', 'IC sql_database_instance_test golden (SSD, $85 / 500 GB)', '2024-07-01'),
      // Memorystore for Redis by capacity tier (M1 1–4 GB, M2 5–10, M3 11–35, M4 36–100, M5 over 100).
      ...memorystoreTiers('basic', [0.049, 0.027, 0.023, 0.019, 0.016]),
      ...memorystoreTiers('standard', [0.064, 0.054, 0.046, 0.035, 0.03]),
      'vertex.featurestore.optimized': estimate(0.3, 'node-hour', 'cost-facts §6: public repository comment citing SKU 565E-845D-9FC2', '2026-08-21'),
      'vertex.featurestore.storage': estimate(0.29, 'GiB-month', 'cost-facts §6: same comment, SKU 43C6-5652-01F4', '2026-08-21'),
      'bigtable.node': estimate(0.65, 'node-hour', 'cloud.google.com/bigtable/pricing, not in cost-facts', '2026-08-21'),
      'bigquery.storage': estimate(0.02, 'GB-month', 'cloud.google.com/bigquery/pricing (active logical storage), not in cost-facts', '2026-08-21'),
      'vertex.pipelines.run': estimate(0.03, 'pipeline run', 'cost-facts §6: four public docs citing cloud.google.com/vertex-ai/pricing', '2026-09-20', true),
      'vertex.tensorboard.storage': estimate(10, 'GiB-month', 'cloud.google.com/vertex-ai/pricing (TensorBoard storage), not in cost-facts', '2026-08-21', true),
      'vertex.metadata.storage': estimate(10, 'GiB-month', 'cloud.google.com/vertex-ai/pricing (Vertex ML Metadata), not in cost-facts', '2026-08-21', true),
      'managedkafka.vcpu': estimate(0.09, 'vCPU-hour', 'cloud.google.com/managed-service-for-apache-kafka/pricing, not in cost-facts', '2026-08-21'),
      'managedkafka.memory': estimate(0.02, 'GiB-hour', 'cloud.google.com/managed-service-for-apache-kafka/pricing, not in cost-facts', '2026-08-21'),
      'managedkafka.storage': estimate(0.17, 'GiB-month', 'cloud.google.com/managed-service-for-apache-kafka/pricing (local SSD-backed), not in cost-facts', '2026-08-21'),
      'gmp.samples': estimate(0.06, 'million samples', 'cloud.google.com/stackdriver/pricing (Managed Service for Prometheus, first 50B), not in cost-facts', '2026-08-21', true),
      'secretmanager.version': verified(0.06, 'active version-month', 'cloud.google.com/secret-manager/pricing', '2026-08-21', true),
    },
    regions: {
      'europe-west4': {
        factor: 1.1,
        factorBasis: 'europe-west4 ÷ us-central1 = 1.1009 for e2, n1 and n2 and 1.10 for persistent disk (CYC); applied to items without a europe-west4 price',
        verifiedPrefixes: ['nat.'],
        prices: {
          'gce.e2-standard-2': gce(0.07377204),
          'gce.e2-standard-4': gce(0.14754408),
          'gce.e2-standard-8': gce(0.29508816),
          'gce.n1-standard-4': gce(0.209168),
          'gce.n2-standard-2': gce(0.106916),
          'gce.n2-standard-4': gce(0.213832),
          'gce.n2-standard-8': gce(0.427664),
          'gce.c3-standard-8': gce(0.4233768),
          'gce.g2-standard-8': gce(0.897201806),
          'gce.a2-highgpu-1g': gce(3.747972),
          'gce.a3-highgpu-8g': gce(112.540479175233),
          'pd.balanced': verified(0.11, 'GB-month', 'CYC (PD balanced)', CYC_DATE),
          'gcs.standard': verified(0.02, 'GB-month', 'CYC (regional Standard)', CYC_DATE),
        },
      },
    },
  },
};

/** The regions the book has prices for, base region first. */
export function priceRegions(cloud: PricedCloud): string[] {
  const book = PRICE_BOOK[cloud];
  return [book.baseRegion, ...Object.keys(book.regions)];
}

/** A region (or an item) the book has no price for. */
export class PriceBookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceBookError';
  }
}

/** Whether the book has prices for `region` of `cloud`. */
export const hasPriceRegion = (cloud: PricedCloud, region: string): boolean => priceRegions(cloud).includes(region);

/** Throws, naming the regions the book has, when it has none for `region`. */
export function requirePriceRegion(cloud: PricedCloud, region: string): void {
  if (!hasPriceRegion(cloud, region)) {
    throw new PriceBookError(`region: the price book (${PRICE_BOOK_VERSION}) has no ${cloud} prices for '${region}'; it has ${priceRegions(cloud).join(', ')} — price the platform as one of those, or add the region's prices to catalog/prices.ts`);
  }
}

/**
 * The price of `key` in `region`: the region's own, else the base region's (times the region's
 * factor unless the price is global, then an estimate). Undefined when the book has no such item.
 */
export function lookupPrice(cloud: PricedCloud, region: string, key: string): RegionalPrice | undefined {
  const id = `${cloud} ${region} ${key}`;
  if (LOOKED_UP.has(id)) return LOOKED_UP.get(id);
  const found = lookupUncached(cloud, region, key);
  LOOKED_UP.set(id, found);
  return found;
}

/** Prices already looked up (the book is constant; a pivot search looks the same ones up thousands of times). */
const LOOKED_UP = new Map<string, RegionalPrice | undefined>();

function lookupUncached(cloud: PricedCloud, region: string, key: string): RegionalPrice | undefined {
  requirePriceRegion(cloud, region);
  const book = PRICE_BOOK[cloud];
  const base = book.prices[key];
  if (region === book.baseRegion) return base && { ...base, region };
  const regional = book.regions[region]!;
  const own = regional.prices[key];
  if (own) return { ...own, region };
  if (!base) return undefined;
  if (base.global) return { ...base, region };
  const checked = regional.factor === 1 && regional.verifiedPrefixes.some((p) => key.startsWith(p));
  return {
    ...base,
    value: round6(base.value * regional.factor),
    region,
    status: checked ? base.status : 'estimate',
    source: `${book.baseRegion} price × ${regional.factor} (${regional.factorBasis}); ${base.source}`,
  };
}

/** {@link lookupPrice}, throwing when the book lacks the item. */
export function priceOf(cloud: PricedCloud, region: string, key: string): RegionalPrice {
  const p = lookupPrice(cloud, region, key);
  if (!p) throw new PriceBookError(`the price book (${PRICE_BOOK_VERSION}) has no price '${key}' for ${cloud}`);
  return p;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
