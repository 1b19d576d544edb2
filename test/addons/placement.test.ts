/**
 * Which add-ons go where: by cloud (EKS, GKE, existing clusters) and by flavour — present where
 * they belong, absent where they do not — and the cut between stacks: the add-ons' AWS side lives
 * in the cluster stack, the add-ons stack holds Kubernetes and Helm resources only.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { plannedAddons } from '../../constructs/addons';
import { MlPlatform } from '../../stacks/ml-platform';
import { findResource, findResources, providerNames, specFrom, specFromFile, synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { gcpPlatformSpec } from '../helpers/gcp';
import { awsSpec } from '../aws/fixtures';
import { onpremSpec } from '../kubernetes/fixtures';
import { chartsOf, customResources, release, remoteRef, resourceTypes } from './fixtures';

const examples = join(__dirname, '..', '..', 'examples');
const CLOUD = /^(aws|google|google-beta)_/;

describe('on EKS (cluster-autoscaler, the default)', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(awsSpec());
  });
  afterAll(() => out.cleanup());
  const addons = (c: string): StackJson => out.stacks[`acme-addons-${c}`]!;

  it('installs cert-manager, metrics-server, cluster-autoscaler and the load balancer controller on every cluster', () => {
    for (const c of ['apps', 'events', 'training']) {
      expect(chartsOf(addons(c)), c).toEqual(expect.arrayContaining(['aws-load-balancer-controller', 'cert-manager', 'cluster-autoscaler', 'metrics-server']));
      expect(chartsOf(addons(c)), c).not.toContain('karpenter');
    }
  });

  it('puts Kueue on the batch cluster only, and the GPU operator only where there are GPU pools', () => {
    expect(chartsOf(addons('training'))).toEqual(expect.arrayContaining(['gpu-operator', 'kueue']));
    for (const c of ['apps', 'events']) {
      expect(chartsOf(addons(c)), c).not.toContain('kueue');
      expect(chartsOf(addons(c)), c).not.toContain('gpu-operator');
      expect(customResources(addons(c)), c).toEqual([]);
    }
  });

  it('installs no GPU operator on a batch cluster without GPU pools', () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools.pop();
    const cpuOnly = synthSpec(spec);
    try {
      expect(chartsOf(cpuOnly.stacks['acme-addons-training']!)).toContain('kueue');
      expect(chartsOf(cpuOnly.stacks['acme-addons-training']!)).not.toContain('gpu-operator');
    } finally {
      cpuOnly.cleanup();
    }
  });

  it('installs controllers into the system namespace and the GPU operator among the node agents', () => {
    const ns = (stack: StackJson, name: string) => `\${kubernetes_namespace_v1.${Object.entries(stack.resource!.kubernetes_namespace_v1!).find(([, r]) => (r.metadata as any).name === name)![0]}.metadata[0].name}`;
    const training = addons('training');
    for (const chart of ['cert-manager', 'cluster-autoscaler', 'aws-load-balancer-controller', 'metrics-server', 'kueue']) {
      expect(release(training, chart).resource.namespace, chart).toBe(ns(training, 'loom-system'));
    }
    expect(release(training, 'gpu-operator').resource.namespace).toBe(ns(training, 'loom-node-agents'));
  });

  it('keeps the add-ons stacks to the Kubernetes and Helm providers: no AWS resource or data source', () => {
    for (const c of ['apps', 'events', 'training']) {
      expect(providerNames(addons(c)), c).toEqual(['helm', 'kubernetes']);
      expect(resourceTypes(addons(c)).filter((t) => CLOUD.test(t)), c).toEqual([]);
      expect(Object.keys(addons(c).data ?? {}).filter((t) => CLOUD.test(t)), c).toEqual([]);
    }
  });

  it('creates the add-ons’ IAM roles in the cluster stack and hands the add-ons stack their ARNs', () => {
    const cluster = out.stacks['acme-cluster-apps']!;
    expect(findResource(cluster, 'aws_iam_role', { name: 'acme-apps-cluster-autoscaler' }).assume_role_policy).toContain('system:serviceaccount:loom-system:cluster-autoscaler');
    expect(findResource(cluster, 'aws_iam_role', { name: 'acme-apps-aws-load-balancer-controller' }).assume_role_policy).toContain(
      'system:serviceaccount:loom-system:aws-load-balancer-controller',
    );
    const ca = release(addons('apps'), 'cluster-autoscaler').values;
    const ref = remoteRef(ca.rbac.serviceAccount.annotations['eks.amazonaws.com/role-arn']);
    expect(ref?.stack).toBe('acme-cluster-apps');
    expect(cluster.output?.[ref!.output], 'the cluster stack outputs the role ARN').toBeDefined();
  });

  it('gives the batch cluster, whose pools all scale to zero, an on-demand system node group for its autoscaler', () => {
    const training = out.stacks['acme-cluster-training']!;
    const system = findResource(training, 'aws_eks_node_group', { node_group_name: 'acme-training-system' });
    expect(system).toMatchObject({ capacity_type: 'ON_DEMAND', scaling_config: { min_size: 2, max_size: 3, desired_size: 2 } });
    expect(system.taint).toEqual([{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NO_SCHEDULE' }]);
    expect(findResources(out.stacks['acme-cluster-apps']!, 'aws_eks_node_group', { node_group_name: 'acme-apps-system' })).toEqual([]);
    // ... and the autoscaler tolerates it, there and nowhere else.
    expect(release(addons('training'), 'cluster-autoscaler').values.tolerations).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
    expect(release(addons('apps'), 'cluster-autoscaler').values.tolerations).toBeUndefined();
  });
});

describe('on EKS with autoscaler: karpenter', () => {
  let out: Synthesized;
  beforeAll(() => {
    const spec = awsSpec();
    for (const c of spec.clusters) c.autoscaler = 'karpenter';
    out = synthSpec(spec);
  });
  afterAll(() => out.cleanup());

  it('installs Karpenter (CRDs as their own release) instead of cluster-autoscaler', () => {
    for (const c of ['apps', 'events', 'training']) {
      const charts = chartsOf(out.stacks[`acme-addons-${c}`]!);
      expect(charts, c).toEqual(expect.arrayContaining(['karpenter', 'karpenter-crd', 'aws-load-balancer-controller', 'cert-manager', 'metrics-server']));
      expect(charts, c).not.toContain('cluster-autoscaler');
    }
  });

  it('creates no cluster-autoscaler role', () => {
    for (const c of ['apps', 'events', 'training']) {
      expect(findResources(out.stacks[`acme-cluster-${c}`]!, 'aws_iam_role', { name: `acme-${c}-cluster-autoscaler` }), c).toEqual([]);
    }
  });
});

describe('on GKE', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(gcpPlatformSpec());
  });
  afterAll(() => out.cleanup());
  const addons = (c: string): StackJson => out.stacks[`acme-addons-${c}`]!;

  it('relies on GKE for node autoscaling, load balancing and metrics-server', () => {
    for (const c of ['apps', 'events', 'training']) {
      const charts = chartsOf(addons(c));
      expect(charts, c).toContain('cert-manager');
      for (const absent of ['cluster-autoscaler', 'karpenter', 'aws-load-balancer-controller', 'metrics-server']) expect(charts, c).not.toContain(absent);
    }
  });

  it('installs the GPU operator and Kueue on the batch cluster only', () => {
    expect(chartsOf(addons('training'))).toEqual(expect.arrayContaining(['gpu-operator', 'kueue']));
    for (const c of ['apps', 'events']) {
      expect(chartsOf(addons(c)), c).not.toContain('gpu-operator');
      expect(chartsOf(addons(c)), c).not.toContain('kueue');
    }
  });

  it('keeps the add-ons stacks free of Google resources', () => {
    for (const c of ['apps', 'events', 'training']) expect(resourceTypes(addons(c)).filter((t) => CLOUD.test(t)), c).toEqual([]);
  });
});

describe('on existing clusters', () => {
  it('installs no autoscaler and no load balancer controller, and metrics-server unless the cluster has one', () => {
    const spec = onpremSpec();
    spec.clusters[1].existing.metricsServer = true;
    const out = synthSpec(spec);
    try {
      for (const c of ['apps', 'events', 'gpu']) {
        const charts = chartsOf(out.stacks[`lab-addons-${c}`]!);
        expect(charts, c).toContain('cert-manager');
        for (const absent of ['cluster-autoscaler', 'karpenter', 'karpenter-crd', 'aws-load-balancer-controller']) expect(charts, c).not.toContain(absent);
      }
      expect(chartsOf(out.stacks['lab-addons-apps']!)).toContain('metrics-server');
      expect(chartsOf(out.stacks['lab-addons-events']!)).not.toContain('metrics-server');
    } finally {
      out.cleanup();
    }
  });

  it('installs the GPU operator only where existing.gpu says there are GPUs', () => {
    const without = synthSpec(onpremSpec());
    const spec = onpremSpec();
    spec.clusters[0].existing.gpu = { driver: 'preinstalled' };
    const withGpu = synthSpec(spec);
    try {
      for (const c of ['apps', 'events', 'gpu']) expect(chartsOf(without.stacks[`lab-addons-${c}`]!), c).not.toContain('gpu-operator');
      expect(chartsOf(withGpu.stacks['lab-addons-apps']!)).toContain('gpu-operator');
    } finally {
      without.cleanup();
      withGpu.cleanup();
    }
  });

  it('installs Kueue on the batch cluster, with queues only once existing.capacity describes its nodes', () => {
    const out = synthSpec(onpremSpec());
    try {
      expect(chartsOf(out.stacks['lab-addons-gpu']!)).toContain('kueue');
      expect(customResources(out.stacks['lab-addons-gpu']!)).toEqual([]);
      for (const c of ['apps', 'events']) expect(chartsOf(out.stacks[`lab-addons-${c}`]!), c).not.toContain('kueue');
    } finally {
      out.cleanup();
    }
  });
});

describe('plannedAddons', () => {
  it('names what each example cluster gets', () => {
    const platform = new MlPlatform(new App(), 'platform', specFromFile(join(examples, 'aws-platform.yaml')));
    expect(plannedAddons(platform.clusters.apps!)).toEqual(['cert-manager', 'metrics-server', 'cluster-autoscaler', 'aws-load-balancer-controller']);
    expect(plannedAddons(platform.clusters.training!)).toEqual(['cert-manager', 'metrics-server', 'karpenter', 'aws-load-balancer-controller', 'gpu-operator', 'kueue']);
    const gcp = new MlPlatform(new App(), 'platform', specFrom(gcpPlatformSpec()));
    expect(plannedAddons(gcp.clusters.training!)).toEqual(['cert-manager', 'gpu-operator', 'kueue']);
    expect(plannedAddons(gcp.clusters.events!)).toEqual(['cert-manager']);
  });
});
