/**
 * The Google APIs a cloud-side stack calls, enabled by that stack, so that a platform applies to a
 * fresh project: on a new project most APIs are off, and the first resource of a disabled API
 * fails with `SERVICE_DISABLED` ("… API has not been used in project … or it is disabled").
 *
 * - Each stack enables what its own resources need, read from the resource types the stack holds
 *   when it is synthesized (network: Compute Engine; cluster: GKE, Cloud KMS, IAM, …; services:
 *   whatever its components keep there), plus APIs no resource names (GKE's logs and metrics go
 *   to Cloud Logging and Monitoring). A stack never relies on another stack having enabled an API
 *   for it; two stacks enabling the same API is harmless. One `google_project_service` with
 *   `for_each` over the API names, so that the list can be read at synth, after every component
 *   has added its resources.
 * - `disable_on_destroy = false`: destroying a Loom stack must not switch off an API that other
 *   workloads of the project (or another Loom stack) still use; Google's own modules
 *   (terraform-google-modules project-factory) default to keeping APIs on for the same reason.
 * - Every other Google resource of the stack depends on the stack's API resources (an aspect adds
 *   `depends_on` at synth), so nothing is created before its API is on. Data sources are left
 *   alone: `data.google_project` (the project number) must still be read at plan time.
 *
 * Enabling APIs calls the Service Usage API, and reading the project calls Cloud Resource Manager,
 * in the quota project of Terraform's credentials: both are on in projects created from the
 * console or `gcloud projects create`.
 */
import { Construct } from 'constructs';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { Aspects, dependable, Lazy, TerraformIterator, TerraformLocal, TerraformResource, TerraformStack, type IAspect } from '../core/cdk';
import type { IConstruct } from '../core/cdk';

/**
 * The Terraform resource type prefixes Loom uses on Google Cloud, and the API each calls. A Google
 * resource type missing here gets no API enabled; a test fails on such a type.
 */
export const API_OF_RESOURCE_TYPE: readonly (readonly [prefix: string, api: string])[] = [
  ['google_compute_', 'compute.googleapis.com'],
  ['google_container_', 'container.googleapis.com'],
  ['google_kms_', 'cloudkms.googleapis.com'],
  ['google_service_account', 'iam.googleapis.com'],
  ['google_project_iam_', 'cloudresourcemanager.googleapis.com'],
  ['google_artifact_registry_', 'artifactregistry.googleapis.com'],
  ['google_storage_', 'storage.googleapis.com'],
  ['google_dns_', 'dns.googleapis.com'],
  ['google_secret_manager_', 'secretmanager.googleapis.com'],
  ['google_service_networking_', 'servicenetworking.googleapis.com'],
  ['google_sql_', 'sqladmin.googleapis.com'],
  ['google_redis_', 'redis.googleapis.com'],
  ['google_vertex_ai_', 'aiplatform.googleapis.com'],
  ['google_bigquery_', 'bigquery.googleapis.com'],
];

/** The API a Google resource type calls, if Loom knows it. */
export function apiOfResourceType(type: string): string | undefined {
  return API_OF_RESOURCE_TYPE.find(([prefix]) => type.startsWith(prefix))?.[1];
}

/**
 * What a GKE cluster stack enables beyond its resources' APIs: Cloud Logging and Monitoring, where
 * the cluster sends its logs and metrics (Managed Service for Prometheus included). GKE's own API
 * comes from the cluster resource; enabling it also creates GKE's service agent
 * (`service-<number>@container-engine-robot`), which the secrets key is granted to.
 */
export const GKE_EXTRA_APIS = ['logging.googleapis.com', 'monitoring.googleapis.com'] as const;

/** Props of {@link ProjectServices}. */
export interface ProjectServicesProps {
  /** The Google Cloud project to enable the APIs on. */
  readonly project: string;
  /**
   * APIs to enable whatever the stack's resources, e.g. `logging.googleapis.com`.
   * @default none
   */
  readonly extraApis?: readonly string[];
}

/**
 * Enables, on the project, the APIs of every Google resource of the stack (and `extraApis`), and
 * makes every other Google resource of the stack wait for them.
 */
export class ProjectServices extends Construct {
  /** The stack's ProjectServices (its child `ProjectServices`), if it has one. */
  static of(scope: IConstruct): ProjectServices | undefined {
    const found = TerraformStack.of(scope).node.tryFindChild('ProjectServices');
    return found instanceof ProjectServices ? found : undefined;
  }

  /** The `google_project_service` resource, iterating over the APIs. */
  readonly resource: ProjectService;
  private readonly extra: Set<string>;

  constructor(scope: Construct, id: string, props: ProjectServicesProps) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    // A local holding the list (read at synth), iterated as toset(local.…): a lazy value passed
    // straight to for_each would not render as a Terraform list.
    this.extra = new Set(props.extraApis ?? []);
    const apis = new TerraformLocal(this, 'apis', Lazy.anyValue({ produce: () => stackApis(stack, [...this.extra]) }));
    const each = TerraformIterator.fromList(apis.asList);
    this.resource = new ProjectService(this, 'Resource', {
      forEach: each,
      project: props.project,
      service: each.value,
      disableOnDestroy: false,
    });
    // `dependable` renders as a bare address in depends_on (an fqn would render as "${…}").
    Aspects.of(stack).add(new DependOnApis(dependable(this.resource)));
  }

  /**
   * Enables `apis` too: services a component calls without a resource of their own in the stack
   * (Vertex AI Experiments is used through its API, with nothing to create up front).
   */
  addApis(apis: readonly string[]): void {
    for (const api of apis) this.extra.add(api);
  }
}

/** The sorted APIs of the stack's Google resources, plus `extra`. */
export function stackApis(stack: IConstruct, extra: readonly string[]): string[] {
  const apis = new Set(extra);
  for (const node of stack.node.findAll()) {
    if (node instanceof TerraformResource && !(node instanceof ProjectService)) {
      const api = apiOfResourceType(node.terraformResourceType);
      if (api) apis.add(api);
    }
  }
  return [...apis].sort();
}

/** Adds `depends_on` on the API resource to every Google resource under the scope. */
class DependOnApis implements IAspect {
  constructor(private readonly ref: string) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource) || node instanceof ProjectService) return;
    if (!node.terraformResourceType.startsWith('google_')) return;
    const current = node.dependsOn ?? [];
    if (!current.includes(this.ref)) node.dependsOn = [...current, this.ref];
  }
}
