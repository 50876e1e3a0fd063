import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths } from '../../../../src/main/services/dicom/intake';
import { IndexRepository } from '../../../../src/main/services/store/index-repository';
import { openDatabase } from '../../../../src/main/services/store/open-database';
import { FIXTURES, SAMPLES } from '../../../helpers/paths';
import { encapsulatedPixelData, imageElements, writeDicom } from '../../../helpers/dicom-writer';
import { pinMtime, swapKeepingStat } from '../../../helpers/swap-file';
import { syntheticDicom, writeSynthetic } from '../../../helpers/synthetic-dicom';
import { useTempDirs } from '../../../helpers/temp-dir';

const tempDir = useTempDirs();

function fresh(): { repo: IndexRepository; dbFile: string } {
  const dbFile = join(tempDir(), 'lightbox.sqlite');
  return { repo: new IndexRepository(openDatabase(dbFile)), dbFile };
}

describe('intake', () => {
  it('indexes every sample and fixture DICOM, recursively, including the file without preamble', async () => {
    const { repo } = fresh();
    const report = await importPaths(repo, [join(SAMPLES, 'cxr'), join(FIXTURES, 'dicom')]);
    const dicomRejects = report.rejected.filter((r) => r.path.endsWith('.dcm'));
    expect(dicomRejects).toEqual([]);
    expect(report.added).toBe(12);
    const studies = repo.listStudies();
    expect(studies.length).toBe(4);
    const barre = studies.find((s) => s.accession === 'FUJI95714');
    expect(barre?.imageCount).toBe(7); // the preamble-less original and its six transcodes
    expect(barre?.views).toEqual(['PA']);
  });

  it('re-importing the same files changes nothing', async () => {
    const { repo } = fresh();
    const first = await importPaths(repo, [SAMPLES]);
    const before = repo.listStudies();
    const again = await importPaths(repo, [SAMPLES]);
    expect(again.added).toBe(0);
    expect(again.unchanged).toBe(first.added);
    expect(repo.listStudies()).toEqual(before);
  });

  it('keeps both files that share a SOPInstanceUID and flags them', async () => {
    const { repo } = fresh();
    const report = await importPaths(repo, [
      join(SAMPLES, 'cxr/siim-acr_nih_CR_jpegbaseline.dcm'),
      join(FIXTURES, 'dicom/siim-acr_nih_CR_jpegbaseline_FAKE-MONOCHROME1.dcm'),
    ]);
    expect(report.added).toBe(2);
    expect(report.duplicates.map((d) => d.path)).toEqual([
      join(FIXTURES, 'dicom/siim-acr_nih_CR_jpegbaseline_FAKE-MONOCHROME1.dcm'),
    ]);
    const study = repo.getStudy(report.studyIds[0]!)!;
    const instances = study.series.flatMap((s) => s.instances);
    expect(instances).toHaveLength(2);
    for (const i of instances) expect(i.duplicateOf).toHaveLength(1);
  });

  it('lists bad files with their reasons and goes on; nothing indexed before is lost', async () => {
    const { repo } = fresh();
    await importPaths(repo, [join(SAMPLES, 'cxr/barre_CR-MONO1-10-chest.dcm')]);
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'not an image');
    writeFileSync(join(dir, 'empty.dcm'), '');
    writeFileSync(
      join(dir, 'random.dcm'),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)),
    );
    const whole = readFileSync(join(SAMPLES, 'cxr/siim-acr_nih_CR_jpegbaseline.dcm'));
    writeFileSync(join(dir, 'truncated-jpeg.dcm'), whole.subarray(0, Math.floor(whole.length / 2)));
    const native = readFileSync(join(FIXTURES, 'dicom/derived/barre_chest_ExplicitVRLittleEndian.dcm'));
    writeFileSync(join(dir, 'truncated-native.dcm'), native.subarray(0, native.length - 1000));
    writeFileSync(join(dir, 'header-only.dcm'), native.subarray(0, 200));
    writeSynthetic(join(dir, 'mpeg.dcm'), '1.2.3.9.1', { transferSyntaxUid: '1.2.840.10008.1.2.4.100' });
    writeSynthetic(join(dir, 'no-pixels.dcm'), '1.2.3.9.2', { pixels: null });
    writeSynthetic(join(dir, 'no-study.dcm'), '1.2.3.9.3', { omit: ['StudyInstanceUID'] });
    writeSynthetic(join(dir, 'short-pixels.dcm'), '1.2.3.9.4', {
      rows: 64,
      columns: 64,
      pixels: new Uint16Array(100),
    });
    writeSynthetic(join(dir, 'good.dcm'), '1.2.3.9.5');
    const uids = [
      { tag: 0x00080018, vr: 'UI', value: '1.2.3.9.6' },
      { tag: 0x0020000d, vr: 'UI', value: '1.2.3.9' },
      { tag: 0x0020000e, vr: 'UI', value: '1.2.3.9.1' },
    ];
    const noFragments = writeDicom({
      transferSyntax: '1.2.840.10008.1.2.4.50',
      elements: [...uids, ...imageElements({ rows: 8, columns: 8, bitsAllocated: 8 })],
      pixelData: { encapsulated: encapsulatedPixelData([]) },
    });
    writeFileSync(join(dir, 'no-fragments.dcm'), noFragments);

    const report = await importPaths(repo, [dir]);
    const reasons = Object.fromEntries(report.rejected.map((r) => [r.path.split('/').pop(), r.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      [
        'empty.dcm',
        'header-only.dcm',
        'mpeg.dcm',
        'no-fragments.dcm',
        'no-pixels.dcm',
        'no-study.dcm',
        'notes.txt',
        'random.dcm',
        'short-pixels.dcm',
        'truncated-jpeg.dcm',
        'truncated-native.dcm',
      ].sort(),
    );
    expect(reasons['notes.txt']).toMatch(/not a DICOM file/);
    expect(reasons['mpeg.dcm']).toBe(
      'unsupported pixel encoding: MPEG2 Main Profile / Main Level (1.2.840.10008.1.2.4.100)',
    );
    expect(reasons['no-pixels.dcm']).toMatch(/no pixel data/);
    expect(reasons['no-fragments.dcm']).toBe('no encapsulated fragments in a compressed transfer syntax');
    expect(reasons['no-study.dcm']).toMatch(/StudyInstanceUID/);
    expect(reasons['short-pixels.dcm']).toBe('pixel data truncated: frame 0 needs 8192 bytes, 200 present');
    expect(reasons['truncated-native.dcm']).toMatch(/truncated|unreadable/);
    expect(reasons['truncated-jpeg.dcm']).toMatch(/truncated|unreadable/);
    expect(report.added).toBe(1);
    expect(repo.listStudies()).toHaveLength(2);
  });

  it('reads a DICOMDIR and imports the files it references', async () => {
    const { repo } = fresh();
    const report = await importPaths(repo, [join(FIXTURES, 'dicomdir/DICOMDIR')]);
    expect(report.rejected).toEqual([]);
    expect(report.added).toBe(1);
  });

  it('refuses DICOMDIR entries that point outside its folder', async () => {
    const { repo } = fresh();
    const dir = tempDir();
    const dicomdir = readFileSync(join(FIXTURES, 'dicomdir/DICOMDIR'));
    // Same length as IMAGES\IM000001 (16 bytes), so the data set stays well-formed.
    const hostile = Buffer.from(
      dicomdir.toString('latin1').replace('IMAGES\\IM000001', '..\\..\\..\\etc\\pw'),
      'latin1',
    );
    mkdirSync(join(dir, 'media'));
    writeFileSync(join(dir, 'media/DICOMDIR'), hostile);
    const report = await importPaths(repo, [join(dir, 'media/DICOMDIR')]);
    expect(report.added).toBe(0);
    expect(report.rejected[0]?.reason).toBe('DICOMDIR entry points outside its folder');
  });

  it('re-indexes a file whose content changed at the same path', async () => {
    const { repo } = fresh();
    const dir = tempDir();
    const file = join(dir, 'a.dcm');
    copyFileSync(join(SAMPLES, 'cxr/barre_CR-MONO1-10-chest.dcm'), file);
    await importPaths(repo, [file]);
    copyFileSync(join(SAMPLES, 'cxr/siim-acr_nih_CR_jpegbaseline.dcm'), file);
    const report = await importPaths(repo, [file]);
    expect(report.added).toBe(1);
    const studies = repo.listStudies();
    expect(studies).toHaveLength(1); // the old study had no other file, so it went
    expect(studies[0]!.modalities).toEqual(['CR']);
  });

  it('re-indexes a file rewritten in place whose size and mtime were kept', async () => {
    const { repo } = fresh();
    const file = join(tempDir(), 'a.dcm');
    const pixels = new Uint16Array(64).map((_, i) => i * 16);
    writeSynthetic(file, '1.2.826.0.1.3680043.10.1432.81', { pixels });
    pinMtime(file);
    await importPaths(repo, [file]);
    const pinned = repo.findByPath(file)!.sha256;
    const swapped = syntheticDicom('1.2.826.0.1.3680043.10.1432.81', { pixels: pixels.map(() => 4095) });
    swapKeepingStat(file, swapped);
    expect(await importPaths(repo, [file])).toMatchObject({ added: 1, unchanged: 0 });
    const repinned = repo.findByPath(file)!.sha256;
    expect(repinned).not.toBe(pinned);
    expect(repinned).toBe(createHash('sha256').update(swapped).digest('hex'));
  });

  it('keeps a file whose stat changed but whose content did not, and takes its new stat', async () => {
    const { repo } = fresh();
    const file = join(tempDir(), 'a.dcm');
    writeSynthetic(file, '1.2.826.0.1.3680043.10.1432.82');
    await importPaths(repo, [file]);
    const before = repo.findByPath(file)!;
    pinMtime(file);
    expect(await importPaths(repo, [file])).toMatchObject({ added: 0, unchanged: 1 });
    const after = repo.findByPath(file)!;
    expect(after).toMatchObject({ id: before.id, sha256: before.sha256, mtimeMs: statSync(file).mtimeMs });
    expect(after.ctimeMs).toBe(statSync(file).ctimeMs);
  });

  it('hashes every file when asked to, whatever its stat says', async () => {
    const { repo } = fresh();
    const file = join(tempDir(), 'a.dcm');
    writeSynthetic(file, '1.2.826.0.1.3680043.10.1432.83');
    await importPaths(repo, [file]);
    // The index's stat stands for a file that is not the one pinned.
    repo.db.prepare("UPDATE instances SET sha256 = 'stale'").run();
    expect(await importPaths(repo, [file])).toMatchObject({ added: 0, unchanged: 1 });
    expect(await importPaths(repo, [file], { rehash: true })).toMatchObject({ added: 1, unchanged: 0 });
    expect(repo.findByPath(file)!.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
  });

  it('reports an unreadable file without stopping', async () => {
    if (process.getuid?.() === 0) {
      // root reads everything; a dangling path stands in for an unreadable file.
      const { repo } = fresh();
      const report = await importPaths(repo, ['/nonexistent/lightbox/file.dcm', join(SAMPLES, 'cxr')]);
      expect(report.rejected[0]).toEqual({
        path: '/nonexistent/lightbox/file.dcm',
        reason: 'cannot read: ENOENT',
      });
      expect(report.added).toBe(4);
      return;
    }
    const { repo } = fresh();
    const dir = tempDir();
    writeSynthetic(join(dir, 'locked.dcm'), '1.2.3.9.9');
    chmodSync(join(dir, 'locked.dcm'), 0);
    const report = await importPaths(repo, [dir]);
    expect(report.rejected[0]?.reason).toBe('cannot read: EACCES');
  });

  it('reports progress up to the total', async () => {
    const { repo } = fresh();
    const seen: number[] = [];
    await importPaths(repo, [join(FIXTURES, 'dicom')], { onProgress: (p) => seen.push(p.done / p.total) });
    expect(seen.at(-1)).toBe(1);
  });
});
