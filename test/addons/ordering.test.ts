/**
 * Apply and destroy order around the AWS Load Balancer Controller, and where the platform's
 * controllers run:
 *
 * - every Helm release of an EKS add-ons stack — add-ons, custom-resource releases and the
 *   components' releases (kube-prometheus-stack, the AMP collectors, Harbor) — waits for the load
 *   balancer controller, whose Service webhook fails closed; only cert-manager, which the
 *   controller itself waits for, does not. Destroy reverses it, so Harbor's LoadBalancer Service
 *   (and its NLB) goes while the controller still runs;
 * - on clusters with a system pool every platform controller selects it and tolerates its taint,
 *   and stateful monitoring never lands on spot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specFrom, synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { platformSpec } from '../components/fixtures';
import { resolvePlan } from '../../plan';
import { controllerPlacement, statefulAffinity } from '../../constructs/addons/context';
import { statefulPlacement } from '../../constructs/components/helm';
import { release, releases } from './fixtures';

const SYSTEM = { nodeSelector: { 'loom.dev/role': 'system' }, toleration: { key: 'CriticalAddonsOnly', operator: 'Equal', value: 'true', effect: 'NoSchedule' } };
const REQUIRED_ON_DEMAND = {
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'loom.dev/capacity', operator: 'In', values: ['on-demand'] }] }] } },
};

describe.each([
  ['monitoring and registry built', { registry: 'build', monitoring: 'build' }, false],
  ['monitoring bought, Karpenter everywhere', { monitoring: 'buy' }, true],
] as const)('on EKS, %s', (_name, modes, karpenter) => {
  let out: Synthesized;
  beforeAll(() => {
    const spec = platformSpec('aws', modes);
    if (karpenter) for (const c of spec.clusters) c.autoscaler = 'karpenter';
    out = synthSpec(specFrom(spec));
  });
  afterAll(() => out.cleanup());
  const addonsStacks = (): [string, StackJson][] => Object.entries(out.stacks).filter(([n]) => n.includes('-addons-'));

  it('orders every release after the load balancer controller, which waits for cert-manager only', () => {
    for (const [stack, json] of addonsStacks()) {
      const lbc = release(json, 'aws-load-balancer-controller');
      const lbcAddress = `helm_release.${lbc.name}`;
      const certManager = release(json, 'cert-manager');
      expect(lbc.resource.depends_on, stack).toEqual([`helm_release.${certManager.name}`]);
      expect(certManager.resource.depends_on ?? [], stack).not.toContain(lbcAddress);
      const others = releases(json).filter((r) => r.name !== lbc.name && r.name !== certManager.name);
      expect(others.length, stack).toBeGreaterThanOrEqual(3);
      for (const r of others) expect(r.resource.depends_on, `${stack}: ${String(r.resource.name)}`).toContain(lbcAddress);
    }
  });

  it('orders the components’ releases after it too (Harbor’s LoadBalancer Service; monitoring)', () => {
    const all = addonsStacks().flatMap(([, json]) => {
      const lbc = `helm_release.${release(json, 'aws-load-balancer-controller').name}`;
      return releases(json).map((r) => ({ name: String(r.resource.name), afterLbc: ((r.resource.depends_on ?? []) as string[]).includes(lbc) }));
    });
    const names = all.map((r) => r.name);
    // Harbor creates an NLB through the controller: created after it, destroyed before it.
    if (modes.registry === 'build') expect(all.find((r) => r.name === 'harbor')).toEqual({ name: 'harbor', afterLbc: true });
    expect(names).toContain(modes.monitoring === 'build' ? 'kube-prometheus-stack' : 'kube-state-metrics');
    if (karpenter) expect(names).toContain('loom-karpenter-nodepools');
  });

  it('runs every platform controller on the system pool of the batch cluster, tolerating its taint', () => {
    const training = out.stacks['acme-addons-training']!;
    const onSystem = (what: string, v: any) => {
      expect(v?.nodeSelector, what).toMatchObject(SYSTEM.nodeSelector);
      expect(v?.tolerations, what).toContainEqual(SYSTEM.toleration);
    };
    const cm = release(training, 'cert-manager').values;
    for (const [what, v] of [['cert-manager', cm], ['webhook', cm.webhook], ['cainjector', cm.cainjector], ['startupapicheck', cm.startupapicheck]] as const) onSystem(what, v);
    onSystem('metrics-server', release(training, 'metrics-server').values);
    onSystem('aws-load-balancer-controller', release(training, 'aws-load-balancer-controller').values);
    onSystem('kueue', release(training, 'kueue').values.controllerManager);
    const gpu = release(training, 'gpu-operator').values;
    onSystem('gpu-operator', gpu.operator);
    onSystem('nfd master', gpu['node-feature-discovery'].master);
    onSystem('nfd gc', gpu['node-feature-discovery'].gc);
    if (karpenter) expect(release(training, 'karpenter').values.nodeSelector).toMatchObject(SYSTEM.nodeSelector);
    else onSystem('cluster-autoscaler', release(training, 'cluster-autoscaler').values);
    if (modes.monitoring === 'build') {
      const kps = release(training, 'kube-prometheus-stack').values;
      onSystem('prometheus', kps.prometheus.prometheusSpec);
      onSystem('alertmanager', kps.alertmanager.alertmanagerSpec);
      onSystem('prometheus-operator', kps.prometheusOperator);
      onSystem('admission webhook jobs', kps.prometheusOperator.admissionWebhooks.patch);
      onSystem('kube-state-metrics', kps['kube-state-metrics']);
    } else {
      onSystem('kube-state-metrics (AMP)', release(training, 'kube-state-metrics').values);
    }
  });

  it('pins nothing to the system pool where a cluster has none, and keeps stateful monitoring off spot there', () => {
    const apps = out.stacks['acme-addons-apps']!;
    if (karpenter) return; // every Karpenter cluster has a system pool
    expect(release(apps, 'cert-manager').values.nodeSelector).toBeUndefined();
    expect(release(apps, 'aws-load-balancer-controller').values.nodeSelector).toBeUndefined();
    if (modes.monitoring === 'build') {
      const kps = release(apps, 'kube-prometheus-stack').values;
      expect(kps.prometheus.prometheusSpec.affinity).toEqual(REQUIRED_ON_DEMAND);
      expect(kps.alertmanager.alertmanagerSpec.affinity).toEqual(REQUIRED_ON_DEMAND);
      expect(kps.prometheus.prometheusSpec.nodeSelector).toBeUndefined();
    }
  });
});

describe('controller placement, read from the plan', () => {
  const plan = resolvePlan(specFrom(platformSpec('aws', {})));
  const cluster = (n: string) => plan.clusters.find((c) => c.name === n)!;

  it('selects and tolerates the system pool of any cluster the plan gives one', () => {
    expect(controllerPlacement(cluster('training'))).toEqual({ nodeSelector: SYSTEM.nodeSelector, tolerations: [SYSTEM.toleration] });
    expect(controllerPlacement(cluster('apps'))).toEqual({ nodeSelector: {}, tolerations: [] });
  });

  it('requires on-demand nodes for state where an untainted on-demand pool exists, prefers them where every pool is spot', () => {
    expect(statefulAffinity(cluster('training'))).toBeUndefined(); // the system pool is on-demand
    expect(statefulAffinity(cluster('apps'))).toEqual(REQUIRED_ON_DEMAND);
    const allSpot = { ...cluster('apps'), pools: cluster('apps').pools.map((p) => ({ ...p, spot: true })) };
    expect(statefulAffinity(allSpot)).toEqual({
      nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: REQUIRED_ON_DEMAND.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0] }] },
    });
  });

  it("puts components' stateful pods on on-demand pools, else on the system pool, never requiring what no node has", () => {
    expect(statefulPlacement(cluster('apps'))).toEqual({ affinity: REQUIRED_ON_DEMAND });
    // training: spot CPU pool and a tainted GPU pool, so the system pool.
    expect(statefulPlacement(cluster('training'))).toEqual({ nodeSelector: SYSTEM.nodeSelector, tolerations: [SYSTEM.toleration] });
    const allSpot = { ...cluster('apps'), pools: cluster('apps').pools.map((p) => ({ ...p, spot: true })) };
    expect(statefulPlacement(allSpot).affinity).toHaveProperty('nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution');
  });
});
