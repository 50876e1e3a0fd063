// The export is written into a hidden sibling folder and renamed to its name only when complete, so
// that a failed or interrupted export leaves nothing a training job could pick up half-written. Its
// folders are 0700 and its files 0600 from the start (private-files.ts), and stay so once renamed:
// the reader shares an export on purpose.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { makePrivateDir, openPrivateFile } from '../../../private-files';
import { UserError } from '../../library';
import { storageRefusal } from '../../store/storage-errors';

export type ExportedFile = { path: string; bytes: number; sha256: string };

/** A file written piece by piece (JSONL rows, Parquet row groups), hashed as it is written. */
export type AppendFile = {
  write(data: Uint8Array | string): Promise<void>;
  close(): Promise<void>;
};

const errorCode = (err: unknown): string | undefined =>
  err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : undefined;

/** What a user reads when the export fails on the file system. */
export function exportError(err: unknown, outDir: string): Error {
  if (err instanceof UserError) return err;
  const code = errorCode(err);
  if (storageRefusal(err) === 'full')
    return new UserError(`The disk is full (writing ${outDir}); nothing was exported.`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new UserError(`The export folder is not writable: ${outDir}`);
  return new UserError(
    `The export failed (${err instanceof Error ? err.message : String(err)}); nothing was exported.`,
  );
}

/** The folder must not exist yet, or be an empty folder. */
async function checkTarget(outDir: string): Promise<void> {
  let info;
  try {
    info = await stat(outDir);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return;
    throw err;
  }
  if (!info.isDirectory()) throw new UserError(`The export folder is a file: ${outDir}`);
  if ((await readdir(outDir)).length > 0)
    throw new UserError(`The export folder is not empty: ${outDir}; choose a new or empty folder.`);
}

export class ExportFolder {
  private readonly written: ExportedFile[] = [];
  /** Files still open, closed by discard (an open file keeps a removed folder's space in use). */
  private readonly open = new Set<FileHandle>();

  private constructor(
    readonly outDir: string,
    private readonly partialDir: string,
  ) {}

  static async open(outDir: string): Promise<ExportFolder> {
    await checkTarget(outDir);
    await mkdir(dirname(outDir), { recursive: true });
    const partialDir = join(
      dirname(outDir),
      `.${basename(outDir)}.partial-${randomBytes(6).toString('hex')}`,
    );
    await makePrivateDir(partialDir, false);
    return new ExportFolder(outDir, partialDir);
  }

  /** Every file written so far, in the order written. */
  files(): readonly ExportedFile[] {
    return this.written;
  }

  async append(path: string): Promise<AppendFile> {
    const target = join(this.partialDir, path);
    await makePrivateDir(dirname(target));
    const handle: FileHandle = await openPrivateFile(target, 'wx');
    this.open.add(handle);
    const hash = createHash('sha256');
    let bytes = 0;
    return {
      write: async (data) => {
        const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        await handle.write(chunk);
        hash.update(chunk);
        bytes += chunk.byteLength;
      },
      close: async () => {
        this.open.delete(handle);
        await handle.close();
        this.written.push({ path, bytes, sha256: hash.digest('hex') });
      },
    };
  }

  async write(path: string, data: Uint8Array | string): Promise<ExportedFile> {
    const file = await this.append(path);
    try {
      await file.write(data);
    } finally {
      await file.close();
    }
    return this.written.at(-1)!;
  }

  /** The partial folder becomes the export folder (an empty one left there is replaced). */
  async commit(): Promise<void> {
    await rmdir(this.outDir).catch((err: unknown) => {
      if (errorCode(err) !== 'ENOENT') throw err;
    });
    await rename(this.partialDir, this.outDir);
  }

  async discard(): Promise<void> {
    await Promise.allSettled([...this.open].map((handle) => handle.close()));
    this.open.clear();
    await rm(this.partialDir, { recursive: true, force: true });
  }
}
