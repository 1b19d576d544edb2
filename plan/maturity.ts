/**
 * The platform's level on the field's maturity ladder (`loom maturity`), from its spec alone:
 *
 * | level | what it takes | what in the spec shows it |
 * |---|---|---|
 * | L1 | experiment tracking + version control | `experimentTracking` (runs and the model registry) and `registry` (versioned, immutable images) |
 * | L2 | pipeline automation | `pipelines` |
 * | L3 | serving + monitoring | `serving` and `monitoring` |
 * | L4 | feature store, GPU scheduling, CI/CD for ML | `featureStore`; a batch cluster with GPUs (queued by Kueue); a shared state backend, so CI plans and applies the stacks (`loom ci github`) |
 *
 * The platform is at the highest level whose every step it has, with every level below met too
 * (level 0 when not even L1 is); the step to add next is the first one missing on the way up —
 * the bottleneck, since nothing above it counts until it is there. Pure: no cdktf.
 */
import type { ComponentName, PlatformSpec } from '../schema/schema';

/** One step of a level: a component, or a capability the spec shows otherwise. */
export interface MaturityStep {
  /** The step's id: a component's name, or `gpuScheduling` / `ciCd`. */
  readonly id: ComponentName | 'gpuScheduling' | 'ciCd';
  /** Whether the spec has it, and how it is provided when it does (`mlflow, build`). */
  readonly have: (spec: PlatformSpec) => string | undefined;
  /** Why it matters at its level: what the platform gains, said when it is the next step. */
  readonly why: string;
}

/** A rung of the ladder. */
export interface MaturityRung {
  readonly level: 1 | 2 | 3 | 4;
  /** What the level is called in the field. */
  readonly name: string;
  readonly steps: readonly MaturityStep[];
}

const component = (name: ComponentName, why: string): MaturityStep => ({
  id: name,
  have: (spec) => {
    const c = spec.components[name];
    return c ? c.mode : undefined;
  },
  why,
});

/** The ladder (see the module comment). */
export const MATURITY_LADDER: readonly MaturityRung[] = [
  {
    level: 1,
    name: 'experiment tracking + version control',
    steps: [
      component('experimentTracking', 'every run, its parameters, metrics and model recorded, and models versioned in a registry: the base of reproducible ML'),
      component('registry', "images (and the models packaged in them) versioned with immutable tags, so what was trained and served can be rebuilt"),
    ],
  },
  { level: 2, name: 'pipeline automation', steps: [component('pipelines', 'training and data preparation run as versioned, repeatable pipelines instead of notebooks and hand-run jobs')] },
  {
    level: 3,
    name: 'serving + monitoring',
    steps: [
      component('serving', 'models reach production behind endpoints that scale, instead of being embedded in services by hand'),
      component('monitoring', "serving, pipelines and the platform's own components are measured, so regressions and drift are seen"),
    ],
  },
  {
    level: 4,
    name: 'feature store, GPU scheduling, CI/CD for ML',
    steps: [
      component('featureStore', 'features are defined once and served the same online and offline: no training/serving skew'),
      {
        id: 'gpuScheduling',
        have: (spec) => {
          const gpu = spec.clusters.find((c) => c.flavour === 'batch' && ((c.nodePools ?? []).some((p) => p.gpu) || c.existing?.gpu));
          return gpu ? `batch cluster '${gpu.name}', queued by Kueue` : undefined;
        },
        why: 'GPUs are shared through a batch cluster with GPU pools and fair queueing (Kueue), not owned by whoever started first',
      },
      {
        id: 'ciCd',
        have: (spec) => (spec.state.backend !== 'local' ? `${spec.state.backend} state: planned and applied from CI, loom ci github` : undefined),
        why: 'the platform itself changes through reviewed plans applied by CI, which needs shared Terraform state (state.backend s3 or gcs) instead of local files',
      },
    ],
  },
];

/** One level of the report. */
export interface MaturityLevelReport {
  readonly level: 1 | 2 | 3 | 4;
  readonly name: string;
  /** Whether every step of it is there (levels below may still be missing some). */
  readonly met: boolean;
  /** The steps there, as `<id> (<how>)`. */
  readonly have: readonly string[];
  /** The steps missing. */
  readonly missing: readonly string[];
}

/** `loom maturity --format json`. */
export interface MaturityReport {
  /** The highest level met with every level below it: 0 to 4. */
  readonly level: 0 | 1 | 2 | 3 | 4;
  readonly levels: readonly MaturityLevelReport[];
  /** The step to add next (the first missing one on the way up), or none at level 4. */
  readonly next?: { readonly component: MaturityStep['id']; readonly why: string };
}

/** The platform's maturity (see the module comment). */
export function platformMaturity(spec: PlatformSpec): MaturityReport {
  const levels = MATURITY_LADDER.map((rung): MaturityLevelReport => {
    const have: string[] = [];
    const missing: string[] = [];
    for (const step of rung.steps) {
      const how = step.have(spec);
      if (how === undefined) missing.push(step.id);
      else have.push(`${step.id} (${how})`);
    }
    return { level: rung.level, name: rung.name, met: missing.length === 0, have, missing };
  });
  const firstUnmet = levels.findIndex((l) => !l.met);
  const level = (firstUnmet === -1 ? 4 : firstUnmet) as MaturityReport['level'];
  if (firstUnmet === -1) return { level, levels };
  const rung = MATURITY_LADDER[firstUnmet]!;
  const step = rung.steps.find((s) => s.have(spec) === undefined)!;
  return { level, levels, next: { component: step.id, why: `L${rung.level} (${rung.name}) needs it: ${step.why}` } };
}

/** `loom maturity` as text. */
export function formatMaturity(name: string, report: MaturityReport): string {
  const lines = [`${name}: level ${report.level} of 4`];
  for (const l of report.levels) {
    lines.push(`  L${l.level} ${l.name}: ${l.met ? 'met' : 'not met'}`);
    if (l.have.length) lines.push(`     have: ${l.have.join(', ')}`);
    if (l.missing.length) lines.push(`     missing: ${l.missing.join(', ')}`);
  }
  lines.push(report.next ? `next: ${report.next.component} — ${report.next.why}` : 'next: nothing — every level is met');
  return `${lines.join('\n')}\n`;
}
