/**
 * LOOM-COST-001: every resource carries cost-allocation tags (AWS) or labels (Google Cloud,
 * Kubernetes namespaces): the platform, the environment, the team and the cost centre. Loom tags
 * AWS resources through each stack's aws provider `default_tags` and labels GKE clusters and node
 * pools with `resource_labels`, using its own names `loom-platform` and `loom-environment` for the
 * platform and the environment — Loom's spelling of exactly the catalogue's `platform` and
 * `environment` keys, so either spelling is accepted — plus the spec's `labels` (where `team` and
 * `cost-center` come from). ASG tags propagate to the instances they launch, and RDS copies its
 * tags to its snapshots.
 */
import type { FindingLocation, PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, flag, isObject, isReference, list } from '../../values';
import { kubernetesObjects } from '../../kubernetes';

/** A cost-allocation key and the spellings that satisfy it. */
interface CostKey {
  /** The catalogue's name. */
  readonly key: string;
  /** Every accepted spelling (Loom's own first-party names included). */
  readonly spellings: readonly string[];
}

/** The keys AWS resources and GKE clusters and pools carry. */
export const COST_KEYS: readonly CostKey[] = [
  { key: 'platform', spellings: ['platform', 'loom-platform'] },
  { key: 'environment', spellings: ['environment', 'loom-environment'] },
  { key: 'team', spellings: ['team'] },
  { key: 'cost-center', spellings: ['cost-center'] },
];
/** The keys Kubernetes namespaces carry. */
const NAMESPACE_KEYS = COST_KEYS.filter((k) => k.key === 'team' || k.key === 'cost-center');

/** The keys of a tag/label map missing from `keys`; `unknown` when the map is a reference. */
function missing(map: unknown, keys: readonly CostKey[]): CostKey[] | 'unknown' {
  if (isReference(map)) return 'unknown';
  const present = isObject(map) ? Object.keys(map).filter((k) => map[k] !== undefined && map[k] !== null) : [];
  return keys.filter((k) => !k.spellings.some((s) => present.includes(s)));
}

/** Cost-allocation tags and labels on AWS providers and resources, GKE clusters and pools, and namespaces. */
export const COST_001: PolicyRule = {
  id: 'LOOM-COST-001',
  area: 'COST',
  title: 'Cost-allocation tags and labels everywhere',
  severity: { baseline: 'LOW' },
  rationale: 'Untagged spend cannot be charged back: the bill shows an ML platform as one number, and nobody can tell which team or environment a GPU node or a bucket belongs to.',
  fix: 'Give the spec labels with team and cost-center (labels: { team: …, cost-center: … }); Loom adds loom-platform and loom-environment itself (from name and environment) to every AWS provider default_tags, GKE resource_labels and namespace. Set propagate_at_launch = true on ASG tags and copy_tags_to_snapshot = true on RDS.',
  anchors: ['CKV_GCP_21', 'AVD-GCP-0051', 'CKV_AWS_153', 'CKV_AWS_313', 'CKV2_AWS_60'],
  providers: ['aws', 'google', 'kubernetes'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const report = (resource: SynthResource | FindingLocation, what: string, keys: CostKey[] | 'unknown', prefix: 'Tag' | 'Label') => {
      if (keys === 'unknown') out.push({ resource, message: `${what} is a reference, decided at apply time`, unknown: true });
      else for (const k of keys) out.push({ resource, message: `${what} has no ${k.spellings.join(' or ')} key`, detail: `${prefix}::${k.key}` });
    };

    // AWS: each aws provider block's default_tags; a key every resource of the stack tags itself is waived.
    for (const s of ctx.stacks) {
      const blocks = s.providers.aws ?? [];
      if (!blocks.length) continue;
      const own = s.resources.filter((r) => r.type.startsWith('aws_'));
      blocks.forEach((block) => {
        const alias = typeof block.alias === 'string' ? block.alias : undefined;
        const tags = attr(block, 'default_tags.tags');
        let keys = missing(tags, COST_KEYS);
        if (keys !== 'unknown' && own.length > 0) {
          const users = own.filter((r) => (alias ? r.values.provider === `aws.${alias}` : r.values.provider === undefined || r.values.provider === 'aws'));
          keys = keys.filter((k) => users.length === 0 || !users.every((r) => isObject(r.values.tags) && k.spellings.some((sp) => sp in (r.values.tags as object))));
        }
        report({ stack: s.name, path: alias ? `provider.aws.${alias}` : 'provider.aws' }, `the aws provider's default_tags${tags === undefined ? ' (omitted)' : ''}`, keys, 'Tag');
      });
    }
    // ASG tags propagate at launch (a required attribute of each tag block).
    for (const asg of ctx.resources('aws_autoscaling_group')) {
      for (const t of list(asg.values, 'tag')) {
        const p = flag(t, 'propagate_at_launch');
        const key = String(attr(t, 'key') ?? '');
        if (p === 'unknown') out.push({ resource: asg, message: `tag ${key}: propagate_at_launch is a reference, decided at apply time`, unknown: true });
        else if (p !== true) out.push({ resource: asg, message: `tag ${key} does not propagate to the instances the group launches`, detail: `PropagateAtLaunch::${key}` });
      }
    }
    // RDS copies tags to snapshots (provider default: false).
    for (const db of ctx.resources('aws_db_instance', 'aws_rds_cluster')) {
      const copy = flag(db.values, 'copy_tags_to_snapshot');
      if (copy === 'unknown') out.push({ resource: db, message: 'copy_tags_to_snapshot is a reference, decided at apply time', unknown: true });
      else if (copy !== true) out.push({ resource: db, message: `copy_tags_to_snapshot is ${copy === undefined ? 'omitted (false)' : 'false'}: snapshots are untagged spend`, detail: 'CopyTagsToSnapshot' });
    }

    // Google: cluster resource_labels (with the provider's default_labels, which the provider merges
    // into a cluster's labels) and each node pool's node_config.resource_labels.
    for (const c of ctx.resources('google_container_cluster')) {
      const labels = attr(c.values, 'resource_labels');
      if (isReference(labels)) {
        report(c, 'resource_labels', 'unknown', 'Label');
        continue;
      }
      const defaults = (ctx.stack(c.stack)?.providers.google ?? []).map((b) => attr(b, 'default_labels')).find(isObject);
      report(c, 'resource_labels', missing({ ...(defaults ?? {}), ...(isObject(labels) ? labels : {}) }, COST_KEYS), 'Label');
    }
    for (const p of ctx.resources('google_container_node_pool')) report(p, 'node_config.resource_labels', missing(attr(p.values, 'node_config.resource_labels'), COST_KEYS), 'Label');

    // Kubernetes: namespaces carry team and cost-center.
    for (const o of kubernetesObjects(ctx)) {
      if (o.kind !== 'Namespace') continue;
      const metadata = isObject(o.object.metadata) ? o.object.metadata : {};
      const what = `namespace ${o.name}'s labels`;
      report(o.source, what, missing(metadata.labels, NAMESPACE_KEYS), 'Label');
    }
    return out;
  },
};
