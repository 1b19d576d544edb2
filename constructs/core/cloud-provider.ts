/**
 * The cloud provider of a cloud-side stack, configured once from the platform's settings: region
 * (and project) and the platform's labels as default tags on every AWS resource, default labels on
 * every Google Cloud resource that takes them.
 */
import type { Construct } from 'constructs';
import type { PlatformContext } from '../../plan/settings';
import { PlatformValidationError } from './errors';

/** Adds the provider of the platform's cloud to a cloud-side stack. */
export function addCloudProvider(stack: Construct, platform: PlatformContext): void {
  switch (platform.cloud) {
    // Each provider's classes are loaded only for its cloud, so that a synth loads one provider's
    // classes rather than all of them (DESIGN.md, performance rules).
    case 'aws': {
      const { AwsProvider } = require('@cdktf/provider-aws/lib/provider') as typeof import('@cdktf/provider-aws/lib/provider');
      new AwsProvider(stack, 'aws', {
        region: platform.region!,
        defaultTags: [{ tags: { ...platform.labels } }],
      });
      return;
    }
    case 'gcp': {
      const { GoogleProvider } = require('@cdktf/provider-google/lib/provider') as typeof import('@cdktf/provider-google/lib/provider');
      // Every resource also names its project and location itself; the provider's defaults are
      // the backstop. default_labels reach every resource with a `labels` field.
      const google = new GoogleProvider(stack, 'google', { project: platform.gcpProject!, region: platform.region! });
      // Not through the `defaultLabels` prop: cdktf 0.21 snake-cases the keys of provider
      // attributes (tags and environment aside), which would turn `cost-center` into `cost_center`.
      google.addOverride('default_labels', { ...platform.labels });
      return;
    }
    case 'kubernetes':
      throw new PlatformValidationError('cloud: kubernetes has no cloud-side stacks');
  }
}
