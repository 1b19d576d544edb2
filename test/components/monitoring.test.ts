/**
 * Monitoring, per mode and cloud: kube-prometheus-stack on every cluster (build), Amazon Managed
 * Service for Prometheus with a managed scraper per cluster and Managed Grafana (buy on AWS),
 * Google Managed Service for Prometheus on every GKE cluster (buy on Google Cloud).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MONITORING_PROFILES } from '../../plan';
import { GKE_KUBE_STATE_METRICS, GKE_NODE_METRICS } from '../../constructs/components/monitoring';
import { findResource, findResources, resources, synthSpec } from '../helpers/synth';
import { cleanupSynths, platformSpec, releases, resourcesUnder, synthPlatform, valuesOf } from './fixtures';
import { customResourceReleases, customResources } from '../addons/fixtures';

afterAll(cleanupSynths);

const CLUSTERS = ['apps', 'events', 'training'];

describe.each(['aws', 'gcp', 'kubernetes'] as const)('monitoring: build on %s (kube-prometheus-stack)', (cloud) => {
  const prefix = cloud === 'kubernetes' ? 'lab' : 'acme';
  const clusters = cloud === 'kubernetes' ? ['apps', 'events', 'gpu'] : CLUSTERS;
  const out = () => synthPlatform(cloud, { monitoring: 'build' });
  const kps = (c: string) => releases(out().stacks[`${prefix}-addons-${c}`]!)['kube-prometheus-stack']!;

  it('installs the pinned chart on every cluster, in loom-system', () => {
    for (const c of clusters) {
      expect(kps(c), c).toMatchObject({ chart: 'kube-prometheus-stack', version: '88.5.3', repository: 'https://prometheus-community.github.io/helm-charts' });
      expect(kps(c).namespace).toMatch(/Namespaces_System/);
    }
  });

  it('runs Grafana on the monitoring cluster only', () => {
    expect(clusters.map((c) => valuesOf(kps(c)).grafana.enabled)).toEqual([true, false, false]);
  });

  it('sizes retention, storage and Prometheus requests for the environment, and labels series with the cluster', () => {
    const profile = MONITORING_PROFILES.prod;
    for (const c of clusters) {
      const spec = valuesOf(kps(c)).prometheus.prometheusSpec;
      expect(spec).toMatchObject({
        retention: profile.retention,
        replicas: profile.prometheusReplicas,
        externalLabels: { cluster: c },
        storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: `${profile.storageGi}Gi` } } } } },
        resources: {
          requests: { cpu: profile.prometheusResources.cpu, memory: profile.prometheusResources.memory },
          limits: { memory: profile.prometheusResources.memoryLimit },
        },
      });
      expect(parseInt(spec.retentionSize, 10)).toBeLessThan(profile.storageGi);
    }
  });

  it('scrapes every monitor and rule the add-ons create, not only its own', () => {
    const spec = valuesOf(kps(clusters[0]!)).prometheus.prometheusSpec;
    for (const key of ['serviceMonitor', 'podMonitor', 'probe', 'rule', 'scrapeConfig']) expect(spec[`${key}SelectorNilUsesHelmValues`], key).toBe(false);
  });

  it('puts the node exporters, which need the host, in the privileged node-agents namespace', () => {
    expect(valuesOf(kps(clusters[0]!))['prometheus-node-exporter'].namespaceOverride).toMatch(/Namespaces_NodeAgents/);
  });

  it(cloud === 'kubernetes' ? 'keeps the control-plane scrapes of a self-run cluster' : 'turns off control-plane scrapes a managed control plane does not serve', () => {
    const values = valuesOf(kps(clusters[0]!));
    if (cloud === 'kubernetes') expect(values.kubeScheduler).toBeUndefined();
    else for (const k of ['kubeControllerManager', 'kubeScheduler', 'kubeEtcd', 'kubeProxy']) expect(values[k], k).toEqual({ enabled: false });
  });

  it('makes no add-on wait for the monitoring release, nor the release for an add-on (nothing of theirs needs its CRDs)', () => {
    for (const c of clusters) {
      const stack = out().stacks[`${prefix}-addons-${c}`]!;
      const kpsAddress = Object.entries(stack.resource!.helm_release!).find(([, r]) => (r as any).name === 'kube-prometheus-stack')![0];
      for (const [name, r] of Object.entries(releases(stack))) {
        expect(((r.depends_on ?? []) as string[]).join(' '), `${c}: ${name}`).not.toContain(kpsAddress);
      }
      // Only the load balancer controller's release, whose Service webhook every release waits for on EKS.
      const lbc = Object.entries(stack.resource!.helm_release!).filter(([, r]) => (r as any).name === 'aws-load-balancer-controller').map(([n]) => `helm_release.${n}`);
      expect(kps(c).depends_on ?? [], c).toEqual(cloud === 'aws' ? lbc : []);
      // No Prometheus Operator resource outside the release: ServiceMonitors, PodMonitors.
      expect(stack.resource?.kubernetes_manifest, c).toBeUndefined();
      expect(customResources(stack).map((m) => m.kind).filter((k) => /Monitor/.test(k)), c).toEqual([]);
    }
  });

  it('has no services stack and no cloud resource', () => {
    expect(out().stacks[`${prefix}-services`]).toBeUndefined();
    expect(resourcesUnder(out().stacks, 'Monitoring').every((r) => r.type === 'helm_release')).toBe(true);
    expect(out().stacks[`${prefix}-addons-apps`]!.output?.grafana_url?.value).toBe('http://kube-prometheus-stack-grafana.loom-system.svc');
  });
});

describe('monitoring: build in dev is smaller', () => {
  it('keeps 7 days on a 20 GiB volume with one replica', () => {
    const out = synthSpec(platformSpec('aws', { monitoring: 'build' }, { environment: 'dev', state: { backend: 'local' } }));
    try {
      const spec = valuesOf(releases(out.stacks['acme-addons-apps']!)['kube-prometheus-stack']!).prometheus.prometheusSpec;
      expect(spec).toMatchObject({ retention: '7d', replicas: 1, retentionSize: '17GiB' });
      expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe('20Gi');
    } finally {
      out.cleanup();
    }
  });
});

describe('monitoring: buy on AWS (Amazon Managed Service for Prometheus, Managed Grafana)', () => {
  const out = () => synthPlatform('aws', { monitoring: 'buy' });
  const services = () => out().stacks['acme-services']!;

  it('creates a workspace logging to its own log group', () => {
    const ws = findResource(services(), 'aws_prometheus_workspace') as any;
    expect(ws).toMatchObject({ alias: 'acme', tags: { 'loom.dev/component': 'monitoring' } });
    expect(ws.logging_configuration.log_group_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.\w+\.arn\}:\*$/);
    expect(findResource(services(), 'aws_cloudwatch_log_group')).toMatchObject({ name: '/aws/prometheus/acme', retention_in_days: 30 });
  });

  it('feeds it from every cluster with a managed scraper in the cluster subnets and security group', () => {
    const scrapers = resources(services(), 'aws_prometheus_scraper');
    expect(Object.values(scrapers).map((s: any) => s.alias).sort()).toEqual(['acme-apps', 'acme-events', 'acme-training']);
    for (const c of CLUSTERS) {
      const scraper = findResource(services(), 'aws_prometheus_scraper', { alias: `acme-${c}` }) as any;
      const eks = scraper.source[0].eks[0];
      expect(eks.cluster_arn).toMatch(new RegExp(`cross-stack-reference-input-acme-cluster-${c}\\.outputs\\.\\S+arn\\}$`));
      expect(eks.subnet_ids).toMatch(/vpc_config0subnet_ids/);
      expect(eks.security_group_ids[0]).toMatch(/cluster_security_group_id/);
      expect(scraper.destination[0].amp[0].workspace_arn).toMatch(/aws_prometheus_workspace\.\w+\.arn/);
    }
  });

  it("scrapes the API server, kubelets, cAdvisor, annotated services and pods, and the add-ons' targets (DCGM where there are GPUs)", () => {
    const config = (c: string) => parse(String((findResource(services(), 'aws_prometheus_scraper', { alias: `acme-${c}` }) as any).scrape_configuration));
    const training = config('training');
    expect(training.global).toEqual({ scrape_interval: '30s', external_labels: { cluster: 'training' } });
    expect(training.scrape_configs.map((j: any) => j.job_name)).toEqual([
      'kubernetes-apiservers',
      'kubelet',
      'cadvisor',
      'kubernetes-service-endpoints',
      'kubernetes-pods',
      'cert-manager',
      'metrics-server',
      'cluster-autoscaler',
      'aws-load-balancer-controller',
      'dcgm-exporter',
      'kueue',
    ]);
    expect(config('apps').scrape_configs.map((j: any) => j.job_name)).not.toContain('dcgm-exporter');
    // Pods a declared target scrapes are not scraped again for their prometheus.io annotations.
    const pods = training.scrape_configs.find((j: any) => j.job_name === 'kubernetes-pods');
    expect(pods.relabel_configs).toContainEqual({
      source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_label_app_kubernetes_io_instance'],
      separator: ';',
      regex: 'loom-system;cert-manager',
      action: 'drop',
    });
    // AMP accepts bearer tokens only from the service-account token file, and no interval under 30s.
    for (const job of training.scrape_configs.filter((j: any) => j.authorization)) {
      expect(job.authorization).toEqual({ type: 'Bearer', credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' });
    }
    expect(String((findResource(services(), 'aws_prometheus_scraper', { alias: 'acme-apps' }) as any).scrape_configuration)).not.toMatch(/[&*]a\d/);
  });

  it('installs the exporters the scraper reads in every cluster: kube-state-metrics and node exporters', () => {
    for (const c of CLUSTERS) {
      const rel = releases(out().stacks[`acme-addons-${c}`]!);
      expect(rel['kube-state-metrics']).toMatchObject({ chart: 'kube-state-metrics', version: '8.4.0' });
      expect(rel['kube-state-metrics']!.namespace).toMatch(/Namespaces_System/);
      expect(rel['prometheus-node-exporter']).toMatchObject({ chart: 'prometheus-node-exporter', version: '4.56.1' });
      expect(rel['prometheus-node-exporter']!.namespace).toMatch(/Namespaces_NodeAgents/);
      expect(rel['kube-prometheus-stack']).toBeUndefined();
    }
  });

  it('gives Managed Grafana (IAM Identity Center, service-managed) a role that may only query this workspace', () => {
    expect(findResource(services(), 'aws_grafana_workspace')).toMatchObject({
      name: 'acme',
      account_access_type: 'CURRENT_ACCOUNT',
      authentication_providers: ['AWS_SSO'],
      permission_type: 'SERVICE_MANAGED',
      data_sources: ['PROMETHEUS'],
    });
    const role = findResource(services(), 'aws_iam_role', { name: 'acme-grafana' });
    expect(JSON.parse(String(role.assume_role_policy).replace(/\$\{[^}]*\}/g, 'ref')).Statement[0].Principal).toEqual({ Service: 'grafana.amazonaws.com' });
    const policy = JSON.parse(String(findResource(services(), 'aws_iam_role_policy', { name: 'query-prometheus' }).policy));
    expect(policy.Statement[1].Resource).toMatch(/aws_prometheus_workspace\.\w+\.arn/);
    expect(policy.Statement.flatMap((s: any) => s.Action)).not.toContain('aps:RemoteWrite');
  });

  it('outputs the query, remote-write and Grafana URLs', () => {
    const outputs = services().output!;
    expect(String(outputs.prometheus_query_endpoint!.value)).toMatch(/^\$\{trimsuffix\(aws_prometheus_workspace\.\w+\.prometheus_endpoint, "\/"\)\}$/);
    expect(String(outputs.prometheus_remote_write_url!.value)).toMatch(/\/api\/v1\/remote_write$/);
    expect(String(outputs.grafana_url!.value)).toMatch(/^https:\/\/\$\{aws_grafana_workspace\.\w+\.endpoint\}$/);
  });
});

describe('monitoring: buy on Google Cloud (Managed Service for Prometheus)', () => {
  const out = () => synthPlatform('gcp', { monitoring: 'buy' });
  const cluster = (c: string) => findResource(out().stacks[`acme-cluster-${c}`]!, 'google_container_cluster') as any;

  it("enables managed collection and the metric packages on every cluster, leaving GPU metrics to the GPU operator's DCGM exporter", () => {
    for (const c of CLUSTERS) {
      const config = cluster(c).monitoring_config;
      expect(config.managed_prometheus).toEqual({ enabled: true });
      expect(config.enable_components).toEqual(expect.arrayContaining(['SYSTEM_COMPONENTS', ...GKE_KUBE_STATE_METRICS, ...GKE_NODE_METRICS, 'APISERVER']));
      // GKE's DCGM package would duplicate the DCGM exporter's series, which monitoring scrapes as an add-on target.
      expect(config.enable_components, c).not.toContain('DCGM');
    }
  });

  it("needs no services stack, and installs in the clusters only the PodMonitorings of their targets (and Kueue's scraper token)", () => {
    expect(out().stacks['acme-services']).toBeUndefined();
    const under = resourcesUnder(out().stacks, 'Monitoring');
    // One release of Loom's resources chart per cluster, holding PodMonitorings only (no kubernetes_manifest, which needs its CRD at plan).
    expect(under.filter((r) => r.type === 'kubernetes_manifest')).toEqual([]);
    const monitorReleases = Object.entries(out().stacks).flatMap(([stack, json]) => customResourceReleases(json).filter((r) => r.resource.name === 'loom-podmonitorings').map((r) => ({ stack, r })));
    expect(monitorReleases.map((x) => x.stack).sort()).toEqual(['acme-addons-apps', 'acme-addons-events', 'acme-addons-training']);
    for (const { r } of monitorReleases) expect([...new Set((r.values.resources as any[]).map((m) => m.kind))]).toEqual(['PodMonitoring']);
    const others = under.filter((r) => r.type !== 'helm_release');
    // Kueue (training only) checks a token: a service account allowed /metrics, its token, and
    // read access to that one Secret for managed collection's collector.
    expect(new Set(others.map((r) => r.stack))).toEqual(new Set(['acme-addons-training']));
    expect(others.map((r) => r.type).sort()).toEqual([
      'kubernetes_cluster_role_binding_v1',
      'kubernetes_cluster_role_v1',
      'kubernetes_role_binding_v1',
      'kubernetes_role_v1',
      'kubernetes_secret_v1',
      'kubernetes_service_account_v1',
    ]);
  });

  it('turns managed collection off on build, and leaves GKE alone without a monitoring component', () => {
    const build = synthPlatform('gcp', { monitoring: 'build' });
    expect((findResource(build.stacks['acme-cluster-apps']!, 'google_container_cluster') as any).monitoring_config).toEqual({
      enable_components: ['SYSTEM_COMPONENTS'],
      managed_prometheus: { enabled: false },
    });
    const none = synthPlatform('gcp', { registry: 'buy' });
    expect((findResource(none.stacks['acme-cluster-apps']!, 'google_container_cluster') as any).monitoring_config).toEqual({ enable_components: ['SYSTEM_COMPONENTS'] });
  });
});

describe('no monitoring component', () => {
  it('installs no monitoring anywhere', () => {
    const out = synthPlatform('aws', { registry: 'buy' });
    expect(resourcesUnder(out.stacks, 'Monitoring')).toEqual([]);
    expect(findResources(out.stacks['acme-services']!, 'aws_prometheus_workspace')).toEqual([]);
  });
});
