/**
 * A built component's own cloud identity: the identity its pods run as, least-privilege by
 * construction — it starts with no permission, and each store the component uses grants it access
 * to exactly its bucket prefix, database secret or cache (`IObjectStore.grant`, `SecretSync`).
 *
 * - EKS: an IAM role for service accounts (IRSA) that only `<namespace>/<serviceAccount>` of the
 *   component's cluster may assume (the cluster's OIDC provider, audience `sts.amazonaws.com`);
 * - GKE: a Google service account that `<namespace>/<serviceAccount>` acts as through Workload
 *   Identity (`roles/iam.workloadIdentityUser` on the account for that one Kubernetes account);
 * - existing clusters: none (there is no cloud; stores hand out credentials through Secrets).
 *
 * Created in the services stack (cloud provider only); the Kubernetes service account that carries
 * the annotation is the component's, in its cluster's add-ons stack. Provider classes are loaded
 * for the cluster's cloud only.
 */
import { Construct } from 'constructs';
import type { IKubernetesCluster } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
import { platformOf } from '../core/stack';
import type { WorkloadIdentity } from './contract';
import { serviceAccountTrustPolicy } from '../aws/iam';
import { eksClusterOf, gkeClusterOf } from '../components/clusters';

/** Props of {@link ComponentIdentity}. */
export interface ComponentIdentityProps {
  /** The cluster the component's pods run on. */
  readonly cluster: IKubernetesCluster;
  /** The namespace of the component's Kubernetes service account (a plain name). */
  readonly namespace: string;
  /** The component's Kubernetes service account. */
  readonly serviceAccount: string;
  /** The identity's name in the cloud: IAM role name (≤ 64) or service account id (6–30). */
  readonly name: string;
  /** What the identity is for, in its description. */
  readonly description: string;
}

/** A built component's cloud identity (see the module comment). */
export class ComponentIdentity extends Construct {
  /** The identity, as stores grant to it; undefined on existing clusters. */
  readonly identity?: WorkloadIdentity;
  /** The annotations the component's Kubernetes service account carries to act as it. */
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  /** The namespace of the Kubernetes service account. */
  readonly namespace: string;
  /** The Kubernetes service account. */
  readonly serviceAccount: string;

  constructor(scope: Construct, id: string, props: ComponentIdentityProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.serviceAccount = props.serviceAccount;
    const cloud = props.cluster.cloud;
    if (cloud === 'aws') {
      const { IamRole } = require('@cdktf/provider-aws/lib/iam-role') as typeof import('@cdktf/provider-aws/lib/iam-role');
      if (props.name.length > 64) throw new PlatformValidationError(`IAM role name '${props.name}' is ${props.name.length} characters; IAM allows 64`, this);
      const eks = eksClusterOf(props.cluster, props.description);
      const role = new IamRole(this, 'Role', {
        name: props.name,
        description: `Loom: ${props.description} (${props.namespace}/${props.serviceAccount} on cluster ${props.cluster.plan.name})`,
        assumeRolePolicy: serviceAccountTrustPolicy(eks.oidcProviderArn, eks.oidcIssuerHost, props.namespace, props.serviceAccount),
        tags: { 'loom.dev/service-account': `${props.namespace}.${props.serviceAccount}` },
      });
      this.identity = { kind: 'aws-iam-role', roleName: role.name, roleArn: role.arn };
      this.serviceAccountAnnotations = { 'eks.amazonaws.com/role-arn': role.arn };
    } else if (cloud === 'gcp') {
      const { ServiceAccount } = require('@cdktf/provider-google/lib/service-account') as typeof import('@cdktf/provider-google/lib/service-account');
      const { ServiceAccountIamMember } = require('@cdktf/provider-google/lib/service-account-iam-member') as typeof import('@cdktf/provider-google/lib/service-account-iam-member');
      const gke = gkeClusterOf(props.cluster, props.description);
      const project = platformOf(this).gcpProject;
      if (!project) throw new PlatformValidationError(`${props.description}: the platform has no gcpProject`, this);
      if (props.name.length < 6 || props.name.length > 30) throw new PlatformValidationError(`service account id '${props.name}' must be 6 to 30 characters`, this);
      const account = new ServiceAccount(this, 'ServiceAccount', {
        accountId: props.name,
        project,
        displayName: props.description.slice(0, 100),
        description: `Loom: ${props.description} (${props.namespace}/${props.serviceAccount} on cluster ${props.cluster.plan.name})`,
      });
      new ServiceAccountIamMember(this, 'WorkloadIdentity', {
        serviceAccountId: account.name,
        role: 'roles/iam.workloadIdentityUser',
        member: `serviceAccount:${gke.workloadPool}[${props.namespace}/${props.serviceAccount}]`,
      });
      this.identity = { kind: 'gcp-service-account', email: account.email };
      this.serviceAccountAnnotations = { 'iam.gke.io/gcp-service-account': account.email };
    } else {
      this.serviceAccountAnnotations = {};
    }
  }
}
