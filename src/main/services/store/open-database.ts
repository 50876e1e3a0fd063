// One SQLite file in the user data folder. WAL keeps readers unblocked during imports and
// survives a killed process; migrations run in order inside one transaction each.
import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { makePrivateDirSync, makePrivateFileSync, tightenFileSync } from '../../private-files';
import { BUSY_WAIT_MS } from './busy-retry';
import { migrations } from './migrations';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** The better-sqlite3 addon to load instead of node_modules' build: Electron's own (src/main/electron/native-build.ts). */
  nativeBinding?: string;
}

/** Opening (and migrating) may wait this long for another program's lock: no window exists yet. */
const OPEN_BUSY_TIMEOUT_MS = 5000;

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  if (file !== ':memory:') privateDatabaseFiles(file);
  const db = new Database(file, { timeout: OPEN_BUSY_TIMEOUT_MS, nativeBinding: options.nativeBinding });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  // From here on SQLite blocks the thread only briefly; writes retry asynchronously (busy-retry.ts).
  db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
  return db;
}

/**
 * The library holds patient data and the pseudonym secret: its folder is 0700 and the file 0600 before
 * SQLite opens it, so the -wal, -shm and -journal files SQLite creates get 0600 too (it gives them the
 * database file's mode). Those an older Lightbox left wider are tightened.
 */
function privateDatabaseFiles(file: string): void {
  makePrivateDirSync(dirname(file));
  makePrivateFileSync(file);
  for (const suffix of ['-wal', '-shm', '-journal']) tightenFileSync(`${file}${suffix}`);
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`database was written by a newer Lightbox (schema ${current}); update the app`);
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
