// Files holding patient data or the site's pseudonym secret are the user's alone: folders 0700, files
// 0600. The mode is set with chmod after creating, never left to the process umask, and that also
// tightens what an older Lightbox made 0755/0644. Windows has no POSIX modes: there the folder's
// protection is the per-user ACL of %APPDATA% (README, "Who can read the library").
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { chmod, mkdir, open, type FileHandle } from 'node:fs/promises';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const hasModes = process.platform !== 'win32';

/** Creates the folder (and, with `parents`, missing parents; else it must be new) and makes it the user's alone. */
export async function makePrivateDir(dir: string, parents = true): Promise<void> {
  await mkdir(dir, { recursive: parents, mode: PRIVATE_DIR_MODE });
  if (hasModes) await chmod(dir, PRIVATE_DIR_MODE);
}

/** Opens a file with `flags` ('wx', 'w', ...) and makes it the user's alone before anything is written. */
export async function openPrivateFile(path: string, flags: string): Promise<FileHandle> {
  const handle = await open(path, flags, PRIVATE_FILE_MODE);
  try {
    if (hasModes) await handle.chmod(PRIVATE_FILE_MODE);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

/** The whole file written at once, private from its first byte. */
export async function writePrivateFile(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await openPrivateFile(path, 'w');
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

// Synchronous forms, for opening the library (better-sqlite3 opens synchronously, once, before any
// window exists) and for the profile file, whose store is synchronous.

export function makePrivateDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (hasModes) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates the file empty when missing; either way only the user can read it. */
export function makePrivateFileSync(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  if (hasModes) chmodSync(path, PRIVATE_FILE_MODE);
}

/** Tightens a file that may exist (a -wal left by an older Lightbox). */
export function tightenFileSync(path: string): void {
  if (!hasModes) return;
  try {
    chmodSync(path, PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
