// A library written before confirmations followed the pixels, opened by this version: a confirmation
// keyed by path is kept only where it provably concerns the bytes pinned now and came from a reader who
// signed as a radiologist; a record keeps the image hash only where its file was not indexed again since.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../../src/main/services/store/migrations';
import { openDatabase } from '../../../../src/main/services/store/open-database';
import { useTempDirs } from '../../../helpers/temp-dir';

const tempDir = useTempDirs();
/** The last schema whose confirmations were keyed by the instance (that is, by the file's path). */
const PATH_KEYED = 5;

const RADIOLOGIST = 'r-00000000000000a1';
const ANNOTATOR = 'r-00000000000000b2';
const IMPORTED = '2025-03-01T00:00:00.000Z';

function pathKeyedLibrary(file: string): void {
  const db = new Database(file);
  for (const sql of migrations.slice(0, PATH_KEYED)) db.exec(sql);
  db.pragma(`user_version = ${PATH_KEYED}`);
  db.exec(`
    INSERT INTO patients VALUES ('p1', 'k', 'PAT1', 'Doe John', '', '');
    INSERT INTO studies (id, study_uid, patient_ref, study_date, description, accession, imported_at)
      VALUES ('s1', '1.2.3', 'p1', '', '', '', '${IMPORTED}');
    INSERT INTO series (id, series_uid, study_ref, modality, description, body_part)
      VALUES ('se1', '1.2.3.1', 's1', 'CR', '', '');
  `);
  const instance = db.prepare(
    `INSERT INTO instances (id, series_ref, path, sha256, size, mtime_ms, sop_uid, sop_class_uid, transfer_syntax,
       has_part10_header, rows, columns, frames, photometric, view, imported_at)
     VALUES (?, 'se1', ?, ?, 10, 0, ?, '1.2.840.10008.5.1.4.1.1.1', '1.2.840.10008.1.2.1', 1, 8, 8, 1, 'MONOCHROME2',
       'PA', ?)`,
  );
  for (const n of [1, 2, 3, 4])
    instance.run(`i${n}`, `/images/${n}.dcm`, `sha-${n}`, `1.2.3.1.${n}`, IMPORTED);
  const confirmation = db.prepare('INSERT INTO image_clean_confirmations VALUES (?, 1, ?, ?)');
  confirmation.run('i1', RADIOLOGIST, '2025-03-02T00:00:00.000Z');
  // Given before the file's last intake: for bytes that may not be the ones pinned now.
  confirmation.run('i2', RADIOLOGIST, '2025-02-01T00:00:00.000Z');
  // From a reader who only ever submitted box corrections.
  confirmation.run('i3', ANNOTATOR, '2025-03-02T00:00:00.000Z');
  const record = db.prepare(
    `INSERT INTO feedback_records (id, study_ref, version, instance_ref, kind, created_at, json)
     VALUES (?, 's1', 1, ?, ?, ?, ?)`,
  );
  const json = (role: string, readerId: string) => JSON.stringify({ reading: { role, readerId } });
  record.run('f1', 'i1', 'signed-report', '2025-03-03T00:00:00.000Z', json('radiologist', RADIOLOGIST));
  record.run('f2', 'i3', 'annotator-correction', '2025-03-03T00:00:00.000Z', json('annotator', ANNOTATOR));
  // Written before its file was indexed again with other content.
  record.run('f3', 'i4', 'signed-report', '2025-02-01T00:00:00.000Z', json('radiologist', RADIOLOGIST));
  db.close();
}

describe('confirmations and records follow the pixels', () => {
  it('keeps what provably concerns the pinned bytes and a radiologist gave, and drops the rest', () => {
    const file = join(tempDir(), 'lightbox.sqlite');
    pathKeyedLibrary(file);
    const db = openDatabase(file);
    expect(db.prepare('SELECT sha256, clean, reader_id AS readerId FROM clean_confirmations').all()).toEqual([
      { sha256: 'sha-1', clean: 1, readerId: RADIOLOGIST },
    ]);
    expect(db.prepare('SELECT id, image_sha256 AS sha FROM feedback_records ORDER BY id').all()).toEqual([
      { id: 'f1', sha: 'sha-1' },
      { id: 'f2', sha: 'sha-3' },
      { id: 'f3', sha: null },
    ]);
    expect(
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'image_clean_confirmations'").get(),
    ).toEqual({ n: 0 });
    // Files indexed before ctime and inode were kept are read once at their next import.
    expect(db.prepare('SELECT DISTINCT ctime_ms, ino FROM instances').all()).toEqual([
      { ctime_ms: null, ino: null },
    ]);
    db.close();
  });
});
