/**
 * Streaming, bought on AWS: Amazon MSK in the services stack.
 *
 * - Provisioned (the default): `brokers` broker nodes (`kafka.m7g.large`; `kafka.t3.small` in
 *   dev) spread evenly over the streaming cluster's zones — in that cluster's node subnets
 *   (`INetwork.subnetsFor`), at most three, as MSK takes them — each with a `storageGb` EBS
 *   volume; KRaft metadata (MSK's `3.9.x.kraft`); data encrypted at rest with a customer KMS key
 *   of its own and every connection with TLS (client–broker `TLS` only, and between brokers);
 *   IAM authentication only (SASL/`AWS_MSK_IAM` on 9098, no unauthenticated access); broker logs to
 *   CloudWatch Logs; an `aws_msk_configuration` that turns automatic topic creation off and sets
 *   the default replication and `min.insync.replicas` from the broker count.
 * - Serverless (`serverless: true`): an MSK Serverless cluster in the same subnets, IAM
 *   authentication (its only kind), encrypted and TLS-only by construction; it scales itself, so
 *   `brokers` and `storageGb` mean nothing there.
 *
 * Both sit behind a security group of their own admitting 9098 from the platform's clusters only
 * (the cluster security group EKS puts on every node and pod), one rule per cluster.
 *
 * Topics: the AWS provider has no topic resource (provider 5.100 has `aws_msk_cluster`,
 * `_configuration`, `_serverless_cluster`, `_scram_secret_association`, `_vpc_connection`,
 * `_replicator`, `_cluster_policy`; nothing for topics), and Terraform's runner usually cannot reach
 * brokers inside the VPC anyway. So the declared topics are created where the brokers are
 * reachable: a Job (`kafka-topics`) in the streaming cluster's add-ons stack runs Apache Kafka's
 * own `kafka-topics.sh` and `kafka-configs.sh` (image `apache/kafka`, pinned) with the AWS MSK IAM
 * client library, as an IAM role of its own (IRSA) allowed to connect to the cluster and create,
 * describe and alter topics — nothing else. It creates missing topics, raises partition counts
 * that are below the spec's and sets `retention.ms`; it never deletes a topic nor lowers
 * partitions (Kafka cannot). It re-runs whenever the topics change (its name carries a hash of
 * them: a new Job), and the apply waits for it (released through Loom's resources chart with
 * Helm's wait for Jobs). The library's jar is fetched at run time by an init
 * container from the project's GitHub release (pinned version), so the nodes need egress to
 * github.com (the platform's NAT gateways give it).
 *
 * Grants: an inline policy on the identity's IAM role — `kafka-cluster:Connect` and
 * `DescribeCluster` on the cluster, `WriteData` (produce) or `ReadData` (consume) with
 * `DescribeTopic` on the topic's ARN, and for consumers `AlterGroup`/`DescribeGroup` on the
 * cluster's consumer groups.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { MskCluster } from '@cdktf/provider-aws/lib/msk-cluster';
import { MskConfiguration } from '@cdktf/provider-aws/lib/msk-configuration';
import type { MskServerlessCluster } from '@cdktf/provider-aws/lib/msk-serverless-cluster';
import type { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { INetwork } from '../../core/contracts';
import { CustomResources, type CustomResourceManifest } from '../../addons/release';
import { PlatformValidationError } from '../../core/errors';
import type { PolicyDocument, PolicyStatement } from '../../aws/addon-policies';
import { awsAccount } from '../../aws/account';
import { allowClusterIngress, dataTierKey, dataTierSecurityGroup } from '../../stores/aws-data-tier';
import { ComponentIdentity } from '../../stores/workload-identity';
import { fitName, PLATFORM_NAMESPACES } from '../../../plan';
import type { StreamingTopicSpec } from '../../../schema/schema';
import { mskClusterName, mskZones, retentionMs } from '../../../schema/streaming-rules';
import { componentClusterAddons, componentOutput, componentScope, componentTags, servicesScope, type IClusterAddons } from '../contract';
import { declaredTopic, internalReplication, minInSync, type IStreaming, type ResolvedStreamingProps, type StreamingPrincipal } from './contract';
import { MSK_INSTANCE_TYPES } from '../../../plan/footprints';

/** The Kafka version of MSK clusters: 3.9 in KRaft mode (MSK names KRaft versions `<version>.kraft`). */
export const MSK_KAFKA_VERSION = '3.9.x.kraft';
/** The port clients use with IAM authentication over TLS. */
export const MSK_IAM_PORT = 9098;
export { MSK_INSTANCE_TYPES };
/** Days broker logs are kept. */
export const MSK_LOG_RETENTION_DAYS = {
  /** Dev. */
  dev: 14,
  /** Staging. */
  staging: 30,
  /** Prod. */
  prod: 90,
} as const;
/** The image the topics Job runs: Apache Kafka's own, for `kafka-topics.sh` (pinned). */
export const KAFKA_TOOLS_IMAGE = 'docker.io/apache/kafka:4.0.0';
/** The image that fetches the IAM client library (pinned). */
export const JAR_FETCH_IMAGE = 'docker.io/curlimages/curl:8.11.1';
/** The AWS MSK IAM client library the Job loads (pinned release). */
export const MSK_IAM_AUTH = {
  /** Its version. */
  version: '2.2.0',
  /** Its self-contained jar, from the project's GitHub release. */
  url: 'https://github.com/aws/aws-msk-iam-auth/releases/download/v2.2.0/aws-msk-iam-auth-2.2.0-all.jar',
} as const;
/** The topics Job's name and service account (in `loom-system` of the streaming cluster). */
export const KAFKA_TOPICS_JOB = 'kafka-topics';

/** Actions every client needs on the cluster. */
export const MSK_CONNECT_ACTIONS = ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'] as const;
/** Actions a producer gets on its topic. */
export const MSK_PRODUCE_ACTIONS = ['kafka-cluster:WriteData', 'kafka-cluster:DescribeTopic'] as const;
/** Actions a consumer gets on its topic. */
export const MSK_CONSUME_ACTIONS = ['kafka-cluster:ReadData', 'kafka-cluster:DescribeTopic'] as const;
/** Actions a consumer gets on the cluster's consumer groups. */
export const MSK_GROUP_ACTIONS = ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'] as const;
/** What the topics Job may do to topics. */
export const MSK_TOPIC_ADMIN_ACTIONS = [
  'kafka-cluster:CreateTopic',
  'kafka-cluster:DescribeTopic',
  'kafka-cluster:AlterTopic',
  'kafka-cluster:DescribeTopicDynamicConfiguration',
  'kafka-cluster:AlterTopicDynamicConfiguration',
] as const;

/** The client settings of IAM authentication (AWS MSK IAM library). */
export const MSK_IAM_CLIENT_PROPERTIES = [
  'security.protocol=SASL_SSL',
  'sasl.mechanism=AWS_MSK_IAM',
  'sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;',
  'sasl.client.callback.handler.class=software.amazon.msk.auth.iam.IAMClientCallbackHandler',
  '',
].join('\n');

/** The broker configuration of the provisioned cluster (`server.properties` lines). */
export function mskServerProperties(brokers: number): string {
  const replication = internalReplication(brokers);
  return [
    'auto.create.topics.enable=false',
    `default.replication.factor=${replication}`,
    `min.insync.replicas=${minInSync(replication)}`,
    `offsets.topic.replication.factor=${replication}`,
    `transaction.state.log.replication.factor=${replication}`,
    `transaction.state.log.min.isr=${minInSync(replication)}`,
    'unclean.leader.election.enable=false',
    '',
  ].join('\n');
}

/**
 * The topics Job's script: for each declared topic, create it if missing, raise its partitions
 * when below the spec's, set its retention. No `${` or `%{` in it (it goes into Terraform as a
 * string).
 */
export function mskTopicsScript(topics: readonly StreamingTopicSpec[], serverless: boolean): string {
  const lines = [
    'set -eu',
    'kt() { /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --command-config /config/client.properties "$@"; }',
    'kc() { /opt/kafka/bin/kafka-configs.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --command-config /config/client.properties "$@"; }',
  ];
  for (const t of topics) {
    const name = `'${t.name}'`;
    // MSK Serverless keeps three copies whatever is asked, and takes no replication factor.
    const replication = serverless ? '' : ` --replication-factor ${t.replicationFactor}`;
    lines.push(
      `kt --create --if-not-exists --topic ${name} --partitions ${t.partitions}${replication}`,
      `have=$(kt --describe --topic ${name} | sed -n 's/.*PartitionCount: *\\([0-9]*\\).*/\\1/p' | head -n 1)`,
      `if [ "$have" -lt ${t.partitions} ]; then kt --alter --topic ${name} --partitions ${t.partitions}; fi`,
      `kc --alter --entity-type topics --entity-name ${name} --add-config retention.ms=${retentionMs(t.retentionHours)}`,
    );
  }
  lines.push('echo "topics in place: ' + topics.length + '"', '');
  return lines.join('\n');
}

/** Props of {@link MskStreaming}. */
export interface MskStreamingProps extends ResolvedStreamingProps {
  /** The add-ons stack of the streaming cluster (its subnets; the topics Job). */
  readonly addons: IClusterAddons;
}

/** Streaming on Amazon MSK, provisioned or Serverless (see the module comment). */
export class MskStreaming extends Construct implements IStreaming {
  readonly componentName = 'streaming' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-aws' as const;
  readonly product: 'msk' | 'msk-serverless';
  readonly protocol = 'kafka' as const;
  readonly authentication = 'aws-iam' as const;
  /** MSK's IAM bootstrap brokers (`host:9098,…`). @attribute */
  readonly bootstrapServers: string;
  readonly topics: readonly string[];
  /** The cluster's ARN. @attribute */
  readonly clusterArn: string;
  /** The cluster's name, `<platform>-streaming`. */
  readonly clusterName: string;
  /** The provisioned cluster (absent on Serverless). */
  readonly cluster?: MskCluster;
  /** The Serverless cluster (absent when provisioned). */
  readonly serverlessCluster?: MskServerlessCluster;
  /** The broker configuration (provisioned). */
  readonly configuration?: MskConfiguration;
  /** The at-rest key (provisioned; Serverless encrypts with an AWS-owned key). */
  readonly key?: KmsKey;
  /** The brokers' security group: 9098 from the platform's clusters. */
  readonly securityGroup: SecurityGroup;
  /** The topics Job's identity. */
  readonly topicsIdentity: ComponentIdentity;
  private readonly declared: readonly StreamingTopicSpec[];
  private readonly region: string;
  private readonly clusterUuid: string;
  private grants = 0;

  constructor(scope: Construct, id: string, props: MskStreamingProps) {
    super(scope, id);
    const { platform, spec, addons } = props;
    const network = addons.cluster.network;
    if (!network || network.cloud !== 'aws') throw new PlatformValidationError(`MSK needs the AWS network of cluster '${addons.cluster.plan.name}'`, this);
    this.declared = spec.topics;
    this.topics = spec.topics.map((t) => t.name);
    this.region = platform.region!;
    this.clusterName = mskClusterName(platform.name);
    const tags = { ...componentTags('streaming') };
    const serverless = spec.serverless;
    this.product = serverless ? 'msk-serverless' : 'msk';

    // The streaming cluster's node subnets: one per zone, at most three.
    const placed = network.subnetsFor(addons.cluster.plan.name);
    const zones = mskZones(placed.subnetIds.length);
    if (zones < 2) throw new PlatformValidationError(`MSK needs subnets in 2 or 3 zones; cluster '${addons.cluster.plan.name}' has ${placed.subnetIds.length}`, this);
    const subnets = placed.subnetIds.slice(0, zones);

    this.securityGroup = dataTierSecurityGroup(this, { name: `${this.clusterName}-msk`, description: `Loom: MSK ${this.clusterName}, ${MSK_IAM_PORT} from the platform's clusters only`, network, tags });
    for (const c of props.clusters) this.allowFrom(c, network);

    if (serverless) {
      const { MskServerlessCluster } = require('@cdktf/provider-aws/lib/msk-serverless-cluster') as typeof import('@cdktf/provider-aws/lib/msk-serverless-cluster');
      this.serverlessCluster = new MskServerlessCluster(this, 'Serverless', {
        clusterName: this.clusterName,
        clientAuthentication: { sasl: { iam: { enabled: true } } },
        vpcConfig: [{ subnetIds: subnets, securityGroupIds: [this.securityGroup.id] }],
        tags,
      });
      this.clusterArn = this.serverlessCluster.arn;
      this.clusterUuid = this.serverlessCluster.clusterUuid;
      this.bootstrapServers = this.serverlessCluster.bootstrapBrokersSaslIam;
    } else {
      if (spec.brokers % zones !== 0) {
        throw new PlatformValidationError(`MSK places the same number of brokers in each of its ${zones} zones: brokers (${spec.brokers}) must be a multiple of ${zones}`, this);
      }
      this.key = dataTierKey(this, { service: 'msk', name: this.clusterName, description: `Loom: MSK ${this.clusterName} data at rest`, tags });
      const logs = new CloudwatchLogGroup(this, 'BrokerLogs', { name: `/loom/${platform.name}/msk/${this.clusterName}`, retentionInDays: MSK_LOG_RETENTION_DAYS[platform.environment], tags });
      this.configuration = new MskConfiguration(this, 'Configuration', {
        name: this.clusterName,
        description: `Loom: broker configuration of MSK ${this.clusterName}`,
        kafkaVersions: [MSK_KAFKA_VERSION],
        serverProperties: mskServerProperties(spec.brokers),
      });
      this.cluster = new MskCluster(this, 'Cluster', {
        clusterName: this.clusterName,
        kafkaVersion: MSK_KAFKA_VERSION,
        numberOfBrokerNodes: spec.brokers,
        brokerNodeGroupInfo: {
          clientSubnets: subnets,
          instanceType: MSK_INSTANCE_TYPES[platform.environment],
          securityGroups: [this.securityGroup.id],
          storageInfo: { ebsStorageInfo: { volumeSize: spec.storageGb } },
        },
        clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
        encryptionInfo: { encryptionAtRestKmsKeyArn: this.key.arn, encryptionInTransit: { clientBroker: 'TLS', inCluster: true } },
        configurationInfo: { arn: this.configuration.arn, revision: this.configuration.latestRevision },
        loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: logs.name } } },
        tags,
      });
      this.clusterArn = this.cluster.arn;
      this.clusterUuid = this.cluster.clusterUuid;
      this.bootstrapServers = this.cluster.bootstrapBrokersSaslIam;
    }

    // The topics Job's identity, in the services stack with the cluster.
    this.topicsIdentity = new ComponentIdentity(this, 'TopicsIdentity', {
      cluster: addons.cluster,
      namespace: PLATFORM_NAMESPACES.system,
      serviceAccount: KAFKA_TOPICS_JOB,
      name: fitName(`${platform.name}-kafka-topics`, 64),
      description: `the Kafka topics of platform ${platform.name}`,
    });
    const topicsRole = this.topicsIdentity.identity;
    if (topicsRole?.kind !== 'aws-iam-role') throw new PlatformValidationError('the topics Job runs as an IAM role', this);
    new IamRolePolicy(this, 'TopicsPolicy', {
      role: topicsRole.roleName,
      name: 'kafka-topics',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Connect', Effect: 'Allow', Action: [...MSK_CONNECT_ACTIONS], Resource: this.clusterArn },
          { Sid: 'Topics', Effect: 'Allow', Action: [...MSK_TOPIC_ADMIN_ACTIONS], Resource: this.topicArn('*') },
        ],
      } satisfies PolicyDocument),
    });
  }

  /** The ARN of topic `topic` (or `*`) of the cluster: `arn:<partition>:kafka:<region>:<account>:topic/<cluster>/<uuid>/<topic>`. */
  topicArn(topic: string): string {
    return this.resourceArn('topic', topic);
  }

  /** The ARN of the cluster's consumer groups (`…:group/<cluster>/<uuid>/*`). */
  groupArn(): string {
    return this.resourceArn('group', '*');
  }

  private resourceArn(type: 'topic' | 'group', name: string): string {
    const account = awsAccount(this);
    return `arn:${account.partition}:kafka:${this.region}:${account.accountId}:${type}/${this.clusterName}/${this.clusterUuid}/${name}`;
  }

  /** Lets `principal` (an IAM role) write to `topic`. */
  grantProduce(principal: StreamingPrincipal, topic: string): void {
    this.grant(principal, topic, 'produce');
  }

  /** Lets `principal` (an IAM role) read `topic`, in any consumer group of the cluster. */
  grantConsume(principal: StreamingPrincipal, topic: string): void {
    this.grant(principal, topic, 'consume');
  }

  /** The policy of a grant. */
  grantPolicy(topic: string, access: 'produce' | 'consume'): PolicyDocument {
    const statements: PolicyStatement[] = [
      { Sid: 'Connect', Effect: 'Allow', Action: [...MSK_CONNECT_ACTIONS], Resource: this.clusterArn },
      { Sid: 'Topic', Effect: 'Allow', Action: [...(access === 'produce' ? MSK_PRODUCE_ACTIONS : MSK_CONSUME_ACTIONS)], Resource: this.topicArn(topic) },
    ];
    if (access === 'consume') statements.push({ Sid: 'Groups', Effect: 'Allow', Action: [...MSK_GROUP_ACTIONS], Resource: this.groupArn() });
    return { Version: '2012-10-17', Statement: statements };
  }

  private grant(principal: StreamingPrincipal, topic: string, access: 'produce' | 'consume'): void {
    if (principal.kind !== 'aws-iam-role') throw new PlatformValidationError(`MSK authorizes IAM roles (IAM authentication); got ${principal.kind}`, this);
    const spec = declaredTopic(this.declared, topic, 'streaming');
    this.grants += 1;
    new IamRolePolicy(this, `Access${this.grants}`, {
      role: principal.roleName,
      name: `kafka-${access}-${this.grants}`,
      policy: JSON.stringify(this.grantPolicy(spec.name, access)),
    });
  }

  private allowFrom(addons: IClusterAddons, network: INetwork): void {
    allowClusterIngress(this, { store: `MSK ${this.clusterName}`, protocol: 'Kafka (IAM, TLS)', port: MSK_IAM_PORT, securityGroup: this.securityGroup, network }, addons.cluster);
  }
}

/** Props of {@link MskTopics}. */
export interface MskTopicsProps {
  /** The streaming cluster's add-ons stack (where the Job runs). */
  readonly addons: IClusterAddons;
  /** The MSK cluster. */
  readonly msk: MskStreaming;
  /** The topics. */
  readonly topics: readonly StreamingTopicSpec[];
  /** Whether the cluster is MSK Serverless. */
  readonly serverless: boolean;
}

/** The Job that makes the declared topics exist on MSK (see the module comment). */
export class MskTopics extends Construct {
  /** The release of the Job (Loom's resources chart; Helm waits for the Job to complete). */
  readonly release: CustomResources;
  /** The Job's name: `kafka-topics-<inputs>`. */
  readonly jobName: string;

  constructor(scope: Construct, id: string, props: MskTopicsProps) {
    super(scope, id);
    const namespace = props.addons.namespaces.system.name;
    const labels = { ...componentTags('streaming'), 'app.kubernetes.io/name': KAFKA_TOPICS_JOB, 'app.kubernetes.io/managed-by': 'loom' };
    const serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: { name: KAFKA_TOPICS_JOB, namespace, labels, annotations: { ...props.msk.topicsIdentity.serviceAccountAnnotations } },
      // IRSA's web identity token is a projected volume of its own (the EKS pod identity webhook
      // adds it); the Job never calls the Kubernetes API, so no API token is mounted.
      automountServiceAccountToken: false,
    });
    const script = mskTopicsScript(props.topics, props.serverless);
    const config = new ConfigMapV1(this, 'Config', {
      metadata: { name: KAFKA_TOPICS_JOB, namespace, labels },
      data: { 'topics.sh': script, 'client.properties': MSK_IAM_CLIENT_PROPERTIES },
    });
    const inputs = createHash('sha256').update(script).update(MSK_IAM_CLIENT_PROPERTIES).update(MSK_IAM_AUTH.url).digest('hex').slice(0, 16);
    const jar = `/iam/aws-msk-iam-auth-${MSK_IAM_AUTH.version}-all.jar`;
    const hardened = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
    // A Job is immutable once created: its name carries its inputs, so a changed topic list or
    // script runs as a new Job (Helm removes the old one).
    const job: CustomResourceManifest = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: `${KAFKA_TOPICS_JOB}-${inputs.slice(0, 8)}`, namespace: PLATFORM_NAMESPACES.system, labels },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 1800,
        template: {
          metadata: { labels, annotations: { 'loom.dev/inputs': inputs } },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: KAFKA_TOPICS_JOB,
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            initContainers: [
              {
                name: 'iam-auth',
                image: JAR_FETCH_IMAGE,
                command: ['curl', '-fsSL', '--retry', '5', '-o', jar, MSK_IAM_AUTH.url],
                securityContext: hardened,
                resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
                volumeMounts: [{ name: 'iam', mountPath: '/iam' }],
              },
            ],
            containers: [
              {
                name: 'topics',
                image: KAFKA_TOOLS_IMAGE,
                command: ['bash', '/config/topics.sh'],
                env: [
                  { name: 'BOOTSTRAP_SERVERS', value: props.msk.bootstrapServers },
                  { name: 'CLASSPATH', value: jar },
                  // kafka-run-class.sh creates its log directory: somewhere writable.
                  { name: 'LOG_DIR', value: '/tmp/logs' },
                  { name: 'KAFKA_HEAP_OPTS', value: '-Xmx256m' },
                ],
                securityContext: hardened,
                resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { memory: '512Mi' } },
                volumeMounts: [
                  { name: 'config', mountPath: '/config', readOnly: true },
                  { name: 'iam', mountPath: '/iam', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: KAFKA_TOPICS_JOB } },
              { name: 'iam', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    };
    // Released through Loom's resources chart, which waits for the Job to complete (as the typed
    // kubernetes_job_v1 would, without loading its binding on every synth).
    this.release = new CustomResources(this, 'Job', {
      releaseName: KAFKA_TOPICS_JOB,
      namespace,
      manifests: [job],
      waitForJobs: true,
      timeout: 1800,
      dependsOn: [serviceAccount, config],
    });
    this.jobName = job.metadata.name;
  }
}

/**
 * Streaming bought on AWS: MSK (provisioned or Serverless) in the services stack, the topics Job
 * in the streaming cluster's add-ons stack.
 */
export function buyAwsStreaming(props: ResolvedStreamingProps): MskStreaming {
  const addons = componentClusterAddons(props);
  const msk = new MskStreaming(servicesScope(props, 'buy on AWS: Amazon MSK'), 'Resource', { ...props, addons });
  componentOutput(msk, 'kafka_bootstrap_servers', msk.bootstrapServers, `Amazon MSK${props.spec.serverless ? ' Serverless' : ''}: bootstrap brokers (TLS, IAM authentication, port ${MSK_IAM_PORT})`);
  componentOutput(msk, 'kafka_cluster_arn', msk.clusterArn, 'Amazon MSK: the cluster ARN (IAM policies name it)');
  if (props.spec.topics.length) {
    new MskTopics(componentScope(addons, 'streaming'), 'Topics', { addons, msk, topics: props.spec.topics, serverless: props.spec.serverless });
  }
  return msk;
}
