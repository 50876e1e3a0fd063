// Readings in SQLite: one row per study and version with the current state, every edit with the full
// state after it (undo/redo move a cursor over them, so they survive a restart), and the activity log
// time on task is measured from. Callers run these inside their own transactions.
import type { ReadingOp } from '../../../shared/reading';
import type { Db } from '../store/open-database';
import { readingStateSchema, type ReadingState } from './reading-state';

export type ReadingStatus = 'in-progress' | 'signed' | 'submitted';

export type ReadingRow = {
  studyId: string;
  version: number;
  parentVersion: number | null;
  status: ReadingStatus;
  revision: number;
  draftId: string | null;
  instanceId: string | null;
  /** The state this version started from: what undo returns to with no edit left. */
  base: ReadingState;
  state: ReadingState;
  /** seq of the last applied edit; 0 = none. */
  cursor: number;
  signedBy: string | null;
  signedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

type Stored = {
  study_ref: string;
  version: number;
  parent_version: number | null;
  status: ReadingStatus;
  revision: number;
  draft_ref: string | null;
  instance_ref: string | null;
  base_json: string;
  state_json: string;
  cursor: number;
  signed_by: string | null;
  signed_at: string | null;
  created_at: string;
  updated_at: string;
};

const parseState = (json: string): ReadingState => readingStateSchema.parse(JSON.parse(json));

const fromStored = (r: Stored): ReadingRow => ({
  studyId: r.study_ref,
  version: r.version,
  parentVersion: r.parent_version,
  status: r.status,
  revision: r.revision,
  draftId: r.draft_ref,
  instanceId: r.instance_ref,
  base: parseState(r.base_json),
  state: parseState(r.state_json),
  cursor: r.cursor,
  signedBy: r.signed_by,
  signedAt: r.signed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A row's named statement parameters: its fields, with the JSON columns serialised. */
const toStored = (r: ReadingRow) => ({ ...r, base: JSON.stringify(r.base), state: JSON.stringify(r.state) });

export class ReadingRepository {
  constructor(private readonly db: Db) {}

  /** The study's highest version. */
  latest(studyId: string): ReadingRow | undefined {
    const row = this.db
      .prepare('SELECT * FROM readings WHERE study_ref = ? ORDER BY version DESC LIMIT 1')
      .get(studyId) as Stored | undefined;
    return row && fromStored(row);
  }

  insert(r: ReadingRow): void {
    this.db
      .prepare(
        `INSERT INTO readings (study_ref, version, parent_version, status, revision, draft_ref, instance_ref,
           base_json, state_json, cursor, signed_by, signed_at, created_at, updated_at)
         VALUES (@studyId, @version, @parentVersion, @status, @revision, @draftId, @instanceId,
           @base, @state, @cursor, @signedBy, @signedAt, @createdAt, @updatedAt)`,
      )
      .run(toStored(r));
  }

  /** Everything but the key and creation time. */
  update(r: ReadingRow): void {
    this.db
      .prepare(
        `UPDATE readings SET parent_version = @parentVersion, status = @status, revision = @revision,
           draft_ref = @draftId, instance_ref = @instanceId, base_json = @base, state_json = @state,
           cursor = @cursor, signed_by = @signedBy, signed_at = @signedAt, updated_at = @updatedAt
         WHERE study_ref = @studyId AND version = @version`,
      )
      .run(toStored(r));
  }

  insertEdit(
    r: ReadingRow,
    seq: number,
    op: ReadingOp,
    state: ReadingState,
    readerId: string,
    at: string,
  ): void {
    this.db
      .prepare(
        `INSERT INTO reading_edits (study_ref, version, seq, op_json, state_json, reader_id, at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.studyId, r.version, seq, JSON.stringify(op), JSON.stringify(state), readerId, at);
  }

  /** The redo tail a new edit replaces. */
  deleteEditsAfter(r: ReadingRow, seq: number): void {
    this.db
      .prepare('DELETE FROM reading_edits WHERE study_ref = ? AND version = ? AND seq > ?')
      .run(r.studyId, r.version, seq);
  }

  edit(r: ReadingRow, seq: number): { op: ReadingOp; state: ReadingState } | undefined {
    const row = this.db
      .prepare(
        'SELECT op_json, state_json FROM reading_edits WHERE study_ref = ? AND version = ? AND seq = ?',
      )
      .get(r.studyId, r.version, seq) as { op_json: string; state_json: string } | undefined;
    return row && { op: JSON.parse(row.op_json) as ReadingOp, state: parseState(row.state_json) };
  }

  countEdits(r: ReadingRow): number {
    const row = this.db
      .prepare('SELECT count(*) AS n FROM reading_edits WHERE study_ref = ? AND version = ?')
      .get(r.studyId, r.version) as { n: number };
    return row.n;
  }

  hasEditAfter(r: ReadingRow, seq: number): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM reading_edits WHERE study_ref = ? AND version = ? AND seq > ? LIMIT 1')
        .get(r.studyId, r.version, seq) !== undefined
    );
  }

  addActivity(r: ReadingRow, kind: string, atMs: number): void {
    this.db
      .prepare('INSERT INTO reading_activity (study_ref, version, kind, at_ms) VALUES (?, ?, ?, ?)')
      .run(r.studyId, r.version, kind, atMs);
  }

  activityTimes(r: ReadingRow): number[] {
    return (
      this.db
        .prepare('SELECT at_ms FROM reading_activity WHERE study_ref = ? AND version = ? ORDER BY at_ms')
        .all(r.studyId, r.version) as { at_ms: number }[]
    ).map((a) => a.at_ms);
  }
}
