/**
 * cert-manager on every cluster: certificates for the platform's webhooks and services (the AWS
 * Load Balancer Controller's webhook certificate, components' TLS), and ACME or private CAs for the
 * teams.
 */
import type { IAddon } from './context';
import { Construct } from 'constructs';
import type { ScrapeTarget } from '../core/contracts';
import { PLATFORM_NAMESPACES } from '../../plan';
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
 * - priority class, tolerations and node selector of the platform's controllers; in prod two replicas of the
 *   controller and the webhook, each with a disruption budget (the webhook answers every
 *   Certificate write).
 * - `prometheus.enabled`: the metrics port (`http-metrics`, 9402) of the controller, webhook and
 *   cainjector, in every mode; the chart's ServiceMonitor and PodMonitor stay off (they would need
 *   the Prometheus Operator's CRDs), since scraping is the monitoring component's — see
 *   {@link certManagerScrapeTargets}.
 */
export function certManagerValues(ctx: AddonContext): HelmValues {
  const ha = ctx.highAvailability;
  const tolerations = [...ctx.controllerTolerations];
  const nodeSelector = Object.keys(ctx.controllerNodeSelector).length ? { nodeSelector: { ...ctx.controllerNodeSelector } } : {};
  const replicas = ha ? { replicaCount: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } } : {};
  return {
    crds: { enabled: true, keep: true },
    global: {
      priorityClassName: controllerPriorityClass(ctx),
      leaderElection: { namespace: ctx.namespaces.system.name },
    },
    ...replicas,
    tolerations,
    ...nodeSelector,
    webhook: { ...replicas, tolerations, ...nodeSelector },
    cainjector: { tolerations, ...nodeSelector },
    startupapicheck: { tolerations, ...nodeSelector },
    prometheus: { enabled: true, servicemonitor: { enabled: false }, podmonitor: { enabled: false } },
  };
}

/** The release name, which labels every pod of the chart (`app.kubernetes.io/instance`). */
export const CERT_MANAGER_RELEASE = 'cert-manager';

/**
 * cert-manager's metrics: the controller, the webhook and the cainjector each serve them on their
 * `http-metrics` port, and all three carry the release's instance label (the chart's own
 * PodMonitor selects them the same way; the startupapicheck job has no such port).
 */
export function certManagerScrapeTargets(): ScrapeTarget[] {
  return [{ name: 'cert-manager', namespace: PLATFORM_NAMESPACES.system, podSelector: { 'app.kubernetes.io/instance': CERT_MANAGER_RELEASE }, port: 'http-metrics' }];
}

/** The cert-manager release in the system namespace. */
export class CertManager extends Construct implements IAddon {
  /** The add-on's Helm releases. */
  get releases(): AddonRelease[] {
    return [this.release];
  }

  /** cert-manager's release (catalogue chart `certManager`, with its CRDs). */
  readonly release: AddonRelease;
  /** What it exposes to the platform's monitoring. */
  readonly scrapeTargets: readonly ScrapeTarget[] = certManagerScrapeTargets();

  constructor(scope: Construct, id: string, ctx: AddonContext) {
    super(scope, id);
    this.release = new AddonRelease(this, 'Release', {
      chart: 'certManager',
      releaseName: CERT_MANAGER_RELEASE,
      namespace: ctx.namespaces.system.name,
      values: certManagerValues(ctx),
    });
  }
}
