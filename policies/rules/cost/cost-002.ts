/**
 * LOOM-COST-002: spend has a budget that warns someone. An AWS platform has an
 * `aws_budgets_budget` with notifications to subscribers; a Google Cloud platform has a
 * `google_billing_budget` with threshold rules and notification channels (the billing account's
 * default IAM recipients are not counted: they are not the platform's contacts). When no budget is
 * synthesized, the finding points at the cloud's provider in the platform's first stack that
 * configures it (one finding per cloud, not per stack).
 */
import type { PolicyRule, RuleFinding } from '../../types';
import { attr, attrs, isReference, list } from '../../values';

/** Budgets with alerts exist for each cloud the platform uses. */
export const COST_002: PolicyRule = {
  id: 'LOOM-COST-002',
  area: 'COST',
  title: 'Budgets with alerts exist',
  severity: { baseline: 'MEDIUM' },
  rationale: 'GPU nodes, NAT gateways and managed services can multiply a bill within days; a budget that notifies the platform team at thresholds is the only guard that works before the invoice arrives.',
  fix: 'Declare a budget per environment with notifications to the platform contacts: an aws_budgets_budget with notification blocks (subscriber_email_addresses or subscriber_sns_topic_arns), or a google_billing_budget with threshold_rules and all_updates_rule.monitoring_notification_channels (or pubsub_topic). Loom does not synthesize budgets yet, so this needs a budget construct (or an exception naming the budget managed outside Loom).',
  anchors: [],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const firstWith = (provider: string) => ctx.stacks.find((s) => (s.providers[provider]?.length ?? 0) > 0);

    const awsBudgets = ctx.resources('aws_budgets_budget');
    for (const b of awsBudgets) {
      // Provider default: no notification block, nobody is told.
      const notifications = list(b.values, 'notification');
      const subscribed = notifications.some((n) => ['subscriber_email_addresses', 'subscriber_sns_topic_arns'].some((k) => isReference(attr(n, k)) || list(n, k).length > 0));
      if (!subscribed) out.push({ resource: b, message: notifications.length ? 'no notification has a subscriber (subscriber_email_addresses / subscriber_sns_topic_arns)' : 'the budget has no notification block: crossing it tells nobody', detail: 'Notifications' });
    }
    const aws = firstWith('aws');
    if (aws && awsBudgets.length === 0) out.push({ resource: { stack: aws.name, path: 'provider.aws' }, message: 'the platform has no aws_budgets_budget: its AWS spend has no budget and no alert', detail: 'NoBudget' });

    const gcpBudgets = ctx.resources('google_billing_budget');
    for (const b of gcpBudgets) {
      if (!isReference(attr(b.values, 'threshold_rules')) && list(b.values, 'threshold_rules').length === 0) out.push({ resource: b, message: 'the budget has no threshold_rules: nothing triggers an alert', detail: 'ThresholdRules' });
      const channels = attrs(b.values, 'all_updates_rule.monitoring_notification_channels');
      const topic = attr(b.values, 'all_updates_rule.pubsub_topic');
      if (channels.length === 0 && (topic === undefined || topic === '')) out.push({ resource: b, message: 'all_updates_rule names no monitoring_notification_channels or pubsub_topic: only the billing account\'s default recipients hear of it', detail: 'Notifications' });
    }
    const google = firstWith('google');
    if (google && gcpBudgets.length === 0) out.push({ resource: { stack: google.name, path: 'provider.google' }, message: 'the platform has no google_billing_budget: its Google Cloud spend has no budget and no alert', detail: 'NoBudget' });
    return out;
  },
};
