/**
 * Production code loads each cloud's constructs lazily with `require(...)` (stacks/network-stack.ts
 * and friends), so that a synth loads one cloud's provider classes. Compiled, that is plain
 * Node. Under vitest the sources are TypeScript, which Node's `require` cannot load, so this setup
 * imports those modules through vitest and puts the very same module objects into Node's require
 * cache: a lazy `require` then returns the instance the tests use (one `PlatformValidationError`
 * class, one `EksCluster` class), never a second copy.
 */
import Module from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Every module production code loads lazily, relative to the repository root. */
const LAZY_MODULES: Record<string, () => Promise<unknown>> = {
  'constructs/network/aws-network.ts': () => import('../../constructs/network/aws-network'),
  'constructs/network/gcp-network.ts': () => import('../../constructs/network/gcp-network'),
  'constructs/cluster/eks-cluster.ts': () => import('../../constructs/cluster/eks-cluster'),
  'constructs/cluster/gke-cluster.ts': () => import('../../constructs/cluster/gke-cluster'),
  'constructs/gcp/project-services.ts': () => import('../../constructs/gcp/project-services'),
  'constructs/components/registry/build.ts': () => import('../../constructs/components/registry/build'),
  'constructs/components/registry/buy-aws.ts': () => import('../../constructs/components/registry/buy-aws'),
  'constructs/components/registry/buy-gcp.ts': () => import('../../constructs/components/registry/buy-gcp'),
  'constructs/components/registry/s3-image-store.ts': () => import('../../constructs/components/registry/s3-image-store'),
  'constructs/components/registry/gcs-image-store.ts': () => import('../../constructs/components/registry/gcs-image-store'),
  'constructs/components/monitoring/build.ts': () => import('../../constructs/components/monitoring/build'),
  'constructs/components/monitoring/buy-aws.ts': () => import('../../constructs/components/monitoring/buy-aws'),
  'constructs/components/monitoring/buy-gcp.ts': () => import('../../constructs/components/monitoring/buy-gcp'),
  'constructs/components/experiment-tracking/buy-aws.ts': () => import('../../constructs/components/experiment-tracking/buy-aws'),
  'constructs/components/experiment-tracking/buy-gcp.ts': () => import('../../constructs/components/experiment-tracking/buy-gcp'),
  'constructs/components/experiment-tracking/build.ts': () => import('../../constructs/components/experiment-tracking/build'),
  'constructs/stores/object-store/s3-object-store.ts': () => import('../../constructs/stores/object-store/s3-object-store'),
  'constructs/stores/object-store/gcs-object-store.ts': () => import('../../constructs/stores/object-store/gcs-object-store'),
  'constructs/stores/object-store/existing-object-store.ts': () => import('../../constructs/stores/object-store/existing-object-store'),
  'constructs/stores/postgres/rds-postgres.ts': () => import('../../constructs/stores/postgres/rds-postgres'),
  'constructs/stores/postgres/cloud-sql-postgres.ts': () => import('../../constructs/stores/postgres/cloud-sql-postgres'),
  'constructs/stores/postgres/cloudnative-pg.ts': () => import('../../constructs/stores/postgres/cloudnative-pg'),
  'constructs/components/feature-store/build.ts': () => import('../../constructs/components/feature-store/build'),
  'constructs/components/feature-store/buy-aws.ts': () => import('../../constructs/components/feature-store/buy-aws'),
  'constructs/components/feature-store/buy-gcp.ts': () => import('../../constructs/components/feature-store/buy-gcp'),
  'constructs/stores/key-value/elasticache-valkey.ts': () => import('../../constructs/stores/key-value/elasticache-valkey'),
  'constructs/stores/key-value/memorystore-redis.ts': () => import('../../constructs/stores/key-value/memorystore-redis'),
  'constructs/stores/key-value/valkey-in-cluster.ts': () => import('../../constructs/stores/key-value/valkey-in-cluster'),
  'constructs/components/pipelines/build.ts': () => import('../../constructs/components/pipelines/build'),
  'constructs/components/pipelines/buy-aws.ts': () => import('../../constructs/components/pipelines/buy-aws'),
  'constructs/components/pipelines/buy-gcp.ts': () => import('../../constructs/components/pipelines/buy-gcp'),
  'constructs/components/streaming/build.ts': () => import('../../constructs/components/streaming/build'),
  'constructs/components/streaming/buy-aws.ts': () => import('../../constructs/components/streaming/buy-aws'),
  'constructs/components/streaming/buy-gcp.ts': () => import('../../constructs/components/streaming/buy-gcp'),
  'constructs/components/serving/build.ts': () => import('../../constructs/components/serving/build'),
  'constructs/components/serving/buy-aws.ts': () => import('../../constructs/components/serving/buy-aws'),
  'constructs/components/serving/buy-gcp.ts': () => import('../../constructs/components/serving/buy-gcp'),
  'constructs/aws/account.ts': () => import('../../constructs/aws/account'),
  'constructs/teams/access-identity.ts': () => import('../../constructs/teams/access-identity'),
  'constructs/teams/access-members.ts': () => import('../../constructs/teams/access-members'),
  'cli/diagram.ts': () => import('../../cli/diagram'),
  'cli/cost.ts': () => import('../../cli/cost'),
  'plan/cost.ts': () => import('../../plan/cost'),
  'schema/usage.ts': () => import('../../schema/usage'),
  'cli/check.ts': () => import('../../cli/check'),
  'cli/synth.ts': () => import('../../cli/synth'),
  'cli/stacks.ts': () => import('../../cli/stacks'),
  'cli/ci-github.ts': () => import('../../cli/ci-github'),
  'cli/explain.ts': () => import('../../cli/explain'),
  'policies/index.ts': () => import('../../policies'),
};

type NodeModuleInternals = typeof Module & {
  _extensions: Record<string, (m: Module, filename: string) => void>;
  _cache: Record<string, Module>;
};
const internals = Module as NodeModuleInternals;

// Let `require('./x')` resolve to `x.ts`; loading one that was not preloaded is a setup bug.
internals._extensions['.ts'] ??= (_m, filename) => {
  throw new Error(`${filename} is required lazily but not preloaded; add it to LAZY_MODULES in test/setup/lazy-modules.ts`);
};

for (const [relative, load] of Object.entries(LAZY_MODULES)) {
  const filename = join(root, relative);
  const entry = new Module(filename);
  entry.filename = filename;
  entry.exports = await load();
  entry.loaded = true;
  internals._cache[filename] = entry;
}
