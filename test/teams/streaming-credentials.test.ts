/**
 * Built streaming (Strimzi) and teams: a Kafka user granted to a principal that names its namespace
 * (a team's `team-<name>`, on the team's clusters) gets its credentials Secret and the brokers' CA
 * Secret there, waiting for the namespace; principals that name none keep theirs in
 * `loom-workloads`. Bought streaming authorizes IAM: nothing of this.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { MlPlatform } from '../../stacks/ml-platform';
import type { IStreaming } from '../../constructs/components/streaming/contract';
import { streamingPrincipal } from '../../constructs/teams/access';
import { teamStreamingPrincipal } from '../../constructs/teams/access-identity';
import { findResources, readStacks, resources, specFrom, synthSpec, type StackJson } from '../helpers/synth';
import { gcpSpec, k8sSpec, type Spec } from '../schema/fixtures';

const quota = { cpu: 8, memoryGiB: 32 };
const EVENTS = { name: 'events', flavour: 'streaming', nodePools: [{ name: 'brokers', machineTypes: ['n2-standard-8'], minNodes: 3, maxNodes: 6 }] };

function gcpStrimzi(access?: Record<string, unknown>): Spec {
  const base = gcpSpec();
  return gcpSpec({
    clusters: [...base.clusters, EVENTS],
    components: { streaming: { mode: 'build', topics: [{ name: 'clicks', partitions: 3 }] } },
    teams: [{ name: 'ranking', clusters: ['apps', 'events'], quota, ...(access ? { access } : {}) }],
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * Synthesizes `spec` with the team's grant made through the streaming contract with the team's
 * placed principal (what constructs/teams/access.ts does), and a Kafka user of a service account
 * in loom-workloads beside it.
 */
function synthWithGrants(spec: Spec): { stacks: Record<string, StackJson>; warnings: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'loom-kafka-'));
  dirs.push(dir);
  const app = new App({ outdir: dir, skipValidation: true });
  const platform = new MlPlatform(app, 'acme', specFrom(spec) as any);
  const streaming = platform.components.streaming as IStreaming;
  for (const team of platform.plan.teams) {
    const principal = teamStreamingPrincipal(streamingPrincipal(streaming, team, undefined), team)!;
    streaming.grantProduce(principal, 'clicks');
    streaming.grantConsume(principal, 'clicks');
  }
  streaming.grantConsume({ kind: 'kubernetes-service-account', name: 'feature-writer' }, 'clicks');
  const warnings = app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
  app.synth();
  return { stacks: readStacks(dir), warnings };
}

/** The Secrets `name` of `stack` in `namespace` (`loom-workloads` is written as a reference to the stack's namespace resource). */
const secret = (stack: StackJson, name: string, namespace: string) =>
  (findResources(stack, 'kubernetes_secret_v1', { metadata: { name } }) as any[]).filter((s) =>
    namespace === 'loom-workloads' ? /Namespaces_Workloads/.test(String(s.metadata.namespace)) : s.metadata.namespace === namespace,
  );
const teamNamespace = (stack: StackJson) => Object.keys(resources(stack, 'kubernetes_namespace_v1')).find((k) => k.startsWith('Team-ranking'));

function expectTeamCredentials(stacks: Record<string, StackJson>): void {
  for (const cluster of ['apps', 'events']) {
    const stack = stacks[`acme-addons-${cluster}`]!;
    const ns = teamNamespace(stack);
    expect(ns, `team namespace on ${cluster}`).toBeDefined();
    const [user] = secret(stack, 'team-ranking', 'team-ranking');
    expect(user, `user Secret on ${cluster}`).toBeDefined();
    expect(Object.keys(user.data).sort()).toEqual(['password', 'sasl.jaas.config', 'username']);
    expect(user.data.username).toBe('team-ranking');
    expect(user.data.password).toMatch(/random_password/);
    expect(user.depends_on).toContain(`kubernetes_namespace_v1.${ns}`);
    const [ca] = secret(stack, 'loom-kafka-ca', 'team-ranking');
    expect(ca, `CA Secret on ${cluster}`).toBeDefined();
    expect(Object.keys(ca.data)).toEqual(['ca.crt']);
    expect(ca.depends_on).toContain(`kubernetes_namespace_v1.${ns}`);
  }
  // Not where the team has no pods, and no copy in loom-workloads.
  expect(secret(stacks['acme-addons-training']!, 'team-ranking', 'team-ranking')).toEqual([]);
  expect(secret(stacks['acme-addons-training']!, 'loom-kafka-ca', 'team-ranking')).toEqual([]);
  for (const cluster of ['apps', 'training', 'events']) expect(secret(stacks[`acme-addons-${cluster}`]!, 'team-ranking', 'loom-workloads')).toEqual([]);
}

describe('Strimzi credentials in a team\'s namespace (gcp)', () => {
  const { stacks, warnings } = synthWithGrants(gcpStrimzi());

  it('the team\'s Kafka user Secret and the CA Secret are in team-<name> on the team\'s clusters, waiting for the namespace', () => {
    expectTeamCredentials(stacks);
    // The KafkaUser itself stays where the User Operator watches.
    const values = JSON.stringify(Object.values(resources(stacks['acme-addons-events']!, 'helm_release')).map((r: any) => r.values));
    expect(values).toMatch(/KafkaUser[^]*team-ranking/);
    expect(warnings.filter((w) => w.includes('Kafka user'))).toEqual([]);
  });

  it('a principal that names no namespace keeps its Secret in loom-workloads of the other clusters', () => {
    for (const cluster of ['apps', 'training']) {
      const stack = stacks[`acme-addons-${cluster}`]!;
      expect(secret(stack, 'feature-writer', 'loom-workloads')).toHaveLength(1);
      expect(secret(stack, 'loom-kafka-ca', 'loom-workloads')).toHaveLength(1);
    }
    // On the streaming cluster Strimzi's User Operator writes it.
    expect(secret(stacks['acme-addons-events']!, 'feature-writer', 'loom-workloads')).toEqual([]);
  });

  it('refuses one Kafka user placed in two ways', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'loom-kafka-')), skipValidation: true });
    const platform = new MlPlatform(app, 'acme', specFrom(gcpStrimzi()) as any);
    const streaming = platform.components.streaming as IStreaming;
    streaming.grantProduce({ kind: 'kubernetes-service-account', name: 'x', namespace: 'team-ranking', clusters: ['apps'] }, 'clicks');
    expect(() => streaming.grantConsume({ kind: 'kubernetes-service-account', name: 'x' }, 'clicks')).toThrow(/different namespaces or clusters/);
    expect(() => streaming.grantConsume({ kind: 'kubernetes-service-account', name: 'y', namespace: 'team-ranking', clusters: ['nowhere'] }, 'clicks')).toThrow(/cluster 'nowhere'/);
  });
});

// End to end: a team's streaming access places its credentials in its namespace.
describe('Strimzi credentials through teams[].access.streaming', () => {
  it('lands the team\'s Secrets in its namespace', () => {
    const { stacks } = synthSpec(gcpStrimzi({ streaming: { produce: ['clicks'], consume: ['clicks'] } }));
    expectTeamCredentials(stacks);
  });
});

describe('Strimzi on existing clusters', () => {
  it('warns that the team\'s credentials stay in loom-workloads of the streaming cluster', () => {
    const base = k8sSpec();
    const spec = k8sSpec({
      clusters: [...base.clusters, { name: 'events', flavour: 'streaming', existing: { kubeconfigContext: 'onprem-events' } }],
      components: { streaming: { mode: 'build', topics: [{ name: 'clicks', partitions: 3 }] } },
      teams: [{ name: 'ranking', clusters: ['apps'], quota }],
    });
    const { stacks, warnings } = synthWithGrants(spec);
    expect(warnings.some((w) => w.includes("Kafka user 'team-ranking'") && w.includes('team-ranking'))).toBe(true);
    for (const stack of Object.values(stacks)) expect(secret(stack, 'team-ranking', 'team-ranking')).toEqual([]);
  });
});
