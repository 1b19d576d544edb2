/**
 * What the backing-store tests share: small apps that hold a store (an AWS platform with two EKS
 * clusters, a Google Cloud one with a GKE cluster, an existing cluster's add-ons stack), lookups,
 * and the scan for secret literals in synthesized stacks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { App } from '../../constructs/core/cdk';
import { LoomStack } from '../../constructs/core/stack';
import { AwsNetwork } from '../../constructs/network/aws-network';
import { GcpNetwork } from '../../constructs/network/gcp-network';
import { EksCluster } from '../../constructs/cluster/eks-cluster';
import { GkeCluster } from '../../constructs/cluster/gke-cluster';
import { AddonsStack } from '../../stacks/addons-stack';
import type { PlatformSettingsInput } from '../../schema/schema';
import { resources, type StackJson } from '../helpers/synth';

export type Environment = 'dev' | 'staging' | 'prod';

const dirs: string[] = [];
/** An app writing into a fresh temp directory, removed by {@link cleanupApps}. */
export function newApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'loom-stores-'));
  dirs.push(outdir);
  return new App({ outdir });
}
/** Removes every app directory made by {@link newApp} (call in `afterAll`). */
export function cleanupApps(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The one item of `items` (fails the test otherwise). */
export const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0]!;
};
/** A stack's single resource of `type` (its attributes). */
export const single = (stack: StackJson, type: string): Record<string, any> => only(Object.values(resources(stack, type))) as Record<string, any>;
/** Stacks renamed `<prefix>/<stack>`, to merge several apps' stacks. */
export const prefixed = (prefix: string, stacks: Record<string, StackJson>): Record<string, StackJson> =>
  Object.fromEntries(Object.entries(stacks).map(([n, s]) => [`${prefix}/${n}`, s]));

const CPU = { name: 'cpu', machineTypes: ['c7i.xlarge'], minNodes: 1, maxNodes: 4 };

/** An AWS platform: a cluster stack (network, EKS clusters `gpu` and `web`) and an empty services stack for the store. */
export function awsPlatform(environment: Environment) {
  const app = newApp();
  const platform: PlatformSettingsInput = { name: 'research', cloud: 'aws', region: 'us-west-2', environment };
  const clusters = new LoomStack(app, 'research-clusters', { platform, cloudProvider: true });
  const network = new AwsNetwork(clusters, 'Network', { zones: 3 });
  const gpu = new EksCluster(clusters, 'Gpu', { network, name: 'gpu', flavour: 'batch', nodePools: [CPU] });
  const web = new EksCluster(clusters, 'Web', { network, name: 'web', flavour: 'microservice', nodePools: [{ ...CPU, minNodes: 2 }] });
  const services = new LoomStack(app, 'research-services', { platform, cloudProvider: true });
  return { app, network, gpu, web, services };
}

/** A Google Cloud platform: a cluster stack (network, GKE cluster `train`) and an empty services stack for the store. */
export function gcpPlatform(environment: Environment) {
  const app = newApp();
  const platform: PlatformSettingsInput = { name: 'research', cloud: 'gcp', region: 'us-central1', gcpProject: 'research-ml', gcpProjectNumber: '123456789012', environment };
  const clusters = new LoomStack(app, 'research-clusters', { platform, cloudProvider: true });
  const network = new GcpNetwork(clusters, 'Network', {});
  const cluster = new GkeCluster(clusters, 'Train', { network, name: 'train', flavour: 'batch', nodePools: [{ name: 'cpu', machineTypes: ['c3-standard-8'], minNodes: 1, maxNodes: 4, spot: false }] });
  const services = new LoomStack(app, 'research-services', { platform, cloudProvider: true });
  return { app, network, cluster, services };
}

/** The add-ons stack of an existing batch cluster (`cloud: kubernetes`, state on premises). */
export function labAddons(environment: Environment) {
  const app = newApp();
  const addons = new AddonsStack(app, 'lab-addons-gpu', {
    platform: { name: 'lab', cloud: 'kubernetes', environment, state: { backend: 's3', bucket: 'lab-tfstate', endpoint: 'https://s3.lab.internal.example' } },
    cluster: {
      name: 'gpu',
      flavour: 'batch',
      existing: { kubeconfigContext: 'lab-gpu', capacity: [{ name: 'cpu', nodeLabels: { 'node.lab.example/group': 'cpu' }, nodes: 4, cpu: 32, memoryGiB: 128 }] },
    },
  });
  return { app, addons };
}

/** Keys whose values are secrets: passwords, passphrases, AUTH tokens and strings, secret payloads. */
const SECRET_KEY = /passw(or)?d$|passphrase|auth_?token$|auth_?string$|secret_string$|secret_data$/i;

/**
 * Every place of a synthesized stack where a key named like a secret value has a literal string
 * value (anything but a Terraform reference, or a reference that assigns a quoted string such as
 * `jsonencode({"password" = "…"})`), also inside Helm values documents.
 */
export function literalSecrets(stack: StackJson): string[] {
  const found: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string') {
      // Helm values are YAML documents inside strings: look inside them too.
      if (path.endsWith('.values') || /\.values\.\d+$/.test(path)) {
        try {
          walk(parse(v), `${path}<yaml>`);
        } catch {
          // not a YAML document: nothing inside to look at
        }
      }
      return;
    }
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}.${i}`));
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (SECRET_KEY.test(k) && typeof x === 'string' && (!/^\$\{[\s\S]+\}$/.test(x) || /=\s*"/.test(x))) found.push(`${path}.${k}`);
        walk(x, `${path}.${k}`);
      }
    }
  };
  walk(stack.resource ?? {}, 'resource');
  walk(stack.data ?? {}, 'data');
  walk(stack.output ?? {}, 'output');
  walk((stack as { locals?: unknown }).locals ?? {}, 'locals');
  return found;
}
