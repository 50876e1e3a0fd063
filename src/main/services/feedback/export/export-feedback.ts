// Exports feedback records as training data in one of four layouts (TRL DPO, TRL KTO, verl GRPO,
// plain JSONL), de-identified (see ../deidentify and prepare-record.ts), with their model-input images
// and a manifest. Everything is written into a hidden sibling folder renamed into place at the end;
// any failure removes it and says what went wrong. The app renders the images in a worker thread (the
// `render` option) and yields to the event loop between records, because the export itself runs in its
// main process.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ExportFormat, ExportSummary } from '../../../../shared/feedback';
import { renderPng, type RenderPng } from '../../dicom/pixels';
import { UserError, type Library } from '../../library';
import { ExportFolder, exportError, type AppendFile } from './export-folder';
import { buildManifest, MANIFEST_FILE } from './manifest';
import { prepareRecord, readerExclusion, type Exclusion, type PreparedRecord } from './prepare-record';
import { dpoRows, ktoRows } from './trl-rows';
import { VerlParquetWriter } from './verl-parquet';

export type ExportOptions = {
  outDir: string;
  format: ExportFormat;
  /** YYYY-MM-DD: records created on or after that day (UTC). */
  since?: string;
  modelId?: string;
  /** Written into the manifest; default: the version in Lightbox's package.json. */
  toolVersion?: string;
  /** Renders a record's image to PNG; default: in this thread. */
  render?: RenderPng;
};

export const DATA_FILES: Record<ExportFormat, string> = {
  'trl-dpo': 'dpo.jsonl',
  'trl-kto': 'kto.jsonl',
  'verl-grpo': 'train.parquet',
  jsonl: 'records.jsonl',
};

type RowWriter = {
  readonly rows: number;
  /** Writes the record's rows; how many it had. */
  add(p: PreparedRecord): Promise<number>;
  finish(): Promise<void>;
};

function jsonLines(file: AppendFile, rowsOf: (p: PreparedRecord) => object[]): RowWriter {
  let rows = 0;
  return {
    get rows() {
      return rows;
    },
    async add(prepared) {
      const lines = rowsOf(prepared);
      if (lines.length > 0) await file.write(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
      rows += lines.length;
      return lines.length;
    },
    finish: () => file.close(),
  };
}

async function rowWriter(format: ExportFormat, folder: ExportFolder): Promise<RowWriter> {
  const file = await folder.append(DATA_FILES[format]);
  switch (format) {
    case 'trl-dpo':
      return jsonLines(file, dpoRows);
    case 'trl-kto':
      return jsonLines(file, ktoRows);
    case 'verl-grpo':
      return new VerlParquetWriter(file);
    case 'jsonl':
      // `images` as in the other layouts: the record's own `image` (size, rendition) stays as it is.
      return jsonLines(file, ({ record, image, header }) => [{ ...record, images: [image], dicom: header }]);
  }
}

/** Lightbox's version from the package.json above this module (the bundles sit two folders below it). */
function packageVersion(): string | null {
  const start = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'lightbox') return pkg.version ?? null;
    }
    if (dirname(dir) === dir) return null;
  }
}

function checkSince(since: string | undefined): void {
  if (since === undefined) return;
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(since) && !Number.isNaN(Date.parse(`${since}T00:00:00Z`));
  if (!valid) throw new UserError(`"since" must be a date as YYYY-MM-DD (got "${since}").`);
}

const nextTurn = () => new Promise<void>((done) => setImmediate(done));

export async function exportFeedback(library: Library, options: ExportOptions): Promise<ExportSummary> {
  const { format, since, modelId } = options;
  checkSince(since);
  const outDir = resolve(options.outDir);
  const stored = library.feedback.list({ since, modelId });
  const secret = library.settings.pseudonymSecret();
  let folder: ExportFolder | null = null;
  try {
    folder = await ExportFolder.open(outDir);
    const writer = await rowWriter(format, folder);
    const excluded: Exclusion[] = [];
    let exported = 0;
    for (const entry of stored) {
      await nextTurn();
      if (entry.excluded) {
        excluded.push(await readerExclusion(library, entry));
        continue;
      }
      const prepared = await prepareRecord(library, entry, secret, options.render ?? renderPng);
      if ('reason' in prepared) {
        excluded.push(prepared);
        continue;
      }
      // A record with nothing to learn in this layout (a draft kept as it was, for DPO) brings no image.
      if ((await writer.add(prepared)) === 0) continue;
      await folder.write(prepared.image, prepared.png);
      exported++;
    }
    await writer.finish();
    const manifest = buildManifest({
      format,
      toolVersion: options.toolVersion ?? packageVersion(),
      since,
      modelId,
      records: stored.length,
      exported,
      rows: writer.rows,
      excluded,
      files: folder.files(),
    });
    await folder.write(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
    await folder.commit();
    return { outDir, format, records: exported, rows: writer.rows, images: manifest.counts.images, excluded };
  } catch (err) {
    await folder?.discard();
    throw exportError(err, outDir);
  }
}
