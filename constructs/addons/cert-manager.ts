/**
 * cert-manager on every cluster: certificates for the platform's webhooks and services (the AWS
 * Load Balancer Controller's webhook certificate, components' TLS), and ACME or private CAs for the
 * teams.
 */
import { Construct } from 'constructs';
import { AddonRelease, type HelmValues } from './release';
import { controllerPriorityClass, type AddonContext } from './context';

/**
 * cert-manager's values. Its chart rejects unknown keys (`additionalProperties: false` in
 * values.schema.json), so only documented keys are set:
 *
 * - `crds.enabled` with `crds.keep`: the chart owns the CRDs (upgraded with it) but never deletes
 *   them, since uninstalling would delete every Certificate and Issuer in the cluster.
 * - `global.leaderElection.namespace`: the release's own namespace instead of kube-system, so that
 *   cert-manager needs no role in kube-system.
 * - priority class and tolerations of the platform's controllers; in prod two replicas of the
 *   controller and the webhook, each with a disruption budget (the webhook answers every
 *   Certificate write).
 * - `prometheus.servicemonitor` when the platform scrapes its add-ons.
 */
export function certManagerValues(ctx: AddonContext): HelmValues {
  const ha = ctx.highAvailability;
  const tolerations = [...ctx.controllerTolerations];
  const replicas = ha ? { replicaCount: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } } : {};
  return {
    crds: { enabled: true, keep: true },
    global: {
      priorityClassName: controllerPriorityClass(ctx),
      leaderElection: { namespace: ctx.namespaces.system.name },
    },
    ...replicas,
    tolerations,
    webhook: { ...replicas, tolerations },
    cainjector: { tolerations },
    startupapicheck: { tolerations },
    prometheus: { enabled: true, servicemonitor: { enabled: ctx.monitoring.enabled } },
  };
}

/** The cert-manager release in the system namespace. */
export class CertManager extends Construct {
  readonly release: AddonRelease;

  constructor(scope: Construct, id: string, ctx: AddonContext) {
    super(scope, id);
    this.release = new AddonRelease(this, 'Release', {
      chart: 'certManager',
      releaseName: 'cert-manager',
      namespace: ctx.namespaces.system.name,
      values: certManagerValues(ctx),
    });
  }
}
