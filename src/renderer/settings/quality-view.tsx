// The model-quality view: per model version, how readers treated the drafts and how much of the text
// and the boxes survived, from the feedback records (quality:summary); the CSV for a spreadsheet, and
// the export of the same records as training data (a data manager reviews what the readers produced
// here before handing it to the next training round).
import { useEffect, useRef, useState } from 'react';
import type { ResultOf } from '../../shared/ipc-contract';
import { ExportDialog } from './export-dialog';
import { QualityActionBars } from './quality-action-bars';
import { fixed, modelKey, modelLabel, SERIES_CLASSES } from './quality-format';
import { QualityTrendPlot } from './quality-trend-plot';
import './quality-view.css';

type Summary = ResultOf<'quality:summary'>;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Saves text through the browser's download (a Blob URL on an <a download>), which Electron asks where to save. */
function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download reads the Blob after the click returns; revoke once it surely has.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function QualityView({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exportOpen, setExportOpen] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
    let live = true;
    window.lightbox.invoke('quality:summary', {}).then(
      (s) => live && setSummary(s),
      (e: unknown) => live && setError(message(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  const exportCsv = () => {
    window.lightbox.invoke('quality:csv', {}).then(
      (csv) => download(csv, `lightbox-model-quality-${new Date().toISOString().slice(0, 10)}.csv`),
      (e: unknown) => setError(message(e)),
    );
  };

  const keys = summary?.models.map(modelKey) ?? [];
  const modelIds = [...new Set(summary?.models.map((m) => m.modelId))];
  return (
    <>
      <dialog ref={dialog} className="quality" aria-labelledby="quality-title" onClose={onClose}>
        <h2 id="quality-title">Model quality</h2>
        {error && <p className="error">{error}</p>}
        {!summary && !error && <p className="muted">Loading…</p>}
        {summary && summary.models.length === 0 && (
          <p className="muted" data-testid="quality-empty">
            No drafted reports have been signed yet.
          </p>
        )}
        {summary && summary.models.length > 0 && (
          <>
            <table data-testid="quality-table">
              <thead>
                <tr>
                  <th>Model</th>
                  <th>Version</th>
                  <th className="num">Drafts</th>
                  <th className="num">Accepted</th>
                  <th className="num">Edited</th>
                  <th className="num">Rejected</th>
                  <th className="num">Added</th>
                  <th className="num" title="Mean IoU of matched draft and final boxes, per finding">
                    Box IoU
                  </th>
                  <th
                    className="num"
                    title="IoU-weighted soft F1 of all draft against all final boxes, per draft"
                  >
                    Grounding reward
                  </th>
                  <th className="num" title="Google BLEU of draft against final findings text">
                    GLEU
                  </th>
                  <th className="num" title="Words inserted, deleted or replaced, per draft">
                    Word edits
                  </th>
                  <th
                    className="num"
                    title="Micro F1 of the findings named (negation-aware), draft against final"
                  >
                    Label F1
                  </th>
                </tr>
              </thead>
              <tbody>
                {summary.models.map((m, i) => (
                  <tr key={keys[i]} data-testid="quality-row">
                    <td>
                      <span className={`quality-swatch series-${i % SERIES_CLASSES}`} aria-hidden="true" />
                      {m.modelId}
                    </td>
                    <td>{m.modelVersion}</td>
                    <td className="num">{m.records}</td>
                    <td className="num">{m.findings.accepted}</td>
                    <td className="num">{m.findings.edited}</td>
                    <td className="num">{m.findings.rejected}</td>
                    <td className="num">{m.findings.added}</td>
                    <td className="num">{fixed(m.meanBoxIou)}</td>
                    <td className="num">{fixed(m.meanGroundingReward)}</td>
                    <td className="num">{fixed(m.meanGleu)}</td>
                    <td className="num">{fixed(m.meanEditDistance, 1)}</td>
                    <td className="num">{fixed(m.labelF1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="quality-plots">
              <QualityActionBars models={summary.models} />
              <QualityTrendPlot
                title="Grounding reward"
                metric="groundingReward"
                points={summary.points}
                models={keys}
              />
              <QualityTrendPlot title="GLEU" metric="gleu" points={summary.points} models={keys} />
            </div>
            <p className="quality-legend">
              {summary.models.map((m, i) => (
                <span key={keys[i]}>
                  <span className={`quality-swatch series-${i % SERIES_CLASSES}`} aria-hidden="true" />
                  {modelLabel(m)}
                </span>
              ))}
            </p>
          </>
        )}
        <form method="dialog">
          <button type="button" onClick={() => setExportOpen(true)}>
            Export training data…
          </button>
          <button type="button" onClick={exportCsv} disabled={!summary?.models.length}>
            Export CSV
          </button>
          <button type="submit" autoFocus>
            Close
          </button>
        </form>
      </dialog>
      {exportOpen && <ExportDialog modelIds={modelIds} onClose={() => setExportOpen(false)} />}
    </>
  );
}
