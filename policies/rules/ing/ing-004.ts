/**
 * LOOM-ING-004: public exposure only through TLS load balancers. Internet-facing AWS and Google
 * load balancers terminate modern TLS (plain HTTP only redirects), ALBs drop malformed headers and
 * sit behind WAF; and every Kubernetes `LoadBalancer` Service — written as a resource, a manifest,
 * in Loom's resources chart, or by a chart Loom pins (Harbor, MLflow, Argo Workflows, …) — is
 * internal, with no `externalIPs`.
 *
 * Existing clusters (`cloud: kubernetes`): Loom writes LoadBalancer Services there without cloud
 * annotations, because no cloud controller reads them; the premises' own implementation (MetalLB,
 * kube-vip, an F5 or NSX integration) hands out addresses from pools the operators configure on the
 * premises network, and Loom's fixed endpoints on those clusters are names under the spec's
 * `internalDomain`. The rule therefore treats an annotation-free LoadBalancer Service on an
 * existing-cluster platform as internal by the platform's own implementation (compliant), while
 * one that asks a cloud controller for an internet-facing balancer still fails. When the engine
 * does not know the platform's cloud (a bare directory), such a Service is reported unknown.
 */
import { kubernetesObjects } from '../../kubernetes';
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, chartOf, helmValues, isObject, isReference, list, text } from '../../values';

/** Modern ELB policies: TLS 1.2 or newer only (TLS13-1-2/1-3, TLS-1-2, FS-1-2 families). */
const MODERN_ELB_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)/;

/** What Service annotations say about where the load balancer faces. */
function exposure(annotations: unknown): 'internal' | 'public' | 'none' | 'unknown' {
  if (isReference(annotations)) return 'unknown';
  const a = isObject(annotations) ? annotations : {};
  const get = (k: string) => a[k];
  const values = [
    get('service.beta.kubernetes.io/aws-load-balancer-scheme'),
    get('service.beta.kubernetes.io/aws-load-balancer-internal'),
    get('networking.gke.io/load-balancer-type'),
    get('cloud.google.com/load-balancer-type'),
    get('service.beta.kubernetes.io/azure-load-balancer-internal'),
  ];
  if (values.some(isReference)) return 'unknown';
  const scheme = get('service.beta.kubernetes.io/aws-load-balancer-scheme');
  const legacy = get('service.beta.kubernetes.io/aws-load-balancer-internal');
  const gke = get('networking.gke.io/load-balancer-type') ?? get('cloud.google.com/load-balancer-type');
  const azure = get('service.beta.kubernetes.io/azure-load-balancer-internal');
  if (scheme === 'internet-facing' || (typeof gke === 'string' && gke.toLowerCase() === 'external')) return 'public';
  if (scheme === 'internal' || (legacy !== undefined && String(legacy) !== 'false') || (typeof gke === 'string' && gke.toLowerCase() === 'internal') || String(azure) === 'true') return 'internal';
  const cloudKeys = Object.keys(a).some((k) => k.startsWith('service.beta.kubernetes.io/aws-load-balancer') || k.startsWith('networking.gke.io/') || k.startsWith('cloud.google.com/'));
  return cloudKeys ? 'public' : 'none';
}

/** The verdict on a LoadBalancer Service's annotations, given the platform's cloud. */
function judgeLoadBalancer(ctx: RuleContext, resource: SynthResource, what: string, annotations: unknown, detail: string): RuleFinding | undefined {
  const e = exposure(annotations);
  if (e === 'internal') return undefined;
  if (e === 'unknown') return { resource, message: `${what}: its annotations are set by a reference, decided at apply time`, unknown: true };
  if (e === 'public') return { resource, message: `${what} is an internet-facing load balancer (no internal annotation)`, detail };
  const cloud = ctx.settings.cloud;
  if (cloud === 'kubernetes') return undefined; // The premises' own implementation: see the module comment.
  if (cloud === undefined) return { resource, message: `${what} has no cloud load-balancer annotation, and the platform's cloud is not known`, unknown: true };
  return {
    resource,
    message: `${what} has no internal annotation: on ${cloud === 'aws' ? 'AWS the load balancer is internet-facing' : 'Google Cloud GKE creates an external load balancer'} by default`,
    detail,
  };
}

/** LoadBalancer services the charts Loom pins can create: where the type and annotations are, and the chart's default type. */
const CHART_SERVICES: Readonly<Record<string, readonly { readonly name: string; readonly type: string; readonly lb: string; readonly annotations?: string; readonly defaultType: string; readonly enabled?: string }[]>> = {
  harbor: [{ name: 'expose', type: 'expose.type', lb: 'loadBalancer', annotations: 'expose.loadBalancer.annotations', defaultType: 'ingress' }],
  mlflow: [{ name: 'service', type: 'service.type', lb: 'LoadBalancer', annotations: 'service.annotations', defaultType: 'ClusterIP' }],
  'argo-workflows': [
    { name: 'server', type: 'server.serviceType', lb: 'LoadBalancer', annotations: 'server.serviceAnnotations', defaultType: 'ClusterIP' },
    { name: 'controller', type: 'controller.serviceType', lb: 'LoadBalancer', annotations: 'controller.serviceAnnotations', defaultType: 'ClusterIP' },
  ],
  // The feast chart has no service annotations: a LoadBalancer there cannot be made internal.
  'feast-feature-server': [{ name: 'service', type: 'service.type', lb: 'LoadBalancer', defaultType: 'ClusterIP' }],
  valkey: [{ name: 'service', type: 'service.type', lb: 'LoadBalancer', annotations: 'service.annotations', defaultType: 'ClusterIP' }],
  'ingress-nginx': [{ name: 'controller.service', type: 'controller.service.type', lb: 'LoadBalancer', annotations: 'controller.service.annotations', defaultType: 'LoadBalancer', enabled: 'controller.service.enabled' }],
  'kube-prometheus-stack': [
    { name: 'prometheus.service', type: 'prometheus.service.type', lb: 'LoadBalancer', annotations: 'prometheus.service.annotations', defaultType: 'ClusterIP' },
    { name: 'alertmanager.service', type: 'alertmanager.service.type', lb: 'LoadBalancer', annotations: 'alertmanager.service.annotations', defaultType: 'ClusterIP' },
    { name: 'grafana.service', type: 'grafana.service.type', lb: 'LoadBalancer', annotations: 'grafana.service.annotations', defaultType: 'ClusterIP' },
  ],
  grafana: [{ name: 'service', type: 'service.type', lb: 'LoadBalancer', annotations: 'service.annotations', defaultType: 'ClusterIP' }],
};

/** LOOM-ING-004: Public exposure only through TLS load balancers. What it reads and why: see the module comment. */
export const ING_004: PolicyRule = {
  id: 'LOOM-ING-004',
  area: 'ING',
  title: 'Public exposure only through TLS load balancers',
  severity: { baseline: 'HIGH' },
  rationale: 'Plain-HTTP or old-TLS listeners leak credentials and model inputs; malformed headers enable request smuggling; a LoadBalancer Service without an internal annotation gets a public address that bypasses every ingress control.',
  fix: 'Loom keeps every component endpoint internal (constructs/components/load-balancer.ts: internalLoadBalancerAnnotations). For hand-written resources: HTTPS/TLS listeners with ssl_policy ELBSecurityPolicy-TLS13-1-2-2021-06 (HTTP only redirecting), drop_invalid_header_fields=true and a WAF association; Google HTTPS proxies with an ssl_policy of min_tls_version TLS_1_2 and managed certificates; LoadBalancer Services annotated internal (service.beta.kubernetes.io/aws-load-balancer-scheme: internal, networking.gke.io/load-balancer-type: Internal) and no externalIPs.',
  anchors: ['HIPAA.Security-ALBHttpToHttpsRedirection', 'HIPAA.Security-ALBHttpDropInvalidHeaderEnabled', 'CKV_AWS_2', 'CKV2_AWS_20', 'CKV_AWS_103', 'CKV2_AWS_28', 'CKV_GCP_4', 'AVD-GCP-0039', 'AVD-KSV-0108', 'CIS EKS 5.4.5', 'CIS GKE 5.6.7'],
  providers: ['aws', 'google', 'kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];

    // AWS load balancers.
    const wafTargets = new Set<SynthResource>();
    for (const a of ctx.resources('aws_wafv2_web_acl_association')) {
      const lb = ctx.resolve(a, a.values.resource_arn);
      if (lb) wafTargets.add(lb);
    }
    const isAlb = (lb: SynthResource) => (text(lb.values, 'load_balancer_type') ?? 'application') === 'application';
    for (const lb of ctx.resources('aws_lb', 'aws_alb')) {
      if (!isAlb(lb)) continue;
      const drop = attr(lb.values, 'drop_invalid_header_fields');
      if (isReference(drop)) out.push({ resource: lb, message: 'drop_invalid_header_fields is a reference, decided at apply time', unknown: true });
      else if (drop !== true && drop !== 'true') out.push({ resource: lb, message: 'drop_invalid_header_fields is not true (default false): malformed headers reach the targets', detail: 'DropInvalidHeaders' });
      const internal = attr(lb.values, 'internal');
      if (internal !== true && internal !== 'true' && !isReference(internal) && !wafTargets.has(lb)) {
        out.push({ resource: lb, message: 'an internet-facing ALB without a WAF web ACL association', detail: 'Waf', severity: 'MEDIUM' });
      }
    }
    for (const l of ctx.resources('aws_lb_listener', 'aws_alb_listener')) {
      const lb = ctx.resolve(l, l.values.load_balancer_arn);
      const internal = lb ? attr(lb.values, 'internal') : undefined;
      if (internal === true || internal === 'true') continue; // Not public exposure.
      const protocolValue = attr(l.values, 'protocol');
      if (isReference(protocolValue) || (lb && isReference(internal))) {
        out.push({ resource: l, message: 'the listener\'s protocol or its load balancer\'s scheme is a reference, decided at apply time', unknown: true });
        continue;
      }
      const protocol = String(protocolValue ?? (lb && !isAlb(lb) ? 'TCP' : 'HTTP')).toUpperCase();
      if (protocol === 'HTTPS' || protocol === 'TLS') {
        const policy = attr(l.values, 'ssl_policy');
        if (isReference(policy)) out.push({ resource: l, message: 'ssl_policy is a reference, decided at apply time', unknown: true });
        else if (policy === undefined || policy === null) out.push({ resource: l, message: `a ${protocol} listener without ssl_policy takes the API's default (ELBSecurityPolicy-2016-08, TLS 1.0)`, detail: 'SslPolicy' });
        else if (!MODERN_ELB_POLICY.test(String(policy))) out.push({ resource: l, message: `ssl_policy ${String(policy)} allows TLS older than 1.2`, detail: 'SslPolicy' });
      } else if (protocol === 'HTTP') {
        const actions = list(l.values, 'default_action');
        const redirects = actions.length > 0 && actions.every((a) => attr(a, 'type') === 'redirect' && String(attr(a, 'redirect.protocol') ?? '').toUpperCase() === 'HTTPS');
        if (!redirects) out.push({ resource: l, message: 'a public HTTP listener that does not only redirect to HTTPS', detail: 'Http' });
      } else if (protocol === 'TCP' || protocol === 'UDP' || protocol === 'TCP_UDP') {
        out.push({ resource: l, message: `a public ${protocol} listener: traffic is not TLS-terminated at the load balancer`, detail: 'Plaintext' });
      }
    }

    // Google load balancers.
    for (const p of ctx.resources('google_compute_target_https_proxy', 'google_compute_target_ssl_proxy', 'google_compute_region_target_https_proxy')) {
      const policyRef = attr(p.values, 'ssl_policy');
      if (policyRef === undefined || policyRef === null) {
        out.push({ resource: p, message: 'no ssl_policy: Google\'s default policy allows TLS 1.0 (COMPATIBLE profile)', detail: 'SslPolicy' });
      } else {
        const policy = ctx.resolve(p, policyRef);
        if (!policy) out.push({ resource: p, message: 'ssl_policy cannot be followed to a google_compute_ssl_policy', unknown: true });
        else {
          const min = text(policy.values, 'min_tls_version') ?? 'TLS_1_0';
          const profile = text(policy.values, 'profile') ?? 'COMPATIBLE';
          if (min === 'unknown' || profile === 'unknown') out.push({ resource: p, message: 'its ssl_policy is set by references, decided at apply time', unknown: true });
          else if (!['TLS_1_2', 'TLS_1_3'].includes(min) || profile === 'COMPATIBLE') out.push({ resource: p, message: `ssl_policy ${policy.address} allows ${min} with the ${profile} profile`, detail: 'SslPolicy' });
        }
      }
      for (const c of list(p.values, 'ssl_certificates')) {
        const cert = ctx.resolve(p, c);
        if (cert && (cert.type === 'google_compute_ssl_certificate' || cert.type === 'google_compute_region_ssl_certificate')) {
          out.push({ resource: p, message: `${cert.address} is a self-managed certificate; use a Google-managed one`, detail: 'ManagedCertificate' });
        }
      }
    }
    for (const p of ctx.resources('google_compute_target_http_proxy', 'google_compute_region_target_http_proxy')) {
      const map = ctx.resolve(p, p.values.url_map);
      if (!map) {
        out.push({ resource: p, message: 'url_map cannot be followed: whether plain HTTP only redirects is unknown', unknown: true });
        continue;
      }
      const redirect = attr(map.values, 'default_url_redirect.https_redirect');
      if (isReference(redirect)) out.push({ resource: p, message: 'the url map\'s https_redirect is a reference', unknown: true });
      else if (redirect !== true && redirect !== 'true') out.push({ resource: p, message: `an HTTP proxy whose url map ${map.address} does not redirect to HTTPS`, detail: 'Http' });
    }

    // Kubernetes Services (resources, manifests, Loom's resources chart).
    for (const o of kubernetesObjects(ctx)) {
      if (o.kind !== 'Service') continue;
      const spec = isObject(o.object.spec) ? o.object.spec : {};
      const metadata = isObject(o.object.metadata) ? o.object.metadata : {};
      const what = `Service ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
      const external = [...(Array.isArray(spec.externalIPs) ? spec.externalIPs : []), ...(Array.isArray(spec.externalIps) ? spec.externalIps : [])];
      if (external.length) out.push({ resource: o.source, message: `${what} sets externalIPs (${external.join(', ')})`, detail: `${o.name}:ExternalIPs` });
      if (isReference(spec.type)) {
        out.push({ resource: o.source, message: `${what}: its type is a reference, decided at apply time`, unknown: true });
        continue;
      }
      if (spec.type !== 'LoadBalancer') continue;
      const f = judgeLoadBalancer(ctx, o.source, what, metadata.annotations, `${o.name}:LoadBalancer`);
      if (f) out.push(f);
    }

    // Charts Loom pins that can create LoadBalancer Services.
    for (const r of ctx.resources('helm_release')) {
      const chart = chartOf(r).split('/').pop()!;
      const services = CHART_SERVICES[chart];
      if (!services) continue;
      const hv = helmValues(r);
      for (const s of services) {
        const what = `${chart} ${s.name}`;
        const enabled = s.enabled ? attr(hv.values, s.enabled) : undefined;
        if (enabled === false || enabled === 'false') continue;
        const typeValue = attr(hv.values, s.type);
        if (typeValue === undefined && hv.unknown) {
          out.push({ resource: r, message: `${what}: the release's values cannot all be read, so its service type is unknown`, unknown: true });
          continue;
        }
        if (isReference(typeValue)) {
          out.push({ resource: r, message: `${what}: the service type is a reference, decided at apply time`, unknown: true });
          continue;
        }
        const type = String(typeValue ?? s.defaultType);
        if (type !== s.lb) continue;
        if (!s.annotations) {
          out.push({ resource: r, message: `${what} is a LoadBalancer, and the chart has no annotations to make it internal`, detail: `${s.name}:LoadBalancer` });
          continue;
        }
        const f = judgeLoadBalancer(ctx, r, what, attr(hv.values, s.annotations), `${s.name}:LoadBalancer`);
        if (f) out.push(f);
      }
    }
    return out;
  },
};
