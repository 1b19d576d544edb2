/**
 * Every problem at once, sorted by path, formatted as `<path>: <message>`; and reading specs from
 * YAML or JSON text and from files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  formatIssues,
  formatPath,
  loadSpecFile,
  parseSpecText,
  sortIssues,
  SpecInputError,
  SpecValidationError,
  validateSpec,
} from '../../schema';
import { awsSpec, errorsOf, lines, valid } from './fixtures';

describe('many errors at once', () => {
  it('reports every cross-field problem in one pass, sorted by path', () => {
    // GIVEN a prod spec with a dozen independent mistakes
    const spec = awsSpec({
      environment: 'prod',
      gcpProject: 'acme-ml-prod',
      state: { backend: 's3', bucket: 'acme-tfstate' },
      network: { cidr: '10.0.0.1/16', zones: 3 },
      dataResidency: { managedServices: 'forbidden', allowedRegions: ['eu-west-1'] },
      components: { registry: { mode: 'buy' }, pipelines: { mode: 'build', cluster: 'apps' }, serving: { mode: 'build', cluster: 'ap' } },
    });
    spec.clusters[0].nodePools[0].minNodes = 1;
    spec.clusters[0].nodePools[0].spot = true;
    spec.clusters[0].endpoint = { publicAccessCidrs: ['0.0.0.0/0'] };
    spec.clusters[1].nodePools[0].maxNodes = 2;
    spec.clusters[1].singleZone = { reason: 'brokers in one zone to save cost' };
    spec.clusters[2].nodePools[1].gpu.type = 'nvidia-l4';
    spec.clusters[2].nodePools[0].machineTypes = ['n2-standard-8'];

    // THEN each one is listed with its path and fix
    expect(formatIssues(errorsOf(spec))).toMatchInlineSnapshot(`
      "clusters[0].endpoint.publicAccessCidrs[0]: must not open the API endpoint to the whole internet; list your office or VPN ranges
      clusters[0].nodePools[0].minNodes: must be >= 2 for microservice pools in prod (a node loss must not take services down), got 1
      clusters[0].nodePools[0].spot: microservice clusters run on on-demand capacity only; remove spot (spot is for batch pools)
      clusters[1].nodePools[0].maxNodes: must be >= minNodes (3), got 2; raise maxNodes or lower minNodes
      clusters[1].singleZone: only batch clusters may sit in one zone; streaming clusters spread over zones
      clusters[2].nodePools[0].machineTypes[0]: 'n2-standard-8' is not an AWS machine type ('n2-standard-8' is a Google Cloud machine type); use a name like m7i.xlarge
      clusters[2].nodePools[1].machineTypes[0]: 'g5.xlarge' does not carry nvidia-l4 GPUs; use the g6 family
      components.pipelines.cluster: 'apps' is a microservice cluster; pipelines runs on batch clusters
      components.registry.mode: buy is not allowed: dataResidency.managedServices is forbidden, so every component must be build
      components.serving.cluster: no cluster named 'ap'; clusters are apps, events, training
      dataResidency.allowedRegions: does not contain the platform's region 'us-east-1'; add it or move the platform
      gcpProject: is only for cloud: gcp; remove it (cloud is 'aws')
      network.cidr: has host bits set; the network address is 10.0.0.0/16
      state: the state bucket's region 'us-east-1' is not in dataResidency.allowedRegions (eu-west-1); Terraform state holds the platform's endpoints and secrets: keep it in an allowed region"
    `);
  });

  it('reports every shape problem in one pass, sorted by path', () => {
    const spec = awsSpec({ name: 'Acme', cloud: 'azure', netwrk: {}, labels: { Team: 'ml' } });
    delete spec.clusters[0].flavour;
    spec.clusters[1].nodePools[0].minNodes = 1.5;
    spec.clusters[2].nodePools[1].gpu = { type: 'nvidia-a10', count: 0 };
    expect(formatIssues(errorsOf(spec))).toMatchInlineSnapshot(`
      "cloud: must be one of aws | gcp | kubernetes, got 'azure'
      clusters[0].flavour: is required: one of microservice | streaming | batch
      clusters[1].nodePools[0].minNodes: must be a whole number, got number 1.5
      clusters[2].nodePools[1].gpu.count: must be >= 1, got number 0
      clusters[2].nodePools[1].gpu.type: must be one of nvidia-t4 | nvidia-a10g | nvidia-l4 | nvidia-l40s | nvidia-v100 | nvidia-a100 | nvidia-a100-80gb | nvidia-h100 | nvidia-h200, got 'nvidia-a10'; did you mean 'nvidia-a10g'?
      labels.Team: label keys must be lowercase, start with a letter, and use only letters, digits, _ and - (at most 63 characters), got 'Team'
      name: must be a lowercase DNS label: letters, digits and hyphens, starting with a letter, got 'Acme'
      netwrk: unknown key; did you mean 'network'?"
    `);
  });

  it('sorts paths numerically: clusters[2] before clusters[10]', () => {
    // GIVEN twelve small clusters with a problem in clusters[10] and clusters[2]
    const stream = (i: number) => ({
      name: `s${i}`,
      flavour: 'streaming',
      nodePools: [{ name: 'brokers', machineTypes: ['r7i.xlarge'], minNodes: 3, maxNodes: 6 }],
    });
    const spec = awsSpec({ clusters: Array.from({ length: 12 }, (_, i) => stream(i)) });
    spec.clusters[10].nodePools[0].maxNodes = 1;
    spec.clusters[2].nodePools[0].maxNodes = 2;
    spec.clusters[1].nodePools[0].spot = true;
    // THEN
    expect(errorsOf(spec).map((i) => i.path)).toEqual([
      'clusters[1].nodePools[0].spot',
      'clusters[2].nodePools[0].maxNodes',
      'clusters[10].nodePools[0].maxNodes',
    ]);
  });

  it('sortIssues orders by path (numeric indexes), then message, and drops exact duplicates', () => {
    const issues = [
      { path: 'name', message: 'b' },
      { path: 'clusters[10].name', message: 'x' },
      { path: 'clusters[2].nodePools[11].maxNodes', message: 'x' },
      { path: 'clusters[2].nodePools[3].maxNodes', message: 'x' },
      { path: 'clusters', message: 'x' },
      { path: 'name', message: 'a' },
      { path: 'name', message: 'a' },
    ];
    expect(lines(sortIssues(issues))).toEqual([
      'clusters: x',
      'clusters[2].nodePools[3].maxNodes: x',
      'clusters[2].nodePools[11].maxNodes: x',
      'clusters[10].name: x',
      'name: a',
      'name: b',
    ]);
  });

  it('formatPath renders indexes in brackets and the root as (root)', () => {
    expect(formatPath(['clusters', 1, 'nodePools', 0, 'maxNodes'])).toBe('clusters[1].nodePools[0].maxNodes');
    expect(formatPath([])).toBe('(root)');
  });

  it('SpecValidationError carries the issues and prints one per line', () => {
    const error = new SpecValidationError([{ path: 'b', message: 'two' }, { path: 'a', message: 'one' }], 'platform.yaml');
    expect(error.message).toBe('platform.yaml is not valid:\na: one\nb: two');
  });
});

describe('parseSpecText', () => {
  it('parses YAML and JSON to the same data', () => {
    const data = awsSpec();
    const fromYaml = parseSpecText(stringify(data));
    const fromJson = parseSpecText(JSON.stringify(data, null, 2), 'platform.json');
    expect(fromYaml).toEqual(data);
    expect(fromJson).toEqual(data);
    valid(fromJson as Record<string, unknown>);
  });

  it('keeps unquoted YAML dates as strings (policy exception expiry)', () => {
    expect(parseSpecText('expires: 2027-03-01\n')).toEqual({ expires: '2027-03-01' });
  });

  it('a syntax error names the file, line and column', () => {
    const text = 'name: acme\ncloud: aws\nclusters: [\n  { name: apps\n';
    expect(() => parseSpecText(text, 'p.yaml')).toThrow(SpecInputError);
    expect(() => parseSpecText(text, 'p.yaml')).toThrow(/^p\.yaml:\d+:\d+: /);
  });

  it('a bad indentation error points at the line', () => {
    expect(() => parseSpecText('name: acme\ncloud: aws\n  region: us-east-1\n', 'p.yaml')).toThrow(/^p\.yaml:2:8: /);
  });

  it('a duplicate key is a syntax error at its line', () => {
    expect(() => parseSpecText('name: acme\nname: other\n', 'p.yaml')).toThrow('p.yaml:2:1: Map keys must be unique');
  });

  it('an empty file and a top-level list are input errors', () => {
    expect(() => parseSpecText('', 'p.yaml')).toThrow(/p\.yaml: the file is empty/);
    expect(() => parseSpecText('- a\n- b\n', 'p.yaml')).toThrow(/p\.yaml: the top level must be a mapping/);
  });
});

describe('loadSpecFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the default example', () => {
    const { spec, warnings } = loadSpecFile('examples/aws-platform.yaml');
    expect(spec.name).toBe('acme');
    expect(spec.clusters.map((c) => c.flavour)).toEqual(['microservice', 'streaming', 'batch']);
    expect(warnings).toEqual([]);
  });

  it('a missing file is an input error naming the file', () => {
    const file = join(dir, 'nope.yaml');
    expect(() => loadSpecFile(file)).toThrow(SpecInputError);
    expect(() => loadSpecFile(file)).toThrow(`${file}: cannot read the spec (no such file)`);
  });

  it('a directory is an input error', () => {
    expect(() => loadSpecFile(dir)).toThrow(/cannot read the spec \(is a directory\)/);
  });

  it('an invalid spec throws SpecValidationError with every issue, sourced to the file', () => {
    const file = join(dir, 'bad.yaml');
    const spec = awsSpec({ netwrk: {} });
    spec.clusters[0].nodePools[0].minNodes = 1.5;
    writeFileSync(file, stringify(spec));
    try {
      loadSpecFile(file);
      expect.fail('expected loadSpecFile to throw');
    } catch (e) {
      expect(e).toBeInstanceOf(SpecValidationError);
      expect((e as SpecValidationError).source).toBe(file);
      expect((e as SpecValidationError).issues.map((i) => i.path)).toEqual(['clusters[0].nodePools[0].minNodes', 'netwrk']);
    }
  });

  it('validateSpec returns warnings alongside a valid spec', () => {
    const result = validateSpec(awsSpec({ environment: 'prod', network: { zones: 3 } }));
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.path)).toEqual(['network.natGateways', 'state.backend']);
  });
});
