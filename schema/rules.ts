/**
 * Rules that relate fields to each other. They run on a spec whose shape zod has accepted, and
 * report every problem they find with its path and the fix.
 */
import ipaddr from 'ipaddr.js';
import { networkSchema, type PlatformSpec } from './schema';
import { didYouMean, type SpecIssue } from './issues';
import { isRegionOf, regionsOf, zoneCount, type RegionalCloud } from '../catalog/regions';
import {
  familiesForGpu,
  isGpuMachineType,
  isMachineTypeSyntax,
  machineFamily,
  machineTypeExample,
  architectureOf,
  machineTypeFacts,
  notInCatalogueMessage,
} from '../catalog/machine-types';
import { kubernetesVersionVerdict } from '../catalog/kubernetes-versions';
import { daysBetween, evaluationDate } from '../catalog/today';
import { caCertificateEncoding } from './certificates';
import {
  AWS_NAME_LIMITS,
  awsClusterNames,
  awsNodePoolNames,
  COMPONENT_FLAVOURS,
  componentFlavours,
  componentCluster,
  FLAVOUR_PROFILES,
  needsSystemPool,
  PlanError,
  SYSTEM_POOL,
  planAddresses,
  platformZones,
  s3StateRegion,
} from '../plan';
import { formatCidr, parseCidr } from '../plan/addresses';
import { checkGcpRules } from './gcp-rules';
import { checkComponentRules } from './component-rules';
import { checkStreamingRules } from './streaming-rules';
import { checkPipelinesRules } from './pipelines-rules';
import { checkServingRules } from './serving-rules';
import { checkReachRules } from './reach-rules';
import { checkTeamRules } from './team-rules';

/** What the cross-field rules found in a spec. */
export interface RuleResult {
  /** Problems that make the spec invalid. */
  errors: SpecIssue[];
  /** Problems worth knowing that do not stop it (costs, risks, unused keys). */
  warnings: SpecIssue[];
}

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(parseCidr);

/** Checks a CIDR's syntax, host bits and private range; returns the problem or undefined. */
export function cidrProblem(value: string, opts: { rfc1918?: boolean; minPrefix?: number; maxPrefix?: number } = {}): string | undefined {
  if (!ipaddr.IPv4.isValidCIDR(value) || !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(value)) {
    return `must be an IPv4 CIDR such as 10.0.0.0/16, got '${value}'`;
  }
  const c = parseCidr(value);
  const network = formatCidr({ base: c.base - (c.base % 2 ** (32 - c.prefix)), prefix: c.prefix });
  if (network !== value) return `has host bits set; the network address is ${network}`;
  if (opts.rfc1918 && !RFC1918.some((r) => c.prefix >= r.prefix && c.base >= r.base && c.base < r.base + 2 ** (32 - r.prefix))) {
    return `must be a private (RFC 1918) range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, got ${value}`;
  }
  if (opts.minPrefix !== undefined && opts.maxPrefix !== undefined && (c.prefix < opts.minPrefix || c.prefix > opts.maxPrefix)) {
    return `prefix must be between /${opts.minPrefix} and /${opts.maxPrefix}, got /${c.prefix}`;
  }
  return undefined;
}

/** Options of {@link checkRules} and `validateSpec`. */
export interface RuleOptions {
  /**
   * The date the spec is judged against (YYYY-MM-DD): Kubernetes support windows, expired policy
   * exceptions.
   * @default evaluationDate() — `LOOM_TODAY`, else today in UTC
   */
  readonly today?: string;
  /**
   * Validating one part of a platform — a construct's props placed in a stand-in spec (`validatePart`)
   * — rather than a whole platform: rules relating that part to components the stand-in cannot
   * hold (serving's models in tracking's store, its images in the registry) stay silent, since the
   * construct takes those as props and refuses what is missing.
   * @default false: a whole platform's spec, every rule applies
   */
  readonly part?: boolean;
}

/** Runs every cross-field rule. */
export function checkRules(spec: PlatformSpec, options: RuleOptions = {}): RuleResult {
  const errors: SpecIssue[] = [];
  const warnings: SpecIssue[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  const warn = (path: string, message: string) => warnings.push({ path, message });
  const cloud = spec.cloud;
  const regional = cloud === 'kubernetes' ? undefined : (cloud as RegionalCloud);
  const prod = spec.environment === 'prod';
  const today = options.today ?? evaluationDate();

  // Region and project.
  if (regional) {
    if (!spec.region) err('region', `is required for cloud '${cloud}' (e.g. ${cloud === 'aws' ? 'us-east-1' : 'us-central1'})`);
    else if (!isRegionOf(regional, spec.region)) {
      const other: RegionalCloud = regional === 'aws' ? 'gcp' : 'aws';
      if (isRegionOf(other, spec.region)) {
        err('region', `'${spec.region}' is ${other === 'aws' ? 'an AWS' : 'a Google Cloud'} region, not ${regional === 'aws' ? 'an AWS' : 'a Google Cloud'} one; set cloud: ${other} or pick ${regional === 'aws' ? 'an AWS' : 'a Google Cloud'} region`);
      } else {
        err('region', `'${spec.region}' is not ${regional === 'aws' ? 'an AWS' : 'a Google Cloud'} region${didYouMean(spec.region, regionsOf(regional)) || `; known regions: ${regionsOf(regional).join(', ')}`}`);
      }
    }
  }
  if (cloud === 'gcp' && !spec.gcpProject) err('gcpProject', "is required with cloud: gcp (the project id to create resources in)");
  if (cloud !== 'gcp' && spec.gcpProject !== undefined) err('gcpProject', `is only for cloud: gcp; remove it (cloud is '${cloud}')`);

  // Network.
  if (cloud === 'kubernetes') {
    if (spec.network) err('network', 'has no meaning with cloud: kubernetes (the clusters already exist); remove it');
  } else {
    const network = spec.network ?? networkSchema.parse({});
    const cidrIssue = cidrProblem(network.cidr, cloud === 'aws' ? { rfc1918: true, minPrefix: 16, maxPrefix: 28 } : { rfc1918: true, minPrefix: 8, maxPrefix: 29 });
    if (cidrIssue) err('network.cidr', cidrIssue);
    if (prod && cloud === 'aws' && network.natGateways === 'single' && network.zones > 1) {
      warn('network.natGateways', 'single in prod makes every zone\'s egress depend on one zone; use per-zone');
    }
    if (prod && network.zones < 2) err('network.zones', `must be at least 2 in prod (a zone outage must not take the platform down), got ${network.zones}`);
    if (regional && spec.region && isRegionOf(regional, spec.region)) {
      const available = zoneCount(regional, spec.region);
      if (!network.availabilityZones && network.zones > available) {
        err('network.zones', `${spec.region} has ${available} zones, got ${network.zones}; lower zones or list availabilityZones`);
      }
    }
    if (network.availabilityZones) {
      if (network.availabilityZones.length !== network.zones) {
        err('network.availabilityZones', `lists ${network.availabilityZones.length} zones but zones is ${network.zones}; make them agree`);
      }
      // `<region><letter>` on AWS, `<region>-<letter>` on Google Cloud (a bare prefix test would take
      // europe-west10-a for a zone of europe-west1).
      const zoneSuffix = cloud === 'aws' ? /^[a-z]$/ : /^-[a-z]$/;
      network.availabilityZones.forEach((z, i) => {
        if (spec.region && !(z.startsWith(spec.region) && zoneSuffix.test(z.slice(spec.region.length)))) err(`network.availabilityZones[${i}]`, `'${z}' is not a zone of region ${spec.region}`);
      });
      if (new Set(network.availabilityZones).size !== network.availabilityZones.length) err('network.availabilityZones', 'lists a zone twice');
    }
    if (!cidrIssue) {
      try {
        planAddresses(network.cidr, platformZones(spec), spec.clusters);
      } catch (e) {
        if (e instanceof PlanError) err(e.path, e.message);
        else throw e;
      }
    }
  }

  // Clusters.
  const seenClusters = new Map<string, number>();
  spec.clusters.forEach((c, ci) => {
    const at = `clusters[${ci}]`;
    const profile = FLAVOUR_PROFILES[c.flavour];
    const lower = c.name.toLowerCase();
    if (seenClusters.has(lower)) err(`${at}.name`, `'${c.name}' is already used by clusters[${seenClusters.get(lower)}]; cluster names must be unique`);
    else seenClusters.set(lower, ci);

    // Judged against the cloud's calendar on the evaluation date (catalog/kubernetes-versions.ts).
    const versionVerdict = kubernetesVersionVerdict(cloud, c.kubernetesVersion, today);
    versionVerdict.errors.forEach((m) => err(`${at}.kubernetesVersion`, m));
    versionVerdict.warnings.forEach((m) => warn(`${at}.kubernetesVersion`, m));
    if (c.autoscaler === 'karpenter' && cloud !== 'aws') {
      err(`${at}.autoscaler`, `karpenter is available on AWS only; remove it (GKE's autoscaler is built in, existing clusters keep theirs)`);
    }
    if (c.admins.length && cloud !== 'aws') {
      err(`${at}.admins`, `EKS access entries exist on AWS only; grant access with ${cloud === 'gcp' ? 'Google Cloud IAM' : "the cluster's own RBAC"} instead`);
    }
    if (c.singleZone && !profile.singleZoneAllowed) {
      err(`${at}.singleZone`, `only batch clusters may sit in one zone; ${c.flavour} clusters spread over zones`);
    }
    c.endpoint.publicAccessCidrs.forEach((cidr, i) => {
      const p = `${at}.endpoint.publicAccessCidrs[${i}]`;
      if (cidr === '0.0.0.0/0') err(p, 'must not open the API endpoint to the whole internet; list your office or VPN ranges');
      else {
        const problem = cidrProblem(cidr);
        if (problem) err(p, problem);
      }
    });
    c.endpoint.privateAccessCidrs.forEach((cidr, i) => {
      const p = `${at}.endpoint.privateAccessCidrs[${i}]`;
      if (cidr === '0.0.0.0/0') err(p, 'must not open the API endpoint to every address; list the networks Terraform and kubectl run from (VPN, CI runners, bastion)');
      else {
        const problem = cidrProblem(cidr);
        if (problem) err(p, problem);
      }
    });
    if (cloud === 'aws' && c.endpoint.publicAccessCidrs.length === 0 && c.endpoint.privateAccessCidrs.length === 0) {
      // The EKS cluster security group admits only itself: with neither list the API answers only
      // to machines inside the VPC that carry that security group, and the add-ons stack
      // (kubernetes and helm providers) cannot plan from anywhere else.
      warn(
        `${at}.endpoint`,
        `the API endpoint of '${c.name}' is private and no network may reach it: run the add-ons stack from inside the cluster's VPC (e.g. a CI runner in the VPC with the cluster security group attached), or list your VPN, CI runner or bastion networks in privateAccessCidrs (or office ranges in publicAccessCidrs)`,
      );
    }
    if (prod && c.flavour === 'streaming' && regional) {
      const zones = (spec.network ?? networkSchema.parse({})).zones;
      if (zones < profile.preferredZones) {
        err(`${at}.flavour`, `streaming clusters in prod spread brokers over ${profile.preferredZones} zones (rack awareness); set network.zones to at least ${profile.preferredZones}`);
      }
    }

    // Names derived from the cluster name.
    if (cloud === 'aws') {
      const names = awsClusterNames(spec.name, c.name);
      for (const key of ['cluster', 'clusterRole', 'nodeRole'] as const) {
        if (names[key].length > AWS_NAME_LIMITS[key]) {
          err(`${at}.name`, `derived AWS name '${names[key]}' is ${names[key].length} characters, over the limit of ${AWS_NAME_LIMITS[key]}; shorten the cluster or platform name`);
        }
      }
      if (c.autoscaler === 'karpenter' && names.karpenterNodeRole.length > AWS_NAME_LIMITS.karpenterNodeRole) {
        err(
          `${at}.name`,
          `derived AWS name '${names.karpenterNodeRole}' (Karpenter's node role) is ${names.karpenterNodeRole.length} characters, over the limit of ${AWS_NAME_LIMITS.karpenterNodeRole}; shorten the cluster or platform name`,
        );
      }
    }
    // Existing clusters versus clusters Loom creates.
    if (cloud === 'kubernetes') {
      if (c.nodePools) err(`${at}.nodePools`, 'has no meaning with cloud: kubernetes (Loom does not manage the nodes of an existing cluster); remove it');
      if (!c.existing) err(`${at}.existing`, 'is required with cloud: kubernetes: give kubeconfigContext, or endpoint and clusterCaCertificate');
      else {
        const e = c.existing;
        if (!e.kubeconfigContext && !e.endpoint) err(`${at}.existing`, 'give kubeconfigContext, or endpoint with clusterCaCertificate and exec');
        if (e.kubeconfigContext && e.endpoint) err(`${at}.existing`, 'give either kubeconfigContext or endpoint, not both');
        if (e.endpoint && !e.clusterCaCertificate) err(`${at}.existing.clusterCaCertificate`, 'is required with endpoint (the PEM CA certificate of the API server)');
        if (e.endpoint && !e.exec) err(`${at}.existing.exec`, 'is required with endpoint: the exec credential plugin that returns a token');
        if (e.endpoint && !e.endpoint.startsWith('https://')) err(`${at}.existing.endpoint`, `must be an https:// URL, got '${e.endpoint}'`);
        if (e.clusterCaCertificate && !caCertificateEncoding(e.clusterCaCertificate)) {
          err(`${at}.existing.clusterCaCertificate`, "must be a PEM certificate (-----BEGIN CERTIFICATE-----) or its base64 encoding, as in kubeconfig's certificate-authority-data");
        }
        if (e.kubeconfigPath && !e.kubeconfigContext) err(`${at}.existing.kubeconfigPath`, 'is only used with kubeconfigContext (the file the context is read from); add kubeconfigContext or remove it');
        if (e.kubeconfigContext && !e.endpoint) {
          if (e.clusterCaCertificate) err(`${at}.existing.clusterCaCertificate`, 'is only used with endpoint; the kubeconfig context carries its own CA, so remove it');
          if (e.exec) err(`${at}.existing.exec`, 'is only used with endpoint; the kubeconfig context carries its own credentials, so remove it');
        }
      }
      if (c.endpoint.publicAccessCidrs.length || c.endpoint.privateAccessCidrs.length) err(`${at}.endpoint`, 'has no meaning with cloud: kubernetes; remove it');
      checkExistingAddonFacts(c, at, err, warn);
    } else {
      if (c.existing) err(`${at}.existing`, `is only for cloud: kubernetes; Loom creates the clusters on ${cloud}, so remove it`);
      if (!c.nodePools || c.nodePools.length === 0) err(`${at}.nodePools`, `list at least one node pool (cloud: ${cloud} creates the nodes)`);
    }

    // Node pools.
    const seenPools = new Map<string, number>();
    (c.nodePools ?? []).forEach((p, pi) => {
      const pat = `${at}.nodePools[${pi}]`;
      const plower = p.name.toLowerCase();
      if (seenPools.has(plower)) err(`${pat}.name`, `'${p.name}' is already used by ${at}.nodePools[${seenPools.get(plower)}]; pool names must be unique within a cluster`);
      else seenPools.set(plower, pi);
      if (plower === SYSTEM_POOL.name && needsSystemPool(cloud, c)) {
        err(
          `${pat}.name`,
          cloud === 'gcp'
            ? `'${SYSTEM_POOL.name}' is reserved on this cluster for the on-demand node pool that runs the platform's controllers (no pool keeps on-demand nodes); rename the pool`
            : `'${SYSTEM_POOL.name}' is reserved on this cluster for the managed node group that runs ${c.autoscaler === 'karpenter' ? 'Karpenter' : 'cluster-autoscaler'} and the platform's controllers; rename the pool`,
        );
      }
      if (p.minNodes > p.maxNodes) err(`${pat}.maxNodes`, `must be >= minNodes (${p.minNodes}), got ${p.maxNodes}; raise maxNodes or lower minNodes`);
      if (p.minNodes === 0 && !profile.scaleToZero) {
        err(`${pat}.minNodes`, `${c.flavour} pools cannot scale to zero; set minNodes to at least 1 (only batch pools scale to zero)`);
      }
      if (prod && c.flavour === 'microservice' && p.minNodes < profile.minNodesInProd) {
        err(`${pat}.minNodes`, `must be >= ${profile.minNodesInProd} for microservice pools in prod (a node loss must not take services down), got ${p.minNodes}`);
      }
      if (p.spot === true && !profile.spotAllowed) {
        err(`${pat}.spot`, `${c.flavour} clusters run on on-demand capacity only; remove spot (spot is for batch pools)`);
      }
      if (p.gpu && !profile.gpuAllowed) err(`${pat}.gpu`, `${c.flavour} clusters take no GPU pools; put GPU pools on a batch or microservice cluster`);
      if (cloud === 'aws') {
        // Streaming pools under cluster-autoscaler get one node group per zone, named with the
        // zone's letter (see zonalNodeGroups in plan).
        const zones = platformZones(spec);
        const zonal = c.flavour === 'streaming' && c.autoscaler === 'cluster-autoscaler' && !c.singleZone && zones.length > 1;
        const names = awsNodePoolNames(spec.name, c.name, p.name, zonal ? zones[0] : undefined);
        if (names.nodeGroup.length > AWS_NAME_LIMITS.nodeGroup) {
          err(`${pat}.name`, `derived node group name '${names.nodeGroup}' is ${names.nodeGroup.length} characters, over the limit of ${AWS_NAME_LIMITS.nodeGroup}; shorten the pool, cluster or platform name`);
        }
      }
      if (regional) {
        p.machineTypes.forEach((mt, mi) => {
          const mpat = `${pat}.machineTypes[${mi}]`;
          if (!isMachineTypeSyntax(regional, mt)) {
            const other: RegionalCloud = regional === 'aws' ? 'gcp' : 'aws';
            const hint = isMachineTypeSyntax(other, mt) ? ` ('${mt}' is ${other === 'aws' ? 'an AWS' : 'a Google Cloud'} machine type)` : '';
            err(mpat, `'${mt}' is not ${regional === 'aws' ? 'an AWS' : 'a Google Cloud'} machine type${hint}; use a name like ${machineTypeExample(regional)}`);
            return;
          }
          // Kueue's quotas (batch) and Karpenter's limits are computed from the machine's size.
          const facts = machineTypeFacts(regional, mt, spec.machineTypes);
          if ((c.flavour === 'batch' || (cloud === 'aws' && c.autoscaler === 'karpenter')) && !facts) {
            err(mpat, notInCatalogueMessage(mt));
          }
          // A GPU machine type comes with a fixed number of GPUs (p4d.24xlarge: 8).
          if (cloud === 'aws' && p.gpu && facts && facts.gpus > 0 && facts.gpus !== p.gpu.count) {
            err(
              `${pat}.gpu.count`,
              `'${mt}' comes with ${facts.gpus} ${facts.gpuModel ?? p.gpu.type} GPU${facts.gpus === 1 ? '' : 's'}; set count: ${facts.gpus} or pick a machine type with ${p.gpu.count}`,
            );
          }
          const gpuType = isGpuMachineType(regional, mt);
          if (p.gpu) {
            const families = familiesForGpu(regional, p.gpu.type);
            if (families.length === 0) err(`${pat}.gpu.type`, `${p.gpu.type} is not offered on ${regional}`);
            else if (!families.includes(machineFamily(regional, mt))) {
              err(mpat, `'${mt}' does not carry ${p.gpu.type} GPUs; use the ${families.join(' or ')} family`);
            }
          } else if (gpuType) {
            err(mpat, `'${mt}' is a GPU machine type; add gpu: { type, count } to this pool or use a CPU machine type`);
          }
        });
        if (new Set(p.machineTypes).size !== p.machineTypes.length) err(`${pat}.machineTypes`, 'lists a machine type twice');
        // A node group, its AMI and its images have one CPU architecture.
        const archs = new Map<string, string[]>();
        for (const mt of p.machineTypes) {
          const facts = machineTypeFacts(regional, mt, spec.machineTypes);
          if (!facts) continue;
          const arch = architectureOf(facts);
          archs.set(arch, [...(archs.get(arch) ?? []), mt]);
        }
        if (archs.size > 1) {
          err(
            `${pat}.machineTypes`,
            `mixes CPU architectures (${[...archs].map(([a, ts]) => `${a}: ${ts.join(', ')}`).join('; ')}); a node group runs one architecture and one image, so make a pool per architecture`,
          );
        }
        if (cloud === 'aws' && c.autoscaler === 'cluster-autoscaler') {
          // cluster-autoscaler models a node group as copies of one node shape: mixed vCPU/memory
          // sizes make it mis-estimate scale-ups (EKS managed node group guidance).
          const known = p.machineTypes.map((mt) => machineTypeFacts('aws', mt, spec.machineTypes)).filter((f) => f !== undefined);
          const shapes = [...new Set(known.map((f) => `${f.vcpu} vCPU/${f.memoryGiB} GiB`))];
          if (shapes.length > 1) {
            warn(
              `${pat}.machineTypes`,
              `mixes node shapes (${shapes.join(', ')}) in one cluster-autoscaler node group, which models every node as the same size and mis-estimates scale-ups; use machine types of one shape per pool (e.g. m7i.xlarge and m6i.xlarge), split the pool, or use autoscaler: karpenter`,
            );
          }
        }
      }
    });
  });

  // Google Cloud only: project number, pod ranges and their capacity, GKE node pool limits.
  checkGcpRules(spec, err, warn);

  // Machine types the spec describes.
  for (const [name, m] of Object.entries(spec.machineTypes)) {
    const at = `machineTypes.${name}`;
    if (!regional) {
      err(at, `describes machine types of a cloud; cloud: kubernetes has none (existing clusters describe their nodes in existing.capacity)`);
      continue;
    }
    if (!isMachineTypeSyntax(regional, name)) err(at, `'${name}' is not ${regional === 'aws' ? 'an AWS' : 'a Google Cloud'} machine type; use a name like ${machineTypeExample(regional)}`);
    if (m.gpus > 0 && !m.gpuModel) err(`${at}.gpuModel`, `is required with gpus: ${m.gpus}; name the GPU model (e.g. nvidia-l4)`);
    if (m.gpus === 0 && m.gpuModel) err(`${at}.gpus`, `must be >= 1 with gpuModel ${m.gpuModel}, got 0`);
  }

  // Components.
  const managedForbidden = spec.dataResidency.managedServices === 'forbidden';
  for (const [name, comp] of Object.entries(spec.components) as [keyof typeof COMPONENT_FLAVOURS, { mode: string; cluster?: string } | undefined][]) {
    if (!comp) continue;
    const at = `components.${name}`;
    if (comp.mode === 'buy' && managedForbidden) {
      err(`${at}.mode`, 'buy is not allowed: dataResidency.managedServices is forbidden, so every component must be build');
    } else if (comp.mode === 'buy' && cloud === 'kubernetes') {
      err(`${at}.mode`, 'buy is not available with cloud: kubernetes: no managed service exists on existing clusters; use build');
    }
    const suits = componentFlavours(name, comp.mode as 'build' | 'buy');
    if (comp.cluster !== undefined) {
      const target = spec.clusters.find((c) => c.name === comp.cluster);
      if (!target) {
        err(`${at}.cluster`, `no cluster named '${comp.cluster}'${didYouMean(comp.cluster, spec.clusters.map((c) => c.name)) || `; clusters are ${spec.clusters.map((c) => c.name).join(', ')}`}`);
      } else if (!suits.includes(target.flavour)) {
        err(`${at}.cluster`, `'${comp.cluster}' is a ${target.flavour} cluster; ${name} runs on ${suits.join(' or ')} clusters`);
      }
    } else if ((comp.mode === 'build' || suits !== COMPONENT_FLAVOURS[name]) && !componentCluster(spec, suits)) {
      err(`${at}.cluster`, `no ${suits.join(' or ')} cluster to run ${name} on; add one or name a cluster`);
    }
  }

  // Component options.
  // Experiment tracking and the feature store: their backing stores' sizes and derived names.
  checkComponentRules(spec, err, warn);
  checkStreamingRules(spec, err, warn);
  checkPipelinesRules(spec, err, warn);
  checkServingRules(spec, err, warn, { whole: !options.part });
  // A part validated on its own cannot meet the platform's other components.
  if (!options.part) checkReachRules(spec, err);
  const registry = spec.components.registry;
  if (registry) {
    const seen = new Map<string, number>();
    registry.repositories.forEach((r, i) => {
      if (seen.has(r)) err(`components.registry.repositories[${i}]`, `'${r}' is already listed at repositories[${seen.get(r)}]; list each repository once`);
      else seen.set(r, i);
    });
    if (registry.hostname !== undefined && registry.mode === 'buy') {
      const service = cloud === 'aws' ? 'ECR' : cloud === 'gcp' ? 'Artifact Registry' : 'the managed registry';
      warn('components.registry.hostname', `is only used by build (Harbor); ${service} has an address of its own, so remove it`);
    }
  }
  const grafana = spec.components.monitoring?.grafana;
  const amg = spec.components.monitoring?.mode === 'buy' && cloud === 'aws';
  if (grafana && !amg) {
    warn('components.monitoring.grafana', 'is only used by buy on AWS (Amazon Managed Grafana); remove it');
  } else if (amg) {
    const g = grafana ?? { authentication: 'aws-sso' as const, adminGroups: [], adminUsers: [], saml: undefined };
    if (g.authentication === 'saml') {
      if (!g.saml) err('components.monitoring.grafana.saml', 'authentication: saml needs saml: { idpMetadataUrl or idpMetadataXml, adminRoleValues }');
      else if ((g.saml.idpMetadataUrl === undefined) === (g.saml.idpMetadataXml === undefined)) {
        err('components.monitoring.grafana.saml', 'give exactly one of idpMetadataUrl and idpMetadataXml');
      }
      if (g.adminGroups.length || g.adminUsers.length) {
        err('components.monitoring.grafana.adminGroups', 'IAM Identity Center admins apply to authentication: aws-sso; with saml, admins come from saml.adminRoleValues');
      }
    } else {
      if (g.saml) err('components.monitoring.grafana.saml', 'is only used with authentication: saml; remove it or set authentication: saml');
      if (!g.adminGroups.length && !g.adminUsers.length) {
        warn(
          'components.monitoring.grafana.adminGroups',
          'Amazon Managed Grafana will have no admin: nobody can configure it after apply; list IAM Identity Center group ids (adminGroups) or user ids (adminUsers)',
        );
      }
    }
  }
  if (spec.components.monitoring?.mode === 'buy' && cloud === 'aws' && !managedForbidden) {
    const zones = (spec.network ?? networkSchema.parse({})).zones;
    if (zones < 2) {
      err('components.monitoring.mode', `buy on AWS scrapes each cluster with an Amazon Managed Service for Prometheus scraper, which needs subnets in at least two zones; set network.zones to 2 or more, or use build (network.zones is ${zones})`);
    }
  }

  // Data residency.
  if (spec.dataResidency.allowedRegions) {
    if (spec.region === undefined) {
      if (cloud !== 'kubernetes') err('dataResidency.allowedRegions', 'needs region to be set');
    } else if (!spec.dataResidency.allowedRegions.includes(spec.region)) {
      err('dataResidency.allowedRegions', `does not contain the platform's region '${spec.region}'; add it or move the platform`);
    }
  }

  // State.
  if (spec.state.backend === 's3' && !spec.state.endpoint) {
    const region = s3StateRegion(spec);
    if (region === undefined) {
      err(
        'state.region',
        `is required for s3 state with cloud: ${cloud} (there is no AWS region of the platform to default to); set the state bucket's region, e.g. region: eu-west-1`,
      );
    } else if (!isRegionOf('aws', region)) {
      const fix = didYouMean(region, regionsOf('aws')) || '; use the AWS region the state bucket is in';
      err(spec.state.region === undefined ? 'region' : 'state.region', `'${region}' is not an AWS region, and s3 state lives in one${fix}`);
    } else if (spec.dataResidency.allowedRegions && !spec.dataResidency.allowedRegions.includes(region)) {
      err(
        spec.state.region === undefined ? 'state' : 'state.region',
        `the state bucket's region '${region}' is not in dataResidency.allowedRegions (${spec.dataResidency.allowedRegions.join(', ')}); Terraform state holds the platform's endpoints and secrets: keep it in an allowed region`,
      );
    }
  }
  if (spec.state.backend === 'local' && spec.environment !== 'dev') {
    warn('state.backend', `local state in ${spec.environment} is not shared or locked; use s3 or gcs`);
  }
  if (spec.state.backend === 'gcs' && cloud === 'aws') warn('state.backend', 'gcs state for an AWS platform needs Google credentials in every pipeline; s3 is the usual choice');
  if (spec.state.backend === 's3' && cloud === 'gcp') warn('state.backend', 's3 state for a Google Cloud platform needs AWS credentials in every pipeline; gcs is the usual choice');
  if (cloud === 'kubernetes' && managedForbidden && (spec.state.backend === 'gcs' || (spec.state.backend === 's3' && !spec.state.endpoint))) {
    warn('state.backend', `keeps Terraform state (the clusters' endpoints and credentials) in ${spec.state.backend === 's3' ? 'AWS S3' : 'Google Cloud Storage'} although dataResidency.managedServices is forbidden; use backend: s3 with endpoint set to an S3-compatible store on your premises`);
  }

  // Object storage (the data centre's S3-compatible store).
  if (spec.objectStorage && cloud !== 'kubernetes') {
    err(
      'objectStorage',
      `is only for cloud: kubernetes; on ${cloud} Loom creates the buckets built components need (${cloud === 'aws' ? 'S3' : 'GCS'}, encrypted and private), so remove it`,
    );
  }
  if (cloud === 'kubernetes' && !spec.objectStorage) {
    // Built components that keep files in object storage, and what they keep there.
    const needs: Partial<Record<keyof typeof spec.components, string>> = { experimentTracking: "MLflow's run artifacts", featureStore: "Feast's offline store" };
    for (const [name, what] of Object.entries(needs) as [keyof typeof spec.components, string][]) {
      if (spec.components[name]?.mode === 'build') {
        err(
          `components.${name}`,
          `build on cloud: kubernetes keeps ${what} in object storage, which Loom cannot create on your premises; add objectStorage: { endpoint: https://…, bucket: …, credentialsSecret: <a Secret in loom-system> } naming the data centre's S3-compatible store`,
        );
      }
    }
  }

  // Teams.
  checkTeamRules(spec, err);

  // Policy exceptions: dated, and in prod reviewed at least every PROD_EXCEPTION_MAX_DAYS days
  // (the policy engine checks the rule ids against its catalogue).
  spec.policies.exceptions.forEach((ex, i) => {
    const at = `policies.exceptions[${i}].expires`;
    if (!ex.expires) {
      if (spec.environment === 'prod') err(at, `required in prod: the last day the exception applies (YYYY-MM-DD), at most ${PROD_EXCEPTION_MAX_DAYS} days ahead`);
      return;
    }
    if (ex.expires < today) warn(at, `expired on ${ex.expires}: its findings are back; renew the exception or fix the finding`);
    else if (spec.environment === 'prod' && daysBetween(today, ex.expires) > PROD_EXCEPTION_MAX_DAYS) {
      err(at, `at most ${PROD_EXCEPTION_MAX_DAYS} days ahead in prod, got ${ex.expires} (${daysBetween(today, ex.expires)} days from ${today}); review it sooner`);
    }
  });

  return { errors, warnings };
}

type Report = (path: string, message: string) => void;

/** The longest a policy exception may run in prod, days. */
export const PROD_EXCEPTION_MAX_DAYS = 180;

/**
 * What an existing cluster's spec says about its add-ons: GPUs (the GPU operator) and, on batch
 * clusters, the node groups Kueue gets quotas for.
 */
function checkExistingAddonFacts(c: PlatformSpec['clusters'][number], at: string, err: Report, warn: Report): void {
  const e = c.existing;
  if (!e) return;
  const capacity = e.capacity;
  if (capacity && c.flavour !== 'batch') {
    err(`${at}.existing.capacity`, `describes Kueue quotas, which only batch clusters have (this one is ${c.flavour}); remove it`);
    return;
  }
  if (c.flavour === 'batch' && !capacity) {
    warn(
      `${at}.existing.capacity`,
      "is not given: Loom installs Kueue on this batch cluster but no ClusterQueue, since it cannot size quotas without knowing the nodes; list the cluster's node groups (nodeLabels, nodes, cpu, memoryGiB, gpus)",
    );
  }
  const seen = new Map<string, number>();
  (capacity ?? []).forEach((g, gi) => {
    const gat = `${at}.existing.capacity[${gi}]`;
    if (seen.has(g.name)) err(`${gat}.name`, `'${g.name}' is already used by ${at}.existing.capacity[${seen.get(g.name)}]; names must be unique`);
    else seen.set(g.name, gi);
    if (g.gpus > 0 && !e.gpu) {
      err(`${gat}.gpus`, 'lists GPUs, but the cluster does not say it has any; add existing.gpu (whether the hosts already have the NVIDIA driver and toolkit) so that Loom installs the GPU operator');
    }
  });
}
