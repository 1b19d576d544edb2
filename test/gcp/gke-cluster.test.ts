import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformOutput, TerraformStack } from '../../constructs/core/cdk';
import { GkeCluster } from '../../constructs/cluster/gke-cluster';
import { GcpNetwork } from '../../constructs/network/gcp-network';
import { MlPlatform } from '../../stacks/ml-platform';
import { LoomStack } from '../../constructs/core/stack';
import { resolvePlan } from '../../plan';
import { contains, overlaps, parseCidr } from '../../plan/addresses';
import { findResource, findResources, readStacks, resources, specFrom, synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { GCP_PROJECT, GCP_PROJECT_NUMBER, gcpPlatformSpec, resolveCrossStack } from '../helpers/gcp';

type Pool = Record<string, any>;

describe('GkeCluster', () => {
  let out: Synthesized;
  beforeAll(() => {
    const spec = gcpPlatformSpec();
    spec.clusters[0].endpoint = { publicAccessCidrs: ['203.0.113.0/24'] };
    out = synthSpec(spec);
  });
  afterAll(() => out.cleanup());
  const stack = (c: string): StackJson => out.stacks[`acme-cluster-${c}`]!;
  const cluster = (c: string) => findResource(stack(c), 'google_container_cluster');
  const pool = (c: string, name: string): Pool => findResource(stack(c), 'google_container_node_pool', { name });

  describe('control plane', () => {
    it('is GKE Standard, regional, with only separately managed node pools', () => {
      expect(cluster('apps')).toMatchObject({
        name: 'acme-apps',
        project: GCP_PROJECT,
        location: 'us-central1',
        remove_default_node_pool: true,
        initial_node_count: 1,
        networking_mode: 'VPC_NATIVE',
      });
      expect(cluster('apps').enable_autopilot).toBeUndefined();
    });

    it('is zonal in the first zone, with its nodes there, when a batch cluster asks for one zone', () => {
      const spec = gcpPlatformSpec();
      spec.clusters[2].singleZone = { reason: 'L4 capacity is only reserved in one zone' };
      const single = synthSpec(spec);
      try {
        const s = single.stacks['acme-cluster-training']!;
        expect(findResource(s, 'google_container_cluster').location).toBe('us-central1-a');
        for (const p of findResources(s, 'google_container_node_pool')) {
          expect(p).toMatchObject({ location: 'us-central1-a', node_locations: ['us-central1-a'] });
        }
      } finally {
        single.cleanup();
      }
    });

    it('has private nodes and a private endpoint unless the spec lists who may reach the API, never 0.0.0.0/0', () => {
      expect(cluster('events').private_cluster_config).toMatchObject({ enable_private_nodes: true, enable_private_endpoint: true, master_global_access_config: { enabled: false } });
      expect(cluster('events').master_authorized_networks_config).toEqual({ cidr_blocks: [], gcp_public_cidrs_access_enabled: false });
      expect(cluster('apps').private_cluster_config).toMatchObject({ enable_private_nodes: true, enable_private_endpoint: false });
      expect(cluster('apps').master_authorized_networks_config).toEqual({
        cidr_blocks: [{ cidr_block: '203.0.113.0/24', display_name: 'spec: 203.0.113.0/24' }],
        gcp_public_cidrs_access_enabled: false,
      });
      for (const c of ['apps', 'events', 'training']) {
        expect(JSON.stringify(cluster(c).master_authorized_networks_config)).not.toContain('0.0.0.0/0');
      }
    });

    it('has an IAM-authorized DNS endpoint open to external traffic, next to the IP endpoints, on every cluster', () => {
      for (const c of ['apps', 'events', 'training']) {
        expect(cluster(c).control_plane_endpoints_config).toEqual({
          dns_endpoint_config: { allow_external_traffic: true },
          ip_endpoints_config: { enabled: true },
        });
      }
    });

    it('lets privateAccessCidrs reach the private endpoint: authorized networks, from every region, still no public endpoint', () => {
      const spec = gcpPlatformSpec();
      spec.clusters[1].endpoint = { privateAccessCidrs: ['10.200.0.0/16', '192.168.10.0/24'] };
      spec.clusters[0].endpoint = { publicAccessCidrs: ['203.0.113.0/24'], privateAccessCidrs: ['10.200.0.0/16'] };
      const routed = synthSpec(spec);
      try {
        const events = findResource(routed.stacks['acme-cluster-events']!, 'google_container_cluster');
        expect(events.private_cluster_config).toMatchObject({ enable_private_endpoint: true, master_global_access_config: { enabled: true } });
        expect(events.master_authorized_networks_config).toEqual({
          cidr_blocks: [
            { cidr_block: '10.200.0.0/16', display_name: 'spec: 10.200.0.0/16' },
            { cidr_block: '192.168.10.0/24', display_name: 'spec: 192.168.10.0/24' },
          ],
          gcp_public_cidrs_access_enabled: false,
        });
        const apps = findResource(routed.stacks['acme-cluster-apps']!, 'google_container_cluster');
        expect(apps.private_cluster_config).toMatchObject({ enable_private_endpoint: false, master_global_access_config: { enabled: true } });
        expect((apps.master_authorized_networks_config as any).cidr_blocks.map((b: any) => b.cidr_block)).toEqual(['203.0.113.0/24', '10.200.0.0/16']);
      } finally {
        routed.cleanup();
      }
    });

    it('takes its control-plane /28 from the plan: inside network.cidr, clear of every subnetwork and of each other', () => {
      const plan = resolvePlan(specFrom(gcpPlatformSpec()));
      const ranges = plan.clusters.map((c) => (cluster(c.name).private_cluster_config as any).master_ipv4_cidr_block as string);
      expect(ranges).toEqual(['10.0.255.0/28', '10.0.255.16/28', '10.0.255.32/28']);
      expect(ranges).toEqual(plan.clusters.map((c) => c.gcp!.controlPlaneRange));
      for (const r of ranges) {
        expect(contains(parseCidr('10.0.0.0/16'), parseCidr(r))).toBe(true);
        for (const c of plan.clusters) expect(overlaps(parseCidr(r), parseCidr(c.block!))).toBe(false);
      }
    });

    it("is VPC-native on the network's named secondary ranges, in its subnetwork", () => {
      const c = cluster('training');
      expect(c.ip_allocation_policy).toEqual({
        cluster_secondary_range_name: 'acme-training-pods',
        services_secondary_range_name: 'acme-training-services',
        stack_type: 'IPV4',
      });
      const network = out.stacks['acme-network']!;
      const subnetwork = resolveCrossStack(String(c.subnetwork), network);
      expect(subnetwork.name).toBe('acme-training');
      expect((subnetwork.secondary_ip_range as { range_name: string }[]).map((r) => r.range_name)).toEqual(['acme-training-pods', 'acme-training-services']);
      expect(resolveCrossStack(String(c.network), network).name).toBe('acme-vpc');
      expect(c.default_max_pods_per_node).toBe(110);
    });

    it('has Workload Identity, shielded nodes, Dataplane V2 and no client certificate', () => {
      expect(cluster('apps')).toMatchObject({
        workload_identity_config: { workload_pool: 'acme-ml-prod.svc.id.goog' },
        enable_shielded_nodes: true,
        datapath_provider: 'ADVANCED_DATAPATH',
        master_auth: { client_certificate_config: { issue_client_certificate: false } },
      });
    });

    it('follows the STABLE release channel in prod where the minor is on Stable, REGULAR elsewhere, from the spec version up', () => {
      // 1.36 is not confirmed on GKE's Stable channel (catalog/kubernetes-versions.ts): Regular, even in prod.
      expect(cluster('apps')).toMatchObject({ release_channel: { channel: 'REGULAR' }, min_master_version: '1.36' });
      const stable = gcpPlatformSpec();
      stable.clusters[0].kubernetesVersion = '1.35';
      const prod = synthSpec(stable);
      try {
        expect(findResource(prod.stacks['acme-cluster-apps']!, 'google_container_cluster')).toMatchObject({ release_channel: { channel: 'STABLE' }, min_master_version: '1.35' });
      } finally {
        prod.cleanup();
      }
      expect(cluster('apps').node_version).toBeUndefined();
      const spec = gcpPlatformSpec();
      spec.environment = 'dev';
      spec.clusters[1].kubernetesVersion = '1.35';
      const dev = synthSpec(spec);
      try {
        expect(findResource(dev.stacks['acme-cluster-events']!, 'google_container_cluster')).toMatchObject({
          release_channel: { channel: 'REGULAR' },
          min_master_version: '1.35',
          deletion_protection: false,
        });
      } finally {
        dev.cleanup();
      }
    });

    it('is protected from deletion in prod', () => {
      expect(cluster('training').deletion_protection).toBe(true);
    });

    it('encrypts Kubernetes secrets with a rotating Cloud KMS key that GKE\'s service agent may use', () => {
      const s = stack('apps');
      const keyRing = findResource(s, 'google_kms_key_ring');
      expect(keyRing).toMatchObject({ name: 'acme-apps-secrets', location: 'us-central1', project: GCP_PROJECT });
      const key = findResource(s, 'google_kms_crypto_key');
      const keyName = Object.keys(resources(s, 'google_kms_crypto_key'))[0];
      expect(key).toMatchObject({ name: 'acme-apps-secrets', purpose: 'ENCRYPT_DECRYPT', rotation_period: '7776000s' });
      expect(key.key_ring).toBe(`\${google_kms_key_ring.${Object.keys(resources(s, 'google_kms_key_ring'))[0]}.id}`);
      expect(cluster('apps').database_encryption).toEqual({ state: 'ENCRYPTED', key_name: `\${google_kms_crypto_key.${keyName}.id}` });
      const grant = findResource(s, 'google_kms_crypto_key_iam_member');
      expect(grant).toEqual(
        expect.objectContaining({
          crypto_key_id: `\${google_kms_crypto_key.${keyName}.id}`,
          role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
          member: `serviceAccount:service-${GCP_PROJECT_NUMBER}@container-engine-robot.iam.gserviceaccount.com`,
        }),
      );
      // The grant exists before GKE tries to use the key, and waits for the GKE API (which
      // creates the service agent).
      const grantName = Object.keys(resources(s, 'google_kms_crypto_key_iam_member'))[0];
      expect(cluster('apps').depends_on).toContain(`google_kms_crypto_key_iam_member.${grantName}`);
      const apis = Object.keys(resources(s, 'google_project_service'))[0];
      expect((s as any).locals[/local\.([\w-]+)/.exec(String(resources(s, 'google_project_service')[apis!]!.for_each))![1]!]).toContain('container.googleapis.com');
      expect(grant.depends_on).toContain(`google_project_service.${apis}`);
    });

    it("reads the project number GKE's service agent is named after at plan time when the spec has none", () => {
      const spec = gcpPlatformSpec();
      delete spec.gcpProjectNumber;
      const derived = synthSpec(spec);
      try {
        const s = derived.stacks['acme-cluster-apps']!;
        const [name, project] = Object.entries((s.data as any).google_project as Record<string, any>)[0]!;
        expect(project).toMatchObject({ project_id: GCP_PROJECT });
        // Read at plan time: no depends_on (which would defer it to apply).
        expect(project.depends_on).toBeUndefined();
        expect(findResource(s, 'google_kms_crypto_key_iam_member').member).toBe(`serviceAccount:service-\${data.google_project.${name}.number}@container-engine-robot.iam.gserviceaccount.com`);
      } finally {
        derived.cleanup();
      }
    });

    it('sends control-plane, system and workload logs to Cloud Logging and system metrics to Cloud Monitoring', () => {
      expect(cluster('apps').logging_config).toEqual({
        enable_components: ['SYSTEM_COMPONENTS', 'APISERVER', 'CONTROLLER_MANAGER', 'SCHEDULER', 'WORKLOADS'],
      });
      // WORKLOADS metrics left GKE in 1.24; managed Prometheus is the monitoring component's job.
      expect(cluster('apps').monitoring_config).toEqual({ enable_components: ['SYSTEM_COMPONENTS'] });
    });

    it("uses the flavour's autoscaling profile", () => {
      expect(cluster('training').cluster_autoscaling).toEqual({ autoscaling_profile: 'OPTIMIZE_UTILIZATION' });
      expect(cluster('apps').cluster_autoscaling).toEqual({ autoscaling_profile: 'BALANCED' });
    });

    it('labels the cluster with the platform labels', () => {
      expect(cluster('events').resource_labels).toEqual({
        'cost-center': 'ml',
        'loom-platform': 'acme',
        'loom-environment': 'prod',
        'managed-by': 'loom',
        'loom-cluster': 'events',
        'loom-flavour': 'streaming',
      });
    });

    it("does not let even the short-lived default pool run as the Compute Engine default service account", () => {
      const c = cluster('apps');
      expect((c.node_config as any).service_account).toBe(`\${google_service_account.${Object.keys(resources(stack('apps'), 'google_service_account'))[0]}.email}`);
      expect(c.lifecycle).toEqual({ ignore_changes: ['node_config'] });
    });
  });

  describe('node identity', () => {
    it('is a dedicated service account per cluster with least-privilege roles only', () => {
      const s = stack('events');
      const sa = findResource(s, 'google_service_account');
      expect(sa).toMatchObject({ account_id: 'acme-events-nodes', project: GCP_PROJECT });
      const saName = Object.keys(resources(s, 'google_service_account'))[0];
      const grants = findResources(s, 'google_project_iam_member');
      expect(grants.map((g) => g.role).sort()).toEqual([
        'roles/artifactregistry.reader',
        'roles/logging.logWriter',
        'roles/monitoring.metricWriter',
        'roles/monitoring.viewer',
        'roles/stackdriver.resourceMetadata.writer',
      ]);
      for (const g of grants) expect(g).toMatchObject({ project: GCP_PROJECT, member: `serviceAccount:\${google_service_account.${saName}.email}` });
      for (const p of findResources(s, 'google_container_node_pool')) {
        expect((p.node_config as any).service_account).toBe(`\${google_service_account.${saName}.email}`);
        expect((p.node_config as any).oauth_scopes).toEqual(['https://www.googleapis.com/auth/cloud-platform']);
      }
      expect(JSON.stringify(s)).not.toContain('-compute@developer.gserviceaccount.com');
    });
  });

  describe('node pools', () => {
    it('use pool totals for autoscaling, with BALANCED zones for services and brokers and ANY for batch', () => {
      expect(pool('apps', 'general').autoscaling).toEqual({ total_min_node_count: 2, total_max_node_count: 10, location_policy: 'BALANCED' });
      expect(pool('events', 'brokers').autoscaling).toEqual({ total_min_node_count: 3, total_max_node_count: 6, location_policy: 'BALANCED' });
      expect(pool('training', 'cpu').autoscaling).toEqual({ total_min_node_count: 0, total_max_node_count: 20, location_policy: 'ANY' });
      expect(pool('training', 'gpu').autoscaling).toEqual({ total_min_node_count: 0, total_max_node_count: 8, location_policy: 'ANY' });
    });

    it('start with the minimum spread over the zones, then leave the size to the autoscaler', () => {
      expect(pool('apps', 'general')).toMatchObject({ initial_node_count: 1, node_locations: ['us-central1-a', 'us-central1-b', 'us-central1-c'] });
      expect(pool('events', 'brokers').initial_node_count).toBe(1);
      expect(pool('training', 'cpu').initial_node_count).toBe(0);
      for (const c of ['apps', 'events', 'training']) {
        for (const p of findResources(stack(c), 'google_container_node_pool')) expect(p.lifecycle).toEqual({ ignore_changes: ['initial_node_count'] });
      }
    });

    it('run microservice and streaming pools on demand, batch CPU pools on spot by default and GPU pools on spot when asked', () => {
      expect(pool('apps', 'general').node_config.spot).toBe(false);
      expect(pool('events', 'brokers').node_config.spot).toBe(false);
      expect(pool('training', 'cpu').node_config.spot).toBe(true);
      expect(pool('training', 'gpu').node_config.spot).toBe(true);
      const spec = gcpPlatformSpec();
      delete spec.clusters[2].nodePools[1].spot;
      const onDemand = synthSpec(spec);
      try {
        expect(findResource(onDemand.stacks['acme-cluster-training']!, 'google_container_node_pool', { name: 'gpu' }).node_config).toMatchObject({ spot: false });
      } finally {
        onDemand.cleanup();
      }
    });

    it('harden every node: GKE metadata server, COS with containerd, secure boot and integrity monitoring, auto repair and upgrade', () => {
      for (const c of ['apps', 'events', 'training']) {
        for (const p of findResources(stack(c), 'google_container_node_pool') as Pool[]) {
          expect(p.node_config).toMatchObject({
            workload_metadata_config: { mode: 'GKE_METADATA' },
            image_type: 'COS_CONTAINERD',
            shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
            metadata: { 'disable-legacy-endpoints': 'true' },
          });
          expect(p.management).toEqual({ auto_repair: true, auto_upgrade: true });
          expect(p.upgrade_settings).toEqual({ strategy: 'SURGE', max_surge: 1, max_unavailable: 0 });
          expect(p).toMatchObject({ project: GCP_PROJECT, location: 'us-central1', max_pods_per_node: 110 });
        }
      }
    });

    it('get pd-balanced boot disks sized by diskGb, hyperdisk where the family has no Persistent Disk', () => {
      expect(pool('events', 'brokers').node_config).toMatchObject({ machine_type: 'n2-highmem-4', disk_size_gb: 500, disk_type: 'pd-balanced' });
      expect(pool('apps', 'general').node_config).toMatchObject({ disk_size_gb: 100, disk_type: 'pd-balanced' });
      const spec = gcpPlatformSpec();
      spec.clusters[0].nodePools[0].machineTypes = ['n4-standard-4'];
      const n4 = synthSpec(spec);
      try {
        expect(findResource(n4.stacks['acme-cluster-apps']!, 'google_container_node_pool').node_config).toMatchObject({ disk_type: 'hyperdisk-balanced' });
      } finally {
        n4.cleanup();
      }
    });

    it("carry the plan's Kubernetes labels and the platform's resource labels", () => {
      expect(pool('apps', 'general').node_config.labels).toEqual({
        'loom.dev/flavour': 'microservice',
        'loom.dev/cluster': 'apps',
        'loom.dev/pool': 'general',
        'loom.dev/capacity': 'on-demand',
      });
      expect(pool('apps', 'general').node_config.resource_labels).toEqual({
        'cost-center': 'ml',
        'loom-platform': 'acme',
        'loom-environment': 'prod',
        'managed-by': 'loom',
        'loom-cluster': 'apps',
        'loom-flavour': 'microservice',
        'loom-pool': 'general',
      });
    });

    it("give GPU pools the L4 accelerator with GKE-installed drivers and GPU labels, leaving the NVIDIA taint to GKE", () => {
      const gpu = pool('training', 'gpu').node_config;
      expect(gpu.machine_type).toBe('g2-standard-8');
      expect(gpu.guest_accelerator).toEqual([{ type: 'nvidia-l4', count: 1, gpu_driver_installation_config: { gpu_driver_version: 'DEFAULT' } }]);
      // GKE adds nvidia.com/gpu=present:NoSchedule itself; declaring it too is rejected.
      expect(gpu.taint).toEqual([]);
      // GKE adds it only when the cluster has a non-GPU pool when the GPU pool is created.
      const names = Object.fromEntries(Object.entries(resources(stack('training'), 'google_container_node_pool')).map(([n, r]) => [r.name, n]));
      expect(pool('training', 'gpu').depends_on).toEqual(expect.arrayContaining([`google_container_node_pool.${names.system}`, `google_container_node_pool.${names.cpu}`]));
      expect(gpu.labels).toMatchObject({ 'nvidia.com/gpu.present': 'true', 'loom.dev/gpu': 'nvidia-l4' });
      const cpu = pool('training', 'cpu').node_config;
      expect(cpu.guest_accelerator).toBeUndefined();
      expect(cpu.taint).toEqual([]);
    });

    it('add an on-demand system pool to the batch cluster, tainted for GKE system components and controllers, BALANCED over its zones', () => {
      const system = pool('training', 'system');
      expect(system).toMatchObject({
        autoscaling: { total_min_node_count: 2, total_max_node_count: 3, location_policy: 'BALANCED' },
        node_locations: ['us-central1-a', 'us-central1-b', 'us-central1-c'],
      });
      expect(system.node_config).toMatchObject({
        machine_type: 'e2-standard-2',
        spot: false,
        disk_size_gb: 50,
        disk_type: 'pd-balanced',
        taint: [{ key: 'components.gke.io/gke-managed-components', value: 'true', effect: 'NO_SCHEDULE' }],
      });
      expect(system.node_config.labels).toMatchObject({ 'loom.dev/role': 'system', 'loom.dev/capacity': 'on-demand' });
      expect(findResources(stack('apps'), 'google_container_node_pool').map((p) => p.name)).toEqual(['general']);
    });

    it('map every GPU model to its Google Cloud accelerator type', () => {
      const spec = gcpPlatformSpec();
      spec.clusters[2].nodePools[1] = { name: 'gpu', machineTypes: ['a2-highgpu-1g'], minNodes: 0, maxNodes: 2, gpu: { type: 'nvidia-a100', count: 1 } };
      spec.clusters[2].nodePools.push({ name: 'h100', machineTypes: ['a3-highgpu-8g'], minNodes: 0, maxNodes: 2, gpu: { type: 'nvidia-h100', count: 8 } });
      const big = synthSpec(spec);
      try {
        const s = big.stacks['acme-cluster-training']!;
        expect((findResource(s, 'google_container_node_pool', { name: 'gpu' }).node_config as any).guest_accelerator[0]).toMatchObject({ type: 'nvidia-tesla-a100', count: 1 });
        expect((findResource(s, 'google_container_node_pool', { name: 'h100' }).node_config as any).guest_accelerator[0]).toMatchObject({ type: 'nvidia-h100-80gb', count: 8 });
      } finally {
        big.cleanup();
      }
    });
  });

  describe('connection and stack', () => {
    it('connects through gke-gcloud-auth-plugin to https://<DNS endpoint>, with no cluster CA (the endpoint is publicly trusted)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'loom-gke-connection-'));
      try {
        const app = new App({ outdir: dir });
        const platform = new MlPlatform(app, 'platform', specFrom(gcpPlatformSpec()));
        const gke = platform.clusterStacks['apps']!.cluster;
        expect(gke).toBeInstanceOf(GkeCluster);
        const conn = gke.connection;
        expect(conn).toMatchObject({
          kind: 'exec',
          exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin', args: [] },
        });
        if (conn.kind !== 'exec') throw new Error('expected an exec connection');
        expect(conn.clusterCaCertificate).toBeUndefined();
        // Render the connection's tokens in the cluster stack to see what they stand for.
        const owner = TerraformStack.of(gke);
        new TerraformOutput(owner, 'test_host', { value: conn.host });
        app.synth();
        const outputs = readStacks(dir)['acme-cluster-apps']!.output!;
        expect(outputs.test_host!.value).toMatch(/^https:\/\/\$\{google_container_cluster\.\w+\.control_plane_endpoints_config\[0\]\.dns_endpoint_config\[0\]\.endpoint\}$/);
        expect(outputs.cluster_endpoint!.value).toBe(outputs.test_host!.value);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('names stacks as on AWS, keeps state in GCS, and declares no data source that calls Google Cloud', () => {
      expect(Object.keys(out.stacks).filter((n) => !n.startsWith('acme-addons-'))).toEqual([
        'acme-cluster-apps',
        'acme-cluster-events',
        'acme-cluster-training',
        'acme-network',
      ]);
      expect(stack('apps').terraform?.backend).toEqual({ gcs: { bucket: 'acme-tfstate', prefix: 'loom/acme-cluster-apps' } });
      for (const c of ['apps', 'events', 'training']) {
        // Only remote state of the network stack: no google_* data source.
        expect(Object.keys(stack(c).data ?? {})).toEqual(['terraform_remote_state']);
      }
    });

    it('refuses clouds other than gcp', () => {
      const spec = gcpPlatformSpec();
      const dir = mkdtempSync(join(tmpdir(), 'loom-gke-refusal-'));
      try {
        const app = new App({ outdir: dir });
        const gcp = new LoomStack(app, 'gcp', { platform: { name: spec.name, cloud: 'gcp', region: spec.region, gcpProject: spec.gcpProject } });
        const network = new GcpNetwork(gcp, 'Network', {});
        const aws = new LoomStack(app, 'aws', { platform: { name: spec.name, cloud: 'aws', region: 'us-east-1' } });
        expect(() => new GkeCluster(aws, 'Aws', { ...spec.clusters[0], network })).toThrow(/\[aws\/Aws\] GkeCluster is for cloud: gcp; this stack's platform is on aws/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
