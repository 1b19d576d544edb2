/**
 * LOOM-ING-002: no world-open admin ports or all-port rules. Security groups and firewalls that let
 * the whole internet reach SSH, RDP, a database or every port are the commonest way into a cloud
 * network; the default security group must be closed, and every group and rule says why it exists.
 */
import type { PolicyRule, RuleContext, RuleFinding, SynthResource } from '../../types';
import { attr, isObject, isReference, list, text } from '../../values';

const WORLD = new Set(['0.0.0.0/0', '::/0']);

/** Admin ports: SSH, RDP (and FTP, which the HIPAA common-ports rule also closes). */
const ADMIN_PORTS: Readonly<Record<number, string>> = { 20: 'FTP data', 21: 'FTP', 22: 'SSH', 3389: 'RDP' };
/** Database, cache, search and broker ports. */
const DATA_PORTS: Readonly<Record<number, string>> = {
  1433: 'SQL Server',
  1521: 'Oracle',
  2483: 'Oracle',
  2484: 'Oracle',
  3306: 'MySQL',
  4333: 'mSQL',
  5432: 'PostgreSQL',
  5439: 'Redshift',
  6379: 'Redis',
  9042: 'Cassandra',
  9092: 'Kafka',
  9094: 'Kafka (TLS)',
  9098: 'Kafka (IAM)',
  9200: 'OpenSearch',
  11211: 'Memcached',
  27017: 'MongoDB',
};
/** Web ports only load balancers may open to the world. */
const WEB_PORTS: Readonly<Record<number, string>> = { 80: 'HTTP', 443: 'HTTPS' };

/** A port range: [from, to], `all` for every port, `unknown` when a bound is a reference. */
type Range = readonly [number, number] | 'all' | 'unknown';

/** The sensitive ports a range covers, by kind. */
function exposed(range: Range): { kind: 'all' | 'admin' | 'data' | 'web'; label: string }[] {
  if (range === 'all') return [{ kind: 'all', label: 'all ports' }];
  if (range === 'unknown') return [];
  const [from, to] = range;
  if (from <= 0 && to >= 65535) return [{ kind: 'all', label: 'all ports' }];
  const out: { kind: 'all' | 'admin' | 'data' | 'web'; label: string }[] = [];
  const scan = (ports: Readonly<Record<number, string>>, kind: 'admin' | 'data' | 'web') => {
    for (const [p, name] of Object.entries(ports)) if (Number(p) >= from && Number(p) <= to) out.push({ kind, label: `${p} (${name})` });
  };
  scan(ADMIN_PORTS, 'admin');
  scan(DATA_PORTS, 'data');
  scan(WEB_PORTS, 'web');
  return out;
}

/** The port range of an AWS rule: protocol `-1`/`all` means every port; ICMP has no ports. */
function awsRange(protocol: unknown, from: unknown, to: unknown): Range | 'none' {
  if (isReference(protocol) || isReference(from) || isReference(to)) return 'unknown';
  const p = String(protocol ?? '').toLowerCase();
  if (p === '-1' || p === 'all') return 'all';
  if (!['tcp', 'udp', '6', '17'].includes(p)) return 'none';
  const f = from === undefined || from === null ? 0 : Number(from);
  const t = to === undefined || to === null ? 65535 : Number(to);
  return [f, t];
}

/** The security groups load balancers (`aws_lb`, `aws_alb`, `aws_elb`) use: the only ones that may open 80/443 to the world. */
function loadBalancerGroups(ctx: RuleContext): Set<SynthResource> {
  const out = new Set<SynthResource>();
  for (const lb of ctx.resources('aws_lb', 'aws_alb', 'aws_elb')) {
    for (const ref of list(lb.values, 'security_groups')) {
      const sg = ctx.resolve(lb, ref);
      if (sg) out.add(sg);
    }
  }
  return out;
}

interface Check {
  readonly resource: SynthResource;
  /** Where the rule sits, for messages and details (`ingress[0]`). */
  readonly where: string;
  readonly cidrs: readonly unknown[];
  readonly range: Range | 'none';
  /** Whether the group it opens is a load balancer's (`unknown` when it cannot be followed). */
  readonly loadBalancer: boolean | 'unknown';
}

function judge(c: Check, out: RuleFinding[]): void {
  if (c.range === 'none') return;
  const world = c.cidrs.filter((x) => WORLD.has(String(x)));
  const unresolvedCidr = c.cidrs.some(isReference);
  if (!world.length && !unresolvedCidr) return;
  const prefix = c.where ? `${c.where}: ` : '';
  if (c.range === 'unknown') {
    if (world.length) out.push({ resource: c.resource, message: `${prefix}opens ${world.join(', ')} on ports set by a reference, decided at apply time`, unknown: true });
    return;
  }
  const ports = exposed(c.range).filter((p) => p.kind !== 'web' || c.loadBalancer !== true);
  if (!ports.length) return;
  if (!world.length) {
    out.push({ resource: c.resource, message: `${prefix}a source CIDR is a reference, decided at apply time, on ${ports.map((p) => p.label).join(', ')}`, unknown: true });
    return;
  }
  for (const p of ports) {
    if (p.kind === 'web' && c.loadBalancer === 'unknown') {
      out.push({ resource: c.resource, message: `${prefix}opens ${p.label} to ${world.join(', ')} on a group that cannot be followed to a load balancer`, unknown: true });
      continue;
    }
    const what = p.kind === 'web' ? `${p.label} on a group that no load balancer uses` : p.label;
    out.push({ resource: c.resource, message: `${prefix}opens ${what} to ${world.join(', ')}`, detail: `${c.where ? `${c.where}:` : ''}${p.kind === 'all' ? 'AllPorts' : `Port::${p.label.split(' ')[0]}`}`, severity: 'CRITICAL', suppressible: false });
  }
}

/** A description that says something (the provider's default `Managed by Terraform` does not). */
function describes(v: unknown): boolean | 'unknown' {
  if (isReference(v)) return 'unknown';
  return typeof v === 'string' && v.trim() !== '' && v.trim() !== 'Managed by Terraform';
}

const noDescription = (resource: SynthResource, where: string): RuleFinding => ({
  resource,
  message: `${where ? `${where} has` : 'has'} no description (the provider writes "Managed by Terraform")`,
  detail: where ? `Description::${where}` : 'Description',
  severity: 'MEDIUM',
});

/** LOOM-ING-002: No world-open admin ports or all-port rules. A world-open port is never an exception in prod (those findings are unsuppressible there); description and default-security-group findings may be excepted. */
export const ING_002: PolicyRule = {
  id: 'LOOM-ING-002',
  area: 'ING',
  title: 'No world-open admin ports or all-port rules',
  severity: { baseline: 'CRITICAL' },
  rationale: 'SSH, RDP, databases or every port open to 0.0.0.0/0 are scanned and brute-forced within minutes; an open default security group silently admits whatever lands in it; undescribed rules cannot be reviewed.',
  fix: 'Open ports only to the platform\'s networks (network.vpcCidr, peers, endpoint.privateAccessCidrs) or to other security groups; reach nodes through SSM, not SSH. Give every security group and rule a description; declare aws_default_security_group with no rules.',
  anchors: ['AwsSolutions-EC23', 'AwsSolutions-EC27', 'HIPAA.Security-EC2RestrictedSSH', 'HIPAA.Security-EC2RestrictedCommonPorts', 'HIPAA.Security-VPCDefaultSecurityGroupClosed', 'CKV_AWS_24', 'CKV_AWS_25', 'CKV_AWS_260', 'CKV_AWS_277', 'CKV_AWS_23', 'CKV2_AWS_12', 'AVD-AWS-0107', 'AVD-AWS-0173', 'AVD-AWS-0099', 'CKV_GCP_2', 'CKV_GCP_3', 'CKV2_GCP_12', 'AVD-GCP-0027', 'AVD-GCP-0070', 'AVD-GCP-0071'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const lbGroups = loadBalancerGroups(ctx);
    const isLb = (from: SynthResource, ref: unknown): boolean | 'unknown' => {
      if (!isReference(ref)) return false;
      const target = ctx.resolve(from, ref);
      if (!target) return 'unknown';
      return lbGroups.has(target);
    };

    for (const sg of ctx.resources('aws_security_group')) {
      const d = describes(sg.values.description);
      if (d === false) out.push(noDescription(sg, ''));
      list(sg.values, 'ingress').forEach((rule, i) => {
        if (!isObject(rule)) return;
        const where = `ingress[${i}]`;
        judge({ resource: sg, where, cidrs: [...list(rule, 'cidr_blocks'), ...list(rule, 'ipv6_cidr_blocks')], range: awsRange(rule.protocol, rule.from_port, rule.to_port), loadBalancer: lbGroups.has(sg) }, out);
        if (describes(rule.description) === false) out.push(noDescription(sg, where));
      });
      list(sg.values, 'egress').forEach((rule, i) => {
        if (isObject(rule) && describes(rule.description) === false) out.push(noDescription(sg, `egress[${i}]`));
      });
    }

    for (const r of ctx.resources('aws_security_group_rule')) {
      if (describes(r.values.description) === false) out.push(noDescription(r, ''));
      if (text(r.values, 'type') !== 'ingress') continue;
      judge({ resource: r, where: '', cidrs: [...list(r.values, 'cidr_blocks'), ...list(r.values, 'ipv6_cidr_blocks')], range: awsRange(r.values.protocol, r.values.from_port, r.values.to_port), loadBalancer: isLb(r, r.values.security_group_id) }, out);
    }

    for (const r of ctx.resources('aws_vpc_security_group_ingress_rule')) {
      if (describes(r.values.description) === false) out.push(noDescription(r, ''));
      const cidrs = [r.values.cidr_ipv4, r.values.cidr_ipv6].filter((c) => c !== undefined && c !== null);
      judge({ resource: r, where: '', cidrs, range: awsRange(r.values.ip_protocol, r.values.from_port, r.values.to_port), loadBalancer: isLb(r, r.values.security_group_id) }, out);
    }
    for (const r of ctx.resources('aws_vpc_security_group_egress_rule')) {
      if (describes(r.values.description) === false) out.push(noDescription(r, ''));
    }

    // The default security group: declared (Terraform then strips AWS's rules) and with no rules of its own.
    for (const r of ctx.resources('aws_default_security_group')) {
      const rules = [...list(r.values, 'ingress'), ...list(r.values, 'egress')];
      if (rules.length) out.push({ resource: r, message: `the default security group keeps ${rules.length} rule(s); it should admit nothing`, detail: 'DefaultSecurityGroup', severity: 'MEDIUM' });
    }
    for (const vpc of ctx.resources('aws_vpc')) {
      if (!ctx.referencing(vpc, 'aws_default_security_group').length) {
        out.push({ resource: vpc, message: 'no aws_default_security_group closes this VPC\'s default security group (AWS leaves it open to its own members and all egress)', detail: 'DefaultSecurityGroup', severity: 'MEDIUM' });
      }
    }

    for (const fw of ctx.resources('google_compute_firewall')) {
      const direction = text(fw.values, 'direction') ?? 'INGRESS';
      if (direction === 'EGRESS') continue;
      if (attr(fw.values, 'disabled') === true) continue;
      const ranges = list(fw.values, 'source_ranges');
      const hasOtherSource = list(fw.values, 'source_tags').length > 0 || list(fw.values, 'source_service_accounts').length > 0;
      // With no source at all, Google Cloud applies an ingress rule to 0.0.0.0/0. Web ports are not
      // judged here: Google's load balancers reach nodes through firewalls (the catalogue: 22, 3389, all).
      const cidrs = ranges.length === 0 && !hasOtherSource ? ['0.0.0.0/0'] : ranges;
      list(fw.values, 'allow').forEach((allow, i) => {
        if (!isObject(allow)) return;
        const protocol = allow.protocol;
        const p = String(protocol ?? '').toLowerCase();
        const ports = list(allow, 'ports');
        const where = `allow[${i}]`;
        if (isReference(protocol) || ports.some(isReference)) {
          judge({ resource: fw, where, cidrs, range: 'unknown', loadBalancer: true }, out);
          return;
        }
        if (p === 'all') return judge({ resource: fw, where, cidrs, range: 'all', loadBalancer: true }, out);
        if (!['tcp', 'udp', 'sctp', '6', '17', '132'].includes(p)) return;
        if (!ports.length) return judge({ resource: fw, where, cidrs, range: 'all', loadBalancer: true }, out);
        for (const port of ports) {
          const [a, b] = String(port).split('-').map(Number);
          judge({ resource: fw, where, cidrs, range: [a!, b ?? a!], loadBalancer: true }, out);
        }
      });
    }
    return dedupe(out);
  },
};

/** One finding per resource and detail (a firewall listing 22 twice is one finding). */
function dedupe(findings: RuleFinding[]): RuleFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${'address' in f.resource ? f.resource.address : ''} ${f.detail ?? f.message} ${f.unknown ? 'u' : ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
