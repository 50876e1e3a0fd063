// The impression: saved when the reader leaves the field, and after a pause in typing. What the
// reader types stays on screen until main has the same text, so a save in flight never undoes typing.
import { useEffect, useRef, useState } from 'react';

type Props = { value: string; readOnly: boolean; onSave: (text: string) => Promise<boolean> };

const PAUSE_MS = 1200;

export function ImpressionEditor({ value, readOnly, onSave }: Props) {
  /** What the reader typed that main does not have yet; null shows main's text. */
  const [typed, setTyped] = useState<string | null>(null);
  const saving = useRef<string | null>(null);

  const save = (text: string) => {
    if (saving.current === text) return;
    saving.current = text;
    void onSave(text).then((ok) => {
      saving.current = null;
      // Main has it now (or refused it: then main's text shows again).
      setTyped((t) => (t === text || !ok ? null : t));
    });
  };

  useEffect(() => {
    if (typed === null || typed === value) return;
    const timer = setTimeout(() => save(typed), PAUSE_MS);
    return () => clearTimeout(timer);
  });

  // Closing the study within the pause still saves what was typed.
  const unsaved = useRef<{ text: string; save: (text: string) => Promise<boolean> } | null>(null);
  useEffect(() => {
    const pending = typed !== null && typed !== value && saving.current !== typed;
    unsaved.current = pending ? { text: typed, save: onSave } : null;
  });
  useEffect(
    () => () => {
      const last = unsaved.current;
      if (last) void last.save(last.text);
    },
    [],
  );

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
