import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chartDefaults,
  customResourceErrors,
  sharedDir,
  storedCrds,
  unknownValuesKeys,
  valuesSchemaErrors,
} from './helpers/charts';

const KPS = ['kube-prometheus-stack', '88.5.3'] as const;
const CERT_MANAGER = ['cert-manager', 'v1.21.1'] as const;

describe('sharedDir / chartDefaults', () => {
  it('finds the shared data beside the repo', () => {
    expect(fs.existsSync(path.join(sharedDir(), 'charts', 'README.md'))).toBe(true);
  });

  it('parses default values like Helm (YAML 1.1)', () => {
    const kps = chartDefaults(...KPS) as { prometheus: { prometheusSpec: { retention: string } } };
    expect(kps.prometheus.prometheusSpec.retention).toBe('10d');
    const strimzi = chartDefaults('strimzi-kafka-operator', '1.2.0') as { serviceAccountCreate: unknown };
    expect(strimzi.serviceAccountCreate).toBe(true); // `yes` is a boolean for Helm
    expect(chartDefaults('kserve-crd', 'v0.20.0')).toEqual({}); // empty values.yaml
  });

  it('honours LOOM_SHARED_DIR', () => {
    const saved = process.env.LOOM_SHARED_DIR;
    try {
      process.env.LOOM_SHARED_DIR = path.join(sharedDir(), 'does-not-exist');
      expect(sharedDir()).toMatch(/does-not-exist$/);
      expect(() => chartDefaults(...KPS)).toThrow(/No stored values\.yaml/);
    } finally {
      if (saved === undefined) delete process.env.LOOM_SHARED_DIR;
      else process.env.LOOM_SHARED_DIR = saved;
    }
  });

  it('throws for a chart version that is not stored', () => {
    expect(() => chartDefaults('kube-prometheus-stack', '1.0.0')).toThrow(/stored versions: 88\.5\.3/);
  });
});

describe('unknownValuesKeys', () => {
  it('accepts a correct nested key', () => {
    expect(unknownValuesKeys(...KPS, { prometheus: { prometheusSpec: { retention: '15d', retentionSize: '40GB' } } })).toEqual([]);
  });

  it('reports a misspelled key with its full path', () => {
    expect(unknownValuesKeys(...KPS, { prometheus: { prometheusSpec: { retension: '15d', retention: '15d' } } })).toEqual([
      'prometheus.prometheusSpec.retension',
    ]);
  });

  it('checks subchart keys against the pinned dependency version', () => {
    const values = {
      grafana: { enabled: true, adminUser: 'root', admin: { existingSecret: 'grafana-admin' }, persistence: { enabled: true, size: '10Gi' } },
      'kube-state-metrics': { replicas: 2, metricLabelsAllowlist: ['pods=[*]'] },
      'prometheus-node-exporter': { hostNetwork: true },
      'prometheus-windows-exporter': { releaseLabel: true }, // dependency version `0.12.*` -> stored 0.12.8
    };
    expect(unknownValuesKeys(...KPS, values)).toEqual([]);
    expect(unknownValuesKeys(...KPS, { grafana: { persistance: { enabled: true } }, 'kube-state-metrics': { replica: 2 } })).toEqual([
      'grafana.persistance',
      'kube-state-metrics.replica',
    ]);
  });

  it('accepts keys documented as commented-out YAML (grafana adminPassword, serviceAccount.annotations)', () => {
    // grafana 12.11.1 ships `# adminPassword: strongpassword` and `  #  annotations:` under serviceAccount.
    const values = { grafana: { adminPassword: 'x', serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn' } } } };
    expect(unknownValuesKeys(...KPS, values)).toEqual([]);
    expect(unknownValuesKeys(...KPS, values, { includeCommented: false })).toEqual(['grafana.adminPassword', 'grafana.serviceAccount.annotations']);
    expect(unknownValuesKeys(...KPS, { grafana: { adminPasword: 'x' } })).toEqual(['grafana.adminPasword']);
  });

  it('checks bundled subcharts and skips dependencies whose values were not collected', () => {
    const gpu = ['gpu-operator', 'v26.7.0'] as const;
    expect(unknownValuesKeys(...gpu, { 'node-feature-discovery': { worker: { tolerations: [] }, gc: { enable: false } } })).toEqual([]);
    expect(unknownValuesKeys(...gpu, { 'node-feature-discovery': { wroker: {} } })).toEqual(['node-feature-discovery.wroker']);
    // mlflow's bitnami postgresql subchart is not stored: its keys cannot be checked, so they pass.
    expect(unknownValuesKeys('mlflow', '1.11.5', { postgresql: { enabled: true, auth: { database: 'mlflow' } } })).toEqual([]);
  });

  it('accepts anything under free-form maps, `{}` defaults and null defaults', () => {
    const values = {
      prometheus: {
        prometheusSpec: {
          podMetadata: { labels: { team: 'ml' } }, // podMetadata: {}
          externalLabels: { cluster: 'loom' }, // *Labels suffix
          resources: { requests: { cpu: '1', memory: '4Gi' } },
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          storageSpec: { volumeClaimTemplate: { spec: { storageClassName: 'gp3', resources: { requests: { storage: '100Gi' } } } } },
          additionalScrapeConfigs: [{ job_name: 'x' }],
        },
      },
      grafana: {
        'grafana.ini': { server: { root_url: 'https://grafana.example.com' } },
        serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/x' } },
      },
    };
    expect(unknownValuesKeys(...KPS, values)).toEqual([]);
  });

  it('still requires the free-form key itself to exist', () => {
    expect(unknownValuesKeys(...KPS, { prometheus: { prometheusSpec: { podAnotations: { a: 'b' } } } })).toEqual([
      'prometheus.prometheusSpec.podAnotations',
    ]);
  });

  it('checks global keys against the parent and all stored subcharts', () => {
    expect(unknownValuesKeys(...KPS, { global: { imageRegistry: 'registry.example.com', imagePullSecrets: [] } })).toEqual([]);
    expect(unknownValuesKeys(...KPS, { global: { imageRegistery: 'x' } })).toEqual(['global.imageRegistery']);
  });

  it('does not descend into arrays and reports keys below scalar defaults', () => {
    expect(unknownValuesKeys(...CERT_MANAGER, { extraArgs: ['--v=2'], crds: { enabled: true } })).toEqual([]);
    expect(unknownValuesKeys(...CERT_MANAGER, { replicaCount: { value: 2 } })).toEqual(['replicaCount.value']);
  });

  it('returns sorted, de-duplicated paths', () => {
    const out = unknownValuesKeys(...KPS, { zzz: 1, aaa: 1, alertmanager: { enabledd: true } });
    expect(out).toEqual(['aaa', 'alertmanager.enabledd', 'zzz']);
  });
});

describe('valuesSchemaErrors', () => {
  it('accepts cert-manager crds.enabled', () => {
    expect(valuesSchemaErrors(...CERT_MANAGER, { crds: { enabled: true, keep: true } })).toEqual([]);
  });

  it('rejects an unknown cert-manager top-level key (additionalProperties: false)', () => {
    const errors = valuesSchemaErrors(...CERT_MANAGER, { installCRD: true });
    expect(errors).toEqual(['/: unknown field "installCRD"']);
  });

  it('rejects a wrong type', () => {
    expect(valuesSchemaErrors(...CERT_MANAGER, { crds: { enabled: 'yes' } })).toEqual(['/crds/enabled: must be boolean']);
  });

  it('passes the chart defaults of every chart that ships a schema', () => {
    for (const [chart, version] of [CERT_MANAGER, ['mlflow', '1.11.5'], ['loki', '18.11.0'], ['loki', '7.3.0'], ['gpu-operator', 'v26.7.0']]) {
      expect(valuesSchemaErrors(chart, version, {}), `${chart} ${version}`).toEqual([]);
    }
  });

  it('rejects unknown mlflow keys and validates coalesced values', () => {
    expect(valuesSchemaErrors('mlflow', '1.11.5', { replicas: 2 })).toEqual(['/: unknown field "replicas"']);
    expect(valuesSchemaErrors('mlflow', '1.11.5', { replicaCount: 2 })).toEqual([]);
  });

  it('returns [] when the chart has no schema', () => {
    expect(valuesSchemaErrors(...KPS, { anything: { goes: true } })).toEqual([]);
  });
});

const resourceFlavor = {
  apiVersion: 'kueue.x-k8s.io/v1beta2',
  kind: 'ResourceFlavor',
  metadata: { name: 'gpu-a100' },
  spec: {
    nodeLabels: { 'node.kubernetes.io/instance-type': 'p4d.24xlarge' },
    nodeTaints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  },
};

const clusterQueue = {
  apiVersion: 'kueue.x-k8s.io/v1beta2',
  kind: 'ClusterQueue',
  metadata: { name: 'ml-training' },
  spec: {
    namespaceSelector: {},
    cohortName: 'ml',
    resourceGroups: [
      {
        coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
        flavors: [
          {
            name: 'gpu-a100',
            resources: [
              { name: 'cpu', nominalQuota: 96 },
              { name: 'memory', nominalQuota: '1152Gi' },
              { name: 'nvidia.com/gpu', nominalQuota: 8, borrowingLimit: '0' },
            ],
          },
        ],
      },
    ],
  },
};

describe('customResourceErrors', () => {
  it('lists the stored CRDs with their served versions', () => {
    const crds = storedCrds();
    const cq = crds.find((c) => c.kind === 'ClusterQueue');
    expect(cq).toMatchObject({ group: 'kueue.x-k8s.io', versions: ['v1beta1', 'v1beta2'] });
    expect(fs.existsSync(cq!.file)).toBe(true);
    expect(crds.map((c) => c.kind)).toEqual(expect.arrayContaining(['NodePool', 'EC2NodeClass', 'KafkaNodePool', 'ServiceMonitor']));
  });

  it('accepts a valid Kueue ResourceFlavor and ClusterQueue (v1beta2)', () => {
    expect(customResourceErrors(resourceFlavor)).toEqual([]);
    expect(customResourceErrors(clusterQueue)).toEqual([]);
  });

  it('rejects a misspelled ClusterQueue field (strict field validation)', () => {
    const { resourceGroups, ...rest } = clusterQueue.spec;
    const bad = { ...clusterQueue, spec: { ...rest, resourceGroup: resourceGroups } };
    expect(customResourceErrors(bad)).toEqual(['/spec: unknown field "resourceGroup"']);
  });

  it('rejects unknown fields deep inside list items', () => {
    const bad = structuredClone(clusterQueue);
    (bad.spec.resourceGroups[0]!.flavors[0]!.resources[0] as Record<string, unknown>).nominalQuata = 1;
    expect(customResourceErrors(bad)).toContain('/spec/resourceGroups/0/flavors/0/resources/0: unknown field "nominalQuata"');
  });

  it('rejects wrong types and bad quantities', () => {
    const bad = structuredClone(clusterQueue) as unknown as { spec: { resourceGroups: Array<Record<string, unknown>> } };
    bad.spec.resourceGroups[0]!.coveredResources = 'cpu';
    const errors = customResourceErrors(bad as unknown as Record<string, unknown>);
    expect(errors).toContain('/spec/resourceGroups/0/coveredResources: must be array');

    const badQuota = structuredClone(clusterQueue);
    (badQuota.spec.resourceGroups[0]!.flavors[0]!.resources[0] as Record<string, unknown>).nominalQuota = true;
    expect(customResourceErrors(badQuota)).toEqual(['/spec/resourceGroups/0/flavors/0/resources/0/nominalQuota: must be an integer or a string']);

    const badPattern = structuredClone(clusterQueue);
    (badPattern.spec.resourceGroups[0]!.flavors[0]!.resources[1] as Record<string, unknown>).nominalQuota = '10 GiB';
    expect(customResourceErrors(badPattern)[0]).toMatch(/^\/spec\/resourceGroups\/0\/flavors\/0\/resources\/1\/nominalQuota: must match pattern/);
  });

  it('reports missing required fields and bad metadata', () => {
    const bad = structuredClone(clusterQueue);
    delete (bad.spec.resourceGroups[0] as Partial<(typeof bad.spec.resourceGroups)[0]>).flavors;
    expect(customResourceErrors(bad)).toEqual(["/spec/resourceGroups/0: must have required property 'flavors'"]);
    expect(customResourceErrors({ ...resourceFlavor, metadata: { name: 'GPU_A100', labelz: {} } })).toEqual([
      '/metadata: unknown field "labelz"',
      '/metadata/name: "GPU_A100" must be a lowercase DNS subdomain (RFC 1123)',
    ]);
    expect(customResourceErrors({ ...resourceFlavor, extra: 1 })).toEqual(['/: unknown field "extra"']);
  });

  it('throws when the CRD (or that version) is not stored', () => {
    expect(() => customResourceErrors({ ...clusterQueue, apiVersion: 'kueue.x-k8s.io/v1alpha1' })).toThrow(/No stored CRD/);
    expect(() => customResourceErrors({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toThrow(/No stored CRD/);
  });

  it('validates the served v1beta1 ClusterQueue schema, which differs', () => {
    // v1beta1 calls the cohort `cohort`; v1beta2 renamed it to `cohortName`.
    const { cohortName, ...rest } = clusterQueue.spec;
    const v1beta1 = { ...clusterQueue, apiVersion: 'kueue.x-k8s.io/v1beta1', spec: { ...rest, cohort: cohortName } };
    expect(customResourceErrors(v1beta1)).toEqual([]);
    expect(customResourceErrors({ ...clusterQueue, apiVersion: 'kueue.x-k8s.io/v1beta1' })).toEqual(['/spec: unknown field "cohortName"']);
  });

  it('accepts a minimal Karpenter NodePool v1 and EC2NodeClass v1', () => {
    const nodePool = {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'gpu' },
      spec: {
        template: {
          metadata: { labels: { 'loom.dev/pool': 'gpu' } },
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
            requirements: [
              { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
              { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g5.xlarge', 'g5.2xlarge'] },
            ],
            taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
            expireAfter: '720h',
          },
        },
        limits: { cpu: '1000', 'nvidia.com/gpu': 16 },
        disruption: { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '1m' },
      },
    };
    expect(customResourceErrors(nodePool)).toEqual([]);

    const nodeClass = {
      apiVersion: 'karpenter.k8s.aws/v1',
      kind: 'EC2NodeClass',
      metadata: { name: 'default' },
      spec: {
        role: 'KarpenterNodeRole-loom',
        amiSelectorTerms: [{ alias: 'al2023@latest' }],
        subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'loom' } }],
        securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'loom' } }],
        blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '100Gi', volumeType: 'gp3', encrypted: true } }],
      },
    };
    expect(customResourceErrors(nodeClass)).toEqual([]);

    const { subnetSelectorTerms: _omit, ...noSubnets } = nodeClass.spec;
    expect(customResourceErrors({ ...nodeClass, spec: noSubnets })).toEqual(["/spec: must have required property 'subnetSelectorTerms'"]);
    const { nodeClassRef: _ref, ...noRef } = nodePool.spec.template.spec;
    expect(customResourceErrors({ ...nodePool, spec: { ...nodePool.spec, template: { spec: noRef } } })).toEqual([
      "/spec/template/spec: must have required property 'nodeClassRef'",
    ]);
  });

  it('accepts a Strimzi KafkaNodePool v1 and rejects a wrong role', () => {
    const pool = {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaNodePool',
      metadata: { name: 'dual-role', namespace: 'kafka', labels: { 'strimzi.io/cluster': 'events' } },
      spec: {
        replicas: 3,
        roles: ['controller', 'broker'],
        storage: { type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: '100Gi', deleteClaim: false, kraftMetadata: 'shared' }] },
        resources: { requests: { cpu: '1', memory: '4Gi' } },
      },
    };
    expect(customResourceErrors(pool)).toEqual([]);
    const bad = { ...pool, spec: { ...pool.spec, roles: ['leader'] } };
    expect(customResourceErrors(bad)).toEqual(['/spec/roles/0: must be one of ["controller","broker"]']);
  });

  // Compiling a CRD's schema costs up to seconds (Argo's four ≈ 12 s): compiled here are the kinds
  // Loom writes, each of which its component's tests also validate objects against; the others
  // are compiled on first use.
  const WRITTEN = new Set(['NodePool', 'EC2NodeClass', 'ResourceFlavor', 'ClusterQueue', 'LocalQueue', 'SecretStore', 'ExternalSecret', 'Cluster', 'InferenceService', 'ClusterServingRuntime', 'Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser', 'WorkflowTemplate', 'PodMonitor', 'ServiceMonitor']);
  it('compiles every stored version of each CRD Loom writes objects of, and holds versions for every other', { timeout: 120_000 }, () => {
    let compiled = 0;
    for (const crd of storedCrds()) {
      expect(crd.versions.length, `${crd.group} ${crd.kind}`).toBeGreaterThan(0);
      if (!WRITTEN.has(crd.kind)) continue;
      for (const version of crd.versions) {
        // an empty spec: the point is that the schema compiles and validates
        const errors = customResourceErrors({ apiVersion: `${crd.group}/${version}`, kind: crd.kind, metadata: { name: 'x' }, spec: {} });
        expect(Array.isArray(errors)).toBe(true);
        compiled++;
      }
    }
    expect(compiled).toBeGreaterThanOrEqual(WRITTEN.size);
  });
});
