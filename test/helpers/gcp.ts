/**
 * Google Cloud test helpers: a full GKE platform spec, and what the typed provider bindings say
 * about a resource type (which of project, region, location, labels it takes).
 */
import type { StackJson } from './synth';

export const GCP_PROJECT = 'acme-ml-prod';
export const GCP_PROJECT_NUMBER = '123456789012';

/** The three-flavour platform on Google Cloud (prod, us-central1); each call returns a fresh copy. */
export function gcpPlatformSpec(): Record<string, any> {
  return {
    name: 'acme',
    cloud: 'gcp',
    region: 'us-central1',
    gcpProject: GCP_PROJECT,
    gcpProjectNumber: GCP_PROJECT_NUMBER,
    environment: 'prod',
    labels: { 'cost-center': 'ml' },
    state: { backend: 'gcs', bucket: 'acme-tfstate' },
    network: { cidr: '10.0.0.0/16', zones: 3 },
    clusters: [
      { name: 'apps', flavour: 'microservice', nodePools: [{ name: 'general', machineTypes: ['n2-standard-4'], minNodes: 2, maxNodes: 10 }] },
      { name: 'events', flavour: 'streaming', nodePools: [{ name: 'brokers', machineTypes: ['n2-highmem-4'], minNodes: 3, maxNodes: 6, diskGb: 500 }] },
      {
        name: 'training',
        flavour: 'batch',
        nodePools: [
          { name: 'cpu', machineTypes: ['c3-standard-8'], minNodes: 0, maxNodes: 20 },
          { name: 'gpu', machineTypes: ['g2-standard-8'], minNodes: 0, maxNodes: 8, spot: true, gpu: { type: 'nvidia-l4', count: 1 } },
        ],
      },
    ],
  };
}

/** The location-ish and label arguments Loom must set wherever a Google resource takes them. */
export const PLACEMENT_ARGUMENTS = ['project', 'region', 'location', 'zone', 'labels', 'resource_labels'] as const;
export type PlacementArgument = (typeof PLACEMENT_ARGUMENTS)[number];

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const pascal = (snake: string) => camel(snake).replace(/^[a-z]/, (c) => c.toUpperCase());

type Binding = { readonly className: string; readonly module: Record<string, any>; readonly cls: { prototype: object } };

/**
 * The generated binding class of a Terraform resource type, loaded by deep path
 * (`google_compute_subnetwork` → `@cdktf/provider-google/lib/compute-subnetwork`).
 */
export function bindingOf(tfType: string): Binding {
  const modulePath = `@cdktf/provider-google/lib/${tfType.replace(/^google_/, '').replace(/_/g, '-')}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(modulePath) as Record<string, any>;
  const entry = Object.entries(mod).find(([, v]) => typeof v === 'function' && v.tfResourceType === tfType);
  if (!entry) throw new Error(`${modulePath} exports no class for ${tfType}`);
  return { className: entry[0], module: mod, cls: entry[1] };
}

/**
 * Which of {@link PLACEMENT_ARGUMENTS} a resource type (or one of its nested blocks) takes,
 * read from the binding: every configurable argument has an `<name>Input` getter.
 */
export function placementArgumentsOf(tfType: string, nestedBlock?: string): PlacementArgument[] {
  const binding = bindingOf(tfType);
  let proto: object = binding.cls.prototype;
  if (nestedBlock) {
    const ref = binding.module[`${binding.className}${pascal(nestedBlock)}OutputReference`];
    if (!ref) throw new Error(`${tfType} has no nested block ${nestedBlock}`);
    proto = ref.prototype;
  }
  const inputs = new Set(Object.getOwnPropertyNames(proto));
  return PLACEMENT_ARGUMENTS.filter((a) => inputs.has(`${camel(a)}Input`));
}

/** Whether a binding has a nested block of that name (a `<Class><Block>OutputReference`). */
export function hasNestedBlock(tfType: string, block: string): boolean {
  const binding = bindingOf(tfType);
  return typeof binding.module[`${binding.className}${pascal(block)}OutputReference`] === 'function';
}

/** Every resource of a stack as [type, name, attributes], Google resources only. */
export function googleResources(stack: StackJson): [string, string, Record<string, unknown>][] {
  return Object.entries(stack.resource ?? {})
    .filter(([type]) => type.startsWith('google_'))
    .flatMap(([type, byName]) => Object.entries(byName).map(([name, attrs]) => [type, name, attrs] as [string, string, Record<string, unknown>]));
}

/**
 * Follows a cross-stack reference (`${data.terraform_remote_state.<x>.outputs.<output>}`) to the
 * resource it names in the producing stack: returns that resource's attributes.
 */
export function resolveCrossStack(expr: string, producer: StackJson): Record<string, unknown> {
  const output = /outputs\.([\w-]+)\}$/.exec(expr)?.[1];
  if (!output) throw new Error(`not a cross-stack reference: ${expr}`);
  const value = String(producer.output?.[output]?.value ?? '');
  const ref = /^\$\{(\w+)\.([\w-]+)\.[\w.[\]]+\}$/.exec(value);
  if (!ref) throw new Error(`output ${output} is not a resource attribute: ${value}`);
  const resource = producer.resource?.[ref[1]!]?.[ref[2]!];
  if (!resource) throw new Error(`no resource ${ref[1]}.${ref[2]} in the producing stack`);
  return resource;
}
