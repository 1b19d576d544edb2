import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findResource, findResources, providerNames, resources, synthSpec, type Synthesized } from '../helpers/synth';
import { GCP_PROJECT, gcpPlatformSpec } from '../helpers/gcp';
import { resolvePlan } from '../../plan';
import { contains, overlaps, parseCidr } from '../../plan/addresses';
import { specFrom } from '../helpers/synth';

describe('GcpNetwork', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(gcpPlatformSpec());
  });
  afterAll(() => out.cleanup());
  const net = () => out.stacks['acme-network']!;
  const plan = () => resolvePlan(specFrom(gcpPlatformSpec()));

  it('creates a custom-mode, regionally routed VPC that keeps the default internet route for NAT', () => {
    expect(findResource(net(), 'google_compute_network')).toMatchObject({
      name: 'acme-vpc',
      project: GCP_PROJECT,
      auto_create_subnetworks: false,
      routing_mode: 'REGIONAL',
      delete_default_routes_on_create: false,
    });
  });

  it("gives every cluster one regional subnetwork whose primary range is the cluster's planned block", () => {
    const p = plan();
    const subnets = resources(net(), 'google_compute_subnetwork');
    expect(Object.keys(subnets)).toHaveLength(3);
    for (const c of p.clusters) {
      const s = findResource(net(), 'google_compute_subnetwork', { name: `acme-${c.name}` });
      expect(s).toMatchObject({ ip_cidr_range: c.block, region: 'us-central1', project: GCP_PROJECT, stack_type: 'IPV4_ONLY' });
      expect(s.network).toBe(`\${google_compute_network.${Object.keys(resources(net(), 'google_compute_network'))[0]}.id}`);
    }
    expect(p.clusters.map((c) => c.block)).toEqual(['10.0.0.0/19', '10.0.32.0/21', '10.0.64.0/18']);
  });

  it('adds named secondary ranges for pods and services, sized by flavour, from network.podCidr (services from its top /16)', () => {
    const training = findResource(net(), 'google_compute_subnetwork', { name: 'acme-training' });
    expect(training.secondary_ip_range).toEqual([
      { range_name: 'acme-training-pods', ip_cidr_range: '172.18.0.0/15' },
      { range_name: 'acme-training-services', ip_cidr_range: '172.31.32.0/20' },
    ]);
    const apps = findResource(net(), 'google_compute_subnetwork', { name: 'acme-apps' });
    expect(apps.secondary_ip_range).toEqual([
      { range_name: 'acme-apps-pods', ip_cidr_range: '172.16.0.0/16' },
      { range_name: 'acme-apps-services', ip_cidr_range: '172.31.0.0/20' },
    ]);
    const podCidr = parseCidr('172.16.0.0/12');
    const ranges = findResources(net(), 'google_compute_subnetwork').flatMap((s) =>
      (s.secondary_ip_range as { ip_cidr_range: string }[]).map((r) => parseCidr(r.ip_cidr_range)),
    );
    expect(ranges).toHaveLength(6);
    ranges.forEach((r, i) => {
      expect(contains(podCidr, r)).toBe(true);
      expect(overlaps(r, parseCidr('10.0.0.0/16'))).toBe(false);
      ranges.slice(i + 1).forEach((o) => expect(overlaps(r, o)).toBe(false));
    });
  });

  it('turns on private Google access and flow logs (5 s aggregation, half the flows, all metadata) on every subnetwork', () => {
    for (const s of findResources(net(), 'google_compute_subnetwork')) {
      expect(s.private_ip_google_access).toBe(true);
      expect(s.log_config).toEqual({ aggregation_interval: 'INTERVAL_5_SEC', flow_sampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' });
    }
  });

  it('egresses through one Cloud Router and Cloud NAT with automatic addresses for all subnetworks, logging errors', () => {
    const router = findResource(net(), 'google_compute_router');
    expect(router).toMatchObject({ name: 'acme-router', region: 'us-central1', project: GCP_PROJECT });
    expect(findResource(net(), 'google_compute_router_nat')).toMatchObject({
      name: 'acme-nat',
      region: 'us-central1',
      project: GCP_PROJECT,
      router: `\${google_compute_router.${Object.keys(resources(net(), 'google_compute_router'))[0]}.name}`,
      nat_ip_allocate_option: 'AUTO_ONLY',
      source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      log_config: { enable: true, filter: 'ERRORS_ONLY' },
    });
  });

  it('allows internal traffic from network.cidr and the pod ranges only', () => {
    const internal = findResource(net(), 'google_compute_firewall', { name: 'acme-allow-internal' });
    expect(internal).toMatchObject({ direction: 'INGRESS', project: GCP_PROJECT });
    expect(internal.source_ranges).toEqual(['10.0.0.0/16', '172.16.0.0/16', '172.17.0.0/18', '172.18.0.0/15']);
    expect(internal.allow).toEqual([{ protocol: 'tcp' }, { protocol: 'udp' }, { protocol: 'icmp' }]);
  });

  it("admits Google's health-check ranges to GKE nodes only", () => {
    const hc = findResource(net(), 'google_compute_firewall', { name: 'acme-allow-health-checks' });
    expect(hc).toMatchObject({ direction: 'INGRESS', source_ranges: ['35.191.0.0/16', '130.211.0.0/22'], target_tags: ['acme-gke-node'] });
    // The node pools carry that tag.
    const pool = findResource(out.stacks['acme-cluster-apps']!, 'google_container_node_pool');
    expect((pool.node_config as { tags: string[] }).tags).toEqual(['acme-gke-node']);
  });

  it('opens nothing to the internet: exactly the two rules above, no 0.0.0.0/0 source', () => {
    const rules = findResources(net(), 'google_compute_firewall');
    expect(rules.map((r) => r.name).sort()).toEqual(['acme-allow-health-checks', 'acme-allow-internal']);
    for (const r of rules) {
      expect(r.source_ranges).not.toContain('0.0.0.0/0');
      expect(r.direction).toBe('INGRESS');
    }
  });

  it('has the Google provider only, with the project, region and platform labels as defaults', () => {
    expect(providerNames(net())).toEqual(['google']);
    expect(net().provider?.google).toEqual([
      {
        project: GCP_PROJECT,
        region: 'us-central1',
        // Keys exactly as in the spec: not snake-cased by cdktf.
        default_labels: { 'cost-center': 'ml', 'loom-platform': 'acme', 'loom-environment': 'prod', 'managed-by': 'loom' },
      },
    ]);
  });

  it('keeps state in GCS, one prefix per stack', () => {
    expect(net().terraform?.backend).toEqual({ gcs: { bucket: 'acme-tfstate', prefix: 'loom/acme-network' } });
  });

  it('exposes subnetworks and range names through the INetwork contract', () => {
    // The cluster stack reads them: its cluster names the subnetwork and both ranges.
    const cluster = findResource(out.stacks['acme-cluster-events']!, 'google_container_cluster');
    expect(String(cluster.subnetwork)).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-acme-network\.outputs\.[\w-]+\}$/);
    expect(cluster.ip_allocation_policy).toMatchObject({
      cluster_secondary_range_name: 'acme-events-pods',
      services_secondary_range_name: 'acme-events-services',
    });
  });

  it('keeps every existing subnetwork, range and Terraform name when a cluster is appended', () => {
    const spec = gcpPlatformSpec();
    spec.clusters.push({ name: 'serving', flavour: 'microservice', nodePools: [{ name: 'general', machineTypes: ['n2-standard-4'], minNodes: 2, maxNodes: 4 }] });
    const more = synthSpec(spec);
    try {
      const before = resources(net(), 'google_compute_subnetwork');
      const after = resources(more.stacks['acme-network']!, 'google_compute_subnetwork');
      for (const [name, s] of Object.entries(before)) expect(after[name]).toEqual(s);
      expect(Object.keys(after)).toHaveLength(4);
    } finally {
      more.cleanup();
    }
  });

  it('declares no data source that would call Google Cloud at plan time', () => {
    expect(net().data ?? {}).toEqual({});
  });
});
