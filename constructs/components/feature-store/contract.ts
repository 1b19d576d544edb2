/**
 * The feature store contract: what consumers (training pipelines, notebooks, serving) need to read
 * features for training (the offline store) and for inference (the online endpoint), and to write
 * them, whichever mode provides it: Feast built on the platform's clusters, SageMaker Feature
 * Store, or Vertex AI Feature Store.
 */
import type { IKubernetesCluster } from '../../core/contracts';
import type { WorkloadIdentity } from '../../stores/contract';
import type { ComponentProps, IPlatformComponent, ResolvedComponentProps } from '../contract';
import type { FeatureStoreComponentSpec, FeatureStoreComponentSpecInput } from '../../../schema/schema';

/** The products behind the feature store contract. */
export type FeatureStoreProduct = 'feast' | 'sagemaker-feature-store' | 'vertex-ai-feature-store';

/**
 * How clients talk to it: the Feast SDK (`feature_store.yaml` from the environment), the SageMaker
 * Feature Store runtime API (boto3 `sagemaker-featurestore-runtime`), or the Vertex AI SDK
 * (`FeatureOnlineStoreServiceClient`). One value per product.
 */
export type FeatureStoreProtocol = FeatureStoreProduct;

/** The feature store, as consumers see it. */
export interface IFeatureStore extends IPlatformComponent {
  /** Always `featureStore`. */
  readonly componentName: 'featureStore';
  /** The product behind it. */
  readonly product: FeatureStoreProduct;
  /** The client protocol. */
  readonly protocol: FeatureStoreProtocol;
  /**
   * Where clients read online features: the Feast feature server's URL (build), the regional
   * SageMaker Feature Store runtime endpoint, or the Vertex AI online store's serving endpoint.
   * @attribute
   */
  readonly onlineEndpoint: string;
  /**
   * Where offline (training) features live: `s3://<bucket>/<prefix>` (Feast on AWS, SageMaker
   * Feature Store's offline store), `gs://<bucket>/<prefix>` (Feast on Google Cloud), or the
   * BigQuery dataset features are sourced from, `bq://<project>.<dataset>` (Vertex AI).
   * @attribute
   */
  readonly offlineStore: string;
  /**
   * Where feature definitions live: Feast's SQL registry as `postgresql://<host>:5432/<database>`
   * (never with credentials), the SageMaker feature groups of the platform's account and region
   * (`arn:<partition>:sagemaker:<region>:<account>:feature-group/*`), or the Vertex AI online store
   * `projects/<project>/locations/<region>/featureOnlineStores/<name>`.
   * @attribute
   */
  readonly registry: string;
  /** Lets `identity` read online and offline features and the feature definitions. */
  grantRead(identity: WorkloadIdentity): void;
  /**
   * Lets `identity` also define features (feature groups, feature views) and write feature values,
   * online and offline.
   */
  grantWrite(identity: WorkloadIdentity): void;
}

/** The feature store's props: `components.featureStore` of platform.yaml, the clusters' add-ons stacks and the services stack. */
export type FeatureStoreProps = ComponentProps<FeatureStoreComponentSpecInput>;
/** The feature store's props, validated. */
export type ResolvedFeatureStoreProps = ResolvedComponentProps<FeatureStoreComponentSpec>;

/**
 * The feature store's client environment, in every cluster's `loom-platform` ConfigMap: the same
 * four keys whichever mode provides it; `LOOM_FEATURE_STORE_PROTOCOL` tells clients how to read the
 * other three.
 */
export function featureStoreEnvironment(
  store: Pick<IFeatureStore, 'protocol' | 'onlineEndpoint' | 'offlineStore' | 'registry'> & {
    /** Where clients on a given cluster reach the online endpoint, when that differs by cluster (Feast built on one of them). */
    onlineEndpointFor?(cluster: IKubernetesCluster): string;
  },
  cluster?: IKubernetesCluster,
): Record<string, string> {
  return {
    LOOM_FEATURE_STORE_ENDPOINT: cluster && store.onlineEndpointFor ? store.onlineEndpointFor(cluster) : store.onlineEndpoint,
    LOOM_FEATURE_STORE_OFFLINE_STORE: store.offlineStore,
    LOOM_FEATURE_STORE_PROTOCOL: store.protocol,
    LOOM_FEATURE_STORE_REGISTRY: store.registry,
  };
}
