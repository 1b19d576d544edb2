/**
 * LOOM-AS-002: workloads declare resources; namespaces have quotas. Every container (workloads of
 * `kubernetes_*_v1`, manifests and Loom's resources chart, KServe InferenceService predictors, and
 * the `resources` values of the components' charts Loom pins) requests CPU and memory and limits
 * memory; GPU containers limit `nvidia.com/gpu`; each team namespace has a ResourceQuota and a
 * LimitRange.
 */
import { kubernetesObjects, workloads } from '../../kubernetes';
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, chartOf, helmValues, isObject, isReference } from '../../values';
import { inNamespace, isTeamNamespace } from './namespaces';

/** The containers' `resources` of the component charts Loom pins: the value paths, and when each is rendered. */
const CHART_RESOURCES: Readonly<Record<string, readonly { readonly path: string; readonly when?: (v: Record<string, unknown>) => boolean }[]>> = {
  mlflow: [{ path: 'resources' }],
  'feast-feature-server': [{ path: 'resources' }],
  valkey: [{ path: 'resources' }],
  'argo-workflows': [{ path: 'controller.resources' }, { path: 'server.resources', when: (v) => attr(v, 'server.enabled') !== false }],
  harbor: [
    { path: 'core.resources' },
    { path: 'portal.resources' },
    { path: 'jobservice.resources' },
    { path: 'registry.registry.resources' },
    { path: 'registry.controller.resources' },
    { path: 'nginx.resources', when: (v) => attr(v, 'expose.type') !== 'ingress' && attr(v, 'expose.type') !== undefined },
    { path: 'trivy.resources', when: (v) => attr(v, 'trivy.enabled') !== false },
    { path: 'database.internal.resources', when: (v) => (attr(v, 'database.type') ?? 'internal') === 'internal' },
    { path: 'redis.internal.resources', when: (v) => (attr(v, 'redis.type') ?? 'internal') === 'internal' },
    { path: 'exporter.resources', when: (v) => attr(v, 'metrics.enabled') === true },
  ],
};

/** What a container's `resources` lacks (`requests.cpu`, …); `unknown` when it is a reference. */
function missing(resources: unknown, gpu: boolean): string[] | 'unknown' {
  if (isReference(resources)) return 'unknown';
  const r = isObject(resources) ? resources : {};
  const requests = isObject(r.requests) ? r.requests : {};
  const limits = isObject(r.limits) ? r.limits : {};
  const out: string[] = [];
  if (requests.cpu === undefined) out.push('requests.cpu');
  if (requests.memory === undefined) out.push('requests.memory');
  if (limits.memory === undefined) out.push('limits.memory');
  if ((gpu || requests['nvidia.com/gpu'] !== undefined) && limits['nvidia.com/gpu'] === undefined) out.push('limits.nvidia.com/gpu');
  return out;
}

/** Whether a pod spec is meant for GPU nodes (selects or tolerates `nvidia.com/gpu`). */
function wantsGpu(podSpec: Record<string, unknown>): boolean {
  const selector = isObject(podSpec.nodeSelector) ? podSpec.nodeSelector : {};
  const tolerations = Array.isArray(podSpec.tolerations) ? podSpec.tolerations : [];
  return Object.keys(selector).some((k) => k.startsWith('nvidia.com/gpu')) || tolerations.some((t) => isObject(t) && t.key === 'nvidia.com/gpu');
}

/** LOOM-AS-002: Workloads declare resources; namespaces have quotas. What it reads and why: see the module comment. */
export const AS_002: PolicyRule = {
  id: 'LOOM-AS-002',
  area: 'AS',
  title: 'Workloads declare resources; namespaces have quotas',
  severity: { baseline: 'MEDIUM' },
  rationale: 'Without requests the scheduler and the autoscalers cannot place or size pods; without memory limits one leak evicts its neighbours; without quotas one team can take the whole cluster (and its GPUs).',
  fix: 'Give each component its resources (components.*.resources in the spec; constructs/components/*/build.ts writes them into the chart values) and each team namespace a kubernetes_resource_quota_v1 and kubernetes_limit_range_v1 (constructs/kubernetes/namespace.ts).',
  anchors: ['CKV_K8S_10', 'CKV_K8S_11', 'CKV_K8S_12', 'CKV_K8S_13', 'AVD-KSV-0011', 'AVD-KSV-0015', 'AVD-KSV-0016', 'AVD-KSV-0018', 'AVD-KSV-0039', 'AVD-KSV-0040'],
  providers: ['kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const report = (resource: SynthResource, what: string, resources: unknown, gpu: boolean, detail: string) => {
      const m = missing(resources, gpu);
      if (m === 'unknown') out.push({ resource, message: `${what}: resources are a reference, decided at apply time`, unknown: true });
      else if (m.length) out.push({ resource, message: `${what} sets no ${m.join(', ')}`, detail });
    };

    for (const w of workloads(ctx)) {
      const gpu = wantsGpu(w.podSpec as Record<string, unknown>);
      for (const c of w.containers) report(w.owner.source, `${w.owner.kind} ${w.owner.name} container ${c.name}`, c.raw.resources, gpu, `${w.owner.name}/${c.name}:Resources`);
    }

    const objects = kubernetesObjects(ctx);
    for (const o of objects) {
      if (o.kind !== 'InferenceService') continue;
      const predictor = attr(o.object, 'spec.predictor');
      if (!isObject(predictor)) continue;
      const gpu = wantsGpu(predictor);
      const containers = [
        ...(isObject(predictor.model) ? [{ name: 'model', raw: predictor.model }] : []),
        ...(Array.isArray(predictor.containers) ? predictor.containers.filter(isObject).map((c) => ({ name: String(c.name ?? ''), raw: c })) : []),
      ];
      for (const c of containers) report(o.source, `InferenceService ${o.name} ${c.name}`, c.raw.resources, gpu, `${o.name}/${c.name}:Resources`);
    }

    for (const r of ctx.resources('helm_release')) {
      const chart = chartOf(r).split('/').pop()!;
      const paths = CHART_RESOURCES[chart];
      if (!paths) continue;
      const hv = helmValues(r);
      for (const p of paths) {
        if (p.when && !p.when(hv.values)) continue;
        const value = attr(hv.values, p.path);
        if (value === undefined && hv.unknown) {
          out.push({ resource: r, message: `${chart} ${p.path}: the release's values cannot all be read`, unknown: true });
          continue;
        }
        // The charts' defaults are `resources: {}`: an omitted key requests nothing.
        report(r, `${chart} ${p.path}`, value, false, `${p.path}:Resources`);
      }
    }

    for (const ns of objects) {
      if (!isTeamNamespace(ns)) continue;
      for (const kind of ['ResourceQuota', 'LimitRange']) {
        if (!objects.some((o) => o.kind === kind && inNamespace(ctx, o, ns))) out.push({ resource: ns.source, message: `team namespace ${ns.name} has no ${kind}`, detail: `${ns.name}:${kind}` });
      }
    }
    return out;
  },
};
