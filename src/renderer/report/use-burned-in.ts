// The burned-in state of the reading's image, which main reads from the file each time (checking it
// against the sha256 taken at intake), and the reader's confirmation that it is clean. It is the image's,
// not the report's: it does not go through the reading's revisions.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BurnedInState } from '../../shared/reading';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export type BurnedInControl = {
  /** null while it is being read, or when it could not be. */
  state: BurnedInState | null;
  /** Why the state could not be read, or why main refused the last change. */
  error: string | null;
  /** Confirms the image clean or withdraws that; resolves whether main took it. */
  confirm(clean: boolean): Promise<boolean>;
};

/** What main last answered, for the image it was asked about (another image shows nothing of it). */
type Known = { instanceId: string; state: BurnedInState | null; error: string | null };

export function useBurnedIn(instanceId: string): BurnedInControl {
  const [known, setKnown] = useState<Known | null>(null);
  const current = useRef(instanceId);

  const load = useCallback(
    async (error: string | null = null) => {
      let state: BurnedInState | null = null;
      try {
        state = await window.lightbox.invoke('images:burned-in', { instanceId });
      } catch (e) {
        error = message(e);
      }
      if (current.current === instanceId) setKnown({ instanceId, state, error });
    },
    [instanceId],
  );

  useEffect(() => {
    current.current = instanceId;
    void load();
    return () => {
      current.current = '';
    };
  }, [instanceId, load]);

  const confirm = useCallback(
    async (clean: boolean) => {
      try {
        const state = await window.lightbox.invoke('images:confirm-clean', { instanceId, clean });
        if (current.current === instanceId) setKnown({ instanceId, state, error: null });
        return true;
      } catch (e) {
        // The file may have changed meanwhile: show what it holds now, with why the change was refused.
        if (current.current === instanceId) await load(message(e));
        return false;
      }
    },
    [instanceId, load],
  );

  const mine = known?.instanceId === instanceId ? known : null;
  return { state: mine?.state ?? null, error: mine?.error ?? null, confirm };
}
