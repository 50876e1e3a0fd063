import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index';
import { useTempDirs } from '../helpers/temp-dir';
import { seedQualityLibrary } from '../main/services/feedback/quality/quality-records';

const tempDir = useTempDirs();

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}

afterEach(() => vi.restoreAllMocks());

describe('lightbox quality', () => {
  it('prints one aligned row per model version', async () => {
    const dataDir = tempDir();
    await seedQualityLibrary(dataDir);
    const io = capture();
    expect(await main(['quality', '--data-dir', dataDir])).toBe(0);
    const lines = io.out().trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^model\s+version\s+drafts\s+accepted\s+edited\s+rejected\s+added\s+box IoU\s+reward\s+GLEU\s+edits\s+label F1$/,
    );
    expect(lines[1]!.split(/\s{2,}/)).toEqual([
      'lightbox-demo',
      '1.0.0',
      '2',
      '3',
      '0',
      '1',
      '1',
      '1.000',
      '0.667',
      '0.583',
      '1.0',
      '0.667',
    ]);
    expect(lines[2]!.split(/\s{2,}/)).toEqual([
      'research,"beta"',
      '0.1',
      '1',
      '1',
      '0',
      '0',
      '0',
      '—',
      '—',
      '1.000',
      '0.0',
      '1.000',
    ]);
    expect(lines[3]).toMatch(
      /^lightbox-demo\s+2\.0\.0\s+1\s+0\s+1\s+0\s+0\s+0\.500\s+0\.500\s+0\.600\s+1\.0\s+1\.000$/,
    );
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('prints the CSV with --csv, and says so when there is nothing to summarise', async () => {
    const dataDir = tempDir();
    await seedQualityLibrary(dataDir);
    let io = capture();
    expect(await main(['quality', '--csv', '--data-dir', dataDir])).toBe(0);
    const rows = io.out().split('\r\n');
    expect(rows[0]).toMatch(/^model_id,model_version,records,/);
    expect(rows.slice(1)).toEqual([
      'lightbox-demo,1.0.0,2,3,0,1,1,1.0000,0.6667,0.5833,1.00,0.6667',
      '"research,""beta""",0.1,1,1,0,0,0,,,1.0000,0.00,1.0000',
      'lightbox-demo,2.0.0,1,0,1,0,0,0.5000,0.5000,0.6000,1.00,1.0000',
      '',
    ]);
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['quality', '--data-dir', tempDir()])).toBe(0);
    expect(io.out()).toBe('No drafted reports have been signed yet.\n');
  });

  it('refuses unknown options', async () => {
    const io = capture();
    expect(await main(['quality', '--json', '--data-dir', tempDir()])).toBe(1);
    expect(io.err()).toMatch(/lightbox quality: .*--json/);
  });
});
