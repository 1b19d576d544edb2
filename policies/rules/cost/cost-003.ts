/**
 * LOOM-COST-003: expensive capacity is bounded. GPU and batch node pools scale to zero when idle
 * (a pool that keeps nodes needs a recorded reason: a policy exception); spot / preemptible
 * capacity is used only by batch or explicitly interruptible pools, and in prod no serving
 * workload can be scheduled onto it; buckets abort incomplete multipart uploads, whose parts are
 * billed as storage until then.
 *
 * Pools are EKS node groups, GKE node pools and Karpenter NodePools (in Loom's resources chart).
 * Serving workloads are KServe InferenceServices and workloads labelled
 * `loom.dev/component: serving`, in the stacks whose Kubernetes provider reaches the pool's
 * cluster; one is schedulable onto a pool when its nodeSelector and required node affinity match
 * the pool's node labels (Loom's and the cloud's own) and it tolerates the pool's taints.
 */
import type { PolicyRule, RuleFinding, SynthResource, SynthStack } from '../../types';
import { attr, attrs, flag, isObject, isReference, list, num, text } from '../../values';
import { kubernetesObjects, workloads } from '../../kubernetes';
import { clusterOfStack } from '../mon/common';

/** A node pool as this rule sees it. */
interface Pool {
  /** Where findings point (the node group / node pool, or the release carrying a Karpenter NodePool). */
  readonly resource: SynthResource;
  /** The pool's name. */
  readonly name: string;
  /** The cluster resource, when known. */
  readonly cluster?: SynthResource;
  /** For Karpenter NodePools: the stack installing them (bound to the cluster). */
  readonly stack?: SynthStack;
  /** Node labels (the pool's and the cloud's implicit ones). */
  readonly labels: Readonly<Record<string, unknown>>;
  /** Taints, effects in the Kubernetes API's spelling. */
  readonly taints: readonly { key: string; value?: string; effect: string }[];
  /** Spot / preemptible capacity. */
  readonly spot: boolean | 'unknown';
  /** The least nodes it keeps (undefined: scales to zero by construction, as Karpenter). */
  readonly min?: number | 'unknown';
  /** GPU (or other accelerator) capacity. */
  readonly gpu: boolean;
}

const EFFECT: Record<string, string> = { NO_SCHEDULE: 'NoSchedule', PREFER_NO_SCHEDULE: 'PreferNoSchedule', NO_EXECUTE: 'NoExecute' };
/** Accelerated EC2 families (GPU, Inferentia, Trainium). */
const AWS_ACCELERATED = /^(g\d|p\d|gr\d|inf\d|trn\d|dl\d)/;
/** Accelerator-optimized Compute Engine machine families. */
const GCP_ACCELERATED = /^(a2|a3|a4|g2|g4|ct\d)-/;

const isBatch = (p: Pool) => p.labels['loom.dev/flavour'] === 'batch' || p.labels['loom.dev/interruptible'] === 'true' || p.labels['loom.dev/capacity'] === 'interruptible';
const isSystem = (p: Pool) => p.labels['loom.dev/role'] === 'system';
const gpuLabelled = (labels: Record<string, unknown>) => 'loom.dev/gpu' in labels || labels['nvidia.com/gpu.present'] === 'true';
const asRecord = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});

/** Every node pool of the stacks. */
function pools(ctx: Parameters<PolicyRule['evaluate']>[0]): Pool[] {
  const out: Pool[] = [];
  for (const r of ctx.resources('aws_eks_node_group')) {
    const capacity = text(r.values, 'capacity_type') ?? 'ON_DEMAND';
    const labels = { ...asRecord(r.values.labels), 'eks.amazonaws.com/capacityType': capacity, 'eks.amazonaws.com/nodegroup': r.values.node_group_name };
    const types = list(r.values, 'instance_types').map(String);
    const ami = String(r.values.ami_type ?? '');
    const cluster = ctx.resolve(r, r.values.cluster_name);
    out.push({
      resource: r,
      name: String(r.values.node_group_name ?? r.name),
      ...(cluster ? { cluster } : {}),
      labels,
      taints: list(r.values, 'taint').map((t) => ({ key: String(attr(t, 'key')), ...(attr(t, 'value') !== undefined ? { value: String(attr(t, 'value')) } : {}), effect: EFFECT[String(attr(t, 'effect'))] ?? String(attr(t, 'effect')) })),
      spot: capacity === 'unknown' ? 'unknown' : capacity === 'SPOT',
      min: num(r.values, 'scaling_config.min_size'),
      gpu: /GPU|NVIDIA|NEURON/.test(ami) || types.some((t) => AWS_ACCELERATED.test(t)) || gpuLabelled(labels),
    });
  }
  for (const r of ctx.resources('google_container_node_pool')) {
    const spot = flag(r.values, 'node_config.spot');
    const preemptible = flag(r.values, 'node_config.preemptible');
    const accelerators = list(r.values, 'node_config.guest_accelerator');
    const gpu = accelerators.length > 0 || GCP_ACCELERATED.test(String(attr(r.values, 'node_config.machine_type') ?? '')) || gpuLabelled(asRecord(attr(r.values, 'node_config.labels')));
    const isSpot = spot === 'unknown' || preemptible === 'unknown' ? 'unknown' : spot === true || preemptible === true;
    const name = String(r.values.name ?? r.name);
    const labels = { ...asRecord(attr(r.values, 'node_config.labels')), 'cloud.google.com/gke-nodepool': name, ...(spot === true ? { 'cloud.google.com/gke-spot': 'true' } : {}), ...(preemptible === true ? { 'cloud.google.com/gke-preemptible': 'true' } : {}) };
    const taints = list(r.values, 'node_config.taint').map((t) => ({ key: String(attr(t, 'key')), ...(attr(t, 'value') !== undefined ? { value: String(attr(t, 'value')) } : {}), effect: EFFECT[String(attr(t, 'effect'))] ?? String(attr(t, 'effect')) }));
    // GKE taints GPU pools itself (nvidia.com/gpu=present:NoSchedule).
    if (accelerators.length > 0 && !taints.some((t) => t.key === 'nvidia.com/gpu')) taints.push({ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' });
    // The least nodes: the autoscaler's minimum, else the fixed size (node_count, else initial_node_count; provider default 1).
    const autoscaling = attr(r.values, 'autoscaling');
    const min = autoscaling !== undefined ? (num(r.values, 'autoscaling.total_min_node_count') ?? num(r.values, 'autoscaling.min_node_count') ?? 0) : (num(r.values, 'node_count') ?? num(r.values, 'initial_node_count') ?? 1);
    const cluster = ctx.resolve(r, r.values.cluster);
    out.push({ resource: r, name, ...(cluster ? { cluster } : {}), labels, taints, spot: isSpot, min, gpu });
  }
  for (const o of kubernetesObjects(ctx)) {
    if (o.kind !== 'NodePool' || !String(o.object.apiVersion ?? '').startsWith('karpenter.sh')) continue;
    const template = asRecord(asRecord(o.object.spec).template);
    const spec = asRecord(template.spec);
    const requirements = Array.isArray(spec.requirements) ? spec.requirements.filter(isObject) : [];
    const capacity = requirements.find((q) => q.key === 'karpenter.sh/capacity-type');
    const values = Array.isArray(capacity?.values) ? capacity!.values.map(String) : [];
    // Karpenter's default capacity type is on-demand; a requirement allowing spot makes it spot.
    const spot = capacity === undefined ? false : values.some(isReference) ? 'unknown' : (capacity.operator === 'In' && values.includes('spot')) || (capacity.operator === 'NotIn' && !values.includes('spot')) || capacity.operator === 'Exists';
    const labels = { ...asRecord(asRecord(template.metadata).labels), 'karpenter.sh/nodepool': o.name };
    const types = requirements.filter((q) => q.key === 'node.kubernetes.io/instance-type').flatMap((q) => (Array.isArray(q.values) ? q.values.map(String) : []));
    const taints = (Array.isArray(spec.taints) ? spec.taints.filter(isObject) : []).map((t) => ({ key: String(t.key), ...(t.value !== undefined ? { value: String(t.value) } : {}), effect: String(t.effect) }));
    const stack = ctx.stack(o.source.stack);
    const cluster = stack ? clusterOfStack(ctx, stack) : undefined;
    out.push({ resource: o.source, name: o.name, ...(cluster ? { cluster } : {}), ...(stack ? { stack } : {}), labels, taints, spot, gpu: gpuLabelled(labels) || types.some((t) => AWS_ACCELERATED.test(t)) });
  }
  return out;
}

/** What a pod asks of a node: nodeSelector, required node affinity, tolerations. */
interface Placement {
  readonly name: string;
  readonly nodeSelector: Record<string, unknown>;
  readonly terms: readonly Record<string, unknown>[];
  readonly tolerations: readonly Record<string, unknown>[];
}

/** Whether a pod with `p` can land on `pool`: true, false, or unknown (a reference in the selector). */
function admits(pool: Pool, p: Placement): boolean | 'unknown' {
  for (const [k, v] of Object.entries(p.nodeSelector)) {
    if (isReference(v)) return 'unknown';
    if (pool.labels[k] === undefined || String(pool.labels[k]) !== String(v)) return false;
  }
  if (p.terms.length) {
    const matches = (e: Record<string, unknown>) => {
      const has = e.key !== undefined && pool.labels[String(e.key)] !== undefined;
      const value = has ? String(pool.labels[String(e.key)]) : undefined;
      const vals = Array.isArray(e.values) ? e.values.map(String) : [];
      switch (e.operator) {
        case 'In': return has && vals.includes(value!);
        case 'NotIn': return !has || !vals.includes(value!);
        case 'Exists': return has;
        case 'DoesNotExist': return !has;
        default: return true;
      }
    };
    if (!p.terms.some((t) => (Array.isArray(t.matchExpressions) ? t.matchExpressions.filter(isObject) : []).every(matches))) return false;
  }
  for (const taint of pool.taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    const tolerated = p.tolerations.some((t) => {
      if (t.effect !== undefined && t.effect !== '' && t.effect !== taint.effect) return false;
      if (t.operator === 'Exists') return t.key === undefined || t.key === '' || t.key === taint.key;
      return t.key === taint.key && String(t.value ?? '') === String(taint.value ?? '');
    });
    if (!tolerated) return false;
  }
  return true;
}

/** The placement of a pod spec. */
function placementOf(name: string, spec: Record<string, unknown>): Placement {
  const required = asRecord(asRecord(asRecord(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  return {
    name,
    nodeSelector: asRecord(spec.nodeSelector),
    terms: Array.isArray(required.nodeSelectorTerms) ? required.nodeSelectorTerms.filter(isObject) : [],
    tolerations: Array.isArray(spec.tolerations) ? spec.tolerations.filter(isObject) : [],
  };
}

/** Expensive capacity is bounded: GPU/batch pools scale to zero, spot only where interruptible (never serving in prod), multipart uploads aborted. */
export const COST_003: PolicyRule = {
  id: 'LOOM-COST-003',
  area: 'COST',
  title: 'Expensive capacity is bounded',
  severity: { baseline: 'MEDIUM' },
  rationale: 'Idle GPU nodes are the largest avoidable line of an ML platform bill; spot capacity is cheap only for work that survives a two-minute reclaim, and serving on it turns a price event into an outage; abandoned multipart uploads are billed as storage forever.',
  fix: 'Give GPU and batch pools minNodes: 0 (clusters[].nodePools[]), or record why they keep nodes in a policies.exceptions entry; keep spot: true to batch pools, and in prod place serving (components.serving.cluster, endpoints[]) on on-demand capacity; give every bucket a lifecycle rule that aborts incomplete multipart uploads (S3 abort_incomplete_multipart_upload, GCS AbortIncompleteMultipartUpload).',
  anchors: ['CKV_AWS_300', 'CKV2_AWS_61'],
  providers: ['aws', 'google', 'kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const all = pools(ctx);
    const karpenter = (p: Pool) => p.resource.type === 'helm_release' || p.resource.type === 'kubernetes_manifest';
    for (const p of all) {
      const detail = (d: string) => (karpenter(p) ? `${d}::${p.name}` : d);
      if ((p.gpu || isBatch(p)) && !isSystem(p) && p.min !== undefined) {
        if (p.min === 'unknown') out.push({ resource: p.resource, message: `pool ${p.name}: its minimum size is a reference, decided at apply time`, unknown: true });
        else if (p.min > 0) out.push({ resource: p.resource, message: `${p.gpu ? 'GPU' : 'batch'} pool ${p.name} keeps ${p.min} node(s) when idle: it does not scale to zero`, detail: detail('ScaleToZero') });
      }
      if (p.spot === 'unknown') out.push({ resource: p.resource, message: `pool ${p.name}: its capacity type is a reference, decided at apply time`, unknown: true });
      else if (p.spot && !isBatch(p)) out.push({ resource: p.resource, message: `pool ${p.name} runs on spot / preemptible capacity but is neither a batch nor an interruptible pool`, detail: detail('SpotPool') });
    }

    // Serving on spot capacity, in prod: which serving pods each stack installs.
    if (ctx.settings.environment === 'prod') {
      const serving = new Map<string, Placement[]>();
      const add = (stack: string, p: Placement) => serving.set(stack, [...(serving.get(stack) ?? []), p]);
      for (const o of kubernetesObjects(ctx)) if (o.kind === 'InferenceService') add(o.source.stack, placementOf(o.name, asRecord(asRecord(o.object.spec).predictor)));
      for (const w of workloads(ctx)) {
        const labels = asRecord(asRecord(w.owner.object.metadata).labels);
        if (labels['loom.dev/component'] === 'serving') add(w.owner.source.stack, placementOf(w.owner.name, w.podSpec as Record<string, unknown>));
      }
      const stacksOf = new Map<SynthResource, string[]>();
      for (const s of ctx.stacks) {
        const c = clusterOfStack(ctx, s);
        if (c) stacksOf.set(c, [...(stacksOf.get(c) ?? []), s.name]);
      }
      for (const p of all) {
        if (p.spot !== true) continue;
        const stacks = p.cluster ? (stacksOf.get(p.cluster) ?? []) : p.stack ? [p.stack.name] : [];
        for (const pod of stacks.flatMap((s) => serving.get(s) ?? [])) {
          const a = admits(p, pod);
          const detail = karpenter(p) ? `Serving::${p.name}::${pod.name}` : `Serving::${pod.name}`;
          if (a === 'unknown') out.push({ resource: p.resource, message: `serving workload ${pod.name}: its nodeSelector is a reference; whether it lands on spot pool ${p.name} is decided at apply time`, unknown: true });
          else if (a) out.push({ resource: p.resource, message: `serving workload ${pod.name} can be scheduled onto spot pool ${p.name} in prod: a reclaim takes serving capacity away`, detail });
        }
      }
    }

    // Buckets abort incomplete multipart uploads.
    const aborting = new Set<SynthResource>();
    let unresolved = false;
    let undecided = false;
    for (const l of ctx.resources('aws_s3_bucket_lifecycle_configuration')) {
      const bucket = ctx.resolve(l, attr(l.values, 'bucket'));
      if (!bucket) {
        if (isReference(attr(l.values, 'bucket'))) unresolved = true;
        continue;
      }
      for (const rule of list(l.values, 'rule')) {
        const status = text(rule, 'status');
        const days = attr(rule, 'abort_incomplete_multipart_upload.days_after_initiation');
        if (days === undefined) continue;
        if (status === 'unknown') undecided = true;
        else if (status === 'Enabled') aborting.add(bucket);
      }
    }
    for (const b of ctx.resources('aws_s3_bucket')) {
      // The bucket's legacy inline lifecycle_rule blocks.
      if (list(b.values, 'lifecycle_rule').some((r) => attr(r, 'abort_incomplete_multipart_upload_days') !== undefined && flag(r, 'enabled') === true)) continue;
      if (aborting.has(b)) continue;
      if (unresolved || undecided) out.push({ resource: b, message: 'no enabled lifecycle rule is known to abort incomplete multipart uploads: a lifecycle configuration names its bucket or status by a reference', unknown: true });
      else out.push({ resource: b, message: 'no enabled lifecycle rule aborts incomplete multipart uploads (abort_incomplete_multipart_upload)', detail: 'AbortMultipartUpload' });
    }
    for (const b of ctx.resources('google_storage_bucket')) {
      const types = attrs(b.values, 'lifecycle_rule.action.type');
      if (types.includes('AbortIncompleteMultipartUpload')) continue;
      if (types.some(isReference)) out.push({ resource: b, message: 'a lifecycle_rule action is a reference, decided at apply time', unknown: true });
      else out.push({ resource: b, message: 'no lifecycle_rule has the action AbortIncompleteMultipartUpload', detail: 'AbortMultipartUpload' });
    }
    return out;
  },
};
