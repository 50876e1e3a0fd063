// A study's reading. Main holds it: every edit goes there with the revision it was made on, and the
// reading main answers replaces the one shown. Calls run one after another, so each is made on the
// revision the one before returned; when another window got there first, the reading is opened again.
// An edit main could not store (the disk is full, the library busy) waits for the reader's Retry.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Reading, ReadingOp } from '../../shared/reading';
import { isStorageRefusal } from '../../shared/storage-refusals';
import { isStaleRevision } from './reading-edits';
import { RetryGate, untilStored, type Attempt } from './refused-changes';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export type ReadingControl = {
  /** null while it is being opened. */
  reading: Reading | null;
  /** Why the reading could not be opened. */
  error: string | null;
  /** What main refused last; cleared by the next change that goes through while none waits for Retry. */
  notice: string | null;
  /**
   * Sends the changes main could not store again (null: none waits). Until then, or until the notice is
   * dismissed, their callers' promises stay unresolved, so the editors keep what the reader typed.
   */
  retry: (() => void) | null;
  /**
   * Applies the edits in order, stopping at the first refused; resolves whether all went through, after
   * the reader's retries when main could not store them.
   */
  apply(ops: readonly ReadingOp[]): Promise<boolean>;
  undo(): void;
  redo(): void;
  sign(): void;
  submit(): void;
  revise(): void;
  /** Sets or clears the study's exclude-from-training flag; resolves whether main took it. */
  exclude(excluded: boolean, reason: string | null): Promise<boolean>;
  /** Opens the reading again (a draft has finished: the reading may now be built from it). */
  reopen(): void;
  /** Shows a message of the editor's own in the notice's place (an edit it cannot send). */
  tell(text: string): void;
  /** Hides the notice; changes waiting for Retry are given up (their editors still hold the text). */
  dismissNotice(): void;
};

type Call = (current: Reading) => Promise<Reading>;

export function useReading(studyId: string): ReadingControl {
  const [reading, setReading] = useState<Reading | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const [gate] = useState(() => new RetryGate(setWaiting));
  const current = useRef<Reading | null>(null);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const live = useRef(true);

  const show = useCallback((next: Reading | null) => {
    if (!live.current) return;
    current.current = next;
    setReading(next);
  }, []);

  const open = useCallback(async () => {
    try {
      show(await window.lightbox.invoke('reading:open', { studyId }));
      if (live.current) setError(null);
    } catch (e) {
      if (live.current) setError(message(e));
    }
  }, [studyId, show]);

  /** Queues calls behind those already sent. */
  const enqueue = useCallback(<T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.current.then(task);
    queue.current = next.catch(() => undefined);
    return next;
  }, []);

  /** One try of the calls, in the queue; a storage refusal returns the calls it left unsent. */
  const attempt = useCallback(
    (calls: readonly Call[]): Promise<Attempt<Call>> =>
      enqueue(async () => {
        // Behind edits waiting for Retry: sent after them, never before (a later box move or text must
        // not be overwritten by an earlier one retried).
        if (live.current && gate.pending) return { stored: false, retry: calls };
        for (const [i, call] of calls.entries()) {
          // Sent even after the view has gone (an impression saved as the study closes).
          const base = current.current;
          if (!base) return { stored: false, retry: null };
          try {
            show(await call(base));
          } catch (e) {
            const text = message(e);
            if (live.current) setNotice(text);
            if (isStaleRevision(text)) await open();
            const retry = live.current && isStorageRefusal(text) ? calls.slice(i) : null;
            return { stored: false, retry };
          }
        }
        if (live.current && !gate.pending) setNotice(null);
        return { stored: true };
      }),
    [enqueue, gate, open, show],
  );

  const run = useCallback(
    (calls: readonly Call[]): Promise<boolean> => untilStored(calls, attempt, gate),
    [attempt, gate],
  );

  useEffect(() => {
    live.current = true;
    void enqueue(open);
    return () => {
      live.current = false;
      gate.answer(false);
    };
  }, [enqueue, gate, open]);

  const apply = useCallback(
    (ops: readonly ReadingOp[]) =>
      run(
        ops.map(
          (op) => (r: Reading) =>
            window.lightbox.invoke('reading:apply', { studyId, revision: r.revision, op }),
        ),
      ),
    [run, studyId],
  );

  const at = useCallback(
    (channel: 'reading:undo' | 'reading:redo' | 'reading:sign' | 'reading:submit') => () =>
      void run([(r) => window.lightbox.invoke(channel, { studyId, revision: r.revision })]),
    [run, studyId],
  );

  const revise = useCallback(
    () => void run([() => window.lightbox.invoke('reading:revise', { studyId })]),
    [run, studyId],
  );

  // It does not change the reading's revision: main answers null, and the reading shown takes the change.
  const exclude = useCallback(
    (excluded: boolean, reason: string | null) =>
      run([
        async (r) => {
          await window.lightbox.invoke('reading:exclude', { studyId, excluded, reason });
          return { ...r, exclude: { excluded, reason: excluded ? reason : null } };
        },
      ]),
    [run, studyId],
  );

  const reopen = useCallback(() => {
    show(null);
    void enqueue(open);
  }, [enqueue, open, show]);

  const retry = useCallback(() => gate.answer(true), [gate]);
  const dismissNotice = useCallback(() => {
    setNotice(null);
    gate.answer(false);
  }, [gate]);
  const tell = useCallback((text: string) => setNotice(text), []);

  return {
    reading,
    error,
    notice,
    retry: waiting ? retry : null,
    apply,
    undo: at('reading:undo'),
    redo: at('reading:redo'),
    sign: at('reading:sign'),
    submit: at('reading:submit'),
    revise,
    exclude,
    reopen,
    tell,
    dismissNotice,
  };
}
