/**
 * Google APIs on a fresh project: every cloud-side stack enables the APIs its own resources call
 * (google_project_service, kept on when the stack is destroyed), and every other Google resource
 * of the stack waits for them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthSpec, type StackJson, type Synthesized } from '../helpers/synth';
import { GCP_PROJECT, gcpPlatformSpec, googleResources } from '../helpers/gcp';
import { API_OF_RESOURCE_TYPE } from '../../constructs/gcp/project-services';

/** The `google_project_service` resources of a stack, by Terraform name. */
function services(stack: StackJson): Record<string, Record<string, any>> {
  return (stack.resource?.google_project_service ?? {}) as Record<string, Record<string, any>>;
}
/** The APIs a stack enables: its one google_project_service iterates over them. */
function apisOf(stack: StackJson): string[] {
  const all = Object.values(services(stack));
  expect(all).toHaveLength(1);
  const forEach = String(all[0]!.for_each);
  const local = /^\$\{toset\(local\.([\w-]+)\)\}$/.exec(forEach)?.[1];
  if (!local) throw new Error(`unexpected for_each: ${forEach}`);
  return (stack as any).locals[local] as string[];
}

function apiOfType(type: string): string {
  const entry = API_OF_RESOURCE_TYPE.find(([prefix]) => type.startsWith(prefix));
  if (!entry) throw new Error(`${type}: no API known for this resource type; add it to API_OF_RESOURCE_TYPE and enable it in its stack`);
  return entry[1];
}

/** Checks one stack: its resources' APIs are enabled there, kept on destroy, and waited for. */
function expectApisCover(name: string, stack: StackJson): void {
  const enabled = services(stack);
  const apis = apisOf(stack);
  for (const s of Object.values(enabled)) expect(s, name).toMatchObject({ project: GCP_PROJECT, service: '${each.value}', disable_on_destroy: false });
  const refs = Object.keys(enabled).map((n) => `google_project_service.${n}`);
  for (const [type, resourceName, body] of googleResources(stack)) {
    if (type === 'google_project_service') continue;
    expect(apis, `${name}: ${type}.${resourceName} calls ${apiOfType(type)}`).toContain(apiOfType(type));
    expect(body.depends_on, `${name}: ${type}.${resourceName} waits for the stack's APIs`).toEqual(expect.arrayContaining(refs));
  }
}

describe('Google APIs enabled by the stack that needs them', () => {
  let buy: Synthesized;
  let build: Synthesized;
  beforeAll(() => {
    buy = synthSpec({ ...gcpPlatformSpec(), components: { registry: { mode: 'buy' }, monitoring: { mode: 'buy' } } });
    build = synthSpec({ ...gcpPlatformSpec(), components: { registry: { mode: 'build' }, monitoring: { mode: 'build' } } });
  });
  afterAll(() => {
    buy.cleanup();
    build.cleanup();
  });

  it('network stack: Compute Engine', () => {
    expect(apisOf(buy.stacks['acme-network']!)).toEqual(['compute.googleapis.com']);
  });

  it('cluster stacks: GKE, Cloud KMS, IAM, Resource Manager, Logging and Monitoring', () => {
    for (const c of ['apps', 'events', 'training']) {
      expect(apisOf(buy.stacks[`acme-cluster-${c}`]!)).toEqual([
        'cloudkms.googleapis.com',
        'cloudresourcemanager.googleapis.com',
        'container.googleapis.com',
        'iam.googleapis.com',
        'logging.googleapis.com',
        'monitoring.googleapis.com',
      ]);
    }
  });

  it('registry build: Secret Manager in the network stack (the CA secret) and in every cluster stack (the nodes\' grant)', () => {
    expect(apisOf(build.stacks['acme-network']!)).toEqual(['compute.googleapis.com', 'secretmanager.googleapis.com']);
    for (const c of ['apps', 'events', 'training']) expect(apisOf(build.stacks[`acme-cluster-${c}`]!), c).toContain('secretmanager.googleapis.com');
    for (const c of ['apps', 'events', 'training']) expect(apisOf(buy.stacks[`acme-cluster-${c}`]!), c).not.toContain('secretmanager.googleapis.com');
  });

  it('services stack: Artifact Registry for a bought registry, Cloud Storage and IAM for a built one', () => {
    expect(apisOf(buy.stacks['acme-services']!)).toContain('artifactregistry.googleapis.com');
    expect(apisOf(build.stacks['acme-services']!)).toEqual(expect.arrayContaining(['iam.googleapis.com', 'storage.googleapis.com']));
    expect(apisOf(build.stacks['acme-services']!)).not.toContain('artifactregistry.googleapis.com');
  });

  it('covers every Google resource of every stack, keeps APIs on when a stack is destroyed, and orders each resource after them', () => {
    for (const out of [buy, build]) {
      for (const [name, stack] of Object.entries(out.stacks)) {
        if (googleResources(stack).length) expectApisCover(name, stack);
      }
    }
  });

  it('leaves the add-ons stacks alone (no Google provider there)', () => {
    for (const [name, stack] of Object.entries(buy.stacks)) {
      if (name.startsWith('acme-addons-')) expect(services(stack)).toEqual({});
    }
  });
});
