/**
 * `loom maturity`: the level on the ladder from a table of specs (every example among them), what
 * each level has and misses, the step to add next, and the command's text and JSON.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loom } from '../helpers/cli';
import { formatMaturity, MATURITY_LADDER, platformMaturity } from '../../plan/maturity';
import { specFrom, specFromFile } from '../helpers/synth';
import { awsSpec } from '../schema/fixtures';

const examples = join(__dirname, '..', '..', 'examples');
const example = (file: string) => specFromFile(join(examples, file));
/** The schema fixture's three-flavour AWS platform (a GPU pool on its batch cluster) with these components and state. */
const withComponents = (components: Record<string, unknown>, state: Record<string, unknown> = { backend: 's3', bucket: 'acme-tfstate' }) => specFrom(awsSpec({ components, state }));

const ALL = {
  experimentTracking: { mode: 'build' },
  registry: { mode: 'buy' },
  pipelines: { mode: 'buy' },
  serving: { mode: 'buy' },
  monitoring: { mode: 'buy' },
  featureStore: { mode: 'buy' },
};

describe('the maturity ladder', () => {
  it.each([
    ['aws-minimal.yaml (no component)', () => example('aws-minimal.yaml'), 0, 'experimentTracking'],
    ['aws-buy-everything.yaml (no batch cluster)', () => example('aws-buy-everything.yaml'), 3, 'gpuScheduling'],
    ['aws-platform.yaml', () => example('aws-platform.yaml'), 4, undefined],
    ['gcp-platform.yaml', () => example('gcp-platform.yaml'), 4, undefined],
    ['onprem-sovereign.yaml (existing GPUs, S3-compatible state)', () => example('onprem-sovereign.yaml'), 4, undefined],
    ['tracking without a registry', () => withComponents({ experimentTracking: { mode: 'build' } }), 0, 'registry'],
    ['L1 and L3 without pipelines', () => withComponents({ ...ALL, pipelines: undefined }), 1, 'pipelines'],
    ['everything but serving', () => withComponents({ ...ALL, serving: undefined }), 2, 'serving'],
    ['everything, local state', () => withComponents(ALL, { backend: 'local' }), 3, 'ciCd'],
    ['everything', () => withComponents(ALL), 4, undefined],
  ] as const)('%s: level %s, next %s', (_name, spec, level, next) => {
    const report = platformMaturity(spec());
    expect(report.level).toBe(level);
    expect(report.next?.component).toBe(next);
  });

  it('is at the highest level met with every level below it, and names each level’s steps', () => {
    const report = platformMaturity(withComponents({ ...ALL, pipelines: undefined }));
    expect(report.levels.map((l) => [l.level, l.met])).toEqual([
      [1, true],
      [2, false],
      [3, true],
      [4, true],
    ]);
    expect(report.levels[0]).toMatchObject({ have: ['experimentTracking (build)', 'registry (buy)'], missing: [] });
    expect(report.levels[1]).toMatchObject({ name: 'pipeline automation', have: [], missing: ['pipelines'] });
    expect(report.levels[3]!.have).toEqual(['featureStore (buy)', "gpuScheduling (batch cluster 'training', queued by Kueue)", 'ciCd (s3 state: planned and applied from CI, loom ci github)']);
    expect(report.next!.why).toMatch(/^L2 \(pipeline automation\) needs it: /);
  });

  it('counts GPU scheduling only on a batch cluster with GPUs', () => {
    const spec = awsSpec({ components: ALL, state: { backend: 's3', bucket: 'acme-tfstate' } });
    const training = spec.clusters.find((c: { name: string }) => c.name === 'training');
    training.nodePools = training.nodePools.filter((p: { gpu?: unknown }) => !p.gpu);
    const report = platformMaturity(specFrom(spec));
    expect(report.levels[3]!.missing).toEqual(['gpuScheduling']);
    expect(report.level).toBe(3);
  });

  it('covers the field’s four levels, each step once', () => {
    expect(MATURITY_LADDER.map((r) => r.level)).toEqual([1, 2, 3, 4]);
    const ids = MATURITY_LADDER.flatMap((r) => r.steps.map((s) => s.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['experimentTracking', 'registry', 'pipelines', 'serving', 'monitoring', 'featureStore', 'gpuScheduling', 'ciCd']));
  });
});

describe('loom maturity', () => {
  it('prints the level, every level with what it has and misses, and the next step', () => {
    const { code, stdout } = loom('maturity', join(examples, 'aws-buy-everything.yaml'));
    expect(code).toBe(0);
    expect(stdout).toBe(formatMaturity('smallco', platformMaturity(example('aws-buy-everything.yaml'))));
    expect(stdout.split('\n')[0]).toBe('smallco: level 3 of 4');
    expect(stdout).toMatch(/^ {2}L4 feature store, GPU scheduling, CI\/CD for ML: not met$/m);
    expect(stdout).toMatch(/^next: gpuScheduling — L4 /m);
  });

  it('prints the JSON contract: { level, levels: [{ level, met, have, missing }], next: { component, why } }', () => {
    const { code, stdout } = loom('maturity', join(examples, 'aws-minimal.yaml'), '--format', 'json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.level).toBe(0);
    expect(json.levels).toHaveLength(4);
    for (const l of json.levels) expect(Object.keys(l).sort()).toEqual(['have', 'level', 'met', 'missing', 'name']);
    expect(json.next).toEqual({ component: 'experimentTracking', why: expect.stringMatching(/^L1 \(experiment tracking \+ version control\) needs it: /) });
    const top = JSON.parse(loom('maturity', join(examples, 'aws-platform.yaml'), '--format', 'json').stdout);
    expect(top.level).toBe(4);
    expect(top.next).toBeUndefined();
  });

  it('refuses an unknown format as a usage error', () => {
    expect(loom('maturity', join(examples, 'aws-minimal.yaml'), '--format', 'yaml').code).toBe(2);
  });
});
