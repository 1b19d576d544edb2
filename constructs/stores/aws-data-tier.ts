/**
 * What every AWS store in the data tier shares: its own KMS key (administered by the account
 * through IAM; the service uses it through a grant the identity creating the store makes,
 * `kms:CreateGrant` being an administration action), a security group with no inline rules, and
 * one ingress rule per cluster allowed in — from that cluster's security group, on the store's port
 * only, so that adding a cluster never rewrites the others.
 */
import type { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { IKubernetesCluster, INetwork } from '../core/contracts';
import { PlatformValidationError } from '../core/errors';
import { awsAccount } from '../aws/account';
import { keyPolicy } from '../aws/kms';
import { eksClusterOf } from '../components/clusters';

/** A data-tier store's KMS key, aliased `alias/loom/<service>/<name>`. */
export function dataTierKey(scope: Construct, props: { readonly service: string; readonly name: string; readonly description: string; readonly tags: Readonly<Record<string, string>> }): KmsKey {
  const key = new KmsKey(scope, 'Key', {
    description: props.description,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: JSON.stringify(keyPolicy({ administrators: [awsAccount(scope).rootArn] })),
    tags: { ...props.tags },
  });
  new KmsAlias(scope, 'KeyAlias', { name: `alias/loom/${props.service}/${props.name}`, targetKeyId: key.keyId });
  return key;
}

/**
 * A data-tier store's security group, with no inline rules: Terraform removes the default
 * allow-all egress (the store starts no connection), and ingress is {@link allowClusterIngress}.
 */
export function dataTierSecurityGroup(
  scope: Construct,
  props: { readonly name: string; readonly description: string; readonly network: INetwork; readonly tags: Readonly<Record<string, string>> },
): SecurityGroup {
  return new SecurityGroup(scope, 'SecurityGroup', {
    name: props.name,
    description: props.description,
    vpcId: props.network.networkId,
    tags: { ...props.tags, Name: props.name },
  });
}

/** Admits `cluster` (its EKS cluster security group, on every node) to `port` of a store's security group; once per cluster. */
export function allowClusterIngress(
  scope: Construct,
  props: { readonly store: string; readonly protocol: string; readonly port: number; readonly securityGroup: SecurityGroup; readonly network: INetwork },
  cluster: IKubernetesCluster,
): void {
  const eks = eksClusterOf(cluster, props.store);
  if (eks.network !== props.network) {
    throw new PlatformValidationError(`cluster '${cluster.plan.name}' is in another network than ${props.store}; a security group rule cannot reference it`, scope);
  }
  const id = `AllowFrom-${cluster.plan.name}`;
  if (scope.node.tryFindChild(id)) return;
  new VpcSecurityGroupIngressRule(scope, id, {
    securityGroupId: props.securityGroup.id,
    referencedSecurityGroupId: eks.clusterSecurityGroupId,
    ipProtocol: 'tcp',
    fromPort: props.port,
    toPort: props.port,
    description: `${props.protocol} from cluster ${cluster.plan.name}`,
    tags: { 'loom.dev/cluster': cluster.plan.name },
  });
}
