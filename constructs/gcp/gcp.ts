/** Small Google Cloud helpers shared by the GCP constructs: identities, disks, well-known ranges. */
import type { Taint } from '../../plan';

/** Ranges Google's load balancer health checks come from; nodes must admit them. */
export const GOOGLE_HEALTH_CHECK_RANGES = ['35.191.0.0/16', '130.211.0.0/22'] as const;

/** An IAM member string for a service account email. */
export const serviceAccountMember = (email: string) => `serviceAccount:${email}`;

/**
 * GKE's per-project service agent, which encrypts and decrypts Kubernetes secrets with the
 * cluster's Cloud KMS key (application-layer secrets encryption).
 */
export const gkeServiceAgent = (projectNumber: string) => `service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`;

/**
 * What GKE nodes need and nothing more: write logs and metrics, read monitoring (for the metrics
 * agent), write resource metadata, pull images from Artifact Registry. Replaces the Compute Engine
 * default service account, which has Editor on the project.
 */
export const GKE_NODE_ROLES = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
  'roles/artifactregistry.reader',
] as const;

/** Node pools use IAM, not scopes, to limit access: the one scope IAM then governs. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Machine families that only take Hyperdisk boot disks (no Persistent Disk). */
const HYPERDISK_ONLY_FAMILIES = ['c4', 'c4a', 'c4d', 'n4', 'a4', 'a4x', 'x4', 'm4', 'h4d'];

/** Boot disk type for a machine type: pd-balanced, or hyperdisk-balanced where the family has no PD. */
export function bootDiskType(machineType: string): 'pd-balanced' | 'hyperdisk-balanced' {
  return HYPERDISK_ONLY_FAMILIES.includes(machineType.split('-')[0]!) ? 'hyperdisk-balanced' : 'pd-balanced';
}

/** Kubernetes taint effects as the GKE API spells them. */
export const GKE_TAINT_EFFECTS: Readonly<Record<Taint['effect'], string>> = {
  NoSchedule: 'NO_SCHEDULE',
  PreferNoSchedule: 'PREFER_NO_SCHEDULE',
  NoExecute: 'NO_EXECUTE',
};

/** Cloud KMS rotation period for keys Loom creates: 90 days, in seconds as the API wants it. */
export const KMS_ROTATION_PERIOD = `${90 * 24 * 60 * 60}s`;
