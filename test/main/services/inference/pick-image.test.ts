// Which image of a study a draft reads.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DraftImage } from '../../../../src/shared/draft';
import { pickFrontal, resolveDraftImage } from '../../../../src/main/services/inference/pick-image';
import { SAMPLES } from '../../../helpers/paths';
import { useTempDirs } from '../../../helpers/temp-dir';

const tempDir = useTempDirs();
const image = (path: string, view: DraftImage['view']): DraftImage => ({ path, view, sopInstanceUid: null });

describe('pickFrontal', () => {
  it('takes the PA, else the AP, else an unknown view, never a lateral', () => {
    const lateral = image('lat', 'LATERAL');
    expect(pickFrontal([lateral, image('ap', 'AP'), image('pa', 'PA')]).path).toBe('pa');
    expect(pickFrontal([lateral, image('other', 'OTHER'), image('ap', 'AP')]).path).toBe('ap');
    expect(pickFrontal([lateral, image('other', 'OTHER')]).path).toBe('other');
    expect(() => pickFrontal([lateral])).toThrow(/only lateral images/);
  });
});

describe('resolveDraftImage', () => {
  const sample = join(SAMPLES, 'cxr/nih-cxr14-google_DX_implicitLE.dcm');

  it('reads a DICOM file or a one-study folder, passing over files that are not DICOM', async () => {
    const fromFile = await resolveDraftImage({ kind: 'path', path: sample });
    expect(fromFile).toMatchObject({ path: sample, sopInstanceUid: expect.stringMatching(/^1\.3\.6/) });
    const folder = tempDir();
    copyFileSync(sample, join(folder, 'image.dcm'));
    writeFileSync(join(folder, 'notes.txt'), 'not DICOM');
    expect(await resolveDraftImage({ kind: 'path', path: folder })).toEqual({
      ...fromFile,
      path: join(folder, 'image.dcm'),
    });
  });

  it('refuses a folder of several studies, an empty folder and a missing path', async () => {
    await expect(resolveDraftImage({ kind: 'path', path: join(SAMPLES, 'cxr') })).rejects.toThrow(
      /the folder holds 4 studies; pass one study's folder or one DICOM file/,
    );
    await expect(resolveDraftImage({ kind: 'path', path: tempDir() })).rejects.toThrow(/no DICOM images/);
    await expect(resolveDraftImage({ kind: 'path', path: '/no/such/thing' })).rejects.toThrow(
      /no such file or folder/,
    );
  });
});
