/**
 * Loom's own chart for custom resources (`charts/loom-resources`) and the construct that releases
 * it: found from the sources (and from dist/), shipped into the stack's directory as an asset, its
 * values holding the objects (also those added after construction), validated by its schema.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { App, TerraformStack } from '../../constructs/core/cdk';
import { CustomResources, loomResourcesChartDir } from '../../constructs/addons/release';
import { loomResourcesValuesErrors } from '../helpers/charts';
import { readStacks } from '../helpers/synth';

const flavour = (name: string) => ({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ResourceFlavor', metadata: { name }, spec: { nodeLabels: { pool: name } } });

describe('the loom-resources chart', () => {
  it('is found in the package and renders each item of .Values.resources as one document, statically', () => {
    const dir = loomResourcesChartDir();
    expect((parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as any).name).toBe('loom-resources');
    expect(readFileSync(join(dir, 'templates', 'resources.yaml'), 'utf8')).toBe('{{- range .Values.resources }}\n---\n{{ toYaml . }}\n{{- end }}\n');
  });

  it('takes only a list of objects with apiVersion, kind and a named metadata (its values.schema.json)', () => {
    expect(loomResourcesValuesErrors({ resources: [flavour('cpu')] })).toEqual([]);
    expect(loomResourcesValuesErrors({ resources: [{ kind: 'ResourceFlavor', metadata: {} }] })).toEqual(
      expect.arrayContaining(["/resources/0: must have required property 'apiVersion'", "/resources/0/metadata: must have required property 'name'"]),
    );
    expect(loomResourcesValuesErrors({ resource: [] })).toEqual(['/: unknown field "resource"']);
  });
});

describe('CustomResources', () => {
  it('ships the chart with the stack and releases every object, also those added later, after what it depends on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-cr-'));
    try {
      const app = new App({ outdir: dir });
      const stack = new TerraformStack(app, 's');
      new HelmProvider(stack, 'helm', {});
      const first = new CustomResources(stack, 'First', { releaseName: 'loom-first', namespace: 'loom-system', manifests: [flavour('cpu')] });
      first.add(flavour('gpu'));
      const second = new CustomResources(stack, 'Second', { releaseName: 'loom-second', namespace: 'loom-system', dependsOn: [first.resource] });
      expect(() => first.add(flavour('cpu'))).toThrow(/already has kueue\.x-k8s\.io\/v1beta2 ResourceFlavor \/cpu/);
      app.synth();
      const json = readStacks(dir).s!;
      const releases = Object.values(json.resource!.helm_release!) as any[];
      const byName = new Map(releases.map((r) => [r.name, r]));
      expect((parse(byName.get('loom-first').values[0]) as any).resources.map((m: any) => m.metadata.name)).toEqual(['cpu', 'gpu']);
      expect(parse(byName.get('loom-second').values[0])).toEqual({ resources: [] });
      expect(byName.get('loom-second').depends_on).toEqual([expect.stringMatching(/^helm_release\.First_/)]);
      // One asset per stack, named by both releases, relative to the stack directory where Terraform runs.
      expect(byName.get('loom-first').chart).toBe(byName.get('loom-second').chart);
      expect(existsSync(join(dir, 'stacks', 's', byName.get('loom-first').chart, 'Chart.yaml'))).toBe(true);
      expect(byName.get('loom-first').repository).toBeUndefined();
      void second;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
