/**
 * A namespace Loom owns on a cluster, with its Pod Security Admission levels as labels.
 *
 * Pod Security Admission is built into every supported Kubernetes version, so these labels are
 * the one pod-hardening control that works the same on EKS, GKE and any existing cluster.
 */
import { Construct } from 'constructs';
import type { TerraformResource } from '../core/cdk';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';

/** The Pod Security Standards, from least to most restrictive. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** What Pod Security Admission does with pods in a namespace. */
export interface PodSecurity {
  /** Pods violating this level are rejected. */
  readonly enforce: PodSecurityLevel;
  /**
   * Violations of this level are recorded in the API server's audit log.
   * @default the enforce level
   */
  readonly audit?: PodSecurityLevel;
  /**
   * Violations of this level are returned to the client as warnings (kubectl, Helm).
   * @default the enforce level
   */
  readonly warn?: PodSecurityLevel;
}

/** The `pod-security.kubernetes.io/*` labels for `podSecurity`; versions float with the cluster. */
export function podSecurityLabels(podSecurity: PodSecurity): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': podSecurity.enforce,
    'pod-security.kubernetes.io/audit': podSecurity.audit ?? podSecurity.enforce,
    'pod-security.kubernetes.io/warn': podSecurity.warn ?? podSecurity.enforce,
  };
}

/** Props of {@link PlatformNamespace}. */
export interface PlatformNamespaceProps {
  /** The namespace's name. */
  readonly name: string;
  /** The Pod Security Admission levels for the namespace's pods. */
  readonly podSecurity: PodSecurity;
  /**
   * More labels (the platform's own, a role). Pod Security labels always win.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A namespace with Pod Security Admission labels. */
export class PlatformNamespace extends Construct {
  /**
   * The namespace's name, as a reference to the resource, so that whatever is placed in it by
   * name also waits for it to exist. @attribute
   */
  readonly name: string;
  /** The Pod Security Admission levels the namespace's labels set. */
  readonly podSecurity: PodSecurity;
  /** The `kubernetes_namespace_v1` resource. */
  readonly resource: NamespaceV1;

  constructor(scope: Construct, id: string, props: PlatformNamespaceProps) {
    super(scope, id);
    this.podSecurity = props.podSecurity;
    this.resource = new NamespaceV1(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: { ...props.labels, 'app.kubernetes.io/managed-by': 'loom', ...podSecurityLabels(props.podSecurity) },
      },
    });
    this.name = this.resource.metadata.name;
  }
}

/**
 * The `kubernetes_namespace_v1` named `name` in `stack` (an add-ons stack), when something there
 * created it — a team's namespace (constructs/teams/space.ts) — looked up by its name, so that
 * what other constructs place in it by name can wait for it. Found namespaces are remembered per
 * stack; a name not found yet is looked up again (namespaces may be added later).
 */
export function namespaceResourceIn(stack: Construct, name: string): TerraformResource | undefined {
  let known = namespacesByStack.get(stack);
  if (!known?.has(name)) {
    known = new Map();
    for (const c of stack.node.findAll()) {
      const resource = c as Partial<TerraformResource> & { metadata?: { internalValue?: { name?: unknown } } };
      if (resource.terraformResourceType !== 'kubernetes_namespace_v1' && resource.terraformResourceType !== 'kubernetes_namespace') continue;
      const found = resource.metadata?.internalValue?.name;
      if (typeof found === 'string') known.set(found, c as TerraformResource);
    }
    namespacesByStack.set(stack, known);
  }
  return known.get(name);
}
const namespacesByStack = new WeakMap<Construct, Map<string, TerraformResource>>();
