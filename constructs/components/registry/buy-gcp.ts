/**
 * Registry, bought on Google Cloud: one Artifact Registry Docker repository (`<platform>`, in the
 * platform's region) with immutable tags, vulnerability scanning and cleanup policies, and
 * `roles/artifactregistry.reader` on it for every GKE cluster's node service account.
 *
 * {@link ArtifactRegistry.grantPush} binds `roles/artifactregistry.writer` on that repository: the
 * repository is the unit of Artifact Registry's IAM, so a team granted push may push any image path
 * in it (the listed names are a convention there).
 *
 * Everything lives in the services stack; the node service accounts arrive as cross-stack
 * references from the cluster stacks.
 */
import type { ResolvedRegistryProps } from './contract';
import { Construct } from 'constructs';
import { ArtifactRegistryRepository, type ArtifactRegistryRepositoryCleanupPolicies } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import type { IKubernetesCluster } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { serviceAccountMember } from '../../gcp/gcp';
import { REGISTRY_PROFILES, registryNames, registryOptions, type RegistryProfile } from '../../../plan';
import { componentLabels, componentOutput, servicesScope } from '../contract';
import { gkeClusterOf } from '../clusters';
import { checkPushRepositories, repositoryUrlOf, type IRegistry, type RegistryPusher } from './contract';

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Cleanup policies with the same effect as the ECR lifecycle policy: untagged versions go after
 * N days; tagged ones go once a day old unless among the N most recent of their image (KEEP
 * policies win over DELETE ones in Artifact Registry).
 */
export function artifactRegistryCleanupPolicies(profile: RegistryProfile): ArtifactRegistryRepositoryCleanupPolicies[] {
  return [
    { id: 'delete-untagged', action: 'DELETE', condition: { tagState: 'UNTAGGED', olderThan: `${profile.untaggedExpiryDays * DAY_SECONDS}s` } },
    { id: 'delete-old-tagged', action: 'DELETE', condition: { tagState: 'TAGGED', olderThan: `${DAY_SECONDS}s` } },
    { id: 'keep-recent-tagged', action: 'KEEP', mostRecentVersions: { keepCount: profile.keepTaggedImages } },
  ];
}

/** Registry, bought on Google Cloud: one Artifact Registry repository in the services stack (see the module comment). */
export class ArtifactRegistry extends Construct implements IRegistry {
  readonly componentName = 'registry' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-gcp' as const;
  readonly product = 'artifact-registry' as const;
  readonly authentication = 'google-iam' as const;
  readonly registryHost: string;
  readonly registryUrl: string;
  readonly repositories: readonly string[];
  readonly pullers: readonly IKubernetesCluster[];
  /** The `google_artifact_registry_repository` resource (Docker format). */
  readonly resource: ArtifactRegistryRepository;
  private readonly project: string;
  private readonly location: string;
  private pushGrants = 0;

  constructor(scope: Construct, id: string, props: ResolvedRegistryProps) {
    super(scope, id);
    const plan = props.platform;
    if (!plan.gcpProject || !plan.region) throw new PlatformValidationError('Artifact Registry needs gcpProject and region in the plan', this);
    this.project = plan.gcpProject;
    this.location = plan.region;
    const names = registryNames(plan.name);
    const profile = REGISTRY_PROFILES[plan.environment];
    this.repositories = [...registryOptions({ name: plan.name, components: { registry: props.spec } }).repositories];
    this.pullers = props.clusters.map((a) => a.cluster);

    this.resource = new ArtifactRegistryRepository(this, 'Resource', {
      repositoryId: names.artifactRegistryRepository,
      project: plan.gcpProject,
      location: plan.region,
      format: 'DOCKER',
      mode: 'STANDARD_REPOSITORY',
      description: `Loom: container images of platform ${plan.name} (${this.repositories.join(', ')})`,
      dockerConfig: { immutableTags: true },
      // Scanning follows the project's Container Scanning API: on wherever that API is enabled.
      vulnerabilityScanningConfig: { enablementConfig: 'INHERITED' },
      cleanupPolicies: artifactRegistryCleanupPolicies(profile),
      cleanupPolicyDryRun: false,
      labels: { ...plan.labels, ...componentLabels('registry') },
    });

    const grants = new Construct(this, 'Pull');
    for (const addons of props.clusters) {
      const gke = gkeClusterOf(addons.cluster, 'Artifact Registry pull access');
      new ArtifactRegistryRepositoryIamMember(grants, addons.cluster.plan.name, {
        project: plan.gcpProject,
        location: plan.region,
        repository: this.resource.name,
        role: 'roles/artifactregistry.reader',
        member: serviceAccountMember(gke.nodeServiceAccount.email),
      });
    }

    this.registryHost = `${plan.region}-docker.pkg.dev`;
    this.registryUrl = `${this.registryHost}/${plan.gcpProject}/${this.resource.repositoryId}`;
  }

  repositoryUrl(name: string): string {
    return repositoryUrlOf(this, name);
  }

  /**
   * Lets `identity` (a Google service account) push and pull: `roles/artifactregistry.writer` on
   * the platform's repository. Artifact Registry grants per repository, and every listed name is an
   * image path inside the one repository, so the identity may push any image path in it; the
   * listed names are checked against the spec but are a convention, not a boundary.
   *
   * No IAM condition narrows it: conditions on a repository binding see the repository's own
   * `resource.name`, and Artifact Registry documents no image- (package-) level IAM resource a
   * `resource.name` condition could match for pushes (checked against Google's docs), so one would
   * either match the whole repository or nothing. Separate paths need separate repositories.
   */
  grantPush(identity: RegistryPusher, repositories: readonly string[]): void {
    if (identity.kind !== 'gcp-service-account') {
      throw new PlatformValidationError(
        `Artifact Registry grants push to Google service accounts (authentication ${this.authentication}), not to a ${identity.kind}; grant the pusher's Google service account (a team's workload identity)`,
        this,
      );
    }
    checkPushRepositories(this, repositories);
    this.pushGrants += 1;
    new ArtifactRegistryRepositoryIamMember(this, `Push${this.pushGrants}`, {
      project: this.project,
      location: this.location,
      repository: this.resource.name,
      role: 'roles/artifactregistry.writer',
      member: serviceAccountMember(identity.email),
    });
  }
}

/** Registry, bought on Google Cloud: Artifact Registry in the services stack. */
export function buyGcpRegistry(props: ResolvedRegistryProps): ArtifactRegistry {
  const registry = new ArtifactRegistry(servicesScope(props, 'buy on Google Cloud: Artifact Registry'), 'Resource', props);
  componentOutput(registry, 'registry_url', registry.registryUrl, 'Where the platform pushes images: <registry_url>/<repository>:<tag> (Artifact Registry)');
  return registry;
}
