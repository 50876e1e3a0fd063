// Every real sample renders, the lossless transcodes decode to the source's exact values, and
// MONOCHROME1 comes out with bone bright.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDicom } from '../../../../../src/main/services/dicom/parse-dataset';
import { decodeFrame, renderDicom, type FileRendition } from '../../../../../src/main/services/dicom/pixels';

const FIXTURES = 'test/fixtures/dicom';
const BARRE = 'samples/cxr/barre_CR-MONO1-10-chest.dcm';

function dicomFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return dicomFiles(path);
    return name.endsWith('.dcm') ? [path] : [];
  });
}

const render = (path: string): Promise<FileRendition> => renderDicom(readFileSync(path));

/** Mean grey level of a rectangle given in fractions of the image. */
function regionMean({ pixels, info }: FileRendition, x0: number, x1: number, y0: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(y0 * info.rows); y < y1 * info.rows; y++) {
    for (let x = Math.floor(x0 * info.columns); x < x1 * info.columns; x++) {
      sum += pixels[y * info.columns + x]!;
      n++;
    }
  }
  return sum / n;
}

describe('sample DICOMs', () => {
  const files = [...dicomFiles('samples/cxr'), ...dicomFiles(FIXTURES)];

  it('finds the samples', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  for (const file of files) {
    it(`renders ${file}`, async () => {
      const rendition = await render(file);
      const { rows, columns } = rendition.info;
      expect(rendition.pixels.length).toBe(rows * columns);
      const distinct = new Set(rendition.pixels).size;
      expect(distinct).toBeGreaterThan(64);
    });
  }

  it('decodes the six lossless Barré transcodes to exactly the source values', async () => {
    const source = (await decodeFrame(parseDicom(readFileSync(BARRE)))).values;
    const derived = dicomFiles(join(FIXTURES, 'derived'));
    expect(derived).toHaveLength(6);
    for (const file of derived) {
      const { values } = await decodeFrame(parseDicom(readFileSync(file)));
      expect(values.length, file).toBe(source.length);
      let differing = 0;
      for (let i = 0; i < values.length; i++) if (values[i] !== source[i]) differing++;
      expect(differing, file).toBe(0);
    }
  });

  it('decodes the JPEG 2000 NEMA image close to its JPEG-LS near-lossless twin', async () => {
    const j2k = await decodeFrame(parseDicom(readFileSync('samples/cxr/nema-wg04_RG1_J2KI.dcm')));
    const jls = await decodeFrame(parseDicom(readFileSync(join(FIXTURES, 'nema-wg04_RG1_JLSN.dcm'))));
    expect(j2k.values.length).toBe(jls.values.length);
    let sum = 0;
    for (let i = 0; i < j2k.values.length; i++) sum += Math.abs(j2k.values[i]! - jls.values[i]!);
    // Both lossy (10:1 and near-lossless) on a 15-bit range of ~26000: well under 0.5% apart on average.
    expect(sum / j2k.values.length).toBeLessThan(100);
  });

  for (const file of [
    BARRE,
    'samples/cxr/nema-wg04_RG1_J2KI.dcm',
    join(FIXTURES, 'nema-wg04_RG1_JLSN.dcm'),
  ]) {
    it(`shows bone bright in MONOCHROME1 ${file}`, async () => {
      const rendition = await render(file);
      expect(rendition.info.inverted).toBe(true);
      const spine = regionMean(rendition, 0.47, 0.53, 0.3, 0.6);
      const rightLung = regionMean(rendition, 0.2, 0.32, 0.3, 0.6);
      const leftLung = regionMean(rendition, 0.68, 0.8, 0.3, 0.6);
      expect(spine).toBeGreaterThan(rightLung + 20);
      expect(spine).toBeGreaterThan(leftLung + 20);
    });
  }

  it('renders FAKE-MONOCHROME1 as its header says: the inverse of its MONOCHROME2 twin', async () => {
    const twin = await render('samples/cxr/siim-acr_nih_CR_jpegbaseline.dcm');
    const fake = await render(join(FIXTURES, 'siim-acr_nih_CR_jpegbaseline_FAKE-MONOCHROME1.dcm'));
    expect(twin.info.inverted).toBe(false);
    expect(fake.info.inverted).toBe(true);
    for (let i = 0; i < twin.pixels.length; i++) {
      if (fake.pixels[i] !== 255 - twin.pixels[i]!)
        throw new Error(`pixel ${i}: ${fake.pixels[i]} vs ${twin.pixels[i]}`);
    }
    // Its pixels are really MONOCHROME2, so following the header makes the spine dark.
    expect(regionMean(fake, 0.47, 0.53, 0.3, 0.6)).toBeLessThan(regionMean(fake, 0.2, 0.32, 0.3, 0.6));
  });
});
