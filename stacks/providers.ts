/**
 * Cloud providers for the cloud-side stacks, configured once from the plan: region and the
 * platform's labels as default tags on every AWS resource that takes them.
 */
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { PlatformPlan } from '../spec/plan';
import { PlatformValidationError } from '../constructs/core/errors';

/** Adds the provider of the platform's cloud to a cloud-side stack. */
export function addCloudProvider(stack: Construct, plan: PlatformPlan): void {
  switch (plan.cloud) {
    case 'aws':
      new AwsProvider(stack, 'aws', {
        region: plan.region!,
        defaultTags: [{ tags: { ...plan.labels } }],
      });
      return;
    case 'gcp':
      throw new PlatformValidationError('Google Cloud stacks are not built yet');
    case 'kubernetes':
      throw new PlatformValidationError('cloud: kubernetes has no cloud-side stacks');
  }
}
