/**
 * The Kubernetes versions Loom knows, per cloud, with the dates that decide whether a cluster may
 * be created on them. One table: the schema, the rules, the EKS construct (support type, add-on
 * pins), the summary and the README read it from here.
 *
 * Dated and true as of {@link CATALOGUE_AS_OF}. Whether a version is offered is computed from the
 * dates and the evaluation date (catalog/today.ts: today, or `LOOM_TODAY`), so the table does not go
 * stale silently: a version past its end of support is rejected with the date it ended. A new
 * minor has to be added by hand, with its add-on pins and cluster-autoscaler image.
 *
 * Sources (checked for 2026-11-30; re-check with `aws eks describe-cluster-versions` and
 * `gcloud container get-server-config`):
 * - EKS: the release calendar in the EKS user guide, "Understand the Kubernetes version lifecycle
 *   on EKS" (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html), for 1.29–1.34;
 *   1.35 and 1.36 from endoflife.date/amazon-eks (generated from that page; repository
 *   endoflife-date/endoflife.date, products/amazon-eks.md, 2026-08) and its EKS release dates
 *   2026-01-27 / 2026-06-02. AWS bills extended support "from the beginning of the day that the
 *   version reaches end of standard support, in UTC", and "on the end of extended support date,
 *   you can no longer create new Amazon EKS clusters with the unsupported version".
 * - GKE: the GKE release schedule (cloud.google.com/kubernetes-engine/docs/release-schedule) via
 *   endoflife.date/google-kubernetes-engine (products/google-kubernetes-engine.md, 2026-08):
 *   release = availability in the Regular channel, end = end of standard support.
 * - Upstream: kubernetes.io/releases via endoflife.date/kubernetes (end of life = end of patches).
 *
 * Not offered yet: 1.37 (upstream 2026-08-26; EKS since 2026-10-02 per the AWS What's New post,
 * but its support dates, EKS add-on builds and a cluster-autoscaler chart for it are not confirmed
 * here, GKE had it on the Rapid channel only in the last schedule seen, and cert-manager 1.21 —
 * pinned by Loom — supports Kubernetes up to 1.36).
 */
import { daysBetween } from './today';

/** The date the table below was last checked against the cloud calendars. */
export const CATALOGUE_AS_OF = '2026-11-30';

/** Every minor the catalogue has dates for (the schema accepts these; the rules judge them). */
export const KUBERNETES_VERSIONS = ['1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36'] as const;
/** One of {@link KUBERNETES_VERSIONS}: a Kubernetes minor, e.g. `1.36`. */
export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];

/**
 * The default minor for new clusters: the newest one in standard support on both EKS and GKE on
 * {@link CATALOGUE_AS_OF} (a test checks this against the dates).
 */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.36';

/**
 * ISO dates, YYYY-MM-DD, UTC.
 * @inline
 */
type IsoDate = string;

/** The dates of one Kubernetes minor on EKS (its release calendar). */
export interface EksVersionFacts {
  /** Available for new EKS clusters from. */
  readonly released: IsoDate;
  /** Extended support (and its price) starts on this day. */
  readonly endOfStandardSupport: IsoDate;
  /** No new clusters from this day; EKS upgrades existing control planes after it. */
  readonly endOfExtendedSupport: IsoDate;
}

/** The dates of one Kubernetes minor on GKE (its release schedule). */
export interface GkeVersionFacts {
  /** Available in the Regular release channel from. */
  readonly released: IsoDate;
  /**
   * From this day only the Extended release channel offers the version (until about 24 months
   * after `released`, at extra cost); Loom's clusters are on Regular, or Stable in prod.
   */
  readonly endOfStandardSupport: IsoDate;
}

/** The dates of one Kubernetes minor upstream: what existing clusters are judged by. */
export interface UpstreamVersionFacts {
  /** The Kubernetes project's release of the minor. */
  readonly released: IsoDate;
  /** The Kubernetes project's last patch release for the minor. */
  readonly endOfLife: IsoDate;
}

/** EKS's dates per minor. */
export const EKS_VERSIONS: Readonly<Record<KubernetesVersion, EksVersionFacts>> = {
  '1.29': { released: '2024-01-23', endOfStandardSupport: '2025-03-23', endOfExtendedSupport: '2026-03-23' },
  '1.30': { released: '2024-05-23', endOfStandardSupport: '2025-07-23', endOfExtendedSupport: '2026-07-23' },
  '1.31': { released: '2024-09-26', endOfStandardSupport: '2025-11-26', endOfExtendedSupport: '2026-11-26' },
  '1.32': { released: '2025-01-23', endOfStandardSupport: '2026-03-23', endOfExtendedSupport: '2027-03-23' },
  '1.33': { released: '2025-05-29', endOfStandardSupport: '2026-07-29', endOfExtendedSupport: '2027-07-29' },
  '1.34': { released: '2025-10-02', endOfStandardSupport: '2026-12-02', endOfExtendedSupport: '2027-12-02' },
  '1.35': { released: '2026-01-27', endOfStandardSupport: '2027-03-27', endOfExtendedSupport: '2028-03-27' },
  '1.36': { released: '2026-06-02', endOfStandardSupport: '2027-08-02', endOfExtendedSupport: '2028-08-02' },
};

/** GKE's dates per minor. */
export const GKE_VERSIONS: Readonly<Record<KubernetesVersion, GkeVersionFacts>> = {
  '1.29': { released: '2024-01-26', endOfStandardSupport: '2025-04-12' },
  '1.30': { released: '2024-07-31', endOfStandardSupport: '2025-09-30' },
  '1.31': { released: '2024-10-25', endOfStandardSupport: '2026-01-16' },
  '1.32': { released: '2025-02-11', endOfStandardSupport: '2026-04-11' },
  '1.33': { released: '2025-06-03', endOfStandardSupport: '2026-08-03' },
  '1.34': { released: '2025-09-30', endOfStandardSupport: '2026-10-01' },
  '1.35': { released: '2026-02-11', endOfStandardSupport: '2027-04-11' },
  '1.36': { released: '2026-06-09', endOfStandardSupport: '2027-08-09' },
};

/**
 * GKE's Stable release channel trails Regular by months, and GKE refuses a cluster whose minimum
 * version its channel does not offer. The minors seen offered on Stable, with the date they were
 * seen there (GKE release notes, the last seen around 2026-09: Stable offered 1.34 and 1.35; 1.33
 * was there earlier). A minor missing here is not yet confirmed on Stable: a prod GKE cluster on
 * it follows Regular (see {@link gkeReleaseChannel}).
 */
export const GKE_STABLE_SEEN: Readonly<Partial<Record<KubernetesVersion, IsoDate>>> = {
  '1.33': '2026-01-15',
  '1.34': '2026-09-01',
  '1.35': '2026-09-01',
};

/**
 * The GKE release channel of a cluster: Stable in prod where the minor is confirmed on Stable
 * ({@link GKE_STABLE_SEEN}), otherwise Regular (also outside prod), so that the cluster's
 * `min_master_version` is always one its channel offers.
 */
export function gkeReleaseChannel(version: string, environment: string, today: IsoDate): 'STABLE' | 'REGULAR' {
  if (environment !== 'prod') return 'REGULAR';
  const seen = (GKE_STABLE_SEEN as Record<string, IsoDate | undefined>)[version];
  return seen !== undefined && seen <= today ? 'STABLE' : 'REGULAR';
}

/** The Kubernetes project's dates per minor. */
export const UPSTREAM_VERSIONS: Readonly<Record<KubernetesVersion, UpstreamVersionFacts>> = {
  '1.29': { released: '2023-12-13', endOfLife: '2025-02-28' },
  '1.30': { released: '2024-04-17', endOfLife: '2025-07-15' },
  '1.31': { released: '2024-08-13', endOfLife: '2025-11-11' },
  '1.32': { released: '2024-12-11', endOfLife: '2026-02-28' },
  '1.33': { released: '2025-04-23', endOfLife: '2026-06-28' },
  '1.34': { released: '2025-08-27', endOfLife: '2026-10-27' },
  '1.35': { released: '2025-12-17', endOfLife: '2027-02-28' },
  '1.36': { released: '2026-04-22', endOfLife: '2027-06-28' },
};

/**
 * Existing clusters (`cloud: kubernetes`): the minors every add-on Loom pins there supports. The
 * narrowest is cert-manager 1.21: Kubernetes 1.33 → 1.36 (cert-manager.io/docs/releases). Kueue
 * 0.19, the GPU operator v26.7 (chart kubeVersion >= 1.16) and metrics-server 0.8 cover this range.
 */
export const EXISTING_CLUSTER_VERSIONS: readonly KubernetesVersion[] = ['1.33', '1.34', '1.35', '1.36'];
const EXISTING_RANGE_REASON = 'cert-manager 1.21, which Loom installs, supports Kubernetes 1.33 to 1.36';

/**
 * The EKS control plane price per cluster-hour (aws.amazon.com/eks/pricing; "Amazon EKS extended
 * support for Kubernetes versions pricing", AWS containers blog): $0.10 in standard support,
 * $0.60 in extended support.
 */
export const EKS_PRICE_PER_CLUSTER_HOUR = {
  /** USD per cluster-hour in standard support. */
  standard: 0.1,
  /** USD per cluster-hour in extended support. */
  extended: 0.6,
} as const;
/** Hours in the average month, as AWS pricing examples use. */
const HOURS_PER_MONTH = 730;

/** Warn this many days before EKS standard support ends (EKS then upgrades the cluster itself). */
export const STANDARD_SUPPORT_ENDING_SOON_DAYS = 60;

/** The EKS managed add-ons Loom installs on every EKS cluster, with a version pinned per minor. */
export type EksAddonName = 'vpc-cni' | 'kube-proxy' | 'coredns' | 'eks-pod-identity-agent' | 'aws-ebs-csi-driver';

/**
 * The EKS add-on versions Loom installs per cluster minor (`addon_version` of aws_eks_addon), so
 * that a `kubernetesVersion` change upgrades kube-proxy and CoreDNS with the control plane.
 *
 * - kube-proxy and CoreDNS: the EKS user guide's tables of the latest add-on version per
 *   Kubernetes version ("Manage kube-proxy in Amazon EKS clusters", "Manage CoreDNS for DNS in
 *   Amazon EKS clusters"; the edition listing 1.31–1.36).
 * - vpc-cni, eks-pod-identity-agent, aws-ebs-csi-driver: one build for every minor, as AWS
 *   publishes them (the VPC CNI table lists the same version for all). Builds seen resolved on
 *   EKS clusters in September 2026: vpc-cni v1.22.4-eksbuild.3 and eks-pod-identity-agent
 *   v1.3.10-eksbuild.3 on 1.36, vpc-cni v1.22.4-eksbuild.3 and aws-ebs-csi-driver
 *   v1.66.0-eksbuild.1 on 1.33. Check with `aws eks describe-addon-versions --kubernetes-version`.
 *
 * Only the minors EKS still lets one create (1.31 until 2026-11-26) have pins.
 */
const CROSS_VERSION_ADDONS = {
  'vpc-cni': 'v1.22.4-eksbuild.3',
  'eks-pod-identity-agent': 'v1.3.10-eksbuild.3',
  'aws-ebs-csi-driver': 'v1.66.0-eksbuild.1',
} as const;
/** The `addon_version` of each EKS add-on per minor (as described above); minors EKS no longer creates have none. */
export const EKS_ADDON_VERSIONS: Readonly<Partial<Record<KubernetesVersion, Readonly<Record<EksAddonName, string>>>>> = {
  '1.31': { ...CROSS_VERSION_ADDONS, 'kube-proxy': 'v1.31.14-eksbuild.20', coredns: 'v1.11.4-eksbuild.40' },
  '1.32': { ...CROSS_VERSION_ADDONS, 'kube-proxy': 'v1.32.13-eksbuild.16', coredns: 'v1.11.4-eksbuild.40' },
  '1.33': { ...CROSS_VERSION_ADDONS, 'kube-proxy': 'v1.33.10-eksbuild.13', coredns: 'v1.12.4-eksbuild.18' },
  '1.34': { ...CROSS_VERSION_ADDONS, 'kube-proxy': 'v1.34.6-eksbuild.13', coredns: 'v1.13.2-eksbuild.11' },
  '1.35': { ...CROSS_VERSION_ADDONS, 'kube-proxy': 'v1.35.3-eksbuild.13', coredns: 'v1.14.3-eksbuild.3' },
  '1.36': { ...CROSS_VERSION_ADDONS, 'kube-proxy': 'v1.36.0-eksbuild.14', coredns: 'v1.14.3-eksbuild.3' },
};

/**
 * The spec's clouds (schema/schema.ts's `Cloud`, not imported: the catalogue reads no schema).
 * @inline
 */
type Cloud = 'aws' | 'gcp' | 'kubernetes';
/**
 * The clouds that create clusters, each with its own calendar.
 * @inline
 */
type ManagedCloud = 'aws' | 'gcp';

/** Where a minor stands on a cloud on a date. */
export type SupportStatus =
  | {
      /** Not yet offered: no cluster can be created on it. */
      readonly status: 'not-released';
      /** The day it becomes available. */
      readonly from: IsoDate;
    }
  | {
      /** Accepted at the standard price. */
      readonly status: 'standard';
      /** The last day before standard support ends. */
      readonly until: IsoDate;
    }
  /** EKS only: accepted, at the extended-support price. */
  | {
      /** Extended support: accepted at a higher price. */
      readonly status: 'extended';
      /** The day standard support ended. */
      readonly standardEnded: IsoDate;
      /** The day extended support ends; EKS upgrades the control plane after it. */
      readonly until: IsoDate;
    }
  | {
      /** Support has ended: the cloud creates no new cluster on it. */
      readonly status: 'ended';
      /** The day support ended. */
      readonly on: IsoDate;
    };

/** Where `version` stands on EKS (`aws`) or GKE (`gcp`) on the date `today`. */
export function supportStatus(cloud: ManagedCloud, version: KubernetesVersion, today: IsoDate): SupportStatus {
  if (cloud === 'aws') {
    const f = EKS_VERSIONS[version];
    if (today < f.released) return { status: 'not-released', from: f.released };
    if (today >= f.endOfExtendedSupport) return { status: 'ended', on: f.endOfExtendedSupport };
    if (today >= f.endOfStandardSupport) return { status: 'extended', standardEnded: f.endOfStandardSupport, until: f.endOfExtendedSupport };
    return { status: 'standard', until: f.endOfStandardSupport };
  }
  const f = GKE_VERSIONS[version];
  if (today < f.released) return { status: 'not-released', from: f.released };
  if (today >= f.endOfStandardSupport) return { status: 'ended', on: f.endOfStandardSupport };
  return { status: 'standard', until: f.endOfStandardSupport };
}

/** The minors a cloud accepts for new clusters on a date (existing clusters: the add-ons' range). */
export function offeredVersions(cloud: Cloud, today: IsoDate): KubernetesVersion[] {
  if (cloud === 'kubernetes') return [...EXISTING_CLUSTER_VERSIONS];
  return KUBERNETES_VERSIONS.filter((v) => {
    const s = supportStatus(cloud, v, today).status;
    return s === 'standard' || s === 'extended';
  });
}

/** The newest minor in standard support on every given cloud on a date. */
export function newestInStandardSupport(clouds: readonly ManagedCloud[], today: IsoDate): KubernetesVersion | undefined {
  return [...KUBERNETES_VERSIONS].reverse().find((v) => clouds.every((c) => supportStatus(c, v, today).status === 'standard'));
}

/**
 * `upgrade_policy.support_type` for an EKS cluster: EXTENDED once standard support has ended
 * (AWS: standard, i.e. extended support disabled, is only possible on a version still in standard
 * support), otherwise STANDARD, so that no cluster slides into the extended price unnoticed —
 * EKS upgrades it at the end of standard support instead, which the rules warn about.
 */
export function eksSupportType(version: string, today: IsoDate): 'STANDARD' | 'EXTENDED' {
  if (!isKubernetesVersion(version)) throw new Error(`Kubernetes ${version} is not in catalog/kubernetes-versions.ts`);
  return supportStatus('aws', version, today).status === 'extended' ? 'EXTENDED' : 'STANDARD';
}

/** Whether `version` is a minor the catalogue has dates for. */
export function isKubernetesVersion(version: string): version is KubernetesVersion {
  return (KUBERNETES_VERSIONS as readonly string[]).includes(version);
}

/** The pinned EKS add-on versions for a minor, or undefined when Loom has none. */
export function eksAddonVersions(version: string): Readonly<Record<EksAddonName, string>> | undefined {
  return (EKS_ADDON_VERSIONS as Record<string, Readonly<Record<EksAddonName, string>>>)[version];
}

/** What the rules say about a cluster's Kubernetes version. */
export interface VersionVerdict {
  /** Why the version cannot be used, each naming the date and the fix; empty when it can. */
  readonly errors: string[];
  /** What using it costs or risks (extended support price, an upgrade EKS will force, end of upstream patches). */
  readonly warnings: string[];
}

const CLOUD_NAME: Record<ManagedCloud, string> = { aws: 'EKS', gcp: 'GKE' };

function usd(n: number): string {
  return `$${Number.isInteger(n) ? n : n.toFixed(2)}`;
}

/**
 * What the rules say about a cluster's `kubernetesVersion` on a cloud and date: errors for
 * versions that cannot be created (past support, not released, outside the add-ons' range),
 * warnings for versions that cost extra, are about to be upgraded by EKS, or get no more
 * upstream patches. Each message names the date and the fix.
 */
export function kubernetesVersionVerdict(cloud: Cloud, version: KubernetesVersion, today: IsoDate): VersionVerdict {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (cloud === 'kubernetes') {
    const offered = EXISTING_CLUSTER_VERSIONS;
    const newest = offered[offered.length - 1]!;
    if (!offered.includes(version)) {
      errors.push(`${version} is outside what Loom's add-ons support on existing clusters (${EXISTING_RANGE_REASON}); upgrade the cluster and set one of ${offered.join(', ')}`);
    } else {
      const eol = UPSTREAM_VERSIONS[version].endOfLife;
      if (today >= eol) {
        warnings.push(
          `Kubernetes ${version} reached upstream end of life on ${eol} (no more patch releases from the Kubernetes project, unless your distribution backports them); upgrade the cluster towards ${newest}`,
        );
      }
    }
    return { errors, warnings };
  }
  const name = CLOUD_NAME[cloud];
  const newest = newestInStandardSupport([cloud], today);
  const fix = newest ? `use ${newest} (newest in standard support)` : 'use a newer version (update catalog/kubernetes-versions.ts)';
  const status = supportStatus(cloud, version, today);
  switch (status.status) {
    case 'not-released':
      errors.push(`${name} ${version} is not available before ${status.from}; ${fix}`);
      break;
    case 'ended':
      if (cloud === 'aws') errors.push(`${name} ${version} left extended support on ${status.on}; ${fix}`);
      else {
        errors.push(
          `${name} ${version} left standard support on ${status.on}; GKE offers it only on the Extended release channel, which Loom does not use (Regular, or Stable in prod); ${fix}`,
        );
      }
      break;
    case 'extended': {
      const p = EKS_PRICE_PER_CLUSTER_HOUR;
      const extraPerMonth = Math.round((p.extended - p.standard) * HOURS_PER_MONTH);
      warnings.push(
        `${name} ${version} left standard support on ${status.standardEnded} and is in extended support until ${status.until}: the control plane costs ${usd(p.extended)} instead of ${usd(p.standard)} per cluster-hour (about ${usd(extraPerMonth)} more per cluster per month), Loom sets upgrade_policy.support_type EXTENDED, and EKS upgrades the control plane after ${status.until}; ${fix}`,
      );
      break;
    }
    case 'standard': {
      // GKE: a prod cluster on a minor not yet on Stable follows Regular (gkeReleaseChannel); the
      // summary says which channel each cluster follows.
      if (cloud === 'gcp') break;
      const daysLeft = daysBetween(today, status.until);
      if (daysLeft <= STANDARD_SUPPORT_ENDING_SOON_DAYS && newest && newest !== version) {
        warnings.push(
          `${name} ${version} leaves standard support on ${status.until} (in ${daysLeft} days): with upgrade_policy.support_type STANDARD, EKS then upgrades the control plane by itself and Terraform's version no longer matches it (re-synthesized after that date, the cluster moves to extended support at ${usd(EKS_PRICE_PER_CLUSTER_HOUR.extended)} per cluster-hour instead); ${fix}`,
        );
      }
      break;
    }
  }
  return { errors, warnings };
}
