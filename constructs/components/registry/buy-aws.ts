/**
 * Registry, bought on AWS: one ECR repository per listed name (`<platform>/<name>`), immutable
 * tags, scan on push, encrypted with the registry's own KMS key (rotating, with a key policy that
 * names its administrators), a lifecycle policy per repository, and a repository policy that lets
 * every node identity of every cluster pull: the managed node groups' role and, with
 * `autoscaler: karpenter`, the role of the nodes Karpenter launches.
 *
 * {@link EcrRegistry.grantPush} gives a workload's IAM role an inline policy with ECR's push and
 * pull actions on the named repositories only, and `ecr:GetAuthorizationToken` (which takes no
 * resource).
 *
 * Everything lives in the services stack; the node roles arrive as cross-stack references from the
 * cluster stacks, so the grant follows the cluster objects it was given, never names.
 */
import type { ResolvedRegistryProps } from './contract';
import { Construct } from 'constructs';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepositoryPolicy } from '@cdktf/provider-aws/lib/ecr-repository-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { IKubernetesCluster } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { awsAccount } from '../../aws/account';
import { keyPolicy } from '../../aws/kms';
import { REGISTRY_PROFILES, registryNames, registryOptions, type RegistryProfile } from '../../../plan';
import { componentOutput, componentTags, servicesScope } from '../contract';
import { eksClusterOf } from '../clusters';
import { checkPushRepositories, repositoryUrlOf, type IRegistry, type RegistryPusher } from './contract';

/** Every IAM role a cluster's nodes run as: the node groups' role, and Karpenter's node role. */
export function nodeRoleArns(cluster: IKubernetesCluster, why: string): string[] {
  const eks = eksClusterOf(cluster, why);
  return [eks.nodeRole.arn, ...(eks.karpenter ? [eks.karpenter.nodeRoleArn] : [])];
}

/** What a node needs to pull an image, and nothing more. */
export const ECR_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;

/** What a client needs to push an image (and pull it back), on the repository: no deleting, no settings. */
export const ECR_PUSH_ACTIONS = [...ECR_PULL_ACTIONS, 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage'] as const;

/** The lifecycle policy of one repository: untagged images expire, tagged ones beyond the last N do. */
export function ecrLifecyclePolicy(profile: RegistryProfile): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${profile.untaggedExpiryDays} days`,
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: profile.untaggedExpiryDays },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: `Keep the ${profile.keepTaggedImages} most recent tagged images`,
        selection: { tagStatus: 'tagged', tagPatternList: ['*'], countType: 'imageCountMoreThan', countNumber: profile.keepTaggedImages },
        action: { type: 'expire' },
      },
    ],
  });
}

/** Registry, bought on AWS: ECR repositories in the services stack (see the module comment). */
export class EcrRegistry extends Construct implements IRegistry {
  readonly componentName = 'registry' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-aws' as const;
  readonly product = 'ecr' as const;
  readonly authentication = 'aws-iam' as const;
  readonly registryHost: string;
  readonly registryUrl: string;
  readonly repositories: readonly string[];
  readonly pullers: readonly IKubernetesCluster[];
  /** The KMS key the repositories are encrypted with. */
  readonly key: KmsKey;
  /** The ECR repositories, by listed name. */
  readonly ecrRepositories: Readonly<Record<string, EcrRepository>>;
  private pushGrants = 0;

  constructor(scope: Construct, id: string, props: ResolvedRegistryProps) {
    super(scope, id);
    const plan = props.platform;
    const names = registryNames(plan.name);
    const profile = REGISTRY_PROFILES[plan.environment];
    const tags = componentTags('registry');
    this.repositories = [...registryOptions({ name: plan.name, components: { registry: props.spec } }).repositories];
    const nodeRoles = props.clusters.flatMap((a) => nodeRoleArns(a.cluster, 'ECR pull access'));
    this.pullers = props.clusters.map((a) => a.cluster);

    // The account administers the key through IAM; ECR encrypts and decrypts layers through the
    // grant it creates on the repository's behalf (KeyServiceUsage), so no principal uses the key
    // directly — pulls are authorized by the repository policy.
    const account = awsAccount(this);
    this.key = new KmsKey(this, 'Key', {
      description: `Loom: container images of platform ${plan.name} (ECR)`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify(keyPolicy({ administrators: [account.rootArn], serviceUsers: [account.rootArn] })),
      tags,
    });
    new KmsAlias(this, 'KeyAlias', { name: names.kmsAlias, targetKeyId: this.key.keyId });

    const repositories: Record<string, EcrRepository> = {};
    const repos = new Construct(this, 'Repositories');
    for (const name of this.repositories) {
      const repoScope = new Construct(repos, name);
      const repo = new EcrRepository(repoScope, 'Resource', {
        name: names.ecrRepository(name),
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: this.key.arn }],
        tags: { ...tags, 'loom.dev/repository': name },
      });
      new EcrLifecyclePolicy(repoScope, 'Lifecycle', { repository: repo.name, policy: ecrLifecyclePolicy(profile) });
      new EcrRepositoryPolicy(repoScope, 'Pull', {
        repository: repo.name,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'ClusterNodesPull', Effect: 'Allow', Principal: { AWS: nodeRoles }, Action: [...ECR_PULL_ACTIONS] }],
        }),
      });
      repositories[name] = repo;
    }
    this.ecrRepositories = repositories;
    const first = repositories[this.repositories[0]!]!;
    this.registryHost = `${first.registryId}.dkr.ecr.${plan.region}.amazonaws.com`;
    this.registryUrl = `${this.registryHost}/${plan.name}`;
  }

  repositoryUrl(name: string): string {
    // `<account>.dkr.ecr.<region>.amazonaws.com/<platform>/<name>`: the repository's own URL.
    return repositoryUrlOf(this, name);
  }

  /**
   * Lets `identity` (an IAM role) push to and pull from the listed repositories only: an inline
   * role policy with {@link ECR_PUSH_ACTIONS} on exactly those repositories' ARNs, and
   * `ecr:GetAuthorizationToken` on "*" (`docker login` needs it, and it takes no resource).
   */
  grantPush(identity: RegistryPusher, repositories: readonly string[]): void {
    if (identity.kind !== 'aws-iam-role') {
      throw new PlatformValidationError(`ECR grants push to IAM roles (authentication ${this.authentication}), not to a ${identity.kind}; grant the pusher's IAM role (a team's workload identity)`, this);
    }
    checkPushRepositories(this, repositories);
    const names = [...new Set(repositories)];
    // Numbered: an inline policy name is unique per role, and role names are references here.
    this.pushGrants += 1;
    new IamRolePolicy(this, `Push${this.pushGrants}`, {
      role: identity.roleName,
      name: `ecr-push-${this.pushGrants}`,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Push', Effect: 'Allow', Action: [...ECR_PUSH_ACTIONS], Resource: names.map((n) => this.ecrRepositories[n]!.arn) },
          { Sid: 'Login', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        ],
      }),
    });
  }
}

/** Registry, bought on AWS: ECR in the services stack. */
export function buyAwsRegistry(props: ResolvedRegistryProps): EcrRegistry {
  const registry = new EcrRegistry(servicesScope(props, 'buy on AWS: ECR'), 'Resource', props);
  componentOutput(registry, 'registry_url', registry.registryUrl, 'Where the platform pushes images: <registry_url>/<repository>:<tag> (ECR)');
  return registry;
}
