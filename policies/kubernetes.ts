/**
 * Kubernetes objects in the synthesized JSON, one shape for all three ways Loom (or a TypeScript
 * author) writes them: the Kubernetes provider's `kubernetes_*_v1` resources (snake_case blocks,
 * converted here to the API's camelCase), `kubernetes_manifest` objects, and the objects Loom's
 * resources chart carries in its values. Rules over workloads read {@link workloads}; rules over
 * other kinds read {@link kubernetesObjects}.
 */
import type { RuleContext, SynthResource } from './types';
import { helmValues, isLoomResourcesChart, isObject, isReference } from './values';

/** The provider's repeated blocks, by their API (plural) names. */
const REPEATED: Readonly<Record<string, string>> = {
  container: 'containers',
  init_container: 'initContainers',
  volume: 'volumes',
  volume_mount: 'volumeMounts',
  port: 'ports',
  env: 'env',
  env_from: 'envFrom',
  toleration: 'tolerations',
  topology_spread_constraint: 'topologySpreadConstraints',
  image_pull_secrets: 'imagePullSecrets',
  match_expressions: 'matchExpressions',
  rule: 'rules',
  subject: 'subjects',
  ingress: 'ingress',
  egress: 'egress',
  from: 'from',
  to: 'to',
  host_aliases: 'hostAliases',
  limit: 'limits',
  scope_selector: 'scopeSelector',
  match_expression: 'matchExpressions',
  policy_types: 'policyTypes',
  items: 'items',
  key_to_path: 'items',
  volume_claim_template: 'volumeClaimTemplates',
  sysctl: 'sysctls',
};

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Keys whose maps keep their keys verbatim (labels, annotations, resource quantities, selectors). */
const VERBATIM = new Set(['labels', 'annotations', 'match_labels', 'node_selector', 'data', 'binary_data', 'limits', 'requests', 'hard', 'selector_labels', 'string_data']);

/** A provider resource's body, converted to the Kubernetes API's shape. */
export function toApiShape(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    if (key in REPEATED || value.some((v) => !isObject(v)) || value.length !== 1) return value.map((v) => toApiShape(v));
    return toApiShape(value[0], key);
  }
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '//' || k === 'depends_on' || k === 'lifecycle' || k === 'provider' || k === 'wait_for_rollout' || k === 'timeouts') continue;
    if (VERBATIM.has(k) && isObject(v)) {
      out[camel(k)] = v;
      continue;
    }
    const name = REPEATED[k] ?? camel(k);
    out[name] = k in REPEATED ? (Array.isArray(v) ? v : [v]).map((x) => toApiShape(x)) : toApiShape(v, k);
  }
  return out;
}

/** The kind of a `kubernetes_<kind>_v1` type (`kubernetes_cluster_role_binding_v1` → `ClusterRoleBinding`). */
export function kindOfType(type: string): string | undefined {
  const m = /^kubernetes_(.+?)(_v\d+)?$/.exec(type);
  if (!m || type === 'kubernetes_manifest') return undefined;
  const special: Record<string, string> = { horizontal_pod_autoscaler: 'HorizontalPodAutoscaler', pod_disruption_budget: 'PodDisruptionBudget', default_service_account: 'ServiceAccount', config_map: 'ConfigMap' };
  return special[m[1]!] ?? m[1]!.split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** A Kubernetes object, wherever it was written. */
export interface KubernetesObject {
  /** The Terraform resource that writes it (a `kubernetes_*` resource, a `kubernetes_manifest`, or the resources chart's release). */
  readonly source: SynthResource;
  /** `kind`. */
  readonly kind: string;
  /** `metadata.name` (may be a reference). */
  readonly name: string;
  /** `metadata.namespace`, when namespaced (may be a reference). */
  readonly namespace?: string;
  /** The whole object in the API's shape (`metadata`, `spec`, …). */
  readonly object: Readonly<Record<string, unknown>>;
}

/**
 * Every Kubernetes object of the stacks (provider resources, manifests, Loom's resources chart),
 * gathered once per check (a rule context) and shared by the rules that read them.
 */
export function kubernetesObjects(ctx: RuleContext): readonly KubernetesObject[] {
  let found = objectsOf.get(ctx);
  if (!found) {
    found = gatherObjects(ctx);
    objectsOf.set(ctx, found);
  }
  return found;
}
const objectsOf = new WeakMap<RuleContext, readonly KubernetesObject[]>();

function gatherObjects(ctx: RuleContext): KubernetesObject[] {
  const out: KubernetesObject[] = [];
  const push = (source: SynthResource, object: Record<string, unknown>, kind?: string) => {
    const metadata = isObject(object.metadata) ? object.metadata : {};
    const k = kind ?? String(object.kind ?? '');
    out.push({ source, kind: k, name: String(metadata.name ?? ''), ...(metadata.namespace !== undefined ? { namespace: String(metadata.namespace) } : {}), object: { ...object, kind: k } });
  };
  for (const s of ctx.stacks)
    for (const r of s.resources) {
      if (r.type === 'kubernetes_manifest') {
        if (isObject(r.values.manifest)) push(r, r.values.manifest);
        continue;
      }
      if (r.type === 'helm_release' && isLoomResourcesChart(r)) {
        const resources = helmValues(r).values.resources;
        if (Array.isArray(resources)) for (const o of resources) if (isObject(o)) push(r, o);
        continue;
      }
      const kind = r.type.startsWith('kubernetes_') ? kindOfType(r.type) : undefined;
      if (kind) push(r, toApiShape(r.values) as Record<string, unknown>, kind);
    }
  return out;
}

/** A container of a workload. */
export interface ContainerView {
  /** Its name. */
  readonly name: string;
  /** Its image (may be a reference). */
  readonly image?: string;
  /** Its security context. */
  readonly securityContext: Readonly<Record<string, unknown>>;
  /** `requests` and `limits`. */
  readonly resources: { readonly requests: Readonly<Record<string, unknown>>; readonly limits: Readonly<Record<string, unknown>> };
  /** `env` entries. */
  readonly env: readonly Readonly<Record<string, unknown>>[];
  /** `ports`. */
  readonly ports: readonly Readonly<Record<string, unknown>>[];
  /** The whole container. */
  readonly raw: Readonly<Record<string, unknown>>;
  /** An init container. */
  readonly init: boolean;
}

/** A workload: a pod template and what owns it. */
export interface WorkloadView {
  /** The object that holds the template. */
  readonly owner: KubernetesObject;
  /** `replicas`, for kinds that have it. */
  readonly replicas?: unknown;
  /** The pod spec. */
  readonly podSpec: Readonly<Record<string, unknown>>;
  /** Its containers and init containers. */
  readonly containers: readonly ContainerView[];
}

const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/** The pod spec of a workload object. */
function podSpecOf(kind: string, object: Record<string, unknown>): Record<string, unknown> | undefined {
  const spec = isObject(object.spec) ? object.spec : undefined;
  if (!spec) return undefined;
  if (kind === 'Pod') return spec;
  if (kind === 'CronJob') {
    const job = isObject(spec.jobTemplate) ? spec.jobTemplate : undefined;
    const jobSpec = job && isObject(job.spec) ? job.spec : undefined;
    const template = jobSpec && isObject(jobSpec.template) ? jobSpec.template : undefined;
    return template && isObject(template.spec) ? template.spec : undefined;
  }
  const template = isObject(spec.template) ? spec.template : undefined;
  return template && isObject(template.spec) ? template.spec : undefined;
}

const asObject = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});
const asList = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isObject) : isObject(v) ? [v] : []);

/**
 * Every workload of the stacks (see {@link WorkloadView}), once per check; Helm charts' own
 * templates are not visible here.
 */
export function workloads(ctx: RuleContext): readonly WorkloadView[] {
  let found = workloadsOf.get(ctx);
  if (!found) {
    found = gatherWorkloads(ctx);
    workloadsOf.set(ctx, found);
  }
  return found;
}
const workloadsOf = new WeakMap<RuleContext, readonly WorkloadView[]>();

function gatherWorkloads(ctx: RuleContext): WorkloadView[] {
  const out: WorkloadView[] = [];
  for (const o of kubernetesObjects(ctx)) {
    if (!WORKLOAD_KINDS.has(o.kind)) continue;
    const podSpec = podSpecOf(o.kind, o.object as Record<string, unknown>);
    if (!podSpec) continue;
    const view = (c: Record<string, unknown>, init: boolean): ContainerView => {
      const resources = asObject(c.resources);
      return {
        name: String(c.name ?? ''),
        ...(typeof c.image === 'string' ? { image: c.image } : {}),
        securityContext: asObject(c.securityContext),
        resources: { requests: asObject(resources.requests), limits: asObject(resources.limits) },
        env: asList(c.env),
        ports: asList(c.ports),
        raw: c,
        init,
      };
    };
    const spec = asObject((o.object as Record<string, unknown>).spec);
    out.push({
      owner: o,
      ...(spec.replicas !== undefined ? { replicas: spec.replicas } : {}),
      podSpec,
      containers: [...asList(podSpec.containers).map((c) => view(c, false)), ...asList(podSpec.initContainers).map((c) => view(c, true))],
    });
  }
  return out;
}

/** Whether a value is decided at apply time (a reference), so a rule reports unknown rather than pass or fail. */
export const undecided = (v: unknown): boolean => isReference(v);
