import type { TagRow } from '../../../shared/domain';

const matches = (row: TagRow, needle: string): boolean =>
  [row.tag, row.name, row.vr, row.value].some((field) => field.toLowerCase().includes(needle));

/**
 * Rows matching the query (tag, keyword, VR or value, case-insensitive). A match inside a sequence
 * keeps its enclosing sequence rows, so nested items are never shown out of context.
 */
export function filterTags(rows: readonly TagRow[], query: string): TagRow[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [...rows];
  const keep = new Array<boolean>(rows.length).fill(false);
  const ancestors: number[] = [];
  rows.forEach((row, i) => {
    ancestors.length = Math.min(ancestors.length, row.depth);
    if (matches(row, needle)) {
      keep[i] = true;
      for (const a of ancestors) keep[a] = true;
    }
    ancestors[row.depth] = i;
  });
  return rows.filter((_, i) => keep[i]);
}
