// Runs imports (samples, picker, dropped files) and tracks their progress and report.
import { useCallback, useEffect, useState } from 'react';
import type { ImportProgress, ImportReport } from '../../shared/domain';

export type ImportSource =
  { kind: 'samples' } | { kind: 'pick'; pick: 'folder' | 'files' } | { kind: 'dropped'; files: File[] };

export type Importer = {
  running: boolean;
  progress: ImportProgress | null;
  report: ImportReport | null;
  error: string | null;
  /** The report dialog is open: set when an import rejected files or found duplicates. */
  reportOpen: boolean;
  run: (source: ImportSource) => void;
  dismiss: () => void;
  closeReport: () => void;
};

function invokeImport(source: ImportSource): Promise<ImportReport | null> {
  switch (source.kind) {
    case 'samples':
      return window.lightbox.invoke('import:samples', {});
    case 'pick':
      return window.lightbox.invoke('import:pick', { kind: source.pick });
    case 'dropped':
      return window.lightbox.importDropped(source.files);
  }
}

export function useImport(onImported: () => void): Importer {
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reportOpen, setReportOpen] = useState(false);

  useEffect(() => window.lightbox.on('import:progress', setProgress), []);

  const run = useCallback(
    (source: ImportSource) => {
      setRunning(true);
      setError(null);
      setProgress(null);
      invokeImport(source)
        .then((result) => {
          if (result) {
            setReport(result);
            setReportOpen(result.rejected.length > 0 || result.duplicates.length > 0);
            onImported();
          }
        })
        .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
        .finally(() => setRunning(false));
    },
    [onImported],
  );

  const dismiss = useCallback(() => {
    setReport(null);
    setError(null);
  }, []);
  const closeReport = useCallback(() => setReportOpen(false), []);

  return { running, progress, report, error, reportOpen, run, dismiss, closeReport };
}
