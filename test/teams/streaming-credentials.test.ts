/**
 * Built streaming (Strimzi) and teams: a Kafka user granted to a principal that names its namespace
 * (a team's `team-<name>`, on the team's clusters) gets its credentials Secret and the brokers' CA
 * Secret there, waiting for the namespace; principals that name none keep theirs in
 * `loom-workloads`. The same on existing clusters, whose services stack (no cloud provider) makes
 * the CA and the passwords. Bought streaming authorizes IAM: nothing of this.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { customResource, remoteRef } from '../addons/fixtures';

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

/** The team's Secrets on `apps` and `events`, none on `other` (where it has no pods) nor in loom-workloads. */
function expectTeamCredentials(stacks: Record<string, StackJson>, other = 'training'): void {
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
  expect(secret(stacks[`acme-addons-${other}`]!, 'team-ranking', 'team-ranking')).toEqual([]);
  expect(secret(stacks[`acme-addons-${other}`]!, 'loom-kafka-ca', 'team-ranking')).toEqual([]);
  for (const cluster of ['apps', other, 'events']) expect(secret(stacks[`acme-addons-${cluster}`]!, 'team-ranking', 'loom-workloads')).toEqual([]);
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

/** A reference to an output of the services stack (`${data.terraform_remote_state.….outputs.…}`), never a literal. */
const fromServices = (value: unknown) => expect(remoteRef(value)?.stack, String(value)).toBe('acme-services');

describe('Strimzi on existing clusters', () => {
  const base = k8sSpec();
  // The team on the streaming cluster and on apps; gpu has none of it.
  const spec = k8sSpec({
    clusters: [...base.clusters, { name: 'events', flavour: 'streaming', existing: { kubeconfigContext: 'onprem-events' } }],
    components: { streaming: { mode: 'build', topics: [{ name: 'clicks', partitions: 3 }] } },
    teams: [{ name: 'ranking', clusters: ['apps', 'events'], quota }],
  });
  const { stacks, warnings } = synthWithGrants(spec);

  it('makes the CA and the passwords in a services stack without a cloud provider', () => {
    const services = stacks['acme-services']!;
    expect(services).toBeDefined();
    expect(Object.keys(services.provider ?? {}).sort()).toEqual(['random', 'tls']);
    expect(Object.keys(services.terraform?.required_providers ?? {}).sort()).toEqual(['random', 'tls']);
    expect(Object.keys(services.resource ?? {}).sort()).toEqual(['random_password', 'tls_private_key', 'tls_self_signed_cert']);
    expect(findResources(services, 'random_password')).toHaveLength(2);
  });

  it("gives Strimzi Loom's CA and each KafkaUser its password from a Secret", () => {
    const events = stacks['acme-addons-events']!;
    expect(customResource(events, 'Kafka', 'loom').spec.clusterCa).toEqual({ generateCertificateAuthority: false });
    expect(customResource(events, 'KafkaUser', 'team-ranking').spec.authentication).toEqual({
      type: 'scram-sha-512',
      password: { valueFrom: { secretKeyRef: { name: 'team-ranking-scram', key: 'password' } } },
    });
    for (const name of ['loom-cluster-ca-cert', 'loom-cluster-ca']) expect(findResources(events, 'kubernetes_secret_v1', { metadata: { name } }), name).toHaveLength(1);
    const [input] = findResources(events, 'kubernetes_secret_v1', { metadata: { name: 'team-ranking-scram' } }) as any[];
    fromServices(input.data.password);
  });

  it("lands the team's Secrets in team-<name> on each of its clusters, from the services stack, waiting for the namespace", () => {
    expectTeamCredentials(stacks, 'gpu');
    for (const cluster of ['apps', 'events']) {
      const stack = stacks[`acme-addons-${cluster}`]!;
      const [user] = secret(stack, 'team-ranking', 'team-ranking');
      fromServices(user.data.password);
      expect(String(user.data['sasl.jaas.config'])).toMatch(/username="team-ranking" password="\$\{data\.terraform_remote_state\.[\w-]*acme-services\./);
      fromServices(secret(stack, 'loom-kafka-ca', 'team-ranking')[0].data['ca.crt']);
    }
    // Every other cluster's clients get the CA and the users placed nowhere in particular.
    for (const cluster of ['apps', 'gpu']) {
      const stack = stacks[`acme-addons-${cluster}`]!;
      expect(secret(stack, 'loom-kafka-ca', 'loom-workloads')).toHaveLength(1);
      expect(secret(stack, 'feature-writer', 'loom-workloads')).toHaveLength(1);
    }
    expect(warnings.filter((w) => w.includes('Kafka user'))).toEqual([]);
  });

  it("lands them through teams[].access.streaming too, and the add-ons stacks wait for the services stack", () => {
    const access = { streaming: { produce: ['clicks'], consume: ['clicks'] } };
    const out = synthSpec({ ...spec, teams: [{ ...spec.teams[0], access }] });
    expectTeamCredentials(out.stacks, 'gpu');
    const manifest = JSON.parse(readFileSync(join(out.dir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { dependencies: string[] }> };
    expect(manifest.stacks['acme-services']!.dependencies).toEqual([]);
    for (const cluster of ['apps', 'events', 'gpu']) expect(manifest.stacks[`acme-addons-${cluster}`]!.dependencies, cluster).toContain('acme-services');
  });
});
