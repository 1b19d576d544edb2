/**
 * The add-ons' metrics, independent of the platform's monitoring: every add-on serves its metrics
 * and declares them as scrape targets (namespace, the pod labels its chart sets, container port,
 * scheme) in every monitoring mode — none, build or buy — with its chart's own ServiceMonitors and
 * PodMonitors off and no monitor of Loom's among the add-ons' resources. The values keys this
 * relies on are checked against the pinned charts in ../shared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { App } from '../../constructs/core/cdk';
import { CHARTS, type ChartName } from '../../catalog/charts';
import { MlPlatform } from '../../stacks/ml-platform';
import { chartDefaults, unknownValuesKeys } from '../helpers/charts';
import { specFrom, synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { gcpPlatformSpec } from '../helpers/gcp';
import { awsSpec } from '../aws/fixtures';
import { onpremSpec } from '../kubernetes/fixtures';
import { customResources, release, releases } from './fixtures';

type Mode = 'none' | 'build' | 'buy';

/** The AWS platform (Karpenter on the batch cluster when asked) with monitoring in `mode`. */
function aws(mode: Mode, karpenter = false): Record<string, any> {
  const spec = awsSpec();
  if (karpenter) spec.clusters[2].autoscaler = 'karpenter';
  spec.components = mode === 'none' ? {} : { monitoring: { mode } };
  return spec;
}

const targetsOf = (spec: Record<string, any>) => {
  const platform = new MlPlatform(new App(), 'platform', specFrom(spec));
  return Object.fromEntries(Object.entries(platform.addonsStacks).map(([c, s]) => [c, s.scrapeTargets]));
};

describe('what each add-on declares', () => {
  it('on EKS: cert-manager, metrics-server, the autoscaler, the load balancer controller; DCGM and Kueue on the batch cluster', () => {
    const names = (spec: Record<string, any>) => Object.fromEntries(Object.entries(targetsOf(spec)).map(([c, ts]) => [c, ts.map((t) => t.name)]));
    const common = ['cert-manager', 'metrics-server', 'cluster-autoscaler', 'aws-load-balancer-controller'];
    expect(names(aws('none'))).toEqual({ apps: common, events: common, training: [...common, 'dcgm-exporter', 'kueue'] });
    expect(names(aws('none', true)).training).toEqual(['cert-manager', 'metrics-server', 'karpenter', 'aws-load-balancer-controller', 'dcgm-exporter', 'kueue']);
  });

  it('on GKE: cert-manager everywhere, DCGM and Kueue on the batch cluster (GKE brings its own metrics-server, autoscaling and load balancing)', () => {
    const names = Object.fromEntries(Object.entries(targetsOf(gcpPlatformSpec())).map(([c, ts]) => [c, ts.map((t) => t.name)]));
    expect(names).toEqual({ apps: ['cert-manager'], events: ['cert-manager'], training: ['cert-manager', 'dcgm-exporter', 'kueue'] });
  });

  it('the same targets in every monitoring mode, and without monitoring', () => {
    const none = targetsOf(aws('none', true));
    expect(targetsOf(aws('build', true))).toEqual(none);
    expect(targetsOf(aws('buy', true))).toEqual(none);
  });

  it('selects pods by the labels their charts set, on the port they declare', () => {
    const training = Object.fromEntries(targetsOf(aws('none')).training!.map((t) => [t.name, t]));
    expect(training['cert-manager']).toEqual({ name: 'cert-manager', namespace: 'loom-system', podSelector: { 'app.kubernetes.io/instance': 'cert-manager' }, port: 'http-metrics' });
    expect(training['metrics-server']).toEqual({
      name: 'metrics-server',
      namespace: 'loom-system',
      podSelector: { 'app.kubernetes.io/name': 'metrics-server', 'app.kubernetes.io/instance': 'metrics-server' },
      port: 'https',
      scheme: 'https',
      insecureSkipVerify: true,
    });
    // The chart names its pods `<cloudProvider>-cluster-autoscaler` and leaves the port unnamed.
    expect(training['cluster-autoscaler']).toEqual({
      name: 'cluster-autoscaler',
      namespace: 'loom-system',
      podSelector: { 'app.kubernetes.io/name': 'aws-cluster-autoscaler', 'app.kubernetes.io/instance': 'cluster-autoscaler' },
      port: 8085,
    });
    expect(training['aws-load-balancer-controller']).toMatchObject({ podSelector: { 'app.kubernetes.io/name': 'aws-load-balancer-controller' }, port: 'metrics-server' });
    expect(training['dcgm-exporter']).toEqual({ name: 'dcgm-exporter', namespace: 'loom-node-agents', podSelector: { app: 'nvidia-dcgm-exporter' }, port: 9400 });
    // Kueue serves https and checks the scraper's token (controller-runtime's secure metrics).
    expect(training.kueue).toEqual({
      name: 'kueue',
      namespace: 'loom-system',
      podSelector: { 'app.kubernetes.io/name': 'kueue', 'app.kubernetes.io/instance': 'kueue', 'control-plane': 'controller-manager' },
      port: 8443,
      scheme: 'https',
      insecureSkipVerify: true,
      auth: 'service-account-token',
    });
    const karpenter = targetsOf(aws('none', true)).training!.find((t) => t.name === 'karpenter');
    expect(karpenter).toEqual({ name: 'karpenter', namespace: 'loom-system', podSelector: { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': 'karpenter' }, port: 'http-metrics' });
  });

  it('returns copies', () => {
    const platform = new MlPlatform(new App(), 'platform', specFrom(aws('none')));
    const stack = platform.addonsStacks.apps!;
    (stack.scrapeTargets[0]!.podSelector as Record<string, string>).x = 'y';
    expect(stack.scrapeTargets[0]!.podSelector).not.toHaveProperty('x');
  });
});

/** The add-on releases of every add-ons stack, by `<stack> <release name>`. */
function addonReleases(stacks: Record<string, StackJson>) {
  return Object.fromEntries(
    Object.entries(stacks)
      .filter(([n]) => n.includes('-addons-'))
      .flatMap(([n, json]) => releases(json).filter((r) => String(r.resource['//']?.metadata?.path ?? '').split('/')[1] === 'Addons').map((r) => [`${n} ${r.resource.name}`, r])),
  );
}

describe.each<[string, () => Record<string, any>]>([
  ['EKS with cluster-autoscaler and Karpenter', () => aws('none', true)],
  ['GKE', () => gcpPlatformSpec()],
  ['existing clusters with GPUs', () => {
    const spec = onpremSpec();
    spec.clusters[2].existing.gpu = { driver: 'preinstalled' };
    return spec;
  }],
])('%s, in every monitoring mode', (_name, base) => {
  const outs: Partial<Record<Mode, Synthesized>> = {};
  const modes: Mode[] = base().cloud === 'kubernetes' ? ['none', 'build'] : ['none', 'build', 'buy'];
  beforeAll(() => {
    for (const mode of modes) {
      const spec = base();
      spec.components = mode === 'none' ? {} : { monitoring: { mode } };
      outs[mode] = synthSpec(spec);
    }
  });
  afterAll(() => Object.values(outs).forEach((o) => o!.cleanup()));

  it('configures every add-on release the same way, whatever monitors it', () => {
    const none = addonReleases(outs.none!.stacks);
    expect(Object.keys(none).length).toBeGreaterThan(0);
    for (const mode of modes.filter((m) => m !== 'none')) {
      const other = addonReleases(outs[mode]!.stacks);
      expect(Object.keys(other), mode).toEqual(Object.keys(none));
      for (const [key, r] of Object.entries(none)) {
        const { depends_on: a, ...restA } = r.resource;
        const { depends_on: b, ...restB } = other[key]!.resource;
        expect({ ...restB, '//': undefined }, `${mode}: ${key}`).toEqual({ ...restA, '//': undefined });
        expect(b ?? [], `${mode}: ${key} waits for`).toEqual(a ?? []);
      }
    }
  });

  it('keeps every chart-made ServiceMonitor and PodMonitor off, and writes no monitor of its own', () => {
    for (const mode of modes) {
      for (const [key, r] of Object.entries(addonReleases(outs[mode]!.stacks))) {
        const v = r.values;
        switch (r.resource.chart) {
          case 'cert-manager':
            expect(v.prometheus, key).toEqual({ enabled: true, servicemonitor: { enabled: false }, podmonitor: { enabled: false } });
            break;
          case 'metrics-server':
            expect({ metrics: v.metrics, serviceMonitor: v.serviceMonitor }, key).toEqual({ metrics: { enabled: true }, serviceMonitor: { enabled: false } });
            break;
          case 'cluster-autoscaler':
          case 'karpenter':
          case 'aws-load-balancer-controller':
            expect(v.serviceMonitor, key).toEqual({ enabled: false });
            break;
          case 'gpu-operator':
            expect(v.dcgmExporter, key).toEqual({ enabled: true, serviceMonitor: { enabled: false } });
            break;
          case 'kueue':
            expect(v.enablePrometheus, key).toBe(false);
            expect(v).not.toHaveProperty('metrics');
            expect(parse(v.managerConfig.controllerManagerConfigYaml).metrics, key).toEqual({ bindAddress: ':8443', enableClusterQueueResources: true });
            break;
        }
      }
      for (const [name, json] of Object.entries(outs[mode]!.stacks).filter(([n]) => n.includes('-addons-'))) {
        const kinds = customResources(json)
          .filter((m) => String(m.apiVersion).startsWith('monitoring.coreos.com/'))
          .map((m) => m.kind);
        expect(kinds, `${mode}: ${name}`).toEqual([]);
      }
    }
  });

  it('installs a release named as each target’s instance label, in the target’s namespace', () => {
    const platform = new MlPlatform(new App(), 'platform', specFrom(base()));
    for (const [cluster, stack] of Object.entries(platform.addonsStacks)) {
      const json = outs.none!.stacks[stack.node.id]!;
      for (const t of stack.scrapeTargets) {
        const instance = t.podSelector['app.kubernetes.io/instance'];
        if (!instance) continue;
        const r = releases(json).find((x) => x.resource.name === instance);
        expect(r, `${cluster}: ${t.name}`).toBeDefined();
        expect(String(r!.resource.namespace), `${cluster}: ${t.name}`).toMatch(t.namespace === 'loom-system' ? /Namespaces_System/ : /Namespaces_NodeAgents/);
      }
      // The DCGM exporter runs in the GPU operator's namespace.
      if (stack.scrapeTargets.some((t) => t.name === 'dcgm-exporter')) {
        expect(String(release(json, 'gpu-operator').resource.namespace)).toMatch(/Namespaces_NodeAgents/);
      }
    }
  });
});

describe("the metrics switches exist in the pinned charts' values", () => {
  /** Values paths the add-ons set for metrics, per chart: each must be a key of the chart's defaults. */
  const PATHS: Partial<Record<ChartName, string[]>> = {
    certManager: ['prometheus.enabled', 'prometheus.servicemonitor.enabled', 'prometheus.podmonitor.enabled'],
    metricsServer: ['metrics.enabled', 'serviceMonitor.enabled'],
    clusterAutoscaler: ['serviceMonitor.enabled', 'service.create'],
    karpenter: ['serviceMonitor.enabled', 'controller.metrics.port'],
    awsLoadBalancerController: ['serviceMonitor.enabled'],
    gpuOperator: ['dcgmExporter.enabled', 'dcgmExporter.serviceMonitor.enabled'],
    kueue: ['enablePrometheus', 'managerConfig.controllerManagerConfigYaml', 'metricsService.ports'],
  };

  it.each(Object.entries(PATHS))('%s', (key, paths) => {
    const { chart, version } = CHARTS[key as ChartName];
    const defaults = chartDefaults(chart, version) as Record<string, any>;
    for (const path of paths!) {
      const value = path.split('.').reduce<any>((o, k) => (o === undefined ? undefined : o[k]), defaults);
      expect(value, `${chart} ${version}: ${path}`).not.toBeUndefined();
      // And the checker the whole-platform tests use agrees.
      const partial = path.split('.').reduceRight<unknown>((acc, k) => ({ [k]: acc }), value);
      expect(unknownValuesKeys(chart, version, partial), `${chart}: ${path}`).toEqual([]);
    }
  });

  it("Kueue's default configuration serves metrics on the port its target names", () => {
    const defaults = chartDefaults(CHARTS.kueue.chart, CHARTS.kueue.version) as any;
    expect(parse(defaults.managerConfig.controllerManagerConfigYaml).metrics.bindAddress).toBe(':8443');
    expect(defaults.metricsService.ports).toEqual([{ name: 'https', port: 8443, protocol: 'TCP', targetPort: 8443 }]);
  });

  it('the GPU operator would create its own DCGM ServiceMonitor unless told not to, and Karpenter serves metrics on 8080', () => {
    expect((chartDefaults(CHARTS.gpuOperator.chart, CHARTS.gpuOperator.version) as any).dcgmExporter.serviceMonitor.enabled).toBe(true);
    expect((chartDefaults(CHARTS.karpenter.chart, CHARTS.karpenter.version) as any).controller.metrics.port).toBe(8080);
  });
});
