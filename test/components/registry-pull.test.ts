/**
 * The registry's contract, "pull granted to every cluster's nodes", held end to end for build as
 * for buy: Harbor's S3 store with credentials its registry can use (no IRSA), a private DNS name
 * at fixed addresses from the address plan, a certificate every cluster's containerd trusts, and
 * a private project pulled with a robot's credentials in every cluster; and for buy on AWS, every
 * node role of every cluster (Karpenter's too) and a key policy on the ECR key.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reservedLoadBalancerAddress } from '../../plan/addresses';
import { assertS3Credentials, harborValues } from '../../constructs/components/registry/build';
import { containerdHostsToml } from '../../constructs/components/registry/trust';
import { harborSetupScript } from '../../constructs/components/registry/pull-access';
import { resolvePlan, resolvePlatformContext } from '../../plan';
import { settingsOf } from '../../schema/schema';
import { findResource, findResources, specFrom, synthSpec, type StackJson } from '../helpers/synth';
import { cleanupSynths, parseInterpolatedJson, platformSpec, releases, synthPlatform, valuesOf } from './fixtures';

afterAll(cleanupSynths);

const CLUSTERS = ['apps', 'events', 'training'];
const harborOf = (stack: StackJson) => valuesOf(releases(stack).harbor!);

describe("Harbor's S3 store refuses credentials its registry cannot use", () => {
  it('rejects S3 without an access key Secret: distribution 2.8 has no IRSA (the old IRSA-only values)', () => {
    const plan = resolvePlatformContext(settingsOf(specFrom(platformSpec('aws', { registry: 'build' }))));
    const irsaOnly = { imageChartStorage: { type: 's3', s3: { region: 'us-east-1', bucket: 'b', secure: true, v4auth: true } } };
    expect(() => harborValues({ platform: plan, hostname: 'harbor.acme.internal', store: irsaOnly })).toThrow(/cannot use IRSA.*existingSecret|existingSecret.*cannot use IRSA/);
    expect(() => assertS3Credentials({ type: 's3', s3: { existingSecret: 'harbor-image-store' } })).not.toThrow();
    expect(() => assertS3Credentials({ type: 'gcs', gcs: { bucket: 'b', useWorkloadIdentity: true } })).not.toThrow();
  });
});

describe('the address plan sets a load balancer address aside in a subnet', () => {
  it('takes the first address of the second-highest /28', () => {
    expect(reservedLoadBalancerAddress('10.0.0.0/22')).toEqual({ reservation: '10.0.3.224/28', address: '10.0.3.224' });
    expect(reservedLoadBalancerAddress('10.0.16.0/20')).toEqual({ reservation: '10.0.31.224/28', address: '10.0.31.224' });
    expect(() => reservedLoadBalancerAddress('10.0.0.0/28')).toThrow(/too small/);
  });
});

describe('registry build on AWS: pulled end to end', () => {
  const out = () => synthPlatform('aws', { registry: 'build' });
  const services = () => out().stacks['acme-services']!;
  const apps = () => out().stacks['acme-addons-apps']!;

  it('answers harbor.acme.internal in the VPC with the NLB addresses the address plan fixed', () => {
    const zone = findResource(services(), 'aws_route53_zone') as any;
    expect(zone.name).toBe('harbor.acme.internal');
    expect(zone.vpc[0].vpc_id).toMatch(/cross-stack-reference-input-acme-cluster-apps\.outputs\.\S*vpc_id/);
    const record = findResource(services(), 'aws_route53_record') as any;
    expect(record).toMatchObject({ name: 'harbor.acme.internal', type: 'A', ttl: 300 });
    expect(record.zone_id).toMatch(/aws_route53_zone\.Registry_Dns_Zone/);
    // The NLB takes exactly those addresses, in the registry cluster's node subnets, one per zone.
    const plan = resolvePlan(specFrom(platformSpec('aws', { registry: 'build' })));
    const subnets = plan.clusters.find((c) => c.name === 'apps')!.nodeSubnets;
    const planned = subnets.map((s) => reservedLoadBalancerAddress(s.cidr));
    expect(record.records).toEqual(planned.map((p) => p.address));
    const annotations = harborOf(apps()).expose.loadBalancer.annotations;
    expect(annotations['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses']).toBe(record.records.join(','));
    expect(annotations['service.beta.kubernetes.io/aws-load-balancer-subnets']).toBe(subnets.map((s) => `acme-apps-${s.zone}`).join(','));
    expect(annotations['service.beta.kubernetes.io/aws-load-balancer-attributes']).toBe('load_balancing.cross_zone.enabled=true');
  });

  it('takes addresses the network stack reserves (explicit) in the node subnets, before any node or pod exists', () => {
    const plan = resolvePlan(specFrom(platformSpec('aws', { registry: 'build' })));
    const subnets = plan.clusters.find((c) => c.name === 'apps')!.nodeSubnets;
    const network = out().stacks['acme-network']!;
    const reservations = Object.entries((network as any).resource.aws_ec2_subnet_cidr_reservation as Record<string, any>)
      .filter(([k]) => k.startsWith('Network_NodeSubnets_apps_'))
      .map(([, r]) => r);
    expect(reservations.map((r) => r.cidr_block)).toEqual(subnets.map((s) => reservedLoadBalancerAddress(s.cidr).reservation));
    for (const r of reservations) expect(r.reservation_type).toBe('explicit');
    // Each in its own zone's node subnet of the registry cluster, by reference (no lookup).
    for (const r of reservations) expect(r.subnet_id).toMatch(/^\$\{aws_subnet\.Network_NodeSubnets_apps_/);
    // The network's, whatever is built: flipping the registry never touches the network.
    const bought = synthPlatform('aws', { registry: 'buy' }).stacks['acme-network']!;
    expect(bought.resource!.aws_ec2_subnet_cidr_reservation).toEqual((network as any).resource.aws_ec2_subnet_cidr_reservation);
    expect(findResources(services(), 'aws_ec2_subnet_cidr_reservation')).toEqual([]);
    expect((services() as any).data?.aws_subnet).toBeUndefined();
  });

  it("serves a certificate for the hostname signed by the platform CA, from the harbor-tls Secret", () => {
    const values = harborOf(apps());
    expect(values.expose.tls).toEqual({ enabled: true, certSource: 'secret', secret: { secretName: 'harbor-tls' } });
    const ca = findResource(apps(), 'tls_self_signed_cert') as any;
    expect(ca).toMatchObject({ is_ca_certificate: true, allowed_uses: expect.arrayContaining(['cert_signing']) });
    expect(findResource(apps(), 'tls_cert_request')).toMatchObject({ dns_names: ['harbor.acme.internal'] });
    const cert = findResource(apps(), 'tls_locally_signed_cert') as any;
    expect(cert).toMatchObject({ allowed_uses: expect.arrayContaining(['server_auth']), early_renewal_hours: 720 });
    expect(cert.ca_cert_pem).toMatch(/tls_self_signed_cert\.Registry_Certificate_Ca/);
    const secret = findResource(apps(), 'kubernetes_secret_v1', { metadata: { name: 'harbor-tls' } }) as any;
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.data['tls.crt']).toMatch(/tls_locally_signed_cert\.Registry_Certificate_Cert\w*\.cert_pem\}\$\{tls_self_signed_cert/);
    expect(secret.data['tls.key']).toMatch(/tls_private_key\.Registry_Certificate_Key_\w+\.private_key_pem/);
    // A renewed certificate restarts nginx.
    expect(values.nginx.podAnnotations['loom.dev/certificate-sha256']).toMatch(/sha256\(tls_locally_signed_cert/);
    expect((apps() as any).terraform.required_providers.tls).toEqual({ source: 'hashicorp/tls', version: '4.1.0' });
  });

  it("makes every cluster's containerd trust the CA for the hostname, on every node", () => {
    for (const c of CLUSTERS) {
      const stack = out().stacks[`acme-addons-${c}`]!;
      const config = findResource(stack, 'kubernetes_config_map_v1', { metadata: { name: 'registry-ca' } }) as any;
      expect(config.data['hosts.toml']).toBe(containerdHostsToml('harbor.acme.internal', '/etc/containerd/certs.d'));
      expect(config.data['ca.crt']).toMatch(
        c === 'apps' ? /^\$\{tls_self_signed_cert\.Registry_Certificate_Ca_\w+\.cert_pem\}$/ : /cross-stack-reference-input-acme-addons-apps\.outputs\.\S*tls_self_signed_cert\S*cert_pem\}$/,
      );
      const ds = findResource(stack, 'kubernetes_daemon_set_v1', { metadata: { name: 'registry-ca' } }) as any;
      expect(ds.metadata.namespace).toMatch(/Namespaces_NodeAgents/);
      const pod = ds.spec.template.spec;
      expect(pod.toleration).toEqual([{ operator: 'Exists' }]);
      expect(pod.volume[1].host_path).toEqual({ path: '/etc/containerd/certs.d', type: 'DirectoryOrCreate' });
      expect(pod.container[0].security_context).toMatchObject({ allow_privilege_escalation: false, capabilities: { drop: ['ALL'] } });
      expect(pod.container[0].security_context.privileged).toBeUndefined();
      expect(pod.host_network ?? pod.host_pid).toBeUndefined();
      expect(ds.spec.template.metadata.annotations['loom.dev/ca-sha256']).toMatch(/sha256\(/);
    }
    expect(containerdHostsToml('h.example', '/etc/containerd/certs.d')).toContain('ca = "/etc/containerd/certs.d/h.example/ca.crt"');
  });

  it("gives every cluster's workloads namespace the robot's login as its default image pull secret", () => {
    for (const c of CLUSTERS) {
      const stack = out().stacks[`acme-addons-${c}`]!;
      const secret = findResource(stack, 'kubernetes_secret_v1', { metadata: { name: 'harbor-pull' } }) as any;
      expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
      expect(secret.metadata.namespace).toMatch(/Namespaces_Workloads/);
      const config = String(secret.data['.dockerconfigjson']);
      expect(config).toContain('"harbor.acme.internal" = {"username" = "robot$acme+loom-pull"');
      expect(config).toMatch(c === 'apps' ? /"password" = var\.harbor_robot_secret/ : /"password" = data\.terraform_remote_state\.cross-stack-reference-input-acme-addons-apps\.outputs\.cross-stack-output-varharbor_robot_secret/);
      const sa = findResource(stack, 'kubernetes_default_service_account_v1') as any;
      expect(sa.metadata.namespace).toMatch(/Namespaces_Workloads/);
      expect(sa.image_pull_secret[0].name).toMatch(/kubernetes_secret_v1\.Registry_Pull_Secret/);
    }
    // The secret crosses stacks only as a sensitive output.
    expect((apps() as any).output['cross-stack-output-varharbor_robot_secret']).toMatchObject({ sensitive: true, value: '${var.harbor_robot_secret}' });
  });

  it('takes the robot secret as a validated sensitive input', () => {
    const variable = (apps() as any).variable.harbor_robot_secret;
    expect(variable).toMatchObject({ sensitive: true, nullable: false, type: 'string' });
    expect(variable.validation[0].condition).toMatch(/length\(var\.harbor_robot_secret\) >= 16/);
    expect(variable.validation[0].condition).toContain('can(regex("[A-Z]", var.harbor_robot_secret))');
  });

  it('sets Harbor up after install: library and the platform project private, a pull-only robot with the given secret', () => {
    const job = findResource(apps(), 'kubernetes_job_v1', { metadata: { name: 'harbor-setup' } }) as any;
    expect(job.wait_for_completion).toBe(true);
    expect(job.depends_on).toEqual([expect.stringMatching(/^helm_release\.Registry_Release_/)]);
    const pod = job.spec.template.spec;
    const env = Object.fromEntries(pod.container[0].env.map((e: any) => [e.name, e.value ?? e.value_from.secret_key_ref.key]));
    expect(env).toMatchObject({ HARBOR_HOST: 'harbor.acme.internal', HARBOR_SERVICE: 'harbor.loom-system.svc', HARBOR_PROJECT: 'acme', HARBOR_ROBOT: 'loom-pull' });
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, seccomp_profile: { type: 'RuntimeDefault' } });
    const credentials = findResource(apps(), 'kubernetes_secret_v1', { metadata: { name: 'harbor-setup' } }) as any;
    expect(credentials.data).toEqual({ HARBOR_ADMIN_PASSWORD: '${var.harbor_admin_password}', ROBOT_SECRET: '${var.harbor_robot_secret}' });
    // A changed input re-runs the Job; the hash is keyed with Harbor's secret key.
    const scriptHash = createHash('sha256').update(harborSetupScript()).digest('hex');
    expect(job.spec.template.metadata.annotations['loom.dev/inputs']).toBe(
      `\${sha256(format("%s|%s|%s|%s", var.harbor_secret_key, var.harbor_admin_password, var.harbor_robot_secret, "${scriptHash}"))}`,
    );
    const script = findResource(apps(), 'kubernetes_config_map_v1', { metadata: { name: 'harbor-setup' } }).data as any;
    expect(script['setup.sh']).toBe(harborSetupScript());
  });

  it('the setup script makes both projects private, creates a pull-only robot and sets its secret, with nothing Terraform would template', () => {
    const script = harborSetupScript();
    expect(script).not.toMatch(/\$\{|%\{/);
    expect(script).toContain('-X PUT "$api/projects/library" -d "$private"');
    expect(script).toContain('\\"metadata\\":{\\"public\\":\\"false\\"}');
    expect(script).toContain('\\"access\\":[{\\"resource\\":\\"repository\\",\\"action\\":\\"pull\\"}]');
    expect(script).toContain('-X PATCH "$api/robots/$id" -d "{\\"secret\\":\\"$ROBOT_SECRET\\"}"');
    expect(script).toContain('--cacert /tls/ca.crt --connect-to "$HARBOR_HOST:443:$HARBOR_SERVICE:443"');
  });
});

describe('registry build on Google Cloud: pulled end to end', () => {
  const out = () => synthPlatform('gcp', { registry: 'build' });
  const services = () => out().stacks['acme-services']!;

  it('reserves the internal address, gives it to the load balancer and names it in a private Cloud DNS zone', () => {
    const address = findResource(services(), 'google_compute_address') as any;
    expect(address).toMatchObject({ address_type: 'INTERNAL', project: 'acme-ml-prod', region: 'us-central1' });
    expect(address.subnetwork).toMatch(/cross-stack-reference-input-acme-cluster-apps/);
    const plan = resolvePlan(specFrom(platformSpec('gcp', { registry: 'build' })));
    expect(address.address).toBe(reservedLoadBalancerAddress(plan.clusters.find((c) => c.name === 'apps')!.block!).address);
    expect(harborOf(out().stacks['acme-addons-apps']!).expose.loadBalancer.IP).toBe(address.address);
    const zone = findResource(services(), 'google_dns_managed_zone') as any;
    expect(zone).toMatchObject({ dns_name: 'harbor.acme.internal.', visibility: 'private' });
    expect(zone.private_visibility_config.networks[0].network_url).toMatch(/cross-stack-reference-input-acme-cluster-apps/);
    expect(findResource(services(), 'google_dns_record_set')).toMatchObject({ name: 'harbor.acme.internal.', type: 'A', rrdatas: [address.address] });
  });

  it('makes the platform CA in the network stack and keeps its certificate (never its key) in Secret Manager', () => {
    const network = out().stacks['acme-network']!;
    const ca = findResource(network, 'tls_self_signed_cert') as any;
    expect(ca).toMatchObject({ is_ca_certificate: true, allowed_uses: expect.arrayContaining(['cert_signing']) });
    expect(ca.private_key_pem).toMatch(/^\$\{tls_private_key\.Registry_TrustedCa_CaKey_\w+\.private_key_pem\}$/);
    const secret = findResource(network, 'google_secret_manager_secret') as any;
    expect(secret).toMatchObject({ secret_id: 'acme-registry-ca', project: 'acme-ml-prod', replication: { user_managed: { replicas: [{ location: 'us-central1' }] } } });
    const version = findResource(network, 'google_secret_manager_secret_version') as any;
    expect(version.secret).toMatch(/^\$\{google_secret_manager_secret\.Registry_TrustedCa_Secret_\w+\.id\}$/);
    expect(version.secret_data).toMatch(/^\$\{tls_self_signed_cert\.Registry_TrustedCa_\w+\.cert_pem\}$/);
    expect(version).toMatchObject({ deletion_policy: 'ABANDON', lifecycle: { create_before_destroy: true } });
    // The CA's key leaves the network stack only as a sensitive output (for Harbor's certificate).
    const keyOutputs = Object.entries((network as any).output as Record<string, any>).filter(([, o]) => /tls_private_key\.Registry_TrustedCa_CaKey/.test(o.value));
    expect(keyOutputs.length).toBe(1);
    expect(keyOutputs[0]![1].sensitive).toBe(true);
  });

  it("lets every GKE node pool's containerd trust the CA for the hostname from Secret Manager (GKE's own mechanism), readable by the node service account", () => {
    for (const c of CLUSTERS) {
      const stack = out().stacks[`acme-cluster-${c}`]!;
      const grants = findResources(stack, 'google_secret_manager_secret_iam_member') as any[];
      expect(grants.length, c).toBe(1);
      expect(grants[0]).toMatchObject({ role: 'roles/secretmanager.secretAccessor' });
      expect(grants[0].secret_id).toMatch(/cross-stack-reference-input-acme-network\.outputs\.\S*google_secret_manager_secret\S*id\}$/);
      expect(grants[0].member).toMatch(/^serviceAccount:\$\{google_service_account\.\w+\.email\}$/);
      const grantName = Object.entries((stack as any).resource.google_secret_manager_secret_iam_member)[0]![0];
      const pools = findResources(stack, 'google_container_node_pool') as any[];
      expect(pools.length, c).toBeGreaterThan(0);
      for (const pool of pools) {
        const access = pool.node_config.containerd_config.private_registry_access_config;
        expect(access.enabled, `${c}/${pool.name}`).toBe(true);
        expect(access.certificate_authority_domain_config).toHaveLength(1);
        expect(access.certificate_authority_domain_config[0].fqdns).toEqual(['harbor.acme.internal']);
        // The version's resource name (projects/<number>/secrets/<id>/versions/<n>): a new CA is a new
        // version, hence new nodes that trust it.
        expect(access.certificate_authority_domain_config[0].gcp_secret_manager_certificate_config.secret_uri).toMatch(
          /cross-stack-reference-input-acme-network\.outputs\.\S*google_secret_manager_secret_version\S*name\}$/,
        );
        // Nodes boot only once they may read the secret.
        expect(pool.depends_on).toContain(`google_secret_manager_secret_iam_member.${grantName}`);
      }
    }
  });

  it("signs Harbor's certificate with that CA, and runs no DaemonSet on GKE nodes (no hand-written containerd files)", () => {
    const apps = out().stacks['acme-addons-apps']!;
    const cert = findResource(apps, 'tls_locally_signed_cert') as any;
    expect(cert.ca_private_key_pem).toMatch(/cross-stack-reference-input-acme-network\.outputs\.\S*tls_private_key\S*private_key_pem\}$/);
    expect(cert.ca_cert_pem).toMatch(/cross-stack-reference-input-acme-network\.outputs\.\S*tls_self_signed_cert\S*cert_pem\}$/);
    expect(findResources(apps, 'tls_self_signed_cert')).toEqual([]);
    const secret = findResource(apps, 'kubernetes_secret_v1', { metadata: { name: 'harbor-tls' } }) as any;
    expect(secret.data['ca.crt']).toMatch(/cross-stack-reference-input-acme-network\.outputs\.\S*tls_self_signed_cert\S*cert_pem\}$/);
    for (const c of CLUSTERS) {
      const stack = out().stacks[`acme-addons-${c}`]!;
      expect(findResources(stack, 'kubernetes_daemon_set_v1', { metadata: { name: 'registry-ca' } }), c).toEqual([]);
      expect(findResources(stack, 'kubernetes_config_map_v1', { metadata: { name: 'registry-ca' } }), c).toEqual([]);
      expect(findResource(stack, 'kubernetes_secret_v1', { metadata: { name: 'harbor-pull' } })).toBeDefined();
    }
  });

  it('trusts the hostname the spec names', () => {
    const spec = platformSpec('gcp', { registry: 'build' });
    spec.components.registry.hostname = 'registry.ml.acme.example';
    const custom = synthSpec(spec);
    try {
      const pool = findResources(custom.stacks['acme-cluster-apps']!, 'google_container_node_pool')[0] as any;
      expect(pool.node_config.containerd_config.private_registry_access_config.certificate_authority_domain_config[0].fqdns).toEqual(['registry.ml.acme.example']);
      expect(findResource(custom.stacks['acme-addons-apps']!, 'tls_cert_request')).toMatchObject({ dns_names: ['registry.ml.acme.example'] });
    } finally {
      custom.cleanup();
    }
  });

  it('changes nothing in the network and cluster stacks when the registry is bought', () => {
    const buy = synthPlatform('gcp', { registry: 'buy' });
    expect(findResources(buy.stacks['acme-network']!, 'google_secret_manager_secret')).toEqual([]);
    expect(Object.keys((buy.stacks['acme-network'] as any).terraform.required_providers)).toEqual(['google']);
    for (const c of CLUSTERS) {
      const stack = buy.stacks[`acme-cluster-${c}`]!;
      expect(findResources(stack, 'google_secret_manager_secret_iam_member'), c).toEqual([]);
      for (const pool of findResources(stack, 'google_container_node_pool') as any[]) expect(pool.node_config.containerd_config, `${c}/${pool.name}`).toBeUndefined();
    }
  });

  it('keeps GCS through Workload Identity (the GCS driver uses default credentials: the metadata server)', () => {
    const values = harborOf(out().stacks['acme-addons-apps']!);
    expect(values.persistence.imageChartStorage.gcs).toMatchObject({ useWorkloadIdentity: true });
    expect(values.persistence.imageChartStorage.gcs.existingSecret).toBeUndefined();
    expect(values.registry).toMatchObject({ serviceAccountName: 'harbor-registry', automountServiceAccountToken: true });
  });
});

describe('registry build on existing clusters', () => {
  const out = () => synthPlatform('kubernetes', { registry: 'build' });

  it('still trusts the CA and pulls with the robot on every cluster; DNS is the premises', () => {
    for (const [name, stack] of Object.entries(out().stacks)) {
      expect(findResource(stack, 'kubernetes_daemon_set_v1', { metadata: { name: 'registry-ca' } }), name).toBeDefined();
      expect(findResource(stack, 'kubernetes_secret_v1', { metadata: { name: 'harbor-pull' } }), name).toBeDefined();
    }
    const values = harborOf(out().stacks['lab-addons-apps']!);
    expect(values.expose.loadBalancer.IP).toBeUndefined();
    expect(values.expose.tls.certSource).toBe('secret');
  });
});

describe('registry buy on AWS: every node identity of every cluster pulls, and the key names its users', () => {
  it("lists Karpenter's node role beside the node groups' role", () => {
    const spec = platformSpec('aws', { registry: 'buy' });
    spec.clusters = spec.clusters.map((c: any) => (c.name === 'training' ? { ...c, autoscaler: 'karpenter' } : c));
    const out = synthSpec(spec);
    try {
      const services = out.stacks['acme-services']!;
      for (const policy of findResources(services, 'aws_ecr_repository_policy')) {
        const principals: string[] = JSON.parse(String(policy.policy)).Statement[0].Principal.AWS;
        expect(principals).toHaveLength(CLUSTERS.length + 1);
        expect(principals.filter((p) => /acme-cluster-training/.test(p))).toEqual([
          expect.stringMatching(/aws_iam_roleCluster_NodeRole/),
          expect.stringMatching(/Karpenter\w*NodeRole\w*arn\}$/),
        ]);
      }
    } finally {
      out.cleanup();
    }
  });

  it('gives the ECR key a policy: the account administers, ECR uses it through grants', () => {
    const services = synthPlatform('aws', { registry: 'buy' }).stacks['acme-services']!;
    const key = parseInterpolatedJson(String(findResource(services, 'aws_kms_key').policy));
    expect(key.Statement.map((s: any) => s.Sid)).toEqual(['KeyAdministration', 'KeyServiceUsage']);
    expect(key.Statement[1].Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
  });
});

/** A fake `curl` answering like Harbor's API by method and path, logging every call. */
const FAKE_CURL = `#!/bin/sh
method=GET; url=; data=; devnull=
while [ $# -gt 0 ]; do
  case "$1" in
    -X) method=$2; shift 2 ;;
    -d) data=$2; shift 2 ;;
    -o) [ "$2" = /dev/null ] && devnull=1; shift 2 ;;
    -u|-H|-w|--cacert|--connect-to) shift 2 ;;
    https://*) url=$1; shift ;;
    *) shift ;;
  esac
done
path=\${url#https://*/api/v2.0}
echo "$method $path $data" >> "$FAKE_LOG"
body=; code=200
case "$method $path" in
  "GET /health") body='{"status":"healthy"}' ;;
  "POST /projects") code=$FAKE_PROJECT_CODE ;;
  "PUT /projects/"*) ;;
  "GET /robots?page_size=100") body=$FAKE_ROBOTS ;;
  "POST /robots")
    code=201; name=$(printf '%s' "$data" | sed 's/^{"name":"\\([^"]*\\)".*/\\1/')
    case "$name" in loom-pull) id=7 ;; *) id=8 ;; esac
    body='{"creation_time":"2026-01-01T00:00:00Z","expires_at":-1,"id":'$id',"name":"robot$acme+'$name'","secret":"generated"}' ;;
  "PUT /robots/"*) ;;
  "PATCH /robots/"*) ;;
  *) code=404 ;;
esac
[ -n "$devnull" ] && body=
printf '%s\\n%s' "$body" "$code"
`;

describe('the setup script against a fake Harbor API', () => {
  function run(robots: string, projectCode = '201', push: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'loom-harbor-setup-'));
    try {
      // The push robots' secrets, one file per robot (as the Job mounts them).
      mkdirSync(join(dir, 'push'));
      for (const [robot, secret] of Object.entries(push)) writeFileSync(join(dir, 'push', robot), secret);
      writeFileSync(join(dir, 'curl'), FAKE_CURL);
      chmodSync(join(dir, 'curl'), 0o755);
      const log = join(dir, 'calls.log');
      writeFileSync(log, '');
      const result = spawnSync('sh', ['-c', harborSetupScript()], {
        encoding: 'utf8',
        env: {
          PATH: `${dir}:${process.env.PATH}`,
          FAKE_LOG: log,
          FAKE_ROBOTS: robots,
          FAKE_PROJECT_CODE: projectCode,
          HARBOR_HOST: 'harbor.acme.internal',
          HARBOR_SERVICE: 'harbor.loom-system.svc',
          HARBOR_PROJECT: 'acme',
          HARBOR_ROBOT: 'loom-pull',
          HARBOR_ADMIN_PASSWORD: 'admin-password-1',
          ROBOT_SECRET: 'Robot-Secret-0123',
          ...(Object.keys(push).length ? { HARBOR_PUSH_ROBOTS: Object.keys(push).join(' '), HARBOR_PUSH_DIR: join(dir, 'push') } : {}),
        },
      });
      return { status: result.status, stderr: result.stderr, calls: readFileSync(log, 'utf8').trim().split('\n') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('on a fresh Harbor: makes library and the project private, creates the pull robot, sets its secret', () => {
    const { status, stderr, calls } = run('[]');
    expect(status, stderr).toBe(0);
    expect(calls).toEqual([
      'GET /health ',
      'PUT /projects/library {"metadata":{"public":"false"}}',
      'POST /projects {"project_name":"acme","metadata":{"public":"false"}}',
      'PUT /projects/acme {"metadata":{"public":"false"}}',
      'GET /robots?page_size=100 ',
      expect.stringMatching(/^POST \/robots \{"name":"loom-pull",.*"level":"project","duration":-1,.*"permissions":\[\{"kind":"project","namespace":"acme","access":\[\{"resource":"repository","action":"pull"\}\]\}\]\}$/),
      'PATCH /robots/7 {"secret":"Robot-Secret-0123"}',
    ]);
  });

  it('on a second run: finds the project (409) and the robot by name, and only resets the secret', () => {
    const robots =
      '[{"creation_time":"x","description":"ci","id":3,"level":"system","name":"robot$ci"},{"creation_time":"x","description":"Loom","id":12,"level":"project","name":"robot$acme+loom-pull","permissions":[{"access":[{"action":"pull","resource":"repository"}],"kind":"project","namespace":"acme"}]}]';
    const { status, stderr, calls } = run(robots, '409');
    expect(status, stderr).toBe(0);
    expect(calls.filter((c) => c.startsWith('POST /robots'))).toEqual([]);
    expect(calls.at(-1)).toBe('PATCH /robots/12 {"secret":"Robot-Secret-0123"}');
  });

  it("creates a team's robot with push and pull on the project and sets its secret from its file", () => {
    const { status, stderr, calls } = run('[]', '201', { 'team-ranking': 'Push-Secret-4567' });
    expect(status, stderr).toBe(0);
    // After the pull robot (its calls unchanged), the team's.
    expect(calls.slice(0, 7).at(-1)).toBe('PATCH /robots/7 {"secret":"Robot-Secret-0123"}');
    expect(calls.slice(7)).toEqual([
      'GET /robots?page_size=100 ',
      expect.stringMatching(
        /^POST \/robots \{"name":"team-ranking",.*"level":"project","duration":-1,"disable":false,"permissions":\[\{"kind":"project","namespace":"acme","access":\[\{"resource":"repository","action":"push"\},\{"resource":"repository","action":"pull"\}\]\}\]\}$/,
      ),
      'PATCH /robots/8 {"secret":"Push-Secret-4567"}',
    ]);
  });

  it("on a second run: finds the team's robot by name, resets its permissions to push and pull, and its secret", () => {
    const robots =
      '[{"id":12,"level":"project","name":"robot$acme+loom-pull"},{"id":13,"level":"project","name":"robot$acme+team-ranking","permissions":[{"access":[{"action":"pull","resource":"repository"}],"kind":"project","namespace":"acme"}]}]';
    const { status, stderr, calls } = run(robots, '409', { 'team-ranking': 'Push-Secret-4567' });
    expect(status, stderr).toBe(0);
    expect(calls.filter((c) => c.startsWith('POST /robots'))).toEqual([]);
    expect(calls.slice(-2)).toEqual([
      expect.stringMatching(
        /^PUT \/robots\/13 \{"name":"robot\$acme\+team-ranking",.*"level":"project",.*"permissions":\[\{"kind":"project","namespace":"acme","access":\[\{"resource":"repository","action":"push"\},\{"resource":"repository","action":"pull"\}\]\}\]\}$/,
      ),
      'PATCH /robots/13 {"secret":"Push-Secret-4567"}',
    ]);
  });

  it('makes no push robot without pushers (HARBOR_PUSH_ROBOTS unset)', () => {
    const { status, stderr, calls } = run('[]');
    expect(status, stderr).toBe(0);
    expect(calls.filter((c) => /team-/.test(c))).toEqual([]);
  });

  it('fails loudly when Harbor refuses a call', () => {
    const { status, stderr } = run('[]', '403');
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/create project acme: HTTP 403/);
  });
});
