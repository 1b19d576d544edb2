/**
 * LOOM-HARD-003: image supply chain. ECR repositories scan on push (or the registry scans with
 * Inspector) and have immutable tags; Artifact Registry Docker repositories have the vulnerability
 * scanning API; GKE clusters enforce Binary Authorization (a warning outside prod); Kubernetes
 * containers pull from the platform's registry, by a tag that is not `latest` (or a digest).
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, flag, isObject, isReference, text } from '../../values';
import { allWorkloads, thirdPartyReleases, workloadName } from './common';

const ENFORCE_MODES = ['PROJECT_SINGLETON_POLICY_ENFORCE', 'POLICY_BINDINGS', 'POLICY_BINDINGS_AND_PROJECT_SINGLETON_POLICY_ENFORCE'];
const ECR_HOST = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** An image reference split into host, tag and digest (Docker's rules: the first segment is a host if it has a dot, a colon or is localhost). */
export function parseImage(image: string): { host: string; tag?: string; digest?: string } {
  const [name, digest] = image.split('@') as [string, string | undefined];
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const host = slash >= 0 && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io';
  const path = host === first ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(':');
  return { host, ...(colon >= 0 ? { tag: path.slice(colon + 1) } : {}), ...(digest ? { digest } : {}) };
}

/** The platform's registries: ECR (any account's private registry host), Artifact Registry Docker hosts, Harbor's external host. */
function platformRegistries(ctx: RuleContext): { hosts: Set<string>; ecr: boolean; sources: Set<string> } {
  const hosts = new Set<string>();
  const sources = new Set<string>();
  const ecr = ctx.resources('aws_ecr_repository').length > 0;
  for (const r of ctx.resources('aws_ecr_repository')) sources.add(`${r.stack} ${r.address}`);
  for (const r of ctx.resources('google_artifact_registry_repository')) {
    const format = text(r.values, 'format');
    const location = text(r.values, 'location');
    if (typeof format === 'string' && format.toUpperCase() === 'DOCKER' && typeof location === 'string' && location !== 'unknown') hosts.add(`${location}-docker.pkg.dev`);
    sources.add(`${r.stack} ${r.address}`);
  }
  for (const { chart, values } of thirdPartyReleases(ctx)) {
    if (chart !== 'harbor') continue;
    const url = values.values.externalURL;
    if (typeof url === 'string' && !isReference(url)) {
      try {
        hosts.add(new URL(url).host);
      } catch {
        /* not a URL */
      }
    }
    const core = attr(values.values, 'expose.ingress.hosts.core');
    if (typeof core === 'string' && !isReference(core)) hosts.add(core);
  }
  return { hosts, ecr, sources };
}

/** Scanning and immutability of registries, enforced Binary Authorization, trusted and pinned images. */
export const HARD_003: PolicyRule = {
  id: 'LOOM-HARD-003',
  area: 'HARD',
  title: 'Image supply chain',
  severity: { baseline: 'HIGH' },
  rationale: 'Unscanned, mutable images from arbitrary registries let a compromised upstream or a re-pushed tag run unreviewed code in the cluster; Binary Authorization refuses images nobody attested.',
  fix: 'Loom creates ECR repositories with scan on push and immutable tags (components.registry); pull images through the platform registry (components.registry.hostname / its repositories) with a version tag or digest; enable Binary Authorization on GKE clusters (binary_authorization { evaluation_mode = "PROJECT_SINGLETON_POLICY_ENFORCE" }) and containerscanning.googleapis.com where Artifact Registry holds images.',
  anchors: ['CKV_AWS_163', 'CKV_AWS_51', 'AVD-AWS-0030', 'AVD-AWS-0031', 'CKV2_GCP_11', 'CKV_GCP_66', 'CKV_K8S_14', 'CKV_K8S_43', 'AVD-KSV-0013', 'AVD-KSV-0125', 'AVD-KSV-0035', 'CIS EKS 5.1.1', 'CIS EKS 5.1.4', 'CIS GKE 5.1.1', 'CIS GKE 5.1.4', 'CIS GKE 5.10.4'],
  providers: ['aws', 'google', 'kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    // ECR: scan_on_push defaults to false (unless the registry scans everything), tags to MUTABLE.
    const enhanced = ctx.resources('aws_ecr_registry_scanning_configuration').some((r) => text(r.values, 'scan_type') === 'ENHANCED');
    for (const r of ctx.resources('aws_ecr_repository')) {
      const scan = flag(r.values, 'image_scanning_configuration.scan_on_push');
      const mutability = text(r.values, 'image_tag_mutability');
      if (scan === 'unknown' || mutability === 'unknown') {
        out.push({ resource: r, message: 'scan_on_push or image_tag_mutability is a reference, decided at apply time', unknown: true });
        continue;
      }
      if (scan !== true && !enhanced) out.push({ resource: r, message: `image_scanning_configuration.scan_on_push is ${scan === false ? 'false' : 'not set (the default, false)'} and the registry has no enhanced scanning`, detail: 'ScanOnPush' });
      const m = mutability ?? 'MUTABLE';
      if (!m.startsWith('IMMUTABLE')) out.push({ resource: r, message: `image_tag_mutability is ${mutability ?? 'not set (the default, MUTABLE)'}: a tag can be re-pushed with other content`, detail: 'TagMutability' });
    }
    // Artifact Registry Docker repositories: the project needs containerscanning.googleapis.com.
    const services = ctx.resources('google_project_service');
    const scanning = services.some((s) => text(s.values, 'service') === 'containerscanning.googleapis.com');
    const scanningUnknown = services.some((s) => isReference(s.values.service));
    for (const r of ctx.resources('google_artifact_registry_repository')) {
      const format = text(r.values, 'format');
      if (typeof format !== 'string' || format.toUpperCase() !== 'DOCKER' || scanning) continue;
      if (scanningUnknown) out.push({ resource: r, message: 'whether containerscanning.googleapis.com is enabled is decided at apply time (google_project_service with a computed service)', unknown: true });
      else out.push({ resource: r, message: 'Docker repository without the vulnerability scanning API (containerscanning.googleapis.com) enabled', detail: 'Scanning' });
    }
    // GKE Binary Authorization: off by default; an error in prod, a warning elsewhere.
    for (const c of ctx.resources('google_container_cluster')) {
      const mode = text(c.values, 'binary_authorization.evaluation_mode');
      const enabled = flag(c.values, 'binary_authorization.enabled');
      if (mode === 'unknown' || enabled === 'unknown') out.push({ resource: c, message: 'binary_authorization is set by a reference, decided at apply time', unknown: true });
      else if (!(mode !== undefined ? ENFORCE_MODES.includes(mode) : enabled === true)) {
        out.push({ resource: c, message: `binary_authorization.evaluation_mode is ${mode ?? 'not set (the default, DISABLED)'}: any image runs`, detail: 'BinaryAuthorization', severity: { baseline: 'MEDIUM', prod: 'HIGH' } });
      }
    }
    // Kubernetes containers.
    const registries = platformRegistries(ctx);
    const checkImage = (resource: SynthResource, where: string, image: unknown) => {
      if (image === undefined || image === null || image === '') {
        out.push({ resource, message: `${where} has no image`, detail: `${where}::Tag` });
        return;
      }
      const s = String(image);
      if (isReference(s)) {
        const target = ctx.resolve(resource, s);
        if (target && registries.sources.has(`${target.stack} ${target.address}`)) {
          if (/\}$/.test(s)) out.push({ resource, message: `${where} pulls ${s} without a tag (latest)`, detail: `${where}::Tag` });
          return;
        }
        out.push({ resource, message: `${where}'s image ${s} is decided at apply time: its registry and tag are unknown`, unknown: true, detail: where });
        return;
      }
      const { host, tag, digest } = parseImage(s);
      if (!digest && (tag === undefined || tag === '' || tag === 'latest')) out.push({ resource, message: `${where} pulls ${s}: ${tag ? 'the latest tag' : 'no tag (latest)'} is mutable; pin a version or a digest`, detail: `${where}::Tag` });
      const trusted = registries.hosts.has(host) || (registries.ecr && ECR_HOST.test(host));
      if ((registries.hosts.size > 0 || registries.ecr) && !trusted) {
        out.push({ resource, message: `${where} pulls ${s} from ${host}, not from the platform registry (${[...registries.hosts, ...(registries.ecr ? ['ECR'] : [])].join(', ')})`, detail: `${where}::Registry` });
      }
    };
    for (const w of allWorkloads(ctx)) for (const c of w.containers) checkImage(w.owner.source, `${workloadName(w)}/${c.name}`, c.image);
    // Helm releases: an explicit `latest` tag anywhere in the values Loom sets.
    for (const { release, values } of thirdPartyReleases(ctx)) {
      const walk = (v: unknown, path: string) => {
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}.${i}`));
        else if (isObject(v)) {
          if (v.tag === 'latest' && (typeof v.repository === 'string' || path.endsWith('image'))) out.push({ resource: release, message: `values ${path}.tag is latest`, detail: `${path}::Tag` });
          for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
        }
      };
      walk(values.values, '');
    }
    return out;
  },
};
