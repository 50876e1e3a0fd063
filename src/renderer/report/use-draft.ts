// A study's draft: the stored one, or the one being written with its events as they come.
import { useCallback, useEffect, useRef, useState } from 'react';
import { applyProgress, startingView, viewOfDraft, type DraftView } from './draft-view';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export type DraftControl = {
  view: DraftView;
  start(): void;
  cancel(): void;
};

/** onDone: a draft of the study has finished (and is stored), whichever window started it. */
export function useDraft(studyId: string, onDone?: () => void): DraftControl {
  const [view, setView] = useState<DraftView>(() => viewOfDraft(null));
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  });

  useEffect(() => {
    let live = true;
    window.lightbox.invoke('drafts:get', { studyId }).then(
      (draft) => live && setView((v) => (v.running ? v : viewOfDraft(draft))),
      (e: unknown) => live && setView((v) => ({ ...v, error: message(e) })),
    );
    const off = window.lightbox.on('drafts:event', ({ draftId, studyId: of, event }) => {
      if (of !== studyId) return;
      if (event.kind === 'done') done.current?.();
      setView((v) => {
        // Events can overtake drafts:start's answer (the test bridge streams them on another connection).
        const mine = v.draftId === draftId || (v.running && v.draftId === null);
        return mine ? applyProgress({ ...v, draftId }, event) : v;
      });
    });
    return () => {
      live = false;
      off();
    };
  }, [studyId]);

  const start = useCallback(() => {
    setView(startingView());
    window.lightbox.invoke('drafts:start', { studyId }).then(
      ({ draftId, sopInstanceUid }) =>
        setView((v) => (v.running ? { ...v, draftId: v.draftId ?? draftId, sopInstanceUid } : v)),
      (e: unknown) => setView({ ...viewOfDraft(null), error: message(e) }),
    );
  }, [studyId]);

  const cancel = useCallback(() => {
    if (view.draftId) void window.lightbox.invoke('drafts:cancel', { draftId: view.draftId });
  }, [view.draftId]);

  return { view, start, cancel };
}
