// sha256 of pack files, remembered in a JSON file by path, size, mtime and ctime: a multi-gigabyte pack
// is hashed once, not at every start. Any write to a file changes its mtime and ctime (ctime cannot be set
// back by a user), so a changed file is hashed again.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { makePrivateDir, writePrivateFile } from '../../../private-files';

const entrySchema = z.object({
  size: z.number(),
  mtimeMs: z.number(),
  ctimeMs: z.number(),
  sha256: z.string(),
});
const cacheSchema = z.object({ version: z.literal(1), files: z.record(z.string(), entrySchema) });
type Entry = z.infer<typeof entrySchema>;

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class FileHashes {
  private dirty = false;

  private constructor(
    private readonly cacheFile: string | null,
    private readonly files: Record<string, Entry>,
  ) {}

  /** A cache kept in `cacheFile`, or in memory only when null. An unreadable cache starts empty. */
  static async open(cacheFile: string | null): Promise<FileHashes> {
    if (!cacheFile) return new FileHashes(null, {});
    try {
      const parsed = cacheSchema.safeParse(JSON.parse(await readFile(cacheFile, 'utf8')));
      return new FileHashes(cacheFile, parsed.success ? parsed.data.files : {});
    } catch {
      return new FileHashes(cacheFile, {});
    }
  }

  /** Size and sha256 of an absolute path, hashing only when it changed since it was last hashed. */
  async hash(path: string): Promise<{ size: number; sha256: string; cached: boolean }> {
    const before = await stat(path);
    const known = this.files[path];
    const same =
      known?.size === before.size && known.mtimeMs === before.mtimeMs && known.ctimeMs === before.ctimeMs;
    if (known && same) return { size: known.size, sha256: known.sha256, cached: true };
    const sha256 = await sha256File(path);
    const after = await stat(path);
    // Written to while hashing: the digest describes no version of the file worth remembering.
    if (after.mtimeMs === before.mtimeMs && after.size === before.size) {
      this.files[path] = { size: after.size, mtimeMs: after.mtimeMs, ctimeMs: after.ctimeMs, sha256 };
      this.dirty = true;
    }
    return { size: after.size, sha256, cached: false };
  }

  /** Writes the cache (atomically) when something was hashed. */
  async save(): Promise<void> {
    if (!this.cacheFile || !this.dirty) return;
    // The data folder's, private like everything in it (the paths name the site's model packs).
    await makePrivateDir(dirname(this.cacheFile));
    const temporary = `${this.cacheFile}.${process.pid}.tmp`;
    await writePrivateFile(temporary, JSON.stringify({ version: 1, files: this.files }));
    await rename(temporary, this.cacheFile);
    this.dirty = false;
  }
}
