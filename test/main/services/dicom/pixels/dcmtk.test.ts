// Compares our renditions with DCMTK's for the same file and window. CI installs DCMTK, so a
// missing dcmj2pnm fails these tests rather than skipping them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDicom, type WindowRequest } from '../../../../../src/main/services/dicom/pixels';

const BARRE_LE = 'test/fixtures/dicom/derived/barre_chest_ExplicitVRLittleEndian.dcm';
const work = mkdtempSync(join(tmpdir(), 'lightbox-dcmtk-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(tool: string, args: string[]): void {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.error)
    throw new Error(
      `${tool} is not runnable (${result.error.message}); install DCMTK (apt-get install dcmtk)`,
    );
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr}`);
}

/** DCMTK's rendition: dcmj2pnm reads JPEG and RLE itself; JPEG-LS is decompressed with dcmdjpls first. */
function dcmtkRender(file: string, windowArgs: string[], jpegLs: boolean): Uint8Array {
  let input = file;
  if (jpegLs) {
    input = join(work, `plain-${Math.random().toString(36).slice(2)}.dcm`);
    run('dcmdjpls', [file, input]);
  }
  const out = join(work, `out-${Math.random().toString(36).slice(2)}.png`);
  run('dcmj2pnm', ['--write-png', ...windowArgs, input, out]);
  const png = PNG.sync.read(readFileSync(out));
  return Uint8Array.from({ length: png.width * png.height }, (_, i) => png.data[4 * i]!);
}

/**
 * Signed differences in grey level. DCMTK truncates its final output (after any MONOCHROME1
 * inversion) where we round, as Cornerstone does, so from equal stored values ours is the same or
 * one level brighter, never darker.
 */
function compare(ours: Uint8Array, theirs: Uint8Array): { min: number; max: number; mean: number } {
  expect(ours.length).toBe(theirs.length);
  let min = 0;
  let max = 0;
  let sum = 0;
  for (let i = 0; i < ours.length; i++) {
    const d = ours[i]! - theirs[i]!;
    sum += Math.abs(d);
    if (d > max) max = d;
    if (d < min) min = d;
  }
  return { min, max, mean: sum / ours.length };
}

/** Files DCMTK makes here from the Barré chest for the JPEG processes no sample uses. */
function transcode(option: string, name: string): string {
  const out = join(work, name);
  run('dcmcjpeg', [option, BARRE_LE, out]);
  return out;
}

type Case = { file: () => string; jpegLs?: boolean; lossy?: boolean };

const cases: Record<string, Case> = {
  'implicit LE without preamble (MONOCHROME1 10-bit)': {
    file: () => 'samples/cxr/barre_CR-MONO1-10-chest.dcm',
  },
  'implicit LE 8-bit': { file: () => 'samples/cxr/nih-cxr14-google_DX_implicitLE.dcm' },
  'explicit LE': { file: () => BARRE_LE },
  'explicit big endian': {
    file: () => 'test/fixtures/dicom/derived/barre_chest_ExplicitVRBigEndian_retired.dcm',
  },
  deflated: { file: () => 'test/fixtures/dicom/derived/barre_chest_DeflatedExplicitVRLittleEndian.dcm' },
  RLE: { file: () => 'test/fixtures/dicom/derived/barre_chest_RLELossless.dcm' },
  'JPEG lossless SV1': { file: () => 'test/fixtures/dicom/derived/barre_chest_JPEGLosslessSV1.dcm' },
  'JPEG lossless process 14': { file: () => transcode('+el', 'process14.dcm') },
  'JPEG baseline': { file: () => 'samples/cxr/siim-acr_nih_CR_jpegbaseline.dcm', lossy: true },
  'JPEG baseline, FAKE-MONOCHROME1': {
    file: () => 'test/fixtures/dicom/siim-acr_nih_CR_jpegbaseline_FAKE-MONOCHROME1.dcm',
    lossy: true,
  },
  'JPEG extended 12-bit': { file: () => transcode('+ee', 'extended12.dcm'), lossy: true },
  'JPEG spectral selection 12-bit': { file: () => transcode('+es', 'spectral12.dcm'), lossy: true },
  'JPEG-LS lossless': {
    file: () => 'test/fixtures/dicom/derived/barre_chest_JPEGLSLossless.dcm',
    jpegLs: true,
  },
  'JPEG-LS near-lossless (15-bit)': {
    file: () => 'test/fixtures/dicom/nema-wg04_RG1_JLSN.dcm',
    jpegLs: true,
  },
};

describe('renditions match DCMTK', () => {
  it('has DCMTK on PATH', () => {
    expect(spawnSync('dcmj2pnm', ['--version']).error, 'dcmj2pnm missing: install DCMTK').toBeUndefined();
  });

  for (const [name, { file, jpegLs = false, lossy = false }] of Object.entries(cases)) {
    it(name, async () => {
      const path = file();
      const bytes = readFileSync(path);
      const auto = await renderDicom(bytes);
      const { info } = auto;
      const windows: [WindowRequest, string[]][] = [
        // auto: the header's first window (dcmj2pnm +Wi 1), else min-max.
        [{ kind: 'auto' }, info.voi.source === 'header' ? ['+Wi', '1'] : ['+Wm']],
        [{ kind: 'minmax' }, ['+Wm']],
      ];
      const { min, max } = info.modalityRange;
      const center = Math.round((min + max) / 2);
      const width = Math.max(2, Math.round((max - min) / 3));
      windows.push([{ kind: 'explicit', center, width }, ['+Ww', String(center), String(width)]]);

      for (const [request, args] of windows) {
        const ours = request.kind === 'auto' ? auto : await renderDicom(bytes, { window: request });
        const diff = compare(ours.pixels, dcmtkRender(path, args, jpegLs));
        if (lossy) {
          // Two JPEG decoders' IDCTs may differ by a stored value or so.
          expect(
            Math.max(-diff.min, diff.max),
            `${request.kind}: ${JSON.stringify(diff)}`,
          ).toBeLessThanOrEqual(4);
          expect(diff.mean, `${request.kind}: ${JSON.stringify(diff)}`).toBeLessThan(1);
        } else {
          expect([diff.min, diff.max], `${request.kind}: ${JSON.stringify(diff)}`).toEqual([
            0,
            expect.any(Number),
          ]);
          expect(diff.max, `${request.kind}: ${JSON.stringify(diff)}`).toBeLessThanOrEqual(1);
        }
      }
    });
  }

  it('refuses 12-bit progressive JPEG, which jpeg.js decodes inaccurately', async () => {
    const bytes = readFileSync(transcode('+ep', 'progressive12.dcm'));
    await expect(renderDicom(bytes)).rejects.toMatchObject({ code: 'unsupported-pixel-format' });
  });
});
