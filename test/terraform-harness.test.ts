/**
 * Proves the offline terraform harness works on small hand-written stacks laid
 * out like cdktf's synthesized `cdk.tf.json`. Real-terraform cases skip (with a
 * clear warning) when terraform or the provider mirror is unavailable.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAKE_ACCOUNT_ID, FAKE_CALLER_ARN, startFakeAws } from './helpers/fake-aws';
import { planRemoteStateFakes, stateFileJson } from './helpers/remote-state-fake';
import {
  describeSkip,
  hasProvider,
  parsePlanSummary,
  requiredProviders,
  runPool,
  terraformEnv,
  terraformPlan,
  terraformValidate,
  type TerraformEnv,
} from './helpers/terraform';

const TF_TIMEOUT_MS = 240_000;

const env = terraformEnv();
const ready = env.available && hasProvider(env, 'hashicorp/aws');
if (!env.available) {
  console.warn(describeSkip(env));
} else if (!ready) {
  console.warn(`SKIPPED real terraform checks: mirror ${env.mirrorDir} has no hashicorp/aws provider`);
}

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'loom-harness-test-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

/** Write `doc` as `<tmp>/<name>/cdk.tf.json` and return the stack dir. */
function writeStack(name: string, doc: unknown): string {
  const dir = path.join(tmpRoot, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(doc, null, 2));
  return dir;
}

/** A minimal stack in cdktf's JSON layout; `vpcExtra` is merged into the aws_vpc resource. */
function vpcStack(vpcExtra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '//': { metadata: { backend: 's3', stackName: 'harness', version: '0.21.0' }, outputs: {} },
    provider: { aws: [{ region: 'us-east-1' }] },
    resource: {
      aws_vpc: {
        main: {
          '//': { metadata: { path: 'harness/main', uniqueId: 'main' } },
          cidr_block: '10.0.0.0/16',
          ...vpcExtra,
        },
      },
    },
    terraform: {
      backend: { s3: { bucket: 'loom-state', key: 'harness.tfstate', region: 'us-east-1' } },
      required_providers: { aws: { source: 'aws', version: '5.100.0' } },
    },
  };
}

/**
 * A producer/consumer pair laid out like cdktf's `stacks/` dir: the consumer reads the producer's
 * subnet ids, cluster subnet set, role ARN and endpoint through `terraform_remote_state` (s3
 * backend, unreachable offline) and calls AWS at plan time (`aws_caller_identity`,
 * `aws_iam_session_context`). `extraOutputRef` adds a reference to one more producer output.
 */
function crossStackPair(name: string, opts: { extraOutputRef?: string; extraData?: Record<string, unknown> } = {}): { stacksDir: string; consumer: string } {
  const stacksDir = path.join(tmpRoot, name, 'stacks');
  const backend = (key: string) => ({ s3: { bucket: 'loom-state', key, region: 'eu-west-1' } });
  const producer = {
    provider: { aws: [{ region: 'eu-west-1' }] },
    terraform: { backend: backend('loom/p-network.tfstate'), required_providers: { aws: { source: 'aws', version: '5.100.0' } } },
    output: {
      'cross-stack-output-aws_subnetNetwork_Subnet_a_1234ABCDid': { sensitive: true, value: '${aws_subnet.Network_Subnet_a_1234ABCD.id}' },
      'cross-stack-output-aws_eks_clusterCluster_EB0386A7vpc_config0subnet_ids': { sensitive: true, value: '${aws_eks_cluster.Cluster_EB0386A7.vpc_config[0].subnet_ids}' },
      'cross-stack-output-aws_iam_roleCluster_NodeRole_D6BFCFE8arn': { sensitive: true, value: '${aws_iam_role.Cluster_NodeRole_D6BFCFE8.arn}' },
      'cross-stack-output-aws_eks_clusterCluster_EB0386A7endpoint': { sensitive: true, value: '${aws_eks_cluster.Cluster_EB0386A7.endpoint}' },
    },
  };
  const ref = (output: string) => `\${data.terraform_remote_state.cross-stack-reference-input-p-network.outputs.${output}}`;
  const consumer = {
    provider: { aws: [{ region: 'eu-west-1' }] },
    terraform: { backend: backend('loom/p-cluster.tfstate'), required_providers: { aws: { source: 'aws', version: '5.100.0' } } },
    data: {
      terraform_remote_state: {
        'cross-stack-reference-input-p-network': {
          backend: 's3',
          config: { bucket: 'loom-state', key: 'loom/p-network.tfstate', region: 'eu-west-1' },
          workspace: '${terraform.workspace}',
        },
      },
      aws_caller_identity: { me: {} },
      aws_iam_session_context: { me: { arn: '${data.aws_caller_identity.me.arn}' } },
      ...opts.extraData,
    },
    resource: {
      aws_network_interface: {
        eni: { subnet_id: ref('cross-stack-output-aws_subnetNetwork_Subnet_a_1234ABCDid') },
      },
      aws_eks_access_entry: {
        admin: { cluster_name: 'c', principal_arn: '${data.aws_iam_session_context.me.issuer_arn}' },
        nodes: { cluster_name: 'c', principal_arn: ref('cross-stack-output-aws_iam_roleCluster_NodeRole_D6BFCFE8arn'), type: 'EC2_LINUX' },
      },
      aws_vpc_endpoint: {
        s3: { vpc_id: 'vpc-0123456789abcdef0', service_name: 'com.amazonaws.eu-west-1.s3', vpc_endpoint_type: 'Interface', subnet_ids: `\${tolist(${ref('cross-stack-output-aws_eks_clusterCluster_EB0386A7vpc_config0subnet_ids').slice(2, -1)})}` },
      },
    },
    output: {
      admin: { value: '${data.aws_iam_session_context.me.issuer_arn}' },
      api: { value: ref(opts.extraOutputRef ?? 'cross-stack-output-aws_eks_clusterCluster_EB0386A7endpoint'), sensitive: true },
    },
  };
  for (const [stack, doc] of Object.entries({ 'p-network': producer, 'p-cluster': consumer })) {
    fs.mkdirSync(path.join(stacksDir, stack), { recursive: true });
    fs.writeFileSync(path.join(stacksDir, stack, 'cdk.tf.json'), JSON.stringify(doc, null, 2));
  }
  return { stacksDir, consumer: path.join(stacksDir, 'p-cluster') };
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

describe('terraform harness (pure helpers)', () => {
  it('normalises required provider sources from cdk.tf.json', () => {
    const dir = writeStack('sources', {
      terraform: {
        required_providers: {
          aws: { source: 'aws', version: '5.100.0' },
          google: { source: 'registry.terraform.io/hashicorp/google' },
          helm: '~> 2.0',
          custom: { source: 'example.com/acme/custom' },
        },
      },
    });
    expect(requiredProviders(dir)).toEqual(['example.com/acme/custom', 'hashicorp/aws', 'hashicorp/google', 'hashicorp/helm']);
    expect(requiredProviders(path.join(tmpRoot, 'does-not-exist'))).toEqual([]);
  });

  it('describes why checks are skipped', () => {
    const missing: TerraformEnv = { available: false, reason: 'terraform binary not found on PATH' };
    expect(describeSkip(missing)).toBe('SKIPPED real terraform checks: terraform binary not found on PATH');
    expect(hasProvider(missing, 'hashicorp/aws')).toBe(false);
    if (env.available) expect(env.providers.length).toBeGreaterThan(0);
  });
});

describe('remote state fakes', () => {
  it('fabricates every referenced output from the producer, with plausible values and types', () => {
    const { stacksDir, consumer } = crossStackPair('fake-shapes');
    const { fakes, problems } = planRemoteStateFakes(readJson(path.join(consumer, 'cdk.tf.json')), stacksDir);
    expect(problems).toEqual([]);
    expect(fakes).toHaveLength(1);
    expect(fakes[0].producer).toBe('p-network');
    const out = fakes[0].outputs;
    expect(Object.keys(out).sort()).toEqual([
      'cross-stack-output-aws_eks_clusterCluster_EB0386A7endpoint',
      'cross-stack-output-aws_eks_clusterCluster_EB0386A7vpc_config0subnet_ids',
      'cross-stack-output-aws_iam_roleCluster_NodeRole_D6BFCFE8arn',
      'cross-stack-output-aws_subnetNetwork_Subnet_a_1234ABCDid',
    ]);
    expect(out['cross-stack-output-aws_subnetNetwork_Subnet_a_1234ABCDid']).toMatchObject({ type: 'string', sensitive: true });
    expect(out['cross-stack-output-aws_subnetNetwork_Subnet_a_1234ABCDid'].value).toMatch(/^subnet-0[0-9a-f]{16}$/);
    const subnets = out['cross-stack-output-aws_eks_clusterCluster_EB0386A7vpc_config0subnet_ids'];
    expect(subnets.type).toEqual(['set', 'string']);
    expect(new Set(subnets.value as string[]).size).toBe(3);
    for (const id of subnets.value as string[]) expect(id).toMatch(/^subnet-0[0-9a-f]{16}$/);
    expect(out['cross-stack-output-aws_iam_roleCluster_NodeRole_D6BFCFE8arn'].value).toBe(`arn:aws:iam::${FAKE_ACCOUNT_ID}:role/mock-cluster-noderole`);
    expect(out['cross-stack-output-aws_eks_clusterCluster_EB0386A7endpoint'].value).toMatch(/^https:\/\/[0-9A-F]{32}\.gr7\.eu-west-1\.eks\.amazonaws\.com$/);

    const state = JSON.parse(stateFileJson(fakes[0])) as { version: number; outputs: Record<string, unknown> };
    expect(state.version).toBe(4);
    expect(state.outputs).toEqual(out);
  });

  it('reports a reference to an output the producer does not define', () => {
    const { stacksDir, consumer } = crossStackPair('fake-missing', { extraOutputRef: 'cross-stack-output-aws_vpcNetwork_Vpc_0000AAAAid' });
    const { problems } = planRemoteStateFakes(readJson(path.join(consumer, 'cdk.tf.json')), stacksDir);
    expect(problems).toEqual([
      'data.terraform_remote_state.cross-stack-reference-input-p-network reads output "cross-stack-output-aws_vpcNetwork_Vpc_0000AAAAid", which stack p-network does not define',
    ]);
  });

  it('guesses values from cdktf output names when the producer is not next to the consumer', () => {
    const { consumer } = crossStackPair('fake-orphan');
    const { fakes, problems } = planRemoteStateFakes(readJson(path.join(consumer, 'cdk.tf.json')), path.join(tmpRoot, 'nowhere'));
    expect(problems).toEqual([expect.stringContaining('no producing stack found for data.terraform_remote_state.cross-stack-reference-input-p-network')]);
    expect(fakes[0].outputs['cross-stack-output-aws_eks_clusterCluster_EB0386A7vpc_config0subnet_ids'].type).toEqual(['set', 'string']);
    expect(fakes[0].outputs['cross-stack-output-aws_iam_roleCluster_NodeRole_D6BFCFE8arn'].value).toMatch(/^arn:aws:iam::\d{12}:role\//);
  });

  it('parses plan summaries', () => {
    expect(parsePlanSummary('...\nPlan: 41 to add, 0 to change, 0 to destroy.\n')).toEqual({ add: 41, change: 0, destroy: 0 });
    expect(parsePlanSummary('No changes. Your infrastructure matches the configuration.')).toEqual({ add: 0, change: 0, destroy: 0 });
    expect(parsePlanSummary('Error: boom')).toBeUndefined();
  });

  it('runs a pool with bounded concurrency, keeping order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await runPool(
      [5, 1, 4, 2, 3],
      async (n) => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, n * 5));
        inFlight--;
        return n * 10;
      },
      2,
    );
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

describe('fake AWS endpoint', () => {
  const auth = (service: string) => `AWS4-HMAC-SHA256 Credential=mock/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;

  it('answers sts:GetCallerIdentity on loopback and refuses anything else by name', async () => {
    const fake = await startFakeAws();
    try {
      expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const who = await fetch(fake.url, {
        method: 'POST',
        headers: { authorization: auth('sts'), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      });
      expect(who.status).toBe(200);
      const xml = await who.text();
      expect(xml).toContain(`<Account>${FAKE_ACCOUNT_ID}</Account>`);
      expect(xml).toContain(`<Arn>${FAKE_CALLER_ARN}</Arn>`);

      const other = await fetch(fake.url, {
        method: 'POST',
        headers: { authorization: auth('ec2'), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=DescribeAvailabilityZones&Version=2016-11-15',
      });
      expect(other.status).toBe(400);
      expect(await other.text()).toContain('does not implement ec2:DescribeAvailabilityZones');
      expect(fake.requests).toEqual([
        { service: 'sts', action: 'GetCallerIdentity', answered: true },
        { service: 'ec2', action: 'DescribeAvailabilityZones', answered: false },
      ]);
    } finally {
      await fake.close();
    }
  });
});

describe('terraform harness (real terraform, offline)', () => {
  it.skipIf(!ready)(
    'validates a well-formed stack',
    () => {
      const dir = writeStack('valid', vpcStack());
      expect(requiredProviders(dir)).toEqual(['hashicorp/aws']);
      const res = terraformValidate(dir);
      expect(res.ok, res.output).toBe(true);
    },
    TF_TIMEOUT_MS,
  );

  it.skipIf(!ready)(
    'reports an unknown attribute by name',
    () => {
      const dir = writeStack('broken', vpcStack({ loom_bogus_attribute: true }));
      const res = terraformValidate(dir);
      expect(res.ok).toBe(false);
      expect(res.output).toContain('loom_bogus_attribute');
      expect(res.output).toContain('aws_vpc.main');
    },
    TF_TIMEOUT_MS,
  );

  it.skipIf(!ready)(
    'plans with mock credentials and a local backend, aliased aws providers too',
    async () => {
      const doc = vpcStack();
      doc.provider = { aws: [{ region: 'us-east-1', profile: 'not-on-this-machine' }, { alias: 'eu', region: 'eu-west-1' }] };
      (doc.resource as { aws_vpc: Record<string, unknown> }).aws_vpc.eu = { cidr_block: '10.1.0.0/16', provider: 'aws.eu' };
      const res = await terraformPlan(writeStack('aliased', doc), { region: 'us-west-2' });
      expect(res.ok, res.output).toBe(true);
      expect(res.output).toContain('2 to add');
    },
    TF_TIMEOUT_MS,
  );

  it.skipIf(!ready)(
    'plans a cross-stack consumer: remote state faked, caller identity from the fake STS',
    async () => {
      const { consumer } = crossStackPair('plan-cross-stack');
      const res = await terraformPlan(consumer);
      expect(res.ok, res.output).toBe(true);
      expect(res.summary).toEqual({ add: 4, change: 0, destroy: 0 });
      // aws_iam_session_context passes a non-role ARN through, so only STS was called.
      expect(res.awsRequests).toEqual([{ service: 'sts', action: 'GetCallerIdentity', answered: true }]);
      expect(res.output).toContain(`admin = "${FAKE_CALLER_ARN}"`);
      expect(res.fakes.map((s) => s.producer)).toEqual(['p-network']);
    },
    TF_TIMEOUT_MS,
  );

  it.skipIf(!ready)(
    'fails at once, naming the call, when a data source needs an AWS API the fake does not answer',
    async () => {
      const { consumer } = crossStackPair('plan-unsupported', { extraData: { aws_availability_zones: { zones: { state: 'available' } } } });
      const res = await terraformPlan(consumer);
      expect(res.ok).toBe(false);
      expect(res.output).toContain('does not implement ec2:DescribeAvailabilityZones');
      expect(res.millis).toBeLessThan(TF_TIMEOUT_MS / 2);
    },
    TF_TIMEOUT_MS,
  );

  it.skipIf(!ready)(
    'refuses to plan when a remote state output does not exist in the producer',
    async () => {
      const { consumer } = crossStackPair('plan-missing-output', { extraOutputRef: 'cross-stack-output-aws_vpcNetwork_Vpc_0000AAAAid' });
      const res = await terraformPlan(consumer);
      expect(res.ok).toBe(false);
      expect(res.output).toContain('cross-stack-output-aws_vpcNetwork_Vpc_0000AAAAid');
    },
    TF_TIMEOUT_MS,
  );
});
