// Asks who reads: a display name for this workstation and the role, which decides what the reader
// may do (radiologists sign reports, annotators correct boxes). Records carry a pseudonymous id.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ReaderProfile, Role } from '../../shared/reading';
import { roleLabel } from './profile-state';

type Props = {
  current: ReaderProfile | null;
  onSave: (displayName: string, role: Role) => Promise<void>;
  /** null at first start: the dialog stays until answered. */
  onClose: (() => void) | null;
};

const roles: readonly Role[] = ['radiologist', 'annotator'];

export function ProfileDialog({ current, onSave, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [name, setName] = useState(current?.displayName ?? '');
  const [role, setRole] = useState<Role>(current?.role ?? 'radiologist');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    onSave(name.trim(), role).then(
      () => onClose?.(),
      (err: unknown) => {
        setSaving(false);
        setError(err instanceof Error ? err.message : String(err));
      },
    );
  };

  return (
    <dialog
      ref={dialog}
      className="profile-dialog"
      aria-labelledby="profile-title"
      // Escape closes the dialog only when there is something to go back to.
      onCancel={(e) => {
        if (!onClose) e.preventDefault();
      }}
      onClose={() => onClose?.()}
    >
      <form onSubmit={submit}>
        <h2 id="profile-title">{current ? 'Reader profile' : 'Who is reading?'}</h2>
        <label className="field">
          <span>Display name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={200}
            autoFocus
            autoComplete="name"
          />
        </label>
        <fieldset className="roles">
          <legend>Role</legend>
          {roles.map((r) => (
            <label key={r}>
              <input type="radio" name="role" checked={role === r} onChange={() => setRole(r)} />
              {roleLabel[r]}
            </label>
          ))}
        </fieldset>
        <p className="muted hint">
          Radiologists edit and sign reports; annotators correct boxes. Your name stays on this machine: what
          you record carries a pseudonymous reader id.
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          {onClose && (
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          )}
          <button type="submit" className="primary" disabled={saving || name.trim() === ''}>
            Save
          </button>
        </div>
      </form>
    </dialog>
  );
}
