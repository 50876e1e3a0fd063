// What the reader is told when the library cannot take a change: the disk is full, another program
// holds the library, the disk fails or is read-only. Nothing was saved, and trying again later can work,
// so the renderer keeps what was typed and offers a retry for exactly these messages.

export const STORAGE_REFUSALS = {
  busy: 'The library is busy: another program is writing to it. Nothing was saved; try again in a moment.',
  full: 'The disk is full: nothing was saved. Free some space, then try again.',
  io: 'The library could not be written to disk (is the disk full, failing or removed?). Nothing was saved; try again.',
  readonly:
    'The library cannot be written (no permission, or a read-only disk). Nothing was saved; fix that, then try again.',
} as const;

export type StorageRefusal = keyof typeof STORAGE_REFUSALS;

const messages: ReadonlySet<string> = new Set(Object.values(STORAGE_REFUSALS));

/** Whether main refused a change only because it could not write it (worth a retry). */
export const isStorageRefusal = (message: string): boolean => messages.has(message);
