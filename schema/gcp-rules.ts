/**
 * Rules that only Google Cloud platforms have: the project number (gcp only), the pod range and
 * its capacity, and what GKE node pools can express. Called from `checkRules`.
 */
import type { PlatformSpec } from './schema';
import { networkSchema } from './schema';
import { cidrProblem } from './rules';
import { defaultZones, isRegionOf, zoneCount } from '../catalog/regions';
import { machineFamily, machineTypeFacts, isGpuMachineType } from '../catalog/machine-types';
import { FLAVOUR_PROFILES, GKE_MAX_PODS_PER_NODE, needsSystemPool, SYSTEM_POOL, GKE_POD_ADDRESSES_PER_NODE, gkeNodeCapacity, PlanError, planGcpRanges, clusterResourceName } from '../plan';
import { overlaps, parseCidr, PUBLIC_BLOCK_PREFIX, sizeOf } from '../plan/addresses';

type Report = (path: string, message: string) => void;

/** Ranges offered when `network.podCidr` collides with `network.cidr`, first the default. */
const POD_CIDR_SUGGESTIONS = ['172.16.0.0/12', '10.64.0.0/10', '192.168.0.0/16'];

export function checkGcpRules(spec: PlatformSpec, err: Report, warn: Report): void {
  const cloud = spec.cloud;
  // gcpProjectNumber is optional: without it the cluster stacks read it (data.google_project).
  if (cloud !== 'gcp' && spec.gcpProjectNumber !== undefined) err('gcpProjectNumber', `is only for cloud: gcp; remove it (cloud is '${cloud}')`);
  // Google Groups for RBAC is GKE's: other clouds map groups in their own way (EKS access entries, the OIDC issuer).
  if (cloud !== 'gcp' && spec.gkeSecurityGroup !== undefined) {
    err('gkeSecurityGroup', `is only for cloud: gcp (Google Groups for RBAC on GKE), and cloud is '${cloud}'; remove it${cloud === 'aws' ? " (on EKS, list teams' members as IAM role or user ARNs)" : " (on existing clusters, bind the group names the cluster's OIDC issuer gives)"}`);
  }
  if (cloud !== 'gcp') return;

  // Pod and service ranges.
  const network = spec.network ?? networkSchema.parse({});
  // Size is the plan's to judge (below): it knows what the clusters need.
  const podProblem = cidrProblem(network.podCidr, { rfc1918: true });
  if (podProblem) err('network.podCidr', podProblem);
  const cidrOk = cidrProblem(network.cidr) === undefined && parseCidr(network.cidr).prefix <= PUBLIC_BLOCK_PREFIX;
  if (!podProblem && cidrOk) {
    if (overlaps(parseCidr(network.podCidr), parseCidr(network.cidr))) {
      const free = POD_CIDR_SUGGESTIONS.find((s) => !overlaps(parseCidr(s), parseCidr(network.cidr)));
      err('network.podCidr', `${network.podCidr} overlaps network.cidr ${network.cidr}; pods and services need a range of their own, e.g. ${free}`);
    } else {
      try {
        planGcpRanges(network.cidr, network.podCidr, spec.clusters.map((c) => ({ ...c, resourceName: clusterResourceName(spec.name, c.name) })));
      } catch (e) {
        if (e instanceof PlanError) err(e.path, e.message);
        else throw e;
      }
    }
  }
  // Zones listed by hand must exist: Google Cloud regions skip letters (us-central1 has a, b, c, f).
  if (spec.region && isRegionOf('gcp', spec.region)) {
    const known = defaultZones('gcp', spec.region, zoneCount('gcp', spec.region));
    network.availabilityZones?.forEach((z, i) => {
      if (/^-[a-z]$/.test(z.slice(spec.region!.length)) && z.startsWith(spec.region!) && !known.includes(z)) {
        err(`network.availabilityZones[${i}]`, `'${z}' is not a zone of ${spec.region}; its zones are ${known.join(', ')}`);
      }
    });
  }
  if (network.natGateways === 'per-zone') {
    warn('network.natGateways', 'has no effect on gcp: Cloud NAT is a regional service with no per-zone gateway, and one Cloud NAT serves every zone; remove it');
  }

  spec.clusters.forEach((c, ci) => {
    const at = `clusters[${ci}]`;
    const profile = FLAVOUR_PROFILES[c.flavour];
    const pools = c.nodePools ?? [];
    // Every node takes a /24 of the pod range whether it runs 1 pod or 110.
    // The system pool Loom adds (see needsSystemPool) takes addresses too.
    const system = needsSystemPool('gcp', c) ? SYSTEM_POOL.maxNodes : 0;
    const total = pools.reduce((n, p) => n + p.maxNodes, 0) + system;
    const capacity = gkeNodeCapacity(profile.podRangePrefix);
    if (total > capacity) {
      err(
        `${at}.nodePools`,
        `the pools may grow to ${total} nodes (the sum of maxNodes${system ? `, plus ${system} for the system pool` : ''}), but a ${c.flavour} cluster's pod range is a /${profile.podRangePrefix} (${sizeOf(profile.podRangePrefix)} addresses) and GKE reserves ${GKE_POD_ADDRESSES_PER_NODE} pod addresses (a /24) per node at ${GKE_MAX_PODS_PER_NODE} pods per node, so it holds ${capacity} nodes; lower maxNodes to ${capacity} in total, or move pools to another cluster`,
      );
    }
    pools.forEach((p, pi) => {
      const pat = `${at}.nodePools[${pi}]`;
      if (p.machineTypes.length > 1) {
        warn(`${pat}.machineTypes`, `a GKE node pool has one machine type, so only '${p.machineTypes[0]}' is used; list one, or make a pool per machine type`);
      }
      // Accelerator-optimised families come with a fixed number of GPUs per machine type.
      const mt = p.machineTypes[0]!;
      const facts = machineTypeFacts('gcp', mt, spec.machineTypes);
      if (p.gpu && facts && isGpuMachineType('gcp', mt) && facts.gpus !== p.gpu.count) {
        err(`${pat}.gpu.count`, `'${mt}' comes with ${facts.gpus} ${facts.gpuModel ?? p.gpu.type} GPU${facts.gpus === 1 ? '' : 's'} (the ${machineFamily('gcp', mt)} family's count is fixed by the machine type); set count: ${facts.gpus} or pick another machine type`);
      }
    });
  });
}
