/**
 * The rules of the serving component's endpoints (issue 11, Validation): unique names and derived
 * names that fit each cloud, a custom image's registry, where models may be read from, GPUs the
 * serving cluster (build) or the cloud's managed service (buy) has — and specs that are fine.
 */
import { describe, expect, it } from 'vitest';
import { platformSchema, validateSpec, type SpecIssue } from '../../schema';
import { checkServingRules, SAGEMAKER_GPU_INSTANCES, servingNameProblems, servingNames, VERTEX_GPUS } from '../../schema/serving-rules';
import { awsSpec, gcpSpec, k8sSpec, type Spec } from './fixtures';

const STORE = { endpoint: 'https://s3.dc1.example.internal', bucket: 'ml-platform', credentialsSecret: 'dc1-object-storage' };

/** The serving errors of a spec whose shape the schema accepts (the rule called as `checkRules` calls it). */
function servingErrors(spec: Spec): SpecIssue[] {
  const errors: SpecIssue[] = [];
  checkServingRules(platformSchema.parse(spec), (path, message) => errors.push({ path, message }), () => undefined);
  return errors;
}

/** Tracking and registry bought: serving built on another cluster than apps is then the only built component other clusters reach. */
const BOUGHT_TRACKING = { experimentTracking: { mode: 'buy' }, registry: { mode: 'buy' } };

/** `components.serving` with `endpoints`, beside the other components given. */
const withServing = (serving: Record<string, unknown>, others: Record<string, unknown> = { experimentTracking: { mode: 'build' }, registry: { mode: 'buy' } }) => ({
  components: { ...others, serving },
});

const endpoint = (overrides: Record<string, unknown> = {}) => ({ name: 'ranker', model: 'ranker/v3', framework: 'xgboost', minReplicas: 1, maxReplicas: 4, ...overrides });

/** Fails unless the spec validates as a whole and the serving rule finds nothing. */
function fine(spec: Spec): void {
  expect(servingErrors(spec)).toEqual([]);
  const result = validateSpec(spec);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
}

describe('serving: names', () => {
  it('refuses an endpoint name declared twice, at the second one', () => {
    const spec = awsSpec(withServing({ mode: 'build', endpoints: [endpoint(), endpoint({ model: 'ranker/v4' })] }));
    expect(servingErrors(spec)).toEqual([{ path: 'components.serving.endpoints[1].name', message: expect.stringContaining("'ranker' is already the name of endpoints[0]") }]);
  });

  // The schema's longest names: a platform of 20 characters, an endpoint of 40.
  const longPlatform = 'p'.repeat(20);
  const longEndpoint = 'e'.repeat(40);

  it("derives names that fit every cloud from the schema's longest names", () => {
    for (const cloud of ['aws', 'gcp', 'kubernetes'] as const) {
      for (const mode of ['build', 'buy'] as const) expect(servingNameProblems(cloud, mode, longPlatform, longEndpoint), `${cloud} ${mode}`).toEqual([]);
    }
    expect(servingNames(longPlatform, longEndpoint)).toMatchObject({ sagemakerEndpoint: `${longPlatform}-${longEndpoint}`, predictorService: `${longEndpoint}-predictor` });
    fine(awsSpec({ name: longPlatform, ...withServing({ mode: 'buy', endpoints: [endpoint({ name: longEndpoint })] }) }));
    fine(gcpSpec({ name: longPlatform, ...withServing({ mode: 'buy', endpoints: [endpoint({ name: longEndpoint })] }) }));
  });

  it('refuses a SageMaker endpoint name over 63 characters (buy on aws), should the schema ever allow one', () => {
    expect(servingNameProblems('aws', 'buy', 'p'.repeat(30), longEndpoint)).toEqual([expect.stringMatching(/^derived SageMaker endpoint name 'p{30}-e{40}' is 71 characters, over the limit of 63/)]);
    expect(servingNameProblems('aws', 'build', 'p'.repeat(30), longEndpoint)).toEqual([]);
  });

  it('refuses a Vertex AI model id over 63 characters (buy on gcp), should the schema ever allow one', () => {
    expect(servingNameProblems('gcp', 'buy', 'p'.repeat(30), longEndpoint)).toEqual([expect.stringMatching(/^derived Vertex AI model id '.{71}' is 71 characters, over the limit of 63/)]);
  });

  it("shortens the reserved address's name of a built endpoint on gcp to 63 with a hash, distinct per endpoint", () => {
    const a = servingNames(longPlatform, longEndpoint).gcpAddress;
    const b = servingNames(longPlatform, `${longEndpoint.slice(0, -1)}x`).gcpAddress;
    expect(a).toHaveLength(63);
    expect(a.startsWith(`${longPlatform}-serving-`)).toBe(true);
    expect(b).not.toBe(a);
    expect(servingNames('acme', 'ranker').gcpAddress).toBe('acme-serving-ranker');
  });

  it('refuses more built endpoints than the load balancer slots a serving cluster sets aside (aws, gcp), not on existing clusters nor bought', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => endpoint({ name: `model-${i}` }));
    expect(servingErrors(awsSpec(withServing({ mode: 'build', endpoints: many(12) })))).toEqual([
      { path: 'components.serving.endpoints', message: expect.stringMatching(/^has 12 endpoints; built serving gives each a fixed internal load balancer address from the 11 its cluster sets aside; .*or buy serving$/) },
    ]);
    expect(servingErrors(awsSpec(withServing({ mode: 'build', endpoints: many(11) })))).toEqual([]);
    expect(servingErrors(awsSpec(withServing({ mode: 'buy', endpoints: many(12) }, BOUGHT_TRACKING)))).toEqual([]);
    expect(servingErrors(k8sSpec({ objectStorage: STORE, ...withServing({ mode: 'build', endpoints: many(12) }) })).filter((e) => e.path === 'components.serving.endpoints')).toEqual([]);
  });

  it('refuses Kubernetes Service names over 63 characters (build), should the schema ever allow one', () => {
    expect(servingNameProblems('kubernetes', 'build', 'acme', 'x'.repeat(61))).toEqual([
      expect.stringContaining("derived predictor Service name 'xxxx"),
      expect.stringContaining("derived load balancer Service name 'xxxx"),
    ]);
  });
});

describe('serving: models and images', () => {
  it('refuses a model path when the platform has no experiment tracking (no artifact store), and accepts a full URI then', () => {
    const spec = awsSpec(withServing({ mode: 'build', endpoints: [endpoint()] }, { registry: { mode: 'buy' } }));
    expect(servingErrors(spec)).toEqual([{ path: 'components.serving.endpoints[0].model', message: expect.stringContaining('the spec has no components.experimentTracking') }]);
    fine(awsSpec(withServing({ mode: 'build', endpoints: [endpoint({ model: 's3://acme-models/ranker/v3' })] }, { registry: { mode: 'buy' } })));
  });

  it('applies the rules naming other components to a whole spec, and leaves them to the construct when serving is validated as a part', () => {
    const alone = awsSpec(withServing({ mode: 'build', endpoints: [endpoint(), endpoint({ name: 'reranker', framework: 'custom', image: 'images/reranker' })] }, {}));
    expect(servingErrors(alone).map((e) => e.path)).toEqual(['components.serving.endpoints[0].model', 'components.serving.endpoints[1].model', 'components.serving.endpoints[1].framework']);
    const part: SpecIssue[] = [];
    checkServingRules(platformSchema.parse(alone), (path, message) => part.push({ path, message }), () => undefined, { whole: false });
    expect(part).toEqual([]);
    // through validateSpec: a whole spec gets them, a part (how servingFor validates its props) does not
    expect(validateSpec(alone).ok).toBe(false);
    expect(validateSpec(alone, { part: true }).ok).toBe(true);
  });

  it("refuses a model in the other cloud's object store", () => {
    expect(servingErrors(awsSpec(withServing({ mode: 'buy', endpoints: [endpoint({ model: 'gs://acme-models/ranker' })] })))).toEqual([
      { path: 'components.serving.endpoints[0].model', message: expect.stringContaining('is a gs:// URI, but serving on aws reads models from S3') },
    ]);
    expect(servingErrors(gcpSpec(withServing({ mode: 'build', endpoints: [endpoint({ model: 's3://acme-models/ranker' })] })))).toEqual([
      { path: 'components.serving.endpoints[0].model', message: expect.stringContaining('serving on gcp reads models from Cloud Storage') },
    ]);
  });

  it("reads s3:// on existing clusters from the data centre's store, which the spec must name", () => {
    const spec = k8sSpec(withServing({ mode: 'build', endpoints: [endpoint({ model: 's3://ml-platform/models/ranker' })] }, { registry: { mode: 'build' } }));
    expect(servingErrors(spec)).toEqual([{ path: 'components.serving.endpoints[0].model', message: expect.stringContaining('add objectStorage:') }]);
    expect(servingErrors({ ...spec, objectStorage: { ...STORE } })).toEqual([]);
  });

  it('refuses framework: custom without the registry component', () => {
    const spec = awsSpec(withServing({ mode: 'build', endpoints: [endpoint({ framework: 'custom', image: 'images/ranker:1.4.2' })] }, { experimentTracking: { mode: 'build' } }));
    expect(servingErrors(spec)).toEqual([{ path: 'components.serving.endpoints[0].framework', message: expect.stringContaining("custom serves image 'images/ranker:1.4.2' from the registry component") }]);
  });

  it.each([
    ['aws', awsSpec, 'SageMaker pulls images from ECR only'],
    ['gcp', gcpSpec, 'Vertex AI pulls images from Artifact Registry'],
  ] as const)('refuses a custom image from Harbor for bought serving on %s; built serving takes it', (_cloud, specOf, message) => {
    const custom = [endpoint({ framework: 'custom', image: 'images/ranker' })];
    expect(servingErrors(specOf(withServing({ mode: 'buy', endpoints: custom }, { experimentTracking: { mode: 'build' }, registry: { mode: 'build' } })))).toEqual([
      { path: 'components.serving.endpoints[0].framework', message: expect.stringContaining(message) },
    ]);
    expect(servingErrors(specOf(withServing({ mode: 'buy', endpoints: custom })))).toEqual([]);
    expect(servingErrors(specOf(withServing({ mode: 'build', endpoints: custom }, { experimentTracking: { mode: 'build' }, registry: { mode: 'build' } })))).toEqual([]);
  });

  it('refuses Triton on Vertex AI (no prebuilt container), not on SageMaker nor built', () => {
    const triton = [endpoint({ framework: 'triton' })];
    expect(servingErrors(gcpSpec(withServing({ mode: 'buy', endpoints: triton })))).toEqual([
      { path: 'components.serving.endpoints[0].framework', message: expect.stringContaining('Vertex AI has no prebuilt Triton container') },
    ]);
    expect(servingErrors(awsSpec(withServing({ mode: 'buy', endpoints: triton })))).toEqual([]);
    expect(servingErrors(gcpSpec(withServing({ mode: 'build', endpoints: triton })))).toEqual([]);
  });
});

describe('serving: GPUs', () => {
  const gpuEndpoint = (type: string, count = 1, framework = 'pytorch') => endpoint({ framework, gpu: { type, count } });

  it('refuses a built GPU endpoint on a cluster without a pool of that GPU, naming the cluster that has one', () => {
    const spec = awsSpec(withServing({ mode: 'build', endpoints: [gpuEndpoint('nvidia-a10g')] }));
    expect(servingErrors(spec)).toEqual([
      { path: 'components.serving.endpoints[0].gpu', message: "serving runs on cluster 'apps', which has no node pool with nvidia-a10g; training has one (components.serving.cluster)" },
    ]);
    // tracking bought: built components other clusters reach run on one cluster (schema/reach-rules.ts)
    fine(awsSpec(withServing({ mode: 'build', cluster: 'training', endpoints: [gpuEndpoint('nvidia-a10g')] }, BOUGHT_TRACKING)));
  });

  it('refuses a built GPU endpoint whose GPU no cluster has', () => {
    const spec = awsSpec(withServing({ mode: 'build', cluster: 'training', endpoints: [gpuEndpoint('nvidia-l4')] }));
    expect(servingErrors(spec)).toEqual([
      { path: 'components.serving.endpoints[0].gpu', message: "serving runs on cluster 'training', which has no node pool with nvidia-l4; add a node pool with gpu.type nvidia-l4" },
    ]);
  });

  it('on existing clusters, needs a serving cluster with GPUs (existing.gpu)', () => {
    const base = k8sSpec({ objectStorage: { ...STORE }, ...withServing({ mode: 'build', cluster: 'gpu', endpoints: [gpuEndpoint('nvidia-a100')] }, { experimentTracking: { mode: 'build' } }) });
    expect(servingErrors(base)).toEqual([{ path: 'components.serving.endpoints[0].gpu', message: expect.stringContaining("cluster 'gpu', which has no GPUs (existing.gpu)") }]);
    const withGpus = structuredClone(base);
    withGpus.clusters[1].existing.gpu = { driver: 'preinstalled' };
    expect(servingErrors(withGpus)).toEqual([]);
  });

  it.each([
    ['aws', awsSpec, 'nvidia-v100', 1, 'nvidia-v100 is not offered by SageMaker endpoints'],
    ['aws', awsSpec, 'nvidia-a100', 1, 'SageMaker has no instance with 1 nvidia-a100; use count 8'],
    ['gcp', gcpSpec, 'nvidia-a10g', 1, 'nvidia-a10g is not offered by Vertex AI prediction'],
    ['gcp', gcpSpec, 'nvidia-l4', 3, 'Vertex AI has no machine type with 3 nvidia-l4; use count 1 or 2 or 4 or 8'],
  ] as const)('refuses, bought on %s, a GPU the table lacks (%s × %d)', (_cloud, specOf, type, count, message) => {
    expect(servingErrors(specOf(withServing({ mode: 'buy', endpoints: [gpuEndpoint(type, count)] })))).toEqual([
      { path: 'components.serving.endpoints[0].gpu', message: expect.stringContaining(message) },
    ]);
  });

  it("accepts, bought, every GPU of the cloud's table; refuses a GPU for a CPU-only prebuilt container", () => {
    for (const [type, counts] of Object.entries(SAGEMAKER_GPU_INSTANCES)) {
      for (const count of Object.keys(counts!)) expect(servingErrors(awsSpec(withServing({ mode: 'buy', endpoints: [gpuEndpoint(type, Number(count))] }))), `${type} × ${count}`).toEqual([]);
    }
    for (const [type, gpu] of Object.entries(VERTEX_GPUS)) {
      for (const count of Object.keys(gpu!.machineTypes)) expect(servingErrors(gcpSpec(withServing({ mode: 'buy', endpoints: [gpuEndpoint(type, Number(count))] }))), `${type} × ${count}`).toEqual([]);
    }
    expect(servingErrors(awsSpec(withServing({ mode: 'buy', endpoints: [gpuEndpoint('nvidia-a10g', 1, 'sklearn')] })))).toEqual([
      { path: 'components.serving.endpoints[0].gpu', message: expect.stringContaining("SageMaker's prebuilt sklearn container runs on CPUs only") },
    ]);
    expect(servingErrors(gcpSpec(withServing({ mode: 'buy', endpoints: [gpuEndpoint('nvidia-l4', 1, 'xgboost')] })))[0]!.message).toContain("Vertex AI's prebuilt xgboost container runs on CPUs only");
  });
});

describe('serving: specs that are fine', () => {
  const endpoints = [endpoint(), endpoint({ name: 'embedder', framework: 'huggingface', model: 'embedder/v1' }), endpoint({ name: 'reranker', framework: 'custom', image: 'images/reranker' })];

  it('builds on aws, with a GPU endpoint on the batch cluster', () => {
    fine(awsSpec(withServing({ mode: 'build', cluster: 'training', endpoints: [...endpoints, gpuEndpointOf('nvidia-a10g')] }, BOUGHT_TRACKING)));
  });

  it('builds on gcp, with a GPU endpoint on the batch cluster', () => {
    fine(gcpSpec(withServing({ mode: 'build', cluster: 'training', endpoints: [...endpoints, gpuEndpointOf('nvidia-l4')] }, BOUGHT_TRACKING)));
  });

  it('builds on existing clusters, models in the data centre store', () => {
    fine(k8sSpec({ objectStorage: { ...STORE }, ...withServing({ mode: 'build', endpoints }, { experimentTracking: { mode: 'build' }, registry: { mode: 'build' } }) }));
  });

  it('buys on aws and gcp', () => {
    fine(awsSpec(withServing({ mode: 'buy', endpoints: [...endpoints, gpuEndpointOf('nvidia-l4')] })));
    fine(gcpSpec(withServing({ mode: 'buy', endpoints: [...endpoints, gpuEndpointOf('nvidia-l4')] })));
  });

  function gpuEndpointOf(type: string) {
    return endpoint({ name: 'vision', framework: 'pytorch', model: 'vision/v2', gpu: { type, count: 1 } });
  }
});
