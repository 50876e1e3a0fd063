// lightbox quality [--csv] [--data-dir DIR]: the model-quality view's table (or its CSV) from the
// library's feedback records.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModelQuality } from '../../shared/feedback';
import { DATABASE_FILE, defaultUserDataDir } from '../../main/paths';
import { qualityCsv, qualitySummary } from '../../main/services/feedback/quality/model-quality';
import { Library } from '../../main/services/library';

export async function qualityCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { csv: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
  });
  const library = Library.open(join(values['data-dir'] ?? defaultUserDataDir(), DATABASE_FILE), null);
  try {
    const summary = qualitySummary(library.feedback.list());
    if (values.csv) process.stdout.write(qualityCsv(summary));
    else if (!summary.models.length) process.stdout.write('No drafted reports have been signed yet.\n');
    else process.stdout.write(table(summary.models));
    return 0;
  } finally {
    library.close();
  }
}

const HEADER = [
  'model',
  'version',
  'drafts',
  'accepted',
  'edited',
  'rejected',
  'added',
  'box IoU',
  'reward',
  'GLEU',
  'edits',
  'label F1',
];

const num = (x: number | null, digits = 3): string => (x === null ? '—' : x.toFixed(digits));

function table(models: readonly ModelQuality[]): string {
  const rows = models.map((m) => [
    m.modelId,
    m.modelVersion,
    String(m.records),
    String(m.findings.accepted),
    String(m.findings.edited),
    String(m.findings.rejected),
    String(m.findings.added),
    num(m.meanBoxIou),
    num(m.meanGroundingReward),
    num(m.meanGleu),
    num(m.meanEditDistance, 1),
    num(m.labelF1),
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Names left-aligned, numbers right-aligned.
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[HEADER, ...rows].map(line).join('\n')}\n`;
}
