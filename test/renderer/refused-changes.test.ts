// The reader's Retry for edits main could not store: what a refusal left unsent waits, every waiting
// edit goes again (in the order it was refused) when the reader retries, each caller learns only whether
// its edit was stored in the end, and a refusal for what the edit said is not retried.
import { describe, expect, it } from 'vitest';
import { RetryGate, untilStored, type Attempt } from '../../src/renderer/report/refused-changes';

/** A main that stores nothing while `full`, refuses 'bad' for what it says, and records what it stored. */
function fakeMain() {
  const state = { full: true, stored: [] as string[], tries: [] as string[] };
  const attempt = async (changes: readonly string[]): Promise<Attempt<string>> => {
    for (const [i, change] of changes.entries()) {
      state.tries.push(change);
      if (change === 'bad') return { stored: false, retry: null };
      if (state.full) return { stored: false, retry: changes.slice(i) };
      state.stored.push(change);
    }
    return { stored: true };
  };
  return { state, attempt };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('untilStored', () => {
  it('keeps refused edits waiting, and sends them all again, in order, on Retry', async () => {
    const { state, attempt } = fakeMain();
    const waiting: boolean[] = [];
    const gate = new RetryGate((w) => waiting.push(w));
    const first = untilStored(['a', 'b'], attempt, gate);
    const second = untilStored(['c'], attempt, gate);
    await settled();
    expect(gate.pending).toBe(true);
    expect(waiting).toEqual([true]);
    expect(state.stored).toEqual([]);

    state.full = false;
    gate.answer(true);
    await expect(first).resolves.toBe(true);
    await expect(second).resolves.toBe(true);
    expect(state.stored).toEqual(['a', 'b', 'c']);
    expect(state.tries).toEqual(['a', 'c', 'a', 'b', 'c']);
    expect(waiting).toEqual([true, false]);
  });

  it('waits again when the retry is refused too, and gives up when the reader does', async () => {
    const { state, attempt } = fakeMain();
    const gate = new RetryGate(() => undefined);
    const edit = untilStored(['a'], attempt, gate);
    await settled();
    gate.answer(true);
    await settled();
    expect(gate.pending).toBe(true);
    gate.answer(false);
    await expect(edit).resolves.toBe(false);
    expect(state.tries).toEqual(['a', 'a']);
    expect(gate.pending).toBe(false);
  });

  it('does not retry an edit main refused for what it said', async () => {
    const { state, attempt } = fakeMain();
    state.full = false;
    const gate = new RetryGate(() => undefined);
    await expect(untilStored(['bad'], attempt, gate)).resolves.toBe(false);
    expect(gate.pending).toBe(false);
    await expect(untilStored(['ok'], attempt, gate)).resolves.toBe(true);
    expect(state.stored).toEqual(['ok']);
  });
});
