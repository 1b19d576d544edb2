/**
 * cluster-autoscaler: auto-discovery of the cluster's node groups, an IRSA role that may scale
 * only the cluster's own Auto Scaling groups, and per-flavour behaviour (least-waste and
 * scale-down for services, no scale-down and a priority order for brokers, fast scale-to-zero for
 * batch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterAutoscalerArgs } from '../../constructs/addons';
import { clusterAutoscalerPolicy } from '../../constructs/aws/addon-policies';
import { FLAVOUR_PROFILES } from '../../plan';
import { findResource, synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { awsSpec } from '../aws/fixtures';
import { release, remoteRef } from './fixtures';

describe('cluster-autoscaler', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(awsSpec());
  });
  afterAll(() => out.cleanup());
  const values = (c: string) => release(out.stacks[`acme-addons-${c}`]!, 'cluster-autoscaler').values;
  const clusterStack = (c: string): StackJson => out.stacks[`acme-cluster-${c}`]!;

  it("discovers the cluster's node groups by name, in its region, with the image of the cluster's minor version", () => {
    const v = values('apps');
    expect(v.cloudProvider).toBe('aws');
    expect(v.awsRegion).toBe('us-east-1');
    expect(remoteRef(v.autoDiscovery.clusterName)).toMatchObject({ stack: 'acme-cluster-apps', output: expect.stringMatching(/aws_eks_cluster.*name$/) });
    expect(v.image).toEqual({ tag: 'v1.36.1' }); // the default minor's image
  });

  it('runs as the service account its IRSA role trusts, at the platform controllers’ priority', () => {
    const v = values('events');
    expect(v.rbac.serviceAccount).toMatchObject({ create: true, name: 'cluster-autoscaler' });
    const ref = remoteRef(v.rbac.serviceAccount.annotations['eks.amazonaws.com/role-arn']);
    expect(ref).toMatchObject({ stack: 'acme-cluster-events', output: expect.stringMatching(/ClusterAutoscalerRole.*arn$/) });
    expect(v.priorityClassName).toMatch(/^\$\{kubernetes_priority_class_v1\.PriorityClasses_loom-critical_\w+\.metadata\[0\]\.name\}$/);
  });

  it("may scale only Auto Scaling groups tagged as the cluster's own", () => {
    const role = findResource(clusterStack('apps'), 'aws_iam_role', { name: 'acme-apps-cluster-autoscaler' });
    expect(role.assume_role_policy).toContain('system:serviceaccount:loom-system:cluster-autoscaler');
    const policy = findResource(clusterStack('apps'), 'aws_iam_role_policy', { name: 'cluster-autoscaler' });
    const doc = JSON.parse(String(policy.policy)) as { Statement: any[] };
    const writes = doc.Statement.find((s) => [s.Action].flat().includes('autoscaling:SetDesiredCapacity'));
    expect(writes.Action).toEqual(['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup']);
    const [[key, value]] = Object.entries(writes.Condition.StringEquals as Record<string, string>);
    expect(key).toMatch(/^aws:ResourceTag\/k8s\.io\/cluster-autoscaler\/\$\{aws_eks_cluster\.\w+\.name\}$/);
    expect(value).toBe('owned');
    // Everything else it may do is read-only.
    for (const s of doc.Statement.filter((x) => x !== writes)) for (const a of [s.Action].flat()) expect(a).toMatch(/:(Describe|Get)/);
  });

  it('expands least-waste and scales services down after the profile’s unneeded time', () => {
    expect(values('apps').extraArgs).toMatchObject({
      expander: 'least-waste',
      'scale-down-enabled': true,
      'scale-down-unneeded-time': FLAVOUR_PROFILES.microservice.scaleDownUnneededTime,
      'scale-down-delay-after-add': FLAVOUR_PROFILES.microservice.scaleDownDelayAfterAdd,
      'balance-similar-node-groups': true,
      'skip-nodes-with-local-storage': false,
    });
  });

  it('never scales a streaming cluster down, and prefers its node groups in pool order', () => {
    const v = values('events');
    expect(v.extraArgs).toMatchObject({ expander: 'priority,least-waste', 'scale-down-enabled': false });
    expect(v.extraArgs).not.toHaveProperty('scale-down-unneeded-time');
    const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
    // One node group per zone for the brokers (stateful, zonal volumes), each named exactly.
    expect(v.expanderPriorities).toBe(`10:\n  - ^eks-(acme-events-brokers-a|acme-events-brokers-b|acme-events-brokers-c)-${uuid}$\n`);
    const pattern = new RegExp(String(v.expanderPriorities).split('\n')[1]!.replace(/^\s+- /, ''));
    expect(pattern.test('eks-acme-events-brokers-b-6ac9f8c1-1f7b-0c2e-2f4d-8e1a0f3b2c1d')).toBe(true);
    // a pool named brokers-large is another pool
    expect(pattern.test('eks-acme-events-brokers-large-6ac9f8c1-1f7b-0c2e-2f4d-8e1a0f3b2c1d')).toBe(false);
  });

  it('scales batch pools to zero quickly once a burst is over', () => {
    expect(values('training').extraArgs).toMatchObject({
      expander: 'least-waste',
      'scale-down-enabled': true,
      'scale-down-unneeded-time': '2m',
      'scale-down-delay-after-add': '1m',
      'skip-nodes-with-system-pods': false,
      'ignore-daemonsets-utilization': true,
    });
    expect(values('apps').extraArgs).not.toHaveProperty('skip-nodes-with-system-pods');
  });

  it('removes only empty batch nodes, never draining one under a running job; services consolidate', () => {
    const batch = values('training').extraArgs as Record<string, unknown>;
    expect(batch['scale-down-utilization-threshold']).toBe(0.001);
    expect(batch['ignore-daemonsets-utilization']).toBe(true);
    expect(values('apps').extraArgs).not.toHaveProperty('scale-down-utilization-threshold');
  });

  it('has no ServiceMonitor of the chart’s: it declares its metrics as a scrape target instead', () => {
    expect(values('apps').serviceMonitor).toEqual({ enabled: false });
  });
});

describe('clusterAutoscalerArgs and its policy, per flavour', () => {
  it('follows each flavour profile', () => {
    for (const profile of Object.values(FLAVOUR_PROFILES)) {
      const args = clusterAutoscalerArgs(profile);
      expect(args['scale-down-enabled'], profile.flavour).toBe(profile.scaleDown);
      expect(String(args.expander).split(',')[0], profile.flavour).toBe(profile.expander);
    }
  });

  it('conditions scaling on the tag of the named cluster', () => {
    expect(clusterAutoscalerPolicy('acme-x').Statement[0]!.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/acme-x': 'owned' } });
  });
});
