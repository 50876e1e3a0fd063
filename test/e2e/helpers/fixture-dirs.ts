// Folders the bridge imports from: copies of the real samples, a lateral view, broken files.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, SAMPLES } from '../../helpers/paths';

export const SAMPLE_DIR = join(SAMPLES, 'cxr');
export const FAKE_MONO1 = join(FIXTURES, 'dicom/siim-acr_nih_CR_jpegbaseline_FAKE-MONOCHROME1.dcm');
const SIIM = join(SAMPLE_DIR, 'siim-acr_nih_CR_jpegbaseline.dcm');

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'lightbox-e2e-'));

/** The sample DICOM files alone (not the README and licences), plus any extra files. */
export function samplesCopy(extra: readonly string[] = []): string {
  const dir = join(tempDir(), 'samples');
  mkdirSync(dir);
  const dicoms = readdirSync(SAMPLE_DIR)
    .filter((f) => f.endsWith('.dcm'))
    .map((f) => join(SAMPLE_DIR, f));
  for (const file of [...dicoms, ...extra]) copyFileSync(file, join(dir, file.split('/').pop() ?? file));
  return dir;
}

const replaceAll = (data: Buffer, from: string, to: string): Buffer => {
  if (from.length !== to.length) throw new Error('same-length replacements keep the DICOM lengths valid');
  return Buffer.from(data.toString('latin1').replaceAll(from, to), 'latin1');
};

/**
 * A lateral companion of the SIIM PA film: the same pixels in a second series of the same study,
 * made by patching same-length values (ViewPosition PA -> LL, new SOP and series UIDs).
 */
export function writeLateralCopy(dir: string): string {
  let data: Buffer = readFileSync(SIIM);
  const viewPosition = Buffer.from([0x18, 0x00, 0x01, 0x51, 0x43, 0x53, 0x02, 0x00, 0x50, 0x41]);
  const at = data.indexOf(viewPosition);
  if (at < 0) throw new Error('ViewPosition PA not found in the SIIM sample');
  data.write('LL', at + 8, 'latin1');
  data = replaceAll(data, '1517875201.850819', '1517875201.850811');
  data = replaceAll(data, '1517875201.850817', '1517875201.850812');
  const path = join(dir, 'siim-acr_nih_CR_lateral.dcm');
  writeFileSync(path, data);
  return path;
}

/** A folder with a text file and a DICOM file cut short in its pixel data. */
export function badFolder(): string {
  const dir = join(tempDir(), 'bad');
  mkdirSync(dir);
  writeFileSync(join(dir, 'notes.txt'), 'not a DICOM file\n');
  const whole = readFileSync(join(SAMPLE_DIR, 'nih-cxr14-google_DX_implicitLE.dcm'));
  writeFileSync(join(dir, 'truncated.dcm'), whole.subarray(0, Math.floor(whole.length / 3)));
  return dir;
}
