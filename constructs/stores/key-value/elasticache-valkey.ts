/**
 * The online key/value store on AWS: an ElastiCache for Valkey replication group (cluster mode
 * disabled: one shard, a primary and its replicas) in the network's data tier, reachable on 6379
 * only from the clusters it is opened to, its data encrypted at rest with a customer KMS key and
 * every connection required to use TLS (`transit_encryption_mode = required`), and clients
 * authenticated with an AUTH token.
 *
 * The AUTH token. ElastiCache's IAM authentication needs no secret, but its tokens are SigV4
 * signatures valid for 15 minutes that the client must keep regenerating; Feast's Redis online
 * store (redis-py with a static connection string) cannot, so a password it is. With the pinned
 * providers (hashicorp/aws only; no `random` provider) the one literal-free source of a random
 * value is Secrets Manager's own generator, the `aws_secretsmanager_random_password` data source
 * (GetRandomPassword, read at plan time):
 *
 * - the secret version takes it once (`ignore_changes` on `secret_string`: the data source answers
 *   a new value at every plan, which must not rotate the token);
 * - the replication group's `auth_token` is read back from the secret version, so the two always
 *   agree, also when the group is replaced;
 * - consumers read the secret (`{"password": …}`) through workload identity (External Secrets).
 *
 * What lands in Terraform state: the token, marked sensitive, in the secret version
 * (`secret_string`), in the replication group (`auth_token`), and the data source's last answer
 * (a fresh random value after the first apply). The synthesized JSON holds no value. The write-only
 * `secret_string_wo` would keep one copy out of state, but `auth_token` has no write-only
 * counterpart in provider 5.100 and could then no longer be read back from the secret, so the
 * write-only path buys nothing. State is kept in the platform's encrypted state bucket.
 *
 * Availability follows the environment (`KEY_VALUE_PROFILES`): two nodes in two zones with
 * automatic failover in prod (Multi-AZ), a single node otherwise.
 */
import { allowClusterIngress, dataTierKey, dataTierSecurityGroup } from '../aws-data-tier';
import { Construct } from 'constructs';
import { DataAwsSecretsmanagerRandomPassword } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Fn } from '../../core/cdk';
import type { IKubernetesCluster, INetwork } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import type { IKeyValueStore, SecretReference } from '../contract';
import { checkSize, storeName } from '../postgres/common';
import { KEY_VALUE_VERSIONS } from '../../../catalog/key-value';
import { KEY_VALUE_PORT, keyValueProfile, type KeyValueStoreBaseProps } from './common';

/** ElastiCache caps replication group ids at 40 characters. */
export const ELASTICACHE_ID_MAX_LENGTH = 40;

/**
 * The AUTH token's length. ElastiCache takes 16–128 printable characters without spaces, `"`, `/`
 * or `@`; letters and digits only keep it safe in connection strings too.
 */
export const AUTH_TOKEN_LENGTH = 64;

/** The JSON key of the token in its secret. */
export const AUTH_TOKEN_JSON_KEY = 'password';

/** Props of {@link ElastiCacheValkey}. */
export interface ElastiCacheValkeyProps extends KeyValueStoreBaseProps {
  /** The platform network whose data tier (`dataSubnets()`) the nodes go in. */
  readonly network: INetwork;
  /**
   * The node type.
   * @default the environment's (`KEY_VALUE_PROFILES`: cache.t4g.small in dev, cache.m7g.large in prod)
   */
  readonly nodeType?: string;
  /**
   * Nodes of the shard (1–6): one primary, the rest replicas. Two or more turn on automatic
   * failover and Multi-AZ.
   * @default the environment's (2 in prod, 1 otherwise)
   */
  readonly nodes?: number;
}

/** An ElastiCache for Valkey replication group a built component keeps online data in (see the module comment). */
export class ElastiCacheValkey extends Construct implements IKeyValueStore {
  readonly engine = 'elasticache' as const;
  readonly host: string;
  readonly port = KEY_VALUE_PORT;
  readonly tls = true;
  readonly authSecret: SecretReference;
  /** The replication group id, `<platform>-<name>`. */
  readonly replicationGroupId: string;
  /** The `aws_elasticache_replication_group`. */
  readonly replicationGroup: ElasticacheReplicationGroup;
  /** The security group of the nodes: 6379 from the clusters given to {@link allowFrom}, nothing else. */
  readonly securityGroup: SecurityGroup;
  /** The customer KMS key the data (and snapshots) are encrypted with at rest. */
  readonly key: KmsKey;
  /** The Secrets Manager secret holding the AUTH token. */
  readonly secret: SecretsmanagerSecret;
  private readonly network: INetwork;

  constructor(scope: Construct, id: string, props: ElastiCacheValkeyProps) {
    super(scope, id);
    if (props.network.cloud !== 'aws' || !props.network.dataSubnets) {
      throw new PlatformValidationError(`ElastiCache '${props.name}' needs an AWS network with a data tier; the network given is on ${props.network.cloud}`, this);
    }
    this.network = props.network;
    this.replicationGroupId = storeName(this, props.name, ELASTICACHE_ID_MAX_LENGTH, 'ElastiCache replication group id');

    const profile = keyValueProfile(this);
    const nodeType = props.nodeType ?? profile.elastiCache.nodeType;
    if (!/^cache\.[a-z0-9-]+\.[a-z0-9]+$/.test(nodeType)) throw new PlatformValidationError(`nodeType '${nodeType}' is not an ElastiCache node type (cache.<family>.<size>)`, this);
    const nodes = checkSize(this, 'nodes', props.nodes ?? profile.elastiCache.nodes, 1, 6);
    const failover = nodes > 1;

    const tags = { 'loom.dev/store': props.name, 'loom.dev/store-kind': 'key-value' };
    const data = props.network.dataSubnets();

    this.key = dataTierKey(this, { service: 'elasticache', name: this.replicationGroupId, description: `Loom: ElastiCache ${this.replicationGroupId} data at rest`, tags });

    const subnetGroup = new ElasticacheSubnetGroup(this, 'SubnetGroup', {
      name: this.replicationGroupId,
      description: `Loom: data tier of ${this.replicationGroupId}`,
      subnetIds: [...data.subnetIds],
      tags,
    });

    // No inline rules: ingress is one rule per cluster (allowFrom), no egress (the nodes start no
    // connection).
    this.securityGroup = dataTierSecurityGroup(this, { name: `${this.replicationGroupId}-valkey`, description: `Loom: Valkey ${this.replicationGroupId}, 6379 from the platform's clusters only`, network: props.network, tags });

    // The AUTH token: generated by Secrets Manager, kept in a secret, read back by the group.
    const generated = new DataAwsSecretsmanagerRandomPassword(this, 'GeneratedToken', {
      passwordLength: AUTH_TOKEN_LENGTH,
      excludePunctuation: true,
      includeSpace: false,
    });
    this.secret = new SecretsmanagerSecret(this, 'AuthToken', {
      name: `loom/${this.replicationGroupId}/auth-token`,
      description: `Loom: AUTH token of ElastiCache ${this.replicationGroupId}`,
      recoveryWindowInDays: 7,
      tags,
    });
    const version = new SecretsmanagerSecretVersion(this, 'AuthTokenValue', {
      secretId: this.secret.id,
      secretString: Fn.jsonencode({ [AUTH_TOKEN_JSON_KEY]: generated.randomPassword }),
      // Generated once: the data source answers a new value at every plan.
      lifecycle: { ignoreChanges: ['secret_string'] },
    });

    this.replicationGroup = new ElasticacheReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupId: this.replicationGroupId,
      description: `Loom: online key/value store ${this.replicationGroupId}`,
      engine: KEY_VALUE_VERSIONS.elastiCache.engine,
      engineVersion: KEY_VALUE_VERSIONS.elastiCache.engineVersion,
      autoMinorVersionUpgrade: 'true',
      nodeType,
      numCacheClusters: nodes,
      clusterMode: 'disabled',
      automaticFailoverEnabled: failover,
      multiAzEnabled: failover,
      port: KEY_VALUE_PORT,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [this.securityGroup.id],
      atRestEncryptionEnabled: 'true',
      kmsKeyId: this.key.arn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      authToken: Fn.lookup(Fn.jsondecode(version.secretString), AUTH_TOKEN_JSON_KEY),
      authTokenUpdateStrategy: 'ROTATE',
      snapshotRetentionLimit: profile.elastiCache.snapshotRetentionDays,
      applyImmediately: false,
      tags,
    });
    this.host = this.replicationGroup.primaryEndpointAddress;
    this.authSecret = { kind: 'aws-secrets-manager', arn: this.secret.arn, jsonKey: AUTH_TOKEN_JSON_KEY };
  }

  /**
   * Admits the pods of `cluster` (an EKS cluster in the same network) on 6379: one ingress rule
   * from the cluster security group EKS attaches to every node and pod ENI, keyed by the cluster's
   * name. Calling it again for the same cluster changes nothing.
   */
  allowFrom(cluster: IKubernetesCluster): void {
    allowClusterIngress(this, { store: `ElastiCache ${this.replicationGroupId}`, protocol: 'Valkey', port: KEY_VALUE_PORT, securityGroup: this.securityGroup, network: this.network }, cluster);
  }
}
