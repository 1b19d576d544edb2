/**
 * What the MON (and COST) rules share: which cluster a Kubernetes/Helm stack talks to (its provider's
 * `host`, followed across stacks to the `aws_eks_cluster` / `google_container_cluster` it names), and
 * the Kubernetes targets of a platform — every cloud cluster, plus every stack whose provider reaches
 * a cluster Loom does not create (an existing cluster, `cloud: kubernetes`).
 */
import type { FindingLocation, RuleContext, SynthResource, SynthStack } from '../../types';
import { attr, isReference } from '../../values';

/** The cloud clusters' resource types. */
export const CLUSTER_TYPES = ['aws_eks_cluster', 'google_container_cluster'] as const;

/** The `host` a stack's kubernetes (or helm) provider connects to, when it has one. */
export function kubernetesHost(stack: SynthStack): unknown {
  for (const block of stack.providers.kubernetes ?? []) if (attr(block, 'host') !== undefined) return attr(block, 'host');
  for (const block of stack.providers.helm ?? []) if (attr(block, 'kubernetes.host') !== undefined) return attr(block, 'kubernetes.host');
  return undefined;
}

/** Whether a stack talks to a Kubernetes cluster (has a kubernetes or helm provider). */
export const isKubernetesStack = (stack: SynthStack): boolean => (stack.providers.kubernetes?.length ?? 0) > 0 || (stack.providers.helm?.length ?? 0) > 0;

/** The cloud cluster a Kubernetes stack's provider reaches (followed across stacks), when it can be told. */
export function clusterOfStack(ctx: RuleContext, stack: SynthStack): SynthResource | undefined {
  const host = kubernetesHost(stack);
  if (!isReference(host)) return undefined;
  const target = ctx.resolve(stack, host);
  return target && (CLUSTER_TYPES as readonly string[]).includes(target.type) ? target : undefined;
}

/** A Kubernetes target of the platform: a cloud cluster with the stacks that install into it, or a stack reaching a cluster Loom does not create. */
export interface ClusterTarget {
  /** The cloud cluster's resource, absent for an existing cluster. */
  readonly cluster?: SynthResource;
  /** Where a finding about the target points: the cluster resource, or the stack's kubernetes provider. */
  readonly location: SynthResource | FindingLocation;
  /** The stacks whose kubernetes/helm provider reaches it. */
  readonly stacks: readonly SynthStack[];
  /** The provider's host is a reference that cannot be followed: the target may be a cloud cluster. */
  readonly unresolved: boolean;
}

/** Every Kubernetes target of the platform (see {@link ClusterTarget}), in resource then stack order. */
export function clusterTargets(ctx: RuleContext): ClusterTarget[] {
  const byCluster = new Map<SynthResource, SynthStack[]>();
  for (const c of ctx.resources(...CLUSTER_TYPES)) byCluster.set(c, []);
  const others: ClusterTarget[] = [];
  for (const s of ctx.stacks) {
    if (!isKubernetesStack(s)) continue;
    const cluster = clusterOfStack(ctx, s);
    if (cluster) byCluster.get(cluster)?.push(s);
    else {
      const provider = (s.providers.kubernetes?.length ?? 0) > 0 ? 'kubernetes' : 'helm';
      others.push({ location: { stack: s.name, path: `provider.${provider}` }, stacks: [s], unresolved: isReference(kubernetesHost(s)) });
    }
  }
  return [...[...byCluster].map(([cluster, stacks]) => ({ cluster, location: cluster, stacks, unresolved: false })), ...others];
}
