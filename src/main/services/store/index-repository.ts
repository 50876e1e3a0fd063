// Patients / studies / series / instances in SQLite. Writes for one file happen in one
// transaction, so an import interrupted at any point leaves a consistent index.
import type { Instance, Series, Study, StudySummary, View } from '../../../shared/domain';
import type { IndexedHeader } from '../dicom/read-header';
import type { Db } from './open-database';
import { stableId } from './stable-id';

export type IndexedFile = {
  path: string;
  sha256: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  transferSyntaxUid: string;
  hasPart10Header: boolean;
  header: IndexedHeader;
};

/** What intake compares to decide, without reading a file, that it is unchanged. */
export type FileStat = Pick<IndexedFile, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>;

export type InstanceLocation = {
  id: string;
  path: string;
  sha256: string;
  transferSyntaxUid: string;
  hasPart10Header: boolean;
  sopUid: string;
  sopClassUid: string;
  size: number;
  mtimeMs: number;
  /** null for files indexed before ctime and inode were kept. */
  ctimeMs: number | null;
  ino: number | null;
};

const LOCATION_SELECT = `SELECT id, path, sha256, transfer_syntax AS transferSyntaxUid,
  has_part10_header AS hasPart10Header, sop_uid AS sopUid, sop_class_uid AS sopClassUid, size, mtime_ms AS mtimeMs,
  ctime_ms AS ctimeMs, ino
  FROM instances`;

export type StudySort = {
  key: 'patientName' | 'studyDate' | 'modalities' | 'status' | 'importedAt';
  dir: 'asc' | 'desc';
};

const SORT_COLUMNS: Record<StudySort['key'], string> = {
  patientName: 'p.name COLLATE NOCASE',
  studyDate: 's.study_date',
  modalities: 'modalities',
  status: 's.status',
  importedAt: 's.imported_at',
};

type StudyRow = {
  id: string;
  study_uid: string;
  name: string;
  patient_id: string;
  birth_date: string;
  sex: string;
  study_date: string;
  description: string;
  accession: string;
  status: StudySummary['status'];
  imported_at: string;
  modalities: string | null;
  views: string | null;
  image_count: number;
};

const VIEW_ORDER: Record<View, number> = { PA: 0, AP: 1, LATERAL: 2, OTHER: 3 };

export class IndexRepository {
  /** db: the library's one connection, which every repository shares, so one transaction spans them. */
  constructor(readonly db: Db) {}

  findByPath(path: string): InstanceLocation | undefined {
    return this.locations(`${LOCATION_SELECT} WHERE path = ?`, path)[0];
  }

  instance(id: string): InstanceLocation | undefined {
    return this.locations(`${LOCATION_SELECT} WHERE id = ?`, id)[0];
  }

  studyOfInstance(instanceId: string): string | undefined {
    const row = this.db
      .prepare(
        'SELECT se.study_ref AS id FROM instances i JOIN series se ON i.series_ref = se.id WHERE i.id = ?',
      )
      .get(instanceId) as { id: string } | undefined;
    return row?.id;
  }

  /** Other indexed files with the same SOPInstanceUID. */
  sameSop(sopUid: string, exceptId: string): InstanceLocation[] {
    return this.locations(`${LOCATION_SELECT} WHERE sop_uid = ? AND id <> ? ORDER BY path`, sopUid, exceptId);
  }

  private locations(sql: string, ...params: string[]): InstanceLocation[] {
    const rows = this.db.prepare(sql).all(...params) as (Omit<InstanceLocation, 'hasPart10Header'> & {
      hasPart10Header: number;
    })[];
    return rows.map((r) => ({ ...r, hasPart10Header: r.hasPart10Header === 1 }));
  }

  /** Inserts or replaces the file's rows; returns the study id. */
  upsert(file: IndexedFile, now: string): { studyId: string; instanceId: string } {
    const h = file.header;
    const patientKey = `${h.patientId}\u0000${h.patientName}`;
    const patientRef = stableId('patient', patientKey);
    const studyId = stableId('study', h.studyUid);
    const seriesId = stableId('series', h.studyUid, h.seriesUid);
    const instanceId = stableId('instance', file.path);
    const replacing = this.instance(instanceId) !== undefined;
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO patients (id, patient_key, patient_id, name, birth_date, sex) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO NOTHING`,
        )
        .run(patientRef, patientKey, h.patientId, h.patientName, h.patientBirthDate, h.patientSex);
      this.db
        .prepare(
          `INSERT INTO studies (id, study_uid, patient_ref, study_date, description, accession, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
        )
        .run(studyId, h.studyUid, patientRef, h.studyDate, h.studyDescription, h.accession, now);
      this.db
        .prepare(
          `INSERT INTO series (id, series_uid, study_ref, series_number, modality, description, body_part)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
        )
        .run(seriesId, h.seriesUid, studyId, h.seriesNumber, h.modality, h.seriesDescription, h.bodyPart);
      this.db
        .prepare(
          `INSERT OR REPLACE INTO instances (id, series_ref, path, sha256, size, mtime_ms, ctime_ms, ino, sop_uid,
             sop_class_uid, instance_number, transfer_syntax, has_part10_header, rows, columns, frames, photometric,
             view, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          instanceId,
          seriesId,
          file.path,
          file.sha256,
          file.size,
          file.mtimeMs,
          file.ctimeMs,
          file.ino,
          h.sopUid,
          h.sopClassUid,
          h.instanceNumber,
          file.transferSyntaxUid,
          file.hasPart10Header ? 1 : 0,
          h.rows,
          h.columns,
          h.frames,
          h.photometric,
          h.view,
          now,
        );
      if (replacing) this.pruneEmpty();
    })();
    return { studyId, instanceId };
  }

  /** The file was read and its content is the one pinned: its stat is taken as the new "unchanged". */
  restat(instanceId: string, stat: FileStat): void {
    this.db
      .prepare('UPDATE instances SET size = ?, mtime_ms = ?, ctime_ms = ?, ino = ? WHERE id = ?')
      .run(stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, instanceId);
  }

  /** A file re-indexed into another study leaves empty parents behind; they go. */
  private pruneEmpty(): void {
    this.db.exec(`
      DELETE FROM series WHERE id NOT IN (SELECT series_ref FROM instances);
      DELETE FROM studies WHERE id NOT IN (SELECT study_ref FROM series);
      DELETE FROM patients WHERE id NOT IN (SELECT patient_ref FROM studies);
    `);
  }

  listStudies(search = '', sort: StudySort = { key: 'studyDate', dir: 'desc' }): StudySummary[] {
    const like = `%${search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const order = `${SORT_COLUMNS[sort.key]} ${sort.dir === 'asc' ? 'ASC' : 'DESC'}, s.id`;
    const rows = this.db
      .prepare(
        `SELECT s.id, s.study_uid, p.name, p.patient_id, p.birth_date, p.sex, s.study_date, s.description,
                s.accession, s.status, s.imported_at,
                (SELECT group_concat(DISTINCT se.modality) FROM series se WHERE se.study_ref = s.id) AS modalities,
                (SELECT group_concat(DISTINCT i.view) FROM instances i JOIN series se ON i.series_ref = se.id
                  WHERE se.study_ref = s.id) AS views,
                (SELECT count(*) FROM instances i JOIN series se ON i.series_ref = se.id
                  WHERE se.study_ref = s.id) AS image_count
         FROM studies s JOIN patients p ON s.patient_ref = p.id
         WHERE ? = '%%' OR p.name LIKE ? ESCAPE '\\' OR p.patient_id LIKE ? ESCAPE '\\'
            OR s.description LIKE ? ESCAPE '\\' OR s.accession LIKE ? ESCAPE '\\' OR s.study_date LIKE ? ESCAPE '\\'
         ORDER BY ${order}`,
      )
      .all(like, like, like, like, like, like) as StudyRow[];
    return rows.map(toSummary);
  }

  getStudy(studyId: string): Study | undefined {
    const row = this.db
      .prepare(
        `SELECT s.id, s.study_uid, p.name, p.patient_id, p.birth_date, p.sex, s.study_date, s.description,
                s.accession, s.status, s.imported_at,
                (SELECT group_concat(DISTINCT se.modality) FROM series se WHERE se.study_ref = s.id) AS modalities,
                (SELECT group_concat(DISTINCT i.view) FROM instances i JOIN series se ON i.series_ref = se.id
                  WHERE se.study_ref = s.id) AS views,
                (SELECT count(*) FROM instances i JOIN series se ON i.series_ref = se.id
                  WHERE se.study_ref = s.id) AS image_count
         FROM studies s JOIN patients p ON s.patient_ref = p.id WHERE s.id = ?`,
      )
      .get(studyId) as StudyRow | undefined;
    if (!row) return undefined;
    const seriesRows = this.db
      .prepare(
        `SELECT id, series_uid, series_number, modality, description, body_part FROM series WHERE study_ref = ?`,
      )
      .all(studyId) as {
      id: string;
      series_uid: string;
      series_number: number | null;
      modality: string;
      description: string;
      body_part: string;
    }[];
    const instanceStmt = this.db.prepare(
      `SELECT i.id, i.sop_uid, i.instance_number, i.view, i.rows, i.columns, i.frames, i.photometric,
              i.transfer_syntax, i.path,
              (SELECT group_concat(o.id) FROM instances o WHERE o.sop_uid = i.sop_uid AND o.id <> i.id) AS dups
       FROM instances i WHERE i.series_ref = ? ORDER BY i.instance_number IS NULL, i.instance_number, i.path`,
    );
    const series: Series[] = seriesRows.map((s) => ({
      id: s.id,
      seriesInstanceUid: s.series_uid,
      seriesNumber: s.series_number,
      modality: s.modality,
      description: s.description,
      bodyPart: s.body_part,
      instances: (
        instanceStmt.all(s.id) as {
          id: string;
          sop_uid: string;
          instance_number: number | null;
          view: View;
          rows: number;
          columns: number;
          frames: number;
          photometric: string;
          transfer_syntax: string;
          dups: string | null;
        }[]
      ).map((i): Instance => ({
        id: i.id,
        sopInstanceUid: i.sop_uid,
        instanceNumber: i.instance_number,
        view: i.view,
        rows: i.rows,
        columns: i.columns,
        frames: i.frames,
        photometric: i.photometric,
        transferSyntaxUid: i.transfer_syntax,
        duplicateOf: i.dups ? i.dups.split(',') : [],
      })),
    }));
    series.sort((a, b) => seriesRank(a) - seriesRank(b) || (a.seriesNumber ?? 1e9) - (b.seriesNumber ?? 1e9));
    return { ...toSummary(row), patientBirthDate: row.birth_date, patientSex: row.sex, series };
  }

  /** The key the study's patient row was made from (patient ID and name); it stays in this database. */
  patientKey(studyId: string): string | undefined {
    const row = this.db
      .prepare(
        'SELECT p.patient_key AS key FROM studies s JOIN patients p ON s.patient_ref = p.id WHERE s.id = ?',
      )
      .get(studyId) as { key: string } | undefined;
    return row?.key;
  }

  setStatus(studyId: string, status: StudySummary['status']): void {
    this.db.prepare('UPDATE studies SET status = ? WHERE id = ?').run(status, studyId);
  }
}

/** Frontal before lateral before the rest: the order a chest reader hangs films. */
const seriesRank = (series: Series): number =>
  Math.min(VIEW_ORDER.OTHER, ...series.instances.map((i) => VIEW_ORDER[i.view]));

function toSummary(row: StudyRow): StudySummary {
  const views = (row.views ? (row.views.split(',') as View[]) : []).sort(
    (a, b) => VIEW_ORDER[a] - VIEW_ORDER[b],
  );
  return {
    id: row.id,
    studyInstanceUid: row.study_uid,
    patientName: row.name,
    patientId: row.patient_id,
    studyDate: row.study_date,
    description: row.description,
    accession: row.accession,
    modalities: row.modalities ? row.modalities.split(',').sort() : [],
    views,
    imageCount: row.image_count,
    status: row.status,
    importedAt: row.imported_at,
  };
}
