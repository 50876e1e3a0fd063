// lightbox import <path...> [--json] [--data-dir DIR]: the app's intake, headless.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ImportReport } from '../../shared/domain';
import { DATABASE_FILE, defaultUserDataDir } from '../../main/paths';
import { Library } from '../../main/services/library';

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
  });
  if (positionals.length === 0) {
    process.stderr.write('usage: lightbox import <path...> [--json] [--data-dir DIR]\n');
    return 2;
  }
  const library = Library.open(join(values['data-dir'] ?? defaultUserDataDir(), DATABASE_FILE), null);
  try {
    const report = await library.importPaths(positionals, (p) => {
      if (process.stderr.isTTY) process.stderr.write(`\rimporting ${p.done}/${p.total}`);
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : summary(report));
    return 0;
  } finally {
    library.close();
  }
}

function summary(r: ImportReport): string {
  const lines = [
    `${r.scanned} files scanned: ${r.added} indexed, ${r.unchanged} unchanged, ${r.rejected.length} rejected, ` +
      `${r.studyIds.length} studies (${r.elapsedMs} ms)`,
    ...r.rejected.map((x) => `  rejected ${x.path}: ${x.reason}`),
    ...r.duplicates.map((d) => `  duplicate SOPInstanceUID ${d.sopInstanceUid}: ${d.path}`),
  ];
  return `${lines.join('\n')}\n`;
}
