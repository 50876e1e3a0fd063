// The one mapping from the errors of a write that could not be stored (SQLite's result codes, the file
// system's errno) to what the reader is told. better-sqlite3 reports extended codes
// (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT ...), so codes are matched by their primary part.
import { STORAGE_REFUSALS, type StorageRefusal } from '../../../shared/storage-refusals';

const errorCode = (err: unknown): string | undefined =>
  err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : undefined;

const primary = (code: string): string => code.replace(/^(SQLITE_[A-Z]+?)_[A-Z_]+$/, '$1');

const KINDS: ReadonlyMap<string, StorageRefusal> = new Map([
  ['SQLITE_BUSY', 'busy'],
  ['SQLITE_LOCKED', 'busy'],
  ['SQLITE_FULL', 'full'],
  ['ENOSPC', 'full'],
  ['EDQUOT', 'full'],
  ['SQLITE_IOERR', 'io'],
  ['EIO', 'io'],
  ['SQLITE_READONLY', 'readonly'],
  ['EROFS', 'readonly'],
]);

/** Why a write could not be stored, or null when the error is something else. */
export function storageRefusal(err: unknown): StorageRefusal | null {
  const code = errorCode(err);
  return (code && KINDS.get(primary(code))) || null;
}

/** The reader's message for a write that could not be stored, or null. */
export function storageMessage(err: unknown): string | null {
  const kind = storageRefusal(err);
  return kind ? STORAGE_REFUSALS[kind] : null;
}

/** Another connection holds the write lock: the same write can go through once it lets go. */
export const isBusy = (err: unknown): boolean => storageRefusal(err) === 'busy';
