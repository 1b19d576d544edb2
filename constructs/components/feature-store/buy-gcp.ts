/**
 * The feature store, bought on Google Cloud: Vertex AI Feature Store (the current one, built on
 * BigQuery — never the legacy Featurestore). Features are BigQuery tables and views; feature
 * groups and feature views are data the teams' pipelines create. The services stack holds:
 *
 * - the BigQuery dataset features are sourced from (the offline store), in the platform's region;
 * - the online store (`google_vertex_ai_feature_online_store`) feature views sync into and serve
 *   from: Optimized online serving (low latency, scaled by Google) or Bigtable online serving
 *   with nodes autoscaled between `bigtableNodes.min` and `.max` — `onlineServing` of the spec;
 * - the Vertex AI and BigQuery APIs, enabled with the stack's other APIs.
 *
 * Online endpoint: an Optimized store serves from a dedicated public endpoint of its own, which
 * the provider exposes as `dedicated_serving_endpoint[0].public_endpoint_domain_name` — clients
 * send `FetchFeatureValues` there; a Bigtable store serves from the region's Vertex AI endpoint,
 * `https://<region>-aiplatform.googleapis.com`.
 *
 * Grants go to the workload's Google service account: the Vertex AI roles at project level (the
 * Google provider has no IAM resource for an online store), the BigQuery ones on the dataset.
 */
import { Construct } from 'constructs';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryDatasetIamMember } from '@cdktf/provider-google/lib/bigquery-dataset-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { VertexAiFeatureOnlineStore } from '@cdktf/provider-google/lib/vertex-ai-feature-online-store';
import { Token } from '../../core/cdk';
import { PlatformValidationError } from '../../core/errors';
import { serviceAccountMember } from '../../gcp/gcp';
import { ProjectServices } from '../../gcp/project-services';
import type { StoreAccess, WorkloadIdentity } from '../../stores/contract';
import { componentLabels, componentOutput, servicesScope } from '../contract';
import type { IFeatureStore, ResolvedFeatureStoreProps } from './contract';

/**
 * The project roles each access level gets: fetch online feature values, and query the offline
 * store (BigQuery jobs and Storage Read API sessions); `write` adds Vertex AI User, to create
 * feature groups, features and feature views and to sync them.
 */
export const VERTEX_FEATURE_STORE_ROLES: Readonly<Record<StoreAccess, readonly string[]>> = {
  read: ['roles/aiplatform.featureOnlineStoreUser', 'roles/bigquery.jobUser', 'roles/bigquery.readSessionUser'],
  write: ['roles/aiplatform.featureOnlineStoreUser', 'roles/bigquery.jobUser', 'roles/bigquery.readSessionUser', 'roles/aiplatform.user'],
};

/** The role on the offline store's dataset each access level gets: read its tables, or also create and write them. */
export const BIGQUERY_DATASET_ROLES: Readonly<Record<StoreAccess, string>> = {
  read: 'roles/bigquery.dataViewer',
  write: 'roles/bigquery.dataEditor',
};

/** The CPU utilisation, percent, Bigtable autoscaling keeps nodes at (Vertex AI's default; 10 to 80). */
const BIGTABLE_CPU_TARGET = 50;

/** Feature store on Vertex AI Feature Store (buy on Google Cloud). */
export class VertexAiFeatureStore extends Construct implements IFeatureStore {
  readonly componentName = 'featureStore' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-gcp' as const;
  readonly product = 'vertex-ai-feature-store' as const;
  readonly protocol = 'vertex-ai-feature-store' as const;
  readonly onlineEndpoint: string;
  readonly offlineStore: string;
  readonly registry: string;
  /** The BigQuery dataset features are sourced from. */
  readonly dataset: BigqueryDataset;
  /** The online store. */
  readonly onlineStore: VertexAiFeatureOnlineStore;
  private readonly project: string;
  private grants = 0;

  constructor(scope: Construct, id: string, props: ResolvedFeatureStoreProps) {
    super(scope, id);
    const { platform, spec } = props;
    const project = platform.gcpProject!;
    const region = platform.region!;
    this.project = project;
    const services = ProjectServices.of(this);
    if (!services) throw new PlatformValidationError('Vertex AI Feature Store needs the services stack of a Google Cloud platform (its ProjectServices)', this);
    // Feature views read BigQuery through its API; the dataset needs it too.
    services.addApis(['aiplatform.googleapis.com', 'bigquery.googleapis.com']);
    const labels = { ...platform.labels, ...componentLabels('featureStore') };
    // BigQuery dataset ids and online store names take letters, digits and underscores.
    const base = platform.name.replace(/-/g, '_');

    this.dataset = new BigqueryDataset(this, 'Dataset', {
      datasetId: `${base}_features`,
      project,
      location: region,
      friendlyName: `${platform.name} features`,
      description: `Loom: feature tables of platform ${platform.name}, the source of Vertex AI Feature Store`,
      // Destroying the stack never drops the teams' feature tables: a dataset that holds any stays.
      deleteContentsOnDestroy: false,
      labels,
    });
    this.onlineStore = new VertexAiFeatureOnlineStore(this, 'OnlineStore', {
      // [a-z][a-z0-9_]{0,59}: the platform's name starts with a letter and has at most 32 characters.
      name: `${base}_features`,
      project,
      region,
      labels,
      ...(spec.onlineServing === 'bigtable'
        ? { bigtable: { autoScaling: { minNodeCount: spec.bigtableNodes.min, maxNodeCount: spec.bigtableNodes.max, cpuUtilizationTarget: BIGTABLE_CPU_TARGET } } }
        : { optimized: {}, dedicatedServingEndpoint: {} }),
      // Feature views are the teams' data: only a dev platform's store goes with them.
      forceDestroy: platform.environment === 'dev',
    });

    this.onlineEndpoint =
      spec.onlineServing === 'bigtable'
        ? `https://${region}-aiplatform.googleapis.com`
        : // The block is a list in Terraform: index it (the provider class's getter would not).
          `https://${Token.asString(this.onlineStore.interpolationForAttribute('dedicated_serving_endpoint[0].public_endpoint_domain_name'))}`;
    this.offlineStore = `bq://${project}.${this.dataset.datasetId}`;
    this.registry = `projects/${project}/locations/${region}/featureOnlineStores/${this.onlineStore.name}`;
  }

  /** Lets `identity` (a Google service account) fetch online features and read the dataset. */
  grantRead(identity: WorkloadIdentity): void {
    this.grant(identity, 'read');
  }

  /** Lets `identity` (a Google service account) also define and sync feature views and write the dataset. */
  grantWrite(identity: WorkloadIdentity): void {
    this.grant(identity, 'write');
  }

  private grant(identity: WorkloadIdentity, access: StoreAccess): void {
    if (identity.kind !== 'gcp-service-account') throw new PlatformValidationError(`Vertex AI Feature Store grants access to Google service accounts; got ${identity.kind}`, this);
    this.grants += 1;
    const member = serviceAccountMember(identity.email);
    const grant = new Construct(this, `Access${this.grants}`);
    VERTEX_FEATURE_STORE_ROLES[access].forEach((role, i) => new ProjectIamMember(grant, `Project${i}`, { project: this.project, role, member }));
    new BigqueryDatasetIamMember(grant, 'Dataset', { project: this.project, datasetId: this.dataset.datasetId, role: BIGQUERY_DATASET_ROLES[access], member });
  }
}

/** The feature store bought on Google Cloud: Vertex AI Feature Store's online store and BigQuery dataset in the services stack. */
export function buyGcpFeatureStore(props: ResolvedFeatureStoreProps): VertexAiFeatureStore {
  const store = new VertexAiFeatureStore(servicesScope(props, 'buy on Google Cloud: Vertex AI Feature Store'), 'Resource', props);
  componentOutput(store, 'feature_store_endpoint', store.onlineEndpoint, 'Vertex AI Feature Store: the online serving endpoint (FetchFeatureValues)');
  componentOutput(store, 'feature_store_offline_store', store.offlineStore, 'Vertex AI Feature Store: the BigQuery dataset features are sourced from');
  componentOutput(store, 'feature_store_registry', store.registry, 'Vertex AI Feature Store: the online store feature views are created in');
  return store;
}
