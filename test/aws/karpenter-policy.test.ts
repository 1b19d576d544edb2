/**
 * M4: Karpenter's controller policy and interruption rules against upstream's, for the pinned
 * chart. The ground truth is upstream's getting-started CloudFormation template of the release
 * (catalog/upstream/karpenter-<version>-controller-policy.json, see its README); its
 * `!Sub` parameters are resolved the way Loom resolves them (account and partition from the
 * stack's data sources, region from the plan, the cluster, node role and queue from their
 * resources), then every statement is compared with Loom's by Sid.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHARTS } from '../../catalog/charts';
import { findResource, findResources, resources, synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { awsSpec } from './fixtures';

const UPSTREAM_DIR = join(__dirname, '..', '..', 'catalog', 'upstream');
const upstreamFile = (version: string) => join(UPSTREAM_DIR, `karpenter-${version}-controller-policy.json`);

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface Upstream {
  _source: { repository: string; tag: string; commit: string; path: string };
  chartVersion: string;
  controllerPolicies: Record<string, { Version: string; Statement: Statement[] }>;
  interruptionEventPatterns: Record<string, unknown>;
}

/** Terraform reference `${<type>.<name>.<attr>}` of the one resource (or data source) of a type. */
function ref(stack: StackJson, type: string, attr: string, filter: (r: Record<string, unknown>) => boolean = () => true, data = false): string {
  const pool = data ? (stack.data?.[type] ?? {}) : resources(stack, type);
  const names = Object.entries(pool)
    .filter(([, r]) => filter(r))
    .map(([n]) => n);
  expect(names, `${type} (${attr})`).toHaveLength(1);
  return `\${${data ? 'data.' : ''}${type}.${names[0]}.${attr}}`;
}

/** Order-free form of a statement: single values as one-element lists, lists sorted. */
function normalise(s: Statement) {
  const list = (v: string | string[]) => (Array.isArray(v) ? [...v] : [v]).sort();
  const condition = s.Condition
    ? Object.fromEntries(
        Object.entries(s.Condition).map(([op, kv]) => [op, Object.fromEntries(Object.entries(kv).map(([k, v]) => [k, list(v)]))]),
      )
    : undefined;
  return { Sid: s.Sid, Effect: s.Effect, Action: list(s.Action), Resource: list(s.Resource), ...(condition ? { Condition: condition } : {}) };
}

describe('Karpenter controller policy versus upstream', () => {
  const pinned = CHARTS.karpenter.version;
  let out: Synthesized;
  let upstream: Upstream;
  beforeAll(() => {
    const spec = awsSpec();
    spec.clusters[2].autoscaler = 'karpenter';
    out = synthSpec(spec);
    upstream = JSON.parse(readFileSync(upstreamFile(pinned), 'utf8')) as Upstream;
  });
  afterAll(() => out?.cleanup());
  const stack = () => out.stacks['acme-cluster-training']!;

  it('has upstream policy data for the pinned chart version', () => {
    // A chart bump fails here until the new release's policy is added (see upstream/README.md).
    expect(existsSync(upstreamFile(pinned)), `no ${upstreamFile(pinned)} for karpenter ${pinned}`).toBe(true);
    expect(upstream.chartVersion).toBe(pinned);
    expect(upstream._source.tag).toBe(`v${pinned}`);
    expect(CHARTS.karpenterCrd.version).toBe(pinned);
  });

  it('grants every statement of upstream controller policies, and nothing else', () => {
    const s = stack();
    const clusterName = ref(s, 'aws_eks_cluster', 'name');
    const subs: [string, string][] = [
      // Upstream builds the cluster ARN from its parts; Loom uses the cluster's own ARN.
      ['arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:cluster/${ClusterName}', ref(s, 'aws_eks_cluster', 'arn')],
      ['${AWS::Partition}', ref(s, 'aws_partition', 'partition', () => true, true)],
      ['${AWS::AccountId}', ref(s, 'aws_caller_identity', 'account_id', () => true, true)],
      ['${AWS::Region}', 'us-east-1'],
      ['${ClusterName}', clusterName],
      ['${KarpenterNodeRole.Arn}', ref(s, 'aws_iam_role', 'arn', (r) => r.name === 'acme-training-karpenter-node')],
      ['${KarpenterInterruptionQueue.Arn}', ref(s, 'aws_sqs_queue', 'arn')],
    ];
    const resolve = (text: string) => subs.reduce((t, [from, to]) => t.split(from).join(to), text);
    const expected = Object.values(upstream.controllerPolicies)
      .flatMap((p) => p.Statement)
      .map((st) => normalise(JSON.parse(resolve(JSON.stringify(st))) as Statement));
    expect(JSON.stringify(expected)).not.toMatch(/\$\{(AWS::|ClusterName|Karpenter)/);

    const policy = findResource(s, 'aws_iam_role_policy', { name: 'karpenter-controller' });
    const actual = (JSON.parse(String(policy.policy)) as { Statement: Statement[] }).Statement.map(normalise);
    expect(actual.map((st) => st.Sid).sort()).toEqual(expected.map((st) => st.Sid).sort());
    for (const want of expected) {
      expect(actual.find((st) => st.Sid === want.Sid), want.Sid).toEqual(want);
    }
  });

  it('routes every interruption event upstream handles to the queue', () => {
    const patterns = findResources(stack(), 'aws_cloudwatch_event_rule').map((r) => JSON.parse(String(r.event_pattern)) as unknown);
    const want = Object.values(upstream.interruptionEventPatterns);
    expect(patterns).toHaveLength(want.length);
    expect(patterns).toEqual(expect.arrayContaining(want as unknown[]));
  });

  it('fits the role inline-policy size limit of IAM (10,240 characters) with the longest names', () => {
    const policy = String(findResource(stack(), 'aws_iam_role_policy', { name: 'karpenter-controller' }).policy);
    // Tokens replaced by the longest values they can take: a 51-character cluster name, ARNs.
    const name = 'n'.repeat(51);
    const resolved = policy
      .replace(/\$\{aws_eks_cluster\.\w+\.name\}/g, name)
      .replace(/\$\{aws_eks_cluster\.\w+\.arn\}/g, `arn:aws-us-gov:eks:us-gov-west-1:123456789012:cluster/${name}`)
      .replace(/\$\{data\.aws_partition\.\w+\.partition\}/g, 'aws-us-gov')
      .replace(/\$\{data\.aws_caller_identity\.\w+\.account_id\}/g, '123456789012')
      .replace(/\$\{aws_iam_role\.\w+\.arn\}/g, `arn:aws-us-gov:iam::123456789012:role/${name}-karpenter-node`)
      .replace(/\$\{aws_sqs_queue\.\w+\.arn\}/g, `arn:aws-us-gov:sqs:us-gov-west-1:123456789012:${name}-karpenter`);
    expect(resolved).not.toContain('${');
    expect(resolved.replace(/\s/g, '').length).toBeLessThanOrEqual(10_240);
  });
});

describe('Karpenter controller region', () => {
  it('is set explicitly, not left to IMDS (closed to pods by the hop limit of 1) or the IRSA webhook', async () => {
    const { release } = await import('../addons/fixtures');
    const spec = awsSpec();
    spec.clusters[2].autoscaler = 'karpenter';
    const out = synthSpec(spec);
    try {
      const values = release(out.stacks['acme-addons-training']!, 'karpenter').values as { controller: { env: unknown[] } };
      expect(values.controller.env).toEqual([{ name: 'AWS_REGION', value: 'us-east-1' }]);
      // The nodes keep the hop limit that makes this necessary.
      expect(findResource(out.stacks['acme-cluster-training']!, 'aws_launch_template').metadata_options).toMatchObject({ http_put_response_hop_limit: 1 });
    } finally {
      out.cleanup();
    }
  });
});
