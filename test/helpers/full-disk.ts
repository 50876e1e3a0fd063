// A real full disk: a small tmpfs mounted for the test (mount(8) needs root, which this machine and CI
// have), filled to its last page, then freed. Without mount the test fails and says why: a full disk
// is not something to pretend.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type SmallDisk = {
  dir: string;
  /** Writes a file until the disk has no page left. */
  fill(): void;
  /** Removes what fill() wrote. */
  free(): void;
  unmount(): void;
};

export function mountSmallDisk(dir: string, size = '16m'): SmallDisk {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(
      `This test needs a real full disk: mounting a tmpfs at ${dir} failed (run it as root, as CI does): ${
        (err as { stderr?: Buffer }).stderr?.toString().trim() || String(err)
      }`,
      { cause: err },
    );
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill: () => {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024);
      try {
        for (let size = chunk.length; size >= 1;) {
          try {
            writeSync(fd, chunk, 0, size);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
            size = Math.floor(size / 2);
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free: () => rmSync(filler, { force: true }),
    unmount: () => execFileSync('umount', ['-l', dir]),
  };
}
