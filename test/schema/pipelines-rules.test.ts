/**
 * The rules of the pipelines component (issue 11, Validation): object storage for build on
 * existing clusters (and the Secret its workflows read there), Kueue capacity on an existing batch
 * cluster, the names it derives within the clouds' limits, and the rules every component shares
 * (buy where it cannot be, a cluster of the wrong flavour) as they apply to pipelines.
 */
import { platformSchema } from '../../schema/schema';
import { describe, expect, it } from 'vitest';
import type { SpecIssue } from '../../schema';
import { checkPipelinesRules, PIPELINES_NAME_LIMITS, PIPELINES_STORES, pipelinesNameProblems, pipelinesNames } from '../../schema/pipelines-rules';
import { STORE_NAME_LIMITS } from '../../plan/stores';
import { awsSpec, gcpSpec, issue, k8sSpec, onlyError, valid, type Spec } from './fixtures';

const STORE = { endpoint: 'https://s3.dc1.example.internal', bucket: 'ml-platform', credentialsSecret: 'dc1-object-storage' };
const CAPACITY = [{ name: 'cpu', nodeLabels: { 'node.dc1.example/group': 'cpu' }, nodes: 4, cpu: 32, memoryGiB: 128 }];
/** The on-premises spec, its batch cluster describing its nodes. */
const onprem = (overrides: Spec = {}): Spec => {
  const spec = k8sSpec(overrides);
  spec.clusters[1].existing = { ...spec.clusters[1].existing, capacity: CAPACITY };
  return spec;
};

/** What `checkPipelinesRules` reports for a spec of the schema's shape (also run by `checkRules`). */
function pipelinesIssues(input: Spec): { errors: SpecIssue[]; warnings: SpecIssue[] } {
  const spec = platformSchema.parse(input);
  const errors: SpecIssue[] = [];
  const warnings: SpecIssue[] = [];
  checkPipelinesRules(spec, (path, message) => errors.push({ path, message }), (path, message) => warnings.push({ path, message }));
  return { errors, warnings };
}

describe('rules every component shares, for pipelines', () => {
  it('pipelines on a microservice or streaming cluster is refused: it runs on batch clusters', () => {
    expect(onlyError(awsSpec({ components: { pipelines: { mode: 'build', cluster: 'apps' } } }))).toEqual({
      path: 'components.pipelines.cluster',
      message: "'apps' is a microservice cluster; pipelines runs on batch clusters",
    });
    expect(onlyError(awsSpec({ components: { pipelines: { mode: 'build', cluster: 'events' } } }))).toEqual(issue('components.pipelines.cluster', "'events' is a streaming cluster"));
  });

  it('built without a batch cluster to default to, pipelines is refused; bought, it needs none', () => {
    const noBatch = awsSpec({ components: { pipelines: { mode: 'build' } } });
    noBatch.clusters.splice(2, 1);
    expect(onlyError(noBatch)).toEqual({ path: 'components.pipelines.cluster', message: 'no batch cluster to run pipelines on; add one or name a cluster' });
    const bought = awsSpec({ components: { pipelines: { mode: 'buy' } } });
    bought.clusters.splice(2, 1);
    expect(pipelinesIssues(bought)).toEqual({ errors: [], warnings: [] });
  });

  it('buy is refused on cloud: kubernetes, and this file adds nothing to it', () => {
    const spec = onprem({ objectStorage: STORE, components: { pipelines: { mode: 'buy' } } });
    expect(onlyError(spec)).toEqual(issue('components.pipelines.mode', 'buy is not available with cloud: kubernetes'));
  });

  it('a pipelines component the schema refuses a key of is refused', () => {
    expect(onlyError(awsSpec({ components: { pipelines: { mode: 'build', replicas: 2 } } })).path).toMatch(/^components\.pipelines/);
  });
});

describe('build on existing clusters', () => {
  it('needs the data centre’s object store for its artifacts', () => {
    expect(pipelinesIssues(onprem({ components: { pipelines: { mode: 'build' } } })).errors).toEqual([issue('components.pipelines', "keeps Argo Workflows' artifacts in object storage")]);
  });

  it('with it, warns that the workflows read its keys from a Secret in loom-workloads', () => {
    const { errors, warnings } = pipelinesIssues(onprem({ objectStorage: STORE, components: { pipelines: { mode: 'build' } } }));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([issue('objectStorage.credentialsSecret', "create 'dc1-object-storage' in loom-workloads too")]);
  });

  it('refuses a batch cluster without existing.capacity: Kueue has no LocalQueue there, so workflows would never start', () => {
    const spec = k8sSpec({ objectStorage: STORE, components: { pipelines: { mode: 'build' } } });
    expect(pipelinesIssues(spec).errors).toEqual([issue('components.pipelines', "LocalQueue of loom-workloads on 'gpu'")]);
    expect(pipelinesIssues(spec).errors[0]!.message).toContain('clusters[1].existing.capacity');
  });

  it('bought or built on a cloud, neither object storage nor capacity is asked for', () => {
    expect(pipelinesIssues(awsSpec({ components: { pipelines: { mode: 'build' } } }))).toEqual({ errors: [], warnings: [] });
    expect(pipelinesIssues(gcpSpec({ components: { pipelines: { mode: 'buy' } } }))).toEqual({ errors: [], warnings: [] });
  });
});

describe('derived names', () => {
  it('derives the archive, identities, execution role and template repository from the platform’s name', () => {
    const names = pipelinesNames('acme');
    expect(names).toMatchObject({
      databaseInstance: 'acme-argo',
      cloudNativePgCluster: 'argo',
      identities: { controller: { iamRole: 'acme-argo-controller', gcpServiceAccount: 'acme-argo-controller' }, workflows: { iamRole: 'acme-argo-workflows' } },
      sagemakerExecutionRole: 'acme-sagemaker-pipelines',
      vertexRunServiceAccount: 'acme-pipelines',
      templateRepository: 'acme-pipelines',
    });
    expect(PIPELINES_STORES).toMatchObject({ store: 'argo', serviceAccount: 'argo-workflows-controller', database: { name: 'argo', username: 'argo' }, objectStore: { purpose: 'argo-artifacts' }, keyValue: false });
  });

  it('shortens identities to the clouds’ limits, so a valid platform name never exceeds them', () => {
    const long = 'a-platform-name-of-twenty'.slice(0, 20);
    const names = pipelinesNames(long);
    for (const id of Object.values(names.identities)) {
      expect(id.gcpServiceAccount.length).toBeLessThanOrEqual(PIPELINES_NAME_LIMITS.gcpServiceAccount);
      expect(id.iamRole.length).toBeLessThanOrEqual(PIPELINES_NAME_LIMITS.iamRole);
    }
    expect(names.identities.controller.gcpServiceAccount).not.toBe(names.identities.server.gcpServiceAccount);
    expect(names.vertexRunServiceAccount.length).toBeLessThanOrEqual(30);
    for (const cloud of ['aws', 'gcp', 'kubernetes'] as const) for (const mode of ['build', 'buy'] as const) expect(pipelinesNameProblems(cloud, mode, long)).toEqual([]);
  });

  it('reports a derived database instance or template repository over its limit', () => {
    const huge = `p${'x'.repeat(70)}`;
    expect(pipelinesNameProblems('aws', 'build', huge)).toEqual([
      expect.objectContaining({ what: 'RDS instance identifier', name: `${huge}-argo`, limit: STORE_NAME_LIMITS.rdsIdentifier, message: expect.stringMatching(/^derived RDS instance identifier '.+' is 76 characters, over the limit of 63; shorten the platform name \(name\)$/) }),
    ]);
    expect(pipelinesNameProblems('gcp', 'buy', huge).map((p) => p.what)).toEqual(['Artifact Registry repository id of pipeline templates']);
    expect(pipelinesNameProblems('aws', 'buy', huge)).toEqual([]);
  });
});
