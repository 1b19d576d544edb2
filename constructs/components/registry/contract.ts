/**
 * The registry contract: where the platform's container images live, and who may pull them.
 *
 * Consumers (CI pushing images, serving and pipelines pulling them) read `registryUrl` /
 * `repositoryUrl(name)`; an image is always `<registryUrl>/<name>:<tag>`, whichever
 * implementation is behind it. Pull access for the clusters' nodes is granted by the
 * implementation when it is built, from the cluster objects it is given. Push access for a
 * workload identity (a team's, `teams[].access.registry.push`) is granted through `grantPush`.
 */
import type { IKubernetesCluster } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import type { WorkloadIdentity } from '../../stores/contract';
import type { ComponentProps, IPlatformComponent, ResolvedComponentProps } from '../contract';
import type { RegistryComponentSpec, RegistryComponentSpecInput } from '../../../schema/schema';

/** The products behind the registry contract. */
export type RegistryProduct = 'harbor' | 'ecr' | 'artifact-registry';

/** The registry component: where the platform's images are pushed, and every cluster pulls them from. */
export interface IRegistry extends IPlatformComponent {
  /** Always `registry`. */
  readonly componentName: 'registry';
  /** The product behind it. */
  readonly product: RegistryProduct;
  /**
   * Host name to log in to (`docker login <registryHost>`).
   * @attribute
   */
  readonly registryHost: string;
  /**
   * Where the platform's images go: `<registryUrl>/<repository>:<tag>`.
   * - build: `<hostname>/<platform>` (a private Harbor project, pulled with a robot account)
   * - buy on AWS: `<account>.dkr.ecr.<region>.amazonaws.com/<platform>` (one ECR repository per name)
   * - buy on Google Cloud: `<region>-docker.pkg.dev/<project>/<platform>`
   * @attribute
   */
  readonly registryUrl: string;
  /** The repositories the spec lists (`components.registry.repositories`). */
  readonly repositories: readonly string[];
  /**
   * The clusters whose nodes were granted pull access: every node identity (buy), or — build —
   * DNS for the hostname, trust in Harbor's CA and the pull robot's login as the workloads
   * namespace's default image pull secret.
   */
  readonly pullers: readonly IKubernetesCluster[];
  /**
   * The URL of repository `name` (`<registryUrl>/<name>`). Throws for a name the spec does not
   * list: on ECR only listed repositories exist.
   */
  repositoryUrl(name: string): string;
  /**
   * Lets `identity` push images to, and pull them from, the listed repositories (names of
   * `components.registry.repositories`) only — no other repository, and nothing beyond pushing and
   * pulling (no deleting, no repository settings).
   * - buy on AWS: an inline policy on the identity's IAM role with ECR's push and pull actions on
   *   exactly those repositories, and `ecr:GetAuthorizationToken` (which takes no resource);
   * - buy on Google Cloud: `roles/artifactregistry.writer` on the platform's one Artifact Registry
   *   repository — Artifact Registry grants per repository, so the identity may push any image path
   *   in it; the listed names are a convention there, not a boundary;
   * - build (Harbor): not supported yet — throws a {@link PlatformValidationError} (schema
   *   validation reports it first for `teams[].access.registry.push`).
   *
   * Throws for a name the spec does not list, or an identity the implementation cannot grant to.
   */
  grantPush(identity: WorkloadIdentity, repositories: readonly string[]): void;
}

/** Throws unless every name in `repositories` is one the spec lists, and at least one is given. */
export function checkPushRepositories(registry: Pick<IRegistry, 'repositories'>, repositories: readonly string[]): void {
  if (!repositories.length) throw new PlatformValidationError('registry push grant names no repository');
  for (const name of repositories) {
    if (!registry.repositories.includes(name)) {
      throw new PlatformValidationError(`registry has no repository '${name}' to grant push on; components.registry.repositories lists ${registry.repositories.join(', ')}`);
    }
  }
}

/** Registry URL + repository → image repository URL; checks the name is one the spec lists. */
export function repositoryUrlOf(registry: Pick<IRegistry, 'registryUrl' | 'repositories'>, name: string): string {
  if (!registry.repositories.includes(name)) {
    throw new PlatformValidationError(`registry has no repository '${name}'; components.registry.repositories lists ${registry.repositories.join(', ')}`);
  }
  return `${registry.registryUrl}/${name}`;
}

/** The registry's props: `components.registry` of platform.yaml, the clusters' add-ons stacks and the services stack. */
export type RegistryProps = ComponentProps<RegistryComponentSpecInput>;
/** The registry's props, validated. */
export type ResolvedRegistryProps = ResolvedComponentProps<RegistryComponentSpec>;

/**
 * The registry's client environment, in every cluster's `loom-platform` ConfigMap: the same keys
 * whichever mode provides it.
 */
export function registryEnvironment(registry: Pick<IRegistry, 'registryHost' | 'registryUrl'>): Record<string, string> {
  return { LOOM_REGISTRY_HOST: registry.registryHost, LOOM_REGISTRY_URL: registry.registryUrl };
}
