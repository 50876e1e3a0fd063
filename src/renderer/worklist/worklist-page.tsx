// The list of studies: search, sort, open; imports start here or by dropping files on the window.
import { useEffect, useState } from 'react';
import type { StudySummary } from '../../shared/domain';
import type { Importer } from './use-import';
import { StudiesTable, type Sort } from './studies-table';
import './worklist.css';

type Props = {
  importer: Importer;
  samplesAvailable: boolean;
  /** Changes after every import, so the list reloads. */
  revision: number;
  onOpen: (studyId: string) => void;
};

const SEARCH_DELAY_MS = 200;

export function WorklistPage({ importer, samplesAvailable, revision, onOpen }: Props) {
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<Sort>({ key: 'importedAt', dir: 'desc' });
  const [studies, setStudies] = useState<StudySummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => setSearch(query.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [query]);

  useEffect(() => {
    let live = true;
    window.lightbox.invoke('studies:list', { search: search || undefined, sort }).then(
      (list) => {
        if (!live) return;
        setStudies(list);
        setError(null);
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [search, sort, revision]);

  const empty = studies !== null && studies.length === 0 && search === '';
  return (
    <div className="worklist">
      <div className="worklist-bar">
        <input
          type="search"
          className="search"
          placeholder="Search patient, ID, accession, description"
          aria-label="Search studies"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <span className="muted" data-testid="study-count">
          {studies ? `${studies.length} ${studies.length === 1 ? 'study' : 'studies'}` : ''}
        </span>
        <span className="spacer" />
        <button
          type="button"
          disabled={importer.running}
          onClick={() => importer.run({ kind: 'pick', pick: 'folder' })}
        >
          Open folder…
        </button>
        <button
          type="button"
          disabled={importer.running}
          onClick={() => importer.run({ kind: 'pick', pick: 'files' })}
        >
          Open files…
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {empty ? (
        <div className="empty-state">
          <h2>No studies yet</h2>
          <p>Open a folder or DICOM files, or drop them anywhere on this window.</p>
          {samplesAvailable && (
            <button
              type="button"
              className="primary"
              disabled={importer.running}
              onClick={() => importer.run({ kind: 'samples' })}
            >
              Open sample studies
            </button>
          )}
        </div>
      ) : (
        studies && (
          <div className="studies-scroll">
            <StudiesTable studies={studies} sort={sort} onSort={setSort} onOpen={onOpen} />
            {studies.length === 0 && <p className="muted no-match">No study matches “{search}”.</p>}
          </div>
        )
      )}
    </div>
  );
}
