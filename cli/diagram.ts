/**
 * `loom diagram`: a picture of the platform as SVG, from the resolved plan — the stacks as boxes
 * (network, one per cluster, services, one add-ons stack per cluster), each cluster with its
 * flavour and pools (GPU pools marked), each component with its product and its mode by colour
 * (bought components in the services stack, built ones in the add-ons stack of the cluster they
 * run on), and arrows for what consumes what (the component table's `uses`; dashed: the network
 * hosting the clusters, each cluster its add-ons stack). Laid out by dagre (a layered graph layout with compound nodes), not by hand.
 *
 * Every element carries `data-*` attributes (kind, name, mode, flavour, from, to), so tools and
 * tests read the picture as data.
 */
import dagre from '@dagrejs/dagre';
import { COMPONENT_PRODUCTS, COMPONENT_USES, implementationOf, type PlatformPlan } from '../plan';

/** Colours: built (green), bought (blue), the rest neutral. */
export const DIAGRAM_COLOURS = { build: '#2e7d32', buy: '#1565c0', cluster: '#455a64', network: '#6d4c41', gpu: '#e65100', stack: '#90a4ae' } as const;

const FONT = 12;
const LINE = 16;
const CHAR = 7.2;

interface Box {
  readonly kind: 'network' | 'cluster' | 'addons' | 'component';
  readonly name: string;
  readonly lines: readonly { readonly text: string; readonly gpu?: boolean; readonly bold?: boolean }[];
  readonly attrs: Readonly<Record<string, string>>;
  readonly colour: string;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const attrs = (a: Readonly<Record<string, string>>) =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${escape(v)}"`)
    .join('');

/** The SVG of the platform (see the module comment). */
export function platformDiagram(plan: PlatformPlan): string {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 56, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const boxes = new Map<string, Box>();
  const stacks = new Map<string, string>();
  const addNode = (id: string, box: Box, stack: string) => {
    const width = Math.max(...box.lines.map((l) => l.text.length)) * CHAR + 20;
    g.setNode(id, { width, height: box.lines.length * LINE + 12 });
    boxes.set(id, box);
    if (!g.hasNode(stack)) {
      g.setNode(stack, { label: stack, paddingTop: 28 });
      stacks.set(stack, stack);
    }
    g.setParent(id, stack);
  };

  if (plan.network) {
    addNode(
      'network',
      {
        kind: 'network',
        name: 'network',
        lines: [{ text: `network ${plan.network.cidr}`, bold: true }, { text: `${plan.zones.length} zones: ${plan.zones.join(', ')}` }],
        attrs: { 'data-kind': 'network', 'data-name': 'network' },
        colour: DIAGRAM_COLOURS.network,
      },
      plan.stacks.network,
    );
  }
  for (const c of plan.clusters) {
    const id = `cluster:${c.name}`;
    const pools = c.pools.map((p) => ({
      text: `${p.gpu ? `GPU ${p.gpu.count}× ${p.gpu.type} · ` : ''}${p.name}: ${p.minNodes}–${p.maxNodes} × ${p.machineTypes.join('/')}${p.spot ? ' (spot)' : ''}`,
      ...(p.gpu ? { gpu: true } : {}),
    }));
    const existing = plan.cloud === 'kubernetes';
    // Existing clusters: the node groups the spec describes (existing.capacity).
    const capacity = (c.spec.existing?.capacity ?? []).map((group) => ({
      text: `${group.gpus ? `GPU ${group.gpus}/node · ` : ''}${group.name}: ${group.nodes} × ${group.cpu} vCPU, ${group.memoryGiB} GiB`,
      ...(group.gpus ? { gpu: true } : {}),
    }));
    const gpu = c.pools.some((p) => p.gpu) || capacity.some((l) => l.gpu === true);
    addNode(
      id,
      {
        kind: 'cluster',
        name: c.name,
        lines: [{ text: `cluster ${c.name}`, bold: true }, { text: `${c.flavour}, Kubernetes ${c.kubernetesVersion}${existing ? ', existing' : ''}` }, ...pools, ...capacity],
        attrs: { 'data-kind': 'cluster', 'data-name': c.name, 'data-flavour': c.flavour, 'data-gpu': String(gpu) },
        colour: DIAGRAM_COLOURS.cluster,
      },
      existing ? c.addonsStackName : c.stackName,
    );
    if (plan.network) g.setEdge('network', id, { kind: 'hosts' });
    // The cluster's add-ons stack: Loom's add-ons (its autoscaler named) and the components built on it.
    if (!existing) {
      addNode(
        `addons:${c.name}`,
        {
          kind: 'addons',
          name: `addons:${c.name}`,
          lines: [{ text: `add-ons of ${c.name}`, bold: true }, { text: `autoscaler: ${c.autoscaler}` }],
          attrs: { 'data-kind': 'addons', 'data-name': c.name },
          colour: DIAGRAM_COLOURS.cluster,
        },
        c.addonsStackName,
      );
      g.setEdge(id, `addons:${c.name}`, { kind: 'installs' });
    }
  }
  for (const comp of plan.components) {
    const implementation = implementationOf(comp.mode, plan.cloud);
    const product = COMPONENT_PRODUCTS[comp.name][implementation];
    const cluster = plan.clusters.find((c) => c.name === comp.cluster);
    const stack = comp.mode === 'buy' || !cluster ? plan.stacks.services : cluster.addonsStackName;
    addNode(
      `component:${comp.name}`,
      {
        kind: 'component',
        name: comp.name,
        lines: [{ text: comp.name, bold: true }, { text: `${product} (${comp.mode})` }, ...(comp.mode === 'build' && cluster ? [{ text: `on ${cluster.name}` }] : [])],
        attrs: { 'data-kind': 'component', 'data-name': comp.name, 'data-mode': comp.mode, 'data-product': product, ...(comp.mode === 'build' && cluster ? { 'data-cluster': cluster.name } : {}) },
        colour: DIAGRAM_COLOURS[comp.mode],
      },
      stack,
    );
  }
  // What consumes what: an arrow from the consumer to what it uses.
  const present = new Set(plan.components.map((c) => c.name));
  for (const comp of plan.components) {
    for (const used of COMPONENT_USES[comp.name] ?? []) if (present.has(used)) g.setEdge(`component:${comp.name}`, `component:${used}`, { kind: 'uses' });
  }
  dagre.layout(g);

  const graph = g.graph() as { width: number; height: number };
  const title = `${plan.name} — ${plan.cloud}${plan.region ? ` ${plan.region}` : ''}, ${plan.environment}`;
  const width = Math.ceil(Math.max(graph.width, title.length * 9 + 32, 520));
  const height = Math.ceil(graph.height + 40 + 28);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT}" data-platform="${escape(plan.name)}" data-cloud="${plan.cloud}">`);
  out.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#546e7a"/></marker></defs>');
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="16" y="24" font-size="16" font-weight="bold">${escape(title)}</text>`);
  out.push('<g transform="translate(0, 28)">');
  // Stacks first, under everything.
  for (const stack of stacks.keys()) {
    const n = g.node(stack) as { x: number; y: number; width: number; height: number };
    const x = n.x - n.width / 2;
    const y = n.y - n.height / 2;
    out.push(`<g data-kind="stack" data-name="${escape(stack)}"><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${n.width.toFixed(1)}" height="${n.height.toFixed(1)}" rx="8" fill="#f5f7f8" stroke="${DIAGRAM_COLOURS.stack}" stroke-dasharray="4 3"/><text x="${(x + 8).toFixed(1)}" y="${(y + 16).toFixed(1)}" fill="#546e7a" font-style="italic">${escape(stack)}</text></g>`);
  }
  for (const e of g.edges()) {
    const edge = g.edge(e) as { points: { x: number; y: number }[]; kind: string };
    const d = edge.points.map((p, i) => `${i ? 'L' : 'M'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
    const from = boxes.get(e.v)!;
    const to = boxes.get(e.w)!;
    out.push(`<path data-kind="edge" data-edge="${edge.kind}" data-from="${escape(from.name)}" data-to="${escape(to.name)}" d="${d}" fill="none" stroke="#546e7a" stroke-width="1.4"${edge.kind === 'uses' ? '' : ' stroke-dasharray="3 3"'} marker-end="url(#arrow)"/>`);
  }
  for (const [id, box] of boxes) {
    const n = g.node(id) as { x: number; y: number; width: number; height: number };
    const x = n.x - n.width / 2;
    const y = n.y - n.height / 2;
    const parts = [`<g${attrs(box.attrs)}>`, `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${n.width.toFixed(1)}" height="${n.height.toFixed(1)}" rx="5" fill="#ffffff" stroke="${box.colour}" stroke-width="2"/>`];
    box.lines.forEach((line, i) => {
      const fill = line.gpu ? DIAGRAM_COLOURS.gpu : i === 0 ? box.colour : '#263238';
      parts.push(`<text x="${(x + 10).toFixed(1)}" y="${(y + 6 + LINE * (i + 1) - 4).toFixed(1)}" fill="${fill}"${line.bold ? ' font-weight="bold"' : ''}${line.gpu ? ' data-gpu="true"' : ''}>${escape(line.text)}</text>`);
    });
    parts.push('</g>');
    out.push(parts.join(''));
  }
  out.push('</g>');
  // Legend.
  const ly = height - 12;
  out.push(
    `<g data-kind="legend"><rect x="16" y="${ly - 10}" width="12" height="12" fill="none" stroke="${DIAGRAM_COLOURS.build}" stroke-width="2"/><text x="34" y="${ly}">built (open source on the clusters)</text><rect x="260" y="${ly - 10}" width="12" height="12" fill="none" stroke="${DIAGRAM_COLOURS.buy}" stroke-width="2"/><text x="278" y="${ly}">bought (the cloud's service)</text><text x="470" y="${ly}" fill="${DIAGRAM_COLOURS.gpu}">GPU pool</text></g>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
