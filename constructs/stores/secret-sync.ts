/**
 * Secrets to pods without a secret value in Terraform: the External Secrets Operator (chart
 * `external-secrets`, pinned in catalog/charts.ts, serving only `external-secrets.io/v1`) copies a
 * secret from the cloud's secret manager into a Kubernetes Secret, reading it as the component's
 * own workload identity — a namespaced `SecretStore` whose auth is the component's service account
 * (IRSA on EKS, Workload Identity on GKE), so the operator itself holds no cloud permission and one
 * component cannot read another's secrets. The component's pods read the Kubernetes Secret.
 *
 * The operator is installed once per cluster, in its add-ons stack, on first use
 * ({@link ExternalSecretsOperator.of}); each synced secret's `SecretStore` and `ExternalSecret` are
 * released through Loom's resources chart after the operator's release (CRDs established, webhook
 * serving), never with `kubernetes_manifest`, so the first plan of a fresh cluster works.
 *
 * On existing clusters there is no cloud secret manager: stores hand out Kubernetes Secrets
 * their operators generate (CloudNativePG's `<cluster>-app`), and nothing is synced.
 */
import { Construct } from 'constructs';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { TerraformStack, type ITerraformDependable } from '../core/cdk';
import { PlatformValidationError } from '../core/errors';
import { platformOf } from '../core/stack';
import { AddonRelease, CustomResources, type CustomResourceManifest, type HelmValues } from '../addons/release';
import { controllerPlacement, placementValues } from '../addons/context';
import type { IClusterAddons } from '../components/contract';
import type { SecretReference } from './contract';
import type { ClusterPlan } from '../../plan';

/** The operator's release name (and the prefix of what its chart creates). */
export const EXTERNAL_SECRETS_RELEASE = 'external-secrets';

/** How often the operator re-reads a synced secret (so a rotated password reaches the Secret). */
export const SECRET_REFRESH_INTERVAL = '1h';

/**
 * The operator's chart values: its CRDs (templated, upgraded with the chart), only the kinds Loom
 * uses processed (no cluster-wide stores: every store is namespaced and authenticates as a
 * component), on the controllers' nodes.
 */
export function externalSecretsValues(cluster: Pick<ClusterPlan, 'systemPool'>): HelmValues {
  const placement = placementValues(controllerPlacement(cluster));
  return {
    fullnameOverride: EXTERNAL_SECRETS_RELEASE,
    installCRDs: true,
    // No ClusterSecretStore: a cluster-wide store would let any namespace read what it can.
    processClusterStore: false,
    processClusterExternalSecret: false,
    processPushSecret: false,
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    ...placement,
    webhook: { resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } }, ...placement },
    certController: { resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } }, ...placement },
  };
}

/** The External Secrets Operator on one cluster, installed in its add-ons stack on first use. */
export class ExternalSecretsOperator extends Construct {
  /** The operator's release (CRDs, controller, webhook, cert controller). */
  readonly release: AddonRelease;

  /** The operator of `addons`'s cluster, installed there on first use. */
  static of(addons: IClusterAddons): ExternalSecretsOperator {
    const id = 'ExternalSecretsOperator';
    return (addons.node.tryFindChild(id) as ExternalSecretsOperator | undefined) ?? new ExternalSecretsOperator(addons, id, addons);
  }

  private constructor(scope: Construct, id: string, addons: IClusterAddons) {
    super(scope, id);
    this.release = new AddonRelease(this, 'Release', {
      chart: 'externalSecrets',
      releaseName: EXTERNAL_SECRETS_RELEASE,
      namespace: addons.namespaces.system.name,
      values: externalSecretsValues(addons.cluster.plan),
    });
  }

  /** The `helm_release` every synced secret waits for. */
  get resource(): Release {
    return this.release.resource;
  }
}

/** Props of {@link SecretSync}. */
export interface SecretSyncProps {
  /** The add-ons stack of the cluster the Secret is needed on. */
  readonly addons: IClusterAddons;
  /** The Kubernetes Secret to write (in `loom-system`), and the name of its store and ExternalSecret. */
  readonly name: string;
  /** The Kubernetes service account whose cloud identity reads the secret (the component's). */
  readonly serviceAccount: string;
  /** The secret in the cloud's secret manager. */
  readonly source: Extract<SecretReference, { kind: 'aws-secrets-manager' | 'gcp-secret-manager' }>;
  /**
   * The Secret's keys, each from a JSON key of the cloud secret (`undefined`: the whole value).
   * @example { username: 'username', password: 'password' } for an RDS-managed secret
   */
  readonly keys: Readonly<Record<string, string | undefined>>;
  /** What must exist first (the service account the store authenticates as). @default nothing */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The `SecretStore` and `ExternalSecret` that copy one cloud secret into a Kubernetes Secret. */
export function secretSyncManifests(props: Omit<SecretSyncProps, 'addons' | 'dependsOn'> & { readonly namespace: string; readonly region?: string; readonly gcpProject?: string }): CustomResourceManifest[] {
  const labels = { 'app.kubernetes.io/managed-by': 'loom', 'loom.dev/secret': props.name };
  const serviceAccountRef = { name: props.serviceAccount };
  let provider: Record<string, unknown>;
  let remoteKey: string;
  if (props.source.kind === 'aws-secrets-manager') {
    if (!props.region) throw new PlatformValidationError(`secret ${props.name}: an AWS Secrets Manager secret needs the platform's region`);
    provider = { aws: { service: 'SecretsManager', region: props.region, auth: { jwt: { serviceAccountRef } } } };
    remoteKey = props.source.arn;
  } else {
    if (!props.gcpProject) throw new PlatformValidationError(`secret ${props.name}: a Secret Manager secret needs the platform's gcpProject`);
    provider = { gcpsm: { projectID: props.gcpProject, auth: { workloadIdentity: { serviceAccountRef } } } };
    // `projects/<p>/secrets/<name>` → the secret's name within the store's project.
    remoteKey = props.source.secretId;
  }
  const store: CustomResourceManifest = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: props.name, namespace: props.namespace, labels },
    spec: { provider },
  };
  const externalSecret: CustomResourceManifest = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: props.name, namespace: props.namespace, labels },
    spec: {
      refreshInterval: SECRET_REFRESH_INTERVAL,
      secretStoreRef: { name: props.name, kind: 'SecretStore' },
      target: { name: props.name, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: Object.entries(props.keys).map(([secretKey, property]) => ({
        secretKey,
        remoteRef: { key: remoteKey, ...(property !== undefined ? { property } : {}) },
      })),
    },
  };
  return [store, externalSecret];
}

/**
 * One cloud secret, kept in sync in a Kubernetes Secret of `loom-system` (see the module comment).
 * The value passes from the secret manager to the cluster without entering Terraform.
 */
export class SecretSync extends Construct {
  /** The Kubernetes Secret's name (in `loom-system`). */
  readonly secretName: string;
  /** The release of the `SecretStore` and `ExternalSecret`, after the operator's. */
  readonly resources: CustomResources;
  /** The objects released. */
  readonly manifests: readonly CustomResourceManifest[];

  constructor(scope: Construct, id: string, props: SecretSyncProps) {
    super(scope, id);
    if (TerraformStack.of(this) !== TerraformStack.of(props.addons)) {
      throw new PlatformValidationError(`secret ${props.name} must be synced from the add-ons stack it is given (its objects are released there, after the operator)`, this);
    }
    const platform = platformOf(this);
    this.secretName = props.name;
    const namespace = props.addons.namespaces.system.name;
    this.manifests = secretSyncManifests({
      name: props.name,
      serviceAccount: props.serviceAccount,
      source: props.source,
      keys: props.keys,
      namespace: 'loom-system',
      ...(platform.region ? { region: platform.region } : {}),
      ...(platform.gcpProject ? { gcpProject: platform.gcpProject } : {}),
    });
    const operator = ExternalSecretsOperator.of(props.addons);
    const namespaceResource = props.addons.namespaces.system.resource;
    this.resources = new CustomResources(this, 'Resources', {
      releaseName: `loom-secret-${props.name}`,
      namespace,
      manifests: this.manifests,
      dependsOn: [operator.resource, ...(namespaceResource ? [namespaceResource] : []), ...(props.dependsOn ?? [])],
    });
  }
}
