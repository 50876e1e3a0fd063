// Minimal settings: what renders the images, and which version runs.
import { useEffect, useRef } from 'react';
import type { RenderBackend } from '../viewer/cornerstone-init';

type Props = { version: string; backend: RenderBackend | null; onClose: () => void };

export function SettingsPanel({ version, backend, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="settings" aria-labelledby="settings-title" onClose={onClose}>
      <h2 id="settings-title">Settings</h2>
      <dl>
        <dt>Rendering</dt>
        <dd data-testid="render-backend">
          {backend ? `${backend.kind} (${backend.reason})` : 'not initialised'}
        </dd>
        <dt>Graphics</dt>
        <dd>{backend?.renderer || '—'}</dd>
        <dt>Version</dt>
        <dd data-testid="app-version">{version}</dd>
      </dl>
      <form method="dialog">
        <button type="submit" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  );
}
