// Dropped files to paths, on the preload's side of the bridge: the page hands over the File objects of
// its drop event and never names a path (see PRELOAD_CHANNELS for the threat model).
import type { ImportReport } from '../shared/domain';
import { MAX_DROPPED } from '../shared/ipc-contract';

export const NOTHING_DROPPED = 'Nothing to import: the dropped items have no location on disk.';
export const TOO_MANY_DROPPED = `Drop at most ${MAX_DROPPED} files or folders at a time, or drop the folder that holds them.`;

/**
 * Imports the dropped files by their paths. pathOf: the host's path of a File (Electron's
 * webUtils.getPathForFile), null for anything without one, such as a File the page made itself.
 */
export async function importDropped(
  files: readonly unknown[],
  pathOf: (file: unknown) => string | null,
  send: (paths: string[]) => Promise<ImportReport>,
): Promise<ImportReport> {
  // The page passes what it likes: an array is checked by its length before any element is read.
  if (!Array.isArray(files)) throw new Error(NOTHING_DROPPED);
  if (files.length > MAX_DROPPED) throw new Error(TOO_MANY_DROPPED);
  const paths = files.map(pathOf).filter((p): p is string => p !== null && p !== '');
  if (paths.length === 0) throw new Error(NOTHING_DROPPED);
  return send(paths);
}
