/**
 * The registry contract: where the platform's container images live, and who may pull them.
 *
 * Consumers (CI pushing images, serving and pipelines pulling them) read `registryUrl` /
 * `repositoryUrl(name)`; an image is always `<registryUrl>/<name>:<tag>`, whichever
 * implementation is behind it. Pull access for the clusters' nodes is granted by the
 * implementation when it is built, from the cluster objects it is given. Push access (a team's,
 * `teams[].access.registry.push`) is granted through `grantPush` to the kind of principal the
 * registry authorizes ({@link IRegistry.authentication}): a cloud identity for ECR and Artifact
 * Registry, a Kubernetes service account — whose namespace gets a robot's login — for Harbor.
 */
import type { IKubernetesCluster } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import type { WorkloadIdentity } from '../../stores/contract';
import type { ComponentProps, IPlatformComponent, ResolvedComponentProps } from '../contract';
import type { RegistryComponentSpec, RegistryComponentSpecInput } from '../../../schema/schema';

/** The products behind the registry contract. */
export type RegistryProduct = 'harbor' | 'ecr' | 'artifact-registry';

/**
 * How pushers authenticate, and so which {@link RegistryPusher} `grantPush` takes:
 *
 * - `aws-iam`: ECR's token for the pod's IAM role (IRSA) — an `aws-iam-role` identity;
 * - `google-iam`: Artifact Registry's token for the pod's Google service account (Workload
 *   Identity) — a `gcp-service-account` identity;
 * - `harbor-robot`: a Harbor robot account's login, which the registry writes as a
 *   `kubernetes.io/dockerconfigjson` Secret into the principal's namespace on its clusters — a
 *   `kubernetes-service-account` principal.
 */
export type RegistryAuthentication = 'aws-iam' | 'google-iam' | 'harbor-robot';

/**
 * A Kubernetes service account that pushes (built registry, Harbor): its namespace on each of its
 * clusters gets the push robot's login (the Secret `harbor-push`), waiting for the namespace where
 * the cluster's add-ons stack creates it (a team's `team-<name>`).
 */
export interface RegistryServiceAccount {
  /** Always `kubernetes-service-account`. */
  readonly kind: 'kubernetes-service-account';
  /** The service account's name (a team's `team-workloads`). */
  readonly name: string;
  /** The namespace its pods run in; names the robot (`robot$<project>+<namespace>`). */
  readonly namespace: string;
  /** The clusters (their names in `clusters[]`) its pods run on, where the robot's login goes. */
  readonly clusters: readonly string[];
}

/** Who a push grant is for: a cloud identity (ECR, Artifact Registry) or a Kubernetes service account (Harbor). */
export type RegistryPusher = WorkloadIdentity | RegistryServiceAccount;

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
  /** How pushers authenticate, and so which principal {@link grantPush} takes (see {@link RegistryAuthentication}). */
  readonly authentication: RegistryAuthentication;
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
   * Lets `pusher` push images to, and pull them from, the listed repositories (names of
   * `components.registry.repositories`) — nothing beyond pushing and pulling (no deleting, no
   * repository settings). `pusher` is the kind {@link authentication} names:
   * - buy on AWS (an IAM role): an inline policy on the role with ECR's push and pull actions on
   *   exactly those repositories, and `ecr:GetAuthorizationToken` (which takes no resource);
   * - buy on Google Cloud (a Google service account): `roles/artifactregistry.writer` on the
   *   platform's one Artifact Registry repository — Artifact Registry grants per repository, so the
   *   identity may push any image path in it; the listed names are a convention there, not a boundary;
   * - build (Harbor; a Kubernetes service account): a project robot `robot$<project>+<namespace>`
   *   with push and pull, made by Harbor's setup Job, whose login is the `harbor-push`
   *   dockerconfigjson Secret in the namespace on each of the principal's clusters. Harbor's
   *   robots are project-wide: it may push any repository of the project (synth warns, naming the
   *   listed ones).
   *
   * Throws a {@link PlatformValidationError} for a name the spec does not list, or a principal of
   * another kind than {@link authentication} names.
   */
  grantPush(pusher: RegistryPusher, repositories: readonly string[]): void;
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
