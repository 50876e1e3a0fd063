import type { StudySummary } from '../../shared/domain';
import { formatDate, formatPersonName, formatViews } from './format';

export type SortKey = 'patientName' | 'studyDate' | 'modalities' | 'status' | 'importedAt';
export type Sort = { key: SortKey; dir: 'asc' | 'desc' };

type Column = { label: string; sortKey?: SortKey; cell: (s: StudySummary) => string; className?: string };

const columns: readonly Column[] = [
  { label: 'Patient', sortKey: 'patientName', cell: (s) => formatPersonName(s.patientName) || '(no name)' },
  { label: 'Patient ID', cell: (s) => s.patientId },
  { label: 'Date', sortKey: 'studyDate', cell: (s) => formatDate(s.studyDate) },
  { label: 'Modality', sortKey: 'modalities', cell: (s) => s.modalities.join(', ') },
  { label: 'Views', cell: (s) => formatViews(s.views) },
  { label: 'Images', cell: (s) => String(s.imageCount), className: 'numeric' },
  { label: 'Description', cell: (s) => s.description },
  { label: 'Status', sortKey: 'status', cell: (s) => s.status, className: 'status' },
];

type Props = {
  studies: readonly StudySummary[];
  sort: Sort;
  onSort: (sort: Sort) => void;
  onOpen: (id: string) => void;
};

const ariaSort = (sort: Sort, key?: SortKey) =>
  key && sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined;

export function StudiesTable({ studies, sort, onSort, onOpen }: Props) {
  return (
    <table className="studies">
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.label} aria-sort={ariaSort(sort, c.sortKey)} className={c.className}>
              {c.sortKey ? (
                <button
                  type="button"
                  className="sort"
                  onClick={() => {
                    const key = c.sortKey as SortKey;
                    onSort({ key, dir: sort.key === key && sort.dir === 'asc' ? 'desc' : 'asc' });
                  }}
                >
                  {c.label}
                  <span className="sort-mark" aria-hidden="true">
                    {sort.key === c.sortKey ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                  </span>
                </button>
              ) : (
                c.label
              )}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {studies.map((s) => (
          <tr
            key={s.id}
            data-testid="study-row"
            tabIndex={0}
            onClick={() => onOpen(s.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') onOpen(s.id);
            }}
          >
            {columns.map((c) => (
              <td
                key={c.label}
                className={c.className}
                data-status={c.className === 'status' ? s.status : undefined}
              >
                {c.cell(s)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
