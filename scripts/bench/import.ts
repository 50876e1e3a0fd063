// Import throughput on the sample folder, against DCMTK's dcmdump reading the same files.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Library } from '../../src/main/services/library';
import { median, timeRuns } from './stats';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCES = [
  join(ROOT, 'samples/cxr'),
  join(ROOT, 'test/fixtures/dicom'),
  join(ROOT, 'test/fixtures/dicom/derived'),
];

/** The samples copied `copies` times, so a run lasts long enough to time. */
function corpus(copies: number): { dir: string; files: string[]; bytes: number } {
  const dir = mkdtempSync(join(tmpdir(), 'lightbox-bench-'));
  const files: string[] = [];
  let bytes = 0;
  for (let c = 0; c < copies; c++) {
    const sub = join(dir, `copy${c}`);
    mkdirSync(sub);
    for (const src of SOURCES) {
      for (const name of readdirSync(src).filter((n) => n.endsWith('.dcm'))) {
        const to = join(sub, `${src.split('/').pop()}-${name}`);
        copyFileSync(join(src, name), to);
        files.push(to);
        bytes += statSync(to).size;
      }
    }
  }
  return { dir, files, bytes };
}

export async function benchImport(): Promise<Record<string, string>> {
  const { dir, files, bytes } = corpus(10);
  const mb = bytes / 1e6;
  const lightbox = await timeRuns(5, async () => {
    const db = mkdtempSync(join(tmpdir(), 'lightbox-bench-db-'));
    const library = Library.open(join(db, 'db.sqlite'), null);
    await library.importPaths([dir]);
    library.close();
    rmSync(db, { recursive: true, force: true });
  });
  const reimport = await (async () => {
    const db = mkdtempSync(join(tmpdir(), 'lightbox-bench-db-'));
    const library = Library.open(join(db, 'db.sqlite'), null);
    await library.importPaths([dir]);
    const t = await timeRuns(5, () => library.importPaths([dir]).then(() => undefined));
    library.close();
    rmSync(db, { recursive: true, force: true });
    return t;
  })();
  const dcmdump = await timeRuns(5, () => {
    const run = spawnSync('dcmdump', ['-q', '+P', '0020,000d', ...files], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    if (run.error) throw new Error('dcmdump not found: apt-get install dcmtk');
  });
  rmSync(dir, { recursive: true, force: true });
  const row = (ms: number[]) => {
    const m = median(ms);
    return `${m.toFixed(0)} ms median — ${((files.length / m) * 1000).toFixed(0)} files/s, ${((mb / m) * 1000).toFixed(0)} MB/s`;
  };
  return {
    corpus: `${files.length} files, ${mb.toFixed(1)} MB (samples + fixtures x10)`,
    'lightbox import (fresh database)': row(lightbox),
    'lightbox re-import (nothing changed)': row(reimport),
    'dcmdump (baseline: parse + print one tag)': row(dcmdump),
  };
}
