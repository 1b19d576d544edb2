/**
 * The online key/value store on an existing cluster (and usable on any cluster): the official
 * `valkey` chart (pinned in catalog/charts.ts) released in the cluster's add-ons stack, in
 * `loom-system`, reached at the ClusterIP Service `<name>` (the primary).
 *
 * Auth: ACL authentication with the `default` user, whose password the chart reads from an
 * existing Secret (`auth.usersExistingSecret`). The chart generates no password (it renders inline
 * passwords from values only, which would put the value in the synthesized JSON), and Loom has no
 * generator on clusters it does not own, so the Secret is one the platform's operator names, as
 * for the data centre's object store credentials: nothing of it is in the JSON or in Terraform
 * state. The health probes are TCP checks: the chart's default `valkey-cli ping` carries no
 * credentials once AUTH is on.
 *
 * TLS: the chart serves TLS only from an existing Secret with the server certificate, key and CA
 * (no generation). Given `tlsSecret` (a `kubernetes.io/tls` Secret with `ca.crt`, as a cert-manager
 * `Certificate` writes it) the store serves TLS only on 6379; without it, plaintext inside the
 * cluster (`tls: false` in the contract). Issuing that certificate is cert-manager plumbing Loom
 * does not do here.
 *
 * Replicas follow the environment (`KEY_VALUE_PROFILES`): in prod a primary and two read replicas
 * in a StatefulSet with a disruption budget (the chart has no Sentinel: a failed primary is
 * restarted, not failed over); elsewhere one standalone pod (with a volume in staging). Pods go
 * where stateful pods go on the cluster (never on spot capacity).
 */
import { Construct } from 'constructs';
import { TerraformStack } from '../../core/cdk';
import type { IKubernetesCluster } from '../../core/contracts';
import { PlatformValidationError } from '../../core/errors';
import { AddonRelease, type HelmValues } from '../../addons/release';
import { statefulPlacement } from '../../components/helm';
import type { IClusterAddons } from '../../components/contract';
import type { IKeyValueStore, SecretReference } from '../contract';
import { PLATFORM_NAMESPACES, type ClusterPlan } from '../../../plan';
import { checkSize, storeName } from '../postgres/common';
import { KEY_VALUE_PORT, keyValueProfile, type KeyValueStoreBaseProps } from './common';
import { COMPONENT_SIZES, containerResources } from '../../../plan/footprints';

/**
 * Release names: at most 45 characters, so that the chart's objects (`<name>-headless`,
 * `<name>-read`, `<name>-init-scripts`, pods `<name>-<n>`) stay within 63 and the release within
 * Helm's 53.
 */
export const VALKEY_RELEASE_NAME_MAX_LENGTH = 45;

/** The ACL permissions of the `default` user: every key, channel and command. */
export const VALKEY_DEFAULT_USER_PERMISSIONS = '~* &* +@all';

/** An existing Secret in the release's namespace holding the `default` user's password. */
export interface ValkeyAuthSecret {
  /** The Secret's name (in `loom-system`). */
  readonly name: string;
  /**
   * The key of the password in it.
   * @default 'password'
   */
  readonly key?: string;
}

/** Props of {@link ValkeyInCluster}. */
export interface ValkeyInClusterProps extends KeyValueStoreBaseProps {
  /** The add-ons stack of the cluster the store runs on (the release is created there). */
  readonly addons: IClusterAddons;
  /** The Secret holding the password clients (and replicas) authenticate with; created by the platform's operator. */
  readonly authSecret: ValkeyAuthSecret;
  /**
   * A `kubernetes.io/tls` Secret in `loom-system` with `tls.crt`, `tls.key` and `ca.crt` (a
   * cert-manager `Certificate`'s): the store then serves TLS only.
   * @default none: plaintext inside the cluster
   */
  readonly tlsSecret?: string;
  /**
   * Read replicas next to the primary (0–5); any turns the store into a StatefulSet.
   * @default the environment's (`KEY_VALUE_PROFILES`: 2 in prod, 0 otherwise)
   */
  readonly replicas?: number;
  /**
   * Each pod's volume, GiB (0: none, standalone only).
   * @default the environment's (none in dev, 5 GiB in staging, 10 GiB in prod)
   */
  readonly storageGb?: number;
  /**
   * The StorageClass of the volumes.
   * @default the cluster's default StorageClass
   */
  readonly storageClass?: string;
}

/** What {@link valkeyValues} renders the chart's values from. */
export interface ValkeyValuesSpec {
  /** The release's (and Service's) name. */
  readonly name: string;
  /** The Secret with the `default` user's password, and its key. */
  readonly authSecret: Required<ValkeyAuthSecret>;
  /** The TLS Secret, if TLS is on. */
  readonly tlsSecret?: string;
  /** Read replicas (0: standalone). */
  readonly replicas: number;
  /** Volume size, GiB (0: none; replicas need one). */
  readonly storageGi: number;
  /** StorageClass, when not the default. */
  readonly storageClass?: string;
  /** The Kubernetes cluster's plan (for placement). */
  readonly cluster: Pick<ClusterPlan, 'systemPool' | 'pools'>;
}

/** The `valkey` chart's values for one store, as {@link ValkeyInCluster} releases it. */
export function valkeyValues(spec: ValkeyValuesSpec): HelmValues {
  const size = `${spec.storageGi}Gi`;
  const tcpProbe = (failureThreshold: number) => ({ enabled: true, customProbe: { tcpSocket: { port: 'tcp' }, periodSeconds: 10, timeoutSeconds: 1, failureThreshold } });
  const persistence: HelmValues =
    spec.replicas > 0
      ? {
          replica: {
            enabled: true,
            replicas: spec.replicas,
            replicationUser: 'default',
            persistence: { size, ...(spec.storageClass ? { storageClass: spec.storageClass } : {}) },
          },
          podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        }
      : spec.storageGi > 0
        ? {
            dataStorage: { enabled: true, requestedSize: size, keepPvc: true, ...(spec.storageClass ? { className: spec.storageClass } : {}) },
            // One ReadWriteOnce volume: the old pod lets go of it before the new one starts.
            deploymentStrategy: 'Recreate',
          }
        : {};
  return {
    fullnameOverride: spec.name,
    auth: {
      enabled: true,
      usersExistingSecret: spec.authSecret.name,
      aclUsers: { default: { permissions: VALKEY_DEFAULT_USER_PERMISSIONS, passwordKey: spec.authSecret.key } },
    },
    ...(spec.tlsSecret ? { tls: { enabled: true, existingSecret: spec.tlsSecret, serverPublicKey: 'tls.crt', serverKey: 'tls.key', caPublicKey: 'ca.crt' } } : {}),
    ...persistence,
    startupProbe: tcpProbe(30),
    livenessProbe: tcpProbe(3),
    // Out of the Service while it does not answer (the chart makes readiness opt-in).
    readinessProbe: tcpProbe(3),
    // The primary and its replicas across zones, as far as the nodes allow.
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/instance': spec.name } } },
    ],
    resources: containerResources(COMPONENT_SIZES.valkey),
    ...statefulPlacement(spec.cluster),
  };
}

/** The valkey chart on a cluster, as a built component's online key/value store (see the module comment). */
export class ValkeyInCluster extends Construct implements IKeyValueStore {
  readonly engine = 'valkey' as const;
  readonly host: string;
  readonly port = KEY_VALUE_PORT;
  readonly tls: boolean;
  readonly authSecret: SecretReference;
  /** The release's name (also the primary Service's). */
  readonly releaseName: string;
  /** Its namespace. */
  readonly namespace: string;
  /** The chart's release. */
  readonly release: AddonRelease;
  private readonly addons: IClusterAddons;

  constructor(scope: Construct, id: string, props: ValkeyInClusterProps) {
    super(scope, id);
    if (TerraformStack.of(this) !== TerraformStack.of(props.addons)) {
      throw new PlatformValidationError(`Valkey '${props.name}' must be created in the add-ons stack it is given (its release is created there)`, this);
    }
    this.addons = props.addons;
    this.releaseName = storeName(this, props.name, VALKEY_RELEASE_NAME_MAX_LENGTH, 'Valkey release', false);
    this.namespace = PLATFORM_NAMESPACES.system;
    const profile = keyValueProfile(this);
    const replicas = checkSize(this, 'replicas', props.replicas ?? profile.inCluster.replicas, 0, 5);
    let storageGi = checkSize(this, 'storageGb', props.storageGb ?? profile.inCluster.storageGi, 0, 16384);
    if (replicas > 0 && storageGi === 0) {
      if (props.storageGb !== undefined) throw new PlatformValidationError(`Valkey '${props.name}' with replicas needs a volume per pod; storageGb must be at least 1`, this);
      storageGi = KEY_VALUE_REPLICA_DEFAULT_STORAGE_GI;
    }
    const authSecret = { name: props.authSecret.name, key: props.authSecret.key ?? 'password' };
    this.tls = props.tlsSecret !== undefined;

    this.release = new AddonRelease(this, 'Release', {
      chart: 'valkey',
      releaseName: this.releaseName,
      namespace: props.addons.namespaces.system.name,
      values: valkeyValues({
        name: this.releaseName,
        authSecret,
        ...(props.tlsSecret ? { tlsSecret: props.tlsSecret } : {}),
        replicas,
        storageGi,
        ...(props.storageClass ? { storageClass: props.storageClass } : {}),
        cluster: props.addons.cluster.plan,
      }),
    });
    this.host = `${this.releaseName}.${this.namespace}.svc`;
    this.authSecret = { kind: 'kubernetes', namespace: this.namespace, name: authSecret.name, key: authSecret.key };
  }

  /**
   * Lets the pods of `cluster` connect: nothing to open when it is the store's own cluster (a
   * ClusterIP Service); any other cluster cannot reach it.
   */
  allowFrom(cluster: IKubernetesCluster): void {
    if (cluster !== this.addons.cluster) {
      throw new PlatformValidationError(`Valkey '${this.releaseName}' runs on cluster '${this.addons.cluster.plan.name}' and is reachable there only; cluster '${cluster.plan.name}' cannot connect`, this);
    }
  }
}

/** The volume of each pod when replicas are asked for in an environment whose profile has none, GiB. */
export const KEY_VALUE_REPLICA_DEFAULT_STORAGE_GI = 5;
