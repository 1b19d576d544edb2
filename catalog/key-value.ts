/**
 * The online key/value store Loom creates for built components (Feast's online store), as
 * versioned facts: the engine on each target, and the size and availability of the store per
 * environment, written once. The catalogue reads no schema, so environments are spelled here
 * (schema/schema.ts's `Environment`: dev, staging, prod).
 */

/**
 * The engine on each target.
 *
 * - ElastiCache: Valkey, non-clustered (one shard: a primary and its replicas). `engineVersion` is
 *   major.minor, as ElastiCache takes Valkey versions (7.2, 8.0, 8.1, 8.2, 9.0, 9.1 are listed in
 *   the ElastiCache engine-versions guide, 2026); the 8.x line is the one every region and node
 *   family offers, and ElastiCache applies patch releases itself. The parameter group is the
 *   engine's default for the major (`default.valkey8`).
 * - Memorystore: Memorystore for Redis (`google_redis_instance`), whose AUTH string Feast's Redis
 *   client can present. Memorystore for Valkey (`google_memorystore_instance`) is reached through
 *   Private Service Connect only, with IAM or no authentication — neither fits a Redis client
 *   that takes a static password (see constructs/stores/key-value/memorystore-redis.ts).
 * - In-cluster: the official `valkey` chart (catalog/charts.ts), whose image is its appVersion.
 */
export const KEY_VALUE_VERSIONS = {
  /** Amazon ElastiCache. */
  elastiCache: {
    /** `aws_elasticache_replication_group.engine`. */
    engine: 'valkey',
    /** `aws_elasticache_replication_group.engine_version`: major.minor. */
    engineVersion: '8.2',
  },
  /** Memorystore for Redis. */
  memorystore: {
    /** `google_redis_instance.redis_version`. */
    redisVersion: 'REDIS_7_2',
  },
} as const;

/** The size and availability of the online store in one environment. */
export interface KeyValueProfile {
  /** ElastiCache: node type and node count. */
  readonly elastiCache: {
    /** `node_type` (Graviton). */
    readonly nodeType: string;
    /** Nodes of the single shard: 1 is a primary alone; 2 or more adds replicas and automatic failover. */
    readonly nodes: number;
    /** Days of daily snapshots kept (0: none). */
    readonly snapshotRetentionDays: number;
  };
  /** Memorystore for Redis: memory and tier. */
  readonly memorystore: {
    /** `memory_size_gb`. */
    readonly memorySizeGb: number;
  };
  /** The valkey chart on an existing cluster. */
  readonly inCluster: {
    /** Read replicas next to the primary (0: standalone, no StatefulSet). */
    readonly replicas: number;
    /** Each pod's volume, GiB (0: no persistence, standalone only). */
    readonly storageGi: number;
  };
  /** High availability: ElastiCache Multi-AZ with automatic failover, Memorystore STANDARD_HA. */
  readonly highAvailability: boolean;
}

/** An environment, as the spec names it (schema/schema.ts's `Environment`). */
export type KeyValueEnvironment = 'dev' | 'staging' | 'prod';

/**
 * The online store per environment: one small node in dev and staging (the online store is a
 * copy Feast materializes from the offline store, so losing it costs a re-materialization, not
 * data), a primary and a replica in two zones with automatic failover in prod.
 */
export const KEY_VALUE_PROFILES: Readonly<Record<KeyValueEnvironment, KeyValueProfile>> = {
  dev: {
    elastiCache: { nodeType: 'cache.t4g.small', nodes: 1, snapshotRetentionDays: 0 },
    memorystore: { memorySizeGb: 1 },
    inCluster: { replicas: 0, storageGi: 0 },
    highAvailability: false,
  },
  staging: {
    elastiCache: { nodeType: 'cache.t4g.medium', nodes: 1, snapshotRetentionDays: 1 },
    memorystore: { memorySizeGb: 2 },
    inCluster: { replicas: 0, storageGi: 5 },
    highAvailability: false,
  },
  prod: {
    elastiCache: { nodeType: 'cache.m7g.large', nodes: 2, snapshotRetentionDays: 7 },
    memorystore: { memorySizeGb: 5 },
    inCluster: { replicas: 2, storageGi: 10 },
    highAvailability: true,
  },
};
