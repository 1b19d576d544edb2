/**
 * LOOM-AS-001: scaling bounds are coherent and an autoscaler exists. EKS node groups keep
 * 0 ≤ min ≤ desired ≤ max with max ≥ 1; a group that can grow (min < max) has cluster-autoscaler
 * watching its cluster (Karpenter provisions its own nodes and never resizes managed node groups)
 * and leaves `desired_size` to it through `lifecycle.ignore_changes`; GKE autoscaling bounds are
 * ordered; Auto Scaling groups use launch templates and, behind load balancers, ELB health checks.
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, chartOf, helmValues, isReference, list, num, text } from '../../values';

/** The clusters cluster-autoscaler releases watch (`autoDiscovery.clusterName`), and whether some cannot be read. */
function autoscaledClusters(ctx: RuleContext): { clusters: Set<SynthResource>; names: Set<string>; unknown: boolean } {
  const clusters = new Set<SynthResource>();
  const names = new Set<string>();
  let unknown = false;
  for (const r of ctx.resources('helm_release')) {
    if (chartOf(r).split('/').pop() !== 'cluster-autoscaler') continue;
    const hv = helmValues(r);
    const name = attr(hv.values, 'autoDiscovery.clusterName');
    const groups = list(hv.values, 'autoscalingGroups');
    if (isReference(name)) {
      const target = ctx.resolve(r, name);
      if (target) clusters.add(target);
      else unknown = true;
    } else if (typeof name === 'string' && name) names.add(name);
    else if (groups.length) unknown = true; // Explicit group names: matched by hand, not here.
    else if (hv.unknown) unknown = true;
  }
  return { clusters, names, unknown };
}

/** Whether `ignore_changes` leaves the desired size alone. */
const ignoresDesired = (values: unknown): boolean => {
  const ignore = attr(values, 'lifecycle.ignore_changes');
  if (ignore === 'all') return true;
  return list(values, 'lifecycle.ignore_changes').some((p) => ['all', 'scaling_config', 'scaling_config[0]', 'scaling_config[0].desired_size', 'scaling_config.0.desired_size'].includes(String(p)));
};

/** LOOM-AS-001: Scaling bounds are coherent and an autoscaler exists. What it reads and why: see the module comment. */
export const AS_001: PolicyRule = {
  id: 'LOOM-AS-001',
  area: 'AS',
  title: 'Scaling bounds are coherent and an autoscaler exists',
  severity: { baseline: 'HIGH' },
  rationale: 'Incoherent bounds fail at apply time; a group that may grow with nothing growing it never does; a desired size Terraform owns is reset on every apply, undoing the autoscaler and evicting pods.',
  fix: 'Pools: clusters[].pools[].minNodes ≤ desiredNodes ≤ maxNodes (Loom derives the node groups, constructs/cluster/eks-cluster.ts, with lifecycle ignore_changes on scaling_config[0].desired_size). With clusters[].autoscaler: cluster-autoscaler every growable managed group is watched; with karpenter, the system group needs cluster-autoscaler too or minNodes = maxNodes (constructs/addons/cluster-autoscaler.ts).',
  anchors: ['AwsSolutions-AS1', 'AwsSolutions-AS2', 'AwsSolutions-AS3', 'HIPAA.Security-AutoScalingGroupELBHealthCheckRequired', 'CKV2_AWS_15', 'CKV_AWS_315'],
  providers: ['aws', 'google', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const ca = autoscaledClusters(ctx);
    const karpenter = ctx.resources('helm_release').filter((r) => chartOf(r).split('/').pop() === 'karpenter');
    for (const ng of ctx.resources('aws_eks_node_group')) {
      const min = num(ng.values, 'scaling_config.min_size');
      const max = num(ng.values, 'scaling_config.max_size');
      const desired = num(ng.values, 'scaling_config.desired_size');
      if (min === 'unknown' || max === 'unknown' || desired === 'unknown') {
        out.push({ resource: ng, message: 'scaling_config is set by references, decided at apply time', unknown: true });
        continue;
      }
      if (min === undefined || max === undefined || desired === undefined) {
        out.push({ resource: ng, message: 'scaling_config lacks min_size, max_size or desired_size (all three are required)', detail: 'Bounds' });
        continue;
      }
      if (!(min >= 0 && min <= desired && desired <= max && max >= 1)) {
        out.push({ resource: ng, message: `scaling_config is incoherent: min ${min}, desired ${desired}, max ${max} (want 0 ≤ min ≤ desired ≤ max, max ≥ 1)`, detail: 'Bounds' });
        continue;
      }
      if (min === max) continue; // Fixed size: nothing to autoscale.
      const cluster = ctx.resolve(ng, ng.values.cluster_name);
      const clusterName = cluster ? text(cluster.values, 'name') : text(ng.values, 'cluster_name');
      const watched = (cluster !== undefined && ca.clusters.has(cluster)) || (typeof clusterName === 'string' && ca.names.has(clusterName));
      if (!watched) {
        if (ca.unknown) out.push({ resource: ng, message: 'a cluster-autoscaler release\'s cluster cannot be read: whether it watches this group is unknown', unknown: true });
        else {
          const note = karpenter.length ? ' (Karpenter provisions its own nodes and does not resize managed node groups)' : '';
          out.push({ resource: ng, message: `min ${min} < max ${max}, but no cluster-autoscaler watches the cluster${note}: the group never grows past ${desired}`, detail: 'Autoscaler' });
        }
      }
      if (!ignoresDesired(ng.values)) out.push({ resource: ng, message: 'desired_size is not in lifecycle.ignore_changes: every apply resets the size the autoscaler chose', detail: 'IgnoreDesiredSize' });
    }

    for (const p of ctx.resources('google_container_node_pool', 'google_container_cluster')) {
      const blocks = p.type === 'google_container_cluster' ? list(p.values, 'node_pool').map((b) => attr(b, 'autoscaling')) : [attr(p.values, 'autoscaling')];
      for (const a of blocks) {
        if (a === undefined || a === null) continue;
        for (const [lo, hi] of [['min_node_count', 'max_node_count'], ['total_min_node_count', 'total_max_node_count']] as const) {
          const min = num(a, lo);
          const max = num(a, hi);
          if (min === 'unknown' || max === 'unknown') out.push({ resource: p, message: `autoscaling.${lo}/${hi} are references, decided at apply time`, unknown: true });
          else if (min !== undefined && max !== undefined && (min < 0 || min > max || max < 1)) out.push({ resource: p, message: `autoscaling.${lo} ${min} and ${hi} ${max} are incoherent`, detail: 'Bounds' });
        }
      }
    }

    for (const g of ctx.resources('aws_autoscaling_group')) {
      const lt = attr(g.values, 'launch_template') ?? attr(g.values, 'mixed_instances_policy.launch_template');
      if (lt === undefined) out.push({ resource: g, message: 'no launch template (a launch configuration or none)', detail: 'LaunchTemplate' });
      const behindLb = list(g.values, 'target_group_arns').length > 0 || list(g.values, 'load_balancers').length > 0;
      const check = text(g.values, 'health_check_type') ?? 'EC2';
      if (behindLb && check === 'unknown') out.push({ resource: g, message: 'health_check_type is a reference, decided at apply time', unknown: true });
      else if (behindLb && check !== 'ELB') out.push({ resource: g, message: `behind a load balancer with health_check_type ${check} (default EC2)`, detail: 'HealthCheck' });
      const min = num(g.values, 'min_size');
      const max = num(g.values, 'max_size');
      if (typeof min === 'number' && typeof max === 'number' && (min > max || max < 1)) out.push({ resource: g, message: `min_size ${min} and max_size ${max} are incoherent`, detail: 'Bounds' });
    }
    return out;
  },
};
