/**
 * The date the spec is judged against (Kubernetes support windows, expired policy exceptions).
 * Read here only, so that a run is reproducible: `LOOM_TODAY=YYYY-MM-DD` pins it (tests and
 * snapshots set it), otherwise it is today's date in UTC — cloud calendars are UTC dates.
 * @param env where to read `LOOM_TODAY` from (default: the process environment)
 */
export function evaluationDate(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const pinned = env.LOOM_TODAY;
  if (pinned === undefined || pinned === '') return new Date().toISOString().slice(0, 10);
  const parsed = new Date(`${pinned}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(pinned) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== pinned) {
    throw new Error(`LOOM_TODAY must be a date as YYYY-MM-DD, got '${pinned}'; unset it to use today's date`);
  }
  return pinned;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD, UTC). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
