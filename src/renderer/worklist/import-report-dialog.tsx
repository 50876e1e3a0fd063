// The outcome of an import: counts, then every rejected file with its reason, then duplicates.
import { useEffect, useRef } from 'react';
import type { ImportReport } from '../../shared/domain';

type Props = { report: ImportReport; onClose: () => void };

export function ImportReportDialog({ report, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const seconds = (report.elapsedMs / 1000).toFixed(1);
  return (
    <dialog ref={dialog} className="import-report" aria-labelledby="import-report-title" onClose={onClose}>
      <h2 id="import-report-title">Import report</h2>
      <p>
        {report.scanned} files scanned in {seconds} s: {report.added} added, {report.unchanged} unchanged,{' '}
        {report.rejected.length} rejected, {report.duplicates.length} with a duplicate SOP Instance UID.
      </p>
      {report.rejected.length > 0 && (
        <section>
          <h3>Not imported</h3>
          <table data-testid="rejected">
            <thead>
              <tr>
                <th>File</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {report.rejected.map((r) => (
                <tr key={r.path}>
                  <td className="path">{r.path}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {report.duplicates.length > 0 && (
        <section>
          <h3>Imported, but another file has the same SOP Instance UID</h3>
          <table data-testid="duplicates">
            <tbody>
              {report.duplicates.map((d) => (
                <tr key={d.path}>
                  <td className="path">{d.path}</td>
                  <td className="uid">{d.sopInstanceUid}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <form method="dialog">
        <button type="submit" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  );
}
