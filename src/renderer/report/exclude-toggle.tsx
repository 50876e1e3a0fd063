// Keeps a study's feedback out of training (a poor image, a case the site must not share), with
// the reason. The flag is on the feedback records, which exist once a version is signed or
// submitted. Main has no read-back of the flag yet, so this shows what was set in this view.
import { useState } from 'react';

type Props = { studyId: string; available: boolean };

export function ExcludeToggle({ studyId, available }: Props) {
  const [excluded, setExcluded] = useState(false);
  const [reason, setReason] = useState('');
  const [sent, setSent] = useState<{ excluded: boolean; reason: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = (next: boolean, why: string) => {
    if (sent && sent.excluded === next && sent.reason === why) return;
    const text = why.trim();
    window.lightbox
      .invoke('reading:exclude', { studyId, excluded: next, reason: next && text ? text : null })
      .then(
        () => {
          setSent({ excluded: next, reason: why });
          setError(null);
        },
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      );
  };

  return (
    <section className="exclude" aria-label="Training data">
      <label title={available ? undefined : 'Available once the report is signed or submitted'}>
        <input
          type="checkbox"
          disabled={!available}
          checked={excluded}
          onChange={(e) => {
            setExcluded(e.target.checked);
            send(e.target.checked, reason);
          }}
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
          onBlur={() => send(true, reason)}
        />
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
