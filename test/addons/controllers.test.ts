/**
 * cert-manager, metrics-server and the AWS Load Balancer Controller; and the add-ons' metrics when
 * the platform builds its own monitoring (ServiceMonitors on, ordered after kube-prometheus-stack).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { Release } from '@cdktf/provider-helm/lib/release';
import { loadBalancerControllerPolicy } from '../../constructs/aws/addon-policies';
import { MlPlatform } from '../../stacks/ml-platform';
import { findResource, specFrom, synthSpec, type Synthesized } from '../helpers/synth';
import { awsSpec } from '../aws/fixtures';
import { onpremSpec } from '../kubernetes/fixtures';
import { customResource, release, remoteRef } from './fixtures';

describe('cert-manager', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(awsSpec());
  });
  afterAll(() => out.cleanup());

  it('owns its CRDs but keeps them on uninstall, and elects its leader in its own namespace', () => {
    const v = release(out.stacks['acme-addons-apps']!, 'cert-manager').values;
    expect(v.crds).toEqual({ enabled: true, keep: true });
    expect(v.global.leaderElection.namespace).toMatch(/Namespaces_System/);
    expect(v.global.priorityClassName).toMatch(/PriorityClasses_loom-critical/);
  });

  it('runs two replicas of the controller and webhook with disruption budgets in prod, one in dev', () => {
    const v = release(out.stacks['acme-addons-apps']!, 'cert-manager').values;
    expect(v).toMatchObject({ replicaCount: 2, podDisruptionBudget: { enabled: true }, webhook: { replicaCount: 2, podDisruptionBudget: { enabled: true } } });
    const dev = awsSpec();
    dev.environment = 'dev';
    const devOut = synthSpec(dev);
    try {
      const dv = release(devOut.stacks['acme-addons-apps']!, 'cert-manager').values;
      expect(dv).not.toHaveProperty('replicaCount');
      expect(dv.webhook).not.toHaveProperty('replicaCount');
    } finally {
      devOut.cleanup();
    }
  });
});

describe('the AWS Load Balancer Controller', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(awsSpec());
  });
  afterAll(() => out.cleanup());
  const lbc = () => release(out.stacks['acme-addons-events']!, 'aws-load-balancer-controller');

  it("is told its cluster, region and VPC (from the cluster stack) rather than asking instance metadata", () => {
    const v = lbc().values;
    expect(v.region).toBe('us-east-1');
    expect(remoteRef(v.clusterName)?.stack).toBe('acme-cluster-events');
    expect(remoteRef(v.vpcId)).toMatchObject({ stack: 'acme-cluster-events', output: expect.stringMatching(/vpc_config.*vpc_id$/) });
  });

  it('runs as its IRSA service account, tags what it creates, and takes its webhook certificate from cert-manager', () => {
    const v = lbc().values;
    expect(v.serviceAccount).toMatchObject({ create: true, name: 'aws-load-balancer-controller' });
    expect(remoteRef(v.serviceAccount.annotations['eks.amazonaws.com/role-arn'])?.output).toMatch(/LoadBalancerControllerRole.*arn$/);
    expect(v.defaultTags).toMatchObject({ 'loom-platform': 'acme', 'cost-center': 'ml', 'loom-cluster': 'events' });
    expect(v.enableCertManager).toBe(true);
    expect(lbc().resource.depends_on).toEqual([expect.stringMatching(/^helm_release\.Addons_CertManager_Release_/)]);
  });

  it("gets upstream's IAM policy, inline on its role", () => {
    const policy = findResource(out.stacks['acme-cluster-events']!, 'aws_iam_role_policy', { name: 'aws-load-balancer-controller' });
    expect(JSON.parse(String(policy.policy))).toEqual(loadBalancerControllerPolicy());
    // Writes on load balancers only where the controller's cluster tag is present.
    const deletes = loadBalancerControllerPolicy().Statement.find((s) => [s.Action].flat().includes('elasticloadbalancing:DeleteLoadBalancer'))!;
    expect(deletes.Condition).toEqual({ Null: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' } });
  });
});

describe('metrics-server', () => {
  it('runs at the controllers’ priority, with two replicas in prod', () => {
    const out = synthSpec(awsSpec());
    try {
      expect(release(out.stacks['acme-addons-apps']!, 'metrics-server').values).toMatchObject({
        priorityClassName: expect.stringMatching(/PriorityClasses_loom-critical/),
        replicas: 2,
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
      });
    } finally {
      out.cleanup();
    }
  });
});

describe('with monitoring: build', () => {
  let out: Synthesized;
  beforeAll(() => {
    const spec = awsSpec();
    spec.clusters[2].autoscaler = 'karpenter';
    spec.components = { monitoring: { mode: 'build' } };
    out = synthSpec(spec);
  });
  afterAll(() => out.cleanup());

  it("turns on the add-ons' ServiceMonitors and metrics", () => {
    const training = out.stacks['acme-addons-training']!;
    const apps = out.stacks['acme-addons-apps']!;
    expect(release(training, 'cert-manager').values.prometheus).toEqual({ enabled: true, servicemonitor: { enabled: true } });
    expect(release(training, 'gpu-operator').values.dcgmExporter.serviceMonitor).toEqual({ enabled: true });
    expect(release(training, 'kueue').values).toMatchObject({ enablePrometheus: true, metrics: { prometheusNamespace: expect.stringMatching(/Namespaces_System/) } });
    expect(release(training, 'aws-load-balancer-controller').values.serviceMonitor).toMatchObject({ enabled: true });
    expect(release(apps, 'metrics-server').values).toMatchObject({ metrics: { enabled: true }, serviceMonitor: { enabled: true } });
  });

  it("scrapes the autoscalers through ServiceMonitors of Loom's, not their charts'", () => {
    const karpenter = customResource(out.stacks['acme-addons-training']!, 'ServiceMonitor', 'karpenter');
    expect(karpenter.metadata.namespace).toBe('loom-system');
    expect(karpenter.spec).toMatchObject({ selector: { matchLabels: { 'app.kubernetes.io/instance': 'karpenter' } }, endpoints: [{ port: 'http-metrics', path: '/metrics' }] });
    expect(release(out.stacks['acme-addons-training']!, 'karpenter').values.serviceMonitor).toEqual({ enabled: false });
    const ca = customResource(out.stacks['acme-addons-apps']!, 'ServiceMonitor', 'cluster-autoscaler');
    expect(ca.spec).toMatchObject({ selector: { matchLabels: { 'app.kubernetes.io/instance': 'cluster-autoscaler' } }, endpoints: [{ port: 'http' }] });
  });

  it('orders what creates ServiceMonitors after the monitoring release, but never the autoscalers', () => {
    const platform = new MlPlatform(new App(), specFrom({ ...awsSpec(), components: { monitoring: { mode: 'build' } } }));
    const stack = platform.addonsStacks.apps!;
    const monitoring = new Release(stack, 'FakeMonitoring', { name: 'kube-prometheus-stack', chart: 'kube-prometheus-stack' });
    stack.addons.dependOnMonitoring(monitoring);
    const deps = (r: { resource: { dependsOn?: string[] } } | undefined) => r?.resource.dependsOn ?? [];
    for (const r of [stack.addons.certManager.release, stack.addons.metricsServer?.release, stack.addons.loadBalancerController?.release]) {
      expect(deps(r)).toContain(monitoring.fqn);
    }
    expect(deps(stack.addons.clusterAutoscaler?.release)).not.toContain(monitoring.fqn);
    expect(stack.addons.clusterAutoscaler?.serviceMonitor?.dependsOn).toContain(monitoring.fqn);
  });

  it('leaves them off, and orders nothing, when monitoring is bought or absent', () => {
    const platform = new MlPlatform(new App(), specFrom(awsSpec()));
    const stack = platform.addonsStacks.apps!;
    const monitoring = new Release(stack, 'FakeMonitoring', { name: 'm', chart: 'm' });
    stack.addons.dependOnMonitoring(monitoring);
    expect(stack.addons.certManager.release.resource.dependsOn ?? []).not.toContain(monitoring.fqn);
    expect(stack.addons.serviceMonitors).toEqual([]);
  });
});

describe('existing clusters with monitoring: build', () => {
  it("scrape the add-ons the same way", () => {
    const out = synthSpec(onpremSpec({ components: { monitoring: { mode: 'build' } } }));
    try {
      expect(release(out.stacks['lab-addons-apps']!, 'cert-manager').values.prometheus.servicemonitor).toEqual({ enabled: true });
    } finally {
      out.cleanup();
    }
  });
});
