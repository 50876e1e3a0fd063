// The burned-in-annotation gate on real DICOM files and a real SQLite library: the one rule (a single
// value YES or NO, anything else unknown), who may confirm an image clean, and a confirmation that
// belongs to the file's content: kept when the same bytes move, lost when the bytes change on disk even
// with size and mtime kept.
import { copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  burnedInAnnotation,
  burnedInExclusion,
  burnedInState,
  confirmClean,
} from '../../../../src/main/services/feedback/burned-in-annotation';
import { readDataset } from '../../../../src/main/services/feedback/deidentify/read-dataset';
import { ImageChangedError, Library } from '../../../../src/main/services/library';
import { syntheticDicom } from '../../../helpers/synthetic-dicom';
import { pinMtime, swapKeepingStat } from '../../../helpers/swap-file';
import { useTempDirs } from '../../../helpers/temp-dir';
import { ANNOTATOR, CARDIOMEGALY, RADIOLOGIST } from '../reading/reading-fixtures';

const tempDir = useTempDirs();
const AT = '2025-03-01T08:00:00.000Z';
const SOP = '1.2.826.0.1.3680043.10.1432.77.1';

/** A 48x32 radiograph; with `text`, a bright block stands for a name burned into its corner. */
function radiograph(overrides: Record<string, unknown> = {}, text = false): Uint8Array {
  const pixels = new Uint16Array(32 * 48).map((_, i) =>
    text && i % 48 < 20 && i < 48 * 8 ? 4095 : (i * 37) % 2048,
  );
  return syntheticDicom(SOP, {
    rows: 32,
    columns: 48,
    pixels,
    overrides: { StudyInstanceUID: '1.2.826.0.1.3680043.10.1432.77', ...overrides },
  });
}

async function libraryWith(bytes: Uint8Array) {
  const dir = tempDir();
  const path = join(dir, 'image.dcm');
  writeFileSync(path, bytes);
  pinMtime(path);
  const library = Library.open(join(dir, 'lightbox.sqlite'), null);
  const report = await library.importPaths([path]);
  expect(report.rejected).toEqual([]);
  const instanceId = library.repo.findByPath(path)!.id;
  return { dir, path, library, instanceId };
}

describe('the rule', () => {
  it('is YES or NO only for one such value; multi-valued, lower-case, empty or absent is unknown', () => {
    const cases: [unknown, string][] = [
      ['NO', 'NO'],
      ['YES', 'YES'],
      [['NO', 'YES'], 'unknown'],
      [['YES', 'NO'], 'unknown'],
      [['NO', 'NO'], 'unknown'],
      ['no', 'unknown'],
      ['MAYBE', 'unknown'],
      ['', 'unknown'],
      [undefined, 'unknown'],
    ];
    for (const [value, expected] of cases) {
      const dataset = readDataset(radiograph({ BurnedInAnnotation: value }));
      expect(burnedInAnnotation(dataset), JSON.stringify(value)).toBe(expected);
    }
    // A demo study's label is burned into its pixels, and its header says so.
    expect(burnedInAnnotation(readDataset(new Uint8Array(readFileSync(CARDIOMEGALY))))).toBe('YES');
  });

  it('lets an image go when its header says NO or it is confirmed clean, and says why otherwise', () => {
    expect(burnedInExclusion('NO', false)).toBeNull();
    expect(burnedInExclusion('YES', true)).toBeNull();
    expect(burnedInExclusion('unknown', true)).toBeNull();
    expect(burnedInExclusion('YES', false)).toMatch(/BurnedInAnnotation YES/);
    expect(burnedInExclusion('unknown', false)).toMatch(
      /does not state, as its one BurnedInAnnotation value/,
    );
  });
});

describe('the state shown beside the confirmation', () => {
  it('shows a multi-valued header as unknown, read from the file each time, also after a restart', async () => {
    const { dir, library, instanceId } = await libraryWith(radiograph({ BurnedInAnnotation: ['NO', 'YES'] }));
    expect(await burnedInState(library, instanceId, RADIOLOGIST)).toEqual({
      annotation: 'unknown',
      confirmedClean: false,
      mayConfirm: true,
      changed: false,
    });
    expect(await confirmClean(library, instanceId, true, RADIOLOGIST, AT)).toMatchObject({
      confirmedClean: true,
    });
    library.close();
    const reopened = Library.open(join(dir, 'lightbox.sqlite'), null);
    expect(await burnedInState(reopened, instanceId, ANNOTATOR)).toEqual({
      annotation: 'unknown',
      confirmedClean: true,
      mayConfirm: false,
      changed: false,
    });
    reopened.close();
  });

  it('takes a confirmation from a radiologist only; an annotator may withdraw one', async () => {
    const { library, instanceId } = await libraryWith(radiograph({ BurnedInAnnotation: 'YES' }));
    await expect(confirmClean(library, instanceId, true, ANNOTATOR, AT)).rejects.toThrow(
      'Only a radiologist can confirm that an image shows no burned-in identifiers',
    );
    expect((await burnedInState(library, instanceId, ANNOTATOR)).confirmedClean).toBe(false);
    await confirmClean(library, instanceId, true, RADIOLOGIST, AT);
    expect(await confirmClean(library, instanceId, false, ANNOTATOR, AT)).toMatchObject({
      annotation: 'YES',
      confirmedClean: false,
    });
    library.close();
  });

  it('says the file is missing once it is gone', async () => {
    const { path, library, instanceId } = await libraryWith(radiograph());
    rmSync(path);
    await expect(burnedInState(library, instanceId, RADIOLOGIST)).rejects.toThrow(
      'The image file is missing from disk (image.dcm); re-import the study.',
    );
    library.close();
  });
});

describe('a confirmation follows the pixels', () => {
  it('stays with the same bytes moved or copied to another path', async () => {
    const { dir, path, library, instanceId } = await libraryWith(radiograph({ BurnedInAnnotation: 'YES' }));
    await confirmClean(library, instanceId, true, RADIOLOGIST, AT);
    const moved = join(dir, 'moved.dcm');
    renameSync(path, moved);
    const copy = join(dir, 'copy.dcm');
    copyFileSync(moved, copy);
    await library.importPaths([moved, copy]);
    for (const file of [moved, copy]) {
      const id = library.repo.findByPath(file)!.id;
      expect(id).not.toBe(instanceId);
      expect((await burnedInState(library, id, RADIOLOGIST)).confirmedClean, file).toBe(true);
    }
    library.close();
  });

  it('is lost when the file is swapped for other pixels of the same size and mtime; the file is indexed again', async () => {
    const { path, library, instanceId } = await libraryWith(radiograph({ BurnedInAnnotation: 'YES' }));
    await confirmClean(library, instanceId, true, RADIOLOGIST, AT);
    const pinned = library.repo.instance(instanceId)!.sha256;
    swapKeepingStat(path, radiograph({ BurnedInAnnotation: 'YES' }, true));
    expect(await burnedInState(library, instanceId, RADIOLOGIST)).toEqual({
      annotation: 'YES',
      confirmedClean: false,
      mayConfirm: true,
      changed: true,
    });
    const repinned = library.repo.instance(instanceId)!.sha256;
    expect(repinned).not.toBe(pinned);
    expect(library.feedback.isConfirmedClean(repinned)).toBe(false);
    // The earlier bytes keep their confirmation: put back, they are the image that was confirmed.
    expect(library.feedback.isConfirmedClean(pinned)).toBe(true);
    library.close();
  });

  it('is refused for a file that changed since the reader was shown it', async () => {
    const { path, library, instanceId } = await libraryWith(radiograph({ BurnedInAnnotation: 'YES' }));
    expect((await burnedInState(library, instanceId, RADIOLOGIST)).changed).toBe(false);
    swapKeepingStat(path, radiograph({ BurnedInAnnotation: 'YES' }, true));
    const refusal = confirmClean(library, instanceId, true, RADIOLOGIST, AT);
    await expect(refusal).rejects.toBeInstanceOf(ImageChangedError);
    await expect(refusal).rejects.toThrow(
      /changed on disk after it was imported; .* Look at the image again before confirming it\./,
    );
    const state = await burnedInState(library, instanceId, RADIOLOGIST);
    expect(state).toMatchObject({ confirmedClean: false, changed: false });
    library.close();
  });
});
