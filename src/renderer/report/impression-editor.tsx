// The impression: saved when the reader leaves the field, and after a pause in typing. What the
// reader types stays on screen until main has the same text, so a save in flight never undoes typing,
// and one main could not store (the disk is full, the library busy) stays for the reader's Retry.
import { useEffect, useRef, useState } from 'react';
import { forgetUnsavedImpression, keepUnsavedImpression, unsavedImpression } from './unsaved-impressions';

type Props = {
  studyId: string;
  value: string;
  readOnly: boolean;
  /** Resolves whether main stored the text (after the reader's retries, where it could not at first). */
  onSave: (text: string) => Promise<boolean>;
};

const PAUSE_MS = 1200;

export function ImpressionEditor({ studyId, value, readOnly, onSave }: Props) {
  /** What the reader typed that main does not have yet; null shows main's text. */
  const [typed, setTyped] = useState<string | null>(() => {
    const kept = unsavedImpression(studyId);
    if (kept !== value) return kept;
    // Stored after all, by the last save as the study closed.
    if (kept !== null) forgetUnsavedImpression(studyId, kept);
    return null;
  });
  /** The text main last refused: the pause does not send it again, an edit or leaving the field does. */
  const [refused, setRefused] = useState<string | null>(null);
  const saving = useRef<string | null>(null);

  const save = (text: string) => {
    if (saving.current === text) return;
    saving.current = text;
    void onSave(text).then((ok) => {
      if (saving.current === text) saving.current = null;
      if (ok) forgetUnsavedImpression(studyId, text);
      setRefused(ok ? null : text);
      // Main has it now; refused, it stays the reader's.
      setTyped((t) => (ok && t === text ? null : t));
    });
  };

  useEffect(() => {
    if (typed === null || typed === value || typed === refused) return;
    const timer = setTimeout(() => save(typed), PAUSE_MS);
    return () => clearTimeout(timer);
  });

  // Closing the study keeps what main does not have (for its next opening) and sends it once more.
  const unsaved = useRef<{ text: string; save: typeof onSave } | null>(null);
  useEffect(() => {
    unsaved.current = typed !== null && typed !== value ? { text: typed, save: onSave } : null;
  });
  useEffect(() => {
    const inFlight = saving;
    return () => {
      const last = unsaved.current;
      if (!last) return;
      keepUnsavedImpression(studyId, last.text);
      // One in flight forgets it itself once stored.
      if (inFlight.current !== last.text)
        void last.save(last.text).then((ok) => ok && forgetUnsavedImpression(studyId, last.text));
    };
  }, [studyId]);

  return (
    <section className="impression" aria-labelledby="impression-title">
      <h3 id="impression-title">Impression</h3>
      <div data-groundable>
        <textarea
          aria-labelledby="impression-title"
          data-testid="impression"
          rows={3}
          maxLength={20_000}
          readOnly={readOnly}
          placeholder={readOnly ? '' : 'Impression…'}
          value={typed ?? value}
          onChange={(e) => setTyped(e.target.value)}
          onBlur={() => {
            if (typed !== null && typed !== value) save(typed);
          }}
        />
      </div>
    </section>
  );
}
