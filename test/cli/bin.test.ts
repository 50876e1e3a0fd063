// The package's `bin` entry in a built checkout (npm test builds before it runs this).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ROOT, SAMPLES } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';

const tempDir = useTempDirs();
const bin = join(ROOT, 'bin/lightbox.cjs');

describe('bin/lightbox.cjs', () => {
  it('is the package bin and needs a build', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin.lightbox).toBe('bin/lightbox.cjs');
    expect(existsSync(join(ROOT, 'dist/cli/index.cjs')), 'run `npm run build` first').toBe(true);
  });

  it('renders a sample through the bundled CLI and codecs', () => {
    const out = join(tempDir(), 'nema.png');
    const run = spawnSync(
      process.execPath,
      [bin, 'render', join(SAMPLES, 'cxr/nema-wg04_RG1_J2KI.dcm'), '--out', out],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([1841, 1955]);
  });

  it('imports into a data folder and prints JSON', () => {
    const run = spawnSync(
      process.execPath,
      [bin, 'import', join(SAMPLES, 'cxr'), '--json', '--data-dir', tempDir()],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ added: 4, rejected: [] });
  });
});
