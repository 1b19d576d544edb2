/**
 * On existing clusters, built components every cluster reaches must run on one cluster.
 *
 * Each cluster's `loom-platform` ConfigMap carries what clients need to reach the platform's built
 * components from that cluster. On aws and gcp a component on another cluster is reached by its
 * fixed name (a private DNS zone answering with addresses of the address plan), known at plan
 * time; on existing clusters given `internalDomain`, by a name the premises' DNS answers. Otherwise
 * Loom knows no name there: the load balancer's address is read back from the
 * add-ons stack of the cluster the component runs on — so with such components on two different
 * clusters, those two add-ons stacks would each read the other's state, a dependency cycle no
 * apply order can satisfy (cdktf refuses it at synth). Validation says so there, naming the
 * components and the way out.
 */
import { componentCluster } from '../plan';
import type { ComponentName, PlatformSpec } from './schema';

/** The built components other clusters reach through their add-ons stack's state, on `spec`. */
export function reachedBuiltComponents(spec: PlatformSpec): { readonly name: ComponentName; readonly cluster: string }[] {
  const c = spec.components;
  const reached: ComponentName[] = [];
  if (c.registry?.mode === 'build') reached.push('registry');
  if (c.experimentTracking?.mode === 'build') reached.push('experimentTracking');
  if (c.featureStore?.mode === 'build') reached.push('featureStore');
  if (c.serving?.mode === 'build' && c.serving.endpoints.length > 0) reached.push('serving');
  if (c.pipelines?.mode === 'build') reached.push('pipelines');
  if (c.streaming?.mode === 'build') reached.push('streaming');
  return reached.flatMap((name) => {
    const cluster = componentCluster(spec, name, c[name]?.cluster);
    return cluster ? [{ name, cluster: cluster.name }] : [];
  });
}

/** Refuses built components reached from every cluster on more than one cluster (see the module comment). */
export function checkReachRules(spec: PlatformSpec, err: (path: string, message: string) => void): void {
  if (spec.cloud !== 'kubernetes' || spec.internalDomain || spec.clusters.length < 2) return;
  const reached = reachedBuiltComponents(spec);
  const first = reached[0];
  if (!first) return;
  for (const other of reached.filter((r) => r.cluster !== first.cluster)) {
    err(
      `components.${other.name}`,
      `is built on cluster '${other.cluster}', and ${first.name} is built on '${first.cluster}': every cluster reaches both through the add-ons stack of the cluster each runs on, so those two stacks would read each other's state, a cycle no apply order satisfies; name them under a domain your DNS answers (internalDomain: ml.example.internal — each load balancer then carries ExternalDNS's hostname annotation), or run the built components other clusters reach on one cluster (cluster: ${first.cluster}, where its flavour allows)`,
    );
  }
}
