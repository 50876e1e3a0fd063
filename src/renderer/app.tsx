// The window: a header, then the worklist or a study's viewer; imports work from both.
import { useCallback, useEffect, useState } from 'react';
import type { ResultOf } from '../shared/ipc-contract';
import { SettingsPanel } from './settings/settings-panel';
import { renderBackend } from './viewer/cornerstone-init';
import { useStudy } from './viewer/use-study';
import { ViewerPage } from './viewer/viewer-page';
import { ImportReportDialog } from './worklist/import-report-dialog';
import { ImportStatus } from './worklist/import-status';
import { useImport } from './worklist/use-import';
import { useWindowDrop } from './worklist/use-window-drop';
import { WorklistPage } from './worklist/worklist-page';

type AppInfo = ResultOf<'app:info'>;

function StudyViewer({ studyId, imageBaseUrl }: { studyId: string; imageBaseUrl: string }) {
  const { study, error } = useStudy(studyId);
  if (error) return <p className="error page-message">{error}</p>;
  if (!study) return <p className="muted page-message">Loading study…</p>;
  return <ViewerPage key={study.id} study={study} imageBaseUrl={imageBaseUrl} />;
}

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  const [studyId, setStudyId] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const importer = useImport(useCallback(() => setRevision((r) => r + 1), []));
  const { run } = importer;
  const dragging = useWindowDrop(useCallback((paths: string[]) => run({ kind: 'paths', paths }), [run]));

  useEffect(() => {
    window.lightbox
      .invoke('app:info', {})
      .then(setInfo, (e: unknown) => setFatal(e instanceof Error ? e.message : String(e)));
  }, []);

  if (fatal) return <p className="error page-message">Lightbox could not start: {fatal}</p>;
  if (!info) return null;
  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">Lightbox</span>
        {studyId && (
          <button type="button" onClick={() => setStudyId(null)}>
            ← Worklist
          </button>
        )}
        <ImportStatus importer={importer} />
        <span className="spacer" />
        <button type="button" aria-label="Settings" title="Settings" onClick={() => setSettingsOpen(true)}>
          ⚙
        </button>
      </header>
      {studyId ? (
        <StudyViewer studyId={studyId} imageBaseUrl={info.imageBaseUrl} />
      ) : (
        <WorklistPage
          importer={importer}
          samplesAvailable={info.samplesAvailable}
          revision={revision}
          onOpen={setStudyId}
        />
      )}
      {importer.report && importer.reportOpen && (
        <ImportReportDialog report={importer.report} onClose={importer.closeReport} />
      )}
      {settingsOpen && (
        <SettingsPanel
          version={info.version}
          backend={renderBackend()}
          onClose={() => setSettingsOpen(false)}
        />
      )}
      {dragging && <div className="drop-overlay">Drop DICOM files or folders to import them</div>}
    </div>
  );
}
