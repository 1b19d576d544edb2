/**
 * The pipelines contract: what consumers (data scientists' notebooks, CI, schedulers) need to
 * submit ML workflows — training, evaluation, batch scoring — and what the runs need to work,
 * whichever mode provides it: Argo Workflows built on the platform's batch cluster, SageMaker
 * Pipelines, or Vertex AI Pipelines.
 */
import type { IKubernetesCluster } from '../../core/contracts';
import type { WorkloadIdentity } from '../../stores/contract';
import type { ComponentProps, IPlatformComponent, ResolvedComponentProps } from '../contract';
import type { PipelinesComponentSpec, PipelinesComponentSpecInput } from '../../../schema/schema';

/** The products behind the pipelines contract. */
export type PipelinesProduct = 'argo-workflows' | 'sagemaker-pipelines' | 'vertex-ai-pipelines';

/**
 * How clients submit: Argo Workflows' API (the `argo` CLI, Hera, the Kubeflow Pipelines SDK's
 * Argo backend), the SageMaker API (`sagemaker.workflow`), or the Vertex AI API
 * (`aiplatform.PipelineJob`). One value per product.
 */
export type PipelinesProtocol = PipelinesProduct;

/** A Kubernetes service account runs execute as (Argo Workflows: the workflows' `serviceAccountName`). */
export interface KubernetesServiceAccountIdentity {
  /** Always `kubernetes-service-account`. */
  readonly kind: 'kubernetes-service-account';
  /** Its namespace, where the runs' pods are. */
  readonly namespace: string;
  /** Its name. */
  readonly name: string;
}

/** The identity pipeline runs execute as: a cloud identity (SageMaker, Vertex AI) or a Kubernetes service account (Argo). */
export type PipelinesRunIdentity = WorkloadIdentity | KubernetesServiceAccountIdentity;

/** The pipelines component, as consumers see it. */
export interface IPipelines extends IPlatformComponent {
  /** Always `pipelines`. */
  readonly componentName: 'pipelines';
  /** The product behind it. */
  readonly product: PipelinesProduct;
  /** The client protocol. */
  readonly protocol: PipelinesProtocol;
  /**
   * Where clients submit pipelines: the Argo server's URL (build; inside the platform network), or
   * the regional API endpoint of SageMaker (`https://api.sagemaker.<region>.amazonaws.com`) or
   * Vertex AI (`https://<region>-aiplatform.googleapis.com`). @attribute
   */
  readonly submitUrl: string;
  /** Where runs keep their artifacts (Argo's artifact repository, SageMaker's and Vertex AI's pipeline root): `s3://…` or `gs://…`. @attribute */
  readonly artifactRoot: string;
  /**
   * The identity runs execute as: the Kubernetes service account Argo runs workflow pods as, the
   * SageMaker pipeline execution role, or the Google service account of Vertex AI pipeline jobs.
   */
  readonly runIdentity: PipelinesRunIdentity;
  /**
   * The cloud identity runs act with, which other components grant access to (the tracking
   * component's artifacts, the registry's images, the feature store's offline store): the
   * execution role or service account, or the cloud identity of Argo's workflow service account.
   * Undefined on existing clusters (no cloud identities there).
   */
  readonly runWorkloadIdentity?: WorkloadIdentity;
  /** Lets `identity` submit, inspect and stop pipeline runs that execute as {@link runIdentity}. */
  grantSubmit(identity: WorkloadIdentity): void;
}

/** The pipelines component's props: `components.pipelines` of platform.yaml, the clusters' add-ons stacks and the services stack. */
export type PipelinesProps = ComponentProps<PipelinesComponentSpecInput>;
/** The pipelines component's props, validated. */
export type ResolvedPipelinesProps = ResolvedComponentProps<PipelinesComponentSpec>;

/** How an identity is named to clients: a role ARN, a service account email, or a Kubernetes service account's name. */
export function runIdentityName(identity: PipelinesRunIdentity): string {
  switch (identity.kind) {
    case 'aws-iam-role':
      return identity.roleArn;
    case 'gcp-service-account':
      return identity.email;
    case 'kubernetes-service-account':
      return identity.name;
  }
}

/** What {@link pipelinesEnvironment} reads: the contract, and Argo's per-cluster server address where there is one. */
export type PipelinesEnvironmentSource = Pick<IPipelines, 'protocol' | 'submitUrl' | 'artifactRoot' | 'runIdentity'> & {
  /** The submit URL for clients on a given cluster, when that differs by cluster (Argo built on one of them). */
  submitUrlFor?(cluster: IKubernetesCluster): string;
  /** Argo's server as the `argo` CLI takes it (`host:port`), for clients on `cluster` (Argo only). */
  argoServerFor?(cluster?: IKubernetesCluster): string;
  /** The namespace Argo runs workflows in (Argo only). */
  readonly workflowNamespace?: string;
};

/**
 * The pipelines component's client environment, in every cluster's `loom-platform` ConfigMap: the
 * same keys whichever mode provides it. `LOOM_PIPELINES_PROTOCOL` tells clients how to read the
 * others; the `ARGO_*` keys, which the `argo` CLI and Hera read, are set where the protocol is
 * `argo-workflows` and empty otherwise. Argo's server serves TLS with its own self-signed
 * certificate (so that clients' Kubernetes tokens never cross the network in clear), which clients
 * accept without verifying it (`ARGO_INSECURE_SKIP_VERIFY`): the network is the platform's own.
 */
export function pipelinesEnvironment(pipelines: PipelinesEnvironmentSource, cluster?: IKubernetesCluster): Record<string, string> {
  const argo = pipelines.protocol === 'argo-workflows';
  return {
    ARGO_INSECURE_SKIP_VERIFY: argo ? 'true' : '',
    ARGO_NAMESPACE: argo ? (pipelines.workflowNamespace ?? '') : '',
    ARGO_SECURE: argo ? 'true' : '',
    ARGO_SERVER: argo && pipelines.argoServerFor ? pipelines.argoServerFor(cluster) : '',
    LOOM_PIPELINES_ARTIFACT_ROOT: pipelines.artifactRoot,
    LOOM_PIPELINES_PROTOCOL: pipelines.protocol,
    LOOM_PIPELINES_RUN_IDENTITY: runIdentityName(pipelines.runIdentity),
    LOOM_PIPELINES_SUBMIT_URL: cluster && pipelines.submitUrlFor ? pipelines.submitUrlFor(cluster) : pipelines.submitUrl,
  };
}
