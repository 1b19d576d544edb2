/**
 * The `loom` command run in-process, as the CLI tests drive it: the exit code and what it wrote to
 * stdout and stderr (captured, so nothing reaches the test runner's output).
 */
import { vi } from 'vitest';
import { run } from '../../cli/main';

/** What one `loom` run returned and wrote. */
export interface LoomRun {
  /** The exit code. */
  readonly code: number;
  /** Everything written to stdout. */
  readonly stdout: string;
  /** Everything written to stderr. */
  readonly stderr: string;
}

/** Runs `loom <argv>` in this process and captures what it writes. */
export function loom(...argv: string[]): LoomRun {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: run(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
