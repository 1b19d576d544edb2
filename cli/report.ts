/**
 * How failures reach people: every spec problem on its own line as `<path>: <message>`, I/O and
 * syntax problems with file, line and column, and never a stack trace for a known failure.
 */
import { SpecValidationError, formatIssues } from '../schema/issues';
import { SpecInputError } from '../schema/load';

/** Exit codes of the CLI (and of the cdktf app entry). */
export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 3 } as const;

/** Writes the error the way its kind deserves and returns the exit code. */
export function report(e: unknown, out: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (e instanceof SpecValidationError) {
    out(`${e.source}: ${e.issues.length} problem${e.issues.length === 1 ? '' : 's'}\n${formatIssues(e.issues)}\n`);
    return EXIT.invalid;
  }
  // By name, not class: the error classes live with the constructs, which load cdktf — a cost
  // `loom validate`, `cost` or `maturity` should not pay.
  if (e instanceof Error && e.name === 'SynthRefusal') {
    const path = (e as Error & { path: string }).path;
    out(`${path}: ${e.message.slice(path.length + 2)}\n`);
    return EXIT.invalid;
  }
  if (e instanceof Error && (e.name === 'PlatformValidationError' || e.name === 'InvalidPropsError')) {
    out(`${e.message}\n`);
    return EXIT.invalid;
  }
  if (e instanceof Error && e.name === 'PolicyViolation') {
    const { report: r } = e as Error & { report: import('../policies').PolicyReport };
    const { formatCheckTable } = require('./check') as typeof import('./check');
    out(`${formatCheckTable({ ...r, findings: r.findings.filter((f) => f.level === 'error' && !f.excepted) })}synth stopped: ${e.message}; nothing was written (loom check <spec> lists every finding; policies.exceptions takes a reasoned, dated exception)\n`);
    return EXIT.invalid;
  }
  if (e instanceof Error && e.name === 'PriceBookError') {
    out(`${e.message}\n`);
    return EXIT.invalid;
  }
  if (e instanceof SpecInputError) {
    out(`${e.message}\n`);
    return EXIT.usage;
  }
  const err = e as Error;
  out(`loom: internal error: ${err?.message ?? String(e)}\n${process.env.LOOM_DEBUG ? `${err?.stack ?? ''}\n` : 'set LOOM_DEBUG=1 for the stack trace, and please report it\n'}`);
  return EXIT.internal;
}

export function reportAndExit(e: unknown): never {
  process.exit(report(e));
}
