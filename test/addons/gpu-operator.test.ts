/**
 * The NVIDIA GPU operator: configured for what each cloud's GPU nodes already have (drivers from
 * the EKS NVIDIA AMI or GKE's installer), tolerating the GPU taint, among the node agents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GKE_NO_DEFAULT_DEVICE_PLUGIN_LABEL } from '../../plan';
import { findResource, synthSpec, type Synthesized } from '../helpers/synth';
import { gcpPlatformSpec } from '../helpers/gcp';
import { awsSpec } from '../aws/fixtures';
import { onpremSpec } from '../kubernetes/fixtures';
import { release } from './fixtures';

const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };

describe('on EKS', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(awsSpec());
  });
  afterAll(() => out.cleanup());
  const values = () => release(out.stacks['acme-addons-training']!, 'gpu-operator').values;

  it('leaves the driver and the container toolkit to the EKS AL2023 NVIDIA AMI', () => {
    expect(values().driver).toEqual({ enabled: false });
    expect(values().toolkit).toEqual({ enabled: false });
    expect(findResource(out.stacks['acme-cluster-training']!, 'aws_eks_node_group', { node_group_name: 'acme-training-gpu' }).ami_type).toBe('AL2023_x86_64_NVIDIA');
  });

  it('runs the device plugin and DCGM exporter on GPU nodes, tolerating their taint', () => {
    expect(values().devicePlugin).toEqual({ enabled: true });
    expect(values().dcgmExporter).toMatchObject({ enabled: true });
    expect(values().daemonsets.tolerations).toEqual([GPU_TOLERATION]);
    // Node feature discovery looks only at the nodes Loom labelled as GPU nodes.
    expect(values()['node-feature-discovery'].worker).toEqual({ tolerations: [GPU_TOLERATION], nodeSelector: { 'nvidia.com/gpu.present': 'true' } });
  });

  it('installs into the privileged node-agents namespace', () => {
    expect(String(release(out.stacks['acme-addons-training']!, 'gpu-operator').resource.namespace)).toMatch(/Namespaces_NodeAgents/);
  });

  it("says CDI explicitly: the device plugin then uses the AMI's toolkit hook and containerd's CDI support", () => {
    expect(values().cdi).toEqual({ enabled: true });
    expect(values().hostPaths).toBeUndefined();
  });

  it("keeps node feature discovery's master and garbage collector on the system pool, with the chart's control-plane toleration", () => {
    const nfd = values()['node-feature-discovery'];
    expect(nfd.master.tolerations[0]).toEqual({ key: 'node-role.kubernetes.io/control-plane', operator: 'Equal', value: '', effect: 'NoSchedule' });
    expect(nfd.master.nodeSelector).toEqual({ 'loom.dev/role': 'system' });
    expect(nfd.gc).toEqual({ tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Equal', value: 'true', effect: 'NoSchedule' }], nodeSelector: { 'loom.dev/role': 'system' } });
  });
});

describe('on GKE', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(gcpPlatformSpec());
  });
  afterAll(() => out.cleanup());
  const training = () => out.stacks['acme-addons-training']!;

  it("uses GKE's driver install directory, installs the toolkit there, and uses CDI, as NVIDIA documents for GKE", () => {
    const v = release(training(), 'gpu-operator').values;
    expect(v.driver).toEqual({ enabled: false });
    expect(v.toolkit).toEqual({ enabled: true, installDir: '/home/kubernetes/bin/nvidia' });
    expect(v.hostPaths).toEqual({ driverInstallDir: '/home/kubernetes/bin/nvidia' });
    expect(v.cdi).toEqual({ enabled: true });
  });

  it('turns off GKE’s own device plugin on GPU pools, while GKE keeps installing the driver', () => {
    const pool = findResource(out.stacks['acme-cluster-training']!, 'google_container_node_pool', { name: 'gpu' });
    const nodeConfig = pool.node_config as any;
    expect(nodeConfig.labels).toMatchObject({ [GKE_NO_DEFAULT_DEVICE_PLUGIN_LABEL]: 'true' });
    expect(nodeConfig.guest_accelerator[0].gpu_driver_installation_config.gpu_driver_version).toBe('DEFAULT');
    const cpu = findResource(out.stacks['acme-cluster-training']!, 'google_container_node_pool', { name: 'cpu' });
    expect((cpu.node_config as any).labels).not.toHaveProperty(GKE_NO_DEFAULT_DEVICE_PLUGIN_LABEL);
  });

  it('admits the operator’s system-node-critical pods outside kube-system with a ResourceQuota', () => {
    const quota = findResource(training(), 'kubernetes_resource_quota_v1');
    expect(quota.spec).toMatchObject({
      // 8 GPU nodes at most: 16 pods each, plus 16 (never below NVIDIA's 100).
      hard: { pods: '144' },
      scope_selector: { match_expression: [{ scope_name: 'PriorityClass', operator: 'In', values: ['system-node-critical', 'system-cluster-critical'] }] },
    });
    expect(release(training(), 'gpu-operator').resource.depends_on).toEqual([expect.stringMatching(/^kubernetes_resource_quota_v1\./)]);
  });
});

describe('on existing clusters', () => {
  it('installs what existing.gpu says the hosts lack, and looks for GPUs on every node', () => {
    const spec = onpremSpec();
    spec.clusters[2].existing.gpu = { driver: 'preinstalled' };
    const out = synthSpec(spec);
    try {
      const v = release(out.stacks['lab-addons-gpu']!, 'gpu-operator').values;
      expect(v.driver).toEqual({ enabled: false });
      expect(v.toolkit).toEqual({ enabled: true });
      expect(v['node-feature-discovery'].worker).toEqual({ tolerations: [GPU_TOLERATION] });
      expect(v.daemonsets.tolerations).toEqual([GPU_TOLERATION]);
    } finally {
      out.cleanup();
    }
  });
});
