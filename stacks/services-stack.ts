/**
 * `<name>-services`: the cloud side of the platform's components — managed services bought
 * (ECR, Artifact Registry, Amazon Managed Service for Prometheus and Grafana) and the cloud-side
 * backing stores, identities and names of built components (Harbor's bucket, the IAM user or
 * service account it reaches the bucket as, its private DNS zone and load balancer addresses) —
 * and what Terraform itself generates for components, upstream of every add-ons stack (built
 * streaming's Kafka cluster CA and users' passwords, whose constructs register the tls and random
 * providers themselves). No Kubernetes or Helm provider: nothing here talks to a cluster, so it
 * validates and plans without one.
 *
 * It exists only when some component has resources here (`servicesStackNeeded`). On
 * `cloud: kubernetes` there is no cloud provider: the stack holds only what Terraform generates
 * (today built streaming's credentials). Each component keeps its resources under a scope named
 * after it (`Registry`, `Monitoring`, `Streaming`).
 */
import type { Construct } from 'constructs';
import { LoomStack, type LoomStackProps } from '../constructs/core/stack';
import { addCloudProvider } from '../constructs/core/cloud-provider';

/** Props of {@link ServicesStack}: the platform's settings (the cloud provider is configured on aws and gcp). */
export type ServicesStackProps = Omit<LoomStackProps, 'cloudProvider'>;

/**
 * The `<name>-services` stack, where components keep their cloud-side resources and what Terraform
 * generates for them (see the module comment); on Google Cloud it also turns on the APIs those
 * resources call. On `cloud: kubernetes` it has no cloud provider.
 */
export class ServicesStack extends LoomStack {
  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, { ...props, cloudProvider: false });
    // Existing clusters: no cloud to configure; the components' constructs add the providers of
    // what Terraform generates (tls, random) themselves.
    if (this.platform.cloud === 'kubernetes') return;
    addCloudProvider(this, this.platform);
    if (this.platform.cloud === 'gcp') {
      // The APIs of what the components keep here, read at synth once they have added it; every Google
      // resource the components add later waits for them (see constructs/gcp/project-services.ts).
      const { ProjectServices } = require('../constructs/gcp/project-services') as typeof import('../constructs/gcp/project-services');
      new ProjectServices(this, 'ProjectServices', { project: this.platform.gcpProject! });
    }
  }
}
