/**
 * Karpenter (`autoscaler: karpenter`): its AWS side in the cluster stack (controller and node
 * roles, access entry, interruption queue and rules, a system node group and no per-pool node
 * groups), and in the add-ons stack one NodePool and EC2NodeClass per pool reflecting the pool's
 * spec and the flavour's disruption profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MACHINE_TYPES } from '../../catalog/machine-types';
import { FLAVOUR_PROFILES } from '../../plan';
import { findResource, findResources, resources, synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { awsSpec } from '../aws/fixtures';
import { karpenterAmiAlias, karpenterDisruptionOf } from '../../constructs/addons/karpenter';
import { customResource, customResources, release, releaseOf, remoteRef } from './fixtures';

/** `maxNodes` × the largest of the pool's machine types, per resource (Karpenter's limits). */
function expectedLimits(machineTypes: string[], maxNodes: number) {
  const facts = machineTypes.map((t) => MACHINE_TYPES.aws[t]!);
  const max = (k: 'vcpu' | 'memoryGiB' | 'gpus') => Math.max(...facts.map((f) => f[k]));
  return { nodes: maxNodes, cpu: maxNodes * max('vcpu'), memoryGiB: maxNodes * max('memoryGiB'), gpus: maxNodes * max('gpus') };
}

describe('Karpenter', () => {
  let out: Synthesized;
  const spec = awsSpec();
  for (const c of spec.clusters) c.autoscaler = 'karpenter';
  // A multi-type GPU pool, pinned to one zone, to see every requirement carried over.
  spec.clusters[2].nodePools[1].machineTypes = ['g5.xlarge', 'g5.2xlarge'];
  spec.clusters[2].singleZone = { reason: 'A10G capacity is only reserved in one zone' };
  beforeAll(() => {
    out = synthSpec(spec);
  });
  afterAll(() => out.cleanup());
  const cluster = (c: string): StackJson => out.stacks[`acme-cluster-${c}`]!;
  const addons = (c: string): StackJson => out.stacks[`acme-addons-${c}`]!;

  describe('in the cluster stack', () => {
    it('keeps one small on-demand system node group, tainted for add-ons, and no node group per pool', () => {
      const groups = findResources(cluster('training'), 'aws_eks_node_group');
      expect(groups).toHaveLength(1);
      expect(groups[0]).toMatchObject({
        node_group_name: 'acme-training-system',
        capacity_type: 'ON_DEMAND',
        instance_types: ['m7i.large'],
        scaling_config: { min_size: 2, max_size: 2, desired_size: 2 }, // nothing scales a managed group with Karpenter: fixed
        labels: { 'loom.dev/role': 'system', 'loom.dev/pool': 'system' },
        taint: [{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NO_SCHEDULE' }],
      });
    });

    it('gives its nodes a dedicated role, admitted with an EC2_LINUX access entry', () => {
      const role = findResource(cluster('training'), 'aws_iam_role', { name: 'acme-training-karpenter-node' });
      expect(JSON.parse(String(role.assume_role_policy)).Statement[0].Principal).toEqual({ Service: 'ec2.amazonaws.com' });
      const attached = findResources(cluster('training'), 'aws_iam_role_policy_attachment').filter((a) => String(a.role).includes('Karpenter_NodeRole'));
      expect(attached.map((a) => String(a.policy_arn).split('/').pop()).sort()).toEqual([
        'AmazonEC2ContainerRegistryPullOnly',
        'AmazonEKSWorkerNodePolicy',
        'AmazonSSMManagedInstanceCore',
      ]);
      const entry = findResource(cluster('training'), 'aws_eks_access_entry', { type: 'EC2_LINUX' });
      expect(String(entry.principal_arn)).toMatch(/^\$\{aws_iam_role\.Cluster_Karpenter_NodeRole_\w+\.arn\}$/);
    });

    it('has an encrypted interruption queue keeping messages 300 s, writable by EventBridge over TLS only', () => {
      const queue = findResource(cluster('training'), 'aws_sqs_queue');
      expect(queue).toMatchObject({ name: 'acme-training-karpenter', message_retention_seconds: 300, sqs_managed_sse_enabled: true });
      const policy = JSON.parse(String(findResource(cluster('training'), 'aws_sqs_queue_policy').policy));
      expect(policy.Statement[0]).toMatchObject({ Effect: 'Allow', Principal: { Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] }, Action: 'sqs:SendMessage' });
      expect(policy.Statement[1]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    });

    it('routes health, spot interruption, rebalance and state-change events to the queue', () => {
      const rules = Object.values(resources(cluster('training'), 'aws_cloudwatch_event_rule')).map((r) => JSON.parse(String(r.event_pattern)));
      expect(rules).toEqual(
        expect.arrayContaining([
          { source: ['aws.health'], 'detail-type': ['AWS Health Event'] },
          { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] },
          { source: ['aws.ec2'], 'detail-type': ['EC2 Instance Rebalance Recommendation'] },
          { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
          { source: ['aws.ec2'], 'detail-type': ['EC2 Capacity Reservation Instance Interruption Warning'] },
        ]),
      );
      expect(rules).toHaveLength(5);
      for (const t of findResources(cluster('training'), 'aws_cloudwatch_event_target')) expect(String(t.arn)).toMatch(/^\$\{aws_sqs_queue\.\w+\.arn\}$/);
    });

    it("scopes the controller's policy to the cluster's tags, its node role and its queue", () => {
      const role = findResource(cluster('training'), 'aws_iam_role', { name: 'acme-training-karpenter' });
      expect(role.assume_role_policy).toContain('system:serviceaccount:loom-system:karpenter');
      const doc = JSON.parse(String(findResource(cluster('training'), 'aws_iam_role_policy', { name: 'karpenter-controller' }).policy));
      const sid = (s: string) => doc.Statement.find((x: any) => x.Sid === s);
      expect(String(sid('AllowPassingInstanceRole').Resource)).toMatch(/^\$\{aws_iam_role\.Cluster_Karpenter_NodeRole_\w+\.arn\}$/);
      expect(sid('AllowPassingInstanceRole').Condition.StringEquals['iam:PassedToService']).toContain('ec2.amazonaws.com');
      expect(String(sid('AllowInterruptionQueueActions').Resource)).toMatch(/^\$\{aws_sqs_queue\.\w+\.arn\}$/);
      expect(Object.keys(sid('AllowScopedDeletion').Condition.StringEquals)[0]).toMatch(/^aws:ResourceTag\/kubernetes\.io\/cluster\/\$\{aws_eks_cluster\.\w+\.name\}$/);
      expect(sid('AllowScopedInstanceProfileCreationActions').Condition.StringLike).toEqual({ 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' });
      expect(sid('AllowRegionalReadActions').Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': 'us-east-1' } });
      expect(String(sid('AllowAPIServerEndpointDiscovery').Resource)).toMatch(/^\$\{aws_eks_cluster\.\w+\.arn\}$/);
    });
  });

  describe('in the add-ons stack', () => {
    it('runs the controller on the system node group with its role, cluster and interruption queue', () => {
      const karpenter = release(addons('training'), 'karpenter');
      expect(karpenter.resource.skip_crds).toBe(true);
      expect(karpenter.resource.depends_on).toContainEqual(expect.stringMatching(/^helm_release\.Addons_Karpenter_Crds_/));
      const v = karpenter.values;
      expect(v.nodeSelector).toMatchObject({ 'loom.dev/role': 'system' });
      expect(remoteRef(v.serviceAccount.annotations['eks.amazonaws.com/role-arn'])).toMatchObject({ stack: 'acme-cluster-training', output: expect.stringMatching(/KarpenterControllerRole.*arn$/) });
      expect(remoteRef(v.settings.interruptionQueue)).toMatchObject({ stack: 'acme-cluster-training', output: expect.stringMatching(/sqs_queue.*name$/) });
      expect(remoteRef(v.settings.clusterName)?.stack).toBe('acme-cluster-training');
    });

    it('has one NodePool and one EC2NodeClass per pool, and none for the system group', () => {
      expect(customResources(addons('training'), 'NodePool').map((m) => m.metadata.name).sort()).toEqual(['cpu', 'gpu']);
      expect(customResources(addons('training'), 'EC2NodeClass').map((m) => m.metadata.name).sort()).toEqual(['cpu', 'gpu']);
      expect(customResources(addons('apps'), 'NodePool').map((m) => m.metadata.name)).toEqual(['general']);
    });

    it("carries the pool's instance types, capacity type, zones, labels and taints into its NodePool", () => {
      const pool = spec.clusters[2].nodePools[1];
      const np = customResource(addons('training'), 'NodePool', 'gpu').spec;
      expect(np.template.spec.requirements).toEqual(
        expect.arrayContaining([
          { key: 'node.kubernetes.io/instance-type', operator: 'In', values: pool.machineTypes },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] },
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] },
        ]),
      );
      expect(np.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }]);
      expect(np.template.metadata.labels).toMatchObject({ 'loom.dev/pool': 'gpu', 'nvidia.com/gpu.present': 'true', 'loom.dev/capacity': 'spot' });
      expect(np.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'gpu' });
      const apps = customResource(addons('apps'), 'NodePool', 'general').spec;
      expect(apps.template.spec.requirements).toContainEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] });
      expect(apps.template.spec.requirements).toContainEqual({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a', 'us-east-1b', 'us-east-1c'] });
      expect(apps.template.spec).not.toHaveProperty('taints');
    });

    it('limits each NodePool to maxNodes nodes of its largest machine type', () => {
      for (const [c, p] of [
        [2, 0],
        [2, 1],
        [0, 0],
        [1, 0],
      ] as const) {
        const pool = spec.clusters[c].nodePools[p];
        const want = expectedLimits(pool.machineTypes, pool.maxNodes);
        const limits = customResource(addons(spec.clusters[c].name), 'NodePool', pool.name).spec.limits;
        expect(limits, pool.name).toEqual({
          nodes: String(want.nodes),
          cpu: String(want.cpu),
          memory: `${want.memoryGiB}Gi`,
          ...(want.gpus ? { 'nvidia.com/gpu': String(want.gpus) } : {}),
        });
      }
    });

    it('disrupts per flavour: batch and GPU pools never evict a running job, services within a budget, brokers never', () => {
      const disruption = (c: string, p: string) => customResource(addons(c), 'NodePool', p).spec.disruption;
      // Batch (CPU and GPU): only empty nodes are consolidated (fast, to reach zero), a drifted
      // node is replaced only once empty, nodes never expire (expiry is forceful in Karpenter v1).
      for (const pool of ['cpu', 'gpu']) {
        expect(disruption('training', pool), pool).toEqual({
          consolidationPolicy: 'WhenEmpty',
          consolidateAfter: FLAVOUR_PROFILES.batch.scaleDownUnneededTime,
          budgets: [{ nodes: '20%' }, { nodes: '0', reasons: ['Drifted'] }],
        });
        expect(customResource(addons('training'), 'NodePool', pool).spec.template.spec.expireAfter, pool).toBe('Never');
      }
      expect(disruption('apps', 'general')).toEqual({ consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '10m', budgets: [{ nodes: '10%' }] });
      expect(disruption('events', 'brokers')).toEqual({ consolidationPolicy: 'WhenEmpty', consolidateAfter: '30m', budgets: [{ nodes: '0' }] });
      expect(customResource(addons('events'), 'NodePool', 'brokers').spec.template.spec.expireAfter).toBe('Never');
      expect(customResource(addons('apps'), 'NodePool', 'general').spec.template.spec.expireAfter).toBe('720h');
    });

    it("launches through an EC2NodeClass with the node role, the cluster's subnets and security group, IMDSv2 and the pool's disk", () => {
      const nc = customResource(addons('events'), 'EC2NodeClass', 'brokers').spec;
      expect(remoteRef(nc.role)).toMatchObject({ stack: 'acme-cluster-events', output: expect.stringMatching(/Karpenter_NodeRole.*name$/) });
      // Pinned to one EKS AMI release: nodes change image only when Loom bumps it.
      expect(nc.amiSelectorTerms).toEqual([{ alias: 'al2023@v20260714' }]);
      expect(nc.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'acme-events' } }]);
      expect(nc.securityGroupSelectorTerms).toEqual([{ tags: { 'aws:eks:cluster-name': 'acme-events' } }]);
      expect(nc.metadataOptions).toMatchObject({ httpTokens: 'required', httpPutResponseHopLimit: 1 });
      expect(nc.blockDeviceMappings).toEqual([
        { deviceName: '/dev/xvda', rootVolume: true, ebs: { volumeSize: '500Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true } },
      ]);
      expect(nc.tags).toMatchObject({ 'loom-platform': 'acme', 'cost-center': 'ml', 'loom.dev/pool': 'brokers' });
    });

    it('puts the NodePools and EC2NodeClasses in one release of Loom\'s resources chart, after the CRDs and the controller', () => {
      const pools = releaseOf(addons('training'), 'NodePool', 'cpu');
      expect(releaseOf(addons('training'), 'EC2NodeClass', 'gpu').name).toBe(pools.name);
      expect(pools.resource).toMatchObject({ name: 'loom-karpenter-nodepools', namespace: expect.stringMatching(/Namespaces_System/), atomic: true, wait: true });
      expect(pools.resource.chart).toMatch(/^\.\/assets\/LoomResourcesChart\/[0-9A-F]+$/);
      expect(pools.resource.depends_on).toEqual(
        expect.arrayContaining([expect.stringMatching(/^helm_release\.Addons_Karpenter_Crds_/), expect.stringMatching(/^helm_release\.Addons_Karpenter_Release_/)]),
      );
      expect(resources(addons('training'), 'kubernetes_manifest')).toEqual({});
    });

    it('gives a GPU pool on a service cluster WhenEmpty consolidation, and CPU pools there their flavour\'s', () => {
      expect(karpenterDisruptionOf(FLAVOUR_PROFILES.microservice, { gpu: { type: 'nvidia-a10g', count: 1 } }).consolidationPolicy).toBe('WhenEmpty');
      expect(karpenterDisruptionOf(FLAVOUR_PROFILES.microservice, {}).consolidationPolicy).toBe('WhenEmptyOrUnderutilized');
    });

    it('rejects a Kubernetes version the pinned AMI release has no image for, naming the fix', () => {
      expect(karpenterAmiAlias('1.33')).toBe('al2023@v20260714');
      expect(() => karpenterAmiAlias('1.29')).toThrow(/no AL2023 image for Kubernetes 1\.29.*KARPENTER_AMI_RELEASE/);
    });
  });
});
