/**
 * Helpers the HARD rules share: namespaces and their labels (team or platform), Kubernetes
 * workloads from every source, and what Loom knows of the charts it pins whose pods need the host
 * (the node agents: read from their values with the chart's defaults, since their templates are
 * not rendered at synth time).
 */
import { workloads, type WorkloadView } from '../../kubernetes';
import type { RuleContext, SynthResource } from '../../types';
import { chartOf, helmValues, isLoomResourcesChart, isObject, isReference, type HelmValues } from '../../values';

/** The label that marks a team namespace. */
export const TEAM_LABEL = 'loom.dev/team';

/** A namespace Loom (or the author) declares, with its labels. */
export interface NamespaceInfo {
  /** The `kubernetes_namespace_v1` (or manifest) resource. */
  readonly resource: SynthResource;
  /** Its name (may be a reference). */
  readonly name: string;
  /** Its labels. */
  readonly labels: Readonly<Record<string, unknown>>;
}

/** Namespaces by `stack name` and by `stack address`, so that a literal name or a reference finds them. */
export class Namespaces {
  private readonly byName = new Map<string, NamespaceInfo>();
  private readonly byAddress = new Map<string, NamespaceInfo>();

  constructor(private readonly ctx: RuleContext) {
    for (const r of ctx.resources('kubernetes_namespace_v1', 'kubernetes_namespace')) {
      const md = isObject(r.values.metadata) ? r.values.metadata : Array.isArray(r.values.metadata) && isObject(r.values.metadata[0]) ? r.values.metadata[0] : {};
      const info: NamespaceInfo = { resource: r, name: String(md.name ?? ''), labels: isObject(md.labels) ? md.labels : {} };
      this.byName.set(`${r.stack} ${info.name}`, info);
      this.byAddress.set(`${r.stack} ${r.address}`, info);
    }
  }

  /** The namespace a workload or release in `from`'s stack names (a literal or a reference). */
  find(from: SynthResource, namespace: unknown): NamespaceInfo | undefined {
    if (typeof namespace !== 'string') return undefined;
    if (isReference(namespace)) {
      const r = this.ctx.resolve(from, namespace);
      return r ? this.byAddress.get(`${r.stack} ${r.address}`) : undefined;
    }
    return this.byName.get(`${from.stack} ${namespace}`);
  }

  /** Whether a namespace is a team namespace (labelled {@link TEAM_LABEL}). */
  static isTeam(ns: NamespaceInfo | undefined): boolean {
    return ns !== undefined && ns.labels[TEAM_LABEL] !== undefined;
  }
}

/** A workload's namespace (the owner's, else the release's for the resources chart). */
export function namespaceOf(w: WorkloadView): unknown {
  if (w.owner.namespace !== undefined) return w.owner.namespace;
  if (w.owner.source.type === 'helm_release') return w.owner.source.values.namespace;
  return undefined;
}

/** A short name for a workload: `DaemonSet/registry-ca`. */
export const workloadName = (w: WorkloadView): string => `${w.owner.kind}/${w.owner.name}`;

/** Every workload, see {@link workloads}. */
export const allWorkloads = (ctx: RuleContext): readonly WorkloadView[] => workloads(ctx);

/** A pinned chart's host access, as its templates have it (not visible in values alone). */
export interface HostAccessChart {
  /** Why its pods need the host. */
  readonly reason: string;
  /** The PSS Baseline controls its pods break, given its merged values (chart defaults applied). */
  baseline(values: Readonly<Record<string, unknown>>): string[];
  /** The PSS Restricted controls its pods break beyond Baseline, given its values. */
  restricted(values: Readonly<Record<string, unknown>>): string[];
}

const get = (v: unknown, path: string): unknown => path.split('.').reduce<unknown>((cur, k) => (isObject(cur) ? cur[k] : undefined), v);
const on = (v: unknown, dflt: boolean): boolean => (v === undefined || v === null ? dflt : v === true || v === 'true');

/** prometheus-node-exporter's host access, its defaults (4.56.x values.yaml): hostNetwork, hostPID, hostRootFsMount on. */
function nodeExporter(values: unknown): string[] {
  const out: string[] = [];
  if (on(get(values, 'hostNetwork'), true)) out.push('hostNetwork');
  if (on(get(values, 'hostPID'), true)) out.push('hostPID');
  if (on(get(values, 'hostIPC'), false)) out.push('hostIPC');
  if (on(get(values, 'hostRootFsMount.enabled'), true)) out.push('hostPath');
  // /proc and /sys are mounted from the host unconditionally.
  if (!out.includes('hostPath')) out.push('hostPath');
  return out;
}
function nodeExporterRestricted(values: unknown): string[] {
  const out: string[] = [];
  const c = get(values, 'containerSecurityContext');
  if (get(c, 'allowPrivilegeEscalation') !== false) out.push('allowPrivilegeEscalation');
  const drop = get(c, 'capabilities.drop');
  if (!Array.isArray(drop) || !drop.includes('ALL')) out.push('capabilities.drop');
  const seccomp = get(c, 'seccompProfile.type') ?? get(values, 'securityContext.seccompProfile.type');
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push('seccompProfile');
  out.push('volumes');
  return out;
}

/**
 * Charts Loom pins whose pods need host access (node agents), by chart name. kube-prometheus-stack
 * carries node-exporter as a subchart (`nodeExporter.enabled`, values under `prometheus-node-exporter`).
 */
export const HOST_ACCESS_CHARTS: Readonly<Record<string, HostAccessChart>> = {
  'gpu-operator': {
    reason: 'the NVIDIA GPU operator\'s operands (device plugin, toolkit, DCGM exporter, MIG manager, validator, feature discovery) run privileged with hostPath mounts of /dev, /run/nvidia and the driver root, to expose the GPUs to containers',
    baseline: () => ['privileged', 'hostPath'],
    restricted: () => ['allowPrivilegeEscalation', 'runAsNonRoot', 'seccompProfile', 'capabilities.drop', 'volumes'],
  },
  'prometheus-node-exporter': {
    reason: 'node-exporter reads the host\'s /proc, /sys and root filesystem and its network namespace to report node metrics',
    baseline: nodeExporter,
    restricted: nodeExporterRestricted,
  },
  'kube-prometheus-stack': {
    reason: 'its prometheus-node-exporter subchart reads the host\'s /proc, /sys and root filesystem and network namespace to report node metrics',
    baseline: (v) => (on(get(v, 'nodeExporter.enabled'), true) ? nodeExporter(get(v, 'prometheus-node-exporter') ?? {}) : []),
    restricted: (v) => (on(get(v, 'nodeExporter.enabled'), true) ? nodeExporterRestricted(get(v, 'prometheus-node-exporter') ?? {}) : []),
  },
};

/** The chart name of a release (the last path segment of `chart`). */
export const chartName = (r: SynthResource): string => chartOf(r).split('/').pop() ?? '';

/** Third-party releases (not Loom's resources chart) with their values, parsed once. */
export function thirdPartyReleases(ctx: RuleContext): { release: SynthResource; chart: string; values: HelmValues }[] {
  return ctx.resources('helm_release').filter((r) => !isLoomResourcesChart(r)).map((r) => ({ release: r, chart: chartName(r), values: helmValues(r) }));
}
