// Import progress bar and the one-line outcome of the last import.
import type { Importer } from './use-import';

export function ImportStatus({ importer }: { importer: Importer }) {
  const { running, progress, report, error } = importer;
  if (running) {
    const total = progress?.total ?? 0;
    return (
      <div className="import-status" role="status">
        <progress
          max={total || undefined}
          value={total ? (progress?.done ?? 0) : undefined}
          aria-label="Import progress"
        />
        <span>{total ? `Importing ${progress?.done ?? 0} of ${total} files…` : 'Looking for files…'}</span>
      </div>
    );
  }
  if (error) {
    return (
      <div className="import-status error" role="alert">
        {error}
        <button type="button" onClick={importer.dismiss}>
          Dismiss
        </button>
      </div>
    );
  }
  if (report) {
    return (
      <div className="import-status" role="status">
        Imported: {report.added} added, {report.unchanged} unchanged, {report.rejected.length} rejected.
      </div>
    );
  }
  return null;
}
