import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index';
import { FIXTURES, SAMPLES } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';

const tempDir = useTempDirs();

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}

afterEach(() => vi.restoreAllMocks());

describe('lightbox import', () => {
  it('prints the import report as JSON, rejects with reasons, and re-import changes nothing', async () => {
    const dataDir = tempDir();
    const input = tempDir();
    copyFileSync(join(FIXTURES, 'dicom/nema-wg04_RG1_JLSN.dcm'), join(input, 'a.dcm'));
    writeFileSync(join(input, 'b.dcm'), 'garbage');
    let io = capture();
    expect(await main(['import', input, '--json', '--data-dir', dataDir])).toBe(0);
    const report = JSON.parse(io.out()) as { added: number; rejected: { reason: string }[] };
    expect(report.added).toBe(1);
    expect(report.rejected).toEqual([
      { path: join(input, 'b.dcm'), reason: expect.stringMatching(/not a DICOM/) },
    ]);
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['import', input, '--json', '--data-dir', dataDir])).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ added: 0, unchanged: 1 });
  });

  it('prints a readable summary without --json', async () => {
    const io = capture();
    expect(await main(['import', join(SAMPLES, 'cxr'), '--data-dir', tempDir()])).toBe(0);
    expect(io.out()).toMatch(/^\d+ files scanned: 4 indexed, 0 unchanged, \d+ rejected, 4 studies/);
  });

  it('explains its usage and unknown commands', async () => {
    const io = capture();
    expect(await main(['import'])).toBe(2);
    expect(await main(['frobnicate'])).toBe(2);
    expect(io.err()).toMatch(/usage: lightbox import/);
    expect(io.err()).toMatch(/unknown command 'frobnicate'/);
  });
});
