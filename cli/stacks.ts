/**
 * The platform's stacks as a dependency graph: what each holds, which stacks it reads, and the
 * order to apply them in (dependencies first; destroy in reverse). Read from a real synthesis
 * (cdktf's manifest records each stack's dependencies, which cross-stack references add), so the
 * order printed is the order Terraform needs, not a second description of it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../constructs/core/cdk';
import type { PlatformSpec } from '../schema/schema';
import { MlPlatform } from '../stacks/ml-platform';

/** What kind of lifecycle unit a stack is, by Loom's naming. */
export type StackKind = 'network' | 'cluster' | 'services' | 'addons';

export interface StackInfo {
  readonly name: string;
  readonly kind: StackKind;
  /** The stack's directory inside the synthesized output, relative to it. */
  readonly directory: string;
  /** Stacks this one reads (cross-stack references) and so must be applied after. */
  readonly reads: readonly string[];
  /** Resource counts by Terraform type. */
  readonly resources: Readonly<Record<string, number>>;
  /** Helm releases, by release name (add-ons stacks). */
  readonly helmReleases: readonly string[];
  /** Terraform providers the stack needs. */
  readonly providers: readonly string[];
  /** Input variables the stack declares (secrets such as Harbor's passwords): `TF_VAR_<name>`. */
  readonly variables: readonly string[];
}

const KIND_HOLDS: Readonly<Record<StackKind, string>> = {
  network: 'network: VPC or VPC network, subnets, NAT, flow logs',
  cluster: 'cluster: control plane, node pools, identities, keys',
  services: "services: components' cloud side (managed services, stores, identities) and what Terraform generates for them (Kafka CA, passwords)",
  addons: "add-ons: namespaces, add-ons and components' in-cluster parts",
};

interface Manifest {
  stacks: Record<string, { name: string; dependencies: string[]; synthesizedStackPath: string; workingDirectory: string }>;
}

/** Synthesizes `spec` into a scratch directory (removed afterwards) and returns its stacks in apply order. */
export function platformStacks(spec: PlatformSpec): StackInfo[] {
  const scratch = mkdtempSync(join(tmpdir(), 'loom-stacks-'));
  try {
    const app = new App({ outdir: scratch, skipValidation: false });
    const platform = new MlPlatform(app, spec.name, spec);
    app.synth();
    const manifest = JSON.parse(readFileSync(join(scratch, 'manifest.json'), 'utf8')) as Manifest;
    const infos = Object.values(manifest.stacks).map((s) => describe(scratch, s, kindOf(platform, s.name)));
    return applyOrder(infos);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function kindOf(platform: MlPlatform, name: string): StackKind {
  if (platform.networkStack?.node.id === name) return 'network';
  if (platform.servicesStack?.node.id === name) return 'services';
  if (Object.values(platform.clusterStacks).some((s) => s.node.id === name)) return 'cluster';
  return 'addons';
}

function describe(root: string, stack: Manifest['stacks'][string], kind: StackKind): StackInfo {
  const json = JSON.parse(readFileSync(join(root, stack.synthesizedStackPath), 'utf8')) as {
    resource?: Record<string, Record<string, { name?: string }>>;
    provider?: Record<string, unknown>;
    variable?: Record<string, unknown>;
  };
  const resources: Record<string, number> = {};
  const helmReleases: string[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    resources[type] = Object.keys(byName).length;
    if (type === 'helm_release') for (const r of Object.values(byName)) if (r.name) helmReleases.push(r.name);
  }
  return {
    name: stack.name,
    kind,
    directory: stack.workingDirectory,
    reads: [...stack.dependencies].sort(),
    resources,
    helmReleases: helmReleases.sort(),
    providers: Object.keys(json.provider ?? {}).sort(),
    variables: Object.keys(json.variable ?? {}).sort(),
  };
}

/**
 * Topological order, dependencies first; among stacks that are ready together, by kind
 * (network, cluster, services, add-ons) and then name, so that the order is stable.
 */
export function applyOrder(stacks: readonly StackInfo[]): StackInfo[] {
  const rank: Record<StackKind, number> = { network: 0, cluster: 1, services: 2, addons: 3 };
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const done = new Set<string>();
  const out: StackInfo[] = [];
  while (out.length < stacks.length) {
    const ready = stacks
      .filter((s) => !done.has(s.name) && s.reads.every((r) => done.has(r) || !byName.has(r)))
      .sort((a, b) => rank[a.kind] - rank[b.kind] || a.name.localeCompare(b.name));
    if (!ready.length) throw new Error(`the stacks' dependencies form a cycle: ${stacks.filter((s) => !done.has(s.name)).map((s) => s.name).join(', ')}`);
    const next = ready[0]!;
    done.add(next.name);
    out.push(next);
  }
  return out;
}

/** The human form of `loom stacks`: one block per stack, in apply order. */
export function formatStacks(stacks: readonly StackInfo[]): string {
  const lines: string[] = ['Apply in this order (destroy in reverse):', ''];
  stacks.forEach((s, i) => {
    const count = Object.values(s.resources).reduce((a, b) => a + b, 0);
    lines.push(`${i + 1}. ${s.name}  (${s.directory})`);
    lines.push(`   holds: ${KIND_HOLDS[s.kind]} — ${count} resources`);
    if (s.helmReleases.length) lines.push(`   helm releases: ${s.helmReleases.join(', ')}`);
    lines.push(`   reads: ${s.reads.length ? s.reads.join(', ') : 'nothing'}`);
    lines.push(`   providers: ${s.providers.join(', ')}`);
    if (s.variables.length) lines.push(`   inputs: ${s.variables.map((v) => `TF_VAR_${v}`).join(', ')}`);
  });
  return `${lines.join('\n')}\n`;
}
