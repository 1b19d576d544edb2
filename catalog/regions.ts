/**
 * Region and zone tables for the clouds Loom targets.
 *
 * Kept as plain data so that `schema/` and `plan/` need no cloud API: a plan must be computable offline
 * (and the network and cluster stacks must plan with mock credentials).
 */

/** AWS commercial regions and how many availability zones each exposes to a new account. */
export const AWS_REGIONS: Readonly<Record<string, number>> = {
  'us-east-1': 6,
  'us-east-2': 3,
  'us-west-1': 2,
  'us-west-2': 4,
  'af-south-1': 3,
  'ap-east-1': 3,
  'ap-east-2': 3,
  'ap-south-1': 3,
  'ap-south-2': 3,
  'ap-southeast-1': 3,
  'ap-southeast-2': 3,
  'ap-southeast-3': 3,
  'ap-southeast-4': 3,
  'ap-southeast-5': 3,
  'ap-southeast-7': 3,
  'ap-northeast-1': 3,
  'ap-northeast-2': 4,
  'ap-northeast-3': 3,
  'ca-central-1': 3,
  'ca-west-1': 3,
  'eu-central-1': 3,
  'eu-central-2': 3,
  'eu-west-1': 3,
  'eu-west-2': 3,
  'eu-west-3': 3,
  'eu-south-1': 3,
  'eu-south-2': 3,
  'eu-north-1': 3,
  'il-central-1': 3,
  'me-south-1': 3,
  'me-central-1': 3,
  'mx-central-1': 3,
  'sa-east-1': 3,
};

/** Google Cloud regions and their zone suffixes (`<region>-<suffix>`). */
export const GCP_REGIONS: Readonly<Record<string, readonly string[]>> = {
  'us-central1': ['a', 'b', 'c', 'f'],
  'us-east1': ['b', 'c', 'd'],
  'us-east4': ['a', 'b', 'c'],
  'us-east5': ['a', 'b', 'c'],
  'us-south1': ['a', 'b', 'c'],
  'us-west1': ['a', 'b', 'c'],
  'us-west2': ['a', 'b', 'c'],
  'us-west3': ['a', 'b', 'c'],
  'us-west4': ['a', 'b', 'c'],
  'northamerica-northeast1': ['a', 'b', 'c'],
  'northamerica-northeast2': ['a', 'b', 'c'],
  'northamerica-south1': ['a', 'b', 'c'],
  'southamerica-east1': ['a', 'b', 'c'],
  'southamerica-west1': ['a', 'b', 'c'],
  'europe-west1': ['b', 'c', 'd'],
  'europe-west2': ['a', 'b', 'c'],
  'europe-west3': ['a', 'b', 'c'],
  'europe-west4': ['a', 'b', 'c'],
  'europe-west6': ['a', 'b', 'c'],
  'europe-west8': ['a', 'b', 'c'],
  'europe-west9': ['a', 'b', 'c'],
  'europe-west10': ['a', 'b', 'c'],
  'europe-west12': ['a', 'b', 'c'],
  'europe-north1': ['a', 'b', 'c'],
  'europe-north2': ['a', 'b', 'c'],
  'europe-central2': ['a', 'b', 'c'],
  'europe-southwest1': ['a', 'b', 'c'],
  'asia-east1': ['a', 'b', 'c'],
  'asia-east2': ['a', 'b', 'c'],
  'asia-northeast1': ['a', 'b', 'c'],
  'asia-northeast2': ['a', 'b', 'c'],
  'asia-northeast3': ['a', 'b', 'c'],
  'asia-south1': ['a', 'b', 'c'],
  'asia-south2': ['a', 'b', 'c'],
  'asia-southeast1': ['a', 'b', 'c'],
  'asia-southeast2': ['a', 'b', 'c'],
  'australia-southeast1': ['a', 'b', 'c'],
  'australia-southeast2': ['a', 'b', 'c'],
  'me-central1': ['a', 'b', 'c'],
  'me-central2': ['a', 'b', 'c'],
  'me-west1': ['a', 'b', 'c'],
  'africa-south1': ['a', 'b', 'c'],
};

/** The clouds with regions (and a region list here): every cloud but `kubernetes`. */
export type RegionalCloud = 'aws' | 'gcp';

/** The regions of a cloud, sorted. */
export function regionsOf(cloud: RegionalCloud): string[] {
  return Object.keys(cloud === 'aws' ? AWS_REGIONS : GCP_REGIONS).sort();
}

/** Whether `region` is a region of `cloud`. */
export function isRegionOf(cloud: RegionalCloud, region: string): boolean {
  return Object.prototype.hasOwnProperty.call(cloud === 'aws' ? AWS_REGIONS : GCP_REGIONS, region);
}

/** How many zones `region` has (0 for an unknown region). */
export function zoneCount(cloud: RegionalCloud, region: string): number {
  if (cloud === 'aws') return AWS_REGIONS[region] ?? 0;
  return GCP_REGIONS[region]?.length ?? 0;
}

/**
 * The first `count` zone names of a region: `<region>a, b, …` on AWS, the region's real zones on
 * Google Cloud. Derived, never looked up, so that no plan needs a cloud API.
 */
export function defaultZones(cloud: RegionalCloud, region: string, count: number): string[] {
  if (cloud === 'aws') {
    return Array.from({ length: count }, (_, i) => `${region}${String.fromCharCode(97 + i)}`);
  }
  return (GCP_REGIONS[region] ?? []).slice(0, count).map((suffix) => `${region}-${suffix}`);
}
