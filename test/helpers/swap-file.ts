// A file rewritten in place with other bytes of the same length, its modification time set back: what
// a swap on disk looks like to a check of size and mtime alone.
import { statSync, utimesSync, writeFileSync } from 'node:fs';

/** A whole second, so that setting it back is exact on every file system. */
export const PINNED_MTIME_S = 1_700_000_000;

/** Gives the file a whole-second mtime; call before importing it, so a swap can restore that exactly. */
export function pinMtime(path: string): void {
  utimesSync(path, PINNED_MTIME_S, PINNED_MTIME_S);
}

/** Replaces the content, keeping size and mtime; throws unless both are as before. */
export function swapKeepingStat(path: string, bytes: Uint8Array): void {
  const before = statSync(path);
  if (bytes.byteLength !== before.size)
    throw new Error(`the swap must keep the size: ${bytes.byteLength} bytes for ${before.size}`);
  writeFileSync(path, bytes);
  utimesSync(path, PINNED_MTIME_S, PINNED_MTIME_S);
  const after = statSync(path);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs)
    throw new Error('the swap did not keep size and mtime');
}
