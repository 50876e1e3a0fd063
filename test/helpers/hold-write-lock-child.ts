// Child process: another program holding the library's write lock. It opens the same file, begins an
// exclusive transaction (in WAL mode: the write lock; readers go on), says "locked", and commits and
// exits when a line arrives on stdin.
import Database from 'better-sqlite3';

const db = new Database(process.argv[2]!);
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\n');
process.stdin.once('data', () => {
  db.exec('COMMIT');
  db.close();
  process.exit(0);
});
