// Time on task of one reading version, from its activity log (open, every edit, undo, redo, sign or
// submit). A window left open over lunch is not reading time, so each gap between consecutive events
// counts at most IDLE_CAP_MS: longer gaps are taken as idle, and only their first five minutes count.
export const IDLE_CAP_MS = 5 * 60_000;

export function timeOnTaskMs(eventTimesMs: readonly number[]): number {
  const times = [...eventTimesMs].sort((a, b) => a - b);
  let total = 0;
  for (let i = 1; i < times.length; i++) total += Math.min(times[i]! - times[i - 1]!, IDLE_CAP_MS);
  return total;
}
