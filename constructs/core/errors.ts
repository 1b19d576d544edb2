/**
 * Errors raised while building constructs. Validation of the spec happens before any construct
 * is built (see `schema/`); these cover misuse of the constructs themselves and synth-time refusals.
 */
import type { IConstruct } from 'constructs';
import { Annotations } from 'cdktf';

/** A construct was given props it cannot build; names the construct path and the fix. */
export class PlatformValidationError extends Error {
  /**
   * @param message what is wrong, and the fix
   * @param scope the construct that was given the props; its path prefixes the message
   */
  constructor(
    message: string,
    /** The construct that was given the props, if known. */
    readonly scope?: IConstruct,
  ) {
    super(scope ? `[${scope.node.path}] ${message}` : message);
    this.name = 'PlatformValidationError';
  }
}

/** Loom cannot synthesize something the spec asks for (yet); the CLI reports it like a spec problem. */
export class SynthRefusal extends Error {
  /**
   * @param path the spec path of what cannot be synthesized (`components.registry.mode`, …)
   * @param message why, and what to do instead
   */
  constructor(
    /** The spec path of what cannot be synthesized. */
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

/**
 * A construct was given props that the platform's schema or rules reject: every problem, each as
 * `<construct path>: <prop path>: <message with the fix>` — the message `loom validate` gives for
 * the same value in platform.yaml.
 */
export class InvalidPropsError extends PlatformValidationError {
  /**
   * @param constructPath the path of the construct that was given the props
   * @param issues every problem with the props
   */
  constructor(
    /** The path of the construct that was given the props. */
    readonly constructPath: string,
    /** Every problem with the props. */
    readonly issues: readonly {
      /** The prop's path (`nodePools[0].maxNodes`; `(root)` for the props as a whole). */
      readonly path: string;
      /** What is wrong, with the fix. */
      readonly message: string;
    }[],
  ) {
    super(issues.map((i) => `${constructPath}: ${i.path === '(root)' ? '' : `${i.path}: `}${i.message}`).join('\n'));
    this.name = 'InvalidPropsError';
  }
}

/**
 * The validated value of a part, or {@link InvalidPropsError} at `path` (`scope`'s by default) with
 * every problem. Warnings become warnings of `scope` (cdktf annotations, which `cdktf synth` shows).
 */
export function validProps<T>(
  scope: IConstruct,
  validation: { readonly value?: T; readonly errors: readonly { path: string; message: string }[]; readonly warnings: readonly { path: string; message: string }[] },
  path: string = scope.node.path,
): T {
  if (validation.errors.length || validation.value === undefined) throw new InvalidPropsError(path, validation.errors);
  for (const w of validation.warnings) Annotations.of(scope).addWarning(`${path}: ${w.path}: ${w.message}`);
  return validation.value;
}
