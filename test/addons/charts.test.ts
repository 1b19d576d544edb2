/**
 * What Loom hands Helm and the API server, checked against the pinned charts' ground truth in
 * ../shared: on every example (and a few variants that turn on what the examples leave off),
 * every helm_release comes from the chart catalogue at a stored version, sets only keys its
 * chart's default values know (and passes the chart's values schema where it ships one) — or is a
 * release of Loom's own resources chart, whose values pass that chart's schema and whose every
 * object validates against its CRD's schema. No kubernetes_manifest anywhere (it needs the CRD
 * when Terraform plans), and every custom-resource release depends on the release bringing its CRD.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHARTS } from '../../catalog/charts';
import { customResourceErrors, loomResourcesValuesErrors, sharedDir, unknownValuesKeys, valuesSchemaErrors } from '../helpers/charts';
import { specFrom, specFromFile, synthSpec, type Synthesized } from '../helpers/synth';
import { awsSpec } from '../aws/fixtures';
import { onpremSpec } from '../kubernetes/fixtures';
import { catalogueEntry, customResourceReleases, customResources, isLoomResourcesRelease, releases } from './fixtures';

const examplesDir = join(__dirname, '..', '..', 'examples');

/**
 * Custom resources whose CRD ../shared/crds does not hold, so that no schema check is possible:
 * Google Managed Service for Prometheus' `PodMonitoring` (its CRD comes with GKE's managed
 * collection), and Kubernetes' own kinds (`batch/v1 Job`). Their shape is pinned by the components' own tests instead.
 */
const UNSTORED_CRDS = new Set(['monitoring.googleapis.com/v1 PodMonitoring', 'batch/v1 Job']);
/** The chart whose release installs each custom resource kind's CRD (`null`: it comes with the cluster). */
const CRD_CHARTS: Record<string, string | null> = {
  'karpenter.sh/v1 NodePool': 'karpenter-crd',
  'karpenter.k8s.aws/v1 EC2NodeClass': 'karpenter-crd',
  'kueue.x-k8s.io/v1beta2 ResourceFlavor': 'kueue',
  'kueue.x-k8s.io/v1beta2 ClusterQueue': 'kueue',
  'kueue.x-k8s.io/v1beta2 LocalQueue': 'kueue',
  'monitoring.googleapis.com/v1 PodMonitoring': null,
  // Kubernetes' own kinds (MSK's topics Job, released with Helm's wait for Jobs).
  'batch/v1 Job': null,
  'external-secrets.io/v1 SecretStore': 'external-secrets',
  'external-secrets.io/v1 ExternalSecret': 'external-secrets',
  'postgresql.cnpg.io/v1 Cluster': 'cloudnative-pg',
  'postgresql.cnpg.io/v1 ScheduledBackup': 'cloudnative-pg',
  'serving.kserve.io/v1beta1 InferenceService': 'kserve-crd',
  'serving.kserve.io/v1alpha1 ClusterServingRuntime': 'kserve-crd',
  'kafka.strimzi.io/v1 Kafka': 'strimzi-kafka-operator',
  'kafka.strimzi.io/v1 KafkaNodePool': 'strimzi-kafka-operator',
  'kafka.strimzi.io/v1 KafkaTopic': 'strimzi-kafka-operator',
  'kafka.strimzi.io/v1 KafkaUser': 'strimzi-kafka-operator',
  'argoproj.io/v1alpha1 WorkflowTemplate': 'argo-workflows',
};
const exampleFiles = readdirSync(examplesDir).filter((f) => /\.ya?ml$/.test(f)).sort();

/** Variants that exercise what the examples leave off: Karpenter everywhere, monitoring built. */
function variants(): Record<string, unknown> {
  const karpenter = awsSpec();
  for (const c of karpenter.clusters) c.autoscaler = 'karpenter';
  karpenter.components = { monitoring: { mode: 'build' } };
  const autoscaled = awsSpec();
  autoscaled.environment = 'dev';
  autoscaled.components = { monitoring: { mode: 'build' } };
  const onprem = onpremSpec({ components: { monitoring: { mode: 'build' } } });
  onprem.clusters[2].existing.gpu = { driver: 'operator', toolkit: 'operator' };
  onprem.clusters[2].existing.capacity = [
    { name: 'cpu', nodeLabels: { pool: 'cpu' }, nodes: 4, cpu: 32, memoryGiB: 128 },
    { name: 'h100', nodeLabels: { pool: 'h100' }, nodes: 2, cpu: 192, memoryGiB: 2048, gpus: 8, taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] },
  ];
  return { 'aws, karpenter on every cluster, monitoring build': karpenter, 'aws dev, cluster-autoscaler, monitoring build': autoscaled, 'existing clusters with GPUs and capacity, monitoring build': onprem };
}

const cases: { name: string; load: () => Synthesized }[] = [
  ...exampleFiles.map((f) => ({ name: `examples/${f}`, load: () => synthSpec(specFromFile(join(examplesDir, f))) })),
  ...Object.entries(variants()).map(([name, spec]) => ({ name, load: () => synthSpec(specFrom(spec)) })),
];

describe.each(cases)('$name', ({ load }) => {
  let out: Synthesized;
  beforeAll(() => {
    out = load();
  });
  afterAll(() => out.cleanup());

  const everyRelease = () => Object.entries(out.stacks).flatMap(([stack, json]) => releases(json).map((r) => ({ stack, ...r })));
  /** Releases of catalogued charts (Loom's own resources chart aside). */
  const allReleases = () => everyRelease().filter((r) => !isLoomResourcesRelease(r));

  it('installs every chart from the catalogue, at a version stored in ../shared/charts', () => {
    const all = allReleases();
    expect(all.length).toBeGreaterThan(0);
    for (const r of all) {
      const entry = catalogueEntry(r);
      expect(entry, `${r.stack}: ${r.resource.chart} from ${r.resource.repository} is not in CHARTS`).toBeDefined();
      expect({ chart: r.resource.chart, repository: r.resource.repository, version: r.resource.version }, `${r.stack}: ${r.name}`).toEqual(entry);
      expect(existsSync(join(sharedDir(), 'charts', entry!.chart, entry!.version, 'values.yaml')), `${entry!.chart} ${entry!.version}`).toBe(true);
    }
  });

  it("sets only values keys the pinned chart's default values know", () => {
    for (const r of allReleases()) {
      expect(unknownValuesKeys(String(r.resource.chart), String(r.resource.version), r.values), `${r.stack}: ${r.resource.chart}`).toEqual([]);
    }
  });

  it("passes the chart's values schema where it ships one (cert-manager rejects unknown keys)", () => {
    for (const r of allReleases()) {
      expect(valuesSchemaErrors(String(r.resource.chart), String(r.resource.version), r.values), `${r.stack}: ${r.resource.chart}`).toEqual([]);
    }
  });

  it('writes only custom resources that validate against their CRD', () => {
    for (const [stack, json] of Object.entries(out.stacks)) {
      for (const manifest of customResources(json)) {
        if (UNSTORED_CRDS.has(`${manifest.apiVersion} ${manifest.kind}`)) continue;
        expect(customResourceErrors(manifest), `${stack}: ${manifest.kind} ${manifest.metadata?.name}`).toEqual([]);
      }
    }
  });

  it("gives Loom's resources chart only values its schema accepts", () => {
    for (const [stack, json] of Object.entries(out.stacks)) {
      for (const r of customResourceReleases(json)) expect(loomResourcesValuesErrors(r.values), `${stack}: ${r.resource.name}`).toEqual([]);
    }
  });

  it('writes no kubernetes_manifest, which would need its CRD when Terraform plans', () => {
    for (const [stack, json] of Object.entries(out.stacks)) expect(Object.keys(json.resource ?? {}), stack).not.toContain('kubernetes_manifest');
  });

  it("makes every custom-resource release depend on the release that brings its CRDs, and ships the chart with the stack", () => {
    // Kueue's queues and Karpenter's pools are custom resources: where those charts are, so are releases of them.
    const crdCharts = everyRelease().filter((r) => ['kueue', 'karpenter'].includes(String(r.resource.chart))).length;
    const crReleases = Object.values(out.stacks).flatMap((json) => customResourceReleases(json)).length;
    if (crdCharts > 0) expect(crReleases).toBeGreaterThan(0);
    for (const [stack, json] of Object.entries(out.stacks)) {
      const byFqn = new Map(releases(json).map((r) => [`helm_release.${r.name}`, r]));
      for (const r of customResourceReleases(json)) {
        expect(existsSync(join(out.stackDir(stack), String(r.resource.chart), 'templates', 'resources.yaml')), `${stack}: ${r.resource.chart}`).toBe(true);
        const deps = ((r.resource.depends_on ?? []) as string[]).map((d) => byFqn.get(d)?.resource).filter((d) => d !== undefined);
        for (const kind of new Set(((r.values.resources ?? []) as any[]).map((m) => `${m.apiVersion} ${m.kind}`))) {
          const crdChart = CRD_CHARTS[kind];
          if (crdChart === null) continue; // comes with the cluster (GKE managed collection)
          expect(crdChart, `no CRD chart known for ${kind}`).toBeDefined();
          expect(deps.map((d) => d!.chart), `${stack}: ${r.resource.name} (${kind})`).toContain(crdChart);
        }
      }
    }
  });
});

describe('the chart catalogue', () => {
  it('pins every chart at a version whose defaults are stored in ../shared/charts', () => {
    for (const [key, c] of Object.entries(CHARTS)) {
      expect(existsSync(join(sharedDir(), 'charts', c.chart, c.version, 'values.yaml')), `${key}: ${c.chart} ${c.version}`).toBe(true);
    }
  });
});
