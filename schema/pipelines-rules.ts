/**
 * Rules of the pipelines component (issue 11) and the names it derives, in one place read by the
 * constructs that create them and by the validation that checks they fit the clouds' limits:
 *
 * - build on `cloud: kubernetes` keeps Argo's artifacts in the data centre's object store, so it
 *   needs `objectStorage:` (the shared rule in rules.ts names experiment tracking and the feature
 *   store only); and the workflows' pods, in `loom-workloads`, read that store's keys from a Secret
 *   of their own namespace, which the operator creates (a warning says so);
 * - build on an existing batch cluster whose spec describes no `existing.capacity`: Kueue gets no
 *   ClusterQueue or LocalQueue there, and Argo's workflow pods, labelled for the LocalQueue
 *   `default`, would stay gated for ever;
 * - the names derived from the platform's name are within the clouds' limits: the archive's
 *   database instance (RDS 63, Cloud SQL 98) and the identities (IAM roles 64, Google service
 *   account ids 30), the SageMaker execution role and the Artifact Registry repository (63);
 * - a pipelines component on a cluster that is not batch is refused by the flavour rule every
 *   component shares (rules.ts), and is not repeated here.
 *
 * Pure (no cdktf).
 */
import type { Cloud, PlatformSpec } from './schema';
import { fitName } from '../plan/names';
import { COMPONENT_STORES, componentStoreNames, STORE_NAME_LIMITS, type ComponentStores } from '../plan/stores';
import { storeNameProblems } from './component-rules';
import { componentCluster } from '../plan';

/** An Argo pod's identity names on each cloud. */
export interface ArgoIdentityNames {
  /** The IAM role name (aws, ≤ 64). */
  readonly iamRole: string;
  /** The Google service account id (gcp, 6–30). */
  readonly gcpServiceAccount: string;
}

/**
 * What Argo Workflows (pipelines, build) keeps its state in: `COMPONENT_STORES.pipelines` of
 * plan/stores.ts — the workflow archive in PostgreSQL, artifacts in the object store.
 * `serviceAccount` is the controller's, which reads the archive's password.
 */
export const PIPELINES_STORES: ComponentStores = COMPONENT_STORES.pipelines;

/** The limits of the names the bought implementations derive. */
export const PIPELINES_NAME_LIMITS = {
  /** Artifact Registry repository ids: a letter, then lowercase letters, digits and hyphens, at most 63. */
  artifactRegistryRepository: 63,
  /** IAM role names. */
  iamRole: STORE_NAME_LIMITS.iamRole,
  /** Google service account ids (6–30). */
  gcpServiceAccount: STORE_NAME_LIMITS.gcpServiceAccount,
} as const;

/**
 * Names the pipelines component derives from the platform's name `platform`: identities are
 * shortened to fit (their names are never typed by people); the Artifact Registry repository, which
 * people push templates to by name, is not (validation refuses one over the limit).
 */
export function pipelinesNames(platform: string) {
  const stores = componentStoreNames(platform, PIPELINES_STORES);
  const id = (what: string): ArgoIdentityNames => ({
    iamRole: fitName(`${platform}-argo-${what}`, PIPELINES_NAME_LIMITS.iamRole),
    gcpServiceAccount: fitName(`${platform}-argo-${what}`, PIPELINES_NAME_LIMITS.gcpServiceAccount),
  });
  return {
    /** The archive's RDS / Cloud SQL instance (`<platform>-argo`). */
    databaseInstance: stores.databaseInstance,
    /** The archive's CloudNativePG cluster (`argo`, in the component's cluster). */
    cloudNativePgCluster: stores.cloudNativePgCluster,
    /** Argo's identities (build): IAM role names (≤ 64) and Google service account ids (≤ 30), by pod. */
    identities: {
      /** The workflow controller's (reads the archive's password). */
      controller: id('controller'),
      /** The Argo server's (reads artifacts for the UI). */
      server: id('server'),
      /** The workflows' pods' (write artifacts). */
      workflows: id('workflows'),
    },
    /** SageMaker Pipelines' execution role (buy on AWS, ≤ 64). */
    sagemakerExecutionRole: fitName(`${platform}-sagemaker-pipelines`, PIPELINES_NAME_LIMITS.iamRole),
    /** The Google service account Vertex AI pipeline jobs run as (buy on Google Cloud, 6–30). */
    vertexRunServiceAccount: fitName(`${platform}-pipelines`, PIPELINES_NAME_LIMITS.gcpServiceAccount),
    /** The Artifact Registry repository (KFP format) of pipeline templates (buy on Google Cloud). */
    templateRepository: `${platform}-pipelines`,
  };
}

/** One derived name over its cloud's limit. */
export interface PipelinesNameProblem {
  /** What the name names. */
  readonly what: string;
  /** The derived name. */
  readonly name: string;
  /** The limit, in characters. */
  readonly limit: number;
  /** `derived <what> '<name>' is N characters, over the limit of L; shorten the platform name (name)`. */
  readonly message: string;
}

/** The names pipelines derive on `cloud` in `mode` for platform `platform` that are over the clouds' limits. Pure: no spec needed. */
export function pipelinesNameProblems(cloud: Cloud, mode: 'build' | 'buy', platform: string): PipelinesNameProblem[] {
  const names = pipelinesNames(platform);
  const candidates: { what: string; name: string; limit: number }[] = [];
  if (mode === 'build') {
    const problems = storeNameProblems(cloud, platform, PIPELINES_STORES).map((p) => ({ what: p.what, name: p.name, limit: p.limit }));
    candidates.push(...problems);
    for (const [pod, id] of Object.entries(names.identities)) {
      if (cloud === 'aws') candidates.push({ what: `IAM role of Argo's ${pod}`, name: id.iamRole, limit: PIPELINES_NAME_LIMITS.iamRole });
      if (cloud === 'gcp') candidates.push({ what: `service account id of Argo's ${pod}`, name: id.gcpServiceAccount, limit: PIPELINES_NAME_LIMITS.gcpServiceAccount });
    }
  } else if (cloud === 'aws') {
    candidates.push({ what: "SageMaker Pipelines' execution role name", name: names.sagemakerExecutionRole, limit: PIPELINES_NAME_LIMITS.iamRole });
  } else if (cloud === 'gcp') {
    candidates.push(
      { what: 'service account id of Vertex AI pipeline runs', name: names.vertexRunServiceAccount, limit: PIPELINES_NAME_LIMITS.gcpServiceAccount },
      { what: 'Artifact Registry repository id of pipeline templates', name: names.templateRepository, limit: PIPELINES_NAME_LIMITS.artifactRegistryRepository },
    );
  }
  const seen = new Set<string>();
  return candidates
    .filter((c) => c.name.length > c.limit && !seen.has(c.name) && seen.add(c.name))
    .map((c) => ({ ...c, message: `derived ${c.what} '${c.name}' is ${c.name.length} characters, over the limit of ${c.limit}; shorten the platform name (name)` }));
}

/** The rules of `components.pipelines` (see the module comment); the lead registers it in `checkRules`. */
export function checkPipelinesRules(spec: PlatformSpec, err: (path: string, message: string) => void, warn: (path: string, message: string) => void): void {
  const pipelines = spec.components.pipelines;
  if (!pipelines) return;
  const at = 'components.pipelines';
  const cloud = spec.cloud;
  if (pipelines.mode === 'build' && cloud === 'kubernetes') {
    if (!spec.objectStorage) {
      err(
        at,
        "build on cloud: kubernetes keeps Argo Workflows' artifacts in object storage, which Loom cannot create on your premises; add objectStorage: { endpoint: https://…, bucket: …, credentialsSecret: <a Secret in loom-system> } naming the data centre's S3-compatible store",
      );
    } else {
      warn(
        'objectStorage.credentialsSecret',
        `Argo Workflows' pods run in loom-workloads and read the artifact store's keys from a Secret of their own namespace: create '${spec.objectStorage.credentialsSecret}' in loom-workloads too, with the same AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (Loom never handles the keys)`,
      );
    }
  }
  if (pipelines.mode === 'build') {
    const target = componentCluster(spec, 'pipelines', pipelines.cluster);
    if (target?.existing && target.flavour === 'batch' && !target.existing.capacity) {
      err(
        at,
        `build queues Argo's workflow pods in the LocalQueue of loom-workloads on '${target.name}', which Loom creates only with a ClusterQueue sized from existing.capacity; list the cluster's node groups in clusters[${spec.clusters.indexOf(target)}].existing.capacity, or the workflows never start`,
      );
    }
  }
  if (pipelines.mode === 'buy' && cloud === 'kubernetes') return; // refused by the rule every component shares
  for (const p of pipelinesNameProblems(cloud, pipelines.mode, spec.name)) err(at, p.message);
}
