// Keeps a study's feedback out of training (a poor image, a case the site must not share), with
// the reason. The flag is on the feedback records, which exist once a version is signed or
// submitted; the reading carries it, so a reload shows what is stored.
import { useState } from 'react';
import type { Reading } from '../../shared/reading';

type Props = {
  exclude: Reading['exclude'];
  onChange: (excluded: boolean, reason: string | null) => Promise<boolean>;
};

export function ExcludeToggle({ exclude, onChange }: Props) {
  const [reason, setReason] = useState(exclude?.reason ?? '');
  // What was clicked, shown until main has answered (the box would otherwise flick back meanwhile).
  const [pending, setPending] = useState<boolean | null>(null);
  const available = exclude !== null;
  const excluded = pending ?? exclude?.excluded ?? false;
  const send = (next: boolean) => {
    const text = reason.trim() || null;
    if (exclude && exclude.excluded === next && (!next || exclude.reason === text)) return;
    setPending(next);
    void onChange(next, next ? text : null).finally(() => setPending(null));
  };

  return (
    <section className="exclude" aria-label="Exclude from training" data-testid="exclude">
      <label title={available ? undefined : 'Available once the report is signed or submitted'}>
        <input
          type="checkbox"
          disabled={!available}
          checked={excluded}
          onChange={(e) => send(e.target.checked)}
        />
        Exclude from training
      </label>
      {excluded && (
        <input
          aria-label="Reason for excluding"
          placeholder="Reason (optional)"
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          onBlur={() => send(true)}
        />
      )}
    </section>
  );
}
