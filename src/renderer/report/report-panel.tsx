// The report panel beside the images: Draft (d) and Cancel, the report as the model writes it, the
// findings, and who wrote it: provider (with the reason for a fallback), model, and its intended use.
import type { DraftView } from './draft-view';
import { FindingsList } from '../findings/findings-list';
import { intendedUseLabel } from './intended-use';
import './report.css';

type Props = {
  view: DraftView;
  highlighted: number | null;
  onHover: (finding: number | null) => void;
  onDraft: () => void;
  onCancel: () => void;
};

export function ReportPanel({ view, highlighted, onHover, onDraft, onCancel }: Props) {
  const use = view.model ? intendedUseLabel(view.model.intendedUse) : null;
  return (
    <aside className="report-panel" aria-label="Report" data-running={view.running}>
      <header>
        <h2>Report</h2>
        {view.running ? (
          <button type="button" onClick={onCancel} disabled={!view.draftId}>
            Cancel
          </button>
        ) : (
          <button type="button" className="primary" onClick={onDraft} title="Draft the report (d)">
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
      {view.reportText && (
        <p className="report-text" data-testid="report-text">
          {view.reportText}
        </p>
      )}
      {view.findings.length > 0 && (
        <FindingsList findings={view.findings} highlighted={highlighted} onHover={onHover} />
      )}
      {!view.running && !view.reportText && !view.error && (
        <p className="muted">No draft yet. Draft writes one from the frontal image.</p>
      )}
    </aside>
  );
}
