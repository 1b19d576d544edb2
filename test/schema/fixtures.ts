/**
 * Small, valid spec fixtures as plain objects (what a parsed platform.yaml looks like). Each call
 * returns a fresh copy, so a test mutates it freely and states only what it changes.
 */
import { expect } from 'vitest';
import { validateSpec, type SpecIssue } from '../../schema';

// Plain data, loosely typed on purpose: tests write invalid values into it.
export type Spec = Record<string, any>;

/**
 * Where the fixture's EKS APIs are reached from (a VPN): without it every AWS cluster carries the
 * "no network may reach the API" warning.
 */
const API_ACCESS = { privateAccessCidrs: ['10.100.0.0/16'] };

/** A minimal valid AWS spec: one microservice, one streaming, one batch cluster; dev; no components. */
export function awsSpec(overrides: Spec = {}): Spec {
  return {
    name: 'acme',
    cloud: 'aws',
    region: 'us-east-1',
    network: { cidr: '10.0.0.0/16', zones: 3 },
    clusters: [
      { name: 'apps', flavour: 'microservice', endpoint: { ...API_ACCESS }, nodePools: [{ name: 'general', machineTypes: ['m7i.large'], minNodes: 2, maxNodes: 10 }] },
      { name: 'events', flavour: 'streaming', endpoint: { ...API_ACCESS }, nodePools: [{ name: 'brokers', machineTypes: ['r7i.xlarge'], minNodes: 3, maxNodes: 6 }] },
      {
        name: 'training',
        flavour: 'batch',
        endpoint: { ...API_ACCESS },
        nodePools: [
          { name: 'cpu', machineTypes: ['c7i.2xlarge'], minNodes: 0, maxNodes: 20 },
          { name: 'gpu', machineTypes: ['g5.xlarge'], minNodes: 0, maxNodes: 8, gpu: { type: 'nvidia-a10g', count: 1 } },
        ],
      },
    ],
    ...overrides,
  };
}

/** A minimal valid Google Cloud spec with one microservice and one batch cluster. */
export function gcpSpec(overrides: Spec = {}): Spec {
  return {
    name: 'acme',
    cloud: 'gcp',
    region: 'europe-west1',
    gcpProject: 'acme-ml-prod',
    gcpProjectNumber: '123456789012',
    network: { cidr: '10.0.0.0/16', zones: 3 },
    clusters: [
      { name: 'apps', flavour: 'microservice', nodePools: [{ name: 'general', machineTypes: ['n2-standard-4'], minNodes: 2, maxNodes: 10 }] },
      {
        name: 'training',
        flavour: 'batch',
        nodePools: [{ name: 'gpu', machineTypes: ['g2-standard-8'], minNodes: 0, maxNodes: 4, gpu: { type: 'nvidia-l4', count: 1 } }],
      },
    ],
    ...overrides,
  };
}

/** A CA certificate in PEM form (structure only; never parsed as X.509). */
export const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUFAKEFAKEFAKE\n-----END CERTIFICATE-----\n';

/** A minimal valid spec for clusters that already exist (`cloud: kubernetes`). */
export function k8sSpec(overrides: Spec = {}): Spec {
  return {
    name: 'acme',
    cloud: 'kubernetes',
    clusters: [
      { name: 'apps', flavour: 'microservice', existing: { kubeconfigContext: 'onprem-apps' } },
      { name: 'gpu', flavour: 'batch', existing: { kubeconfigContext: 'onprem-gpu' } },
    ],
    ...overrides,
  };
}

/** The errors of a spec that must not validate (fails the test when it does). */
export function errorsOf(spec: Spec): SpecIssue[] {
  const result = validateSpec(spec);
  if (result.ok) throw new Error(`expected the spec to be invalid, but it validated:\n${JSON.stringify(spec, null, 2)}`);
  return result.errors;
}

/** The errors at exactly `path`. */
export function errorsAt(spec: Spec, path: string): string[] {
  return errorsOf(spec)
    .filter((i) => i.path === path)
    .map((i) => i.message);
}

/** Validates and returns the spec and its warnings (fails the test with every problem when invalid). */
export function valid(spec: Spec) {
  const result = validateSpec(spec);
  if (!result.ok) throw new Error(`expected the spec to be valid:\n${result.errors.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
  return result;
}

/** Lines as the CLI prints them. */
export const lines = (issues: readonly SpecIssue[]) => issues.map((i) => `${i.path}: ${i.message}`);

/** The one error of a spec that must fail for exactly one reason (fails the test listing them all otherwise). */
export function onlyError(spec: Spec): SpecIssue {
  const errors = errorsOf(spec);
  if (errors.length !== 1) throw new Error(`expected exactly one error, got ${errors.length}:\n${lines(errors).join('\n')}`);
  return errors[0]!;
}

/** `{ path, message }` matcher: the exact path and a stable fragment of the message. */
export const issue = (path: string, fragment: RegExp | string) => ({
  path,
  message: typeof fragment === 'string' ? expect.stringContaining(fragment) : expect.stringMatching(fragment),
});
