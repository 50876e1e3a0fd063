// Which failures tell the reader "the disk is full" or "the library is busy": SQLite's primary and
// extended result codes and the file system's errno, and nothing else (a constraint violation is a bug,
// not something to retry).
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { storageMessage, storageRefusal } from '../../../../src/main/services/store/storage-errors';
import { STORAGE_REFUSALS, isStorageRefusal } from '../../../../src/shared/storage-refusals';

const sqlite = (code: string): Error => new Database.SqliteError('message', code);
const errno = (code: string): Error => Object.assign(new Error(code), { code });

describe('storageRefusal', () => {
  it.each([
    [sqlite('SQLITE_BUSY'), 'busy'],
    [sqlite('SQLITE_BUSY_SNAPSHOT'), 'busy'],
    [sqlite('SQLITE_LOCKED_SHAREDCACHE'), 'busy'],
    [sqlite('SQLITE_FULL'), 'full'],
    [errno('ENOSPC'), 'full'],
    [errno('EDQUOT'), 'full'],
    [sqlite('SQLITE_IOERR_WRITE'), 'io'],
    [sqlite('SQLITE_IOERR_SHMSIZE'), 'io'],
    [sqlite('SQLITE_READONLY_DBMOVED'), 'readonly'],
    [errno('EROFS'), 'readonly'],
  ])('%s is %s', (err, kind) => {
    expect(storageRefusal(err)).toBe(kind);
    expect(isStorageRefusal(storageMessage(err)!)).toBe(true);
  });

  it('leaves every other error to the generic message', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    db.exec('INSERT INTO t VALUES (1)');
    let constraint: unknown;
    try {
      db.exec('INSERT INTO t VALUES (1)');
    } catch (err) {
      constraint = err;
    }
    db.close();
    for (const err of [constraint, errno('ENOENT'), errno('constructor'), new Error('x'), 'text', null]) {
      expect(storageRefusal(err)).toBeNull();
    }
    expect(isStorageRefusal('Something went wrong; the details are in the log.')).toBe(false);
    expect(Object.values(STORAGE_REFUSALS).every(isStorageRefusal)).toBe(true);
  });
});
