// Feedback export: each format's rows read back, the manifest's hashes, burned-in exclusion, filters, and
// a failed export leaving nothing behind (real SQLite, real DICOM files, real file systems).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { feedbackRecordSchema, type FeedbackRecord } from '../../../../../src/shared/feedback';
import { parseDicom } from '../../../../../src/main/services/dicom/parse-dataset';
import { renderFile, RenderThread } from '../../../../../src/main/services/dicom/pixels';
import { exportFeedback } from '../../../../../src/main/services/feedback/export/export-feedback';
import { UserError, type Library } from '../../../../../src/main/services/library';
import { ReadingService } from '../../../../../src/main/services/reading/reading-service';
import { ROOT, SAMPLES } from '../../../../helpers/paths';
import { pinMtime, swapKeepingStat } from '../../../../helpers/swap-file';
import { useTempDirs } from '../../../../helpers/temp-dir';
import {
  confirmClean,
  importFile,
  insertRecord,
  importSynthetic,
  openLibrary,
  PROMPTS,
  readingParts,
  type ImportedImage,
} from './fixtures';
import { importStudy, RADIOLOGIST, saveDraft } from '../../reading/reading-fixtures';

const tempDir = useTempDirs();
const libraries: Library[] = [];
const mounts: string[] = [];
afterEach(() => {
  for (const library of libraries.splice(0)) library.close();
  for (const dir of mounts.splice(0)) execFileSync('umount', [dir]);
  vi.restoreAllMocks();
});

async function setup(): Promise<{ library: Library; dir: string; image: ImportedImage }> {
  const dir = tempDir();
  const library = openLibrary(dir);
  libraries.push(library);
  return { library, dir, image: await importSynthetic(library, dir) };
}

const readJsonl = (path: string): unknown[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown);

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The same file with its last two rows of pixels white: text burned into the bottom (same size). */
function withBurnedInText(file: Uint8Array): Uint8Array {
  const bytes = Uint8Array.from(file);
  for (let at = bytes.length - 2 * 48 * 2; at < bytes.length; at += 2) bytes.set([0xff, 0x0f], at);
  return bytes;
}

const user = (text: string) => [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text }] }];
const assistant = (text: string) => [{ role: 'assistant', content: [{ type: 'text', text }] }];
const grounding = (phrase: string) => `Please locate the following sentence: ${phrase}`;

/** The reading with every draft finding accepted as the model wrote it. */
function acceptedAsDrafted(): Partial<FeedbackRecord> {
  const { draft } = readingParts();
  return {
    final: {
      report: draft!.findings.map((f) => f.text).join(' '),
      impression: '',
      findings: draft!.findings,
    },
    actions: draft!.findings.map((f) => ({
      action: 'accepted',
      draftText: f.text,
      finalText: f.text,
      draftBoxes: f.boxes,
      finalBoxes: f.boxes,
      boxIou: f.boxes.length > 0 ? 1 : null,
      boxesChanged: false,
    })),
  };
}

/** mount(8) works here as root; elsewhere the caller takes another way. */
function mountTmpfs(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  } catch {
    return false;
  }
  mounts.push(dir);
  return true;
}

describe('exportFeedback', () => {
  it('trl-dpo: the reader over the draft for the report and for each finding whose boxes moved', async () => {
    const { library, dir, image } = await setup();
    const changed = await insertRecord(library, image);
    await insertRecord(library, image, { ...acceptedAsDrafted(), createdAt: '2025-03-03T10:00:00.000Z' });
    const outDir = join(dir, 'dpo');
    const summary = await exportFeedback(library, { outDir, format: 'trl-dpo' });
    // The draft kept as it was has no pair to learn from, and brings no image.
    expect(summary).toEqual({ outDir, format: 'trl-dpo', records: 1, rows: 2, images: 1, excluded: [] });

    const png = `images/${changed.recordId}.png`;
    expect(readJsonl(join(outDir, 'dpo.jsonl'))).toEqual([
      {
        prompt: user(PROMPTS.reportGeneration),
        chosen: assistant(changed.final.report),
        rejected: assistant(changed.draft!.report),
        images: [png],
      },
      {
        prompt: user(grounding('Right upper lobe nodule, 8 mm.')),
        chosen: assistant('The nodule is located at the coordinates [0.17, 0.16, 0.35, 0.34] on the image.'),
        rejected: assistant(
          'The nodule is located at the coordinates [0.13, 0.13, 0.29, 0.31] on the image.',
        ),
        images: [png],
      },
    ]);
    expect(readdirSync(join(outDir, 'images'))).toEqual([`${changed.recordId}.png`]);
    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as { counts: object };
    expect(manifest.counts).toEqual({
      records: 2,
      exported: 1,
      withoutRows: 1,
      rows: 2,
      images: 1,
      excluded: 0,
    });
  });

  it('trl-kto: drafts kept are desirable, changed ones undesirable beside the reader’s version', async () => {
    const { library, dir, image } = await setup();
    const changed = await insertRecord(library, image);
    const kept = await insertRecord(library, image, {
      ...acceptedAsDrafted(),
      createdAt: '2025-03-03T10:00:00.000Z',
    });
    const outDir = join(dir, 'kto');
    const summary = await exportFeedback(library, { outDir, format: 'trl-kto' });
    const rows = readJsonl(join(outDir, 'kto.jsonl')) as {
      prompt: ReturnType<typeof user>;
      completion: ReturnType<typeof assistant>;
      label: boolean;
      images: string[];
    }[];
    const brief = rows.map((r) => [
      r.prompt[0]!.content[1]!.text,
      r.completion[0]!.content[0]!.text,
      r.label,
      r.images[0],
    ]);
    const a = `images/${changed.recordId}.png`;
    const b = `images/${kept.recordId}.png`;
    const at = (finding: string, boxes: string) =>
      `The ${finding} is located at the coordinates ${boxes} on the image.`;
    expect(brief).toEqual([
      [PROMPTS.reportGeneration, changed.draft!.report, false, a],
      [PROMPTS.reportGeneration, changed.final.report, true, a],
      [grounding('Left pleural effusion.'), at('left pleural effusion', '[0.63, 0.56, 0.88, 0.88]'), true, a],
      [grounding('Right upper lobe nodule.'), at('nodule', '[0.13, 0.13, 0.29, 0.31]'), false, a],
      [grounding('Right upper lobe nodule, 8 mm.'), at('nodule', '[0.17, 0.16, 0.35, 0.34]'), true, a],
      [grounding('Cardiomegaly.'), at('cardiomegaly', '[0.33, 0.38, 0.71, 0.81]'), false, a],
      [
        grounding('Left basal atelectasis.'),
        at('left basal atelectasis', '[0.58, 0.75, 0.79, 0.94] and [0.08, 0.75, 0.25, 0.94]'),
        true,
        a,
      ],
      [PROMPTS.reportGeneration, kept.draft!.report, true, b],
      [grounding('Left pleural effusion.'), at('left pleural effusion', '[0.63, 0.56, 0.88, 0.88]'), true, b],
      [grounding('Right upper lobe nodule.'), at('nodule', '[0.13, 0.13, 0.29, 0.31]'), true, b],
      [grounding('Cardiomegaly.'), at('cardiomegaly', '[0.33, 0.38, 0.71, 0.81]'), true, b],
    ]);
    expect(rows[0]!.prompt).toEqual(user(PROMPTS.reportGeneration));
    expect(summary.rows).toBe(rows.length);
  });

  it('verl-grpo: one uncompressed Parquet file in verl’s layout, images embedded as PNG bytes', async () => {
    const { library, dir, image } = await setup();
    const record = await insertRecord(library, image);
    const outDir = join(dir, 'grpo');
    const summary = await exportFeedback(library, { outDir, format: 'verl-grpo' });
    expect(summary).toMatchObject({ records: 1, rows: 4, images: 1 });

    const bytes = readFileSync(join(outDir, 'train.parquet'));
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const metadata = parquetMetadata(file);
    const chunks = metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!));
    expect(chunks.length).toBeGreaterThan(0);
    expect(new Set(chunks.map((c) => c.codec))).toEqual(new Set(['UNCOMPRESSED']));
    const rows = (await parquetReadObjects({ file, utf8: false })) as {
      data_source: string;
      prompt: { role: string; content: string }[];
      images: { bytes: Uint8Array }[];
      ability: string;
      reward_model: { style: string; ground_truth: string };
      extra_info: { index: bigint; record_id: string; task: string; split: string };
    }[];
    expect(rows).toHaveLength(4);
    const png = readFileSync(join(outDir, `images/${record.recordId}.png`));
    for (const row of rows) {
      expect(row.data_source).toBe('lightbox');
      expect(row.images).toHaveLength(1);
      expect(Buffer.from(row.images[0]!.bytes).equals(png)).toBe(true);
      expect(row.extra_info).toMatchObject({ record_id: record.recordId, split: 'train' });
    }
    expect(rows.map((r) => Number(r.extra_info.index))).toEqual([0, 1, 2, 3]);
    expect(rows.map((r) => [r.prompt, r.ability, r.reward_model, r.extra_info.task])).toEqual([
      [
        [{ role: 'user', content: `<image>${PROMPTS.reportGeneration}` }],
        'radiology-report',
        { style: 'rule', ground_truth: record.final.report },
        'report-generation',
      ],
      [
        [{ role: 'user', content: `<image>${grounding('Left pleural effusion.')}` }],
        'phrase-grounding',
        {
          style: 'rule',
          ground_truth:
            'The left pleural effusion is located at the coordinates [0.63, 0.56, 0.88, 0.88] on the image.',
        },
        'phrase-grounding',
      ],
      [
        [{ role: 'user', content: `<image>${grounding('Right upper lobe nodule, 8 mm.')}` }],
        'phrase-grounding',
        {
          style: 'rule',
          ground_truth: 'The nodule is located at the coordinates [0.17, 0.16, 0.35, 0.34] on the image.',
        },
        'phrase-grounding',
      ],
      [
        [{ role: 'user', content: `<image>${grounding('Left basal atelectasis.')}` }],
        'phrase-grounding',
        {
          style: 'rule',
          ground_truth:
            'The left basal atelectasis is located at the coordinates [0.58, 0.75, 0.79, 0.94] and [0.08, 0.75, 0.25, 0.94] on the image.',
        },
        'phrase-grounding',
      ],
    ]);
  });

  it('jsonl: every record with its image and de-identified header; PNGs are the model-input rendition', async () => {
    const { library, dir, image } = await setup();
    const record = await insertRecord(library, image);
    const outDir = join(dir, 'jsonl');
    await exportFeedback(library, { outDir, format: 'jsonl' });
    const [row] = readJsonl(join(outDir, 'records.jsonl')) as (FeedbackRecord & {
      images: string[];
      dicom: Record<string, { vr: string; Value?: unknown[] }>;
    })[];
    const { images, dicom, ...rest } = row!;
    const imagePath = images[0]!;
    expect(feedbackRecordSchema.parse(rest)).toMatchObject({
      recordId: record.recordId,
      refs: record.refs,
      final: record.final,
      draft: record.draft,
      actions: record.actions,
      image: record.image,
    });
    // Reading dates move back with the patient's date shift, as the header's dates do.
    expect(Date.parse(rest.createdAt)).toBeLessThan(Date.parse(record.createdAt));
    expect(images).toEqual([`images/${record.recordId}.png`]);
    expect(dicom['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: record.refs.patient }] });
    expect(dicom['00120062']).toEqual({ vr: 'CS', Value: ['YES'] });
    expect(dicom['7FE00010']).toBeUndefined();

    const pngBytes = readFileSync(join(outDir, imagePath));
    const chunkTypes: string[] = [];
    for (let at = 8; at < pngBytes.length;) {
      const length = pngBytes.readUInt32BE(at);
      chunkTypes.push(pngBytes.toString('latin1', at + 4, at + 8));
      at += 12 + length;
    }
    expect(new Set(chunkTypes)).toEqual(new Set(['IHDR', 'IDAT', 'IEND']));
    const png = PNG.sync.read(pngBytes);
    expect([png.width, png.height, png.depth, png.color]).toEqual([48, 32, 8, false]);
    // The drafting pipeline's own call (draft-study.ts) on the file.
    const { pixels } = await renderFile(image.path, { frame: 0, window: { kind: 'auto' } });
    expect(Uint8Array.from({ length: pixels.length }, (_, i) => png.data[4 * i]!)).toEqual(pixels);
  });

  it('exports a real radiograph (bare data set, MONOCHROME1) as the pipeline renders it', async () => {
    const { library, dir } = await setup();
    const bytes = readFileSync(join(SAMPLES, 'cxr/barre_CR-MONO1-10-chest.dcm'));
    const sopUid = parseDicom(bytes).dataSet.string('x00080018')!;
    const image = await importFile(library, join(dir, 'barre.dcm'), bytes, sopUid);
    // Its header does not say whether text is burned in.
    confirmClean(library, image);
    const record = await insertRecord(library, image);
    const outDir = join(dir, 'out');
    expect(await exportFeedback(library, { outDir, format: 'trl-kto' })).toMatchObject({
      records: 1,
      images: 1,
    });
    const png = PNG.sync.read(readFileSync(join(outDir, `images/${record.recordId}.png`)));
    const { pixels, info } = await renderFile(image.path, { frame: 0, window: { kind: 'auto' } });
    expect(info.inverted).toBe(true);
    expect([png.width, png.height]).toEqual([440, 440]);
    expect(Uint8Array.from({ length: pixels.length }, (_, i) => png.data[4 * i]!)).toEqual(pixels);
  });

  it('renders in a worker thread, as the app does, the same files as in the calling thread', async () => {
    const { library, dir } = await setup();
    const bytes = readFileSync(join(SAMPLES, 'cxr/barre_CR-MONO1-10-chest.dcm'));
    const image = await importFile(
      library,
      join(dir, 'barre.dcm'),
      bytes,
      parseDicom(bytes).dataSet.string('x00080018')!,
    );
    confirmClean(library, image);
    const record = await insertRecord(library, image);
    const thread = new RenderThread(join(ROOT, 'src/main/services/dicom/pixels/render-thread.ts'));
    let threadRenders = 0;
    try {
      await exportFeedback(library, { outDir: join(dir, 'here'), format: 'jsonl' });
      const summary = await exportFeedback(library, {
        outDir: join(dir, 'there'),
        format: 'jsonl',
        render: (b, o) => {
          threadRenders++;
          return thread.render(b, o);
        },
      });
      expect(summary).toMatchObject({ records: 1, images: 1, excluded: [] });
      expect(threadRenders).toBe(1);
    } finally {
      await thread.close();
    }
    for (const file of ['records.jsonl', `images/${record.recordId}.png`])
      expect(sha256(join(dir, 'there', file)), file).toBe(sha256(join(dir, 'here', file)));
  });

  it('keeps a reading without a draft in jsonl; the training layouts have no prompt for it', async () => {
    const { library, dir, image } = await setup();
    const { final } = readingParts();
    const record = await insertRecord(library, image, {
      model: null,
      provider: null,
      prompts: null,
      decoding: null,
      draft: null,
      actions: final.findings.map((f) => ({
        action: 'added',
        draftText: null,
        finalText: f.text,
        draftBoxes: [],
        finalBoxes: f.boxes,
        boxIou: null,
        boxesChanged: f.boxes.length > 0,
      })),
    });
    for (const format of ['trl-dpo', 'trl-kto', 'verl-grpo'] as const) {
      const summary = await exportFeedback(library, { outDir: join(dir, format), format });
      expect(summary, format).toMatchObject({ records: 0, rows: 0, images: 0, excluded: [] });
    }
    const parquet = readFileSync(join(dir, 'verl-grpo/train.parquet'));
    expect(
      parquetMetadata(parquet.buffer.slice(parquet.byteOffset, parquet.byteOffset + parquet.byteLength))
        .num_rows,
    ).toBe(0n);
    const jsonl = await exportFeedback(library, { outDir: join(dir, 'jsonl'), format: 'jsonl' });
    expect(jsonl).toMatchObject({ records: 1, rows: 1, images: 1 });
    expect(readJsonl(join(dir, 'jsonl/records.jsonl'))).toMatchObject([
      { recordId: record.recordId, draft: null },
    ]);
  });

  it('writes a manifest with the profile, the counts and every file’s size and sha256', async () => {
    const { library, dir, image } = await setup();
    await insertRecord(library, image);
    await insertRecord(library, image, { ...acceptedAsDrafted(), createdAt: '2025-03-04T10:00:00.000Z' });
    const outDir = join(dir, 'out');
    await exportFeedback(library, { outDir, format: 'trl-kto', since: '2025-01-01' });
    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as {
      files: { path: string; bytes: number; sha256: string }[];
      [key: string]: unknown;
    };
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(manifest).toMatchObject({
      format: 'trl-kto',
      tool: { name: 'lightbox', version: pkg.version },
      filters: { since: '2025-01-01', modelId: null },
      counts: { records: 2, exported: 2, withoutRows: 0, rows: 11, images: 2, excluded: 0 },
      excluded: [],
      deidentification: {
        profile: 'DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile',
        options: ['Retain Longitudinal Temporal Information with Modified Dates Option'],
        version: 'lightbox-deid-2',
      },
    });
    expect(Number.isNaN(Date.parse(manifest.createdAt as string))).toBe(false);
    const onDisk = ['kto.jsonl', ...readdirSync(join(outDir, 'images')).map((f) => `images/${f}`)].sort();
    expect(manifest.files.map((f) => f.path).sort()).toEqual(onDisk);
    for (const f of manifest.files) {
      expect(f.bytes).toBe(readFileSync(join(outDir, f.path)).length);
      expect(f.sha256).toBe(sha256(join(outDir, f.path)));
    }
  });

  it('leaves out images that may carry burned-in text until a reader confirms them clean', async () => {
    const { library, dir } = await setup();
    const yes = await importSynthetic(library, dir, { BurnedInAnnotation: 'YES' });
    const unknown = await importSynthetic(library, dir, { BurnedInAnnotation: undefined });
    const a = await insertRecord(library, yes);
    const b = await insertRecord(library, unknown);
    const first = await exportFeedback(library, { outDir: join(dir, 'first'), format: 'jsonl' });
    expect(first).toMatchObject({ records: 0, rows: 0, images: 0 });
    expect(first.excluded).toEqual([
      {
        recordId: a.recordId,
        reason: expect.stringMatching(/burned-in annotation \(BurnedInAnnotation YES\)/),
      },
      {
        recordId: b.recordId,
        reason: expect.stringMatching(/does not state, as its one BurnedInAnnotation value, that it is free/),
      },
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, 'first/manifest.json'), 'utf8')) as {
      excluded: unknown;
    };
    expect(manifest.excluded).toEqual(first.excluded);
    expect(readFileSync(join(dir, 'first/records.jsonl'), 'utf8')).toBe('');

    confirmClean(library, yes);
    confirmClean(library, unknown);
    const second = await exportFeedback(library, { outDir: join(dir, 'second'), format: 'jsonl' });
    expect(second).toMatchObject({ records: 2, rows: 2, images: 2, excluded: [] });
    confirmClean(library, yes, false);
    const third = await exportFeedback(library, { outDir: join(dir, 'third'), format: 'jsonl' });
    expect(third.excluded.map((x) => x.recordId)).toEqual([a.recordId]);
  });

  it('leaves out an image whose Burned In Annotation is multi-valued, though its first value is NO', async () => {
    const { library, dir } = await setup();
    const image = await importSynthetic(library, dir, { BurnedInAnnotation: ['NO', 'YES'] });
    const record = await insertRecord(library, image);
    expect(await exportFeedback(library, { outDir: join(dir, 'out'), format: 'jsonl' })).toMatchObject({
      records: 0,
      images: 0,
      excluded: [
        {
          recordId: record.recordId,
          reason: expect.stringMatching(
            /does not state, as its one BurnedInAnnotation value, that it is free/,
          ),
        },
      ],
    });
  });

  it('leaves out a confirmed image swapped on disk (same size and mtime), which loses its confirmation', async () => {
    const { library, dir } = await setup();
    const image = await importSynthetic(library, dir, { BurnedInAnnotation: 'YES' });
    pinMtime(image.path);
    await library.importPaths([image.path]);
    confirmClean(library, image);
    const record = await insertRecord(library, image);
    expect(await exportFeedback(library, { outDir: join(dir, 'before'), format: 'jsonl' })).toMatchObject({
      records: 1,
      images: 1,
    });
    const pinned = library.repo.instance(image.instanceId)!.sha256;
    swapKeepingStat(image.path, withBurnedInText(readFileSync(image.path)));

    const after = await exportFeedback(library, { outDir: join(dir, 'after'), format: 'jsonl' });
    expect(after).toMatchObject({ records: 0, images: 0 });
    expect(after.excluded).toEqual([
      {
        recordId: record.recordId,
        reason: expect.stringMatching(
          /^the image file changed on disk after it was imported \(its content no longer matches the sha256/,
        ),
      },
    ]);
    expect(readFileSync(join(dir, 'after/records.jsonl'), 'utf8')).toBe('');
    // Indexed again through intake: the pin is the new file's, which nobody confirmed.
    const repinned = library.repo.instance(image.instanceId)!.sha256;
    expect(repinned).toBe(sha256(image.path));
    expect(repinned).not.toBe(pinned);
    expect(library.feedback.isConfirmedClean(repinned)).toBe(false);
    // The record was read on the earlier pixels: it stays out even once the new file is confirmed clean.
    confirmClean(library, image);
    const later = await exportFeedback(library, { outDir: join(dir, 'later'), format: 'jsonl' });
    expect(later.excluded).toEqual([
      {
        recordId: record.recordId,
        reason: expect.stringMatching(/indexed again with other content after this record was made/),
      },
    ]);
  });

  it('keeps a confirmation through a re-import of the unchanged file, not of a changed one', async () => {
    const { library, dir } = await setup();
    const image = await importSynthetic(library, dir, { BurnedInAnnotation: 'YES' });
    confirmClean(library, image);
    const record = await insertRecord(library, image);
    pinMtime(image.path);
    expect(await library.importPaths([image.path])).toMatchObject({ added: 0, unchanged: 1 });
    expect(await exportFeedback(library, { outDir: join(dir, 'same'), format: 'jsonl' })).toMatchObject({
      records: 1,
      excluded: [],
    });
    swapKeepingStat(image.path, withBurnedInText(readFileSync(image.path)));
    expect(await library.importPaths([image.path])).toMatchObject({ added: 1, unchanged: 0 });
    expect(library.feedback.isConfirmedClean(library.repo.instance(image.instanceId)!.sha256)).toBe(false);
    const changed = await exportFeedback(library, { outDir: join(dir, 'changed'), format: 'jsonl' });
    expect(changed.excluded).toEqual([
      { recordId: record.recordId, reason: expect.stringMatching(/indexed again with other content/) },
    ]);
  });

  it('leaves out a signed report whose draft was made from the file before it changed', async () => {
    const dir = tempDir();
    const library = openLibrary(dir);
    libraries.push(library);
    const service = new ReadingService(library);
    const sign = async (name: string, draftId: string, change?: (file: string) => void) => {
      const file = join(dir, name);
      copyFileSync(join(SAMPLES, 'demo', name), file);
      pinMtime(file);
      const { studyId, instance } = await importStudy(library, file);
      saveDraft(library, studyId, instance, draftId);
      if (change) {
        change(file);
        expect(await library.importPaths([file])).toMatchObject({ added: 1, unchanged: 0 });
      }
      // A radiologist looks at the image the library holds now, confirms it clean, and signs the draft.
      confirmClean(library, { instanceId: instance.id });
      service.sign(studyId, service.open(studyId).revision, RADIOLOGIST);
      return library.feedback.list().at(-1)!;
    };
    const kept = await sign('demo-01-normal.dcm', '00000000000000d1');
    const changed = await sign('demo-02-cardiomegaly.dcm', '00000000000000d2', (file) => {
      const bytes = Uint8Array.from(readFileSync(file));
      bytes.fill(0xff, bytes.length - 440 * 20);
      swapKeepingStat(file, bytes);
    });
    const summary = await exportFeedback(library, { outDir: join(dir, 'out'), format: 'jsonl' });
    expect(summary).toMatchObject({ records: 1, images: 1 });
    expect(readJsonl(join(dir, 'out/records.jsonl'))).toMatchObject([{ recordId: kept.record.recordId }]);
    expect(summary.excluded).toEqual([
      {
        recordId: changed.record.recordId,
        reason: expect.stringMatching(/or its draft was made from an earlier file/),
      },
    ]);
  });

  it('filters by creation day and model, and lists records a reader excluded with their reason masked', async () => {
    const { library, dir, image } = await setup();
    const march = await insertRecord(library, image, { createdAt: '2025-03-02T10:00:00.000Z' });
    const april = await insertRecord(library, image, { createdAt: '2025-04-02T10:00:00.000Z' });
    const other = await insertRecord(library, image, {
      createdAt: '2025-04-03T10:00:00.000Z',
      model: { ...march.model!, id: 'other-model' },
    });
    const ids = async (name: string, options: { since?: string; modelId?: string }) => {
      await exportFeedback(library, { outDir: join(dir, name), format: 'jsonl', ...options });
      return (readJsonl(join(dir, name, 'records.jsonl')) as FeedbackRecord[]).map((r) => r.recordId);
    };
    expect(await ids('all', {})).toEqual([march.recordId, april.recordId, other.recordId]);
    expect(await ids('since', { since: '2025-04-01' })).toEqual([april.recordId, other.recordId]);
    expect(await ids('model', { modelId: 'radvlm-grpo' })).toEqual([march.recordId, april.recordId]);
    expect(await ids('both', { since: '2025-04-01', modelId: 'radvlm-grpo' })).toEqual([april.recordId]);
    await expect(
      exportFeedback(library, { outDir: join(dir, 'bad'), format: 'jsonl', since: '1st April' }),
    ).rejects.toThrow(UserError);

    library.feedback.setExcluded(
      image.studyId,
      true,
      `Patient ${image.patientKey} asked on 02/03/2025 to opt out; call 0161 496 0000`,
    );
    const summary = await exportFeedback(library, { outDir: join(dir, 'excluded'), format: 'jsonl' });
    expect(summary.records).toBe(0);
    expect(summary.excluded).toHaveLength(3);
    expect(summary.excluded[0]!.reason).toBe(
      'excluded from training by a reader: Patient [ID] asked on [DATE] to opt out; call [PHONE]',
    );
  });

  it('exports header text of the rendition only as the de-identified header keeps it', async () => {
    const { library, dir } = await setup();
    const window = { PatientName: 'Quixtabb^Zebulon', WindowCenter: 2048, WindowWidth: 4096 };
    const kept = await importSynthetic(library, dir, { ...window, WindowCenterWidthExplanation: 'LUNG' });
    const named = await importSynthetic(library, dir, {
      ...window,
      WindowCenterWidthExplanation: 'Zebulon window',
    });
    const a = await insertRecord(library, kept);
    const b = await insertRecord(library, named);
    expect(b.image.rendition).toMatchObject({ voi: { explanation: 'Zebulon window' } });
    await exportFeedback(library, { outDir: join(dir, 'out'), format: 'jsonl' });
    const rows = readJsonl(join(dir, 'out/records.jsonl')) as (FeedbackRecord & {
      dicom: Record<string, unknown>;
    })[];
    expect(rows.map((r) => r.recordId)).toEqual([a.recordId, b.recordId]);
    expect(rows[0]!.image.rendition).toMatchObject({
      voi: { kind: 'window', center: 2048, explanation: 'LUNG' },
    });
    expect(rows[0]!.dicom['00281055']).toEqual({ vr: 'LO', Value: ['LUNG'] });
    // The header drops it (it holds the patient's name), so the record does too; the window stays.
    expect(rows[1]!.image.rendition.voi).toEqual({
      kind: 'window',
      source: 'header',
      center: 2048,
      width: 4096,
      function: 'LINEAR',
    });
    expect(rows[1]!.dicom['00281055']).toBeUndefined();
    expect(JSON.stringify(rows[1])).not.toMatch(/zebulon/i);
  });

  it('drops record fields it has no rule for, and leaves out a record with a field not of its form', async () => {
    const { library, dir, image } = await setup();
    const stored = await insertRecord(library, image);
    // As older versions stored a reading without a draft: the rendition's required keys only, plus one
    // this version has no rule for.
    const { frameIndex, rows, columns, photometric, inverted, transferSyntaxUid } = stored.image.rendition;
    const minimal = { frameIndex, rows, columns, photometric, inverted, transferSyntaxUid };
    const older = await insertRecord(library, image, {
      image: { ...stored.image, rendition: { ...minimal, operatorNote: 'Quixtabb asked for this window' } },
    });
    const odd = await insertRecord(library, image, {
      model: { ...stored.model!, id: 'pack of Dr Quixtabb' },
    });
    const summary = await exportFeedback(library, { outDir: join(dir, 'out'), format: 'jsonl' });
    expect(summary.excluded).toEqual([
      {
        recordId: odd.recordId,
        reason:
          'record.model.id does not have the expected form; the record is left out rather than exported unchecked',
      },
    ]);
    const exported = readJsonl(join(dir, 'out/records.jsonl')) as FeedbackRecord[];
    expect(exported.map((r) => r.recordId)).toEqual([stored.recordId, older.recordId]);
    expect(exported[1]!.image.rendition).toEqual(minimal);
    expect(feedbackRecordSchema.parse(exported[1]).image.rendition).toEqual(minimal);
  });

  it('leaves out a record whose image file is gone, and exports the others', async () => {
    const { library, dir, image } = await setup();
    const other = await importSynthetic(library, dir);
    const gone = await insertRecord(library, image);
    const kept = await insertRecord(library, other);
    rmSync(image.path);
    const summary = await exportFeedback(library, { outDir: join(dir, 'out'), format: 'trl-dpo' });
    expect(summary).toMatchObject({ records: 1, images: 1 });
    expect(summary.excluded).toEqual([
      {
        recordId: gone.recordId,
        reason: 'the image file is missing or can no longer be read; re-import the study',
      },
    ]);
    expect(existsSync(join(dir, `out/images/${kept.recordId}.png`))).toBe(true);
  });

  it('refuses a folder that is not empty, and takes an empty one', async () => {
    const { library, dir, image } = await setup();
    await insertRecord(library, image);
    const outDir = join(dir, 'taken');
    mkdirSync(outDir);
    writeFileSync(join(outDir, 'keep.txt'), 'mine');
    await expect(exportFeedback(library, { outDir, format: 'jsonl' })).rejects.toThrow(
      /The export folder is not empty: .*taken/,
    );
    expect(readdirSync(outDir)).toEqual(['keep.txt']);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await exportFeedback(library, { outDir: empty, format: 'jsonl' });
    expect(readdirSync(empty).sort()).toEqual(['images', 'manifest.json', 'records.jsonl']);
  });

  it('says when the folder is not writable, and leaves nothing behind', async () => {
    const { library, dir, image } = await setup();
    await insertRecord(library, image);
    const parent = join(dir, 'locked');
    mkdirSync(parent);
    // Root writes through permissions, so as root the folder is a read-only file system.
    if (!mountTmpfs(parent, 'ro,size=64k')) chmodSync(parent, 0o555);
    const outDir = join(parent, 'out');
    await expect(exportFeedback(library, { outDir, format: 'jsonl' })).rejects.toThrow(
      `The export folder is not writable: ${outDir}`,
    );
    expect(readdirSync(parent)).toEqual([]);
  });

  it('says when the disk is full, and removes the partial export', async () => {
    const { library, dir, image } = await setup();
    await insertRecord(library, image);
    await insertRecord(library, await importSynthetic(library, dir));
    const small = join(dir, 'small');
    mkdirSync(small);
    // Two pages: the first image and the rows fit, the second image does not.
    if (!mountTmpfs(small, 'size=8k')) {
      // Without mount(8), the failure is injected where files are written.
      const probe = await open(join(dir, 'probe'), 'w');
      const fileHandle = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
      await probe.close();
      vi.spyOn(fileHandle, 'write').mockRejectedValue(
        Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
      );
    }
    const outDir = join(small, 'out');
    await expect(exportFeedback(library, { outDir, format: 'trl-kto' })).rejects.toThrow(
      `The disk is full (writing ${outDir}); nothing was exported.`,
    );
    expect(readdirSync(small)).toEqual([]);
  });
});
