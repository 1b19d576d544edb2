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
import { customResources } from '../addons/fixtures';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function synth(cloud: Cloud, modes: Modes, consume: (p: MlPlatform) => void = () => {}): { platform: MlPlatform; stacks: Record<string, StackJson> } {
  const dir = mkdtempSync(join(tmpdir(), 'loom-contract-'));
  dirs.push(dir);
  const app = new App({ outdir: dir });
  const platform = new MlPlatform(app, 'platform', specFrom(platformSpec(cloud, modes)));
  consume(platform);
  app.synth();
  return { platform, stacks: readStacks(dir) };
}

const TARGET: ScrapeTarget = { name: 'feature-server', namespace: 'loom-workloads', podSelector: { 'app.kubernetes.io/name': 'feast' }, port: 'metrics', path: '/stats' };
const scrapeOnApps = (p: MlPlatform) => p.monitoring!.scrape(p.clusters.apps!, TARGET);

describe('monitoring.scrape: one call, three renderings', () => {
  it('build: a PodMonitor in that cluster’s kube-prometheus-stack values only', () => {
    const { stacks } = synth('aws', { monitoring: 'build' }, scrapeOnApps);
    const monitors = (c: string) => valuesOf(releases(stacks[`acme-addons-${c}`]!)['kube-prometheus-stack']!).prometheus.additionalPodMonitors as any[];
    expect(monitors('apps').filter((m) => m.name === 'feature-server')).toEqual([
      {
        name: 'feature-server',
        additionalLabels: { 'loom.dev/component': 'monitoring' },
        selector: { matchLabels: { 'app.kubernetes.io/name': 'feast' } },
        namespaceSelector: { matchNames: ['loom-workloads'] },
        podMetricsEndpoints: [{ port: 'metrics', path: '/stats' }],
      },
    ]);
    expect(monitors('events').map((m) => m.name)).not.toContain('feature-server');
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
    // In the values of the cluster's `loom-podmonitorings` release (Loom's resources chart).
    const named = (c: string) => customResources(stacks[`acme-addons-${c}`]!, 'PodMonitoring').filter((m) => m.metadata.name === 'feature-server');
    const manifests = named('apps');
    expect(manifests).toHaveLength(1);
    expect(manifests[0]).toEqual({
      apiVersion: 'monitoring.googleapis.com/v1',
      kind: 'PodMonitoring',
      metadata: { name: 'feature-server', namespace: 'loom-workloads', labels: { 'loom.dev/component': 'monitoring', 'app.kubernetes.io/managed-by': 'loom' } },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'feast' } }, endpoints: [{ port: 'metrics', path: '/stats', interval: '30s' }] },
    });
    expect(named('events')).toEqual([]);
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

  it('rejects a port that is neither a name nor a number, and TLS settings or a token without https', () => {
    synth('aws', { monitoring: 'build' }, (p) => {
      const apps = p.clusters.apps!;
      const scrape = (over: Partial<ScrapeTarget>) => () => p.monitoring!.scrape(apps, { ...TARGET, name: 'x', ...over });
      expect(scrape({ port: 'Metrics_Port' })).toThrow(/scrape target 'x' has port "Metrics_Port"; give the container port's name .* or its number \(1-65535\)/);
      expect(scrape({ port: 'a-very-long-port-name' })).toThrow(/has port/);
      expect(scrape({ port: 0 })).toThrow(/has port 0/);
      expect(scrape({ port: 70000 })).toThrow(/has port 70000/);
      expect(scrape({ insecureSkipVerify: true })).toThrow(/scrape target 'x' sets insecureSkipVerify without scheme 'https'/);
      expect(scrape({ auth: 'service-account-token' })).toThrow(/scrape target 'x' would send a service-account token over plain http; set scheme: 'https'/);
      expect(scrape({ name: 'ok', port: 9400 })).not.toThrow();
    });
  });

  it('renders a port number, https, an unverified certificate and a token in each form', () => {
    const target: ScrapeTarget = { name: 'secure', namespace: 'loom-workloads', podSelector: { app: 'secure' }, port: 8443, scheme: 'https', insecureSkipVerify: true, auth: 'service-account-token' };
    const plain: ScrapeTarget = { ...target, name: 'plain', auth: 'none' };
    const both = (p: MlPlatform) => {
      p.monitoring!.scrape(p.clusters.apps!, target);
      p.monitoring!.scrape(p.clusters.apps!, plain);
    };
    const build = valuesOf(releases(synth('aws', { monitoring: 'build' }, both).stacks['acme-addons-apps']!)['kube-prometheus-stack']!).prometheus;
    expect(build.additionalPodMonitors.find((m: any) => m.name === 'plain').podMetricsEndpoints).toEqual([
      { portNumber: 8443, path: '/metrics', scheme: 'https', tlsConfig: { insecureSkipVerify: true } },
    ]);
    expect(build.additionalPodMonitors.map((m: any) => m.name)).not.toContain('secure');
    expect(build.prometheusSpec.additionalScrapeConfigs.find((j: any) => j.job_name === 'secure')).toMatchObject({
      scheme: 'https',
      tls_config: { insecure_skip_verify: true },
      authorization: { type: 'Bearer', credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
    });

    const aws = synth('aws', { monitoring: 'buy' }, both).stacks['acme-services']!;
    const job = parse(String((findResource(aws, 'aws_prometheus_scraper', { alias: 'acme-apps' }) as any).scrape_configuration)).scrape_configs.find((j: any) => j.job_name === 'secure');
    expect(job).toMatchObject({ scheme: 'https', tls_config: { insecure_skip_verify: true }, authorization: { type: 'Bearer' } });
    expect(job.relabel_configs).toContainEqual({ source_labels: ['__meta_kubernetes_pod_container_port_number'], action: 'keep', regex: '8443' });

    const gcp = synth('gcp', { monitoring: 'buy' }, both).stacks['acme-addons-apps']!;
    const endpoint = (name: string) => customResources(gcp, 'PodMonitoring').find((m) => m.metadata.name === name)!.spec.endpoints[0];
    expect(endpoint('plain')).toEqual({ port: 8443, path: '/metrics', interval: '30s', scheme: 'https', tls: { insecureSkipVerify: true } });
    expect(endpoint('secure').authorization).toEqual({ type: 'Bearer', credentials: { secret: { name: 'loom-metrics-scraper-token', key: 'token' } } });
    // Its token lives in the target's namespace.
    expect((findResource(gcp, 'kubernetes_secret_v1') as any).metadata.namespace).toMatch(/Namespaces_Workloads/);
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
    ['aws', 'build', /^harbor\.acme\.internal\/acme\/models$/],
    ['aws', 'buy', /\.dkr\.ecr\.us-east-1\.amazonaws\.com\/acme\/models$/],
    ['gcp', 'buy', /^us-central1-docker\.pkg\.dev\/acme-ml-prod\/\$\{TfToken\[TOKEN\.\d+\]\}\/models$/],
    ['kubernetes', 'build', /^harbor\.lab\.internal\/lab\/models$/],
  ])('%s %s', (cloud, mode, url) => {
    synth(cloud, { registry: mode }, (p) => {
      expect(p.registry!.repositoryUrl('models')).toMatch(url);
      expect(p.registry!.pullers.map((c) => c.plan.name)).toEqual(Object.keys(p.clusters));
      expect(() => p.registry!.repositoryUrl('nope')).toThrow(/registry has no repository 'nope'; components.registry.repositories lists images, models/);
    });
  });
});

describe('factories', () => {
  it('refuse bad props like the spec would, and an implementation without the stack it needs', () => {
    const app = new App();
    const platform = new MlPlatform(app, 'platform', specFrom(platformSpec('aws', {})));
    const clusters = platform.plan.clusters.map((c) => platform.addonsStacks[c.name]!);
    expect(() => monitoringFor({ spec: { mode: 'buy', cluster: 'apps' }, clusters })).toThrow(
      /monitoring \(buy on AWS: Amazon Managed Service for Prometheus\) keeps resources in the services stack and needs it; pass services/,
    );
    // The rules' own message for components.monitoring.cluster, at the component's construct path.
    expect(() => monitoringFor({ spec: { mode: 'build', cluster: 'nope' }, clusters })).toThrow(/^acme-addons-apps\/Monitoring: cluster: /);
    expect(() => registryFor({ spec: { mode: 'buy', repositories: ['Bad Name'] }, clusters })).toThrow(/^acme-addons-apps\/Registry: repositories\[0\]: must be lowercase letters and digits/);
  });
});
