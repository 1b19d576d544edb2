/**
 * The add-ons' declared scrape targets reach the monitoring component on every cluster, each in
 * the implementation's own form: a PodMonitor (or, for targets that present Prometheus' own token,
 * a scrape job) in that cluster's kube-prometheus-stack values (build), a job in that cluster's
 * AMP scraper configuration (buy on AWS), a `PodMonitoring` in that cluster's add-ons stack under
 * the monitoring scope (buy on Google Cloud) — with the endpoint details (port, scheme, TLS,
 * credentials) carried over.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { App } from '../../constructs/core/cdk';
import type { ScrapeTarget } from '../../constructs/core/contracts';
import { GMP_SCRAPER } from '../../constructs/components/monitoring/buy-gcp';
import { MlPlatform } from '../../stacks/ml-platform';
import { findResource, specFrom } from '../helpers/synth';
import { cleanupSynths, platformSpec, releases, resourcesUnder, synthPlatform, valuesOf, type Cloud } from './fixtures';
import { customResourceReleases, customResources } from '../addons/fixtures';

afterAll(cleanupSynths);

/** The targets each cluster's add-ons declare (they do not depend on the monitoring mode). */
function declared(cloud: Cloud): Record<string, ScrapeTarget[]> {
  const platform = new MlPlatform(new App(), 'platform', specFrom(platformSpec(cloud, {})));
  return Object.fromEntries(Object.entries(platform.addonsStacks).map(([c, s]) => [c, s.scrapeTargets]));
}

const prefixOf = (cloud: Cloud) => (cloud === 'kubernetes' ? 'lab' : 'acme');

describe.each<Cloud>(['aws', 'gcp', 'kubernetes'])('monitoring build on %s: kube-prometheus-stack values', (cloud) => {
  it("has every declared add-on target of the cluster in that cluster's values, and no other cluster's", () => {
    const out = synthPlatform(cloud, { monitoring: 'build' });
    const targets = declared(cloud);
    expect(Object.values(targets).flat().length).toBeGreaterThan(0);
    for (const [cluster, list] of Object.entries(targets)) {
      const values = valuesOf(releases(out.stacks[`${prefixOf(cloud)}-addons-${cluster}`]!)['kube-prometheus-stack']!);
      const monitors = new Map((values.prometheus.additionalPodMonitors as any[]).map((m) => [m.name, m]));
      const jobs = new Map((values.prometheus.prometheusSpec.additionalScrapeConfigs as any[]).map((j) => [j.job_name, j]));
      expect([...monitors.keys(), ...jobs.keys()].sort(), cluster).toEqual(list.map((t) => t.name).sort());
      for (const t of list) {
        if (t.auth === 'service-account-token') {
          // A PodMonitor cannot present Prometheus' own token; a scrape job can.
          const job = jobs.get(t.name);
          expect(job, `${cluster}: ${t.name}`).toMatchObject({
            scheme: 'https',
            tls_config: { insecure_skip_verify: true },
            authorization: { type: 'Bearer', credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
            kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [t.namespace] } }],
          });
          continue;
        }
        const m = monitors.get(t.name);
        expect(m, `${cluster}: ${t.name}`).toMatchObject({ selector: { matchLabels: t.podSelector }, namespaceSelector: { matchNames: [t.namespace] } });
        const endpoint = m.podMetricsEndpoints[0];
        expect(typeof t.port === 'number' ? endpoint.portNumber : endpoint.port, `${cluster}: ${t.name}`).toBe(t.port);
        expect(endpoint.scheme ?? 'http').toBe(t.scheme ?? 'http');
        expect(endpoint.tlsConfig?.insecureSkipVerify ?? false).toBe(t.insecureSkipVerify ?? false);
      }
    }
  });
});

describe('monitoring buy on AWS: the AMP scraper configurations', () => {
  it("has a job for every declared add-on target of the cluster in that cluster's scraper, and no other cluster's", () => {
    const out = synthPlatform('aws', { monitoring: 'buy' });
    for (const [cluster, list] of Object.entries(declared('aws'))) {
      const config = parse(String((findResource(out.stacks['acme-services']!, 'aws_prometheus_scraper', { alias: `acme-${cluster}` }) as any).scrape_configuration));
      const jobs = new Map((config.scrape_configs as any[]).map((j) => [j.job_name, j]));
      const builtIn = ['kubernetes-apiservers', 'kubelet', 'cadvisor', 'kubernetes-service-endpoints', 'kubernetes-pods'];
      expect([...jobs.keys()], cluster).toEqual([...builtIn, ...list.map((t) => t.name)]);
      for (const t of list) {
        const job = jobs.get(t.name);
        expect(job.kubernetes_sd_configs, `${cluster}: ${t.name}`).toEqual([{ role: 'pod', namespaces: { names: [t.namespace] } }]);
        const port =
          typeof t.port === 'number'
            ? { source_labels: ['__meta_kubernetes_pod_container_port_number'], action: 'keep', regex: String(t.port) }
            : { source_labels: ['__meta_kubernetes_pod_container_port_name'], action: 'keep', regex: t.port };
        expect(job.relabel_configs, `${cluster}: ${t.name}`).toContainEqual(port);
        expect(job.scheme ?? 'http').toBe(t.scheme ?? 'http');
        expect(job.tls_config?.insecure_skip_verify ?? false).toBe(t.insecureSkipVerify ?? false);
        expect(job.authorization !== undefined, `${cluster}: ${t.name}`).toBe(t.auth === 'service-account-token');
      }
    }
  });
});

describe('monitoring buy on Google Cloud: PodMonitorings', () => {
  it("has a PodMonitoring for every declared add-on target in that cluster's add-ons stack, under Monitoring", () => {
    const out = synthPlatform('gcp', { monitoring: 'buy' });
    expect(resourcesUnder(out.stacks, 'Monitoring').filter((r) => r.type === 'kubernetes_manifest')).toEqual([]);
    for (const [cluster, list] of Object.entries(declared('gcp'))) {
      const stack = out.stacks[`acme-addons-${cluster}`]!;
      const here = new Map(customResources(stack, 'PodMonitoring').map((m) => [m.metadata.name, m]));
      expect([...here.keys()].sort(), cluster).toEqual(list.map((t) => t.name).sort());
      for (const t of list) {
        const m = here.get(t.name);
        expect(m.metadata.namespace).toBe(t.namespace);
        expect(m.spec.selector).toEqual({ matchLabels: t.podSelector });
        expect(m.spec.endpoints[0]).toMatchObject({ port: t.port, path: '/metrics', ...(t.scheme === 'https' ? { scheme: 'https' } : {}) });
        if (t.auth === 'service-account-token') {
          expect(m.spec.endpoints[0].authorization).toEqual({ type: 'Bearer', credentials: { secret: { name: GMP_SCRAPER.tokenSecret, key: 'token' } } });
        }
      }
      // Each names its namespace literally, so their release waits for the namespace resource explicitly.
      const release = customResourceReleases(stack).find((r) => r.resource.name === 'loom-podmonitorings');
      for (const m of here.values()) {
        const role = m.metadata.namespace === 'loom-system' ? 'System' : 'NodeAgents';
        expect(release!.resource.depends_on, `${cluster}: ${m.metadata.name}`).toContainEqual(expect.stringMatching(new RegExp(`^kubernetes_namespace_v1\\.Namespaces_${role}_`)));
      }
    }
  });

  it("gives managed collection a token allowed /metrics, and read access to that Secret alone, in Kueue's namespace", () => {
    const stack = synthPlatform('gcp', { monitoring: 'buy' }).stacks['acme-addons-training']!;
    expect(findResource(stack, 'kubernetes_cluster_role_v1').rule).toEqual([{ non_resource_urls: ['/metrics'], verbs: ['get'] }]);
    const secret = findResource(stack, 'kubernetes_secret_v1') as any;
    expect(secret).toMatchObject({ type: 'kubernetes.io/service-account-token', wait_for_service_account_token: true });
    expect(secret.metadata.annotations).toEqual({ 'kubernetes.io/service-account.name': expect.stringMatching(/kubernetes_service_account_v1\.\S+\.metadata\[0\]\.name/) });
    expect(secret.metadata.namespace).toMatch(/Namespaces_System/);
    expect(findResource(stack, 'kubernetes_role_v1').rule).toEqual([{ api_groups: [''], resources: ['secrets'], resource_names: [GMP_SCRAPER.tokenSecret], verbs: ['get', 'list', 'watch'] }]);
    expect(findResource(stack, 'kubernetes_role_binding_v1').subject).toEqual([{ kind: 'ServiceAccount', name: 'collector', namespace: 'gmp-system' }]);
    expect(customResources(stack, 'PodMonitoring').find((m) => m.metadata.name === 'kueue')).toBeDefined();
    const monitors = customResourceReleases(stack).find((r) => r.resource.name === 'loom-podmonitorings');
    expect(monitors!.resource.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes_secret_v1\./), expect.stringMatching(/^kubernetes_role_binding_v1\./)]));
  });
});
