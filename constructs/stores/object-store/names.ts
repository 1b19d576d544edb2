/**
 * Names and retention of the object stores Loom creates, with the limits they must fit. Pure (no
 * cdktf), so that validation can check derived names before anything is synthesized.
 */
import { fitName } from '../../../plan/names';
import type { Environment } from '../../../schema/schema';

/** The limits of the names an object store derives. */
export const OBJECT_STORE_NAME_LIMITS = {
  /** A `purpose` (a DNS label naming the bucket's use): at most this many characters. */
  purpose: 30,
  /**
   * `bucket_prefix` of `aws_s3_bucket`: the provider appends a 26-character unique suffix and S3
   * names take at most 63 characters, so a prefix takes at most 37.
   */
  s3BucketPrefix: 37,
  /** GCS bucket names (without dots): 3–63 characters. */
  gcsBucket: 63,
} as const;

/**
 * Days a noncurrent (overwritten or deleted) object version is kept before it expires, by
 * environment: long enough in prod to recover from a bad overwrite noticed late, short in dev
 * where versions only cost money.
 */
export const NONCURRENT_VERSION_DAYS: Readonly<Record<Environment, number>> = {
  dev: 7,
  staging: 30,
  prod: 90,
};

/** A lowercase DNS label, as `purpose` must be. */
const PURPOSE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Key prefixes: `/`-separated segments of lowercase letters, digits, `.`, `_` and `-`. */
const PREFIX = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

/** What is wrong with a `purpose`, or undefined. */
export function purposeProblem(purpose: string): string | undefined {
  if (!PURPOSE.test(purpose)) {
    return `purpose '${purpose}' must be a lowercase DNS label (letters, digits and hyphens, starting with a letter), e.g. mlflow-artifacts`;
  }
  if (purpose.length > OBJECT_STORE_NAME_LIMITS.purpose) {
    return `purpose '${purpose}' must be at most ${OBJECT_STORE_NAME_LIMITS.purpose} characters, got ${purpose.length}`;
  }
  return undefined;
}

/** What is wrong with a key `prefix`, or undefined ('' is the whole bucket). */
export function prefixProblem(prefix: string): string | undefined {
  if (prefix === '' || PREFIX.test(prefix)) return undefined;
  return `prefix '${prefix}' must be '/'-separated segments of lowercase letters, digits, '.', '_' and '-', without a leading or trailing '/', e.g. mlflow/artifacts`;
}

/** Names derived for one object store of platform `platform` used for `purpose`. */
export function objectStoreNames(platform: string, purpose: string) {
  const base = `${platform}-${purpose}`;
  return {
    /** `bucket_prefix` of the S3 bucket (≤ 37; the provider appends a unique suffix, S3 names being global). */
    s3BucketPrefix: `${fitName(base, OBJECT_STORE_NAME_LIMITS.s3BucketPrefix - 1)}-`,
    /** The GCS bucket: `<project>-<platform>-<purpose>`, globally unique through the project id, shortened to ≤ 63. */
    gcsBucket: (project: string) => fitName(`${project}-${base}`, OBJECT_STORE_NAME_LIMITS.gcsBucket),
  };
}

/** `<scheme>://<bucket>/<prefix>` (no trailing slash; the bucket alone for the whole bucket). */
export const storeUri = (scheme: 's3' | 'gs', bucket: string, prefix: string) => (prefix ? `${scheme}://${bucket}/${prefix}` : `${scheme}://${bucket}`);
