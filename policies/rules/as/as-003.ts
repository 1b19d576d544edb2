/**
 * LOOM-AS-003: serving is highly available (HIGH in prod, MEDIUM otherwise). The Deployments on
 * the request path — model serving (KServe InferenceServices and Deployments of the serving
 * component), the online feature store (the feast feature server, valkey on existing clusters), the
 * registry (Harbor) and data-path ingress controllers (ingress-nginx) — run at least two replicas
 * (or autoscale from at least two), have a PodDisruptionBudget, spread across zones
 * (`topologySpreadConstraints` or pod anti-affinity on `topology.kubernetes.io/zone`) and have
 * liveness and readiness probes.
 *
 * Charts are judged on their values with the pinned chart's defaults (/work/shared/charts): e.g.
 * feast-feature-server has no PDB or spread keys (a separate PodDisruptionBudget object selecting
 * `app.kubernetes.io/instance` counts), Harbor and ingress-nginx render probes themselves, valkey's
 * readiness probe is opt-in. The AWS Load Balancer Controller is not on the data path (an outage
 * stops reconciliation, not traffic) and is not judged here.
 */
import { kubernetesObjects, workloads, type KubernetesObject } from '../../kubernetes';
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, chartOf, helmValues, isObject, isReference, list } from '../../values';

const ZONE = 'topology.kubernetes.io/zone';

/** Whether a pod spec (or chart values at the same keys) spreads across zones. */
function spreadsZones(spec: unknown): boolean | 'unknown' {
  if (!isObject(spec)) return false;
  const tsc = spec.topologySpreadConstraints;
  if (isReference(tsc) || isReference(spec.affinity)) return 'unknown';
  if (Array.isArray(tsc) && tsc.some((c) => isObject(c) && c.topologyKey === ZONE)) return true;
  const anti = attr(spec, 'affinity.podAntiAffinity');
  const terms = [...list(anti, 'requiredDuringSchedulingIgnoredDuringExecution'), ...list(anti, 'preferredDuringSchedulingIgnoredDuringExecution').map((t) => attr(t, 'podAffinityTerm'))];
  return terms.some((t) => attr(t, 'topologyKey') === ZONE);
}

/** A PodDisruptionBudget object in `stack` whose selector names `labels` (any one key/value pair). */
function hasPdb(objects: readonly KubernetesObject[], stack: string, match: (labels: Record<string, unknown>) => boolean): boolean {
  return objects.some((o) => o.kind === 'PodDisruptionBudget' && o.source.stack === stack && isObject(attr(o.object, 'spec.selector.matchLabels')) && match(attr(o.object, 'spec.selector.matchLabels') as Record<string, unknown>));
}

/** One component's HA facts. `undefined` members are not applicable. */
interface Ha {
  readonly replicas: number | 'unknown';
  readonly pdb: boolean | 'unknown';
  readonly spread: boolean | 'unknown';
  readonly probes: boolean | 'unknown';
}

function judge(out: RuleFinding[], resource: SynthResource, what: string, key: string, ha: Ha): void {
  const check = (ok: boolean | 'unknown', detail: string, message: string) => {
    if (ok === 'unknown') out.push({ resource, message: `${what}: ${detail} depends on a reference, decided at apply time`, unknown: true });
    else if (!ok) out.push({ resource, message: `${what} ${message}`, detail: `${key}:${detail}` });
  };
  check(ha.replicas === 'unknown' ? 'unknown' : ha.replicas >= 2, 'Replicas', `runs ${ha.replicas} replica(s), fewer than 2 (and no autoscaling from 2)`);
  check(ha.pdb, 'PodDisruptionBudget', 'has no PodDisruptionBudget');
  check(ha.spread, 'TopologySpread', `does not spread across zones (${ZONE})`);
  check(ha.probes, 'Probes', 'lacks a liveness or readiness probe');
}

const count = (v: unknown, dflt: number): number | 'unknown' => (v === undefined || v === null ? dflt : isReference(v) ? 'unknown' : Number(v));
const enabled = (v: unknown, dflt: boolean): boolean | 'unknown' => (v === undefined || v === null ? dflt : isReference(v) ? 'unknown' : v === true || v === 'true');

/** The charts' serving Deployments: how each reads its HA facts from the values (defaults from the pinned chart). */
type ChartHa = (values: Record<string, unknown>, pdbObject: boolean) => { readonly key: string; readonly ha: Ha }[];
const CHARTS: Readonly<Record<string, ChartHa>> = {
  'feast-feature-server': (v, pdbObject) => [{ key: 'feast', ha: { replicas: count(v.replicaCount, 1), pdb: pdbObject, spread: spreadsZones(v), probes: v.livenessProbe !== null && v.readinessProbe !== null } }],
  valkey: (v, pdbObject) => {
    const replicated = enabled(attr(v, 'replica.enabled'), false);
    const replicas = replicated === 'unknown' ? 'unknown' : replicated ? (count(attr(v, 'replica.replicas'), 2) === 'unknown' ? 'unknown' : (count(attr(v, 'replica.replicas'), 2) as number) + 1) : 1;
    const pdb = enabled(attr(v, 'podDisruptionBudget.enabled'), false);
    const live = enabled(attr(v, 'livenessProbe.enabled'), true);
    const ready = enabled(attr(v, 'readinessProbe.enabled'), false);
    return [{ key: 'valkey', ha: { replicas, pdb: pdb === true || pdbObject ? true : pdb, spread: spreadsZones(v), probes: live === 'unknown' || ready === 'unknown' ? 'unknown' : live && ready } }];
  },
  harbor: (v) => {
    const parts = ['core', 'portal', 'registry', ...(attr(v, 'expose.type') !== undefined && attr(v, 'expose.type') !== 'ingress' ? ['nginx'] : [])];
    return parts.map((p) => {
      const hpaEnabled = enabled(attr(v, `${p}.autoscaling.enabled`), false);
      const replicas = hpaEnabled === true ? count(attr(v, `${p}.autoscaling.minReplicas`), 1) : count(attr(v, `${p}.replicas`), 1);
      return { key: `harbor-${p}`, ha: { replicas, pdb: enabled(attr(v, `${p}.podDisruptionBudget.enabled`), false), spread: spreadsZones(attr(v, p)), probes: true } };
    });
  },
  'ingress-nginx': (v) => {
    const hpa = enabled(attr(v, 'controller.autoscaling.enabled'), false);
    const replicas = hpa === true ? count(attr(v, 'controller.autoscaling.minReplicas'), 1) : count(attr(v, 'controller.replicaCount'), 1);
    // The chart renders its PDB when replicas > 1 (controller.minAvailable, default 1).
    return [{ key: 'ingress-nginx', ha: { replicas, pdb: replicas === 'unknown' ? 'unknown' : replicas > 1, spread: spreadsZones(attr(v, 'controller')), probes: true } }];
  },
};

/** Serving components' Deployment labels (`loom.dev/component`). */
const SERVING_COMPONENTS = new Set(['serving', 'featureStore', 'registry']);

function servingRuntimes(objects: readonly KubernetesObject[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const o of objects) if ((o.kind === 'ClusterServingRuntime' || o.kind === 'ServingRuntime') && isObject(o.object.spec)) out.set(o.name, o.object.spec);
  return out;
}

const probed = (c: unknown): boolean => isObject(c) && c.livenessProbe !== undefined && c.readinessProbe !== undefined;

/** LOOM-AS-003: Serving is highly available. What it reads and why: see the module comment. */
export const AS_003: PolicyRule = {
  id: 'LOOM-AS-003',
  area: 'AS',
  title: 'Serving is highly available',
  severity: { baseline: 'MEDIUM', prod: 'HIGH' },
  rationale: 'A single replica, a node drain without a disruption budget, all pods in one zone or a hung pod kept in rotation without probes each turn routine maintenance or one zone outage into a serving outage.',
  fix: 'Set replicas ≥ 2 (components.serving.endpoints[].minReplicas, components.featureStore.replicas, components.registry) and let Loom write a PodDisruptionBudget, zone topologySpreadConstraints and probes into the chart values or the InferenceService (constructs/components/*/build.ts).',
  anchors: ['CKV_K8S_8', 'CKV_K8S_9', 'AwsSolutions-AEC4', 'AwsSolutions-RDS3'],
  providers: ['kubernetes', 'helm'],
  evaluate(ctx: RuleContext) {
    const out: RuleFinding[] = [];
    const objects = kubernetesObjects(ctx);

    for (const r of ctx.resources('helm_release')) {
      const chart = chartOf(r).split('/').pop()!;
      const read = CHARTS[chart];
      if (!read) continue;
      const hv = helmValues(r);
      if (hv.unknown) {
        out.push({ resource: r, message: `${chart}: the release's values cannot all be read`, unknown: true });
        continue;
      }
      const instance = String(r.values.name ?? '');
      const full = String(hv.values.fullnameOverride ?? instance);
      const pdbObject = hasPdb(objects, r.stack, (l) => [instance, full].includes(String(l['app.kubernetes.io/instance'] ?? '')) || full === String(l['app.kubernetes.io/name'] ?? ''));
      for (const { key, ha } of read(hv.values, pdbObject)) judge(out, r, `${chart} (${key})`, key, ha);
    }

    const runtimes = servingRuntimes(objects);
    for (const o of objects) {
      if (o.kind !== 'InferenceService') continue;
      const predictor = attr(o.object, 'spec.predictor');
      if (!isObject(predictor)) continue;
      const min = count(predictor.minReplicas, 1);
      const max = count(predictor.maxReplicas, min === 'unknown' ? 1 : min);
      const replicas = min === 'unknown' || max === 'unknown' ? 'unknown' : max >= min ? min : Math.min(min, max);
      const pdb = hasPdb(objects, o.source.stack, (l) => l['serving.kserve.io/inferenceservice'] === o.name || l.app === `isvc.${o.name}-predictor`);
      const model = isObject(predictor.model) ? predictor.model : undefined;
      const runtimeName = model && typeof model.runtime === 'string' ? model.runtime : undefined;
      const runtime = runtimeName ? runtimes.get(runtimeName) : undefined;
      const probes = probed(model) || (Array.isArray(predictor.containers) && predictor.containers.length > 0 && predictor.containers.every(probed)) || (runtime !== undefined && list(runtime, 'containers').length > 0 && list(runtime, 'containers').every(probed));
      judge(out, o.source, `InferenceService ${o.name}`, o.name, { replicas, pdb, spread: spreadsZones(predictor), probes });
    }

    const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    for (const w of workloads(ctx)) {
      if (w.owner.kind !== 'Deployment') continue;
      const labels = attr(w.owner.object, 'metadata.labels');
      if (!isObject(labels) || !SERVING_COMPONENTS.has(String(labels['loom.dev/component']))) continue;
      const hpa = hpas.find((h) => h.source.stack === w.owner.source.stack && attr(h.object, 'spec.scaleTargetRef.name') === w.owner.name);
      const replicas = hpa ? count(attr(hpa.object, 'spec.minReplicas'), 1) : count(w.replicas, 1);
      const podLabels = attr(w.owner.object, 'spec.template.metadata.labels');
      const pdb = hasPdb(objects, w.owner.source.stack, (l) => isObject(podLabels) && Object.entries(l).every(([k, v]) => podLabels[k] === v));
      const probes = w.containers.filter((c) => !c.init).every((c) => probed(c.raw));
      judge(out, w.owner.source, `Deployment ${w.owner.name}`, w.owner.name, { replicas, pdb, spread: spreadsZones(w.podSpec), probes });
    }
    return out;
  },
};
