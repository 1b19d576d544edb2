/**
 * Errors raised while building constructs. Validation of the spec happens before any construct
 * is built (see `schema/`); these cover misuse of the constructs themselves and synth-time refusals.
 */
import type { IConstruct } from 'constructs';

/** A construct was given props it cannot build; names the construct path and the fix. */
export class PlatformValidationError extends Error {
  constructor(
    message: string,
    readonly scope?: IConstruct,
  ) {
    super(scope ? `[${scope.node.path}] ${message}` : message);
    this.name = 'PlatformValidationError';
  }
}

/** Loom cannot synthesize something the spec asks for (yet); the CLI reports it like a spec problem. */
export class SynthRefusal extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'SynthRefusal';
  }
}

/** An attribute an implementation cannot provide (an existing cluster has no OIDC provider ARN, …). */
export function attributeUnavailable(what: string, implementation: string, fix: string): PlatformValidationError {
  return new PlatformValidationError(`${implementation} does not provide ${what}; ${fix}`);
}
