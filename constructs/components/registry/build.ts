/**
 * Registry, built: Harbor on the component's cluster (`components.registry.cluster`), serving
 * `https://<hostname>` through an internal load balancer, scanning images with Trivy, and keeping
 * image layers in the cloud's object store (S3 through an access key, GCS through Workload
 * Identity; see `image-store.ts`) or, on existing clusters, in a persistent volume.
 *
 * Pulling works end to end, on every cluster the component is given (`pullers`):
 *
 * - name: a private DNS zone for the hostname on the platform's network, answering with the load
 *   balancer's fixed addresses from the address plan (`dns.ts`; aws and gcp — on existing
 *   clusters point the hostname at Harbor's load balancer yourself);
 * - trust: Harbor serves a certificate of a platform CA that every cluster's containerd trusts:
 *   GKE node pools read it from Secret Manager (`constructs/gcp/registry-ca.ts`; the CA is made in
 *   the network stack), EKS and existing clusters' nodes get it from a DaemonSet (`trust.ts`);
 * - credentials: the images live in a private project named after the platform (`library` is
 *   made private too), pulled by a robot account whose credentials are the default image pull
 *   secret of every cluster's `loom-workloads` (`pull-access.ts`).
 *
 * Pushing (`grantPush`, a team's `access.registry.push`) is granted to a Kubernetes service account
 * (`authentication: harbor-robot`): a project robot `robot$<project>+<namespace>` with push and
 * pull on the project, made or updated by the setup Job (`pull-access.ts`), whose secret is a
 * `random_password` of the registry cluster's add-ons stack (8–128 characters with upper and lower
 * case and a digit, as Harbor requires; the random provider is loaded only with a pusher), and
 * whose login is the `harbor-push` dockerconfigjson Secret in the namespace on each of the
 * principal's clusters, waiting for the namespace. Harbor's robots are project-wide: it cannot
 * limit a robot to the named repositories, so the robot may push any repository of the project —
 * synth warns, naming the ones granted.
 *
 * Secrets are inputs, never defaults, and sensitive Terraform variables of the registry cluster's
 * add-ons stack: Harbor's initial admin password (`TF_VAR_harbor_admin_password`), its
 * 16-character secret key (`TF_VAR_harbor_secret_key`: it encrypts the credentials Harbor stores;
 * never change it after the first apply) and the pull robot's secret
 * (`TF_VAR_harbor_robot_secret`); the internal database and registry passwords are derived from
 * the secret key. The other clusters' add-ons stacks receive the robots' secrets and the CA as
 * (sensitive) cross-stack references, so they apply after the registry cluster's. On Google Cloud
 * the registry cluster's add-ons stack receives the CA's key from the network stack (sensitive).
 */
import type { ResolvedRegistryProps } from './contract';
import { Construct } from 'constructs';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { Annotations, Fn, TerraformStack, TerraformVariable, type ITerraformDependable } from '../../core/cdk';
import { namespaceResourceIn } from '../../kubernetes/namespace';
import type { IKubernetesCluster } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { CHARTS } from '../../../catalog/charts';
import { harborAddresses, PLATFORM_NAMESPACES, REGISTRY_PROFILES, registryOptions, type LoadBalancerAddress, type PlatformContext } from '../../../plan';
import { componentClusterAddons, componentOutput, componentScope, componentTags, servicesScope, type IClusterAddons } from '../contract';
import { componentRelease } from '../helm';
import { internalLoadBalancerAnnotations } from '../load-balancer';

export { internalLoadBalancerAnnotations } from '../load-balancer';
import { checkPushRepositories, repositoryUrlOf, type IRegistry, type RegistryPusher } from './contract';
import { HARBOR_IMAGE_STORE_SECRET, HARBOR_REGISTRY_SERVICE_ACCOUNT, type HarborImageStore } from './image-store';
import { HarborDns } from './dns';
import { HARBOR_TLS_SECRET, HarborCertificate, NodeTrust } from './trust';
import { HarborPullSecret, HarborPushSecret, HarborSetup, harborPushRobot, harborRobotName } from './pull-access';
import { registryTrustOf } from '../../gcp/registry-trust';
import { COMPONENT_SIZES, containerResources } from '../../../plan/footprints';

/**
 * Harbor's project for the platform's images: private, named after the platform (Harbor's own
 * `library` is public on install, so Loom does not use it and makes it private).
 */
export const harborProject = (platform: string) => platform;

/** Harbor's Service (`expose.loadBalancer.name`), which the setup Job calls from inside the cluster. */
export const HARBOR_SERVICE = 'harbor';

/** What {@link harborValues} renders Harbor's chart values from. */
export interface HarborValuesProps {
  /** The platform's settings (name, cloud, environment). */
  readonly platform: PlatformContext;
  /**
   * The platform network's address space, which alone may reach Harbor's load balancer (aws, gcp).
   * @default no source ranges (existing clusters)
   */
  readonly networkCidr?: string;
  /** Harbor's hostname (`externalURL`, the certificate's name). */
  readonly hostname: string;
  /**
   * Cloud object store; none on existing clusters (a persistent volume instead).
   * @default a persistent volume
   */
  readonly store?: Pick<HarborImageStore, 'imageChartStorage'> &
    Partial<Pick<HarborImageStore, 'serviceAccountAnnotations'>> & {
      /**
       * The store's static credentials (S3), whose id the registry pods carry as an annotation.
       * @default none (workload identity)
       */
      readonly credentials?: {
        /** The access key's id: a new key rolls the registry pods. */
        readonly accessKeyId: string;
      };
    };
  /**
   * The load balancer's fixed addresses (aws, gcp), which the DNS record names.
   * @default none: the load balancer's addresses are the cloud's choice
   */
  readonly addresses?: readonly LoadBalancerAddress[];
  /**
   * A hash of Harbor's certificate: nginx restarts when it is renewed.
   * @default none
   */
  readonly certificateHash?: string;
}

/**
 * Refuses S3 without static credentials: Harbor's registry (distribution 2.8) cannot use IRSA
 * or, with the nodes' metadata hop limit of 1, the instance role — it would fail every push
 * with `s3aws: NoCredentialProviders`.
 */
export function assertS3Credentials(imageChartStorage: Record<string, unknown>): void {
  const s3 = imageChartStorage.s3 as Record<string, unknown> | undefined;
  if (imageChartStorage.type === 's3' && !s3?.existingSecret && !s3?.accesskey) {
    throw new PlatformValidationError(
      "Harbor's S3 image store needs an access key (persistence.imageChartStorage.s3.existingSecret): Harbor's registry is distribution 2.8, which cannot use IRSA (goharbor/harbor#22690)",
    );
  }
}

/** Harbor's chart values (secrets aside: those are set as sensitive values). */
export function harborValues(props: HarborValuesProps): Record<string, unknown> {
  const { platform: plan, hostname, store } = props;
  const profile = REGISTRY_PROFILES[plan.environment];
  const sourceRanges = props.networkCidr ? [props.networkCidr] : [];
  if (store) assertS3Credentials(store.imageChartStorage);
  const addresses = props.addresses ?? [];
  // Google Cloud: the reserved internal address (one); AWS takes its addresses by annotation.
  const ip = plan.cloud === 'gcp' && addresses.length ? { IP: addresses[0]!.address } : {};
  return {
    expose: {
      type: 'loadBalancer',
      tls: { enabled: true, certSource: 'secret', secret: { secretName: HARBOR_TLS_SECRET } },
      loadBalancer: {
        name: HARBOR_SERVICE,
        ...ip,
        annotations: internalLoadBalancerAnnotations(plan.cloud, addresses),
        ...(sourceRanges.length ? { sourceRanges } : {}),
      },
    },
    externalURL: `https://${hostname}`,
    persistence: {
      enabled: true,
      resourcePolicy: 'keep',
      ...(store ? {} : { persistentVolumeClaim: { registry: { size: `${profile.harborStorageGi}Gi` } } }),
      imageChartStorage: store ? { disableredirect: false, ...store.imageChartStorage } : { type: 'filesystem', filesystem: { rootdirectory: '/storage' } },
    },
    // A ReadWriteOnce image volume cannot be shared by an old and a new registry pod.
    updateStrategy: { type: store ? 'RollingUpdate' : 'Recreate' },
    registry: {
      registry: valuesOf('registry'),
      controller: valuesOf('registryController'),
      // A service account of its own where a cloud identity is bound to it (GCS).
      ...(store && hasWorkloadIdentity(store) ? { serviceAccountName: HARBOR_REGISTRY_SERVICE_ACCOUNT, automountServiceAccountToken: true } : {}),
      // A rotated access key changes the id: the registry pods roll onto the new Secret.
      ...(store?.credentials ? { podAnnotations: { 'loom.dev/access-key-id': store.credentials.accessKeyId } } : {}),
    },
    // Every Harbor pod with requests (the chart sets Trivy's only): none is BestEffort, the first
    // evicted when a node runs short of memory; `loom cost` prices the same sizes.
    nginx: { ...valuesOf('nginx'), ...(props.certificateHash ? { podAnnotations: { 'loom.dev/certificate-sha256': props.certificateHash } } : {}) },
    portal: valuesOf('portal'),
    core: valuesOf('core'),
    jobservice: valuesOf('jobservice'),
    trivy: { enabled: true, ...valuesOf('trivy') },
    database: { internal: valuesOf('database') },
    redis: { internal: valuesOf('redis') },
    exporter: valuesOf('exporter'),
    metrics: { enabled: true },
  };
}

/** A Harbor service's `resources` value, from the footprint table. */
const valuesOf = (service: keyof typeof COMPONENT_SIZES.harbor) => ({ resources: containerResources(COMPONENT_SIZES.harbor[service]) });

const hasWorkloadIdentity = (store: Partial<Pick<HarborImageStore, 'serviceAccountAnnotations'>>) => Object.keys(store.serviceAccountAnnotations ?? {}).length > 0;

/** Props of {@link Harbor}: the resolved registry props, the cluster it runs on, and its image store. */
export interface HarborProps extends ResolvedRegistryProps {
  /** The add-ons stack of the cluster Harbor runs on. */
  readonly addons: IClusterAddons;
  /**
   * Where the image layers go, in the cloud.
   * @default a persistent volume (existing clusters)
   */
  readonly imageStore?: HarborImageStore;
}

/**
 * Registry, built: Harbor on the component's cluster, with its certificate, setup Job and pull
 * access (see the module comment).
 */
export class Harbor extends Construct implements IRegistry {
  readonly componentName = 'registry' as const;
  readonly mode = 'build' as const;
  readonly implementation = 'build' as const;
  readonly product = 'harbor' as const;
  readonly authentication = 'harbor-robot' as const;
  readonly registryHost: string;
  readonly registryUrl: string;
  readonly repositories: readonly string[];
  readonly pullers: readonly IKubernetesCluster[];
  /** Where the image layers are, when in the cloud. */
  readonly imageStore?: HarborImageStore;
  /** The Harbor chart's release. */
  readonly release: Release;

  /** The Harbor project the images are in (private). */
  readonly project: string;
  /** The pull robot's login (`robot$<project>+loom-pull`). */
  readonly robotName: string;
  /** PEM of the CA Harbor's certificate is signed by (the nodes trust it). @attribute */
  readonly caCertPem: string;
  /** The pull robot's secret (`TF_VAR_harbor_robot_secret`). @attribute */
  readonly robotSecret: string;
  /** The Job that makes the projects private and sets up the pull robot (and the push robots). */
  readonly setup: HarborSetup;
  /** The add-ons stacks of the platform's clusters, where pushers' logins go. */
  private readonly clusters: readonly IClusterAddons[];

  constructor(scope: Construct, id: string, props: HarborProps) {
    super(scope, id);
    const { platform: plan, addons } = props;
    const options = registryOptions({ name: plan.name, components: { registry: props.spec } });
    this.repositories = [...options.repositories];
    this.pullers = props.clusters.map((a) => a.cluster);
    this.clusters = props.clusters;
    this.registryHost = options.hostname;
    this.project = harborProject(plan.name);
    this.robotName = harborRobotName(this.project);
    this.registryUrl = `${options.hostname}/${this.project}`;
    if (props.imageStore) this.imageStore = props.imageStore;
    const namespace = addons.namespaces.system.name;
    const labels = { ...componentTags('registry'), 'app.kubernetes.io/managed-by': 'loom' };

    const adminPassword = new TerraformVariable(this, 'AdminPassword', {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: "Harbor's admin password (TF_VAR_harbor_admin_password): the initial one, and the one the setup Job logs in with; if you change it in Harbor, change it here too",
      validation: [{ condition: '${length(var.harbor_admin_password) >= 12}', errorMessage: 'harbor_admin_password must be at least 12 characters.' }],
    });
    adminPassword.overrideLogicalId('harbor_admin_password');
    const secretKey = new TerraformVariable(this, 'SecretKey', {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: 'The 16-character key Harbor encrypts stored credentials with (TF_VAR_harbor_secret_key); never change it after the first apply',
      validation: [{ condition: '${length(var.harbor_secret_key) == 16}', errorMessage: 'harbor_secret_key must be exactly 16 characters.' }],
    });
    secretKey.overrideLogicalId('harbor_secret_key');
    const robotSecret = new TerraformVariable(this, 'RobotSecret', {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: `The secret of Harbor's pull robot ${this.robotName} (TF_VAR_harbor_robot_secret); every cluster pulls with it`,
      validation: [
        {
          // Harbor's rule for robot secrets (8–128, upper and lower case and a digit), and no
          // characters that would need quoting in JSON or a shell.
          condition:
            '${length(var.harbor_robot_secret) >= 16 && length(var.harbor_robot_secret) <= 128 && can(regex("^[A-Za-z0-9._-]+$", var.harbor_robot_secret)) && can(regex("[A-Z]", var.harbor_robot_secret)) && can(regex("[a-z]", var.harbor_robot_secret)) && can(regex("[0-9]", var.harbor_robot_secret))}',
          errorMessage: 'harbor_robot_secret must be 16 to 128 characters of A-Z, a-z, 0-9, ".", "_" or "-", with at least one upper-case letter, one lower-case letter and one digit.',
        },
      ],
    });
    robotSecret.overrideLogicalId('harbor_robot_secret');
    this.robotSecret = robotSecret.stringValue;
    const derived = (purpose: string) => Fn.substr(Fn.sha256(Fn.format(`%s:${purpose}`, [secretKey.stringValue])), 0, 32);

    // Google Cloud: signed by the CA the network stack made, which GKE's node pools trust.
    const gke = registryTrustOf(addons.cluster);
    const ca = gke ? { certPem: gke.caCertPem, keyPem: gke.caKeyPem } : undefined;
    if (plan.cloud === 'gcp' && !ca) {
      throw new PlatformValidationError(`registry build on Google Cloud: cluster '${addons.cluster.plan.name}' carries no registry CA from the network stack`, this);
    }
    const certificate = new HarborCertificate(this, 'Certificate', { platform: plan, hostname: options.hostname, namespace, ...(ca ? { ca } : {}) });
    this.caCertPem = certificate.caCertPem;
    const dependsOn: ITerraformDependable[] = [certificate.secret];
    const store = props.imageStore;
    if (store && hasWorkloadIdentity(store)) {
      dependsOn.push(
        new ServiceAccountV1(this, 'RegistryServiceAccount', {
          metadata: { name: HARBOR_REGISTRY_SERVICE_ACCOUNT, namespace, labels, annotations: { ...store.serviceAccountAnnotations } },
          automountServiceAccountToken: true,
        }),
      );
    }
    if (store?.credentials) {
      // The chart's `s3.existingSecret` reads exactly these two keys into the registry's environment.
      dependsOn.push(
        new SecretV1(this, 'ImageStoreCredentials', {
          metadata: { name: HARBOR_IMAGE_STORE_SECRET, namespace, labels },
          data: { REGISTRY_STORAGE_S3_ACCESSKEY: store.credentials.accessKeyId, REGISTRY_STORAGE_S3_SECRETKEY: store.credentials.secretAccessKey },
        }),
      );
    }
    this.release = componentRelease(this, 'Release', {
      name: 'harbor',
      chart: CHARTS.harbor,
      namespace,
      values: harborValues({
        platform: plan,
        ...(addons.cluster.network ? { networkCidr: addons.cluster.network.cidr } : {}),
        hostname: options.hostname,
        addresses: harborAddresses(plan.cloud, addons.cluster.plan),
        certificateHash: Fn.sha256(certificate.certPem),
        ...(store ? { store } : {}),
      }),
      setSensitive: [
        { name: 'harborAdminPassword', value: adminPassword.stringValue },
        { name: 'secretKey', value: secretKey.stringValue },
        { name: 'database.internal.password', value: derived('database') },
        { name: 'registry.credentials.password', value: derived('registry') },
      ],
      timeout: 900,
      dependsOn,
    });
    this.setup = new HarborSetup(this, 'Setup', {
      addons,
      host: options.hostname,
      project: this.project,
      service: `${HARBOR_SERVICE}.${PLATFORM_NAMESPACES.system}.svc`,
      adminPassword: adminPassword.stringValue,
      robotSecret: robotSecret.stringValue,
      hashKey: secretKey.stringValue,
      dependsOn: [this.release],
    });
  }

  repositoryUrl(name: string): string {
    return repositoryUrlOf(this, name);
  }

  /**
   * Lets the pods of Kubernetes service account `pusher` push to and pull from the project (see the
   * module comment): a project robot named after its namespace, made by the setup Job with a
   * generated secret, and its login as the `harbor-push` Secret in the namespace on each of its
   * clusters. Harbor cannot limit the robot to `repositories`: synth warns.
   */
  grantPush(pusher: RegistryPusher, repositories: readonly string[]): void {
    if (pusher.kind !== 'kubernetes-service-account') {
      throw new PlatformValidationError(
        `Harbor grants push to Kubernetes service accounts (a robot's login in their namespace; authentication ${this.authentication}), not to a ${pusher.kind}; grant { kind: 'kubernetes-service-account', name, namespace, clusters }`,
        this,
      );
    }
    checkPushRepositories(this, repositories);
    const targets = pusher.clusters.map((name) => {
      const found = this.clusters.find((c) => c.cluster.plan.name === name);
      if (!found) throw new PlatformValidationError(`Harbor push for ${pusher.namespace}/${pusher.name}: its pods run on cluster '${name}', which the platform does not have (clusters: ${this.clusters.map((c) => c.cluster.plan.name).join(', ')})`, this);
      return found;
    });
    const robot = harborPushRobot(pusher.namespace);
    const username = `robot$${this.project}+${robot}`;
    // Loaded for a platform with pushers only; registered once in the registry cluster's add-ons stack.
    const { Password } = require('@cdktf/provider-random/lib/password') as typeof import('@cdktf/provider-random/lib/password');
    const { RandomProvider } = require('@cdktf/provider-random/lib/provider') as typeof import('@cdktf/provider-random/lib/provider');
    const stack = TerraformStack.of(this);
    if (!stack.node.tryFindChild('RandomProvider')) new RandomProvider(stack, 'RandomProvider', {});
    // Harbor's rule for robot secrets (8–128, upper and lower case, a digit); no special
    // characters, which would need quoting in the setup script's JSON.
    const secret = new Password(this, `PushSecret-${robot}`, { length: 32, special: false, minUpper: 2, minLower: 2, minNumeric: 2 }).result;
    this.setup.addPushRobot(robot, secret);
    const labels = { ...componentTags('registry'), 'app.kubernetes.io/managed-by': 'loom' };
    for (const target of targets) {
      const scope = componentScope(target, 'registry');
      const push = (scope.node.tryFindChild('Push') as Construct | undefined) ?? new Construct(scope, 'Push');
      const namespace = namespaceResourceIn(target, pusher.namespace);
      new HarborPushSecret(push, robot, {
        host: this.registryHost,
        namespace: pusher.namespace,
        username,
        password: secret,
        labels,
        ...(namespace ? { dependsOn: [namespace] } : {}),
      });
    }
    Annotations.of(this).addWarning(
      `registry (Harbor): ${pusher.namespace}/${pusher.name} is granted push as robot ${username}, which may push to any repository of project ${this.project}, ` +
        `not only ${[...new Set(repositories)].join(', ')}: Harbor's robot accounts are project-wide`,
    );
  }
}

/**
 * Registry, built: the image store and Harbor's DNS in the services stack (aws, gcp); Harbor, its
 * certificate and the pull robot's setup in the add-ons stack of the registry's cluster; the CA
 * trust and the image pull secret in every cluster's add-ons stack.
 */
export function buildRegistry(props: ResolvedRegistryProps): Harbor {
  const addons = componentClusterAddons(props);
  const namespace = PLATFORM_NAMESPACES.system;
  const hostname = registryOptions({ name: props.platform.name, components: { registry: props.spec } }).hostname;
  let imageStore: HarborImageStore | undefined;
  switch (props.platform.cloud) {
    case 'aws': {
      // The load balancer's addresses are in the block the network stack sets aside in every cluster's node subnets.
      imageStore = new (require('./s3-image-store') as typeof import('./s3-image-store')).S3ImageStore(servicesOf(props), 'ImageStore', { platform: props.platform, cluster: addons.cluster, namespace });
      new HarborDns(servicesOf(props), 'Dns', { platform: props.platform, hostname, cluster: addons.cluster });
      break;
    }
    case 'gcp': {
      imageStore = new (require('./gcs-image-store') as typeof import('./gcs-image-store')).GcsImageStore(servicesOf(props), 'ImageStore', { platform: props.platform, cluster: addons.cluster, namespace });
      new HarborDns(servicesOf(props), 'Dns', { platform: props.platform, hostname, cluster: addons.cluster });
      break;
    }
    case 'kubernetes':
      imageStore = undefined;
      break;
  }
  const harbor = new Harbor(componentScope(addons, 'registry'), 'Resource', { ...props, addons, ...(imageStore ? { imageStore } : {}) });
  componentOutput(harbor, 'registry_url', harbor.registryUrl, 'Where the platform pushes images: <registry_url>/<repository>:<tag> (Harbor)');
  // Every cluster pulls: its nodes trust the CA, its workloads namespace has the robot's login.
  for (const puller of props.clusters) {
    const scope = new Construct(componentScope(puller, 'registry'), 'Pull');
    // GKE nodes trust it through their node pools (cluster stack); the others through a DaemonSet.
    if (!registryTrustOf(puller.cluster)) new NodeTrust(scope, 'NodeTrust', { platform: props.platform, addons: puller, host: hostname, caCertPem: harbor.caCertPem });
    new HarborPullSecret(scope, 'Secret', { addons: puller, host: hostname, username: harbor.robotName, password: harbor.robotSecret });
  }
  return harbor;
}

function servicesOf(props: ResolvedRegistryProps): Construct {
  return servicesScope(props, "build: Harbor's image store and DNS");
}
