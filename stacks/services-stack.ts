/**
 * `<name>-services`: the cloud side of the platform's components — managed services bought
 * (ECR, Artifact Registry, Amazon Managed Service for Prometheus and Grafana) and the cloud-side
 * backing stores and identities of built components (Harbor's bucket and role). The cloud
 * provider only: nothing here talks to a cluster, so it validates and plans without one.
 *
 * It exists only when some component has cloud-side resources (`servicesStackNeeded`), and never
 * on `cloud: kubernetes`. Each component keeps its resources under a scope named after it
 * (`Registry`, `Monitoring`).
 */
import type { Construct } from 'constructs';
import { LoomStack } from '../constructs/core/stack';
import { PlatformValidationError } from '../constructs/core/errors';
import type { PlatformPlan } from '../spec/plan';
import { addCloudProvider } from './providers';

export interface ServicesStackProps {
  readonly plan: PlatformPlan;
}

export class ServicesStack extends LoomStack {
  constructor(scope: Construct, props: ServicesStackProps) {
    super(scope, props.plan.stacks.services, props);
    if (props.plan.cloud === 'kubernetes') {
      throw new PlatformValidationError('cloud: kubernetes has no services stack: there is no cloud to keep component resources in', this);
    }
    addCloudProvider(this, props.plan);
  }
}
