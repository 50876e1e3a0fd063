// lightbox render: writes the PNG, explains itself on stderr in one line, and fails cleanly.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderCommand } from '../../src/cli/commands/render';
import { renderFile } from '../../src/main/services/dicom/pixels';

const BARRE = 'samples/cxr/barre_CR-MONO1-10-chest.dcm';
const dir = mkdtempSync(join(tmpdir(), 'lightbox-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let stderr: string;
beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

describe('lightbox render', () => {
  it('writes an 8-bit grayscale PNG of the pipeline output', async () => {
    const out = join(dir, 'barre.png');
    expect(await renderCommand([BARRE, '--out', out])).toBe(0);
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height, png.depth, png.color]).toEqual([440, 440, 8, false]);
    const { pixels } = await renderFile(BARRE);
    expect(Uint8Array.from({ length: pixels.length }, (_, i) => png.data[4 * i]!)).toEqual(pixels);
    // A radiograph is patient data: only the user can read it.
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      /^lightbox render: wrote .*barre\.png: 440×440, frame 1, MONOCHROME1 inverted, window C=550 W=1024 \(header\), Implicit VR Little Endian/,
    );
  });

  it('takes --window minmax and C,W (negative centres with --window=)', async () => {
    const out = join(dir, 'w.png');
    expect(await renderCommand([BARRE, '--out', out, '--window', 'minmax'])).toBe(0);
    expect(stderr).toMatch(/window C=490 W=980 \(minmax\)/);
    expect(await renderCommand([BARRE, '--out', out, '--window', '300,600.5', '--frame', '1'])).toBe(0);
    expect(stderr).toMatch(/window C=300 W=600.5 \(explicit\)/);
    expect(await renderCommand([BARRE, '-o', out, '--window=-100,400'])).toBe(0);
    expect(stderr).toMatch(/window C=-100 W=400 \(explicit\)/);
  });

  const failures: [string, string[], number, RegExp][] = [
    ['a missing file', ['nope.dcm', '--out', join(dir, 'x.png')], 1, /nope\.dcm: no such file/],
    [
      'a file that is not DICOM',
      ['package.json', '--out', join(dir, 'x.png')],
      1,
      /package\.json: not a DICOM file/,
    ],
    [
      'a bad --window',
      [BARRE, '--out', join(dir, 'x.png'), '--window', 'bright'],
      2,
      /--window must be auto, minmax or C,W/,
    ],
    ['a zero width', [BARRE, '--out', join(dir, 'x.png'), '--window', '100,0'], 2, /--window must be/],
    [
      'a frame out of range',
      [BARRE, '--out', join(dir, 'x.png'), '--frame', '2'],
      1,
      /frame 2 requested, the image has 1 frame$/m,
    ],
    [
      'a frame that is not a number',
      [BARRE, '--out', join(dir, 'x.png'), '--frame', '0'],
      2,
      /--frame must be a whole number from 1/,
    ],
    ['no --out', [BARRE], 2, /--out <file\.png> is required/],
    ['no input', ['--out', join(dir, 'x.png')], 2, /expected one input file/],
    ['an unknown option', [BARRE, '--out', join(dir, 'x.png'), '--colour'], 2, /Unknown option '--colour'/],
  ];
  for (const [name, argv, code, message] of failures) {
    it(`fails on ${name}`, async () => {
      expect(await renderCommand(argv)).toBe(code);
      expect(stderr).toMatch(/^lightbox render: /);
      expect(stderr).toMatch(message);
    });
  }

  it('reports corrupt pixel data as an error, not a crash', async () => {
    const bytes = readFileSync('test/fixtures/dicom/derived/barre_chest_ExplicitVRLittleEndian.dcm');
    const truncated = join(dir, 'truncated.dcm');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 5000));
    expect(await renderCommand([truncated, '--out', join(dir, 'x.png')])).toBe(1);
    expect(stderr).toMatch(/^lightbox render: .*truncated\.dcm: /);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
