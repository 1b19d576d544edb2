/**
 * Switching one component between build and buy changes that component's resources and nothing
 * else: the whole platform is synthesized twice, with one mode flipped, and every resource of
 * every stack is compared by type and name. What differs must sit under the flipped component's
 * scope (`Registry/…`, `Monitoring/…`) in whatever stack it is in — with one deliberate
 * exceptions on Google Cloud: Managed Service for Prometheus is a setting of the GKE cluster, so
 * flipping monitoring there changes the clusters' `monitoring_config` and no other attribute; and
 * GKE nodes trust built Harbor's CA through their node pools, so flipping the registry there
 * changes the node pools' `node_config.containerd_config` (and their wait for the Registry/ grant).
 * On either cloud, built monitoring runs a Prometheus on every cluster, on the system pool where a
 * cluster has one, so flipping monitoring resizes that pool's machine type and nothing else of it.
 * Grants a used component makes to the flipped one's identity (tracking's artifacts to the
 * pipelines' runs) stay in the used component's scope and change their principal only.
 *
 * And the consumers' side is unchanged: the contract (URLs, repositories, clusters, scrape) has
 * the same shape in both modes, and so do the outputs pipelines read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { MlPlatform } from '../../stacks/ml-platform';
import { readStacks, specFrom, specFromFile, type StackJson } from '../helpers/synth';
import { allResources, type FoundResource } from './fixtures';

const examples = join(__dirname, '..', '..', 'examples');

interface Built {
  readonly platform: MlPlatform;
  readonly stacks: Record<string, StackJson>;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Flipped = 'registry' | 'monitoring' | 'experimentTracking' | 'featureStore' | 'serving' | 'pipelines' | 'streaming';

/** Syntheses by spec: the example as it is serves every row whose one side is its own mode. */
const built = new Map<string, Built>();

/** The example with `component`'s mode set to `mode`, synthesized through MlPlatform. */
function build(example: string, component: Flipped, mode: 'build' | 'buy'): Built {
  const spec = specFromFile(join(examples, example));
  const raw = JSON.parse(JSON.stringify(spec));
  raw.components[component] = { ...raw.components[component], mode };
  if (mode === 'buy') {
    // build-only keys stay out of buy (they would be warned about, not used)
    for (const key of ['hostname', 'database', 'onlineStore', 'replicas']) delete raw.components[component][key];
  }
  const key = JSON.stringify(raw);
  const cached = built.get(key);
  if (cached) return cached;
  const out = synthesize(raw);
  built.set(key, out);
  return out;
}

function synthesize(raw: unknown): Built {
  const dir = mkdtempSync(join(tmpdir(), 'loom-mode-switch-'));
  dirs.push(dir);
  const app = new App({ outdir: dir });
  const platform = new MlPlatform(app, 'platform', specFrom(raw));
  // Consumers call the contract before synthesis, as add-ons do.
  if (platform.monitoring) {
    const apps = platform.clusters.apps!;
    platform.monitoring.scrape(apps, { name: 'consumer', namespace: 'loom-workloads', podSelector: { app: 'consumer' }, port: 'metrics' });
  }
  app.synth();
  return { platform, stacks: readStacks(dir) };
}

const keyOf = (r: FoundResource) => `${r.stack} ${r.type}.${r.name}`;
const SCOPE = {
  registry: 'Registry',
  monitoring: 'Monitoring',
  experimentTracking: 'ExperimentTracking',
  featureStore: 'FeatureStore',
  serving: 'Serving',
  pipelines: 'Pipelines',
  streaming: 'Streaming',
} as const;

/** Resources that differ between two syntheses (added, removed or changed), without metadata. */
function differing(a: Record<string, StackJson>, b: Record<string, StackJson>, ignore: (r: FoundResource) => Record<string, unknown> = (r) => r.body) {
  const index = (stacks: Record<string, StackJson>) => new Map(allResources(stacks).map((r) => [keyOf(r), r]));
  const ia = index(a);
  const ib = index(b);
  const out: { key: string; path: string; change: 'added' | 'removed' | 'changed' }[] = [];
  for (const [key, r] of ia) {
    const other = ib.get(key);
    if (!other) out.push({ key, path: r.path, change: 'removed' });
    else if (JSON.stringify(ignore(r)) !== JSON.stringify(ignore(other))) out.push({ key, path: r.path, change: 'changed' });
  }
  for (const [key, r] of ib) if (!ia.has(key)) out.push({ key, path: r.path, change: 'added' });
  return out;
}

/** Outputs that differ, other than cdktf's own cross-stack outputs. */
function differingOutputs(a: Record<string, StackJson>, b: Record<string, StackJson>): string[] {
  const names = (stacks: Record<string, StackJson>) =>
    new Set(Object.entries(stacks).flatMap(([s, j]) => Object.keys(j.output ?? {}).filter((o) => !o.startsWith('cross-stack-output-')).map((o) => `${s} ${o}`)));
  const na = names(a);
  const nb = names(b);
  return [...na].filter((n) => !nb.has(n)).concat([...nb].filter((n) => !na.has(n)));
}

/**
 * Google's cluster setting for managed collection: the one attribute outside the component that
 * flipping monitoring may change (Managed Service for Prometheus is switched on per GKE cluster,
 * in the cluster stack, and build turns GKE's own collection off so that Loom's Prometheus is the
 * one source).
 */
const withoutGkeMonitoring = (r: FoundResource) => {
  if (r.type !== 'google_container_cluster') return r.body;
  const { monitoring_config: _, ...rest } = r.body;
  return rest;
};

/**
 * The node pools' trust in built Harbor's CA (Google Cloud): `node_config.containerd_config`, and
 * the wait for the node service account's grant on the CA secret (under Registry/).
 */
const withoutGkeRegistryTrust = (r: FoundResource) => {
  if (r.type !== 'google_container_node_pool') return r.body;
  const { containerd_config: _, ...nodeConfig } = r.body.node_config as Record<string, unknown>;
  const dependsOn = ((r.body.depends_on ?? []) as string[]).filter((d) => !/\.Registry_/.test(d));
  return { ...r.body, node_config: nodeConfig, depends_on: dependsOn };
};
/**
 * The system pool's machine type: built monitoring puts Prometheus there (the larger shape of
 * `SYSTEM_POOL` / `GKE_SYSTEM_POOL`); nothing else of the pool changes.
 */
const withoutSystemPoolShape = (r: FoundResource) => {
  if (r.type === 'aws_eks_node_group' && /-system$/.test(String(r.body.node_group_name))) {
    const { instance_types: _, ...rest } = r.body;
    return rest;
  }
  if (r.type === 'google_container_node_pool' && /-system$|^system$/.test(String(r.body.name))) {
    const { machine_type: _, ...nodeConfig } = r.body.node_config as Record<string, unknown>;
    return { ...r.body, node_config: nodeConfig };
  }
  return r.body;
};
const withoutMonitoringOutside = (r: FoundResource) => withoutSystemPoolShape({ ...r, body: withoutGkeMonitoring(r) });
/**
 * The `loom-platform` ConfigMap's values: every component's client environment, whose keys stay
 * and whose values follow the mode (the next test checks the keys).
 */
const withConfigKeysOnly = (r: FoundResource) =>
  r.type === 'kubernetes_config_map_v1' && r.path.split('/')[1] === 'PlatformConfig' ? { ...r.body, data: Object.keys(r.body.data as Record<string, string>) } : r.body;
const compose = (f: (r: FoundResource) => Record<string, unknown>) => (r: FoundResource) => withConfigKeysOnly({ ...r, body: f(r) });
const outsideChanges = {
  registry: compose(withoutGkeRegistryTrust),
  monitoring: compose(withoutMonitoringOutside),
  experimentTracking: compose((r) => r.body),
  featureStore: compose((r) => r.body),
  serving: compose((r) => r.body),
  pipelines: compose((r) => r.body),
  streaming: compose((r) => r.body),
} as const;

/**
 * What a built component with backing stores brings outside its scope, shared by every such
 * component and so outside any one's: the network's data tier (AWS data subnets, Google's private
 * services access), created on first use — additions, never changes to a subnet that exists — and
 * the operators its stores run under in an add-ons stack (External Secrets, CloudNativePG).
 */
const isSharedStoreInfrastructure = (c: { key: string; path: string; change: string }) => {
  const [, top, second] = c.path.split('/');
  const dataTier = top === 'Network' && (second === 'Data' || second === 'PrivateServiceAccess') && c.change !== 'changed';
  const operator = top === 'ExternalSecretsOperator' || top === 'CloudNativePgOperator';
  return dataTier || operator;
};
/**
 * A built component's metrics are monitoring's to scrape (the table's contract): flipping the
 * component changes monitoring's scrape configuration, and where a target authenticates with a
 * service-account token (KServe's controller) monitoring's token for that namespace comes or goes.
 */
const isScrapeOfBuiltComponent = (c: { path: string; change: string }) =>
  c.path.split('/')[1] === 'Monitoring' && (c.change === 'changed' || c.path.split('/')[2] === 'ScraperToken');
const CONFIG_KEYS = {
  registry: /^LOOM_REGISTRY_/,
  monitoring: /^LOOM_(PROMETHEUS|DASHBOARDS)_/,
  experimentTracking: /^(LOOM_(TRACKING|ARTIFACT|MODEL_REGISTRY)_|MLFLOW_TRACKING_URI$)/,
  featureStore: /^LOOM_FEATURE_STORE_/,
  serving: /^LOOM_SERVING_/,
  pipelines: /^(LOOM_PIPELINES_|ARGO_)/,
  streaming: /^LOOM_KAFKA_/,
} as const;
const OUTPUTS = {
  registry: ['registry_url'],
  monitoring: ['grafana_url'],
  experimentTracking: ['tracking_uri', 'artifact_uri'],
  featureStore: ['feature_store_endpoint', 'feature_store_offline_store'],
  serving: ['serving_endpoints'],
  pipelines: ['pipelines_submit_url', 'pipelines_artifact_root'],
  streaming: ['kafka_bootstrap_servers'],
} as const;
const isPlatformConfig = (c: { path: string }) => c.path.split('/')[1] === 'PlatformConfig';
/** A copy of loom-platform in another namespace (built serving's predictors read it with envFrom). */
/** A team's network policy admitting AMP's managed scraper, added or removed with monitoring's mode (AWS). */
const isScraperAdmission = (c: { path: string; change: string }): boolean => /\/Team-[^/]+\/AllowManagedScraper$/.test(c.path) && c.change !== 'changed';
const isPlatformConfigCopy = (c: { path: string }) => isPlatformConfig(c) && /^In-/.test(c.path.split('/')[2] ?? '');

/**
 * What other components hold of the flipped one through its contract, with only those references
 * changing: grants the components the flipped one uses make to its identity (tracking's artifact
 * access to the pipelines' run identity, the feature store's offline reads) — the principal moves
 * to the other implementation's identity — and serving's model URIs, which point into tracking's
 * artifact store and follow it. Every difference between the two bodies is a reference into the
 * flipped component's scope (directly, or through a cross-stack output of it).
 */
function isGrantToFlipped(component: Flipped, a: Record<string, StackJson>, b: Record<string, StackJson>) {
  const scope = SCOPE[component];
  const bodies = (stacks: Record<string, StackJson>) => new Map(allResources(stacks).map((r) => [keyOf(r), r.body]));
  const ba = bodies(a);
  const bb = bodies(b);
  const refs = new RegExp(`\\$\\{[^}]*(\\.|cross-stack-output-[a-z0-9_]*?)${scope}_[^}]*\\}`, 'g');
  const normal = (body: unknown) => JSON.stringify(body).replace(refs, 'FLIPPED');
  return (c: { key: string; path: string; change: string }) => {
    if (c.change !== 'changed' || c.path.split('/')[1] === scope) return false;
    const before = ba.get(c.key);
    const after = bb.get(c.key);
    return normal(before) === normal(after) && JSON.stringify(before) !== JSON.stringify(after) && normal(before).includes('FLIPPED');
  };
}

describe.each([
  ['aws-platform.yaml', 'registry', 'buy', 'build'],
  ['aws-platform.yaml', 'monitoring', 'buy', 'build'],
  ['aws-platform.yaml', 'experimentTracking', 'build', 'buy'],
  ['aws-platform.yaml', 'featureStore', 'buy', 'build'],
  ['gcp-platform.yaml', 'registry', 'build', 'buy'],
  ['gcp-platform.yaml', 'monitoring', 'buy', 'build'],
  ['gcp-platform.yaml', 'experimentTracking', 'buy', 'build'],
  ['gcp-platform.yaml', 'featureStore', 'build', 'buy'],
  // Not in the examples yet: added to them with the mode given. Built on their own clusters beside
  // MLflow built on apps: fixed names, so no add-ons stack reads another's.
  ['aws-platform.yaml', 'serving', 'build', 'buy'],
  ['gcp-platform.yaml', 'serving', 'buy', 'build'],
  ['aws-platform.yaml', 'pipelines', 'buy', 'build'],
  ['gcp-platform.yaml', 'pipelines', 'build', 'buy'],
  ['aws-platform.yaml', 'streaming', 'build', 'buy'],
  ['gcp-platform.yaml', 'streaming', 'buy', 'build'],
] as const)('%s: %s %s → %s', (example, component, from, to) => {
  const stores = component !== 'registry' && component !== 'monitoring';
  const a = build(example, component, from);
  const b = build(example, component, to);

  const grantToFlipped = isGrantToFlipped(component, a.stacks, b.stacks);

  it(`changes only resources under ${SCOPE[component]}/ in any stack (and the principal of grants made to it)`, () => {
    const changes = differing(a.stacks, b.stacks, outsideChanges[component]);
    expect(changes.length).toBeGreaterThan(0);
    // Built serving reads the platform's environment from a copy of loom-platform in its namespace.
    const servingCopy = (c: { path: string; change: string }) => component === 'serving' && isPlatformConfigCopy(c) && c.change !== 'changed';
    // The teams' network policies admit bought monitoring's collectors: gmp-system on Google Cloud,
    // AMP's managed scraper (the node subnets, to metrics ports) on AWS.
    const teamsAdmitCollectors = (c: { path: string; change: string }) => component === 'monitoring' && (example.startsWith('gcp') ? /\/Team-[^/]+\/AllowPlatform$/.test(c.path) && c.change === 'changed' : isScraperAdmission(c));
    const strays = changes.filter(
      (c) => c.path.split('/')[1] !== SCOPE[component] && !(stores && (isSharedStoreInfrastructure(c) || isScrapeOfBuiltComponent(c))) && !grantToFlipped(c) && !servingCopy(c) && !teamsAdmitCollectors(c),
    );
    expect(strays, JSON.stringify(strays, null, 2)).toEqual([]);
  });

  it('changes no add-on at all: not their values, not their ordering, no monitor of theirs', () => {
    expect(differing(a.stacks, b.stacks).filter((c) => c.path.split('/')[1] === 'Addons')).toEqual([]);
  });

  const exception =
    component === 'monitoring'
      ? `outside the component, changes the system pools' machine type${example.startsWith('gcp') ? ", the GKE clusters' monitoring_config and the teams' admission of its collectors" : ", and adds or removes the teams' admission of AMP's scraper"} and nothing else`
      : stores
        ? 'outside the component, only adds or removes the shared data tier and store operators, never changes them'
        : !example.startsWith('gcp')
        ? 'makes no exception outside the component'
        : "outside the component, changes the GKE node pools' containerd_config (trust in Harbor's CA) and nothing else";
  it("changes the loom-platform ConfigMap's values on every cluster, never its keys (its copies hold the same data)", () => {
    for (const stacks of [a.stacks, b.stacks]) {
      const all = allResources(stacks).filter((r) => r.type === 'kubernetes_config_map_v1' && isPlatformConfig(r));
      for (const copy of all.filter(isPlatformConfigCopy)) {
        expect(copy.body.data, copy.path).toEqual(all.find((r) => r.stack === copy.stack && !isPlatformConfigCopy(r))!.body.data);
      }
    }
    const configs = (stacks: Record<string, StackJson>) =>
      allResources(stacks)
        .filter((r) => r.type === 'kubernetes_config_map_v1' && isPlatformConfig(r) && !isPlatformConfigCopy(r))
        .map((r) => ({ stack: r.stack, keys: Object.keys(r.body.data as Record<string, string>), data: r.body.data }));
    const ca = configs(a.stacks);
    const cb = configs(b.stacks);
    expect(ca.map((c) => c.stack)).toEqual(Object.keys(a.stacks).filter((n) => n.includes('-addons-')));
    expect(cb.map((c) => ({ stack: c.stack, keys: c.keys }))).toEqual(ca.map((c) => ({ stack: c.stack, keys: c.keys })));
    const prefix = CONFIG_KEYS[component];
    const changedKeys = ca.flatMap((c, i) => c.keys.filter((k) => JSON.stringify((c.data as any)[k]) !== JSON.stringify((cb[i]!.data as any)[k])));
    expect(changedKeys.length).toBeGreaterThan(0);
    for (const k of changedKeys) expect(k).toMatch(prefix);
  });

  it(exception, () => {
    const all = differing(a.stacks, b.stacks).filter((c) => c.path.split('/')[1] !== SCOPE[component] && !isPlatformConfig(c));
    const outside = all.filter((c) => !(component === 'monitoring' && isScraperAdmission(c)));
    if (component === 'monitoring') {
      // AWS: every team's namespace on every cluster admits AMP's scraper (bought) or not (built).
      if (!example.startsWith('gcp')) expect(all.filter(isScraperAdmission).length).toBeGreaterThan(0);
      expect(outside.map((c) => c.change)).toEqual(outside.map(() => 'changed'));
      const types = new Set(outside.map((c) => c.key.split(' ')[1]!.split('.')[0]));
      const allowed = example.startsWith('gcp') ? ['google_container_cluster', 'google_container_node_pool', 'kubernetes_network_policy_v1'] : ['aws_eks_node_group'];
      for (const c of outside.filter((x) => x.key.includes('kubernetes_network_policy_v1'))) expect(c.path).toMatch(/\/Team-[^/]+\/AllowPlatform$/);
      for (const t of types) expect(allowed).toContain(t);
      // the system pools resize: at least one system pool exists in each example
      expect(outside.some((c) => /system/i.test(c.path))).toBe(true);
      expect(
        differing(a.stacks, b.stacks, compose(withoutMonitoringOutside)).filter((c) => c.path.split('/')[1] !== SCOPE[component] && !/\/Team-[^/]+\/AllowPlatform$/.test(c.path) && !isScraperAdmission(c)),
      ).toEqual([]);
    } else if (stores) {
      expect(outside.filter((c) => !isSharedStoreInfrastructure(c) && !isScrapeOfBuiltComponent(c) && !grantToFlipped(c))).toEqual([]);
      expect(outside.filter((c) => c.change === 'changed' && c.path.split('/')[1] === 'Network')).toEqual([]);
    } else if (example.startsWith('gcp')) {
      expect(outside.length).toBeGreaterThan(0);
      expect(outside.map((c) => c.change)).toEqual(outside.map(() => 'changed'));
      expect(outside.map((c) => c.key.split(' ')[1]!.split('.')[0])).toEqual(outside.map(() => 'google_container_node_pool'));
      expect(differing(a.stacks, b.stacks, compose(withoutGkeRegistryTrust)).filter((c) => c.path.split('/')[1] !== SCOPE[component])).toEqual([]);
    } else {
      expect(outside).toEqual([]);
    }
  });

  it('changes nothing that belongs to another component (but monitoring scraping a built one, and the principal of grants made to this one)', () => {
    for (const other of (Object.keys(SCOPE) as Flipped[]).filter((c) => c !== component)) {
      const changes = differing(a.stacks, b.stacks, withoutGkeMonitoring).filter((c) => c.path.split('/')[1] === SCOPE[other]);
      // A built component's metrics are monitoring's to scrape: its scrape configuration follows.
      const scrapes = (c: { path: string; change: string }) => stores && isScrapeOfBuiltComponent(c);
      expect(changes.filter((c) => !scrapes(c) && !grantToFlipped(c)), other).toEqual([]);
    }
  });

  it("leaves the clusters' node groups and node pools untouched (but GKE node pools' trust in built Harbor's CA, and the system pools' size for built monitoring)", () => {
    for (const type of ['aws_eks_node_group', 'aws_launch_template', 'google_container_node_pool', 'aws_eks_cluster']) {
      const body = component === 'registry' ? withoutGkeRegistryTrust : withoutSystemPoolShape;
      const pick = (stacks: Record<string, StackJson>) => allResources(stacks).filter((r) => r.type === type).map((r) => JSON.stringify(body(r)));
      expect(pick(b.stacks), type).toEqual(pick(a.stacks));
    }
  });

  it('keeps the contract its consumers read the same shape', () => {
    const shape = (p: MlPlatform) => {
      if (component !== 'registry' && component !== 'monitoring') {
        const c = p.components[component] as unknown as Record<string, unknown>;
        const ATTRIBUTES = {
          experimentTracking: ['protocol', 'trackingUri', 'artifactUri', 'modelRegistryUri'],
          featureStore: ['protocol', 'onlineEndpoint', 'offlineStore', 'registry'],
          serving: ['protocol', 'endpoints', 'endpointUrl'],
          pipelines: ['protocol', 'submitUrl', 'artifactRoot', 'runIdentity'],
          streaming: ['protocol', 'bootstrapServers', 'authentication', 'topics'],
        } as const;
        const GRANTS = { experimentTracking: ['grantAccess'], featureStore: ['grantRead', 'grantWrite'], serving: ['grantInvoke'], pipelines: ['grantSubmit'], streaming: ['grantProduce', 'grantConsume'] } as const;
        const attributes = ATTRIBUTES[component];
        const grants = GRANTS[component];
        return { componentName: c.componentName, types: attributes.map((k) => typeof c[k]), grants: grants.map((g) => typeof c[g]) };
      }
      const c = component === 'registry' ? p.registry! : p.monitoring!;
      const common = { componentName: c.componentName, clusters: Object.keys(p.clusters) };
      if (component === 'registry') {
        const r = p.registry!;
        return {
          ...common,
          repositories: r.repositories,
          pullers: r.pullers.map((x) => x.plan.name),
          urls: [typeof r.registryUrl, typeof r.registryHost, ...r.repositories.map((n) => typeof r.repositoryUrl(n))],
          suffix: r.repositories.map((n) => r.repositoryUrl(n).endsWith(`/${n}`)),
        };
      }
      const m = p.monitoring!;
      return {
        ...common,
        monitored: m.clusters.map((x) => x.plan.name),
        endpoints: Object.values(p.clusters).map((x) => typeof m.queryEndpoint(x)),
        dashboards: typeof m.dashboardsUrl,
      };
    };
    expect(shape(b.platform)).toEqual(shape(a.platform));
    expect(a.platform.components[component]!.mode).toBe(from);
    expect(b.platform.components[component]!.mode).toBe(to);
  });

  it("keeps the component's outputs by name (in whichever stack the implementation puts them)", () => {
    const named = (stacks: Record<string, StackJson>) =>
      new Set(Object.values(stacks).flatMap((j) => Object.keys(j.output ?? {}).filter((o) => !o.startsWith('cross-stack-output-'))));
    const want = OUTPUTS[component];
    for (const o of want) {
      expect(named(a.stacks).has(o), `${from}: ${o}`).toBe(true);
      expect(named(b.stacks).has(o), `${to}: ${o}`).toBe(true);
    }
    // Other outputs than the component's own do not come or go.
    const foreign = differingOutputs(a.stacks, b.stacks).filter((o) => !/ (registry_url|grafana_url|prometheus_\w+|tracking_uri|artifact_uri|feature_store_\w+|serving_\w+|pipelines_\w+|kafka_\w+)$/.test(o));
    expect(foreign).toEqual([]);
  });

  it('never adds a cloud provider to an add-ons stack or Kubernetes to a cloud stack', () => {
    for (const stacks of [a.stacks, b.stacks]) {
      for (const [name, stack] of Object.entries(stacks)) {
        const providers = Object.keys(stack.terraform?.required_providers ?? {}).sort();
        // Built Harbor's cluster also has Terraform's tls provider (its CA and certificate); on
        // Google Cloud the CA is made in the network stack; built Kafka's cluster CA is made in
        // the services stack.
        const tls = Object.keys(stack.resource ?? {}).some((t) => t.startsWith('tls_'));
        const kafkaCa = Object.keys(stack.resource?.tls_private_key ?? {}).some((k) => k.startsWith('Streaming_'));
        const cloud = example.startsWith('aws') ? 'aws' : 'google';
        expect(tls && !name.includes('-addons-'), name).toBe(((name.endsWith('-network') && example.startsWith('gcp')) || (name.endsWith('-services') && kafkaCa)) && tls);
        // Terraform's random provider generates a Cloud SQL built-in user's password and built
        // Kafka users' passwords, in the services stack, and the secrets of the teams' Harbor push
        // robots in Harbor's cluster's add-ons stack (beside Harbor's certificate).
        const random = Object.keys(stack.resource ?? {}).some((t) => t.startsWith('random_'));
        const harborPush = Object.keys(stack.resource?.random_password ?? {}).length > 0 && Object.keys(stack.resource?.random_password ?? {}).every((k) => k.startsWith('Registry_'));
        expect(random && !name.endsWith('-services') && !(name.includes('-addons-') && harborPush), name).toBe(false);
        const expected = name.includes('-addons-') ? ['helm', 'kubernetes', ...(tls ? ['tls'] : []), ...(random ? ['random'] : [])] : [cloud, ...(random ? ['random'] : []), ...(tls ? ['tls'] : [])];
        expect(providers, name).toEqual(expected.sort());
      }
    }
  });
});

describe('the services stack comes and goes with cloud-side resources', () => {
  it('appears on Google Cloud only when some component keeps resources in the cloud', () => {
    const spec = JSON.parse(JSON.stringify(specFromFile(join(examples, 'gcp-platform.yaml'))));
    // Only monitoring left: the other components keep buckets, identities or databases in the cloud.
    for (const component of Object.keys(spec.components)) if (component !== 'monitoring') delete spec.components[component];
    // …and no teams, whose identities would need the services stack.
    spec.teams = [];
    const dir = mkdtempSync(join(tmpdir(), 'loom-mode-switch-'));
    dirs.push(dir);
    const app = new App({ outdir: dir });
    new MlPlatform(app, 'platform', specFrom(spec));
    app.synth();
    // Monitoring bought on Google Cloud is a cluster setting: nothing for a services stack to hold.
    expect(Object.keys(readStacks(dir))).not.toContain('acme-services');
  });
});
