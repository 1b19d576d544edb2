/**
 * Extending a platform without editing Loom: an eighth component plugged in through the component
 * contract and a row of the component table's shape, a custom add-on through a row of the add-on
 * table's shape — each built like Loom's own (validated props, the component's scope, the add-ons'
 * context and ordering, monitoring scraping what it exposes).
 */
import { z } from 'zod';
import { Construct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import {
  componentClusterAddons,
  componentRelease,
  componentSchema,
  componentScope,
  controllerValues,
  MlPlatform,
  plannedAddons,
  resolveComponentProps,
  type AddonDefinition,
  type ComponentDefinition,
  type IAddon,
  type IPlatformComponent,
  type AddonRelease,
  type ScrapeTarget,
} from '../../index';
import { awsSpec } from '../aws/fixtures';
import { readStacks, type StackJson } from '../helpers/synth';
import { releases, valuesOf } from './fixtures';

/** The custom component's contract: where its consumers reach it. */
interface IVectorStore extends IPlatformComponent {
  readonly endpoint: string;
}

/** Its settings: the shared mode and cluster, plus its own option (with its default, once). */
const vectorStoreSchema = componentSchema.extend({ replicas: z.number().int().min(1, { error: 'must be >= 1' }).default(1) });

const QDRANT_CHART = { name: 'qdrant', repository: 'https://qdrant.github.io/qdrant-helm', version: '1.15.0' } as const;

class Qdrant extends Construct implements IVectorStore {
  readonly componentName = 'vectorStore';
  readonly mode = 'build' as const;
  readonly implementation = 'build' as const;
  readonly product = 'qdrant';
  readonly endpoint: string;
  constructor(scope: Construct, id: string, props: { namespace: string; replicas: number }) {
    super(scope, id);
    componentRelease(this, 'Release', { name: 'qdrant', chart: QDRANT_CHART as never, namespace: props.namespace, values: { replicaCount: props.replicas } });
    this.endpoint = `http://qdrant.${props.namespace}.svc:6333`;
  }
}

const VECTOR_STORE: ComponentDefinition<z.input<typeof vectorStoreSchema>, IVectorStore> = {
  name: 'vectorStore',
  flavours: ['microservice'],
  hasCloudSideResources: () => false,
  create(props) {
    const resolved = resolveComponentProps('vectorStore', vectorStoreSchema, props, this.flavours);
    const addons = componentClusterAddons(resolved);
    return new Qdrant(componentScope(addons, 'vectorStore'), 'Resource', { namespace: addons.namespaces.system.name, replicas: resolved.spec.replicas });
  },
};

const NPD_TARGET: ScrapeTarget = { name: 'node-problem-detector', namespace: 'loom-node-agents', podSelector: { 'app.kubernetes.io/name': 'node-problem-detector' }, port: 'exporter' };

/** A custom add-on: node-problem-detector on every cluster Loom creates. */
const NODE_PROBLEM_DETECTOR: AddonDefinition = {
  name: 'node-problem-detector',
  appliesTo: (cluster) => cluster.cloud !== 'kubernetes',
  install(scope, ctx): IAddon {
    const addon = new Construct(scope, 'NodeProblemDetector');
    const release = componentRelease(addon, 'Release', {
      name: 'node-problem-detector',
      chart: { name: 'node-problem-detector', repository: 'https://charts.deliveryhero.io', version: '2.3.14' } as never,
      namespace: ctx.namespaces.nodeAgents.name,
      values: { ...controllerValues(ctx) },
    });
    return Object.assign(addon, { releases: [{ resource: release } as unknown as AddonRelease], scrapeTargets: [NPD_TARGET] });
  },
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function synth(build: (platform: MlPlatform) => void, components: Record<string, unknown> = { monitoring: { mode: 'build' } }): Record<string, StackJson> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-extension-'));
  dirs.push(dir);
  const app = new App({ outdir: dir });
  const { name, ...props } = { ...awsSpec(), components };
  build(new MlPlatform(app, name as string, props as never));
  app.synth();
  return readStacks(dir);
}

describe('an eighth component through the component contract and table', () => {
  let store: IVectorStore | undefined;
  const stacks = synth((platform) => {
    store = platform.addComponent(VECTOR_STORE, { mode: 'build', replicas: 2 });
  });

  it('is built on the first cluster of its flavour, under its own scope, with its validated props', () => {
    const apps = Object.entries(stacks).find(([n]) => n.endsWith('-addons-apps'))![1];
    const qdrant = releases(apps).qdrant!;
    expect(qdrant['//'].metadata.path).toMatch(/\/VectorStore\/Resource\/Release$/);
    expect(valuesOf(qdrant)).toMatchObject({ replicaCount: 2 });
    expect(store!.endpoint).toMatch(/^http:\/\/qdrant\..+\.svc:6333$/);
    for (const [n, s] of Object.entries(stacks)) if (!n.endsWith('-addons-apps')) expect(releases(s).qdrant, n).toBeUndefined();
  });

  it('is handed the components it uses, through their contracts', () => {
    let seen: Record<string, unknown> | undefined;
    const USES_MONITORING: ComponentDefinition<z.input<typeof vectorStoreSchema>, IVectorStore> = {
      ...VECTOR_STORE,
      uses: ['monitoring', 'registry'],
      create(props, used) {
        seen = used;
        return VECTOR_STORE.create(props, used);
      },
    };
    synth((platform) => platform.addComponent(USES_MONITORING, { mode: 'build' }));
    expect(Object.keys(seen!)).toEqual(['monitoring', 'registry']);
    expect((seen!.monitoring as { componentName: string }).componentName).toBe('monitoring');
    expect(seen!.registry).toBeUndefined(); // the platform has no registry
  });

  it('is ordered after the load balancer controller like every release of the stack', () => {
    const apps = Object.entries(stacks).find(([n]) => n.endsWith('-addons-apps'))![1];
    expect(JSON.stringify(releases(apps).qdrant!.depends_on)).toContain('LoadBalancerController');
  });

  it('rejects bad props with the path of its scope and the prop, like a spec key', () => {
    expect(() => synth((platform) => platform.addComponent(VECTOR_STORE, { mode: 'build', replicas: 0 }))).toThrow(/-addons-apps\/VectorStore: replicas: must be >= 1/);
    expect(() => synth((platform) => platform.addComponent(VECTOR_STORE, { mode: 'build', cluster: 'nope' }))).toThrow(/vectorStore runs on cluster 'nope'/);
  });
});

describe('a custom add-on through the add-on table', () => {
  const stacks = synth((platform) => {
    platform.addAddon(NODE_PROBLEM_DETECTOR);
  });
  const addonsStacks = Object.entries(stacks).filter(([n]) => n.includes('-addons-'));

  it('is installed on every cluster it applies to, in the node agents namespace, after the load balancer controller', () => {
    expect(addonsStacks.length).toBe(3);
    for (const [name, stack] of addonsStacks) {
      const release = releases(stack)['node-problem-detector'];
      expect(release, name).toBeDefined();
      expect(release!.namespace).toContain('Namespaces_NodeAgents');
      expect(JSON.stringify(release!.depends_on)).toContain('LoadBalancerController');
    }
  });

  it("is scraped by the platform's monitoring like Loom's add-ons", () => {
    for (const [name, stack] of addonsStacks) {
      const monitors = (valuesOf(releases(stack)['kube-prometheus-stack']!).prometheus as { additionalPodMonitors: { name: string }[] }).additionalPodMonitors;
      expect(monitors.map((m) => m.name), name).toContain('node-problem-detector');
    }
  });

  it('is listed by the same table the summaries read', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'loom-extension-')) });
    const { name, ...props } = awsSpec();
    const platform = new MlPlatform(app, name as string, props as never);
    expect(plannedAddons(platform.clusters.apps!, [NODE_PROBLEM_DETECTOR])).toContain('node-problem-detector');
    expect(plannedAddons(platform.clusters.apps!)).not.toContain('node-problem-detector');
  });
});
