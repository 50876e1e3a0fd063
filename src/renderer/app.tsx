// The window: a header, then the worklist or a study's viewer; imports work from both.
import { useCallback, useEffect, useState } from 'react';
import type { ResultOf } from '../shared/ipc-contract';
import type { Role } from '../shared/reading';
import { ProfileBadge } from './settings/profile-badge';
import { ProfileDialog } from './settings/profile-dialog';
import { useProfile } from './settings/profile-state';
import { QualityView } from './settings/quality-view';
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

type StudyViewerProps = { studyId: string; imageBaseUrl: string; role: Role | null };

function StudyViewer({ studyId, imageBaseUrl, role }: StudyViewerProps) {
  const { study, error } = useStudy(studyId);
  if (error) return <p className="error page-message">{error}</p>;
  if (!study) return <p className="muted page-message">Loading study…</p>;
  return <ViewerPage key={study.id} study={study} imageBaseUrl={imageBaseUrl} role={role} />;
}

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  const [studyId, setStudyId] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const reader = useProfile();
  const [profileOpen, setProfileOpen] = useState(false);
  const [qualityOpen, setQualityOpen] = useState(false);
  const importer = useImport(useCallback(() => setRevision((r) => r + 1), []));
  const { run } = importer;
  const dragging = useWindowDrop(useCallback((files: File[]) => run({ kind: 'dropped', files }), [run]));

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
        {reader.profile && <ProfileBadge profile={reader.profile} onEdit={() => setProfileOpen(true)} />}
        {reader.error && (
          <span className="error" role="alert">
            {reader.error}
          </span>
        )}
        <button type="button" onClick={() => setQualityOpen(true)}>
          Model quality
        </button>
        <button type="button" aria-label="Settings" title="Settings" onClick={() => setSettingsOpen(true)}>
          ⚙
        </button>
      </header>
      {studyId ? (
        <StudyViewer studyId={studyId} imageBaseUrl={info.imageBaseUrl} role={reader.profile?.role ?? null} />
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
      {qualityOpen && <QualityView onClose={() => setQualityOpen(false)} />}
      {reader.loaded && (!reader.profile || profileOpen) && (
        <ProfileDialog
          current={reader.profile}
          onSave={reader.save}
          onClose={reader.profile ? () => setProfileOpen(false) : null}
        />
      )}
      {dragging && <div className="drop-overlay">Drop DICOM files or folders to import them</div>}
    </div>
  );
}
