// The report panel beside the images: Draft (d) and Cancel, undo and redo, who wrote the draft
// (provider with the reason for a fallback, model, and its intended use), the report as the model
// writes it, then the reading the reader edits and signs.
import { FindingsList } from '../findings/findings-list';
import { intendedUseLabel } from './intended-use';
import { ReadingEditor } from './reading-editor';
import { isReadOnly } from './reading-edits';
import type { ReadingSession } from './use-reading-session';
import './report.css';

type Props = { session: ReadingSession };

export function ReportPanel({ session }: Props) {
  const { draft, reading: control } = session;
  const view = draft.view;
  const reading = control.reading;
  const use = view.model ? intendedUseLabel(view.model.intendedUse) : null;
  const editable = reading !== null && !isReadOnly(reading) && !view.running;
  return (
    <aside className="report-panel" aria-label="Report" data-running={view.running}>
      <header
        onMouseDown={(e) => {
          if ((e.target as Element).closest('button')) e.preventDefault();
        }}
      >
        <h2>Report</h2>
        <span className="spacer" />
        <button
          type="button"
          title="Undo (Ctrl+Z)"
          disabled={!editable || !reading?.canUndo}
          onClick={() => session.command({ kind: 'undo' })}
        >
          Undo
        </button>
        <button
          type="button"
          title="Redo (Ctrl+Shift+Z)"
          disabled={!editable || !reading?.canRedo}
          onClick={() => session.command({ kind: 'redo' })}
        >
          Redo
        </button>
        {view.running ? (
          <button type="button" onClick={draft.cancel} disabled={!view.draftId}>
            Cancel
          </button>
        ) : (
          <button type="button" className="primary" onClick={draft.start} title="Draft the report (d)">
            Draft
          </button>
        )}
      </header>
      {use && (
        <div className={`intended-use ${use.tone}`} role="note" data-testid="intended-use">
          {use.text}
        </div>
      )}
      {view.status && (
        <p className="draft-status muted" role="status" data-testid="draft-status">
          {view.status}
        </p>
      )}
      {view.error && (
        <p className="error" role="alert" data-testid="draft-error">
          {view.error}
        </p>
      )}
      {(view.provider || view.model) && (
        <dl className="draft-meta">
          {view.provider && (
            <>
              <dt>Provider</dt>
              <dd data-testid="draft-provider">
                {view.provider.provider}
                {view.provider.fallbackReason && (
                  <span className="fallback"> (fallback: {view.provider.fallbackReason})</span>
                )}
              </dd>
            </>
          )}
          {view.model && (
            <>
              <dt>Model</dt>
              <dd data-testid="draft-model">
                {view.model.id} {view.model.version} · {view.model.variant}
              </dd>
            </>
          )}
        </dl>
      )}
      {view.running ? (
        <>
          {view.reportText && (
            <p className="report-text" data-testid="report-text">
              {view.reportText}
            </p>
          )}
          {view.findings.length > 0 && (
            <FindingsList findings={view.findings} highlighted={session.hovered} onHover={session.hover} />
          )}
        </>
      ) : (
        <>
          {view.reportText ? (
            <details className="model-report">
              <summary>Model report</summary>
              <p className="report-text" data-testid="report-text">
                {view.reportText}
              </p>
            </details>
          ) : (
            !view.error && <p className="muted">No draft yet. Draft writes one from the frontal image.</p>
          )}
          <ReadingEditor session={session} draftFindings={view.findings} />
        </>
      )}
    </aside>
  );
}
