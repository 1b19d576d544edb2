import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findResource, findResources, resources, synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { awsSpec } from './fixtures';

describe('EksCluster', () => {
  let out: Synthesized;
  beforeAll(() => {
    const spec = awsSpec();
    spec.clusters[0].admins = ['arn:aws:iam::123456789012:role/platform-admins'];
    out = synthSpec(spec);
  });
  afterAll(() => out.cleanup());
  const stack = (c: string): StackJson => out.stacks[`acme-cluster-${c}`]!;

  it('keeps the API endpoint private unless the spec lists who may reach it', () => {
    expect(findResource(stack('apps'), 'aws_eks_cluster').vpc_config).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access: false,
    });
    const spec = awsSpec();
    spec.clusters[0].endpoint = { publicAccessCidrs: ['203.0.113.0/24'] };
    const open = synthSpec(spec);
    try {
      expect(findResource(open.stacks['acme-cluster-apps']!, 'aws_eks_cluster').vpc_config).toMatchObject({
        endpoint_private_access: true,
        endpoint_public_access: true,
        public_access_cidrs: ['203.0.113.0/24'],
      });
    } finally {
      open.cleanup();
    }
  });

  it('encrypts Kubernetes secrets with a rotating KMS key', () => {
    const cluster = findResource(stack('apps'), 'aws_eks_cluster');
    expect(cluster.encryption_config).toMatchObject({ resources: ['secrets'] });
    expect(String((cluster.encryption_config as any).provider.key_arn)).toMatch(/^\$\{aws_kms_key\.\w+\.arn\}$/);
    expect(findResource(stack('apps'), 'aws_kms_key')).toMatchObject({ enable_key_rotation: true });
  });

  it('sends every control-plane log type to a log group with a retention', () => {
    const cluster = findResource(stack('events'), 'aws_eks_cluster');
    expect(cluster.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
    expect(findResource(stack('events'), 'aws_cloudwatch_log_group', { name: '/aws/eks/acme-events/cluster' }).retention_in_days).toBe(90);
  });

  it('uses API access entries, and grants listed admins cluster-admin', () => {
    expect(findResource(stack('apps'), 'aws_eks_cluster').access_config).toMatchObject({ authentication_mode: 'API' });
    // One entry per distinct principal (see access-entries.test.ts), the listed admin among them.
    expect(String(findResource(stack('apps'), 'aws_eks_access_entry').for_each)).toContain('"arn:aws:iam::123456789012:role/platform-admins"');
    expect(findResource(stack('apps'), 'aws_eks_access_policy_association')).toMatchObject({
      policy_arn: expect.stringMatching(/^arn:\$\{data\.aws_partition\.\w+\.partition\}:eks::aws:cluster-access-policy\/AmazonEKSClusterAdminPolicy$/),
      access_scope: { type: 'cluster' },
    });
  });

  it('has an OIDC provider for IAM roles for service accounts', () => {
    expect(findResource(stack('apps'), 'aws_iam_openid_connect_provider')).toMatchObject({ client_id_list: ['sts.amazonaws.com'] });
    const cni = findResource(stack('apps'), 'aws_iam_role', { name: 'acme-apps-aws-node' });
    expect(String(cni.assume_role_policy)).toContain('system:serviceaccount:kube-system:aws-node');
    expect(String(cni.assume_role_policy)).toContain('sts:AssumeRoleWithWebIdentity');
  });

  it('installs the managed add-ons a cluster needs, with their own roles where they call AWS', () => {
    const addons = findResources(stack('training'), 'aws_eks_addon').map((a) => a.addon_name).sort();
    expect(addons).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
    expect(String(findResource(stack('training'), 'aws_eks_addon', { addon_name: 'vpc-cni' }).service_account_role_arn)).toContain('aws_iam_role.');
    const ebs = findResource(stack('training'), 'aws_eks_addon', { addon_name: 'aws-ebs-csi-driver' });
    expect(String(ebs.service_account_role_arn)).toContain('aws_iam_role.');
    // EKS ≥ 1.30 has no default StorageClass; the EBS CSI add-on provides one.
    expect(JSON.parse(String(ebs.configuration_values))).toEqual({ defaultStorageClass: { enabled: true } });
  });

  it('gives each pool a launch template requiring IMDSv2 with hop limit 1 and an encrypted gp3 root volume sized by diskGb', () => {
    const lt = findResource(stack('events'), 'aws_launch_template');
    expect(lt.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(lt.block_device_mappings).toEqual([
      { device_name: '/dev/xvda', ebs: { volume_size: 500, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' } },
    ]);
    // The batch cluster's two pools, plus the system group its autoscaler runs on (every pool scales to zero).
    expect(findResources(stack('training'), 'aws_launch_template')).toHaveLength(3);
  });

  it('runs microservice and streaming pools on demand, and batch pools on spot', () => {
    expect(findResource(stack('apps'), 'aws_eks_node_group').capacity_type).toBe('ON_DEMAND');
    for (const g of findResources(stack('events'), 'aws_eks_node_group')) expect(g.capacity_type).toBe('ON_DEMAND');
    expect(findResource(stack('training'), 'aws_eks_node_group', { node_group_name: 'acme-training-cpu' }).capacity_type).toBe('SPOT');
  });

  it('lets batch pools scale to zero and keeps the others above it', () => {
    expect(findResource(stack('training'), 'aws_eks_node_group', { node_group_name: 'acme-training-cpu' }).scaling_config).toEqual({
      min_size: 0,
      max_size: 20,
      desired_size: 0,
    });
    expect(findResource(stack('apps'), 'aws_eks_node_group').scaling_config).toEqual({ min_size: 2, max_size: 10, desired_size: 2 });
  });

  it('gives GPU pools the NVIDIA AMI, the GPU taint and GPU labels', () => {
    const gpu = findResource(stack('training'), 'aws_eks_node_group', { node_group_name: 'acme-training-gpu' });
    expect(gpu.ami_type).toBe('AL2023_x86_64_NVIDIA');
    expect(gpu.taint).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' }]);
    expect(gpu.labels).toMatchObject({ 'nvidia.com/gpu.present': 'true', 'loom.dev/gpu': 'nvidia-a10g', 'loom.dev/capacity': 'spot' });
    const cpu = findResource(stack('training'), 'aws_eks_node_group', { node_group_name: 'acme-training-cpu' });
    expect(cpu.ami_type).toBe('AL2023_x86_64_STANDARD');
    expect(cpu.taint).toEqual([]);
  });

  it('leaves the desired size to the autoscaler after creation', () => {
    for (const group of findResources(stack('training'), 'aws_eks_node_group')) {
      expect(group.lifecycle).toEqual({ ignore_changes: ['scaling_config[0].desired_size'] });
    }
  });

  it('places single-zone batch nodes in the first zone only', () => {
    const spec = awsSpec();
    spec.clusters[2].singleZone = { reason: 'GPU capacity reservation in us-east-1a' };
    const single = synthSpec(spec);
    try {
      const groups = findResources(single.stacks['acme-cluster-training']!, 'aws_eks_node_group');
      for (const g of groups) expect((g.subnet_ids as string[]).length).toBe(1);
      expect((findResource(single.stacks['acme-cluster-training']!, 'aws_eks_cluster').vpc_config as any).subnet_ids).toHaveLength(3);
    } finally {
      single.cleanup();
    }
  });

  it('reads the network through cross-stack references, and keeps state in encrypted, locked S3', () => {
    const apps = stack('apps');
    expect(Object.keys(apps.data?.terraform_remote_state ?? {})).toEqual(['cross-stack-reference-input-acme-network']);
    expect(apps.terraform?.backend?.s3).toMatchObject({ bucket: 'acme-tfstate', key: 'loom/acme-cluster-apps.tfstate', encrypt: true, use_lockfile: true });
  });

  it('reads only the account and the identity running Terraform at plan time, once per stack', () => {
    // The creator's access entry, key policies and Karpenter's policy need them (aws-account.ts).
    for (const [name, s] of Object.entries(out.stacks).filter(([n]) => n.startsWith('acme-cluster-'))) {
      const dataTypes = Object.keys(s.data ?? {}).filter((t) => t !== 'terraform_remote_state').sort();
      expect(dataTypes, name).toEqual(['aws_caller_identity', 'aws_iam_session_context', 'aws_partition']);
      for (const t of dataTypes) expect(Object.keys(s.data![t]!), `${name} ${t}`).toHaveLength(1);
    }
  });
});
