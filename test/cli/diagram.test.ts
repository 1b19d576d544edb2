/**
 * `loom diagram`: the SVG of every example parsed as XML and checked for every stack, cluster
 * (GPU pools marked), component (product and mode) and consumes-edge; boxes laid out without
 * overlapping; the README's picture is the default example's, as the command draws it now.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/main';
import { platformDiagram } from '../../cli/diagram';
import { resolvePlan } from '../../plan';
import { specFromFile } from '../helpers/synth';

const root = join(__dirname, '..', '..');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml')).sort();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** What consumes what, as the issue states it (independently of the component table). */
const CONSUMES: Record<string, string[]> = { serving: ['experimentTracking', 'registry', 'featureStore'], pipelines: ['experimentTracking', 'featureStore'] };
/** A few products by component and implementation, written out here. */
const PRODUCTS: Record<string, string> = {
  'experimentTracking build': 'MLflow',
  'serving build': 'KServe',
  'streaming build': 'Strimzi Kafka',
  'pipelines build': 'Argo Workflows',
  'registry build': 'Harbor',
  'aws registry buy': 'Amazon ECR',
  'aws streaming buy': 'Amazon MSK',
  'aws pipelines buy': 'SageMaker Pipelines',
  'gcp pipelines buy': 'Vertex AI Pipelines',
  'gcp experimentTracking buy': 'Vertex AI Experiments',
};

interface Element {
  readonly tag: string;
  readonly attrs: Record<string, string>;
  readonly children: Element[];
  /** The element's own text. */
  readonly text: string;
}

/** Every element of the SVG, depth first, with its attributes (fast-xml-parser's ordered form). */
function elements(svg: string): Element[] {
  expect(XMLValidator.validate(svg)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true }).parse(svg) as Record<string, unknown>[];
  const out: Element[] = [];
  const walk = (nodes: Record<string, unknown>[]): Element[] =>
    nodes.flatMap((n) => {
      const tag = Object.keys(n).find((k) => k !== ':@');
      if (!tag || tag === '#text') return [];
      const inner = n[tag] as Record<string, unknown>[];
      const text = inner.map((c) => (c['#text'] === undefined ? '' : String(c['#text']))).join('');
      const el: Element = { tag, attrs: (n[':@'] ?? {}) as Record<string, string>, children: walk(inner), text };
      out.push(el);
      return [el];
    });
  walk(doc);
  return out;
}
const rectOf = (el: Element) => {
  const r = el.children.find((c) => c.tag === 'rect')!;
  return { x: Number(r.attrs.x), y: Number(r.attrs.y), w: Number(r.attrs.width), h: Number(r.attrs.height) };
};
const textOf = (el: Element): string => el.children.filter((c) => c.tag === 'text').map((t) => t.text).join(' ');

describe.each(examples)('loom diagram %s', (file) => {
  const spec = specFromFile(join(root, 'examples', file));
  const plan = resolvePlan(spec);
  const all = elements(platformDiagram(plan));
  const of = (kind: string) => all.filter((e) => e.attrs['data-kind'] === kind);

  it('is one SVG naming the platform and its cloud', () => {
    const svg = all.find((e) => e.tag === 'svg')!;
    expect(svg.attrs).toMatchObject({ 'data-platform': spec.name, 'data-cloud': spec.cloud });
  });

  it('draws every stack as a box: network, one per cluster, services, one add-ons stack per cluster', () => {
    const names = of('stack').map((e) => e.attrs['data-name']);
    for (const c of spec.clusters) {
      expect(names).toContain(`${spec.name}-addons-${c.name}`);
      if (spec.cloud !== 'kubernetes') expect(names).toContain(`${spec.name}-cluster-${c.name}`);
    }
    if (spec.cloud !== 'kubernetes') expect(names).toContain(`${spec.name}-network`);
    if (Object.values(spec.components).some((c) => c?.mode === 'buy')) expect(names).toContain(`${spec.name}-services`);
  });

  it('draws every cluster with its flavour, GPU pools marked', () => {
    const clusters = of('cluster');
    expect(clusters.map((e) => e.attrs['data-name']).sort()).toEqual(spec.clusters.map((c) => c.name).sort());
    for (const c of spec.clusters) {
      const el = clusters.find((e) => e.attrs['data-name'] === c.name)!;
      const gpus = (c.nodePools ?? []).some((p) => p.gpu) || (c.existing?.capacity ?? []).some((g) => (g.gpus ?? 0) > 0);
      expect(el.attrs['data-flavour']).toBe(c.flavour);
      expect(el.attrs['data-gpu']).toBe(String(gpus));
      expect(el.children.some((t) => t.attrs['data-gpu'] === 'true')).toBe(gpus);
    }
  });

  it('draws every component with its product, coloured by mode', () => {
    const components = of('component');
    const wanted = Object.entries(spec.components).filter(([, c]) => c);
    expect(components.map((e) => e.attrs['data-name']).sort()).toEqual(wanted.map(([n]) => n).sort());
    for (const [name, c] of wanted) {
      const el = components.find((e) => e.attrs['data-name'] === name)!;
      expect(el.attrs['data-mode']).toBe(c!.mode);
      const product = PRODUCTS[`${name} ${c!.mode}`] ?? PRODUCTS[`${spec.cloud} ${name} ${c!.mode}`];
      if (product) expect(el.attrs['data-product']).toBe(product);
      expect(el.children.find((r) => r.tag === 'rect')!.attrs.stroke).toBe(c!.mode === 'build' ? '#2e7d32' : '#1565c0');
      expect(textOf(el)).toContain(name);
    }
  });

  it('draws an arrow for everything a component consumes, and no other between components', () => {
    const present = new Set(Object.entries(spec.components).filter(([, c]) => c).map(([n]) => n));
    const expected = [...present].flatMap((n) => (CONSUMES[n] ?? []).filter((u) => present.has(u)).map((u) => `${n}->${u}`)).sort();
    const edges = of('edge')
      .filter((e) => e.attrs['data-edge'] === 'uses')
      .map((e) => `${e.attrs['data-from']}->${e.attrs['data-to']}`)
      .sort();
    expect(edges).toEqual(expected);
    for (const e of of('edge')) expect(e.attrs.d).toMatch(/^M [\d.]+ [\d.]+( L [\d.]+ [\d.]+)+$/);
  });

  it('lays the boxes out without overlap', () => {
    const boxes = [...of('cluster'), ...of('component'), ...of('network'), ...of('addons')].map(rectOf);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${JSON.stringify(a)} ${JSON.stringify(b)}`).toBe(false);
      }
    }
  });
});

describe('loom diagram (the command)', () => {
  it('writes the SVG to --out (parents created), or to standard output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-diagram-'));
    dirs.push(dir);
    const out = join(dir, 'docs', 'acme.svg');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(run(['diagram', join(root, 'examples', 'aws-platform.yaml'), '--out', out])).toBe(0);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(readFileSync(out, 'utf8')).toBe(platformDiagram(resolvePlan(specFromFile(join(root, 'examples', 'aws-platform.yaml')))));
  });

  it("is the README's picture of the default example (docs/aws-platform.svg, as the command draws it now)", () => {
    expect(readFileSync(join(root, 'docs', 'aws-platform.svg'), 'utf8')).toBe(platformDiagram(resolvePlan(specFromFile(join(root, 'examples', 'aws-platform.yaml')))));
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('![The default example, as `loom diagram` draws it](docs/aws-platform.svg)');
  });
});
