/**
 * The priority classes of a cluster's flavour (`FlavourProfile.priorityClasses`), so that the
 * scheduler knows what to keep when the cluster is full: platform add-ons first, then the
 * flavour's own work (services, brokers, urgent batch), and opportunistic batch last.
 */
import { Construct } from 'constructs';
import { PriorityClassV1 } from '@cdktf/provider-kubernetes/lib/priority-class-v1';
import { PlatformValidationError } from '../core/errors';

/** What the scheduler does for a pod of the class that does not fit. */
export type PreemptionPolicy = 'PreemptLowerPriority' | 'Never';

/** What each of Loom's priority classes is for, and whether its pods may evict others. */
export const PRIORITY_CLASS_TRAITS: Readonly<
  Record<
    string,
    {
      /** The class's `description`: what it is for, as `kubectl get priorityclass` shows it. */
      readonly description: string;
      /** Whether pods of the class may evict lower-priority pods to be scheduled. */
      readonly preemptionPolicy: PreemptionPolicy;
    }
  >
> = {
  'loom-critical': {
    description: 'Loom platform add-ons every workload depends on (autoscaling, admission, queueing, monitoring)',
    preemptionPolicy: 'PreemptLowerPriority',
  },
  'loom-service': {
    description: 'Online services and model servers: user-facing, kept running when the cluster is full',
    preemptionPolicy: 'PreemptLowerPriority',
  },
  'loom-broker': {
    description: 'Stream brokers holding partitions: evicting one costs a partition rebalance',
    preemptionPolicy: 'PreemptLowerPriority',
  },
  'loom-batch-high': {
    description: 'Urgent batch and training jobs: may evict low-priority batch pods to start',
    preemptionPolicy: 'PreemptLowerPriority',
  },
  // Opportunistic work waits for capacity (Kueue, the autoscaler) instead of evicting pods that
  // never asked for a priority: losing someone's half-finished work to start a low-priority job
  // is the wrong trade.
  'loom-batch-low': {
    description: 'Opportunistic batch: scheduled ahead of unprioritised pods, never evicts anything',
    preemptionPolicy: 'Never',
  },
};

/** Props of {@link PriorityClasses}. */
export interface PriorityClassesProps {
  /** Class name → value, from the flavour profile. */
  readonly classes: Readonly<Record<string, number>>;
  /** Labels for every class. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** One `PriorityClass` per entry; none is the cluster's global default. */
export class PriorityClasses extends Construct {
  /** The classes, by name. */
  readonly resources: Readonly<Record<string, PriorityClassV1>>;

  constructor(scope: Construct, id: string, props: PriorityClassesProps) {
    super(scope, id);
    const resources: Record<string, PriorityClassV1> = {};
    for (const [name, value] of Object.entries(props.classes)) {
      const traits = PRIORITY_CLASS_TRAITS[name];
      if (!traits) {
        throw new PlatformValidationError(`priority class '${name}' has no description or preemption policy; add it to PRIORITY_CLASS_TRAITS`, this);
      }
      resources[name] = new PriorityClassV1(this, name, {
        metadata: { name, labels: { ...props.labels, 'app.kubernetes.io/managed-by': 'loom' } },
        value,
        // Pods without a class keep priority 0; Loom never changes that for the whole cluster.
        globalDefault: false,
        preemptionPolicy: traits.preemptionPolicy,
        description: traits.description,
      });
    }
    this.resources = resources;
  }

  /** The classes' names. */
  get names(): string[] {
    return Object.keys(this.resources);
  }

  /**
   * The name of class `name` as a reference to it (whatever uses it waits for it to exist).
   * Throws when the cluster's flavour has no such class.
   */
  nameOf(name: string): string {
    const resource = this.resources[name];
    if (!resource) {
      throw new PlatformValidationError(`no priority class '${name}' on this cluster; its flavour has ${this.names.join(', ')}`, this);
    }
    return resource.metadata.name;
  }
}
