/**
 * LOOM-MON-004: every cluster has a metrics stack, and alarms act. Each cluster is scraped by
 * managed Prometheus (an Amazon Managed Service for Prometheus scraper naming the EKS cluster, or
 * GKE's managed collection) or runs a self-hosted Prometheus (kube-prometheus-stack) installed by a
 * stack whose Kubernetes provider reaches it — existing clusters (`cloud: kubernetes`) only the
 * latter. CloudWatch alarms have their actions enabled and at least one action; Cloud Monitoring
 * alert policies name notification channels.
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { attr, chartOf, flag, isReference, list } from '../../values';
import { clusterTargets } from './common';

/** Charts that install a Prometheus (self-hosted metrics stack), by chart name. */
export const METRICS_CHARTS = new Set(['kube-prometheus-stack', 'prometheus', 'victoria-metrics-k8s-stack']);

/** The chart name of a release (`kube-prometheus-stack`, also from an OCI or repository path). */
const chartName = (release: SynthResource): string => chartOf(release).split('/').pop()!.replace(/-\d[\w.+-]*\.tgz$/, '');

/** A metrics stack exists per cluster and alarms act. */
export const MON_004: PolicyRule = {
  id: 'LOOM-MON-004',
  area: 'MON',
  title: 'A metrics stack exists and alarms act',
  severity: { baseline: 'MEDIUM' },
  rationale: 'A cluster nobody scrapes fails silently: saturation, crash loops and GPU starvation show up as user complaints instead of graphs. An alarm without an action (or with its actions disabled) is a graph nobody looks at.',
  fix: 'Set components.monitoring.mode: buy for managed Prometheus (AMP scrapers per EKS cluster, GKE managed collection) or build for kube-prometheus-stack on every cluster (the only choice with cloud: kubernetes). Give every aws_cloudwatch_metric_alarm actions_enabled = true and an alarm_actions target, and every google_monitoring_alert_policy notification_channels.',
  anchors: ['HIPAA.Security-CloudWatchAlarmAction', 'NIST.800.53.R5-CloudWatchAlarmAction', 'CKV_AWS_319', 'AwsSolutions-ECS4', 'CKV_GCP_8', 'CIS GKE 5.7.1'],
  providers: ['aws', 'google', 'kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    // Clusters an AMP scraper reads (followed across stacks); scrapers whose cluster cannot be told.
    const scraped = new Set<SynthResource>();
    let unresolvedScraper = false;
    for (const s of ctx.resources('aws_prometheus_scraper')) {
      const arn = attr(s.values, 'source.eks.cluster_arn');
      const cluster = ctx.resolve(s, arn);
      if (cluster) scraped.add(cluster);
      else if (isReference(arn)) unresolvedScraper = true;
    }
    for (const target of clusterTargets(ctx)) {
      const selfHosted = target.stacks.some((s) => s.resources.some((r) => r.type === 'helm_release' && METRICS_CHARTS.has(chartName(r))));
      if (selfHosted) continue;
      const c = target.cluster;
      if (c?.type === 'aws_eks_cluster' && scraped.has(c)) continue;
      if (c?.type === 'google_container_cluster') {
        // GKE's default (1.27 and later): managed collection on unless disabled or monitoring is off.
        const managed = flag(c.values, 'monitoring_config.managed_prometheus.enabled');
        const service = attr(c.values, 'monitoring_service');
        if (managed === 'unknown' || isReference(service)) {
          out.push({ resource: c, message: 'monitoring_config.managed_prometheus is a reference, decided at apply time', unknown: true });
          continue;
        }
        if (managed !== false && service !== 'none') continue;
      }
      if ((c?.type === 'aws_eks_cluster' && unresolvedScraper) || target.unresolved) {
        out.push({ resource: target.location, message: 'no metrics stack found for this cluster, and a scraper or provider names a cluster by a reference that cannot be followed', unknown: true });
        continue;
      }
      const what = c ? `cluster ${String(c.values.name ?? c.name)}` : `the cluster stack ${target.location.stack} installs into`;
      out.push({ resource: target.location, message: `no metrics stack for ${what}: no managed Prometheus scrapes it and no kube-prometheus-stack release is installed in it`, detail: 'MetricsStack' });
    }
    for (const a of ctx.resources('aws_cloudwatch_metric_alarm')) {
      // Provider defaults: actions_enabled true, no alarm_actions.
      const enabled = flag(a.values, 'actions_enabled');
      const raw = attr(a.values, 'alarm_actions');
      if (enabled === 'unknown') out.push({ resource: a, message: 'actions_enabled is a reference, decided at apply time', unknown: true });
      else if (enabled === false) out.push({ resource: a, message: 'actions_enabled is false: the alarm notifies nobody', detail: 'ActionsEnabled' });
      if (!isReference(raw) && list(a.values, 'alarm_actions').length === 0) out.push({ resource: a, message: 'alarm_actions is empty: the alarm notifies nobody', detail: 'AlarmActions' });
    }
    for (const p of ctx.resources('google_monitoring_alert_policy')) {
      // Provider default: no notification channels.
      const raw = attr(p.values, 'notification_channels');
      if (!isReference(raw) && list(p.values, 'notification_channels').length === 0) out.push({ resource: p, message: 'notification_channels is empty: the alert policy notifies nobody', detail: 'NotificationChannels' });
    }
    return out;
  },
};
