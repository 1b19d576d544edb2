/**
 * `loom validate --explain` shows the sizes in effect for built experiment tracking and feature
 * store — replicas, the database, the online store — for the platform's cloud and environment
 * (issue 10: sizes written once, with defaults per environment, shown by --explain), keeps what
 * the spec says, and prints a spec that validates as it is and explains to itself.
 */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { explainedSpec, renderExplained } from '../../cli/explain';
import { DATABASE_PROFILES } from '../../catalog/databases';
import { KEY_VALUE_PROFILES } from '../../catalog/key-value';
import { resolvePlan } from '../../plan';
import { validateSpec } from '../../schema/load';
import type { PlatformSpec } from '../../schema/schema';
import { awsSpec, gcpSpec, k8sSpec, valid, type Spec } from '../schema/fixtures';

const STORE = { endpoint: 'https://s3.dc1.example.internal', bucket: 'ml-platform', credentialsSecret: 'dc1-object-storage' };
const STATE = {
  aws: { backend: 's3', bucket: 'acme-tfstate' },
  gcp: { backend: 'gcs', bucket: 'acme-tfstate' },
  kubernetes: { backend: 's3', bucket: 'acme-tfstate', endpoint: 'https://s3.dc1.example.internal' },
} as const;
const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
type Env = (typeof ENVIRONMENTS)[number];
type CloudName = keyof typeof STATE;

function specOf(cloud: CloudName, environment: Env, components: Spec): Spec {
  const base = { environment, state: { ...STATE[cloud] }, components };
  if (cloud === 'aws') return awsSpec(base);
  if (cloud === 'gcp') return gcpSpec(base);
  return k8sSpec({ ...base, objectStorage: { ...STORE } });
}

/** The explained spec of a valid spec, as the CLI prints it and a user reads it back. */
function explain(input: Spec): PlatformSpec {
  const { spec } = valid(input);
  return parse(renderExplained(spec, resolvePlan(spec))) as PlatformSpec;
}

const BUILT = { experimentTracking: { mode: 'build' }, featureStore: { mode: 'build' } };

describe('loom validate --explain: sizes of built experiment tracking and feature store', () => {
  it.each(ENVIRONMENTS)('aws, %s: RDS class and storage, ElastiCache node type and nodes, replicas', (env) => {
    const { experimentTracking, featureStore } = explain(specOf('aws', env, BUILT)).components;
    const db = { instanceClass: DATABASE_PROFILES[env].rds.instanceClass, storageGb: DATABASE_PROFILES[env].rds.storageGb };
    const replicas = env === 'prod' ? 2 : 1;
    expect(experimentTracking).toMatchObject({ replicas, database: db });
    expect(experimentTracking?.database).toEqual(db);
    expect(featureStore).toMatchObject({ replicas, database: db });
    expect(featureStore?.onlineStore).toEqual({ nodeType: KEY_VALUE_PROFILES[env].elastiCache.nodeType, replicas: KEY_VALUE_PROFILES[env].elastiCache.nodes });
  });

  it.each(ENVIRONMENTS)('gcp, %s: Cloud SQL tier and disk, Memorystore memory, replicas', (env) => {
    const { experimentTracking, featureStore } = explain(specOf('gcp', env, BUILT)).components;
    const db = { instanceClass: DATABASE_PROFILES[env].cloudSql.tier, storageGb: DATABASE_PROFILES[env].cloudSql.diskGb };
    expect(experimentTracking).toMatchObject({ replicas: env === 'prod' ? 2 : 1, database: db });
    expect(featureStore?.database).toEqual(db);
    expect(featureStore?.onlineStore).toEqual({ memorySizeGb: KEY_VALUE_PROFILES[env].memorystore.memorySizeGb });
  });

  it.each(ENVIRONMENTS)('existing clusters, %s: CloudNativePG instances and volume, valkey pods, replicas', (env) => {
    const { experimentTracking, featureStore } = explain(specOf('kubernetes', env, BUILT)).components;
    const db = { instances: DATABASE_PROFILES[env].cloudNativePg.instances, storageGb: DATABASE_PROFILES[env].cloudNativePg.storageGi };
    expect(experimentTracking).toMatchObject({ replicas: env === 'prod' ? 2 : 1, database: db });
    expect(featureStore?.database).toEqual(db);
    // the primary and its read replicas
    expect(featureStore?.onlineStore).toEqual({ replicas: 1 + KEY_VALUE_PROFILES[env].inCluster.replicas });
  });

  it('the values differ by environment where the profiles do (prod is not dev)', () => {
    const dev = explain(specOf('aws', 'dev', BUILT)).components.featureStore;
    const prod = explain(specOf('aws', 'prod', BUILT)).components.featureStore;
    expect(dev?.database?.instanceClass).not.toBe(prod?.database?.instanceClass);
    expect(dev?.replicas).toBe(1);
    expect(prod?.replicas).toBe(2);
    expect(prod?.onlineStore?.replicas).toBe(2);
  });

  it('keeps what the spec says and fills in only the rest', () => {
    const { experimentTracking, featureStore } = explain(
      specOf('aws', 'prod', {
        experimentTracking: { mode: 'build', replicas: 4, database: { storageGb: 300 } },
        featureStore: { mode: 'build', database: { instanceClass: 'db.r7g.xlarge' }, onlineStore: { replicas: 3 } },
      }),
    ).components;
    expect(experimentTracking).toMatchObject({ replicas: 4, database: { instanceClass: DATABASE_PROFILES.prod.rds.instanceClass, storageGb: 300 } });
    expect(featureStore).toMatchObject({
      replicas: 2,
      database: { instanceClass: 'db.r7g.xlarge', storageGb: DATABASE_PROFILES.prod.rds.storageGb },
      onlineStore: { nodeType: KEY_VALUE_PROFILES.prod.elastiCache.nodeType, replicas: 3 },
    });
  });

  it('adds no build sizes to bought components', () => {
    const { experimentTracking, featureStore } = explain(specOf('aws', 'prod', { experimentTracking: { mode: 'buy' }, featureStore: { mode: 'buy' } })).components;
    for (const comp of [experimentTracking, featureStore]) {
      expect(comp).not.toHaveProperty('replicas');
      expect(comp).not.toHaveProperty('database');
      expect(comp).not.toHaveProperty('onlineStore');
    }
  });

  it.each(['aws', 'gcp', 'kubernetes'] as const)('%s: the explained spec validates with no new warning and explains to itself', (cloud) => {
    for (const env of ENVIRONMENTS) {
      const input = specOf(cloud, env, BUILT);
      const before = valid(input).warnings;
      const explained = explain(input);
      const again = validateSpec(explained);
      expect(again.ok, `${cloud} ${env}`).toBe(true);
      expect(again.warnings).toEqual(before);
      expect(explain(explained as unknown as Spec)).toEqual(explained);
      // explainedSpec itself (the object) says the same as the YAML
      const { spec } = valid(input);
      expect(explainedSpec(spec, resolvePlan(spec)).components).toEqual(explained.components);
    }
  });
});
