/**
 * The online key/value store for built components (Feast's online store), one construct per
 * target, each an `IKeyValueStore` (constructs/stores/contract.ts): ElastiCache for Valkey on AWS,
 * Memorystore for Redis on Google Cloud, the valkey chart on any cluster (the choice on existing
 * clusters).
 */
export { ElastiCacheValkey, ELASTICACHE_ID_MAX_LENGTH, AUTH_TOKEN_LENGTH, AUTH_TOKEN_JSON_KEY, type ElastiCacheValkeyProps } from './elasticache-valkey';
export { MemorystoreRedis, MEMORYSTORE_NAME_MAX_LENGTH, type MemorystoreRedisProps } from './memorystore-redis';
export {
  ValkeyInCluster,
  VALKEY_RELEASE_NAME_MAX_LENGTH,
  VALKEY_DEFAULT_USER_PERMISSIONS,
  KEY_VALUE_REPLICA_DEFAULT_STORAGE_GI,
  valkeyValues,
  type ValkeyInClusterProps,
  type ValkeyAuthSecret,
  type ValkeyValuesSpec,
} from './valkey-in-cluster';
export { KEY_VALUE_PORT, type KeyValueStoreBaseProps } from './common';
