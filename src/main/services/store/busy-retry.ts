// A busy library never holds the event loop: SQLite itself waits only a few milliseconds for another
// connection's lock (BUSY_WAIT_MS, synchronous), and a write that still finds it locked is tried again
// after timers (back-off doubling up to 200 ms) for at most BUSY_RETRY_MS, then refused as busy. Only
// whole writes are retried: each is one transaction that SQLite rolled back, begun IMMEDIATE where it
// checks a revision, so a retry either applies the change once or is refused as stale.
import { setTimeout as sleep } from 'node:timers/promises';
import { isBusy } from './storage-errors';

/** SQLite's own (blocking) wait for a lock on each statement. */
export const BUSY_WAIT_MS = 10;
/** How long a write keeps trying before the reader is told the library is busy. */
export const BUSY_RETRY_MS = 3000;

const FIRST_PAUSE_MS = 10;
const MAX_PAUSE_MS = 200;

export async function retryWhileBusy<T>(write: () => T, budgetMs = BUSY_RETRY_MS): Promise<T> {
  const deadline = performance.now() + budgetMs;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    try {
      return write();
    } catch (err) {
      const left = deadline - performance.now();
      if (!isBusy(err) || left <= 0) throw err;
      await sleep(Math.min(pause, left));
    }
  }
}
