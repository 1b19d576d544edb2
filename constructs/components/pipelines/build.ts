/**
 * Pipelines, built: Argo Workflows v4.0 (chart `argo-workflows` 1.0.18, pinned in
 * catalog/charts.ts) on the component's batch cluster, on the platform's real backing stores:
 *
 * | | aws | gcp | kubernetes |
 * |---|---|---|---|
 * | workflow archive (`persistence.postgresql`) | RDS for PostgreSQL (data tier) | Cloud SQL for PostgreSQL (private IP, built-in user) | a CloudNativePG cluster on the component's cluster |
 * | archive password to the controller and server | RDS-managed secret → External Secrets (as the controller's identity) | generated, Secret Manager → External Secrets | CloudNativePG's `argo-app` Secret |
 * | artifact repository | S3 (`argo-artifacts` bucket, `artifacts/`), `useSDKCreds` (IRSA) | GCS (same), Workload Identity | `objectStorage:`'s bucket, `argo/artifacts/`, its keys |
 * | identities | an IRSA role each for the controller, the server and the workflows | a Google service account each | the store's credentials Secret |
 *
 * Who may do what: the workflows' pods (`argo-workflow` in `loom-workloads`) write the artifact
 * prefix; the server (`argo-workflows-server`) reads it, to show artifacts in the UI; the
 * controller (`argo-workflows-controller`) reads the archive's password, synced by External
 * Secrets as the controller's identity. Nothing else.
 *
 * CRDs: the chart's default (`crds.full: true`) applies the full CRDs from a pre-install Job that
 * downloads them from raw.githubusercontent.com at every install and upgrade — an apply would then
 * depend on the cluster's egress to GitHub (private clusters, air-gapped data centres, GitHub's
 * rate limits) and on a kubectl image, in a hook Job outside Loom's placement. Loom installs the
 * chart's minimal CRDs instead (`crds.full: false`): templates of the release, upgraded with it,
 * kept on uninstall (`crds.keep`). Their schemas preserve unknown fields, so the API server checks
 * no workflow's spec; the controller validates every workflow when it is submitted, and the
 * resources Loom writes itself are checked against the full CRDs by the tests.
 *
 * Queueing: workflow pods run in `loom-workloads` and carry the `kueue.x-k8s.io/queue-name` label
 * of the namespace's LocalQueue (`controller.workflowDefaults`: `spec.podMetadata.labels`), so that
 * Kueue's pod integration admits each pod against the batch cluster's quota; their default
 * priority class is `loom-batch-low`, so that a team's urgent workflow (`loom-batch-high`) preempts.
 *
 * Reach: inside the platform only, with a real auth mode. The server runs `--auth-mode=client`:
 * every request carries the caller's Kubernetes bearer token and the server acts with the caller's
 * RBAC (never `server` mode, which would let anyone reaching the port act as the server). It
 * serves TLS with its own self-signed certificate (`server.secure`), so that tokens never cross the
 * network in clear. Pods on its cluster use the Service's cluster DNS name; the Service is also an
 * internal load balancer (AWS Load Balancer Controller NLB, GKE internal passthrough load balancer,
 * on existing clusters whatever implements LoadBalancer Services) admitting the platform network's
 * range, for other clusters and CI runners — by its fixed name `argo.<platform>.internal` on aws and
 * gcp (a private zone answering with fixed addresses of the address plan, `InternalDns`), by its
 * address read back on existing clusters. {@link ArgoWorkflows.grantSubmit} binds a Role in
 * `loom-workloads` to a cloud identity as the cluster authenticates it (an EKS access entry's
 * group, a GKE user named by the service account's email).
 *
 * Metrics: the controller serves Prometheus metrics (`controller.metricsConfig`, plain HTTP) on the
 * port `metrics` (9090) its pod declares: a scrape target for the monitoring component.
 *
 * A `WorkflowTemplate` `loom-smoke` (one small step writing one artifact) is released after the
 * chart, through Loom's resources chart: `argo submit --from workflowtemplate/loom-smoke` checks
 * queueing, the workflows' identity and the artifact repository in one go.
 */
import { Construct } from 'constructs';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from '../../core/cdk';
import type { IKubernetesCluster, ScrapeTarget } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { platformOf } from '../../core/stack';
import { CHARTS } from '../../../catalog/charts';
import { defaultReplicas, PLATFORM_NAMESPACES } from '../../../plan';
import { PIPELINES_STORES, pipelinesNames } from '../../../schema/pipelines-rules';
import { controllerPlacement, placementValues } from '../../addons/context';
import { CustomResources, type CustomResourceManifest } from '../../addons/release';
import { LOCAL_QUEUE_NAME } from '../../addons/kueue';
import { componentClusterAddons, componentOutput, componentScope, componentTags, servicesScope, type ComponentScrapeTarget, type IClusterAddons, type IScrapedComponent } from '../contract';
import { eksClusterOf } from '../clusters';
import { componentRelease } from '../helm';
import { internalLoadBalancerAnnotations, loadBalancerAddress, type FixedEndpoint } from '../load-balancer';
import { fixedComponentEndpoint } from '../dns';
import type { IObjectStore, IPostgres, WorkloadIdentity } from '../../stores/contract';
import { backingStores, databaseDependencies } from '../../stores/backing-stores';
import { ComponentIdentity } from '../../stores/workload-identity';
import { SecretSync } from '../../stores/secret-sync';
import type { IPipelines, KubernetesServiceAccountIdentity, ResolvedPipelinesProps } from './contract';
import { COMPONENT_SIZES, containerResources } from '../../../plan/footprints';

export { PIPELINES_STORES } from '../../../schema/pipelines-rules';

/** The release's name and `fullnameOverride`: the chart names the server `<it>-server` and the controller `<it>-workflow-controller`. */
export const ARGO_RELEASE = 'argo-workflows';
/** The server's Service (and Deployment). */
export const ARGO_SERVER_SERVICE = `${ARGO_RELEASE}-server`;
/** The server's port (Service and container; the chart's `server.servicePort`). */
export const ARGO_SERVER_PORT = 2746;
/** The controller's metrics port and its name, as the chart declares it on the controller's pod. */
export const ARGO_CONTROLLER_METRICS_PORT = {
  /** The port's number (`controller.metricsConfig.port`). */
  number: 9090,
  /** The port's name (`controller.metricsConfig.portName`; the scrape target selects it). */
  name: 'metrics',
} as const;
/** The Kubernetes service accounts of Argo's pods. */
export const ARGO_SERVICE_ACCOUNTS = {
  /** The workflow controller's (in `loom-system`): reads the archive's password. */
  controller: PIPELINES_STORES.serviceAccount,
  /** The server's (in `loom-system`): reads artifacts for the UI. */
  server: `${ARGO_RELEASE}-server`,
  /** The workflows' pods' (in `loom-workloads`): write artifacts. */
  workflows: 'argo-workflow',
} as const;
/** The archive's table (`persistence.postgresql.tableName`). */
export const ARGO_ARCHIVE_TABLE = 'argo_workflows';
/** Days archived workflows are kept (`persistence.archiveTTL`). */
export const ARGO_ARCHIVE_TTL = '90d';
/** Seconds a finished workflow stays in the cluster before only the archive has it (`ttlStrategy`). */
export const ARGO_WORKFLOW_TTL_SECONDS = 7 * 24 * 60 * 60;
/** The Role in `loom-workloads` submitters are bound to. */
export const ARGO_SUBMIT_ROLE = 'loom-pipelines-submit';
/** The Kubernetes group EKS access entries of submitters carry (aws). */
export const ARGO_SUBMITTERS_GROUP = 'loom:pipelines-submitters';
/** The smoke-test `WorkflowTemplate`. */
export const ARGO_SMOKE_TEMPLATE = 'loom-smoke';
/** The image of the smoke test's one step. */
export const ARGO_SMOKE_IMAGE = 'busybox:1.37.0';
/** The release of Loom's resources chart holding the smoke template. */
export const ARGO_RESOURCES_RELEASE = 'loom-pipelines-templates';
/** The Kueue label a pod names its LocalQueue with. */
export const WORKFLOW_QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';

/** The chart's pod labels of the controller (its selector). */
const CONTROLLER_POD_LABELS = { 'app.kubernetes.io/name': 'argo-workflows-workflow-controller', 'app.kubernetes.io/instance': ARGO_RELEASE } as const;

/** The in-cluster address of the Argo server (`host:port`). */
export const argoServerClusterAddress = `${ARGO_SERVER_SERVICE}.${PLATFORM_NAMESPACES.system}.svc.cluster.local:${ARGO_SERVER_PORT}`;

/** What {@link argoWorkflowsValues} renders the chart values from. */
export interface ArgoWorkflowsValuesProps {
  /** Controller and server replicas. */
  readonly replicas: number;
  /** The archive's database. */
  readonly database: Pick<IPostgres, 'host' | 'port' | 'databaseName'>;
  /** The Kubernetes Secret (in `loom-system`) holding the database user's `username` and `password`. */
  readonly databaseSecret: string;
  /** The artifact repository. */
  readonly artifacts: Pick<IObjectStore, 'kind' | 'bucketName' | 'prefix' | 'endpoint' | 'credentialsSecret' | 'region'>;
  /** The LocalQueue of `loom-workloads` the workflows' pods are queued in. */
  readonly queueName: string;
  /** The priority class of the workflows' pods, as a reference. */
  readonly workflowPriorityClass: string;
  /** The priority class of the controller and the server, as a reference. */
  readonly controllerPriorityClass: string;
  /** Where the controller and the server run (the controllers' nodes). */
  readonly placement: ReturnType<typeof placementValues>;
  /** The server Service's internal load balancer annotations. */
  readonly serviceAnnotations: Readonly<Record<string, string>>;
  /** Google Cloud: the reserved address the server's load balancer takes. @default the cloud's choice */
  readonly loadBalancerIp?: string;
  /** The ranges the load balancer admits (the platform network's). @default none (whatever implements LoadBalancer Services) */
  readonly sourceRanges?: readonly string[];
}

/** Argo's key format under the artifact prefix: one folder per namespace, workflow and pod. */
const keyFormat = (prefix: string) => `${prefix ? `${prefix}/` : ''}{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}`;

/** The chart's artifact repository values. */
export interface ArgoArtifactRepositoryValues {
  /** The chart's `useStaticCredentials`: keys from a Secret (the data centre's store) rather than the pods' identity. */
  readonly useStaticCredentials: boolean;
  /** The chart's `artifactRepository`. */
  readonly artifactRepository: Record<string, unknown>;
}

/**
 * The chart's `artifactRepository` (and `useStaticCredentials`): S3 through the pods' IRSA role
 * (`useSDKCreds`), GCS through Workload Identity (no key Secret), or the data centre's store
 * through its keys. The chart renders `gcs` through `tpl`, so Argo's own double-brace placeholders are
 * quoted there as a template string literal; `s3.keyFormat` is not templated.
 */
export function argoArtifactRepository(artifacts: ArgoWorkflowsValuesProps['artifacts']): ArgoArtifactRepositoryValues {
  const common = { archiveLogs: true };
  switch (artifacts.kind) {
    case 's3':
      return {
        useStaticCredentials: false,
        artifactRepository: {
          ...common,
          s3: {
            bucket: artifacts.bucketName,
            endpoint: `s3.${artifacts.region}.amazonaws.com`,
            region: artifacts.region,
            insecure: false,
            useSDKCreds: true,
            keyFormat: keyFormat(artifacts.prefix),
          },
        },
      };
    case 'gcs':
      return {
        useStaticCredentials: false,
        artifactRepository: { ...common, gcs: { bucket: artifacts.bucketName, keyFormat: `{{ ${JSON.stringify(keyFormat(artifacts.prefix))} }}` } },
      };
    case 's3-compatible': {
      if (!artifacts.endpoint || !artifacts.credentialsSecret) throw new PlatformValidationError('Argo Workflows on an S3-compatible store needs its endpoint and credentials Secret');
      return {
        useStaticCredentials: true,
        artifactRepository: {
          ...common,
          s3: {
            bucket: artifacts.bucketName,
            // Argo takes host[:port]; plain HTTP is `insecure`.
            endpoint: artifacts.endpoint.replace(/^https?:\/\//, '').replace(/\/+$/, ''),
            insecure: artifacts.endpoint.startsWith('http://'),
            region: artifacts.region ?? 'us-east-1',
            accessKeySecret: { name: artifacts.credentialsSecret, key: 'AWS_ACCESS_KEY_ID' },
            secretKeySecret: { name: artifacts.credentialsSecret, key: 'AWS_SECRET_ACCESS_KEY' },
            keyFormat: keyFormat(artifacts.prefix),
          },
        },
      };
    }
  }
}

/** Argo Workflows' chart values (no secret among them: the archive's password is read from a Secret by name). */
export function argoWorkflowsValues(props: ArgoWorkflowsValuesProps): Record<string, unknown> {
  const { useStaticCredentials, artifactRepository } = argoArtifactRepository(props.artifacts);
  const nodeSelector = { 'kubernetes.io/os': 'linux', ...(props.placement.nodeSelector ?? {}) };
  const tolerations = props.placement.tolerations ?? [];
  const ha = props.replicas > 1 ? { pdb: { enabled: true, minAvailable: 1 } } : {};
  return {
    fullnameOverride: ARGO_RELEASE,
    // Minimal CRDs as templates of the release (see the module comment).
    crds: { install: true, full: false, keep: true },
    images: { pullPolicy: 'IfNotPresent' },
    workflow: {
      // Loom creates the workflows' service account, with its identity's annotation.
      serviceAccount: { create: false, name: ARGO_SERVICE_ACCOUNTS.workflows },
      rbac: { create: true },
    },
    controller: {
      workflowNamespaces: [PLATFORM_NAMESPACES.workloads],
      serviceAccount: { create: false, name: ARGO_SERVICE_ACCOUNTS.controller },
      replicas: props.replicas,
      ...ha,
      priorityClassName: props.controllerPriorityClass,
      nodeSelector,
      tolerations,
      resources: containerResources(COMPONENT_SIZES.argoController),
      metricsConfig: { enabled: true, port: ARGO_CONTROLLER_METRICS_PORT.number, portName: ARGO_CONTROLLER_METRICS_PORT.name, path: '/metrics', secure: false },
      persistence: {
        archive: true,
        archiveTTL: ARGO_ARCHIVE_TTL,
        // Large workflows' node status goes to the database, not etcd's 1.5 MB objects.
        nodeStatusOffLoad: true,
        connectionPool: { maxIdleConns: 10, maxOpenConns: 0 },
        postgresql: {
          host: props.database.host,
          port: props.database.port,
          database: props.database.databaseName,
          tableName: ARGO_ARCHIVE_TABLE,
          // The chart grants the controller and the server `get` on these two names only.
          userNameSecret: { name: props.databaseSecret, key: 'username' },
          passwordSecret: { name: props.databaseSecret, key: 'password' },
          // Every database Loom creates refuses plain connections.
          ssl: true,
          sslMode: 'require',
        },
      },
      workflowDefaults: {
        spec: {
          serviceAccountName: ARGO_SERVICE_ACCOUNTS.workflows,
          // Kueue's pod integration admits each pod against the batch cluster's quota.
          podMetadata: { labels: { [WORKFLOW_QUEUE_LABEL]: props.queueName } },
          podPriorityClassName: props.workflowPriorityClass,
          ttlStrategy: { secondsAfterCompletion: ARGO_WORKFLOW_TTL_SECONDS },
          // Succeeded pods go at once (their logs are archived); failed ones stay for debugging until the TTL.
          podGC: { strategy: 'OnPodSuccess' },
        },
      },
    },
    server: {
      enabled: true,
      // Each request acts with the caller's Kubernetes RBAC (never `server`).
      authModes: ['client'],
      secure: true,
      serviceAccount: { create: false, name: ARGO_SERVICE_ACCOUNTS.server },
      replicas: props.replicas,
      ...ha,
      priorityClassName: props.controllerPriorityClass,
      nodeSelector,
      tolerations,
      resources: containerResources(COMPONENT_SIZES.argoServer),
      serviceType: 'LoadBalancer',
      servicePort: ARGO_SERVER_PORT,
      servicePortName: 'https',
      serviceAnnotations: { ...props.serviceAnnotations },
      ...(props.loadBalancerIp ? { loadBalancerIP: props.loadBalancerIp } : {}),
      ...(props.sourceRanges?.length ? { loadBalancerSourceRanges: [...props.sourceRanges] } : {}),
    },
    useStaticCredentials,
    artifactRepository,
  };
}

/** The scrape target of Argo's workflow controller. */
export const argoControllerScrapeTarget = (): ScrapeTarget => ({
  name: 'argo-workflows-controller',
  namespace: PLATFORM_NAMESPACES.system,
  podSelector: { ...CONTROLLER_POD_LABELS },
  port: ARGO_CONTROLLER_METRICS_PORT.name,
  path: '/metrics',
});

/** The smoke-test `WorkflowTemplate` (see the module comment). */
export function argoSmokeTemplate(labels: Readonly<Record<string, string>>): CustomResourceManifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name: ARGO_SMOKE_TEMPLATE, namespace: PLATFORM_NAMESPACES.workloads, labels: { ...labels } },
    spec: {
      entrypoint: 'smoke',
      templates: [
        {
          name: 'smoke',
          container: {
            image: ARGO_SMOKE_IMAGE,
            command: ['sh', '-c'],
            args: ['echo "Loom pipelines: admitted by Kueue, artifact written by the workflows identity" > /tmp/smoke.txt'],
            resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '64Mi' } },
          },
          outputs: { artifacts: [{ name: 'smoke', path: '/tmp/smoke.txt' }] },
        },
      ],
    },
  };
}

/** One rule of a Kubernetes Role. */
export interface ArgoSubmitRule {
  /** The API groups (`''` the core group). */
  readonly apiGroups: readonly string[];
  /** The resources. */
  readonly resources: readonly string[];
  /** The verbs. */
  readonly verbs: readonly string[];
}

/** The Role submitters get in `loom-workloads`: workflows, templates and cron workflows, and their pods' logs. */
export const ARGO_SUBMIT_RULES: readonly ArgoSubmitRule[] = [
  { apiGroups: ['argoproj.io'], resources: ['workflows', 'workflowtemplates', 'cronworkflows'], verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'] },
  { apiGroups: ['argoproj.io'], resources: ['workfloweventbindings', 'workflowtaskresults'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods', 'pods/log', 'events'], verbs: ['get', 'list', 'watch'] },
];

/** The identities of Argo's pods (aws, gcp). */
export interface ArgoIdentities {
  /** The controller's. */
  readonly controller: ComponentIdentity;
  /** The server's. */
  readonly server: ComponentIdentity;
  /** The workflows' pods'. */
  readonly workflows: ComponentIdentity;
}

/** Props of {@link ArgoWorkflows}. */
export interface ArgoWorkflowsProps extends ResolvedPipelinesProps {
  /** The add-ons stack of the cluster Argo runs on. */
  readonly addons: IClusterAddons;
  /** The workflow archive. */
  readonly database: IPostgres;
  /** The artifact repository. */
  readonly artifacts: IObjectStore;
  /** The pods' cloud identities (aws, gcp). @default none (existing clusters) */
  readonly identities?: ArgoIdentities;
  /** Where cloud-side grants go (the services stack's component scope; aws, gcp). @default none */
  readonly services?: Construct;
  /**
   * The fixed name and addresses of the server's load balancer (aws, gcp).
   * @default none: the load balancer's address is read back (existing clusters)
   */
  readonly endpoint?: FixedEndpoint;
  /** What the release waits for besides the secrets (the in-cluster database's release). @default nothing */
  readonly storeDependencies?: readonly ITerraformDependable[];
}

/** Pipelines, built: Argo Workflows on the component's batch cluster (see the module comment). */
export class ArgoWorkflows extends Construct implements IPipelines, IScrapedComponent {
  readonly componentName = 'pipelines' as const;
  readonly mode = 'build' as const;
  readonly implementation = 'build' as const;
  readonly product = 'argo-workflows' as const;
  readonly protocol = 'argo-workflows' as const;
  /** The Argo server's URL outside its cluster: the internal load balancer. @attribute */
  readonly submitUrl: string;
  readonly artifactRoot: string;
  readonly runIdentity: KubernetesServiceAccountIdentity;
  readonly runWorkloadIdentity?: WorkloadIdentity;
  /** The namespace workflows run in. */
  readonly workflowNamespace = PLATFORM_NAMESPACES.workloads;
  /** The workflow archive. */
  readonly database: IPostgres;
  /** The artifact repository. */
  readonly artifacts: IObjectStore;
  /** The chart's release. */
  readonly release: Release;
  /** The smoke template's release, after the chart's. */
  readonly templates: CustomResources;
  /** The cluster Argo runs on. */
  readonly cluster: IKubernetesCluster;
  /** What the monitoring component scrapes. */
  readonly scrapeTargets: readonly ComponentScrapeTarget[];
  /** The server's name outside its cluster: its fixed DNS name (aws, gcp), or its load balancer's address. @attribute */
  readonly serverAddress: string;
  private readonly addons: IClusterAddons;
  private readonly services?: Construct;
  private grants = 0;

  constructor(scope: Construct, id: string, props: ArgoWorkflowsProps) {
    super(scope, id);
    const { platform, addons } = props;
    this.addons = addons;
    this.cluster = addons.cluster;
    this.database = props.database;
    this.artifacts = props.artifacts;
    if (props.services) this.services = props.services;
    const system = addons.namespaces.system;
    const workloads = addons.namespaces.workloads;
    const labels = { ...componentTags('pipelines'), 'app.kubernetes.io/managed-by': 'loom' };
    const annotationsOf = (identity?: ComponentIdentity) => ({ ...(identity?.serviceAccountAnnotations ?? {}) });

    const controllerAccount = new ServiceAccountV1(this, 'ControllerServiceAccount', {
      metadata: { name: ARGO_SERVICE_ACCOUNTS.controller, namespace: system.name, labels, annotations: annotationsOf(props.identities?.controller) },
      automountServiceAccountToken: true,
    });
    const serverAccount = new ServiceAccountV1(this, 'ServerServiceAccount', {
      metadata: { name: ARGO_SERVICE_ACCOUNTS.server, namespace: system.name, labels, annotations: annotationsOf(props.identities?.server) },
      automountServiceAccountToken: true,
    });
    const workflowsAccount = new ServiceAccountV1(this, 'WorkflowsServiceAccount', {
      metadata: { name: ARGO_SERVICE_ACCOUNTS.workflows, namespace: workloads.name, labels, annotations: annotationsOf(props.identities?.workflows) },
      automountServiceAccountToken: true,
    });
    // The chart's Roles for the workflows name loom-workloads literally.
    const dependsOn: ITerraformDependable[] = [controllerAccount, serverAccount, workflowsAccount, ...(workloads.resource ? [workloads.resource] : []), ...(props.storeDependencies ?? [])];

    const password = props.database.passwordSecret;
    if (!password) throw new PlatformValidationError(`Argo Workflows needs an archive database user with a password; ${props.database.engine} gives none (use password authentication)`, this);
    let databaseSecret: string;
    if (password.kind === 'kubernetes') {
      if (password.namespace !== PLATFORM_NAMESPACES.system) throw new PlatformValidationError(`Argo's controller reads the archive's Secret from its own namespace (${PLATFORM_NAMESPACES.system}); ${password.namespace}/${password.name} is elsewhere`, this);
      databaseSecret = password.name;
    } else {
      // Synced as the controller's identity; the server reads the same Kubernetes Secret.
      const sync = new SecretSync(this, 'DatabaseSecret', {
        addons,
        name: `${PIPELINES_STORES.store}-database`,
        serviceAccount: ARGO_SERVICE_ACCOUNTS.controller,
        source: password,
        keys: { username: 'username', password: password.kind === 'aws-secrets-manager' ? password.jsonKey : 'password' },
        dependsOn: [controllerAccount],
      });
      databaseSecret = sync.secretName;
      dependsOn.push(sync.resources.resource);
    }

    const network = addons.cluster.network;
    const replicas = defaultReplicas(platform.environment);
    this.release = componentRelease(this, 'Release', {
      name: ARGO_RELEASE,
      chart: CHARTS.argoWorkflows,
      namespace: system.name,
      values: argoWorkflowsValues({
        replicas,
        database: props.database,
        databaseSecret,
        artifacts: props.artifacts,
        queueName: LOCAL_QUEUE_NAME,
        workflowPriorityClass: addons.priorityClasses.nameOf('loom-batch-low'),
        controllerPriorityClass: addons.priorityClasses.nameOf('loom-critical'),
        placement: placementValues(controllerPlacement(addons.cluster.plan)),
        serviceAnnotations: props.endpoint?.annotations ?? internalLoadBalancerAnnotations(platform.cloud),
        ...(props.endpoint?.loadBalancerIp ? { loadBalancerIp: props.endpoint.loadBalancerIp } : {}),
        ...(network ? { sourceRanges: [network.cidr] } : {}),
      }),
      timeout: 900,
      dependsOn,
    });

    // The WorkflowTemplate's CRD comes with the release; it names loom-workloads literally.
    this.templates = new CustomResources(this, 'Templates', {
      releaseName: ARGO_RESOURCES_RELEASE,
      namespace: system.name,
      manifests: [argoSmokeTemplate(labels)],
      dependsOn: [this.release, ...(workloads.resource ? [workloads.resource] : [])],
    });

    // Who may submit: a Role in loom-workloads; on EKS bound to the group submitters' access entries carry.
    new RoleV1(this, 'SubmitRole', {
      metadata: { name: ARGO_SUBMIT_ROLE, namespace: workloads.name, labels },
      rule: ARGO_SUBMIT_RULES.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
      dependsOn: [this.release],
    });
    if (platform.cloud === 'aws') {
      new RoleBindingV1(this, 'SubmittersBinding', {
        metadata: { name: `${ARGO_SUBMIT_ROLE}-group`, namespace: workloads.name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ARGO_SUBMIT_ROLE },
        subject: [{ kind: 'Group', name: ARGO_SUBMITTERS_GROUP, apiGroup: 'rbac.authorization.k8s.io' }],
        dependsOn: [this.release],
      });
    }

    if (props.endpoint) {
      // Its fixed name: known at plan time, so no cluster reads this one's state to find Argo.
      this.serverAddress = props.endpoint.hostname;
    } else {
      // Existing clusters: the server's address, once the release is ready (Helm waits for the load balancer).
      // Loaded here only: on aws and gcp nothing reads a load balancer back.
      const { DataKubernetesServiceV1 } = require('@cdktf/provider-kubernetes/lib/data-kubernetes-service-v1') as typeof import('@cdktf/provider-kubernetes/lib/data-kubernetes-service-v1');
      const service = new DataKubernetesServiceV1(this, 'LoadBalancer', { metadata: { name: ARGO_SERVER_SERVICE, namespace: PLATFORM_NAMESPACES.system }, dependsOn: [this.release] });
      const ingress = service.status.get(0).loadBalancer.get(0).ingress.get(0);
      this.serverAddress = loadBalancerAddress(platform.cloud, ingress);
    }
    this.submitUrl = `https://${this.serverAddress}:${ARGO_SERVER_PORT}`;
    this.artifactRoot = props.artifacts.uri;
    this.runIdentity = { kind: 'kubernetes-service-account', namespace: PLATFORM_NAMESPACES.workloads, name: ARGO_SERVICE_ACCOUNTS.workflows };
    const workflowsIdentity = props.identities?.workflows.identity;
    if (workflowsIdentity) this.runWorkloadIdentity = workflowsIdentity;
    this.scrapeTargets = [{ cluster: addons.cluster, target: argoControllerScrapeTarget() }];
  }

  /** The submit URL for clients on `cluster`: the cluster URL on Argo's own cluster, the load balancer elsewhere. */
  submitUrlFor(cluster: IKubernetesCluster): string {
    return `https://${this.argoServerFor(cluster)}`;
  }

  /** The server as the `argo` CLI takes it (`ARGO_SERVER`, `host:port`) for clients on `cluster`. */
  argoServerFor(cluster?: IKubernetesCluster): string {
    return cluster === this.cluster ? argoServerClusterAddress : `${this.serverAddress}:${ARGO_SERVER_PORT}`;
  }

  /**
   * Lets `identity` submit and manage workflows in `loom-workloads` through the server (which acts
   * with the caller's RBAC): on EKS an access entry for the role in the submitters' group, which
   * the Role is bound to (the role must have no access entry of its own on this cluster yet); on
   * GKE a binding of the Role to the service account's email, the user name GKE gives it, and
   * `container.clusterViewer` to fetch the cluster's credentials.
   */
  grantSubmit(identity: WorkloadIdentity): void {
    if (this.cluster.cloud === 'kubernetes') {
      throw new PlatformValidationError(`existing clusters authenticate no cloud identity (${identity.kind}); bind a Kubernetes subject with grantSubmitToServiceAccount`, this);
    }
    this.grants += 1;
    const n = this.grants;
    if (identity.kind === 'aws-iam-role') {
      if (!this.services) throw new PlatformValidationError('Argo Workflows grants EKS access entries from the services stack; none was given', this);
      const { EksAccessEntry } = require('@cdktf/provider-aws/lib/eks-access-entry') as typeof import('@cdktf/provider-aws/lib/eks-access-entry');
      new EksAccessEntry(this.services, `SubmitAccess${n}`, {
        clusterName: eksClusterOf(this.cluster, 'granting Argo Workflows submission').clusterName,
        principalArn: identity.roleArn,
        kubernetesGroups: [ARGO_SUBMITTERS_GROUP],
        type: 'STANDARD',
        tags: componentTags('pipelines'),
      });
      return;
    }
    if (!this.services) throw new PlatformValidationError('Argo Workflows grants cluster access from the services stack; none was given', this);
    const { ProjectIamMember } = require('@cdktf/provider-google/lib/project-iam-member') as typeof import('@cdktf/provider-google/lib/project-iam-member');
    new ProjectIamMember(this.services, `SubmitClusterViewer${n}`, {
      project: requiredProject(this.addons),
      role: 'roles/container.clusterViewer',
      member: `serviceAccount:${identity.email}`,
    });
    new RoleBindingV1(this, `SubmitBinding${n}`, {
      metadata: { name: `${ARGO_SUBMIT_ROLE}-${n}`, namespace: this.addons.namespaces.workloads.name, labels: { ...componentTags('pipelines'), 'app.kubernetes.io/managed-by': 'loom' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ARGO_SUBMIT_ROLE },
      subject: [{ kind: 'User', name: identity.email, apiGroup: 'rbac.authorization.k8s.io' }],
      dependsOn: [this.release],
    });
  }

  /**
   * Lets the Kubernetes service account `namespace/name` (a CI runner or notebook on Argo's
   * cluster, on any cloud) submit and manage workflows, with its own token.
   */
  grantSubmitToServiceAccount(namespace: string, name: string): void {
    this.grants += 1;
    new RoleBindingV1(this, `SubmitBinding${this.grants}`, {
      metadata: { name: `${ARGO_SUBMIT_ROLE}-${this.grants}`, namespace: this.addons.namespaces.workloads.name, labels: { ...componentTags('pipelines'), 'app.kubernetes.io/managed-by': 'loom' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ARGO_SUBMIT_ROLE },
      subject: [{ kind: 'ServiceAccount', name, namespace }],
      dependsOn: [this.release],
    });
  }
}

/** The platform's Google Cloud project (gcp). */
function requiredProject(scope: Construct): string {
  const project = platformOf(scope).gcpProject;
  if (!project) throw new PlatformValidationError('Argo Workflows on Google Cloud needs the platform\'s gcpProject', scope);
  return project;
}

/**
 * Pipelines, built (see the module comment): the archive database, artifact bucket and the three
 * identities in the services stack (aws, gcp) or the component's cluster (existing clusters), Argo
 * in the add-ons stack of its cluster.
 */
export function buildPipelines(props: ResolvedPipelinesProps): ArgoWorkflows {
  const addons = componentClusterAddons(props);
  const { platform } = props;
  const stores = PIPELINES_STORES;
  const names = pipelinesNames(platform.name);
  const inCluster = componentScope(addons, 'pipelines');
  let identities: ArgoIdentities | undefined;
  let services: Construct | undefined;
  if (platform.cloud !== 'kubernetes') {
    const scope = servicesScope(props, "build: Argo Workflows' archive database, artifact bucket and identities");
    services = scope;
    const aws = platform.cloud === 'aws';
    const identity = (id: string, pod: keyof typeof names.identities, namespace: string, description: string) =>
      new ComponentIdentity(scope, id, {
        cluster: addons.cluster,
        namespace,
        serviceAccount: ARGO_SERVICE_ACCOUNTS[pod],
        name: aws ? names.identities[pod].iamRole : names.identities[pod].gcpServiceAccount,
        description,
      });
    identities = {
      controller: identity('ControllerIdentity', 'controller', PLATFORM_NAMESPACES.system, `Argo Workflows controller of platform ${platform.name}`),
      server: identity('ServerIdentity', 'server', PLATFORM_NAMESPACES.system, `Argo Workflows server of platform ${platform.name}`),
      workflows: identity('WorkflowsIdentity', 'workflows', PLATFORM_NAMESPACES.workloads, `Argo workflows of platform ${platform.name}`),
    };
  }
  const pods = identities;
  // The workflow archive in PostgreSQL (the controller reads its password), artifacts in the
  // object store (workflows write them, the server reads them for the UI).
  const { database, objectStore: artifacts } = backingStores({
    platform,
    addons,
    ...(services ? { services } : {}),
    inCluster,
    stores,
    objectStoreId: 'Artifacts',
    ...(pods
      ? {
          databaseReader: pods.controller.identity!,
          grantObjectStore: (store: IObjectStore) => {
            store.grant(pods.workflows.identity!, 'write');
            store.grant(pods.server.identity!, 'read');
          },
        }
      : {}),
    what: 'pipelines build',
    files: "Argo Workflows' artifacts",
  });
  const storeDependencies = databaseDependencies(database);
  const endpointProps = { platform, component: 'pipelines', cluster: addons.cluster, label: 'argo', description: "Argo Workflows' server" } as const;
  // A fixed name: a private zone in the services stack (aws, gcp), the premises' DNS on existing clusters given internalDomain.
  const endpoint = fixedComponentEndpoint(services, endpointProps);
  const argo = new ArgoWorkflows(inCluster, 'Resource', {
    ...props,
    addons,
    database,
    artifacts,
    storeDependencies,
    ...(identities ? { identities } : {}),
    ...(services ? { services } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
  componentOutput(argo, 'pipelines_submit_url', argo.submitUrl, "Argo Workflows: the server's URL (inside the platform network; TLS with the server's own certificate, client auth mode)");
  componentOutput(argo, 'pipelines_artifact_root', argo.artifactRoot, "Argo Workflows: the artifact repository's root");
  componentOutput(argo, 'pipelines_run_identity', argo.runIdentity.name, `Argo Workflows: the service account workflows run as (in ${argo.runIdentity.namespace})`);
  return argo;
}
