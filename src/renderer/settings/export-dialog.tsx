// Export training data: the layout, optional filters (records since a day, one model), then main asks
// where to write it (a new folder inside the one chosen) and the summary says what went in, and what
// was left out and why, so a data manager can check an export before handing it to training.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ExportFormat, ExportSummary } from '../../shared/feedback';
import './export-dialog.css';

const FORMATS: readonly { format: ExportFormat; label: string; hint: string }[] = [
  {
    format: 'trl-dpo',
    label: 'TRL DPO',
    hint: "preference pairs: the reader's final over the model's draft",
  },
  { format: 'trl-kto', label: 'TRL KTO', hint: 'drafts labelled as kept or changed by the reader' },
  { format: 'verl-grpo', label: 'verl GRPO', hint: "Parquet; the reader's report and boxes as ground truth" },
  { format: 'jsonl', label: 'JSONL', hint: 'every feedback record as it is kept' },
];

type Outcome =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'done'; summary: ExportSummary }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

type Props = {
  /** The model ids the feedback records name, to filter by. */
  modelIds: readonly string[];
  onClose: () => void;
};

export function ExportDialog({ modelIds, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [format, setFormat] = useState<ExportFormat>('trl-dpo');
  const [since, setSince] = useState('');
  const [modelId, setModelId] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setOutcome({ kind: 'running' });
    window.lightbox
      .invoke('feedback:export', {
        format,
        ...(since ? { since } : {}),
        ...(modelId ? { modelId } : {}),
      })
      .then(
        (summary) => setOutcome(summary ? { kind: 'done', summary } : { kind: 'cancelled' }),
        (err: unknown) =>
          setOutcome({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
  };

  const running = outcome.kind === 'running';
  return (
    <dialog
      ref={dialog}
      className="export-dialog"
      aria-labelledby="export-title"
      onCancel={(e) => {
        if (running) e.preventDefault();
      }}
      onClose={onClose}
    >
      <form onSubmit={submit}>
        <h2 id="export-title">Export training data</h2>
        <p className="muted hint">
          Signed reports and box corrections, de-identified, with the images the model saw. Lightbox asks for
          a folder and writes a new folder inside it.
        </p>
        <fieldset className="formats" disabled={running}>
          <legend>Format</legend>
          {FORMATS.map((f) => (
            <label key={f.format}>
              <input
                type="radio"
                name="format"
                value={f.format}
                checked={format === f.format}
                onChange={() => setFormat(f.format)}
              />
              <span>
                {f.label} <span className="muted">— {f.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="filters">
          <div className="field">
            <label htmlFor={`${id}-since`}>Signed since (optional)</label>
            <input
              id={`${id}-since`}
              type="date"
              value={since}
              disabled={running}
              onChange={(e) => setSince(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-model`}>Model</label>
            <select
              id={`${id}-model`}
              value={modelId}
              disabled={running}
              onChange={(e) => setModelId(e.target.value)}
            >
              <option value="">All models</option>
              {modelIds.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </div>
        </div>
        <ExportOutcome outcome={outcome} />
        <div className="actions">
          <button type="button" disabled={running} onClick={() => dialog.current?.close()}>
            Close
          </button>
          <button type="submit" className="primary" disabled={running}>
            {running ? 'Exporting…' : 'Export…'}
          </button>
        </div>
      </form>
    </dialog>
  );
}

function ExportOutcome({ outcome }: { outcome: Outcome }) {
  switch (outcome.kind) {
    case 'idle':
      return null;
    case 'running':
      return (
        <p className="muted" role="status">
          Exporting…
        </p>
      );
    case 'cancelled':
      return (
        <p className="muted" role="status" data-testid="export-cancelled">
          No folder was chosen; nothing was exported.
        </p>
      );
    case 'failed':
      return (
        <p className="error" role="alert" data-testid="export-error">
          {outcome.message}
        </p>
      );
    case 'done': {
      const { summary } = outcome;
      return (
        <div className="export-summary" role="status" data-testid="export-summary">
          <dl>
            <dt>Folder</dt>
            <dd className="path" data-testid="export-folder">
              {summary.outDir}
            </dd>
            <dt>Records</dt>
            <dd data-testid="export-records">{summary.records}</dd>
            <dt>Rows</dt>
            <dd data-testid="export-rows">{summary.rows}</dd>
            <dt>Images</dt>
            <dd data-testid="export-images">{summary.images}</dd>
            <dt>Left out</dt>
            <dd data-testid="export-excluded-count">{summary.excluded.length}</dd>
          </dl>
          {summary.excluded.length > 0 && (
            <ul className="excluded" aria-label="Records left out">
              {summary.excluded.map((x) => (
                <li key={x.recordId} data-testid="export-excluded">
                  <code>{x.recordId}</code>: {x.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      );
    }
  }
}
