// Changes main could not store because of the disk or the library (full, busy, failing), not because of
// what they said: each waits, with what the reader typed still on screen, for the reader's Retry, and is
// then sent again on the reading as it is by then; or for the reader to give up. Changes made meanwhile
// wait behind them, so nothing is stored out of order. Whoever made a change learns only the end of
// it: stored, or not.

/** How one try went: stored, or refused, with the changes to send again when main only could not store them. */
export type Attempt<C> = { stored: true } | { stored: false; retry: readonly C[] | null };

/** The changes waiting for Retry. All are answered at once, in the order they were refused. */
export class RetryGate {
  private waiting: ((again: boolean) => void)[] = [];

  /** `onWaiting` hears whether anything waits now (to show or hide Retry). */
  constructor(private readonly onWaiting: (waiting: boolean) => void) {}

  get pending(): boolean {
    return this.waiting.length > 0;
  }

  /** Resolves true when the reader retries, false when they give up or the reading closes. */
  wait(): Promise<boolean> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length === 1) this.onWaiting(true);
    });
  }

  answer(again: boolean): void {
    const waiting = this.waiting.splice(0);
    if (waiting.length === 0) return;
    this.onWaiting(false);
    for (const resolve of waiting) resolve(again);
  }
}

/** Tries the changes until they are stored: what a storage refusal left unsent waits at the gate, then goes again. */
export async function untilStored<C>(
  changes: readonly C[],
  attempt: (changes: readonly C[]) => Promise<Attempt<C>>,
  gate: RetryGate,
): Promise<boolean> {
  for (let left = changes; ;) {
    const outcome = await attempt(left);
    if (outcome.stored) return true;
    if (!outcome.retry || !(await gate.wait())) return false;
    left = outcome.retry;
  }
}
