/**
 * The serving contract: the models the spec declares (`components.serving.endpoints`), each behind
 * an endpoint, inside the platform — whichever mode provides them: KServe built on a cluster,
 * SageMaker endpoints, or Vertex AI endpoints. Switching the mode re-creates the same endpoints on
 * the other side; consumers see a new URL and protocol, by the same keys.
 */
import type { IKubernetesCluster } from '../../core/contracts';
import type { ITerraformDependable } from '../../core/cdk';
import { PlatformValidationError } from '../../core/errors';
import type { StoreAccess, WorkloadIdentity } from '../../stores/contract';
import type { ComponentProps, IPlatformComponent, ResolvedComponentProps } from '../contract';
import type { ServingComponentSpec, ServingComponentSpecInput } from '../../../schema/schema';

/** The products behind the serving contract. */
export type ServingProduct = 'kserve' | 'sagemaker' | 'vertex-ai';

/**
 * How clients call an endpoint: the Open Inference Protocol (KServe's v2 REST API,
 * `POST <url>/v2/models/<name>/infer`), SageMaker's runtime (`InvokeEndpoint`, SigV4-signed), or
 * Vertex AI's (`POST <url>` with a Google token, `{"instances": …}`).
 */
export type ServingProtocol = 'open-inference' | 'sagemaker' | 'vertex-ai';

/** Serving, as consumers see it. */
export interface IServing extends IPlatformComponent {
  /** Always `serving`. */
  readonly componentName: 'serving';
  /** The product behind it. */
  readonly product: ServingProduct;
  /** The client protocol. */
  readonly protocol: ServingProtocol;
  /** The declared endpoints' names, in the spec's order. */
  readonly endpoints: readonly string[];
  /**
   * Where clients reach endpoint `name` from anywhere in the platform: KServe's internal load
   * balancer (build), `https://runtime.sagemaker.<region>.amazonaws.com/endpoints/<endpoint>/invocations`,
   * or `https://<region>-aiplatform.googleapis.com/v1/projects/<project>/locations/<region>/endpoints/<id>:predict`.
   * Throws for a name the spec does not declare.
   */
  endpointUrl(name: string): string;
  /**
   * Lets `identity` call every endpoint: `sagemaker:InvokeEndpoint` on them (AWS), the predict
   * permission (Google Cloud); built, nothing — KServe's endpoints are reached through the network,
   * as MLflow's are.
   */
  grantInvoke(identity: WorkloadIdentity): void;
  /**
   * Lets `deployer` deploy its own models beside the spec's endpoints, and invoke them (deploy
   * implies {@link grantInvoke}), never touching the spec's: on SageMaker, its IAM role may create,
   * update and delete models, endpoint configurations and endpoints named
   * `<platform>-<namespace>-*`, passing the serving execution role; on Vertex AI, its service
   * account gets Vertex AI User on the project and may act as the serving service account (Vertex
   * AI has no narrower grant: synth warns); built (KServe), a Role on InferenceServices in the
   * deployer's own namespace on the serving cluster, bound to its service account and its
   * subjects — its models run there, as its service account, within its quota. Throws when the
   * deployer lacks what the implementation authorizes (a cloud identity; a namespace on the
   * serving cluster).
   */
  grantDeploy(deployer: ServingDeployer): void;
}

/** An RBAC subject (`subjects[]` of a RoleBinding). */
export interface RbacSubject {
  /** `Group`, `User` or `ServiceAccount`. */
  readonly kind: 'Group' | 'User' | 'ServiceAccount';
  /** Its name. */
  readonly name: string;
  /** `rbac.authorization.k8s.io` for groups and users. */
  readonly apiGroup?: string;
  /** A service account's namespace. */
  readonly namespace?: string;
}

/** Who deploys models of their own ({@link IServing.grantDeploy}): a team, as the platform knows it. */
export interface ServingDeployer {
  /** A name for the deployer's resources, a DNS label (the team's namespace, `team-<name>`). */
  readonly namespace: string;
  /** Its Kubernetes service account in {@link namespace} (its models run as it on KServe). */
  readonly serviceAccount: string;
  /**
   * Its cloud identity (aws, gcp), which bought serving authorizes.
   * @default none (existing clusters): bought serving throws
   */
  readonly identity?: WorkloadIdentity;
  /**
   * The people who deploy beside its service account (RBAC subjects; built serving binds them).
   * @default none
   */
  readonly subjects?: readonly RbacSubject[];
  /** The clusters {@link namespace} exists on (built serving deploys into it on its own cluster). */
  readonly clusters: readonly string[];
  /**
   * What waits for the namespace on `cluster` (the namespace resource in that cluster's stack).
   * @default nothing to wait for
   */
  namespaceResourceOn?(cluster: string): ITerraformDependable | undefined;
}

/**
 * Read access to the store models are read from, as the experiment tracking component's artifact
 * store gives it (an `IObjectStore` is one).
 */
export interface ModelStoreAccess {
  /** `s3://<bucket>/<prefix>` or `gs://<bucket>/<prefix>`. */
  readonly uri: string;
  /** Grants `identity` `access` on the store's prefix. */
  grant(identity: WorkloadIdentity, access: StoreAccess): void;
}

/** What serving consumes from the other components (the platform wires them; all optional). */
export interface ServingConsumes {
  /**
   * The experiment tracking component's artifact store (`IExperimentTracking.artifactUri`):
   * endpoints whose `model` is a path are read from `<modelStoreUri>/<model>`. Without it a path
   * is refused; full `s3://` / `gs://` URIs need none.
   * @default none
   */
  readonly modelStoreUri?: string;
  /**
   * Grants on that store, so that serving's identity may read the models (aws, gcp).
   * @default none: the identity gets no grant on the artifact store
   */
  readonly modelStore?: ModelStoreAccess;
  /**
   * The registry component's URL (`IRegistry.registryUrl`): a `custom` endpoint's image is
   * `<registryUrl>/<image>`. Without it `custom` is refused.
   * @default none
   */
  readonly registryUrl?: string;
  /**
   * Environment every model server gets, e.g. the feature store's client environment
   * (`featureStoreEnvironment`), so that servers read online features: the predictor containers'
   * env (build), the model containers' environment (SageMaker), `--container-env-vars` of the
   * upload command (Vertex AI). No secret: values are visible in the plan.
   * @default none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Built: the model servers read `environment` from the cluster's `loom-platform` ConfigMap
   * (`envFrom` of its copy in their namespace) instead of inline — the platform's whole client
   * environment, with the same keys, so that switching a consumed component's mode changes the
   * ConfigMap's values and no InferenceService. Bought serving has no ConfigMap: `environment` is
   * baked into its models.
   * @default false
   */
  readonly environmentFromPlatformConfig?: boolean;
}

/** Serving's props: `components.serving` of platform.yaml, the clusters' add-ons stacks, the services stack, and what it consumes. */
export type ServingProps = ComponentProps<ServingComponentSpecInput> & ServingConsumes;
/** Serving's props, validated. */
export type ResolvedServingProps = ResolvedComponentProps<ServingComponentSpec> & ServingConsumes;

/**
 * Serving's client environment, in every cluster's `loom-platform` ConfigMap: the same keys in
 * every mode. `LOOM_SERVING_ENDPOINTS` is a JSON object, endpoint name → URL (on the cluster KServe
 * runs on, its in-cluster URLs); `LOOM_SERVING_PROTOCOL` says how to call them.
 */
export function servingEnvironment(
  serving: Pick<IServing, 'protocol' | 'endpoints' | 'endpointUrl'> & {
    /** Where clients on a given cluster reach an endpoint, when that differs by cluster (KServe on one of them). */
    endpointUrlFor?(name: string, cluster: IKubernetesCluster): string;
  },
  cluster?: IKubernetesCluster,
): Record<string, string> {
  const url = (name: string) => (cluster && serving.endpointUrlFor ? serving.endpointUrlFor(name, cluster) : serving.endpointUrl(name));
  return {
    LOOM_SERVING_ENDPOINTS: servingEndpointsJson(serving.endpoints, url),
    LOOM_SERVING_PROTOCOL: serving.protocol,
  };
}

/**
 * The endpoints as one JSON object, name → URL, the value of `LOOM_SERVING_ENDPOINTS` and of the
 * `serving_endpoints` output. URLs may hold Terraform references (a load balancer's address):
 * they stay references inside the string, which Terraform interpolates.
 */
export function servingEndpointsJson(endpoints: readonly string[], url: (name: string) => string): string {
  return JSON.stringify(Object.fromEntries(endpoints.map((name) => [name, url(name)])));
}

/** The error for an endpoint name the spec does not declare. */
export function unknownEndpoint(name: string, endpoints: readonly string[]): PlatformValidationError {
  return new PlatformValidationError(`serving has no endpoint '${name}'; the spec declares ${endpoints.length ? endpoints.join(', ') : 'none'}`);
}
