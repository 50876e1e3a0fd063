// CSV cells as RFC 4180 has them, with a guard against formula injection: a spreadsheet runs a cell
// that starts with = + - @ (or a tab or carriage return) as a formula, so such text gets a leading
// apostrophe (OWASP's advice). Numbers are written by us and pass unguarded.
export type CsvCell = { text: string } | { number: string };

const FORMULA_START = /^[=+\-@\t\r]/;

function cell(c: CsvCell): string {
  const raw = 'text' in c ? (FORMULA_START.test(c.text) ? `'${c.text}` : c.text) : c.number;
  return /[",\r\n]/.test(raw) ? `"${raw.replaceAll('"', '""')}"` : raw;
}

export const csvRow = (cells: readonly CsvCell[]): string => cells.map(cell).join(',');
