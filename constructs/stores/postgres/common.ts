/**
 * What every PostgreSQL store shares: the props each takes, the validation of names the database
 * engine and the cloud accept, and the environment's profile.
 */
import type { IConstruct } from 'constructs';
import { Token } from '../../core/cdk';
import { PlatformValidationError } from '../../core/errors';
import { platformOf } from '../../core/stack';
import { DATABASE_PROFILES, type DatabaseProfile } from '../../../catalog/databases';

/** The port every PostgreSQL Loom creates listens on. */
export const POSTGRES_PORT = 5432;

/** Props every PostgreSQL store takes. */
export interface PostgresBaseProps {
  /**
   * The store's name in the platform (`mlflow`, `feast`): with the platform's name it names the
   * database instance or cluster (`<platform>-<name>`). A lowercase DNS label.
   */
  readonly name: string;
  /** The database created for the component (a PostgreSQL identifier: lowercase letters, digits, `_`). */
  readonly databaseName: string;
}

/** A lowercase PostgreSQL identifier: what `databaseName` and `username` must be. */
const PG_IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
/** A lowercase DNS label without consecutive hyphens (RDS identifiers, Cloud SQL and Kubernetes names). */
const NAME = /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;

/** Names PostgreSQL keeps for itself, which no database or role of a component may take. */
const RESERVED = new Set(['postgres', 'template0', 'template1', 'rdsadmin', 'rdsrepladmin', 'cloudsqlsuperuser', 'cloudsqladmin', 'streaming_replica', 'public']);

/** Checks `value` is a PostgreSQL identifier Loom may create (`what` names it in the error). */
export function checkPgIdentifier(scope: IConstruct, what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!PG_IDENTIFIER.test(value)) {
    throw new PlatformValidationError(`${what} '${value}' must be 1–63 lowercase letters, digits or '_', starting with a letter`, scope);
  }
  if (RESERVED.has(value)) throw new PlatformValidationError(`${what} '${value}' is reserved by PostgreSQL or its service; pick another`, scope);
}

/**
 * The instance or cluster name `<platform>-<name>`, checked against `maxLength` (RDS identifiers
 * 63, Cloud SQL instances 98, CloudNativePG clusters 50 so that its Services and Secrets still fit).
 */
export function storeName(scope: IConstruct, name: string, maxLength: number, service: string, prefixWithPlatform = true): string {
  const full = prefixWithPlatform ? `${platformOf(scope).name}-${name}` : name;
  if (!NAME.test(full)) {
    throw new PlatformValidationError(`${service} name '${full}' must be lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen`, scope);
  }
  if (full.length > maxLength) {
    throw new PlatformValidationError(`${service} name '${full}' is ${full.length} characters; ${service} allows ${maxLength} — shorten the platform or store name`, scope);
  }
  return full;
}

/** The database profile of `scope`'s environment. */
export function databaseProfile(scope: IConstruct): DatabaseProfile {
  return DATABASE_PROFILES[platformOf(scope).environment];
}

/** Checks a size override is a whole number within `[min, max]`. */
export function checkSize(scope: IConstruct, what: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new PlatformValidationError(`${what} must be a whole number from ${min} to ${max}, got ${value}`, scope);
  return value;
}
