// DICOM tags of the image in the active viewport, with the header's warnings first.
import { useEffect, useMemo, useState } from 'react';
import type { TagDump } from '../../../shared/domain';
import { filterTags } from './filter-tags';
import './tag-browser.css';

type Loaded = { instanceId: string; dump: TagDump | null; error: string | null };

const MAX_DEPTH_CLASS = 8;

export function TagBrowser({ instanceId }: { instanceId: string | null }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    if (!instanceId) return;
    let live = true;
    window.lightbox.invoke('instances:tags', { instanceId }).then(
      (dump) => live && setLoaded({ instanceId, dump, error: null }),
      (e: unknown) =>
        live && setLoaded({ instanceId, dump: null, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [instanceId]);

  const current = loaded?.instanceId === instanceId ? loaded : null;
  const rows = useMemo(() => filterTags(current?.dump?.rows ?? [], query), [current, query]);

  return (
    <aside className="tag-browser" aria-label="DICOM tags" data-instance-id={current?.instanceId ?? ''}>
      <header>
        <h2>DICOM tags</h2>
        <input
          type="search"
          placeholder="Filter tag, name or value"
          aria-label="Filter tags"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </header>
      {current?.dump && current.dump.warnings.length > 0 && (
        <ul className="tag-warnings" role="alert" data-testid="tag-warnings">
          {current.dump.warnings.map((w) => (
            <li key={w}>⚠ {w}</li>
          ))}
        </ul>
      )}
      {current?.error && <p className="error">{current.error}</p>}
      {!current && <p className="muted">{instanceId ? 'Loading…' : 'No image selected.'}</p>}
      {current?.dump && (
        <div className="tag-table-scroll">
          <table className="tag-table">
            <thead>
              <tr>
                <th>Tag</th>
                <th>VR</th>
                <th>Name</th>
                <th>Value</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={`${i}-${row.tag}`} className={`depth-${Math.min(row.depth, MAX_DEPTH_CLASS)}`}>
                  <td className="tag">{row.tag}</td>
                  <td>{row.vr}</td>
                  <td className="name">{row.name}</td>
                  <td className="value" title={row.value}>
                    {row.value}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p className="muted">No tag matches “{query}”.</p>}
        </div>
      )}
    </aside>
  );
}
