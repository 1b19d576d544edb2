/**
 * The ING rules: per rule a non-compliant, a compliant, an attribute-omitted (the provider's
 * default) and an unresolved-reference fixture, asserting the exact findings.
 */
import { describe, expect, it } from 'vitest';
import { ING_001 } from '../../../policies/rules/ing/ing-001';
import { ING_002 } from '../../../policies/rules/ing/ing-002';
import { ING_003 } from '../../../policies/rules/ing/ing-003';
import { ING_004 } from '../../../policies/rules/ing/ing-004';
import { ING_005 } from '../../../policies/rules/ing/ing-005';
import { ING_006 } from '../../../policies/rules/ing/ing-006';
import { ING_007 } from '../../../policies/rules/ing/ing-007';
import { addresses, EXAMPLES, exampleStacks, fixtureStack, onExamples, runRule } from '../helpers';

describe('LOOM-ING-001 the Kubernetes API endpoint is private or allow-listed', () => {
  const eks = (vpc_config: Record<string, unknown>) => fixtureStack('s', { aws_eks_cluster: { c: { name: 'c', vpc_config } } });
  const gke = (extra: Record<string, unknown>) => fixtureStack('s', { google_container_cluster: { c: { name: 'c', ...extra } } });

  it('fails a public EKS endpoint open to the world, and one without private access', () => {
    expect(addresses(runRule(ING_001, eks({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['0.0.0.0/0'] })))).toEqual(['aws_eks_cluster.c [PublicAccess]']);
    expect(addresses(runRule(ING_001, eks({ endpoint_private_access: false, endpoint_public_access: false })))).toEqual(['aws_eks_cluster.c [PrivateAccess]']);
  });

  it('passes a private EKS endpoint, and a public one allow-listed', () => {
    expect(runRule(ING_001, eks({ endpoint_private_access: true, endpoint_public_access: false }))).toEqual([]);
    expect(runRule(ING_001, eks({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] }))).toEqual([]);
  });

  it('fails an EKS cluster that omits vpc_config access settings (the provider makes it public to 0.0.0.0/0, without private access)', () => {
    expect(addresses(runRule(ING_001, eks({ subnet_ids: ['a', 'b'] })))).toEqual(['aws_eks_cluster.c [PrivateAccess]', 'aws_eks_cluster.c [PublicAccess]']);
  });

  it('reports a reference as unknown, not as a pass', () => {
    expect(addresses(runRule(ING_001, eks({ endpoint_private_access: true, endpoint_public_access: '${var.public}' })))).toEqual(['aws_eks_cluster.c (unknown)']);
  });

  it('GKE: passes a private endpoint or authorized networks; fails none or 0.0.0.0/0; unknown for a reference', () => {
    expect(runRule(ING_001, gke({ private_cluster_config: { enable_private_endpoint: true } }))).toEqual([]);
    expect(runRule(ING_001, gke({ master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '10.100.0.0/16' }] } }))).toEqual([]);
    expect(addresses(runRule(ING_001, gke({})))).toEqual(['google_container_cluster.c [PublicEndpoint]']);
    expect(addresses(runRule(ING_001, gke({ master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '0.0.0.0/0' }] } })))).toEqual(['google_container_cluster.c [PublicEndpoint]']);
    expect(addresses(runRule(ING_001, gke({ private_cluster_config: { enable_private_endpoint: '${var.x}' } })))).toEqual(['google_container_cluster.c (unknown)']);
  });

  it('finds nothing in the examples (every Loom cluster endpoint is private)', () => {
    for (const f of ['aws-platform.yaml', 'gcp-platform.yaml']) expect(runRule(ING_001, exampleStacks(f).stacks), f).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// LOOM-ING-002 … LOOM-ING-007, on fixtures and on every example (`onExamples`: findings located as
// `<stack> <address> [detail]`).

const none = Object.fromEntries(EXAMPLES.map((f) => [f, [] as string[]]));

describe('LOOM-ING-002 no world-open admin ports or all-port rules', () => {
  const sg = (ingress: Record<string, unknown>[], extra: Record<string, unknown> = {}) => fixtureStack('s', { aws_security_group: { g: { description: 'nodes', ingress, ...extra } } });
  const rule = (values: Record<string, unknown>) => fixtureStack('s', { aws_vpc_security_group_ingress_rule: { r: { description: 'x', security_group_id: '${aws_security_group.g.id}', ...values } }, aws_security_group: { g: { description: 'g' } } });

  it('fails SSH from the world, all ports from ::/0, and a database port in a range', () => {
    expect(addresses(runRule(ING_002, sg([{ description: 'ssh', protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/0'] }])))).toEqual(['aws_security_group.g [ingress[0]:Port::22]']);
    expect(addresses(runRule(ING_002, rule({ ip_protocol: '-1', cidr_ipv6: '::/0' })))).toEqual(['aws_vpc_security_group_ingress_rule.r [AllPorts]']);
    expect(addresses(runRule(ING_002, fixtureStack('s', { aws_security_group_rule: { r: { description: 'db', type: 'ingress', protocol: 'tcp', from_port: 5400, to_port: 5435, cidr_blocks: ['0.0.0.0/0'], security_group_id: 'sg-1' } } })))).toEqual(['aws_security_group_rule.r [Port::5432]']);
    const fw = fixtureStack('s', { google_compute_firewall: { f: { name: 'f', network: 'n', source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22', '3389'] }] } } });
    expect(addresses(runRule(ING_002, fw))).toEqual(['google_compute_firewall.f [allow[0]:Port::22]', 'google_compute_firewall.f [allow[0]:Port::3389]']);
  });

  it('world findings are CRITICAL and unsuppressible in prod; description and default-SG findings MEDIUM and exceptable', () => {
    const found = runRule(ING_002, sg([{ protocol: 'tcp', from_port: 3389, to_port: 3389, cidr_blocks: ['0.0.0.0/0'] }], { description: undefined }));
    expect(found.map((f) => [addresses([f])[0], f.severity, f.suppressible])).toEqual([
      ['aws_security_group.g [Description]', 'MEDIUM', undefined],
      ['aws_security_group.g [ingress[0]:Port::3389]', 'CRITICAL', false],
      ['aws_security_group.g [Description::ingress[0]]', 'MEDIUM', undefined],
    ]);
  });

  it('passes narrow sources, other groups, and 443 from the world on a load balancer\'s group', () => {
    expect(runRule(ING_002, sg([{ description: 'api', protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['10.0.0.0/16'] }]))).toEqual([]);
    expect(runRule(ING_002, rule({ ip_protocol: 'tcp', from_port: 5432, to_port: 5432, referenced_security_group_id: 'sg-2' }))).toEqual([]);
    const lb = fixtureStack('s', { aws_lb: { l: { security_groups: ['${aws_security_group.g.id}'] } }, aws_security_group: { g: { description: 'lb', ingress: [{ description: 'https', protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['0.0.0.0/0'] }] } } });
    expect(runRule(ING_002, lb)).toEqual([]);
    expect(addresses(runRule(ING_002, sg([{ description: 'https', protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['0.0.0.0/0'] }])))).toEqual(['aws_security_group.g [ingress[0]:Port::443]']);
  });

  it('omitted attributes take the defaults: a firewall without sources is open to 0.0.0.0/0 and without ports opens all; no description; an undeclared default SG', () => {
    expect(addresses(runRule(ING_002, fixtureStack('s', { google_compute_firewall: { f: { name: 'f', network: 'n', allow: [{ protocol: 'tcp' }] } } })))).toEqual(['google_compute_firewall.f [allow[0]:AllPorts]']);
    expect(addresses(runRule(ING_002, fixtureStack('s', { google_compute_firewall: { f: { name: 'f', network: 'n', source_tags: ['a'], allow: [{ protocol: 'all' }] } } })))).toEqual([]);
    expect(addresses(runRule(ING_002, fixtureStack('s', { aws_security_group: { g: {} } })))).toEqual(['aws_security_group.g [Description]']);
    expect(addresses(runRule(ING_002, fixtureStack('s', { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } } })))).toEqual(['aws_vpc.v [DefaultSecurityGroup]']);
    expect(runRule(ING_002, fixtureStack('s', { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } }, aws_default_security_group: { d: { vpc_id: '${aws_vpc.v.id}' } } }))).toEqual([]);
    expect(addresses(runRule(ING_002, fixtureStack('s', { aws_vpc: { v: {} }, aws_default_security_group: { d: { vpc_id: '${aws_vpc.v.id}', ingress: [{ protocol: '-1', self: true }] } } })))).toEqual(['aws_default_security_group.d [DefaultSecurityGroup]']);
  });

  it('reports references as unknown, not as a pass', () => {
    expect(addresses(runRule(ING_002, sg([{ description: 'x', protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['${var.cidr}'] }])))).toEqual(['aws_security_group.g (unknown)']);
    expect(addresses(runRule(ING_002, sg([{ description: 'x', protocol: 'tcp', from_port: '${var.port}', to_port: 22, cidr_blocks: ['0.0.0.0/0'] }])))).toEqual(['aws_security_group.g (unknown)']);
  });

  it('finds nothing in the examples', () => {
    expect(onExamples(ING_002)).toEqual(none);
  });
});

describe('LOOM-ING-003 no open SSH to nodes', () => {
  const ng = (extra: Record<string, unknown>) => fixtureStack('s', { aws_eks_node_group: { n: { cluster_name: 'c', ...extra } } });
  it('fails remote access without source groups, and Google metadata that opens nodes', () => {
    expect(addresses(runRule(ING_003, ng({ remote_access: { ec2_ssh_key: 'k' } })))).toEqual(['aws_eks_node_group.n [RemoteAccess]']);
    const vm = fixtureStack('s', { google_compute_instance: { i: { name: 'i', metadata: { 'serial-port-enable': 'TRUE', 'enable-oslogin': 'false', 'block-project-ssh-keys': 'true' } } } });
    expect(addresses(runRule(ING_003, vm))).toEqual(['google_compute_instance.i [SerialPort]', 'google_compute_instance.i [OsLogin]']);
    const pool = fixtureStack('s', { google_container_node_pool: { p: { node_config: { metadata: { 'serial-port-enable': 'true' } } } } });
    expect(addresses(runRule(ING_003, pool))).toEqual(['google_container_node_pool.p [SerialPort]']);
  });
  it('passes remote access limited to groups, no remote access, and a locked-down instance', () => {
    expect(runRule(ING_003, ng({ remote_access: { ec2_ssh_key: 'k', source_security_group_ids: ['sg-1'] } }))).toEqual([]);
    expect(runRule(ING_003, ng({}))).toEqual([]);
    expect(runRule(ING_003, fixtureStack('s', { google_compute_instance: { i: { metadata: { 'block-project-ssh-keys': 'true' } } } }))).toEqual([]);
  });
  it('an instance that omits block-project-ssh-keys takes project keys (the default)', () => {
    expect(addresses(runRule(ING_003, fixtureStack('s', { google_compute_instance: { i: { name: 'i' } } })))).toEqual(['google_compute_instance.i [ProjectSshKeys]']);
  });
  it('reports references as unknown', () => {
    expect(addresses(runRule(ING_003, fixtureStack('s', { google_compute_instance: { i: { metadata: { 'block-project-ssh-keys': '${var.b}' } } } })))).toEqual(['google_compute_instance.i (unknown)']);
  });
  it('finds nothing in the examples (Loom sets no remote access; GKE nodes carry only disable-legacy-endpoints)', () => {
    expect(onExamples(ING_003)).toEqual(none);
  });
});

describe('LOOM-ING-004 public exposure only through TLS load balancers', () => {
  const svc = (annotations: Record<string, unknown>, spec: Record<string, unknown> = {}) =>
    fixtureStack('s', { kubernetes_service_v1: { v: { metadata: { name: 'api', namespace: 'ns', annotations }, spec: { type: 'LoadBalancer', port: [{ port: 80 }], ...spec } } } });
  const release = (chart: string, values: Record<string, unknown>) => fixtureStack('s', { helm_release: { h: { name: chart, chart, values: [JSON.stringify(values)] } } });

  it('fails public listeners, old TLS, headers kept; LoadBalancer Services without internal annotation; externalIPs', () => {
    const lb = fixtureStack('s', {
      aws_lb: { l: { internal: false, drop_invalid_header_fields: false } },
      aws_lb_listener: {
        http: { load_balancer_arn: '${aws_lb.l.arn}', protocol: 'HTTP', port: 80, default_action: [{ type: 'forward', target_group_arn: 'x' }] },
        tls: { load_balancer_arn: '${aws_lb.l.arn}', protocol: 'HTTPS', port: 443, ssl_policy: 'ELBSecurityPolicy-2016-08' },
      },
    });
    expect(addresses(runRule(ING_004, lb))).toEqual(['aws_lb.l [DropInvalidHeaders]', 'aws_lb.l [Waf]', 'aws_lb_listener.http [Http]', 'aws_lb_listener.tls [SslPolicy]']);
    expect(addresses(runRule(ING_004, svc({ 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' })))).toEqual(['kubernetes_service_v1.v [api:LoadBalancer]']);
    expect(addresses(runRule(ING_004, svc({}), { cloud: 'gcp' }))).toEqual(['kubernetes_service_v1.v [api:LoadBalancer]']);
    expect(addresses(runRule(ING_004, svc({ 'networking.gke.io/load-balancer-type': 'Internal' }, { external_ips: ['203.0.113.9'] }), { cloud: 'gcp' }))).toEqual(['kubernetes_service_v1.v [api:ExternalIPs]']);
    expect(addresses(runRule(ING_004, release('argo-workflows', { server: { serviceType: 'LoadBalancer' } })))).toEqual(['helm_release.h [server:LoadBalancer]']);
    expect(addresses(runRule(ING_004, release('feast-feature-server', { service: { type: 'LoadBalancer' } })))).toEqual(['helm_release.h [service:LoadBalancer]']);
  });

  it('passes modern TLS, HTTP redirects, internal LoadBalancers (either cloud), and existing clusters\' own implementation', () => {
    const lb = fixtureStack('s', {
      aws_lb: { l: { internal: false, drop_invalid_header_fields: true } },
      aws_wafv2_web_acl_association: { w: { resource_arn: '${aws_lb.l.arn}', web_acl_arn: 'x' } },
      aws_lb_listener: {
        http: { load_balancer_arn: '${aws_lb.l.arn}', protocol: 'HTTP', default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }] },
        tls: { load_balancer_arn: '${aws_lb.l.arn}', protocol: 'HTTPS', ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' },
      },
    });
    expect(runRule(ING_004, lb)).toEqual([]);
    expect(runRule(ING_004, svc({ 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' }))).toEqual([]);
    expect(runRule(ING_004, svc({ 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' }))).toEqual([]);
    expect(runRule(ING_004, svc({ 'networking.gke.io/load-balancer-type': 'Internal' }), { cloud: 'gcp' })).toEqual([]);
    expect(runRule(ING_004, svc({ 'external-dns.alpha.kubernetes.io/hostname': 'api.internal' }), { cloud: 'kubernetes' })).toEqual([]);
    expect(runRule(ING_004, release('harbor', { expose: { type: 'loadBalancer', loadBalancer: { annotations: { 'networking.gke.io/load-balancer-type': 'Internal' } } } }), { cloud: 'gcp' })).toEqual([]);
    expect(runRule(ING_004, release('mlflow', { service: { type: 'ClusterIP' } }))).toEqual([]);
    const gcp = fixtureStack('s', {
      google_compute_ssl_policy: { p: { min_tls_version: 'TLS_1_2', profile: 'MODERN' } },
      google_compute_managed_ssl_certificate: { c: { managed: { domains: ['a.example'] } } },
      google_compute_target_https_proxy: { t: { url_map: 'u', ssl_policy: '${google_compute_ssl_policy.p.id}', ssl_certificates: ['${google_compute_managed_ssl_certificate.c.id}'] } },
      google_compute_url_map: { r: { default_url_redirect: { https_redirect: true } } },
      google_compute_target_http_proxy: { h: { url_map: '${google_compute_url_map.r.id}' } },
    });
    expect(runRule(ING_004, gcp)).toEqual([]);
  });

  it('omitted attributes take the defaults: an ALB listener is HTTP, ALBs keep bad headers, a GKE proxy has the COMPATIBLE policy, ingress-nginx is a public LoadBalancer', () => {
    const lb = fixtureStack('s', { aws_lb: { l: { internal: true } }, aws_lb_listener: { x: { load_balancer_arn: '${aws_lb.l.arn}' } } });
    expect(addresses(runRule(ING_004, lb))).toEqual(['aws_lb.l [DropInvalidHeaders]']);
    expect(addresses(runRule(ING_004, fixtureStack('s', { aws_lb: { l: { drop_invalid_header_fields: true } }, aws_wafv2_web_acl_association: { w: { resource_arn: '${aws_lb.l.arn}' } }, aws_lb_listener: { x: { load_balancer_arn: '${aws_lb.l.arn}' } } })))).toEqual(['aws_lb_listener.x [Http]']);
    expect(addresses(runRule(ING_004, fixtureStack('s', { google_compute_target_https_proxy: { t: { url_map: 'u' } } })))).toEqual(['google_compute_target_https_proxy.t [SslPolicy]']);
    expect(addresses(runRule(ING_004, release('ingress-nginx', {})))).toEqual(['helm_release.h [controller.service:LoadBalancer]']);
  });

  it('reports references as unknown, and an annotation-free Service when the cloud is not known', () => {
    expect(addresses(runRule(ING_004, svc({ 'service.beta.kubernetes.io/aws-load-balancer-scheme': '${var.scheme}' })))).toEqual(['kubernetes_service_v1.v (unknown)']);
    expect(addresses(runRule(ING_004, svc({}), { cloud: undefined }))).toEqual(['kubernetes_service_v1.v (unknown)']);
    expect(addresses(runRule(ING_004, fixtureStack('s', { aws_lb_listener: { x: { protocol: 'HTTPS', ssl_policy: '${var.policy}' } } })))).toEqual(['aws_lb_listener.x (unknown)']);
    expect(addresses(runRule(ING_004, release('mlflow', { service: { type: '${var.type}' } })))).toEqual(['helm_release.h (unknown)']);
  });

  it('finds nothing in the examples: every Service and chart LoadBalancer Loom writes is internal (existing clusters: the premises\' implementation)', () => {
    expect(onExamples(ING_004)).toEqual(none);
  });
});

describe('LOOM-ING-005 data stores are not publicly reachable', () => {
  it('fails public RDS, MSK public access, Cloud SQL open to the world, Memorystore by direct peering', () => {
    expect(addresses(runRule(ING_005, fixtureStack('s', { aws_db_instance: { d: { publicly_accessible: true } } })))).toEqual(['aws_db_instance.d [PubliclyAccessible]']);
    expect(addresses(runRule(ING_005, fixtureStack('s', { aws_msk_cluster: { m: { broker_node_group_info: { connectivity_info: { public_access: { type: 'SERVICE_PROVIDED_EIPS' } } } } } })))).toEqual(['aws_msk_cluster.m [PublicAccess]']);
    expect(addresses(runRule(ING_005, fixtureStack('s', { google_sql_database_instance: { q: { settings: { ip_configuration: { ipv4_enabled: true, authorized_networks: [{ value: '0.0.0.0/0' }] } } } } })))).toEqual(['google_sql_database_instance.q [PublicIp]']);
    expect(addresses(runRule(ING_005, fixtureStack('s', { google_redis_instance: { r: { connect_mode: 'DIRECT_PEERING' } } })))).toEqual(['google_redis_instance.r [PrivateServiceAccess]']);
  });
  it('passes private stores', () => {
    const s = fixtureStack('s', {
      aws_db_instance: { d: { publicly_accessible: false } },
      aws_elasticache_replication_group: { e: { subnet_group_name: 'g' } },
      google_sql_database_instance: { q: { settings: { ip_configuration: { ipv4_enabled: false, private_network: 'n' } } } },
      google_redis_instance: { r: { connect_mode: 'PRIVATE_SERVICE_ACCESS' } },
      aws_opensearch_domain: { o: { vpc_options: { subnet_ids: ['a'] } } },
    });
    expect(runRule(ING_005, s)).toEqual([]);
  });
  it('omitted attributes take the defaults: RDS and MSK private, Cloud SQL public IP (fine without a world network), Memorystore direct peering, ElastiCache in the default subnet group', () => {
    expect(runRule(ING_005, fixtureStack('s', { aws_db_instance: { d: {} }, aws_msk_cluster: { m: {} }, google_sql_database_instance: { q: { settings: {} } } }))).toEqual([]);
    expect(addresses(runRule(ING_005, fixtureStack('s', { google_redis_instance: { r: {} }, aws_elasticache_replication_group: { e: {} } })))).toEqual(['aws_elasticache_replication_group.e [SubnetGroup]', 'google_redis_instance.r [PrivateServiceAccess]']);
  });
  it('reports references as unknown', () => {
    expect(addresses(runRule(ING_005, fixtureStack('s', { aws_db_instance: { d: { publicly_accessible: '${var.p}' } }, google_sql_database_instance: { q: { settings: { ip_configuration: { ipv4_enabled: '${var.v}' } } } } })))).toEqual(['aws_db_instance.d (unknown)', 'google_sql_database_instance.q (unknown)']);
  });
  it('finds nothing in the examples', () => {
    expect(onExamples(ING_005)).toEqual(none);
  });
});

describe('LOOM-ING-006 ML notebooks and endpoints are private', () => {
  it('fails an open notebook, a model without isolation, a Workbench instance with a public IP, a public Vertex endpoint', () => {
    expect(addresses(runRule(ING_006, fixtureStack('s', { aws_sagemaker_notebook_instance: { n: { direct_internet_access: 'Enabled', root_access: 'Disabled', subnet_id: 's' } } })))).toEqual(['aws_sagemaker_notebook_instance.n [DirectInternetAccess]']);
    expect(addresses(runRule(ING_006, fixtureStack('s', { aws_sagemaker_model: { m: { enable_network_isolation: false } } })))).toEqual(['aws_sagemaker_model.m [NetworkIsolation]']);
    expect(addresses(runRule(ING_006, fixtureStack('s', { google_workbench_instance: { w: { gce_setup: { disable_public_ip: false, network_interfaces: [{ network: 'n' }] } } } })))).toEqual(['google_workbench_instance.w [PublicIp]']);
    expect(addresses(runRule(ING_006, fixtureStack('s', { google_vertex_ai_endpoint: { e: { name: 'e' } } })))).toEqual(['google_vertex_ai_endpoint.e [Private]']);
  });
  it('passes private notebooks, isolated models, peered or PSC endpoints', () => {
    const s = fixtureStack('s', {
      aws_sagemaker_notebook_instance: { n: { direct_internet_access: 'Disabled', root_access: 'Disabled', subnet_id: 's' } },
      aws_sagemaker_model: { m: { enable_network_isolation: true } },
      google_workbench_instance: { w: { gce_setup: { disable_public_ip: true, network_interfaces: [{ network: 'n' }] } } },
      google_vertex_ai_endpoint: { e: { network: 'projects/1/global/networks/n' } },
      google_vertex_ai_index_endpoint: { i: { private_service_connect_config: { enable_private_service_connect: true } } },
    });
    expect(runRule(ING_006, s)).toEqual([]);
  });
  it('omitted attributes take the defaults (internet access and root Enabled, no subnet; isolation off)', () => {
    expect(addresses(runRule(ING_006, fixtureStack('s', { aws_sagemaker_notebook_instance: { n: {} }, aws_sagemaker_model: { m: {} } })))).toEqual([
      'aws_sagemaker_notebook_instance.n [DirectInternetAccess]',
      'aws_sagemaker_notebook_instance.n [RootAccess]',
      'aws_sagemaker_notebook_instance.n [Subnet]',
      'aws_sagemaker_model.m [NetworkIsolation]',
    ]);
  });
  it('reports references as unknown', () => {
    expect(addresses(runRule(ING_006, fixtureStack('s', { aws_sagemaker_model: { m: { enable_network_isolation: '${var.i}' } } })))).toEqual(['aws_sagemaker_model.m (unknown)']);
  });
  it('finds the SageMaker models of aws-buy-everything without network isolation (a genuine gap), nothing elsewhere', () => {
    expect(onExamples(ING_006)).toEqual({
      ...none,
      'aws-buy-everything.yaml': ['smallco-services aws_sagemaker_model.Serving_Endpoint-churn_Model_CFE9F32C [NetworkIsolation]', 'smallco-services aws_sagemaker_model.Serving_Endpoint-recommender_Model_A363B3A9 [NetworkIsolation]'],
    });
  });
});

describe('LOOM-ING-007 network policies are enforced, with default-deny per namespace', () => {
  const teamNs = { n: { metadata: { name: 'team', labels: { 'loom.dev/namespace-role': 'team' } } } };
  const eks = (config?: string) =>
    fixtureStack('s', { aws_eks_cluster: { c: { name: 'c' } }, aws_eks_addon: { cni: { cluster_name: '${aws_eks_cluster.c.name}', addon_name: 'vpc-cni', ...(config !== undefined ? { configuration_values: config } : {}) } } });
  it('fails GKE without enforcement, EKS without the policy agent, a team namespace without default-deny', () => {
    expect(addresses(runRule(ING_007, fixtureStack('s', { google_container_cluster: { c: { network_policy: { enabled: false } } } })))).toEqual(['google_container_cluster.c [Enforcement]']);
    expect(addresses(runRule(ING_007, eks('{"enableNetworkPolicy":"false"}')))).toEqual(['aws_eks_cluster.c [Enforcement]']);
    const allowOnly = fixtureStack('s', { kubernetes_namespace_v1: teamNs, kubernetes_network_policy_v1: { p: { metadata: { name: 'allow', namespace: '${kubernetes_namespace_v1.n.metadata[0].name}' }, spec: { pod_selector: { match_labels: { app: 'a' } }, policy_types: ['Ingress'] } } } });
    expect(addresses(runRule(ING_007, allowOnly))).toEqual(['kubernetes_namespace_v1.n [team:DefaultDeny]']);
  });
  it('passes Dataplane V2, the VPC CNI agent, Calico targeting the cluster, and a default-deny policy', () => {
    expect(runRule(ING_007, fixtureStack('s', { google_container_cluster: { c: { datapath_provider: 'ADVANCED_DATAPATH' } } }))).toEqual([]);
    expect(runRule(ING_007, eks('{"enableNetworkPolicy":"true"}'))).toEqual([]);
    const calico = fixtureStack('s', { aws_eks_cluster: { c: { name: 'c' } }, helm_release: { t: { chart: 'tigera-operator' } } });
    expect(runRule(ING_007, calico)).toEqual([]);
    const deny = fixtureStack('s', { kubernetes_namespace_v1: teamNs, kubernetes_network_policy_v1: { p: { metadata: { name: 'deny', namespace: '${kubernetes_namespace_v1.n.metadata[0].name}' }, spec: { pod_selector: {}, policy_types: ['Ingress'] } } } });
    expect(runRule(ING_007, deny)).toEqual([]);
  });
  it('omitted attributes take the defaults (GKE: no enforcement; EKS: the vpc-cni agent off)', () => {
    expect(addresses(runRule(ING_007, fixtureStack('s', { google_container_cluster: { c: { name: 'c' } } })))).toEqual(['google_container_cluster.c [Enforcement]']);
    expect(addresses(runRule(ING_007, eks()))).toEqual(['aws_eks_cluster.c [Enforcement]']);
  });
  it('reports references as unknown', () => {
    expect(addresses(runRule(ING_007, eks('${var.cni}')))).toEqual(['aws_eks_cluster.c (unknown)']);
    expect(addresses(runRule(ING_007, fixtureStack('s', { google_container_cluster: { c: { datapath_provider: '${var.d}' } } })))).toEqual(['google_container_cluster.c (unknown)']);
  });
  it('finds nothing in the examples: EKS runs the VPC CNI policy agent, GKE Dataplane V2, and the shared loom-workloads namespace is not a team\'s', () => {
    expect(onExamples(ING_007)).toEqual({ 'aws-platform.yaml': [], 'aws-buy-everything.yaml': [], 'aws-minimal.yaml': [], 'gcp-platform.yaml': [], 'onprem-sovereign.yaml': [] });
    // A team namespace (as a teams entry makes) without default-deny is found.
    const loose = fixtureStack('s', { kubernetes_namespace_v1: { n: { metadata: { name: 'ranking', labels: { 'loom.dev/namespace-role': 'team' } } } } });
    expect(addresses(runRule(ING_007, loose))).toEqual(['kubernetes_namespace_v1.n [ranking:DefaultDeny]']);
  });
});
