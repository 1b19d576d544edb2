/**
 * The HARD rules: per rule a non-compliant, a compliant, an attribute-omitted (the provider's
 * default) and an unresolved-reference fixture, asserting the exact findings; then every example,
 * whose findings (node agents that need the host, images pulled from outside the platform
 * registry, GKE without Binary Authorization) are asserted exactly.
 */
import { describe, expect, it } from 'vitest';
import { HARD_RULES } from '../../../policies/rules/hard';
import { HARD_001 } from '../../../policies/rules/hard/hard-001';
import { HARD_002 } from '../../../policies/rules/hard/hard-002';
import { HARD_003 } from '../../../policies/rules/hard/hard-003';
import { HARD_004 } from '../../../policies/rules/hard/hard-004';
import { HARD_005 } from '../../../policies/rules/hard/hard-005';
import { HARD_006 } from '../../../policies/rules/hard/hard-006';
import type { RuleFinding } from '../../../policies/types';
import { addresses, EXAMPLES, exampleStacks, fixtureStack, runRule } from '../helpers';

const resourcesChart = (objects: unknown[], namespace = 'loom-system') => ({ chart: './assets/LoomResourcesChart/ABC', name: 'r', namespace, values: [JSON.stringify({ resources: objects })] });
const job = (pod: Record<string, unknown>, container: Record<string, unknown>, namespace = 'apps') => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', namespace },
  spec: { template: { spec: { ...pod, containers: [{ name: 'c', image: 'registry.example.com/app:1.0', ...container }] } } },
});
const restricted = {
  pod: { securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } },
  container: { securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } },
};
const severities = (fs: readonly RuleFinding[]) => fs.map((f) => f.severity);

describe('LOOM-HARD-001 hardened, verified node images', () => {
  const eks = (group: Record<string, unknown>, version = '1.33', template: Record<string, unknown> = {}) =>
    fixtureStack('s', { aws_eks_cluster: { c: { version } }, aws_launch_template: { t: template }, aws_eks_node_group: { g: { cluster_name: '${aws_eks_cluster.c.name}', launch_template: { id: '${aws_launch_template.t.id}' }, ...group } } });
  it('passes AL2023 and Bottlerocket; fails AL2 and a custom AMI', () => {
    expect(runRule(HARD_001, eks({ ami_type: 'AL2023_x86_64_STANDARD' }))).toEqual([]);
    expect(runRule(HARD_001, eks({ ami_type: 'BOTTLEROCKET_ARM_64' }))).toEqual([]);
    expect(addresses(runRule(HARD_001, eks({ ami_type: 'AL2_x86_64' })))).toEqual(['aws_eks_node_group.g [AmiType]']);
    expect(addresses(runRule(HARD_001, eks({ ami_type: 'CUSTOM' }, '1.33', { image_id: 'ami-123' })))).toEqual(['aws_eks_node_group.g [CustomAmi]']);
  });
  it('omitted ami_type: AL2023 from 1.30 passes, AL2 before fails, a launch template image is custom', () => {
    expect(runRule(HARD_001, eks({}))).toEqual([]);
    expect(addresses(runRule(HARD_001, eks({}, '1.29')))).toEqual(['aws_eks_node_group.g [AmiType]']);
    expect(addresses(runRule(HARD_001, eks({}, '1.33', { image_id: 'ami-123' })))).toEqual(['aws_eks_node_group.g [CustomAmi]']);
  });
  it('reports references as unknown', () => {
    expect(addresses(runRule(HARD_001, eks({ ami_type: '${var.ami}' })))).toEqual(['aws_eks_node_group.g (unknown)']);
    expect(addresses(runRule(HARD_001, eks({}, '${var.version}')))).toEqual(['aws_eks_node_group.g (unknown)']);
  });
  it('GKE: COS with secure boot passes; omitted secure boot (default off) and Ubuntu fail; a reference is unknown', () => {
    const pool = (node_config: Record<string, unknown>) => fixtureStack('s', { google_container_cluster: { c: { remove_default_node_pool: true } }, google_container_node_pool: { p: { node_config } } });
    const shielded = { shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true } };
    expect(runRule(HARD_001, pool({ image_type: 'COS_CONTAINERD', ...shielded }))).toEqual([]);
    expect(addresses(runRule(HARD_001, pool({})))).toEqual(['google_container_node_pool.p [SecureBoot]']);
    expect(addresses(runRule(HARD_001, pool({ image_type: 'UBUNTU_CONTAINERD', shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: false } })))).toEqual([
      'google_container_node_pool.p [ImageType]',
      'google_container_node_pool.p [IntegrityMonitoring]',
    ]);
    expect(addresses(runRule(HARD_001, pool({ image_type: '${var.image}' })))).toEqual(['google_container_node_pool.p (unknown)']);
    expect(addresses(runRule(HARD_001, fixtureStack('s', { google_container_cluster: { c: { enable_shielded_nodes: false, node_config: shielded } } })))).toEqual(['google_container_cluster.c [ShieldedNodes]']);
  });
  it('Karpenter: al2023/bottlerocket aliases pass, an AMI id is custom', () => {
    const nc = (terms: unknown[]) => fixtureStack('s', { helm_release: { pools: resourcesChart([{ apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: 'n' }, spec: { amiSelectorTerms: terms } }]) } });
    expect(runRule(HARD_001, nc([{ alias: 'al2023@v20260714' }]))).toEqual([]);
    expect(addresses(runRule(HARD_001, nc([{ id: 'ami-123' }])))).toEqual(['helm_release.pools [EC2NodeClass/n::CustomAmi]']);
  });
  it('Vertex AI Workbench: shielded passes, omitted secure boot fails', () => {
    const wb = (cfg?: Record<string, unknown>) => fixtureStack('s', { google_workbench_instance: { w: { gce_setup: cfg ? { shielded_instance_config: cfg } : {} } } });
    expect(runRule(HARD_001, wb({ enable_secure_boot: true, enable_integrity_monitoring: true, enable_vtpm: true }))).toEqual([]);
    expect(addresses(runRule(HARD_001, wb()))).toEqual(['google_workbench_instance.w [ShieldedNotebook]']);
  });
});

describe('LOOM-HARD-002 patch currency', () => {
  it('EKS: a supported version passes; one past extended support or unknown to the table fails; omitted is the latest', () => {
    const eks = (v: Record<string, unknown>) => fixtureStack('s', { aws_eks_cluster: { c: v } });
    expect(runRule(HARD_002, eks({ version: '1.34' }))).toEqual([]);
    expect(addresses(runRule(HARD_002, eks({ version: '1.29' })))).toEqual(['aws_eks_cluster.c [Version]']);
    expect(addresses(runRule(HARD_002, eks({ version: '1.20' })))).toEqual(['aws_eks_cluster.c [Version]']);
    expect(runRule(HARD_002, eks({}))).toEqual([]);
    expect(addresses(runRule(HARD_002, eks({ version: '${var.v}' })))).toEqual(['aws_eks_cluster.c (unknown)']);
  });
  it('EKS node groups need update_config', () => {
    expect(addresses(runRule(HARD_002, fixtureStack('s', { aws_eks_node_group: { a: {}, b: { update_config: { max_unavailable: 1 } } } })))).toEqual(['aws_eks_node_group.a [UpdateConfig]']);
  });
  it('GKE: channel UNSPECIFIED and alpha fail; omitted (REGULAR, no alpha) passes; auto-repair/upgrade off fail; references are unknown', () => {
    const gke = (c: Record<string, unknown>, management?: Record<string, unknown>) => fixtureStack('s', { google_container_cluster: { c }, google_container_node_pool: { p: management ? { management } : {} } });
    expect(runRule(HARD_002, gke({ release_channel: { channel: 'REGULAR' } }, { auto_repair: true, auto_upgrade: true }))).toEqual([]);
    expect(runRule(HARD_002, gke({}))).toEqual([]);
    expect(addresses(runRule(HARD_002, gke({ release_channel: { channel: 'UNSPECIFIED' }, enable_kubernetes_alpha: true }, { auto_repair: false, auto_upgrade: false })))).toEqual([
      'google_container_cluster.c [ReleaseChannel]',
      'google_container_cluster.c [Alpha]',
      'google_container_node_pool.p [AutoRepair]',
      'google_container_node_pool.p [AutoUpgrade]',
    ]);
    expect(addresses(runRule(HARD_002, gke({ release_channel: { channel: '${var.c}' } }, { auto_upgrade: '${var.u}' })))).toEqual(['google_container_cluster.c (unknown)', 'google_container_node_pool.p (unknown)']);
  });
});

describe('LOOM-HARD-003 image supply chain', () => {
  it('ECR: scan on push and immutable pass; omitted (no scan, MUTABLE) fails; enhanced registry scanning covers scan on push; a reference is unknown', () => {
    expect(runRule(HARD_003, fixtureStack('s', { aws_ecr_repository: { r: { image_scanning_configuration: { scan_on_push: true }, image_tag_mutability: 'IMMUTABLE' } } }))).toEqual([]);
    expect(addresses(runRule(HARD_003, fixtureStack('s', { aws_ecr_repository: { r: {} } })))).toEqual(['aws_ecr_repository.r [ScanOnPush]', 'aws_ecr_repository.r [TagMutability]']);
    expect(addresses(runRule(HARD_003, fixtureStack('s', { aws_ecr_registry_scanning_configuration: { e: { scan_type: 'ENHANCED' } }, aws_ecr_repository: { r: { image_tag_mutability: 'MUTABLE' } } })))).toEqual([
      'aws_ecr_repository.r [TagMutability]',
    ]);
    expect(addresses(runRule(HARD_003, fixtureStack('s', { aws_ecr_repository: { r: { image_tag_mutability: '${var.m}' } } })))).toEqual(['aws_ecr_repository.r (unknown)']);
  });
  it('GKE: enforced Binary Authorization passes; omitted fails (HIGH in prod, MEDIUM otherwise); a reference is unknown', () => {
    const gke = (c: Record<string, unknown>) => fixtureStack('s', { google_container_cluster: { c } });
    expect(runRule(HARD_003, gke({ binary_authorization: { evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' } }))).toEqual([]);
    const f = runRule(HARD_003, gke({}));
    expect(addresses(f)).toEqual(['google_container_cluster.c [BinaryAuthorization]']);
    expect(severities(f)).toEqual([{ baseline: 'MEDIUM', prod: 'HIGH' }]);
    expect(addresses(runRule(HARD_003, gke({ binary_authorization: { evaluation_mode: '${var.m}' } })))).toEqual(['google_container_cluster.c (unknown)']);
  });
  it('Artifact Registry Docker repositories need containerscanning.googleapis.com', () => {
    const ar = { google_artifact_registry_repository: { r: { format: 'DOCKER', location: 'us-central1' } } };
    expect(addresses(runRule(HARD_003, fixtureStack('s', ar)))).toEqual(['google_artifact_registry_repository.r [Scanning]']);
    expect(runRule(HARD_003, fixtureStack('s', { ...ar, google_project_service: { cs: { service: 'containerscanning.googleapis.com' } } }))).toEqual([]);
    expect(addresses(runRule(HARD_003, fixtureStack('s', { ...ar, google_project_service: { cs: { service: '${each.value}' } } })))).toEqual(['google_artifact_registry_repository.r (unknown)']);
  });
  it('k8s images: latest or no tag fails; a version tag from the platform registry passes; another registry fails; a reference is unknown', () => {
    const harbor = { harbor: { chart: 'harbor', namespace: 'loom-system', values: [JSON.stringify({ externalURL: 'https://registry.example.com' })] } };
    const run = (image: string) => runRule(HARD_003, fixtureStack('s', { helm_release: { ...harbor, w: resourcesChart([job({}, { image })]) } }));
    expect(run('registry.example.com/app:1.0')).toEqual([]);
    expect(run('registry.example.com/app@sha256:abc')).toEqual([]);
    expect(addresses(run('registry.example.com/app:latest'))).toEqual(['helm_release.w [Job/j/c::Tag]']);
    expect(addresses(run('registry.example.com/app'))).toEqual(['helm_release.w [Job/j/c::Tag]']);
    expect(addresses(run('docker.io/library/busybox:1.37.0'))).toEqual(['helm_release.w [Job/j/c::Registry]']);
    expect(addresses(run('${var.image}'))).toEqual(['helm_release.w (unknown) [Job/j/c]']);
  });
  it('Helm values: an explicit latest tag fails', () => {
    const rel = (image: unknown) => fixtureStack('s', { helm_release: { r: { chart: 'mlflow', namespace: 'loom-system', values: [JSON.stringify({ image })] } } });
    expect(addresses(runRule(HARD_003, rel({ repository: 'burakince/mlflow', tag: 'latest' })))).toEqual(['helm_release.r [image::Tag]']);
    expect(runRule(HARD_003, rel({ repository: 'burakince/mlflow', tag: '3.1.0' }))).toEqual([]);
  });
});

describe('LOOM-HARD-004 PSS Baseline on every workload', () => {
  const ds = (pod: Record<string, unknown>, container: Record<string, unknown>) => fixtureStack('s', { helm_release: { w: resourcesChart([job(pod, container)]) } });
  it('fails privileged, host namespaces, hostPath, hostPort, extra capabilities, Unconfined seccomp and unsafe sysctls', () => {
    const f = runRule(
      HARD_004,
      ds(
        { hostNetwork: true, hostPID: true, volumes: [{ name: 'h', hostPath: { path: '/' } }], securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } },
        { securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN', 'CHOWN'] }, seccompProfile: { type: 'Unconfined' } }, ports: [{ containerPort: 80, hostPort: 80 }] },
      ),
    );
    expect(addresses(f)).toEqual([
      'helm_release.w [Job/j::hostNetwork]',
      'helm_release.w [Job/j::hostPID]',
      'helm_release.w [Job/j::hostPath]',
      'helm_release.w [Job/j::sysctls]',
      'helm_release.w [Job/j::privileged]',
      'helm_release.w [Job/j::seccomp]',
      'helm_release.w [Job/j::capabilities]',
      'helm_release.w [Job/j::hostPort]',
    ]);
  });
  it('passes a restricted pod, and one that omits every security setting (defaults are baseline)', () => {
    expect(runRule(HARD_004, ds(restricted.pod, restricted.container))).toEqual([]);
    expect(runRule(HARD_004, ds({}, {}))).toEqual([]);
  });
  it('reports a reference as unknown', () => {
    expect(addresses(runRule(HARD_004, ds({ hostNetwork: '${var.host}' }, {})))).toEqual(['helm_release.w (unknown) [Job/j]']);
  });
  it('provider resources: a hostPath DaemonSet fails', () => {
    const s = fixtureStack('s', {
      kubernetes_daemon_set_v1: { d: { metadata: { name: 'd', namespace: 'n' }, spec: { template: { spec: { container: [{ name: 'c', image: 'x:1' }], volume: [{ name: 'h', host_path: { path: '/etc' } }] } } } } },
    });
    expect(addresses(runRule(HARD_004, s))).toEqual(['kubernetes_daemon_set_v1.d [DaemonSet/d::hostPath]']);
  });
  it('charts: node-exporter with its defaults needs the host; turned off, it still mounts /proc and /sys; the GPU operator always', () => {
    const rel = (chart: string, values: Record<string, unknown> = {}) => fixtureStack('s', { helm_release: { r: { chart, namespace: 'loom-node-agents', values: [JSON.stringify(values)] } } });
    expect(addresses(runRule(HARD_004, rel('prometheus-node-exporter')))).toEqual([
      'helm_release.r [Chart::prometheus-node-exporter::hostNetwork]',
      'helm_release.r [Chart::prometheus-node-exporter::hostPID]',
      'helm_release.r [Chart::prometheus-node-exporter::hostPath]',
    ]);
    expect(addresses(runRule(HARD_004, rel('prometheus-node-exporter', { hostNetwork: false, hostPID: false, hostRootFsMount: { enabled: false } })))).toEqual(['helm_release.r [Chart::prometheus-node-exporter::hostPath]']);
    expect(addresses(runRule(HARD_004, rel('gpu-operator')))).toEqual(['helm_release.r [Chart::gpu-operator::privileged]', 'helm_release.r [Chart::gpu-operator::hostPath]']);
    expect(runRule(HARD_004, rel('cert-manager'))).toEqual([]);
    expect(addresses(runRule(HARD_004, rel('some-chart', { hostNetwork: true })))).toEqual(['helm_release.r [Chart::some-chart::hostNetwork]']);
  });
});

describe('LOOM-HARD-005 PSS Restricted for platform and team workloads', () => {
  const team = { kubernetes_namespace_v1: { team: { metadata: { name: 'apps', labels: { 'loom.dev/team': 'ranking' } } }, platform: { metadata: { name: 'loom-system' } } } };
  const w = (pod: Record<string, unknown>, container: Record<string, unknown>, namespace = 'apps') => fixtureStack('s', { ...team, helm_release: { w: resourcesChart([job(pod, container, namespace)]) } });
  it('passes a restricted workload', () => {
    expect(runRule(HARD_005, w(restricted.pod, restricted.container))).toEqual([]);
  });
  it('fails omitted settings: HIGH in a team namespace, MEDIUM in a platform one; a writable root filesystem is LOW', () => {
    const f = runRule(HARD_005, w({}, {}));
    expect(addresses(f)).toEqual([
      'helm_release.w [Job/j::allowPrivilegeEscalation]',
      'helm_release.w [Job/j::runAsNonRoot]',
      'helm_release.w [Job/j::seccompProfile]',
      'helm_release.w [Job/j::capabilities]',
      'helm_release.w [Job/j::readOnlyRootFilesystem]',
    ]);
    expect(severities(f)).toEqual(['HIGH', 'HIGH', 'HIGH', 'HIGH', 'LOW']);
    expect(severities(runRule(HARD_005, w({}, {}, 'loom-system')))).toEqual(['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'LOW']);
  });
  it('fails root, added capabilities and hostPath volumes', () => {
    const f = runRule(HARD_005, w({ ...restricted.pod, volumes: [{ name: 'h', hostPath: { path: '/' } }] }, { securityContext: { ...restricted.container.securityContext, runAsUser: 0, capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } } }));
    expect(addresses(f)).toEqual(['helm_release.w [Job/j::runAsUser]', 'helm_release.w [Job/j::capabilities]', 'helm_release.w [Job/j::volumes]']);
  });
  it('reports a reference as unknown', () => {
    expect(addresses(runRule(HARD_005, w(restricted.pod, { securityContext: { ...restricted.container.securityContext, allowPrivilegeEscalation: '${var.x}' } })))).toEqual(['helm_release.w (unknown) [Job/j]']);
  });
  it('charts: node agents and values that weaken a chart are findings', () => {
    const rel = (chart: string, values: Record<string, unknown> = {}) => fixtureStack('s', { helm_release: { r: { chart, namespace: 'loom-system', values: [JSON.stringify(values)] } } });
    expect(addresses(runRule(HARD_005, rel('prometheus-node-exporter')))).toEqual([
      'helm_release.r [Chart::prometheus-node-exporter::allowPrivilegeEscalation]',
      'helm_release.r [Chart::prometheus-node-exporter::capabilities.drop]',
      'helm_release.r [Chart::prometheus-node-exporter::seccompProfile]',
      'helm_release.r [Chart::prometheus-node-exporter::volumes]',
    ]);
    expect(addresses(runRule(HARD_005, rel('mlflow', { podSecurityContext: { runAsUser: 0 } })))).toEqual(['helm_release.r [Chart::mlflow::runAsUser]']);
    expect(runRule(HARD_005, rel('mlflow'))).toEqual([]);
  });
});

describe('LOOM-HARD-006 namespaces carry PSA labels', () => {
  const ns = (labels?: Record<string, string>) => fixtureStack('s', { kubernetes_namespace_v1: { n: { metadata: { name: 'apps', ...(labels ? { labels } : {}) } } } });
  const psa = (enforce: string) => ({ 'pod-security.kubernetes.io/enforce': enforce, 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' });
  it('passes baseline on a platform namespace and restricted on a team namespace', () => {
    expect(runRule(HARD_006, ns(psa('baseline')))).toEqual([]);
    expect(runRule(HARD_006, ns({ ...psa('restricted'), 'loom.dev/team': 'ranking' }))).toEqual([]);
  });
  it('fails privileged, and baseline on a team namespace outside dev (a dev platform\'s teams may enforce baseline)', () => {
    expect(addresses(runRule(HARD_006, ns(psa('privileged'))))).toEqual(['kubernetes_namespace_v1.n [apps::enforce]']);
    expect(addresses(runRule(HARD_006, ns({ ...psa('baseline'), 'loom.dev/team': 'ranking' })))).toEqual(['kubernetes_namespace_v1.n [apps::enforce]']);
    expect(addresses(runRule(HARD_006, ns({ ...psa('baseline'), 'loom.dev/team': 'ranking' }), { environment: 'staging' }))).toEqual(['kubernetes_namespace_v1.n [apps::enforce]']);
    expect(runRule(HARD_006, ns({ ...psa('baseline'), 'loom.dev/team': 'ranking' }), { environment: 'dev' })).toEqual([]);
  });
  it('fails a namespace without labels (PSA then enforces nothing)', () => {
    expect(addresses(runRule(HARD_006, ns()))).toEqual(['kubernetes_namespace_v1.n [apps::enforce]', 'kubernetes_namespace_v1.n [apps::warn]', 'kubernetes_namespace_v1.n [apps::audit]']);
  });
  it('reports a reference as unknown', () => {
    expect(addresses(runRule(HARD_006, ns({ ...psa('baseline'), 'pod-security.kubernetes.io/enforce': '${var.level}' })))).toEqual(['kubernetes_namespace_v1.n (unknown)']);
  });
  it('fails workloads and releases in default or kube-system, except cluster add-ons', () => {
    const s = fixtureStack('s', {
      helm_release: {
        w: resourcesChart([job({}, {}, 'default')]),
        nons: { chart: 'mlflow' },
        ks: { chart: 'mlflow', namespace: 'kube-system' },
        addon: { chart: 'metrics-server', namespace: 'kube-system' },
      },
    });
    expect(addresses(runRule(HARD_006, s))).toEqual(['helm_release.w [Job/j::default]', 'helm_release.nons [Chart::mlflow::default]', 'helm_release.ks [Chart::mlflow::kube-system]']);
  });
});

const EXPECTED: Record<string, Record<string, string[]>> = {
  "aws-platform.yaml": {
    "LOOM-HARD-001": [],
    "LOOM-HARD-002": [],
    "LOOM-HARD-003": [
      "acme-addons-events helm_release.Streaming_Topics_Job_60A2008D [Job/kafka-topics-e8051f0b/iam-auth::Registry]",
      "acme-addons-events helm_release.Streaming_Topics_Job_60A2008D [Job/kafka-topics-e8051f0b/topics::Registry]"
    ],
    "LOOM-HARD-004": [
      "acme-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::hostNetwork]",
      "acme-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::hostPID]",
      "acme-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::hostPath]",
      "acme-addons-events helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::hostNetwork]",
      "acme-addons-events helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::hostPID]",
      "acme-addons-events helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::hostPath]",
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::hostPath]",
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::privileged]",
      "acme-addons-training helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::hostNetwork]",
      "acme-addons-training helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::hostPID]",
      "acme-addons-training helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::hostPath]"
    ],
    "LOOM-HARD-005": [
      "acme-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::allowPrivilegeEscalation]",
      "acme-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::capabilities.drop]",
      "acme-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::seccompProfile]",
      "acme-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::volumes]",
      "acme-addons-events helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::allowPrivilegeEscalation]",
      "acme-addons-events helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::capabilities.drop]",
      "acme-addons-events helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::seccompProfile]",
      "acme-addons-events helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::volumes]",
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::allowPrivilegeEscalation]",
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::capabilities.drop]",
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::runAsNonRoot]",
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::seccompProfile]",
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::volumes]",
      "acme-addons-training helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::allowPrivilegeEscalation]",
      "acme-addons-training helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::capabilities.drop]",
      "acme-addons-training helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::seccompProfile]",
      "acme-addons-training helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::volumes]"
    ],
    "LOOM-HARD-006": [
      "acme-addons-apps kubernetes_namespace_v1.Namespaces_NodeAgents_B146783B [loom-node-agents::enforce]",
      "acme-addons-events kubernetes_namespace_v1.Namespaces_NodeAgents_B146783B [loom-node-agents::enforce]",
      "acme-addons-training kubernetes_namespace_v1.Namespaces_NodeAgents_B146783B [loom-node-agents::enforce]"
    ]
  },
  "aws-buy-everything.yaml": {
    "LOOM-HARD-001": [],
    "LOOM-HARD-002": [],
    "LOOM-HARD-003": [
      "smallco-addons-apps helm_release.Streaming_Topics_Job_60A2008D [Job/kafka-topics-80f1c1ea/iam-auth::Registry]",
      "smallco-addons-apps helm_release.Streaming_Topics_Job_60A2008D [Job/kafka-topics-80f1c1ea/topics::Registry]"
    ],
    "LOOM-HARD-004": [
      "smallco-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::hostNetwork]",
      "smallco-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::hostPID]",
      "smallco-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::hostPath]"
    ],
    "LOOM-HARD-005": [
      "smallco-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::allowPrivilegeEscalation]",
      "smallco-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::capabilities.drop]",
      "smallco-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::seccompProfile]",
      "smallco-addons-apps helm_release.Monitoring_Collectors_NodeExporter_1A0B4715 [Chart::prometheus-node-exporter::volumes]"
    ],
    "LOOM-HARD-006": [
      "smallco-addons-apps kubernetes_namespace_v1.Namespaces_NodeAgents_B146783B [loom-node-agents::enforce]"
    ]
  },
  "aws-minimal.yaml": {
    "LOOM-HARD-001": [],
    "LOOM-HARD-002": [],
    "LOOM-HARD-003": [],
    "LOOM-HARD-004": [],
    "LOOM-HARD-005": [],
    "LOOM-HARD-006": [
      "sandbox-addons-apps kubernetes_namespace_v1.Namespaces_NodeAgents_B146783B [loom-node-agents::enforce]"
    ]
  },
  "gcp-platform.yaml": {
    "LOOM-HARD-001": [],
    "LOOM-HARD-002": [],
    "LOOM-HARD-003": [
      "acme-addons-apps kubernetes_job_v1.Registry_Setup_A9E17B02 [Job/harbor-setup/setup::Registry]",
      "acme-cluster-apps google_container_cluster.Cluster_EB0386A7 [BinaryAuthorization]",
      "acme-cluster-events google_container_cluster.Cluster_EB0386A7 [BinaryAuthorization]",
      "acme-cluster-training google_container_cluster.Cluster_EB0386A7 [BinaryAuthorization]"
    ],
    "LOOM-HARD-004": [
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::hostPath]",
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::privileged]"
    ],
    "LOOM-HARD-005": [
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::allowPrivilegeEscalation]",
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::capabilities.drop]",
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::runAsNonRoot]",
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::seccompProfile]",
      "acme-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::volumes]"
    ],
    "LOOM-HARD-006": [
      "acme-addons-apps kubernetes_namespace_v1.Namespaces_NodeAgents_B146783B [loom-node-agents::enforce]",
      "acme-addons-events kubernetes_namespace_v1.Namespaces_NodeAgents_B146783B [loom-node-agents::enforce]",
      "acme-addons-training kubernetes_namespace_v1.Namespaces_NodeAgents_B146783B [loom-node-agents::enforce]"
    ]
  },
  "onprem-sovereign.yaml": {
    "LOOM-HARD-001": [],
    "LOOM-HARD-002": [],
    "LOOM-HARD-003": [
      "sovereign-addons-apps kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca/install::Registry]",
      "sovereign-addons-apps kubernetes_job_v1.Registry_Setup_A9E17B02 [Job/harbor-setup/setup::Registry]",
      "sovereign-addons-events kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca/install::Registry]",
      "sovereign-addons-training kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca/install::Registry]"
    ],
    "LOOM-HARD-004": [
      "sovereign-addons-apps helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::hostNetwork]",
      "sovereign-addons-apps helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::hostPID]",
      "sovereign-addons-apps helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::hostPath]",
      "sovereign-addons-apps kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca::hostPath]",
      "sovereign-addons-events helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::hostNetwork]",
      "sovereign-addons-events helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::hostPID]",
      "sovereign-addons-events helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::hostPath]",
      "sovereign-addons-events kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca::hostPath]",
      "sovereign-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::hostPath]",
      "sovereign-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::privileged]",
      "sovereign-addons-training helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::hostNetwork]",
      "sovereign-addons-training helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::hostPID]",
      "sovereign-addons-training helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::hostPath]",
      "sovereign-addons-training kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca::hostPath]"
    ],
    "LOOM-HARD-005": [
      "sovereign-addons-apps helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::allowPrivilegeEscalation]",
      "sovereign-addons-apps helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::capabilities.drop]",
      "sovereign-addons-apps helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::seccompProfile]",
      "sovereign-addons-apps helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::volumes]",
      "sovereign-addons-apps kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca::runAsNonRoot]",
      "sovereign-addons-apps kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca::runAsUser]",
      "sovereign-addons-apps kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca::volumes]",
      "sovereign-addons-events helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::allowPrivilegeEscalation]",
      "sovereign-addons-events helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::capabilities.drop]",
      "sovereign-addons-events helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::seccompProfile]",
      "sovereign-addons-events helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::volumes]",
      "sovereign-addons-events kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca::runAsNonRoot]",
      "sovereign-addons-events kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca::runAsUser]",
      "sovereign-addons-events kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca::volumes]",
      "sovereign-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::allowPrivilegeEscalation]",
      "sovereign-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::capabilities.drop]",
      "sovereign-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::runAsNonRoot]",
      "sovereign-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::seccompProfile]",
      "sovereign-addons-training helm_release.Addons_GpuOperator_Release_DAB36242 [Chart::gpu-operator::volumes]",
      "sovereign-addons-training helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::allowPrivilegeEscalation]",
      "sovereign-addons-training helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::capabilities.drop]",
      "sovereign-addons-training helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::seccompProfile]",
      "sovereign-addons-training helm_release.Monitoring_KubePrometheusStack_98997EAF [Chart::kube-prometheus-stack::volumes]",
      "sovereign-addons-training kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca::runAsNonRoot]",
      "sovereign-addons-training kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca::runAsUser]",
      "sovereign-addons-training kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DaemonSet/registry-ca::volumes]"
    ],
    "LOOM-HARD-006": [
      "sovereign-addons-apps kubernetes_namespace_v1.Namespaces_NodeAgents_B146783B [loom-node-agents::enforce]",
      "sovereign-addons-events kubernetes_namespace_v1.Namespaces_NodeAgents_B146783B [loom-node-agents::enforce]",
      "sovereign-addons-training kubernetes_namespace_v1.Namespaces_NodeAgents_B146783B [loom-node-agents::enforce]"
    ]
  }
};

describe('the HARD rules on the examples', () => {
  it('are registered in id order', () => {
    expect(HARD_RULES.map((r) => r.id)).toEqual(['LOOM-HARD-001', 'LOOM-HARD-002', 'LOOM-HARD-003', 'LOOM-HARD-004', 'LOOM-HARD-005', 'LOOM-HARD-006']);
  });
  for (const file of EXAMPLES) {
    it(`find exactly the expected findings in ${file}`, () => {
      const { stacks, settings } = exampleStacks(file);
      for (const rule of HARD_RULES) {
        const found = runRule(rule, stacks, settings);
        const got = addresses(found).map((a, i) => `${found[i]!.resource.stack} ${a}`).sort();
        expect(got, `${rule.id} on ${file}`).toEqual(EXPECTED[file]![rule.id]);
      }
    });
  }
});
