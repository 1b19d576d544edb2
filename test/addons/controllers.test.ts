/**
 * cert-manager, metrics-server and the AWS Load Balancer Controller; and the add-ons' metrics when
 * the platform builds its own monitoring (scraped through kube-prometheus-stack's values, nothing
 * ordered after it; see scrape-targets.test.ts for every mode).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBalancerControllerPolicy } from '../../constructs/aws/addon-policies';
import { findResource, synthSpec, type Synthesized } from '../helpers/synth';
import { awsSpec } from '../aws/fixtures';
import { onpremSpec } from '../kubernetes/fixtures';
import { customResources, release, remoteRef } from './fixtures';

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

  it('orders no add-on after the monitoring release: nothing of theirs needs the Prometheus Operator CRDs', () => {
    for (const c of ['apps', 'events', 'training']) {
      const stack = out.stacks[`acme-addons-${c}`]!;
      for (const body of Object.values(stack.resource ?? {}).flatMap((byName) => Object.values(byName))) {
        const path = String((body as any)['//']?.metadata?.path ?? '');
        if (path.split('/')[1] !== 'Addons') continue;
        expect(((body as any).depends_on ?? []).join(' '), path).not.toMatch(/Monitoring/);
      }
      expect(customResources(stack, 'ServiceMonitor'), c).toEqual([]);
    }
  });

  it('scrapes the autoscalers, the controllers and the GPU metrics through the monitoring release, not through monitors of theirs', () => {
    const kps = release(out.stacks['acme-addons-training']!, 'kube-prometheus-stack').values;
    const monitors = kps.prometheus.additionalPodMonitors.map((m: any) => m.name);
    expect(monitors).toEqual(['cert-manager', 'metrics-server', 'karpenter', 'aws-load-balancer-controller', 'dcgm-exporter']);
    expect(kps.prometheus.prometheusSpec.additionalScrapeConfigs.map((j: any) => j.job_name)).toEqual(['kueue']);
    expect(release(out.stacks['acme-addons-training']!, 'karpenter').values.serviceMonitor).toEqual({ enabled: false });
  });
});

describe('existing clusters with monitoring: build', () => {
  it('scrape the add-ons the same way', () => {
    const out = synthSpec(onpremSpec({ components: { monitoring: { mode: 'build' } } }));
    try {
      expect(release(out.stacks['lab-addons-apps']!, 'cert-manager').values.prometheus.servicemonitor).toEqual({ enabled: false });
      const monitors = release(out.stacks['lab-addons-apps']!, 'kube-prometheus-stack').values.prometheus.additionalPodMonitors.map((m: any) => m.name);
      expect(monitors).toContain('cert-manager');
    } finally {
      out.cleanup();
    }
  });
});
