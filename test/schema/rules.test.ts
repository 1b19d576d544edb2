/**
 * Cross-field rules (schema/rules.ts): one `it` per rule, asserting the exact path and a stable
 * fragment of the message (which names the fix).
 */
import { describe, expect, it } from 'vitest';
import { checkRules, platformSchema } from '../../schema';
import { awsSpec, CA_PEM, errorsAt, errorsOf, gcpSpec, issue, k8sSpec, onlyError, valid } from './fixtures';

describe('region and project', () => {
  it('region is required on aws and gcp', () => {
    expect(onlyError(awsSpec({ region: undefined }))).toEqual(issue('region', "is required for cloud 'aws' (e.g. us-east-1)"));
  });

  it('an unknown region suggests the region that was meant', () => {
    expect(onlyError(awsSpec({ region: 'us-east-l' }))).toEqual({ path: 'region', message: "'us-east-l' is not an AWS region; did you mean 'us-east-1'?" });
    expect(onlyError(gcpSpec({ region: 'europe-wset1' }))).toEqual(issue('region', "did you mean 'europe-west1'?"));
  });

  it('an unknown region with no close match lists the known regions', () => {
    expect(onlyError(awsSpec({ region: 'mars-north-9' }))).toEqual(issue('region', /not an AWS region; known regions: af-south-1, .*us-east-1/));
  });

  it("a region of the other cloud says so", () => {
    expect(onlyError(awsSpec({ region: 'europe-west1' }))).toEqual({
      path: 'region',
      message: "'europe-west1' is a Google Cloud region, not an AWS one; set cloud: gcp or pick an AWS region",
    });
    expect(onlyError(gcpSpec({ region: 'eu-west-1' }))).toEqual(issue('region', "'eu-west-1' is an AWS region, not a Google Cloud one"));
  });

  it('gcpProject is required with cloud: gcp', () => {
    expect(onlyError(gcpSpec({ gcpProject: undefined }))).toEqual(issue('gcpProject', 'is required with cloud: gcp'));
  });

  it('gcpProject is forbidden on other clouds', () => {
    expect(onlyError(awsSpec({ gcpProject: 'acme-ml-prod' }))).toEqual(issue('gcpProject', "is only for cloud: gcp; remove it (cloud is 'aws')"));
    expect(onlyError(k8sSpec({ gcpProject: 'acme-ml-prod' }))).toEqual(issue('gcpProject', 'is only for cloud: gcp'));
  });
});

describe('network.cidr', () => {
  it.each(['10.0.0.0', 'ten.0.0.0/16', '10.0.0.0/33', '10.0.0/16'])('%j is not CIDR syntax', (cidr) => {
    expect(onlyError(awsSpec({ network: { cidr } }))).toEqual({ path: 'network.cidr', message: `must be an IPv4 CIDR such as 10.0.0.0/16, got '${cidr}'` });
  });

  it('host bits set: the message gives the network address', () => {
    expect(onlyError(awsSpec({ network: { cidr: '10.0.4.0/16' } }))).toEqual({
      path: 'network.cidr',
      message: 'has host bits set; the network address is 10.0.0.0/16',
    });
  });

  it.each(['11.0.0.0/16', '172.32.0.0/16', '192.168.0.0/15', '100.64.0.0/16'])('%j is not a private (RFC 1918) range', (cidr) => {
    expect(onlyError(awsSpec({ network: { cidr } }))).toEqual(issue('network.cidr', 'must be a private (RFC 1918) range'));
  });

  it.each(['172.16.0.0/16', '192.168.0.0/16', '10.200.0.0/16', '10.0.0.0/20'])('%j is a usable private range', (cidr) => {
    valid(awsSpec({ network: { cidr }, clusters: [awsSpec().clusters[1]] }));
  });

  it('AWS takes prefixes /16 to /28 only', () => {
    expect(onlyError(awsSpec({ network: { cidr: '10.0.0.0/15' } }))).toEqual({ path: 'network.cidr', message: 'prefix must be between /16 and /28, got /15' });
    expect(onlyError(awsSpec({ network: { cidr: '10.0.0.0/29' } }))).toEqual(issue('network.cidr', 'prefix must be between /16 and /28, got /29'));
  });

  it('Google Cloud takes larger ranges than AWS', () => {
    valid(gcpSpec({ network: { cidr: '10.0.0.0/12' } }));
  });
});

describe('network zones', () => {
  it('prod needs at least 2 zones', () => {
    const spec = awsSpec({ environment: 'prod', network: { zones: 1 }, state: { backend: 's3', bucket: 'acme-tfstate' } });
    spec.clusters = [spec.clusters[0]];
    expect(onlyError(spec)).toEqual(issue('network.zones', 'must be at least 2 in prod'));
    spec.network.zones = 2;
    valid(spec);
  });

  it('zones cannot exceed what the region has', () => {
    expect(onlyError(awsSpec({ region: 'us-west-1', network: { zones: 3 } }))).toEqual({
      path: 'network.zones',
      message: 'us-west-1 has 2 zones, got 3; lower zones or list availabilityZones',
    });
    expect(onlyError(gcpSpec({ network: { zones: 4 } }))).toEqual(issue('network.zones', 'europe-west1 has 3 zones, got 4'));
  });

  it('availabilityZones must list as many zones as zones says', () => {
    const spec = awsSpec({ network: { zones: 3, availabilityZones: ['us-east-1a', 'us-east-1b'] } });
    expect(onlyError(spec)).toEqual({ path: 'network.availabilityZones', message: 'lists 2 zones but zones is 3; make them agree' });
  });

  it('availabilityZones must be zones of the region', () => {
    const spec = awsSpec({ network: { zones: 3, availabilityZones: ['us-east-1a', 'us-west-2b', 'us-east-1'] } });
    expect(errorsOf(spec)).toEqual([
      { path: 'network.availabilityZones[1]', message: "'us-west-2b' is not a zone of region us-east-1" },
      { path: 'network.availabilityZones[2]', message: "'us-east-1' is not a zone of region us-east-1" },
    ]);
    // europe-west10 starts with europe-west1 but is another region
    const gcp = gcpSpec({ network: { zones: 2, availabilityZones: ['europe-west1-b', 'europe-west10-a'] } });
    expect(onlyError(gcp)).toEqual(issue('network.availabilityZones[1]', "'europe-west10-a' is not a zone of region europe-west1"));
  });

  it('availabilityZones must not repeat a zone', () => {
    const spec = awsSpec({ network: { zones: 2, availabilityZones: ['us-east-1a', 'us-east-1a'] } });
    expect(onlyError(spec)).toEqual({ path: 'network.availabilityZones', message: 'lists a zone twice' });
  });

  it('availabilityZones may name more zones than the table knows (accounts differ)', () => {
    valid(awsSpec({ region: 'us-west-1', network: { zones: 3, availabilityZones: ['us-west-1a', 'us-west-1b', 'us-west-1c'] } }));
  });

  it('prod streaming clusters need 3 zones (rack awareness)', () => {
    const spec = awsSpec({ environment: 'prod', network: { zones: 2 }, state: { backend: 's3', bucket: 'acme-tfstate' } });
    expect(onlyError(spec)).toEqual(issue('clusters[1].flavour', 'set network.zones to at least 3'));
  });
});

describe('cluster and pool names', () => {
  it('duplicate cluster names are rejected', () => {
    const spec = awsSpec();
    spec.clusters[2].name = 'apps';
    expect(onlyError(spec)).toEqual({ path: 'clusters[2].name', message: "'apps' is already used by clusters[0]; cluster names must be unique" });
  });

  it('names differing only in case never reach the duplicate rule: uppercase fails the DNS label rule first', () => {
    const spec = awsSpec();
    spec.clusters[2].name = 'Apps';
    expect(onlyError(spec)).toEqual(issue('clusters[2].name', 'must be a lowercase DNS label'));
  });

  it('the duplicate rule itself compares names case-insensitively', () => {
    // GIVEN a spec whose shape passed, with a name changed afterwards (as a TypeScript author could)
    const parsed = platformSchema.parse(awsSpec());
    parsed.clusters[2]!.name = 'APPS';
    // THEN the rule still sees the clash
    expect(checkRules(parsed).errors).toContainEqual(issue('clusters[2].name', "'APPS' is already used by clusters[0]"));
  });

  it('duplicate pool names within a cluster are rejected, across clusters allowed', () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools[1].name = 'cpu';
    spec.clusters[2].nodePools[1].machineTypes = ['c7i.xlarge'];
    delete spec.clusters[2].nodePools[1].gpu;
    expect(onlyError(spec)).toEqual({
      path: 'clusters[2].nodePools[1].name',
      message: "'cpu' is already used by clusters[2].nodePools[0]; pool names must be unique within a cluster",
    });
    const across = awsSpec();
    across.clusters[1].nodePools[0].name = 'general';
    valid(across);
  });

  it('AWS node group names (<platform>-<cluster>-<pool>) must fit 63 characters', () => {
    const spec = awsSpec({ name: 'acme-platform-prod' });
    spec.clusters[0].name = 'applications-serving';
    spec.clusters[0].nodePools[0].name = 'general-purpose-on-demand';
    expect(onlyError(spec)).toEqual({
      path: 'clusters[0].nodePools[0].name',
      message:
        "derived node group name 'acme-platform-prod-applications-serving-general-purpose-on-demand' is 65 characters, over the limit of 63; shorten the pool, cluster or platform name",
    });
  });

  it('long names that GKE would refuse are shortened, not rejected: the same names work on both clouds', () => {
    const spec = gcpSpec({ name: 'acme-platform-prod' });
    spec.clusters[0].name = 'applications-serving-x';
    expect(valid(spec).ok).toBe(true);
  });
});

describe('node pool sizes', () => {
  it('maxNodes must be >= minNodes', () => {
    const spec = awsSpec();
    spec.clusters[1].nodePools[0].maxNodes = 2;
    expect(onlyError(spec)).toEqual({
      path: 'clusters[1].nodePools[0].maxNodes',
      message: 'must be >= minNodes (3), got 2; raise maxNodes or lower minNodes',
    });
  });

  it('non-batch pools cannot scale to zero', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].minNodes = 0;
    spec.clusters[1].nodePools[0].minNodes = 0;
    expect(errorsOf(spec)).toEqual([
      issue('clusters[0].nodePools[0].minNodes', 'microservice pools cannot scale to zero; set minNodes to at least 1'),
      issue('clusters[1].nodePools[0].minNodes', 'streaming pools cannot scale to zero'),
    ]);
  });

  it('prod microservice pools keep at least 2 nodes', () => {
    const spec = awsSpec({ environment: 'prod', state: { backend: 's3', bucket: 'acme-tfstate' } });
    spec.clusters[0].nodePools[0].minNodes = 1;
    expect(onlyError(spec)).toEqual({
      path: 'clusters[0].nodePools[0].minNodes',
      message: 'must be >= 2 for microservice pools in prod (a node loss must not take services down), got 1',
    });
  });

  it('dev microservice pools may run one node', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].minNodes = 1;
    valid(spec);
  });
});

describe('spot capacity', () => {
  it('is never used by streaming pools', () => {
    const spec = awsSpec();
    spec.clusters[1].nodePools[0].spot = true;
    expect(onlyError(spec)).toEqual(issue('clusters[1].nodePools[0].spot', 'streaming clusters run on on-demand capacity only; remove spot'));
  });

  it('is never used by microservice pools', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].spot = true;
    expect(onlyError(spec)).toEqual(issue('clusters[0].nodePools[0].spot', 'microservice clusters run on on-demand capacity only'));
  });

  it('is allowed on batch pools, and spot: false anywhere', () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools[0].spot = true;
    spec.clusters[0].nodePools[0].spot = false;
    valid(spec);
  });
});

describe('machine types', () => {
  it('must have the AWS syntax on aws', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].machineTypes = ['m7i.large', 'm7i-large'];
    expect(onlyError(spec)).toEqual({
      path: 'clusters[0].nodePools[0].machineTypes[1]',
      message: "'m7i-large' is not an AWS machine type; use a name like m7i.xlarge",
    });
  });

  it('an AWS type on gcp says it is an AWS type', () => {
    const spec = gcpSpec();
    spec.clusters[0].nodePools[0].machineTypes = ['m7i.large'];
    expect(onlyError(spec)).toEqual({
      path: 'clusters[0].nodePools[0].machineTypes[0]',
      message: "'m7i.large' is not a Google Cloud machine type ('m7i.large' is an AWS machine type); use a name like n2-standard-8",
    });
  });

  it('a Google Cloud type on aws says it is a Google Cloud type', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].machineTypes = ['n2-standard-4'];
    expect(onlyError(spec)).toEqual(issue('clusters[0].nodePools[0].machineTypes[0]', "('n2-standard-4' is a Google Cloud machine type)"));
  });

  it('must not repeat within a pool', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].machineTypes = ['m7i.large', 'm7i.large'];
    expect(onlyError(spec)).toEqual({ path: 'clusters[0].nodePools[0].machineTypes', message: 'lists a machine type twice' });
  });
});

describe('GPUs', () => {
  it('a GPU pool needs machine types that carry its GPU', () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools[1].machineTypes = ['c7i.2xlarge'];
    expect(onlyError(spec)).toEqual({
      path: 'clusters[2].nodePools[1].machineTypes[0]',
      message: "'c7i.2xlarge' does not carry nvidia-a10g GPUs; use the g5 family",
    });
  });

  it('a GPU machine type needs a GPU pool', () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools[0].machineTypes = ['g5.xlarge'];
    expect(onlyError(spec)).toEqual({
      path: 'clusters[2].nodePools[0].machineTypes[0]',
      message: "'g5.xlarge' is a GPU machine type; add gpu: { type, count } to this pool or use a CPU machine type",
    });
  });

  it('the GPU type must match the family (g5 carries A10G, not L4)', () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools[1].gpu.type = 'nvidia-l4';
    expect(onlyError(spec)).toEqual(issue('clusters[2].nodePools[1].machineTypes[0]', "'g5.xlarge' does not carry nvidia-l4 GPUs; use the g6 family"));
  });

  it('a GPU the cloud does not offer is named at gpu.type', () => {
    const spec = gcpSpec();
    spec.clusters[1].nodePools[0].gpu.type = 'nvidia-a10g';
    expect(onlyError(spec)).toEqual({ path: 'clusters[1].nodePools[0].gpu.type', message: 'nvidia-a10g is not offered on gcp' });
  });

  it('streaming clusters take no GPU pools', () => {
    const spec = awsSpec();
    spec.clusters[1].nodePools[0].gpu = { type: 'nvidia-a10g' };
    spec.clusters[1].nodePools[0].machineTypes = ['g5.xlarge'];
    expect(onlyError(spec)).toEqual(issue('clusters[1].nodePools[0].gpu', 'streaming clusters take no GPU pools'));
  });
});

describe('cluster options', () => {
  it('karpenter is AWS only', () => {
    const spec = gcpSpec();
    spec.clusters[0].autoscaler = 'karpenter';
    expect(onlyError(spec)).toEqual(issue('clusters[0].autoscaler', 'karpenter is available on AWS only'));
    const aws = awsSpec();
    aws.clusters[0].autoscaler = 'karpenter';
    valid(aws);
  });

  it('singleZone is for batch clusters only', () => {
    const spec = awsSpec();
    spec.clusters[0].singleZone = { reason: 'GPU capacity in one zone only' };
    expect(onlyError(spec)).toEqual(issue('clusters[0].singleZone', 'only batch clusters may sit in one zone'));
    const batch = awsSpec();
    batch.clusters[2].singleZone = { reason: 'GPU capacity in one zone only' };
    valid(batch);
  });

  it('publicAccessCidrs must not be the whole internet', () => {
    const spec = awsSpec();
    spec.clusters[0].endpoint = { publicAccessCidrs: ['203.0.113.0/24', '0.0.0.0/0'] };
    expect(onlyError(spec)).toEqual({
      path: 'clusters[0].endpoint.publicAccessCidrs[1]',
      message: 'must not open the API endpoint to the whole internet; list your office or VPN ranges',
    });
  });

  it('publicAccessCidrs are checked as CIDRs (public ranges allowed)', () => {
    const spec = awsSpec();
    spec.clusters[0].endpoint = { publicAccessCidrs: ['203.0.113.7/24'] };
    expect(onlyError(spec)).toEqual(issue('clusters[0].endpoint.publicAccessCidrs[0]', 'the network address is 203.0.113.0/24'));
  });

  it('admins (EKS access entries) are AWS only', () => {
    const spec = gcpSpec();
    spec.clusters[0].admins = ['arn:aws:iam::123456789012:role/platform-admins'];
    expect(onlyError(spec)).toEqual(issue('clusters[0].admins', 'EKS access entries exist on AWS only; grant access with Google Cloud IAM'));
    const aws = awsSpec();
    aws.clusters[0].admins = ['arn:aws:iam::123456789012:role/platform-admins'];
    valid(aws);
  });

  it('admins must be IAM role or user ARNs', () => {
    const spec = awsSpec();
    spec.clusters[0].admins = ['platform-admins'];
    expect(onlyError(spec)).toEqual(issue('clusters[0].admins[0]', 'must be an IAM role or user ARN'));
  });

  it('clusters Loom creates need node pools and no `existing`', () => {
    const spec = awsSpec();
    delete spec.clusters[0].nodePools;
    spec.clusters[1].existing = { kubeconfigContext: 'x' };
    expect(errorsOf(spec)).toEqual([
      issue('clusters[0].nodePools', 'list at least one node pool (cloud: aws creates the nodes)'),
      issue('clusters[1].existing', 'is only for cloud: kubernetes'),
    ]);
  });

  it('at least one cluster', () => {
    expect(onlyError(awsSpec({ clusters: [] }))).toEqual({ path: 'clusters', message: 'list at least 1 item, got 0' });
  });
});

describe('cloud: kubernetes (existing clusters)', () => {
  it('the fixture is valid, with or without a region', () => {
    valid(k8sSpec());
    valid(k8sSpec({ region: 'on-prem-dc1' }));
  });

  it('rejects a network', () => {
    expect(onlyError(k8sSpec({ network: { cidr: '10.0.0.0/16' } }))).toEqual(issue('network', 'has no meaning with cloud: kubernetes'));
  });

  it('rejects node pools', () => {
    const spec = k8sSpec();
    spec.clusters[0].nodePools = [{ name: 'general', machineTypes: ['m7i.large'], minNodes: 2, maxNodes: 3 }];
    expect(onlyError(spec)).toEqual(issue('clusters[0].nodePools', 'has no meaning with cloud: kubernetes'));
  });

  it('rejects mode: buy', () => {
    const spec = k8sSpec({ components: { registry: { mode: 'buy' }, monitoring: { mode: 'build' } } });
    expect(onlyError(spec)).toEqual(issue('components.registry.mode', 'buy is not available with cloud: kubernetes'));
  });

  it('requires `existing` on every cluster', () => {
    const spec = k8sSpec();
    delete spec.clusters[1].existing;
    expect(onlyError(spec)).toEqual(issue('clusters[1].existing', 'is required with cloud: kubernetes'));
  });

  it('existing needs kubeconfigContext or an endpoint', () => {
    const spec = k8sSpec();
    spec.clusters[0].existing = {};
    expect(onlyError(spec)).toEqual(issue('clusters[0].existing', 'give kubeconfigContext, or endpoint with clusterCaCertificate and exec'));
  });

  it('existing takes kubeconfigContext or endpoint, not both', () => {
    const spec = k8sSpec();
    spec.clusters[0].existing = { kubeconfigContext: 'a', endpoint: 'https://k8s.example.com', clusterCaCertificate: CA_PEM, exec: { command: 'x' } };
    expect(onlyError(spec)).toEqual(issue('clusters[0].existing', 'give either kubeconfigContext or endpoint, not both'));
  });

  it('an endpoint needs the CA certificate and an exec credential', () => {
    const spec = k8sSpec();
    spec.clusters[0].existing = { endpoint: 'https://k8s.example.com' };
    expect(errorsOf(spec)).toEqual([
      issue('clusters[0].existing.clusterCaCertificate', 'is required with endpoint'),
      issue('clusters[0].existing.exec', 'is required with endpoint'),
    ]);
    spec.clusters[0].existing = { endpoint: 'https://k8s.example.com', clusterCaCertificate: CA_PEM, exec: { command: 'kubelogin', args: ['get-token'] } };
    valid(spec);
  });

  it('an endpoint must be https', () => {
    const spec = k8sSpec();
    spec.clusters[0].existing = { endpoint: 'http://k8s.example.com', clusterCaCertificate: CA_PEM, exec: { command: 'x' } };
    expect(onlyError(spec)).toEqual({ path: 'clusters[0].existing.endpoint', message: "must be an https:// URL, got 'http://k8s.example.com'" });
  });
});

describe('components', () => {
  it("a component's cluster must exist (with did-you-mean)", () => {
    const spec = awsSpec({ components: { pipelines: { mode: 'build', cluster: 'trainin' } } });
    expect(onlyError(spec)).toEqual({ path: 'components.pipelines.cluster', message: "no cluster named 'trainin'; did you mean 'training'?" });
  });

  it("a component's unknown cluster with no close match lists the clusters", () => {
    const spec = awsSpec({ components: { serving: { mode: 'build', cluster: 'inference' } } });
    expect(onlyError(spec)).toEqual(issue('components.serving.cluster', "no cluster named 'inference'; clusters are apps, events, training"));
  });

  it("a component's cluster must suit it (pipelines on a microservice cluster)", () => {
    const spec = awsSpec({ components: { pipelines: { mode: 'build', cluster: 'apps' } } });
    expect(onlyError(spec)).toEqual({ path: 'components.pipelines.cluster', message: "'apps' is a microservice cluster; pipelines runs on batch clusters" });
  });

  it('a build component needs a suitable cluster to default to', () => {
    const spec = awsSpec({ components: { streaming: { mode: 'build' } } });
    spec.clusters.splice(1, 1); // no streaming cluster left
    expect(onlyError(spec)).toEqual({ path: 'components.streaming.cluster', message: 'no streaming cluster to run streaming on; add one or name a cluster' });
  });

  it('a bought component needs no cluster', () => {
    const spec = awsSpec({ components: { streaming: { mode: 'buy' } } });
    spec.clusters.splice(1, 1);
    valid(spec);
  });

  it('unknown components suggest the component meant', () => {
    expect(onlyError(awsSpec({ components: { featurestore: { mode: 'build' } } }))).toEqual(issue('components.featurestore', "did you mean 'featureStore'?"));
  });
});

describe('data residency', () => {
  it('allowedRegions must contain the region', () => {
    const spec = awsSpec({ dataResidency: { allowedRegions: ['eu-west-1', 'eu-central-1'] } });
    expect(onlyError(spec)).toEqual({
      path: 'dataResidency.allowedRegions',
      message: "does not contain the platform's region 'us-east-1'; add it or move the platform",
    });
  });

  it('managedServices: forbidden rejects every mode: buy', () => {
    const spec = awsSpec({
      dataResidency: { managedServices: 'forbidden' },
      components: { registry: { mode: 'buy' }, monitoring: { mode: 'build' }, serving: { mode: 'buy' } },
    });
    expect(errorsOf(spec)).toEqual([
      issue('components.registry.mode', 'buy is not allowed: dataResidency.managedServices is forbidden'),
      issue('components.serving.mode', 'buy is not allowed: dataResidency.managedServices is forbidden'),
    ]);
  });
});

describe('NAT gateways (warnings)', () => {
  it('warns that one NAT gateway in prod ties every zone\'s egress to one zone', () => {
    const result = valid(awsSpec({ environment: 'prod', state: { backend: 's3', bucket: 'acme-tfstate' }, network: { zones: 3, natGateways: 'single' } }));
    expect(result.warnings).toEqual([issue('network.natGateways', 'use per-zone')]);
  });

  it('does not warn with a NAT gateway per zone', () => {
    const result = valid(awsSpec({ environment: 'prod', state: { backend: 's3', bucket: 'acme-tfstate' }, network: { zones: 3, natGateways: 'per-zone' } }));
    expect(result.warnings).toEqual([]);
  });
});

describe('state (warnings)', () => {
  it('local state outside dev is a warning, not an error', () => {
    const result = valid(awsSpec({ environment: 'staging' }));
    expect(result.warnings).toEqual([{ path: 'state.backend', message: 'local state in staging is not shared or locked; use s3 or gcs' }]);
  });

  it('local state in dev is fine', () => {
    expect(valid(awsSpec()).warnings).toEqual([]);
  });

  it("state in the other cloud's bucket is a warning", () => {
    expect(valid(awsSpec({ state: { backend: 'gcs', bucket: 'acme-tfstate' } })).warnings).toEqual([issue('state.backend', 'gcs state for an AWS platform')]);
    expect(valid(gcpSpec({ state: { backend: 's3', bucket: 'acme-tfstate', region: 'us-east-1' } })).warnings).toEqual([issue('state.backend', 's3 state for a Google Cloud platform')]);
  });

  it('s3 state needs an AWS region: its own where the platform has none on AWS', () => {
    // GCP platform: its region is a Google Cloud one, so the bucket's must be given
    expect(onlyError(gcpSpec({ state: { backend: 's3', bucket: 'acme-tfstate' } }))).toEqual(issue('state.region', 'is required for s3 state with cloud: gcp'));
    expect(onlyError(gcpSpec({ state: { backend: 's3', bucket: 'acme-tfstate', region: 'europe-west1' } }))).toEqual(issue('state.region', "'europe-west1' is not an AWS region"));
    // cloud: kubernetes with AWS S3 (no endpoint): no platform region to fall back on
    const onprem = { name: 'dc1', cloud: 'kubernetes', clusters: [{ name: 'apps', flavour: 'microservice', existing: { kubeconfigContext: 'apps' } }] };
    expect(onlyError({ ...onprem, state: { backend: 's3', bucket: 'dc-tfstate' } })).toEqual(issue('state.region', 'is required for s3 state with cloud: kubernetes'));
    expect(valid({ ...onprem, state: { backend: 's3', bucket: 'dc-tfstate', region: 'eu-central-1' } }).spec.state).toMatchObject({ region: 'eu-central-1' });
    // an S3-compatible store needs none
    expect(valid({ ...onprem, state: { backend: 's3', bucket: 'dc-tfstate', endpoint: 'https://s3.dc1.example' } }).ok).toBe(true);
  });

  it('dataResidency.allowedRegions applies to the state bucket too', () => {
    const spec = awsSpec({ state: { backend: 's3', bucket: 'acme-tfstate', region: 'us-west-2' }, dataResidency: { allowedRegions: ['us-east-1'] } });
    expect(onlyError(spec)).toEqual(issue('state.region', "the state bucket's region 'us-west-2' is not in dataResidency.allowedRegions"));
  });

  it('an s3 backend needs a valid bucket name', () => {
    expect(onlyError(awsSpec({ state: { backend: 's3', bucket: 'Acme_State' } }))).toEqual(issue('state.bucket', 'must be a valid S3 bucket name'));
    expect(onlyError(awsSpec({ state: { backend: 's3' } }))).toEqual(issue('state.bucket', 'is required'));
  });
});
