/**
 * AddonsStack on every cloud: only the Kubernetes and Helm providers, the platform namespaces
 * with their Pod Security levels, the flavour's priority classes; on AWS, wired to the cluster
 * stack by cross-stack references.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { FLAVOUR_PROFILES, resolvePlan } from '../../plan';
import { AddonsStack } from '../../stacks/addons-stack';
import { MlPlatform } from '../../stacks/ml-platform';
import { findResource, findResources, specFrom, specFromFile, synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { awsSpec } from '../aws/fixtures';
import { onpremSpec, providerConfig, resourceTypes } from './fixtures';

const examples = join(__dirname, '..', '..', 'examples');
const CLOUD_PROVIDERS = /^(aws|google|google-beta)$/;

/** `${data.terraform_remote_state.<name>.outputs.<output>}` → { name, output }. */
function remoteStateRef(value: unknown): { name: string; output: string } | undefined {
  const m = /^\$\{(?:base64decode\()?data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)\)?\}$/.exec(String(value));
  return m ? { name: m[1]!, output: m[2]! } : undefined;
}

describe('the on-premises example (cloud: kubernetes)', () => {
  let out: Synthesized;
  const spec = specFromFile(join(examples, 'onprem-sovereign.yaml'));
  beforeAll(() => {
    out = synthSpec(spec);
  });
  afterAll(() => out.cleanup());
  const addonsStacks = () => Object.entries(out.stacks).filter(([name]) => name.includes('-addons-'));

  it('has exactly one add-ons stack per cluster and a services stack (built streaming\'s CA and passwords), no other', () => {
    expect(Object.keys(out.stacks).sort()).toEqual([...spec.clusters.map((c) => `sovereign-addons-${c.name}`), 'sovereign-services'].sort());
  });

  it('keeps in the services stack only what Terraform generates, without a cloud provider', () => {
    const services = out.stacks['sovereign-services']!;
    expect(Object.keys(services.provider ?? {}).sort()).toEqual(['random', 'tls']);
    expect(resourceTypes(services)).toEqual(['random_password', 'tls_private_key', 'tls_self_signed_cert']);
    // Every cluster reads it (the Kafka CA, its users' credentials).
    for (const [name, stack] of addonsStacks()) expect(Object.keys((stack.data as any)?.terraform_remote_state ?? {}), name).toContain('cross-stack-reference-input-sovereign-services');
  });

  it('synthesizes no cloud provider and no cloud resource anywhere', () => {
    for (const [name, stack] of addonsStacks()) {
      // Harbor's cluster also makes the registry's CA and certificate with Terraform's tls provider;
      // the other clusters read that CA (and the pull robot's secret) from its state.
      // …and the secrets of the teams' push robots (random_password), which the teams' clusters read too.
      const harbor = name === 'sovereign-addons-apps';
      const providers = harbor ? ['helm', 'kubernetes', 'random', 'tls'] : ['helm', 'kubernetes'];
      expect(Object.keys(stack.provider ?? {}).sort(), name).toEqual(providers);
      expect(Object.keys(stack.terraform?.required_providers ?? {}).sort(), name).toEqual(providers);
      expect(Object.keys(stack.provider ?? {}).filter((p) => CLOUD_PROVIDERS.test(p)), name).toEqual([]);
      expect(resourceTypes(stack).filter((t) => !t.startsWith('kubernetes_') && !t.startsWith('helm_') && !(harbor && (t.startsWith('tls_') || t === 'random_password'))), name).toEqual([]);
      // Kubernetes data sources only (MLflow's load balancer address, read back from its Service).
      expect(Object.keys(stack.data ?? {}).filter((t) => t !== 'terraform_remote_state' && !t.startsWith('kubernetes_')), name).toEqual([]);
      for (const state of Object.keys((stack.data as any)?.terraform_remote_state ?? {})) expect(['cross-stack-reference-input-sovereign-addons-apps', 'cross-stack-reference-input-sovereign-services'], name).toContain(state);
    }
  });

  it('reaches each cluster the way the spec says', () => {
    expect(providerConfig(out.stacks['sovereign-addons-apps']!, 'kubernetes')).toEqual({ config_path: '~/.kube/config', config_context: 'dc1-apps' });
    expect(providerConfig(out.stacks['sovereign-addons-events']!, 'kubernetes')).toEqual({ config_path: '~/.kube/dc1.yaml', config_context: 'dc1-events' });
    const training = providerConfig(out.stacks['sovereign-addons-training']!, 'kubernetes');
    expect(training.host).toBe('https://training.k8s.internal.example:6443');
    expect(training.cluster_ca_certificate).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(training.exec[0]).toMatchObject({ command: 'kubectl', args: expect.arrayContaining(['oidc-login', 'get-token']) });
    expect(providerConfig(out.stacks['sovereign-addons-training']!, 'helm').kubernetes.exec).toMatchObject({ command: 'kubectl' });
  });

  it('keeps state in the S3-compatible store on the premises', () => {
    for (const stack of Object.values(out.stacks)) {
      expect(stack.terraform?.backend?.s3).toMatchObject({
        bucket: 'loom-tfstate',
        endpoints: { s3: 'https://s3.storage.internal.example' },
        use_path_style: true,
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        use_lockfile: true,
      });
    }
  });

  it('labels the platform namespaces with their Pod Security levels (prod: workloads restricted)', () => {
    for (const [, stack] of addonsStacks()) {
      const labels = (name: string) => (findResource(stack, 'kubernetes_namespace_v1', { metadata: { name } }).metadata as any).labels;
      expect(labels('loom-system')).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
        'loom.dev/namespace-role': 'system',
      });
      expect(labels('loom-node-agents')).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'privileged',
        'pod-security.kubernetes.io/audit': 'baseline',
        'pod-security.kubernetes.io/warn': 'privileged',
      });
      expect(labels('loom-workloads')).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
        'loom-platform': 'sovereign',
        'app.kubernetes.io/managed-by': 'loom',
      });
      // The platform's three, besides the namespaces of the teams on this cluster (test/teams).
      expect(findResources(stack, 'kubernetes_namespace_v1').filter((n) => !String((n.metadata as any).name).startsWith('team-'))).toHaveLength(3);
    }
  });

  it("creates the flavour's priority classes, none a global default", () => {
    const classes = (cluster: string) =>
      Object.fromEntries(findResources(out.stacks[`sovereign-addons-${cluster}`]!, 'kubernetes_priority_class_v1').map((r) => [(r.metadata as any).name, r]));
    expect(Object.keys(classes('training')).sort()).toEqual(['loom-batch-high', 'loom-batch-low', 'loom-critical']);
    expect(Object.keys(classes('events')).sort()).toEqual(['loom-broker', 'loom-critical']);
    expect(Object.keys(classes('apps')).sort()).toEqual(['loom-critical', 'loom-service']);
    for (const [cluster, flavour] of [['apps', 'microservice'], ['events', 'streaming'], ['training', 'batch']] as const) {
      for (const [name, value] of Object.entries(FLAVOUR_PROFILES[flavour].priorityClasses)) {
        expect(classes(cluster)[name], `${cluster}/${name}`).toMatchObject({ value, global_default: false, description: expect.any(String) });
      }
    }
    // Low-priority batch waits for capacity instead of evicting; everything else may preempt.
    expect(classes('training')['loom-batch-low']).toMatchObject({ preemption_policy: 'Never' });
    expect(classes('training')['loom-batch-high']).toMatchObject({ preemption_policy: 'PreemptLowerPriority' });
    expect(classes('events')['loom-broker']).toMatchObject({ value: 500000, preemption_policy: 'PreemptLowerPriority' });
  });

  it('registers the stacks and existing clusters on MlPlatform', () => {
    const platform = new MlPlatform(new App({ outdir: out.dir + '-unused' }), 'platform', spec);
    expect(Object.keys(platform.addonsStacks).sort()).toEqual(['apps', 'events', 'training']);
    expect(platform.networkStack).toBeUndefined();
    expect(platform.clusterStacks).toEqual({});
    expect(platform.clusters.training).toMatchObject({ cloud: 'kubernetes', flavour: 'batch' });
    expect(platform.addonsStacks.training!.cluster).toBe(platform.clusters.training);
    expect(platform.addonsStacks.training!.namespaces.workloads.podSecurity.enforce).toBe('restricted');
    expect(platform.addonsStacks.training!.priorityClasses.names.sort()).toEqual(['loom-batch-high', 'loom-batch-low', 'loom-critical']);
    expect(() => platform.addonsStacks.apps!.priorityClasses.nameOf('loom-broker')).toThrow(/no priority class 'loom-broker' on this cluster; its flavour has loom-critical, loom-service/);
  });
});

describe('AddonsStack in dev', () => {
  it('enforces baseline on workloads and warns at restricted', () => {
    const out = synthSpec(onpremSpec());
    try {
      const ns = findResource(out.stacks['lab-addons-gpu']!, 'kubernetes_namespace_v1', { metadata: { name: 'loom-workloads' } });
      expect((ns.metadata as any).labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      });
    } finally {
      out.cleanup();
    }
  });
});

describe('AddonsStack on AWS (examples/aws-platform.yaml)', () => {
  let out: Synthesized;
  const spec = specFromFile(join(examples, 'aws-platform.yaml'));
  beforeAll(() => {
    out = synthSpec(spec);
  });
  afterAll(() => out.cleanup());
  const addons = (c: string): StackJson => out.stacks[`acme-addons-${c}`]!;
  const manifest = () => JSON.parse(readFileSync(join(out.dir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { dependencies: string[] }> };

  it('gives every cluster an add-ons stack that depends on its cluster stack', () => {
    const names = spec.clusters.map((c) => c.name);
    expect(Object.keys(out.stacks).filter((s) => s.startsWith('acme-addons-')).sort()).toEqual(names.map((n) => `acme-addons-${n}`).sort());
    for (const n of names) expect(manifest().stacks[`acme-addons-${n}`]!.dependencies).toContain(`acme-cluster-${n}`);
  });

  it.each(['apps', 'events', 'training'])('authenticates to %s with `aws eks get-token` and no AWS provider or resource', (cluster) => {
    const stack = addons(cluster);
    const exec = { api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', `acme-${cluster}`, '--region', 'us-east-1'] };
    expect(providerConfig(stack, 'kubernetes').exec).toEqual([exec]);
    expect(providerConfig(stack, 'helm').kubernetes.exec).toEqual(exec);
    expect(Object.keys(stack.provider ?? {}).sort()).toEqual(['helm', 'kubernetes']);
    expect(Object.keys(stack.terraform?.required_providers ?? {}).sort()).toEqual(['helm', 'kubernetes']);
    expect(resourceTypes(stack).filter((t) => t.startsWith('aws_'))).toEqual([]);
  });

  it.each(['apps', 'events', 'training'])("reads %s's endpoint and CA from the cluster stack's state", (cluster) => {
    const stack = addons(cluster);
    const clusterStack = out.stacks[`acme-cluster-${cluster}`]!;
    const k8s = providerConfig(stack, 'kubernetes');
    const helm = providerConfig(stack, 'helm').kubernetes;
    // The CA comes base64 from EKS and is decoded by Terraform.
    expect(k8s.cluster_ca_certificate).toMatch(/^\$\{base64decode\(data\.terraform_remote_state\./);
    for (const [attr, eksAttr] of [['host', 'endpoint'], ['cluster_ca_certificate', 'certificate_authority[0].data']] as const) {
      const ref = remoteStateRef(k8s[attr]);
      expect(ref, `${attr}: ${k8s[attr]}`).toBeDefined();
      expect(helm[attr]).toBe(k8s[attr]);
      // The remote state is the cluster stack's, in the platform's backend …
      expect((stack.data?.terraform_remote_state?.[ref!.name] as any).config).toMatchObject({
        bucket: 'acme-loom-tfstate',
        key: `loom/acme-cluster-${cluster}.tfstate`,
      });
      // … and the output it reads is the EKS cluster's attribute.
      expect(String(clusterStack.output?.[ref!.output]?.value)).toMatch(new RegExp(`^\\$\\{aws_eks_cluster\\.\\w+\\.${eksAttr.replace(/[[\]]/g, '\\$&')}\\}$`));
    }
  });

  it('creates the same namespaces and priority classes as on existing clusters', () => {
    const platformNamespaces = (stack: Parameters<typeof findResources>[0]) => findResources(stack, 'kubernetes_namespace_v1').map((r) => (r.metadata as any).name as string).filter((n) => !n.startsWith('team-')).sort();
    expect(platformNamespaces(addons('apps'))).toEqual(['loom-node-agents', 'loom-system', 'loom-workloads']);
    expect(findResource(addons('events'), 'kubernetes_priority_class_v1', { metadata: { name: 'loom-broker' } })).toMatchObject({ value: 500000 });
  });

  it('refuses an add-ons stack on a cloud cluster without the cluster', () => {
    const spec = specFrom(awsSpec());
    expect(() => new AddonsStack(new App({ outdir: out.dir + '-unused' }), 'acme-addons-apps', { platform: { name: spec.name, cloud: 'aws', region: spec.region }, cluster: spec.clusters[0]! })).toThrow(
      /\[acme-addons-apps\] the add-ons of cluster 'apps' on aws need the cluster its cluster stack created \(an EksCluster or GkeCluster\), not its spec/,
    );
  });
});

describe('AddonsStack on Google Cloud (examples/gcp-platform.yaml)', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(specFromFile(join(examples, 'gcp-platform.yaml')));
  });
  afterAll(() => out.cleanup());

  it.each(['apps', 'events', 'training'])(
    "reaches %s through GKE's DNS endpoint with gke-gcloud-auth-plugin, trusting the system CAs (no cluster CA)",
    (cluster) => {
      const stack = out.stacks[`acme-addons-${cluster}`]!;
      const clusterStack = out.stacks[`acme-cluster-${cluster}`]!;
      const k8s = providerConfig(stack, 'kubernetes');
      const helm = providerConfig(stack, 'helm').kubernetes;
      const exec = { api_version: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin', args: [] };
      expect(k8s.exec).toEqual([exec]);
      expect(helm.exec).toEqual(exec);
      // The DNS endpoint presents a publicly trusted certificate: the cluster CA would reject it.
      expect(k8s.cluster_ca_certificate).toBeUndefined();
      expect(helm.cluster_ca_certificate).toBeUndefined();
      expect(helm.host).toBe(k8s.host);
      const ref = /^https:\/\/\$\{data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)\}$/.exec(String(k8s.host));
      expect(ref, String(k8s.host)).not.toBeNull();
      expect(String(clusterStack.output?.[ref![2]!]?.value)).toMatch(
        /^\$\{google_container_cluster\.\w+\.control_plane_endpoints_config\[0\]\.dns_endpoint_config\[0\]\.endpoint\}$/,
      );
      // No Google provider: the token comes from the plugin, not from a google_client_config.
      expect(Object.keys(stack.provider ?? {}).filter((p) => CLOUD_PROVIDERS.test(p))).toEqual([]);
    },
  );
});
