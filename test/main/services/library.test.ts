import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDicom } from '../../../src/main/services/dicom/parse-dataset';
import { Library, UserError } from '../../../src/main/services/library';
import { FIXTURES, SAMPLES } from '../../helpers/paths';
import { writeSynthetic } from '../../helpers/synthetic-dicom';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();
const openLibrary = (): Library => Library.open(join(tempDir(), 'db.sqlite'), SAMPLES);

describe('library', () => {
  it('shows the FAKE-MONOCHROME1 discrepancy in the tag warnings', async () => {
    const library = openLibrary();
    const report = await library.importPaths([
      join(SAMPLES, 'cxr/siim-acr_nih_CR_jpegbaseline.dcm'),
      join(FIXTURES, 'dicom/siim-acr_nih_CR_jpegbaseline_FAKE-MONOCHROME1.dcm'),
    ]);
    const study = library.getStudy(report.studyIds[0]!);
    const fake = study.series.flatMap((s) => s.instances).find((i) => i.photometric === 'MONOCHROME1')!;
    const tags = await library.instanceTags(fake.id);
    const pi = tags.rows.find((r) => r.tag === '(0028,0004)');
    expect(pi).toMatchObject({ name: 'PhotometricInterpretation', vr: 'CS', value: 'MONOCHROME1' });
    expect(tags.warnings.join('\n')).toContain(
      'PhotometricInterpretation is MONOCHROME1 here but MONOCHROME2 in siim-acr_nih_CR_jpegbaseline.dcm',
    );
    expect(tags.warnings.join('\n')).toContain('identical pixel data');
    expect(tags.warnings.join('\n')).toContain('Secondary Capture');
    library.close();
  });

  it('serves a preamble-less file as Part-10 bytes that parse to the same data set', async () => {
    const library = openLibrary();
    const report = await library.importPaths([join(SAMPLES, 'cxr/barre_CR-MONO1-10-chest.dcm')]);
    const instance = library.getStudy(report.studyIds[0]!).series[0]!.instances[0]!;
    const bytes = await library.instanceBytes(instance.id);
    const parsed = parseDicom(bytes);
    expect(parsed.hasPart10Header).toBe(true);
    expect(parsed.transferSyntaxUid).toBe('1.2.840.10008.1.2');
    expect(parsed.dataSet.string('x00080018')).toBe(instance.sopInstanceUid);
    expect(parsed.dataSet.elements.x7fe00010?.length).toBe(440 * 440 * 2);
    const tags = await library.instanceTags(instance.id);
    expect(tags.warnings[0]).toMatch(/No Part-10 preamble/);
    library.close();
  });

  it('serves a deflated file inflated, as explicit VR little endian with the same pixels', async () => {
    const library = openLibrary();
    const report = await library.importPaths([
      join(FIXTURES, 'dicom/derived/barre_chest_DeflatedExplicitVRLittleEndian.dcm'),
      join(FIXTURES, 'dicom/derived/barre_chest_ExplicitVRLittleEndian.dcm'),
    ]);
    const instances = library.getStudy(report.studyIds[0]!).series.flatMap((s) => s.instances);
    const deflated = instances.find((i) => i.transferSyntaxUid.endsWith('.99'))!;
    const explicit = instances.find((i) => i.transferSyntaxUid === '1.2.840.10008.1.2.1')!;
    const served = parseDicom(await library.instanceBytes(deflated.id));
    const reference = parseDicom(await library.instanceBytes(explicit.id));
    expect(served.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(served.dataSet.string('x00080018')).toBe(deflated.sopInstanceUid);
    const pixels = (p: typeof served) => {
      const el = p.dataSet.elements.x7fe00010!;
      return Buffer.from(p.dataSet.byteArray.subarray(el.dataOffset, el.dataOffset + el.length));
    };
    expect(pixels(served).equals(pixels(reference))).toBe(true);
    library.close();
  });

  it('reports a study file deleted from disk with a clear message', async () => {
    const library = openLibrary();
    const file = join(tempDir(), 'a.dcm');
    copyFileSync(join(SAMPLES, 'cxr/siim-acr_nih_CR_jpegbaseline.dcm'), file);
    const report = await library.importPaths([file]);
    const instance = library.getStudy(report.studyIds[0]!).series[0]!.instances[0]!;
    rmSync(file);
    await expect(library.instanceBytes(instance.id)).rejects.toThrow(/missing from disk \(a\.dcm\)/);
    await expect(library.instanceTags(instance.id)).rejects.toBeInstanceOf(UserError);
    expect(() => library.getStudy('0000000000000000')).toThrow(UserError);
    library.close();
  });

  it('orders series frontal first and names views', async () => {
    const library = openLibrary();
    const report = await library.importPaths([join(SAMPLES, 'cxr')]);
    for (const id of report.studyIds) {
      const study = library.getStudy(id);
      const views = study.series.map((s) => s.instances[0]!.view);
      const firstOther = views.indexOf('OTHER');
      if (firstOther >= 0) expect(views.slice(firstOther).every((v) => v === 'OTHER')).toBe(true);
    }
    library.close();
  });

  it('searches and sorts the worklist', async () => {
    const library = openLibrary();
    await library.importPaths([join(SAMPLES, 'cxr')]);
    expect(library.listStudies('covid').map((s) => s.patientName)).toEqual(['Covid0000']);
    expect(library.listStudies('%')).toEqual([]);
    const byName = library
      .listStudies('', { key: 'patientName', dir: 'asc' })
      .map((s) => s.patientName.toLowerCase());
    expect(byName).toEqual([...byName].sort());
    const byDate = library.listStudies('', { key: 'studyDate', dir: 'desc' }).map((s) => s.studyDate);
    expect(byDate).toEqual([...byDate].sort().reverse());
    library.close();
  });

  it('keeps what was indexed when the process is killed mid-import', async () => {
    const dir = tempDir();
    const many = join(dir, 'many');
    mkdirSync(many);
    for (let i = 0; i < 60; i++) {
      writeSynthetic(join(many, `f${String(i).padStart(3, '0')}.dcm`), `1.2.3.77.${i}`, {
        rows: 256,
        columns: 256,
        overrides: { StudyInstanceUID: `1.2.3.77.${i % 6}`, SeriesInstanceUID: `1.2.3.77.${i % 6}.1` },
      });
    }
    const dbFile = join(dir, 'db.sqlite');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'import-child.ts'), dbFile, many],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    // The child prints a line per progress event; kill it hard after the first one.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const library = Library.open(dbFile, null);
    const partial = library.listStudies().reduce((n, s) => n + s.imageCount, 0);
    expect(partial).toBeGreaterThan(0);
    const report = await library.importPaths([many]);
    expect(report.unchanged).toBe(partial);
    expect(report.added + report.unchanged).toBe(60);
    library.close();
  });
});
