// lightbox export: the bundled CLI end to end (npm test builds before it runs this), and its usage errors.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index';
import { ROOT } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';
import { importSynthetic, insertRecord, openLibrary } from '../main/services/feedback/export/fixtures';

const tempDir = useTempDirs();
const bin = join(ROOT, 'bin/lightbox.cjs');

afterEach(() => vi.restoreAllMocks());

/** A data folder with one exportable record and one whose image may carry burned-in text. */
async function dataDir(): Promise<{ dir: string; kept: string; burned: string }> {
  const dir = tempDir();
  const library = openLibrary(dir);
  try {
    const kept = await insertRecord(library, await importSynthetic(library, dir));
    const burned = await insertRecord(
      library,
      await importSynthetic(library, dir, { BurnedInAnnotation: 'YES' }),
      {
        createdAt: '2025-04-01T00:00:00.000Z',
      },
    );
    return { dir, kept: kept.recordId, burned: burned.recordId };
  } finally {
    library.close();
  }
}

describe('lightbox export', () => {
  it('exports the library of LIGHTBOX_DATA_DIR through the bundled CLI and prints the summary as JSON', async () => {
    const { dir, kept, burned } = await dataDir();
    const out = join(tempDir(), 'export');
    const run = spawnSync(
      process.execPath,
      [bin, 'export', '--out', out, '--format', 'verl-grpo', '--json'],
      {
        encoding: 'utf8',
        env: { ...process.env, LIGHTBOX_DATA_DIR: dir },
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      outDir: out,
      format: 'verl-grpo',
      records: 1,
      rows: 4,
      images: 1,
      excluded: [{ recordId: burned, reason: expect.stringMatching(/BurnedInAnnotation YES/) }],
    });
    expect(readdirSync(out).sort()).toEqual(['images', 'manifest.json', 'train.parquet']);
    expect(readdirSync(join(out, 'images'))).toEqual([`${kept}.png`]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      tool: { version: string };
    };
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(manifest.tool.version).toBe(pkg.version);
  });

  it('filters, summarises in words, and fails with the reason and nothing left behind', async () => {
    const { dir } = await dataDir();
    const out = join(tempDir(), 'export');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [bin, 'export', '--data-dir', dir, ...args], { encoding: 'utf8' });
    const filtered = run(
      '--out',
      out,
      '--format',
      'trl-kto',
      '--since',
      '2025-03-15',
      '--model',
      'radvlm-grpo',
    );
    expect(filtered.status, filtered.stderr).toBe(0);
    expect(filtered.stdout).toMatch(
      /^exported 0 record\(s\) as trl-kto to .*export: 0 row\(s\), 0 image\(s\), 1 excluded\n {2}excluded [0-9a-f]{16}: the image has burned-in annotation/,
    );
    const again = run('--out', out, '--format', 'jsonl');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^lightbox export: The export folder is not empty: /);
    expect(readdirSync(dirname(out))).toEqual(['export']);
  });

  it('explains its usage', async () => {
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    expect(await main(['export', '--format', 'jsonl'])).toBe(2);
    expect(await main(['export', '--out', 'x', '--format', 'csv'])).toBe(2);
    expect(await main(['export', '--out', 'x', '--format', 'jsonl', '--since', 'yesterday'])).toBe(2);
    expect(await main(['export', '--out', 'x', '--format', 'jsonl', '--frobnicate'])).toBe(2);
    const text = err.join('');
    expect(text).toMatch(/--out DIR is required/);
    expect(text).toMatch(/--format must be trl-dpo, trl-kto, verl-grpo or jsonl/);
    expect(text).toMatch(/--since must be a date as YYYY-MM-DD \(got "yesterday"\)/);
    expect(text).toMatch(/Unknown option '--frobnicate'/);
    expect(text).toMatch(/usage: lightbox export --out DIR --format/);
  });
});
