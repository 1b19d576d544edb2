/**
 * Every Google resource in every synthesized GCP stack names its project, its region or location,
 * and carries the platform's labels — wherever its resource type takes them. Which types take
 * which argument is read from the typed bindings (`<argument>Input` getters of the generated
 * class), not from a hand-kept list, so a new resource type is checked the day it is added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePlan, type PlatformPlan } from '../../plan';
import { specFrom, synthSpec, type Synthesized } from '../helpers/synth';
import { GCP_PROJECT, gcpPlatformSpec, googleResources, hasNestedBlock, placementArgumentsOf, type PlacementArgument } from '../helpers/gcp';

/** Label-bearing arguments of nested blocks. `node_config.labels` are Kubernetes node labels, not cloud labels. */
const NESTED_LABEL_ARGUMENTS: readonly PlacementArgument[] = ['resource_labels'];

interface Check {
  readonly type: string;
  readonly name: string;
  readonly argument: string;
}

/** What is wrong with one resource's placement and labels; [] when nothing. */
function placementProblems(plan: PlatformPlan, type: string, name: string, attrs: Record<string, unknown>, checked: Check[]): string[] {
  const problems: string[] = [];
  const where = `${type}.${name}`;
  const locations = [plan.region!, ...plan.zones];
  const checkLabels = (argument: string, value: unknown) => {
    checked.push({ type, name, argument });
    if (value === undefined) problems.push(`${where}: takes ${argument} but has none`);
    else if (!Object.entries(plan.labels).every(([k, v]) => (value as Record<string, string>)[k] === v)) {
      problems.push(`${where}: ${argument} ${JSON.stringify(value)} lack platform labels ${JSON.stringify(plan.labels)}`);
    }
  };
  for (const argument of placementArgumentsOf(type)) {
    const value = attrs[argument];
    switch (argument) {
      case 'project':
        checked.push({ type, name, argument });
        if (value !== GCP_PROJECT) problems.push(`${where}: project is ${JSON.stringify(value)}, want ${GCP_PROJECT}`);
        break;
      case 'region':
        checked.push({ type, name, argument });
        if (value !== plan.region) problems.push(`${where}: region is ${JSON.stringify(value)}, want ${plan.region}`);
        break;
      case 'location':
      case 'zone':
        checked.push({ type, name, argument });
        if (!locations.includes(value as string)) problems.push(`${where}: ${argument} is ${JSON.stringify(value)}, want one of ${locations.join(', ')}`);
        break;
      case 'labels':
      case 'resource_labels':
        checkLabels(argument, value);
        break;
    }
  }
  // Nested blocks (node_config …) that take cloud labels of their own.
  for (const [block, value] of Object.entries(attrs)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || block === '//' || block === 'lifecycle') continue;
    if (!hasNestedBlock(type, block)) continue;
    for (const argument of placementArgumentsOf(type, block).filter((a) => NESTED_LABEL_ARGUMENTS.includes(a))) {
      checkLabels(`${block}.${argument}`, (value as Record<string, unknown>)[argument]);
    }
  }
  return problems;
}

describe.each([
  ['the example platform (regional clusters)', (s: Record<string, any>) => s],
  [
    'a single-zone batch cluster, a public endpoint and dev',
    (s: Record<string, any>) => {
      s.environment = 'dev';
      s.clusters[2].singleZone = { reason: 'GPU capacity is reserved in one zone' };
      s.clusters[0].endpoint = { publicAccessCidrs: ['198.51.100.0/24'] };
      return s;
    },
  ],
])('Google resources of %s', (_, variant) => {
  let out: Synthesized;
  let plan: PlatformPlan;
  beforeAll(() => {
    const spec = specFrom(variant(gcpPlatformSpec()));
    plan = resolvePlan(spec);
    out = synthSpec(spec);
  });
  afterAll(() => out.cleanup());

  it('carry project, region or location, and the platform labels wherever their type takes them', () => {
    const checked: Check[] = [];
    const problems = Object.values(out.stacks).flatMap((stack) =>
      googleResources(stack).flatMap(([type, name, attrs]) => placementProblems(plan, type, name, attrs, checked)),
    );
    expect(problems).toEqual([]);
    // The check did reach the resources that matter.
    const reached = new Set(checked.map((c) => `${c.type}:${c.argument}`));
    for (const expected of [
      'google_compute_network:project',
      'google_compute_subnetwork:region',
      'google_compute_router_nat:region',
      'google_compute_firewall:project',
      'google_container_cluster:location',
      'google_container_cluster:resource_labels',
      'google_container_cluster:node_config.resource_labels',
      'google_container_node_pool:location',
      'google_container_node_pool:node_config.resource_labels',
      'google_kms_key_ring:location',
      'google_kms_crypto_key:labels',
      'google_service_account:project',
      'google_project_iam_member:project',
    ]) {
      expect(reached).toContain(expected);
    }
  });

  it("configure every Google provider with the project, the region and the platform's labels", () => {
    const providers = Object.values(out.stacks).flatMap((s) => s.provider?.google ?? []);
    expect(providers).toHaveLength(4); // network + three cluster stacks
    for (const p of providers) expect(p).toEqual({ project: GCP_PROJECT, region: 'us-central1', default_labels: plan.labels });
  });
});

describe('the placement check itself', () => {
  const plan = resolvePlan(specFrom(gcpPlatformSpec()));

  it('reads from the bindings which arguments a type takes', () => {
    expect(placementArgumentsOf('google_container_cluster')).toEqual(['project', 'location', 'resource_labels']);
    expect(placementArgumentsOf('google_compute_subnetwork')).toEqual(['project', 'region']);
    expect(placementArgumentsOf('google_kms_crypto_key')).toEqual(['labels']);
    expect(placementArgumentsOf('google_kms_crypto_key_iam_member')).toEqual([]);
    expect(placementArgumentsOf('google_container_node_pool', 'node_config')).toEqual(['labels', 'resource_labels']);
  });

  it('catches a missing project, a wrong region and missing labels', () => {
    const checked: Check[] = [];
    expect(placementProblems(plan, 'google_compute_subnetwork', 'x', { region: 'europe-west1' }, checked)).toEqual([
      'google_compute_subnetwork.x: project is undefined, want acme-ml-prod',
      'google_compute_subnetwork.x: region is "europe-west1", want us-central1',
    ]);
    expect(placementProblems(plan, 'google_kms_crypto_key', 'k', {}, checked)).toEqual(['google_kms_crypto_key.k: takes labels but has none']);
    expect(
      placementProblems(plan, 'google_container_node_pool', 'p', { project: GCP_PROJECT, location: 'us-central1', node_config: { resource_labels: { a: 'b' } } }, checked),
    ).toEqual([expect.stringContaining('node_config.resource_labels {"a":"b"} lack platform labels')]);
  });
});
