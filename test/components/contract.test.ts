/**
 * The contracts as their consumers use them: the same calls in every mode, each rendered in the
 * implementation's own form — a scrape target becomes a PodMonitor (build), a scrape job of the
 * cluster's AMP scraper (buy on AWS) or a PodMonitoring resource (buy on Google Cloud) — and
 * misuse fails with a message naming the fix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { App } from '../../constructs/core/cdk';
import { MlPlatform } from '../../stacks/ml-platform';
import { monitoringFor, registryFor, type ScrapeTarget } from '../../constructs/components';
import { findResource, findResources, readStacks, specFrom, type StackJson } from '../helpers/synth';
import { platformSpec, releases, valuesOf, type Cloud, type Modes } from './fixtures';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function synth(cloud: Cloud, modes: Modes, consume: (p: MlPlatform) => void = () => {}): { platform: MlPlatform; stacks: Record<string, StackJson> } {
  const dir = mkdtempSync(join(tmpdir(), 'loom-contract-'));
  dirs.push(dir);
  const app = new App({ outdir: dir });
  const platform = new MlPlatform(app, specFrom(platformSpec(cloud, modes)));
  consume(platform);
  app.synth();
  return { platform, stacks: readStacks(dir) };
}

const TARGET: ScrapeTarget = { name: 'feature-server', namespace: 'loom-workloads', podSelector: { 'app.kubernetes.io/name': 'feast' }, port: 'metrics', path: '/stats' };
const scrapeOnApps = (p: MlPlatform) => p.monitoring!.scrape(p.clusters.apps!, TARGET);

describe('monitoring.scrape: one call, three renderings', () => {
  it('build: a PodMonitor in that cluster’s kube-prometheus-stack values only', () => {
    const { stacks } = synth('aws', { monitoring: 'build' }, scrapeOnApps);
    const monitors = (c: string) => valuesOf(releases(stacks[`acme-addons-${c}`]!)['kube-prometheus-stack']!).prometheus.additionalPodMonitors;
    expect(monitors('apps')).toEqual([
      {
        name: 'feature-server',
        additionalLabels: { 'loom.dev/component': 'monitoring' },
        selector: { matchLabels: { 'app.kubernetes.io/name': 'feast' } },
        namespaceSelector: { matchNames: ['loom-workloads'] },
        podMetricsEndpoints: [{ port: 'metrics', path: '/stats' }],
      },
    ]);
    expect(monitors('events')).toEqual([]);
  });

  it("buy on AWS: a job in that cluster's scraper configuration", () => {
    const { stacks } = synth('aws', { monitoring: 'buy' }, scrapeOnApps);
    const config = (c: string) => parse(String((findResource(stacks['acme-services']!, 'aws_prometheus_scraper', { alias: `acme-${c}` }) as any).scrape_configuration));
    const job = config('apps').scrape_configs.find((j: any) => j.job_name === 'feature-server');
    expect(job).toMatchObject({ metrics_path: '/stats', kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: ['loom-workloads'] } }] });
    expect(job.relabel_configs).toContainEqual({ source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], action: 'keep', regex: 'feast' });
    expect(job.relabel_configs).toContainEqual({ source_labels: ['__meta_kubernetes_pod_container_port_name'], action: 'keep', regex: 'metrics' });
    expect(config('events').scrape_configs.map((j: any) => j.job_name)).not.toContain('feature-server');
  });

  it("buy on Google Cloud: a PodMonitoring resource in that cluster's add-ons stack", () => {
    const { stacks } = synth('gcp', { monitoring: 'buy' }, scrapeOnApps);
    const manifests = findResources(stacks['acme-addons-apps']!, 'kubernetes_manifest');
    expect(manifests).toHaveLength(1);
    expect((manifests[0] as any).manifest).toEqual({
      apiVersion: 'monitoring.googleapis.com/v1',
      kind: 'PodMonitoring',
      metadata: { name: 'feature-server', namespace: 'loom-workloads', labels: { 'loom.dev/component': 'monitoring', 'app.kubernetes.io/managed-by': 'loom' } },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'feast' } }, endpoints: [{ port: 'metrics', path: '/stats', interval: '30s' }] },
    });
    expect(findResources(stacks['acme-addons-events']!, 'kubernetes_manifest')).toEqual([]);
  });

  it('rejects a target twice on a cluster, a bad name and an empty selector', () => {
    synth('aws', { monitoring: 'build' }, (p) => {
      const apps = p.clusters.apps!;
      p.monitoring!.scrape(apps, TARGET);
      expect(() => p.monitoring!.scrape(apps, TARGET)).toThrow(/scrape target 'feature-server' is already defined on cluster 'apps'/);
      expect(() => p.monitoring!.scrape(apps, { ...TARGET, name: 'Feature_Server' })).toThrow(/must be a lowercase DNS label/);
      expect(() => p.monitoring!.scrape(apps, { ...TARGET, name: 'other', podSelector: {} })).toThrow(/selects no pods/);
      p.monitoring!.scrape(p.clusters.events!, TARGET);
    });
  });
});

describe('monitoring: where to query and push', () => {
  it.each<[Cloud, 'build' | 'buy', RegExp, string | undefined]>([
    ['aws', 'build', /^http:\/\/kube-prometheus-stack-prometheus\.loom-system\.svc:9090$/, 'none'],
    // The workspace endpoint, a reference resolved at synth (the output test checks what it becomes).
    ['aws', 'buy', /^\$\{TfToken\[TOKEN\.\d+\]\}$/, 'aws-sigv4'],
    ['gcp', 'buy', /^https:\/\/monitoring\.googleapis\.com\/v1\/projects\/acme-ml-prod\/location\/global\/prometheus$/, undefined],
  ])('%s %s', (cloud, mode, endpoint, auth) => {
    synth(cloud, { monitoring: mode }, (p) => {
      for (const cluster of Object.values(p.clusters)) {
        expect(p.monitoring!.queryEndpoint(cluster)).toMatch(endpoint);
        expect(p.monitoring!.remoteWrite(cluster)?.auth).toBe(auth);
      }
      expect(p.monitoring!.clusters.map((c) => c.plan.name)).toEqual(['apps', 'events', 'training']);
    });
  });
});

describe('registry: the URL consumers push to', () => {
  it.each<[Cloud, 'build' | 'buy', RegExp]>([
    ['aws', 'build', /^harbor\.acme\.internal\/library\/models$/],
    ['aws', 'buy', /\.dkr\.ecr\.us-east-1\.amazonaws\.com\/acme\/models$/],
    ['gcp', 'buy', /^us-central1-docker\.pkg\.dev\/acme-ml-prod\/\$\{TfToken\[TOKEN\.\d+\]\}\/models$/],
    ['kubernetes', 'build', /^harbor\.lab\.internal\/library\/models$/],
  ])('%s %s', (cloud, mode, url) => {
    synth(cloud, { registry: mode }, (p) => {
      expect(p.registry!.repositoryUrl('models')).toMatch(url);
      expect(p.registry!.pullers.map((c) => c.plan.name)).toEqual(Object.keys(p.clusters));
      expect(() => p.registry!.repositoryUrl('nope')).toThrow(/registry has no repository 'nope'; components.registry.repositories lists images, models/);
    });
  });
});

describe('factories', () => {
  it('refuse the wrong component, and an implementation without the stack it needs', () => {
    const app = new App();
    const platform = new MlPlatform(app, specFrom(platformSpec('aws', {})));
    const plan = platform.plan;
    const clusters = plan.clusters.map((c) => platform.addonsStacks[c.name]!);
    expect(() => registryFor({ plan, component: { name: 'monitoring', mode: 'build', cluster: 'apps' }, clusters })).toThrow(/registryFor was given component 'monitoring'/);
    expect(() => monitoringFor({ plan, component: { name: 'monitoring', mode: 'buy', cluster: 'apps' }, clusters })).toThrow(
      /monitoring \(buy on AWS: Amazon Managed Service for Prometheus\) keeps resources in the cloud and needs the services stack; pass services/,
    );
    expect(() => monitoringFor({ plan, component: { name: 'monitoring', mode: 'build', cluster: 'nope' }, clusters })).toThrow(/monitoring runs on cluster 'nope'/);
  });
});
