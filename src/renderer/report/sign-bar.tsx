// Sign-off: radiologists sign, annotators submit box corrections; afterwards the reading is read-only,
// says who signed and when, and a new version starts from it (an amendment, or a box correction).
import type { Reading, Role } from '../../shared/reading';

type Props = {
  reading: Reading;
  role: Role | null;
  onSign: () => void;
  onSubmit: () => void;
  onRevise: () => void;
};

const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '');

export function SignBar({ reading, role, onSign, onSubmit, onRevise }: Props) {
  const radiologist = role === 'radiologist';
  return (
    <section className="sign-bar" aria-label="Sign-off">
      <p className="muted" data-testid="reading-version">
        Version {reading.version}
        {reading.parentVersion !== null && ` · revises version ${reading.parentVersion}`}
      </p>
      {reading.status === 'in-progress' ? (
        <div className="sign-actions">
          {/* A disabled button shows no tooltip of its own in every browser: the wrapper carries it. */}
          <span title={radiologist ? 'Sign the report' : 'Only radiologists sign reports'}>
            <button type="button" className="primary" disabled={!radiologist} onClick={onSign}>
              Sign
            </button>
          </span>
          {role === 'annotator' && (
            <button type="button" onClick={onSubmit}>
              Submit corrections
            </button>
          )}
        </div>
      ) : (
        <div className="sign-actions">
          <p className="signed" data-testid="signed-by">
            {reading.status === 'signed' ? 'Signed' : 'Corrections submitted'} by {reading.signedBy} at{' '}
            <time dateTime={reading.signedAt ?? undefined}>{when(reading.signedAt)}</time>
          </p>
          {radiologist && (
            <button type="button" onClick={onRevise}>
              Amend
            </button>
          )}
          {role === 'annotator' && (
            <button type="button" onClick={onRevise}>
              Correct boxes
            </button>
          )}
        </div>
      )}
    </section>
  );
}
