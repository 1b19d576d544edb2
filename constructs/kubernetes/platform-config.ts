/**
 * `loom-platform`: one ConfigMap in every cluster's workloads namespace holding the client
 * environment of every component of the platform — where the registry is, where metrics are
 * queried, later the tracking URI and the feature store's endpoint — so that a notebook, a pipeline
 * step or a service reads its platform with `envFrom: [{ configMapRef: { name: loom-platform } }]`.
 * Each component contributes the same keys whichever mode it runs in (values differ, keys do not),
 * so switching a component between build and buy changes the values here and no consumer.
 */
import { Construct } from 'constructs';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { Lazy, Token, type ITerraformDependable } from '../core/cdk';
import { PlatformValidationError } from '../core/errors';

/** The ConfigMap's name in every cluster. */
export const PLATFORM_CONFIG_MAP = 'loom-platform';

/** Props of {@link PlatformConfig}. */
export interface PlatformConfigProps {
  /** The namespace it goes in (a reference to the workloads namespace, so it waits for it). */
  readonly namespace: string;
  /**
   * Labels of the ConfigMap.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A source of client environment: a component's keys and values for this cluster. */
export interface ClientEnvironmentSource {
  /** Who contributes the keys (named in errors). */
  readonly name: string;
  /** The keys and values, read at synthesis (after every component has been added). */
  environment(): Readonly<Record<string, string>>;
}

/** The `loom-platform` ConfigMap of one cluster; components add their environment with {@link PlatformConfig.add}. */
export class PlatformConfig extends Construct {
  /** The ConfigMap. */
  readonly resource: ConfigMapV1;
  private readonly sources: ClientEnvironmentSource[] = [];

  private readonly labels?: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: PlatformConfigProps) {
    super(scope, id);
    if (props.labels) this.labels = props.labels;
    this.resource = new ConfigMapV1(this, 'Resource', {
      metadata: { name: PLATFORM_CONFIG_MAP, namespace: props.namespace, ...(props.labels ? { labels: { ...props.labels } } : {}) },
      // Read at synthesis: components added after the add-ons stack (all of them) are included.
      data: Token.asStringMap(Lazy.anyValue({ produce: () => this.data })),
    });
  }

  /**
   * The same ConfigMap, with the same data, in `namespace` too (a component whose pods run outside
   * the workloads namespace and read the platform through `envFrom`, as KServe's predictors do):
   * created once per namespace, under this construct, so that its values follow every mode
   * switch as the original's do. `key` names the copy (a stable construct id: `namespace` is
   * usually a reference). Returns what those pods' release must wait for.
   */
  mirrorInto(key: string, namespace: string): ITerraformDependable {
    const id = `In-${key}`;
    const existing = this.node.tryFindChild(id) as ConfigMapV1 | undefined;
    if (existing) return existing;
    return new ConfigMapV1(this, id, {
      metadata: { name: PLATFORM_CONFIG_MAP, namespace, ...(this.labels ? { labels: { ...this.labels } } : {}) },
      data: Token.asStringMap(Lazy.anyValue({ produce: () => this.data })),
    });
  }

  /** Adds a component's environment. Two sources may not set the same key. */
  add(source: ClientEnvironmentSource): void {
    this.sources.push(source);
  }

  /** The merged environment, keys sorted. */
  get data(): Record<string, string> {
    const owner = new Map<string, string>();
    const out: Record<string, string> = {};
    for (const source of this.sources) {
      for (const [key, value] of Object.entries(source.environment())) {
        const first = owner.get(key);
        if (first !== undefined) throw new PlatformValidationError(`${source.name} and ${first} both set ${key} in ${PLATFORM_CONFIG_MAP}; keys must be unique`, this);
        owner.set(key, source.name);
        out[key] = value;
      }
    }
    return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]!]));
  }
}
