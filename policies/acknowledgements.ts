/**
 * Loom's own acknowledgements: findings its design produces on every platform that uses the
 * construct, each with the reason, as construct libraries carry their cdk-nag suppressions. They
 * are applied before the spec's exceptions and reported as excepted "by Loom", never hidden: `loom
 * check` lists each with its reason. A construct path glob (`*` within a segment, `**` across)
 * names what each covers; a finding the glob does not match is not acknowledged.
 */

/** One acknowledgement. */
export interface Acknowledgement {
  /** The rule. */
  readonly rule: string;
  /** Globs over `<stack>/<construct path>`. */
  readonly paths: readonly string[];
  /** Only findings whose detail matches (a prefix); every finding of the rule on those paths when absent. */
  readonly details?: readonly string[];
  /** Why the finding is Loom's design and not a defect. */
  readonly reason: string;
}

const NODE_EXPORTER = ['*/Monitoring/Collectors/NodeExporter', '*/Monitoring/KubePrometheusStack'];
const GPU_OPERATOR = ['*/Addons/GpuOperator/**'];
const REGISTRY_CA = ['*/Registry/Pull/NodeTrust/**'];
const HARBOR_SETUP = ['*/Registry/Resource/Setup/**'];

/** The acknowledgements, by rule. */
export const LOOM_ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  {
    rule: 'LOOM-HARD-004',
    paths: NODE_EXPORTER,
    reason: "node-exporter reads the node's /proc, /sys and root filesystem (hostNetwork, hostPID, hostPath) by design; it runs in loom-node-agents, kept for node agents",
  },
  { rule: 'LOOM-HARD-005', paths: NODE_EXPORTER, reason: 'node-exporter runs with the host access its chart gives it, in loom-node-agents' },
  {
    rule: 'LOOM-HARD-004',
    paths: GPU_OPERATOR,
    reason: "the NVIDIA GPU operator's device plugin, container toolkit and DCGM exporter need privileged access to /dev and the driver root on GPU nodes",
  },
  { rule: 'LOOM-HARD-005', paths: GPU_OPERATOR, reason: "the NVIDIA GPU operator's operands run privileged on GPU nodes by design" },
  {
    rule: 'LOOM-HARD-004',
    paths: REGISTRY_CA,
    reason: "the registry-ca DaemonSet writes Harbor's CA into containerd's certs.d on each node (hostPath), which is what lets the nodes pull from Harbor",
  },
  { rule: 'LOOM-HARD-005', paths: REGISTRY_CA, reason: 'the registry-ca DaemonSet writes the root-owned containerd configuration of the node, as root' },
  {
    rule: 'LOOM-HARD-003',
    paths: [...REGISTRY_CA, ...HARBOR_SETUP],
    reason: 'what installs and configures Harbor cannot pull from Harbor: these images are pinned by tag in catalog/images.ts',
  },
  { rule: 'LOOM-IAM-008', paths: REGISTRY_CA, reason: 'the registry-ca DaemonSet never calls the Kubernetes API; its token is not mounted' },
  {
    rule: 'LOOM-IAM-008',
    paths: HARBOR_SETUP,
    reason: "the Job configuring Harbor passes the admin password and the robot's secret to curl from Secrets, runs for seconds and never calls the Kubernetes API",
  },
  {
    rule: 'LOOM-HARD-006',
    paths: ['*/Namespaces/NodeAgents/**'],
    reason: 'loom-node-agents holds only the node agents that need the host (node-exporter, the GPU operator, the registry CA installer); every other platform namespace enforces baseline or restricted',
  },
  {
    rule: 'LOOM-HARD-003',
    paths: ['*/Streaming/Topics/**'],
    reason: 'the one-off Job creating the MSK topics runs the Apache Kafka CLI and curl pinned by tag (catalog/images.ts) from Docker Hub; mirroring them needs an ECR pull-through cache rule Loom does not create',
  },
  {
    rule: 'LOOM-IAM-001',
    paths: ['*/Cluster/LoadBalancerControllerRole/**'],
    details: ['Resource::'],
    reason: "the AWS Load Balancer Controller's IAM policy as upstream publishes it (docs/install/iam_policy.json), kept verbatim so that controller upgrades track it",
  },
  {
    rule: 'LOOM-BAK-005',
    paths: ['**/*Key'],
    details: ['PreventDestroy'],
    reason: "KMS keys are deleted only after their waiting period (30 days on AWS; Cloud KMS schedules version destruction), which is the recovery path; prevent_destroy would block the stacks' terraform destroy in reverse order",
  },
  {
    rule: 'LOOM-ENC-004',
    paths: ['*/Cluster/SecretsKey'],
    details: ['PreventDestroy'],
    reason: "Cloud KMS never deletes a key, it schedules its versions' destruction (30 days by default); prevent_destroy would block the cluster stack's terraform destroy",
  },
  {
    rule: 'LOOM-AS-003',
    paths: ['*/Registry/Resource/Release'],
    reason: 'Harbor runs its internal PostgreSQL and Redis as single instances, so its services run one replica each; an outage stops new pulls only, running pods keep their images',
  },
];
