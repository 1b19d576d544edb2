/**
 * The INST rules: per rule a non-compliant, a compliant, an attribute-omitted (the provider's
 * default) and an unresolved-reference fixture, asserting the exact findings; then every example.
 */
import { describe, expect, it } from 'vitest';
import { INST_001 } from '../../../policies/rules/inst/inst-001';
import { INST_002 } from '../../../policies/rules/inst/inst-002';
import { INST_003 } from '../../../policies/rules/inst/inst-003';
import { INST_004 } from '../../../policies/rules/inst/inst-004';
import { INST_RULES } from '../../../policies/rules/inst';
import { addresses, EXAMPLES, exampleStacks, fixtureStack, runRule } from '../helpers';

const resourcesChart = (objects: unknown[]) => ({ chart: './assets/LoomResourcesChart/ABC', name: 'r', namespace: 'loom-system', values: [JSON.stringify({ resources: objects })] });

describe('LOOM-INST-001 instance-metadata protection', () => {
  const lt = (metadata_options?: Record<string, unknown>) => fixtureStack('s', { aws_launch_template: { t: { name: 't', ...(metadata_options ? { metadata_options } : {}) } } });

  it('fails IMDSv1 and a hop limit of 2', () => {
    expect(addresses(runRule(INST_001, lt({ http_tokens: 'optional', http_put_response_hop_limit: 2 })))).toEqual(['aws_launch_template.t [HttpTokens]', 'aws_launch_template.t [HopLimit]']);
  });
  it('passes IMDSv2 with hop limit 1, and a disabled endpoint', () => {
    expect(runRule(INST_001, lt({ http_tokens: 'required', http_put_response_hop_limit: 1 }))).toEqual([]);
    expect(runRule(INST_001, lt({ http_endpoint: 'disabled' }))).toEqual([]);
  });
  it('fails omitted metadata_options (http_tokens defaults to optional)', () => {
    expect(addresses(runRule(INST_001, lt()))).toEqual(['aws_launch_template.t [HttpTokens]']);
  });
  it('reports a reference as unknown', () => {
    expect(addresses(runRule(INST_001, lt({ http_tokens: '${var.tokens}' })))).toEqual(['aws_launch_template.t (unknown) [Metadata]']);
  });
  it('fails a node group without a launch template; unknown when its template cannot be followed', () => {
    const s = fixtureStack('s', {
      aws_launch_template: { t: { metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1 } } },
      aws_eks_node_group: { ok: { launch_template: { id: '${aws_launch_template.t.id}' } }, none: {}, lost: { launch_template: { id: '${aws_launch_template.gone.id}' } } },
    });
    expect(addresses(runRule(INST_001, s))).toEqual(['aws_eks_node_group.none [LaunchTemplate]', 'aws_eks_node_group.lost (unknown)']);
  });
  it('Karpenter EC2NodeClass: defaults pass, optional tokens fail', () => {
    const nc = (metadataOptions?: unknown) => fixtureStack('s', { helm_release: { pools: resourcesChart([{ apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: 'gpu' }, spec: metadataOptions ? { metadataOptions } : {} }]) } });
    expect(runRule(INST_001, nc())).toEqual([]);
    expect(addresses(runRule(INST_001, nc({ httpTokens: 'optional', httpPutResponseHopLimit: 2 })))).toEqual(['helm_release.pools [EC2NodeClass/gpu::HttpTokens]', 'helm_release.pools [EC2NodeClass/gpu::HopLimit]']);
  });
  it('GKE: GKE_METADATA passes; GCE_METADATA and legacy endpoints fail; omitted follows Workload Identity; a reference is unknown', () => {
    const gke = (node_config: Record<string, unknown>, wi = true) =>
      fixtureStack('s', {
        google_container_cluster: { c: { remove_default_node_pool: true, ...(wi ? { workload_identity_config: { workload_pool: 'p.svc.id.goog' } } : {}) } },
        google_container_node_pool: { p: { cluster: '${google_container_cluster.c.name}', node_config } },
      });
    expect(runRule(INST_001, gke({ workload_metadata_config: { mode: 'GKE_METADATA' } }))).toEqual([]);
    expect(addresses(runRule(INST_001, gke({ workload_metadata_config: { mode: 'GCE_METADATA' }, metadata: { 'disable-legacy-endpoints': 'false' } })))).toEqual([
      'google_container_node_pool.p [WorkloadMetadata]',
      'google_container_node_pool.p [LegacyEndpoints]',
    ]);
    expect(runRule(INST_001, gke({}))).toEqual([]);
    expect(addresses(runRule(INST_001, gke({}, false)))).toEqual(['google_container_node_pool.p [WorkloadMetadata]']);
    expect(addresses(runRule(INST_001, gke({ workload_metadata_config: { mode: '${var.mode}' } })))).toEqual(['google_container_node_pool.p (unknown)']);
  });
});

describe('LOOM-INST-002 nodes are private', () => {
  const net = (subnet: Record<string, unknown>, igw: boolean) =>
    fixtureStack('s', {
      aws_internet_gateway: { igw: {} },
      aws_nat_gateway: { nat: {} },
      aws_subnet: { a: subnet },
      aws_route_table: { rt: {} },
      aws_route_table_association: { assoc: { subnet_id: '${aws_subnet.a.id}', route_table_id: '${aws_route_table.rt.id}' } },
      aws_route: { def: { route_table_id: '${aws_route_table.rt.id}', destination_cidr_block: '0.0.0.0/0', ...(igw ? { gateway_id: '${aws_internet_gateway.igw.id}' } : { nat_gateway_id: '${aws_nat_gateway.nat.id}' }) } },
      aws_eks_node_group: { g: { subnet_ids: ['${aws_subnet.a.id}'] } },
    });
  it('fails a node group in a public subnet (IGW route, or public IPs on launch)', () => {
    expect(addresses(runRule(INST_002, net({ cidr_block: '10.0.0.0/24' }, true)))).toEqual(['aws_eks_node_group.g [Subnet::aws_subnet.a]']);
    expect(addresses(runRule(INST_002, net({ map_public_ip_on_launch: true }, false)))).toEqual(['aws_eks_node_group.g [Subnet::aws_subnet.a]']);
  });
  it('passes a private subnet routed through NAT (map_public_ip_on_launch omitted: false)', () => {
    expect(runRule(INST_002, net({ cidr_block: '10.0.0.0/24' }, false))).toEqual([]);
  });
  it('fails a launch template that associates public IPs; omitted passes', () => {
    expect(addresses(runRule(INST_002, fixtureStack('s', { aws_launch_template: { t: { network_interfaces: [{ associate_public_ip_address: true }] } } })))).toEqual(['aws_launch_template.t [PublicIp]']);
    expect(runRule(INST_002, fixtureStack('s', { aws_launch_template: { t: {} } }))).toEqual([]);
  });
  it('reports unresolvable subnets and references as unknown', () => {
    expect(addresses(runRule(INST_002, fixtureStack('s', { aws_eks_node_group: { g: { subnet_ids: ['${data.terraform_remote_state.x.outputs.y}'] } } })))).toEqual([
      'aws_eks_node_group.g (unknown) [Subnet::${data.terraform_remote_state.x.outputs.y}]',
    ]);
    expect(addresses(runRule(INST_002, net({ map_public_ip_on_launch: '${var.public}' }, false)))).toEqual(['aws_eks_node_group.g (unknown) [Subnet::aws_subnet.a]']);
  });
  it('GKE: private nodes pass; omitted (default false) fails; a reference is unknown', () => {
    const gke = (v: Record<string, unknown>) => fixtureStack('s', { google_container_cluster: { c: v } });
    expect(runRule(INST_002, gke({ private_cluster_config: { enable_private_nodes: true } }))).toEqual([]);
    expect(addresses(runRule(INST_002, gke({})))).toEqual(['google_container_cluster.c [PrivateNodes]']);
    expect(addresses(runRule(INST_002, gke({ private_cluster_config: { enable_private_nodes: false } })))).toEqual(['google_container_cluster.c [PrivateNodes]']);
    expect(addresses(runRule(INST_002, gke({ private_cluster_config: { enable_private_nodes: '${var.p}' } })))).toEqual(['google_container_cluster.c (unknown)']);
  });
});

describe('LOOM-INST-003 GPU pool integrity', () => {
  const gpuOperator = { helm_release: { op: { chart: 'gpu-operator', namespace: 'loom-node-agents' } } };
  const eks = (group: Record<string, unknown>, extra: Record<string, Record<string, Record<string, unknown>>> = gpuOperator) =>
    fixtureStack('s', { aws_eks_cluster: { c: { name: 'c' } }, aws_eks_node_group: { g: { cluster_name: '${aws_eks_cluster.c.name}', ...group } }, ...extra });
  const gpuGroup = { instance_types: ['g5.xlarge'], ami_type: 'AL2023_x86_64_NVIDIA', labels: { 'loom.dev/gpu': 'nvidia-a10g' }, taint: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' }] };

  it('passes a GPU pool with GPU types, the NVIDIA AMI, the taint and the GPU operator', () => {
    expect(runRule(INST_003, eks(gpuGroup))).toEqual([]);
  });
  it('fails CPU types, a standard AMI, no taint and no device plugin in a GPU pool', () => {
    expect(addresses(runRule(INST_003, eks({ ...gpuGroup, instance_types: ['g5.xlarge', 'm7i.large'], ami_type: 'AL2023_x86_64_STANDARD', labels: { 'nvidia.com/gpu.present': 'true' }, taint: [] }, {})))).toEqual([
      'aws_eks_node_group.g [InstanceTypes]',
      'aws_eks_node_group.g [AmiType]',
      'aws_eks_node_group.g [Taint]',
      'aws_eks_node_group.g [DevicePlugin]',
    ]);
  });
  it('fails GPU instance types in a CPU pool', () => {
    expect(addresses(runRule(INST_003, eks({ instance_types: ['p5.48xlarge'], ami_type: 'AL2023_x86_64_STANDARD' })))).toEqual(['aws_eks_node_group.g [GpuTypesInCpuPool]']);
  });
  it('omitted instance_types (t3.medium) in a GPU pool fails; omitted ami_type passes (EKS picks the accelerated AMI)', () => {
    const { instance_types: _t, ami_type: _a, ...rest } = gpuGroup;
    expect(addresses(runRule(INST_003, eks(rest)))).toEqual(['aws_eks_node_group.g [InstanceTypes]']);
    expect(runRule(INST_003, eks({ ...rest, instance_types: ['g6.xlarge'] }))).toEqual([]);
  });
  it('reports references as unknown', () => {
    expect(addresses(runRule(INST_003, eks({ ...gpuGroup, instance_types: ['${var.type}'] })))).toEqual(['aws_eks_node_group.g (unknown)']);
  });
  it('Karpenter NodePools: taint and instance types checked, CPU NodePools without GPU types', () => {
    const np = (labels: Record<string, string>, types: string[], taints: unknown[]) =>
      fixtureStack('s', {
        ...gpuOperator,
        helm_release: {
          ...gpuOperator.helm_release,
          pools: resourcesChart([{ apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'p' }, spec: { template: { metadata: { labels }, spec: { requirements: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: types }], taints } } } }]),
        },
      });
    const taint = [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }];
    expect(runRule(INST_003, np({ 'loom.dev/gpu': 'nvidia-a10g' }, ['g5.xlarge'], taint))).toEqual([]);
    expect(addresses(runRule(INST_003, np({ 'loom.dev/gpu': 'nvidia-a10g' }, ['c7i.xlarge'], [])))).toEqual(['helm_release.pools [NodePool/p::InstanceTypes]', 'helm_release.pools [NodePool/p::Taint]']);
    expect(addresses(runRule(INST_003, np({}, ['g5.xlarge'], [])))).toEqual(['helm_release.pools [NodePool/p::GpuTypesInCpuPool]']);
  });
  it('GKE: an accelerated pool next to a CPU pool is tainted by GKE; alone it is not; a GPU label on n2 fails', () => {
    const accel = { guest_accelerator: [{ type: 'nvidia-l4', count: 1 }], machine_type: 'g2-standard-8', labels: { 'gke-no-default-nvidia-gpu-device-plugin': 'true' } };
    const gke = (pools: Record<string, Record<string, unknown>>, extra = gpuOperator) =>
      fixtureStack('s', {
        ...extra,
        google_container_cluster: { c: { remove_default_node_pool: true } },
        google_container_node_pool: Object.fromEntries(Object.entries(pools).map(([n, nc]) => [n, { cluster: '${google_container_cluster.c.name}', node_config: nc }])),
      });
    expect(runRule(INST_003, gke({ cpu: { machine_type: 'n2-standard-8' }, gpu: accel }))).toEqual([]);
    expect(addresses(runRule(INST_003, gke({ gpu: accel })))).toEqual(['google_container_node_pool.gpu [Taint]']);
    expect(addresses(runRule(INST_003, gke({ cpu: { machine_type: 'n2-standard-8' }, gpu: accel }, {} as typeof gpuOperator)))).toEqual(['google_container_node_pool.gpu [DevicePlugin]']);
    expect(addresses(runRule(INST_003, gke({ cpu: {}, gpu: { labels: { 'loom.dev/gpu': 'nvidia-l4' }, machine_type: 'n2-standard-8' } })))).toEqual(['google_container_node_pool.gpu [MachineType]']);
    expect(addresses(runRule(INST_003, gke({ cpu: { machine_type: 'a2-highgpu-1g' } })))).toEqual(['google_container_node_pool.cpu [GpuTypesInCpuPool]']);
    expect(addresses(runRule(INST_003, gke({ gpu: { ...accel, machine_type: '${var.m}' } })))).toEqual(['google_container_node_pool.gpu (unknown)']);
  });
});

describe('LOOM-INST-004 no secrets in bootstrap data', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const lt = (user_data?: string) => fixtureStack('s', { aws_launch_template: { t: user_data === undefined ? {} : { user_data } } });
  it('fails user data with an AWS access key or a private key', () => {
    expect(addresses(runRule(INST_004, lt(b64('export AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP\n'))))).toEqual(['aws_launch_template.t [user_data::AwsAccessKey]']);
    expect(addresses(runRule(INST_004, lt(b64('-----BEGIN RSA PRIVATE KEY-----\nMII...\n'))))).toEqual(['aws_launch_template.t [user_data::PrivateKey]']);
  });
  it('passes clean user data, and none at all', () => {
    expect(runRule(INST_004, lt(b64('#!/bin/bash\n/etc/eks/bootstrap.sh c\n')))).toEqual([]);
    expect(runRule(INST_004, lt())).toEqual([]);
  });
  it('reports user data built by an expression as unknown', () => {
    expect(addresses(runRule(INST_004, lt('${base64encode(local.script)}')))).toEqual(['aws_launch_template.t (unknown) [user_data]']);
  });
  it('GCE metadata and startup scripts', () => {
    const s = fixtureStack('s', {
      google_compute_instance: { vm: { metadata: { 'ssh-keys': 'x', 'startup-script': 'gsutil cp ... ; export GITHUB=ghp_abcdefghijklmnopqrstuvwxyz0123456789' }, metadata_startup_script: 'echo ok' } },
      google_container_node_pool: { p: { node_config: { metadata: { 'disable-legacy-endpoints': 'true' } } } },
    });
    expect(addresses(runRule(INST_004, s))).toEqual(['google_compute_instance.vm [metadata.startup-script::GitHubToken]']);
  });
  it('Kubernetes env: a credential-named literal fails; valueFrom and plain settings pass', () => {
    const job = (env: unknown[]) => fixtureStack('s', { kubernetes_job_v1: { j: { metadata: { name: 'j', namespace: 'ns' }, spec: { template: { spec: { container: [{ name: 'c', image: 'x:1', env }] } } } } } });
    expect(addresses(runRule(INST_004, job([{ name: 'DB_PASSWORD', value: 'hunter22' }, { name: 'HOST', value: 'db' }])))).toEqual(['kubernetes_job_v1.j [Job/j/c/env/DB_PASSWORD]']);
    expect(runRule(INST_004, job([{ name: 'DB_PASSWORD', value_from: { secret_key_ref: { name: 's', key: 'k' } } }, { name: 'HOST', value: 'db' }]))).toEqual([]);
  });
});

describe('the INST rules on the examples', () => {
  it('are registered in id order', () => {
    expect(INST_RULES.map((r) => r.id)).toEqual(['LOOM-INST-001', 'LOOM-INST-002', 'LOOM-INST-003', 'LOOM-INST-004']);
  });
  for (const file of EXAMPLES) {
    it(`find nothing in ${file}`, () => {
      const { stacks, settings } = exampleStacks(file);
      for (const rule of INST_RULES) expect(addresses(runRule(rule, stacks, settings)), `${rule.id} on ${file}`).toEqual([]);
    });
  }
});
