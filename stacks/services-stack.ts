/**
 * `<name>-services`: the cloud side of the platform's components — managed services bought
 * (ECR, Artifact Registry, Amazon Managed Service for Prometheus and Grafana) and the cloud-side
 * backing stores, identities and names of built components (Harbor's bucket, the IAM user or
 * service account it reaches the bucket as, its private DNS zone and load balancer addresses).
 * The cloud provider only: nothing here talks to a cluster, so it validates and plans without one.
 *
 * It exists only when some component has cloud-side resources (`servicesStackNeeded`), and never
 * on `cloud: kubernetes`. Each component keeps its resources under a scope named after it
 * (`Registry`, `Monitoring`).
 */
import type { Construct } from 'constructs';
import { LoomStack, type LoomStackProps } from '../constructs/core/stack';
import { PlatformValidationError } from '../constructs/core/errors';
import { addCloudProvider } from '../constructs/core/cloud-provider';

/** Props of {@link ServicesStack}: the platform's settings (the cloud provider is always configured). */
export type ServicesStackProps = Omit<LoomStackProps, 'cloudProvider'>;

/**
 * The `<name>-services` stack, where components keep their cloud-side resources (see the module
 * comment); on Google Cloud it also turns on the APIs those resources call.
 */
export class ServicesStack extends LoomStack {
  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, { ...props, cloudProvider: false });
    if (this.platform.cloud === 'kubernetes') {
      throw new PlatformValidationError('cloud: kubernetes has no services stack: there is no cloud to keep component resources in', this);
    }
    addCloudProvider(this, this.platform);
    if (this.platform.cloud === 'gcp') {
      // The APIs of what the components keep here, read at synth once they have added it; every Google
      // resource the components add later waits for them (see constructs/gcp/project-services.ts).
      const { ProjectServices } = require('../constructs/gcp/project-services') as typeof import('../constructs/gcp/project-services');
      new ProjectServices(this, 'ProjectServices', { project: this.platform.gcpProject! });
    }
  }
}
