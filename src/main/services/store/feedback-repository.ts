// Feedback records in SQLite: the pseudonymised JSON, with the local keys an export needs to find the
// image again (study, instance) kept in columns that never leave this machine.
import { feedbackRecordSchema, type FeedbackRecord } from '../../../shared/feedback';
import type { Db } from './open-database';

export type StoredRecord = {
  record: FeedbackRecord;
  studyId: string;
  instanceId: string;
  excluded: boolean;
  excludeReason: string | null;
};

export type RecordFilter = {
  /** YYYY-MM-DD: records created on or after that day (UTC). */
  since?: string;
  modelId?: string;
};

type Row = {
  json: string;
  study_ref: string;
  instance_ref: string;
  excluded: number;
  exclude_reason: string | null;
};

export class FeedbackRepository {
  constructor(private readonly db: Db) {}

  insert(studyId: string, version: number, instanceId: string, record: FeedbackRecord): void {
    const parsed = feedbackRecordSchema.parse(record);
    this.db
      .prepare(
        `INSERT INTO feedback_records
           (id, study_ref, version, instance_ref, kind, model_id, model_version, created_at, excluded, exclude_reason, json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        parsed.recordId,
        studyId,
        version,
        instanceId,
        parsed.kind,
        parsed.model?.id ?? null,
        parsed.model?.version ?? null,
        parsed.createdAt,
        parsed.exclude.excluded ? 1 : 0,
        parsed.exclude.reason,
        JSON.stringify(parsed),
      );
  }

  /** Sets or clears the exclude-from-training flag on every record of the study. */
  setExcluded(studyId: string, excluded: boolean, reason: string | null): number {
    return this.db
      .prepare('UPDATE feedback_records SET excluded = ?, exclude_reason = ? WHERE study_ref = ?')
      .run(excluded ? 1 : 0, excluded ? reason : null, studyId).changes;
  }

  /**
   * The study's exclude-from-training flag: its newest record's (setExcluded sets them all, and a new
   * version's record takes the flag over); null while the study has no record.
   */
  exclusion(studyId: string): { excluded: boolean; reason: string | null } | null {
    const row = this.db
      .prepare(
        `SELECT excluded, exclude_reason FROM feedback_records WHERE study_ref = ?
         ORDER BY created_at DESC, rowid DESC LIMIT 1`,
      )
      .get(studyId) as Pick<Row, 'excluded' | 'exclude_reason'> | undefined;
    if (!row) return null;
    const excluded = row.excluded === 1;
    return { excluded, reason: excluded ? row.exclude_reason : null };
  }

  /** Oldest first; the stored exclude columns win over the JSON's copy (they change after signing). */
  list(filter: RecordFilter = {}): StoredRecord[] {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.since) {
      where.push('created_at >= ?');
      params.push(filter.since);
    }
    if (filter.modelId) {
      where.push('model_id = ?');
      params.push(filter.modelId);
    }
    const sql = `SELECT json, study_ref, instance_ref, excluded, exclude_reason FROM feedback_records
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, rowid`;
    return (this.db.prepare(sql).all(...params) as Row[]).map((r) => {
      const record = feedbackRecordSchema.parse(JSON.parse(r.json));
      const excluded = r.excluded === 1;
      return {
        record: { ...record, exclude: { excluded, reason: excluded ? r.exclude_reason : null } },
        studyId: r.study_ref,
        instanceId: r.instance_ref,
        excluded,
        excludeReason: r.exclude_reason,
      };
    });
  }

  /** A reader's statement that the image carries no burned-in identifiers (or withdrawal of it). */
  confirmClean(instanceId: string, clean: boolean, readerId: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO image_clean_confirmations (instance_ref, clean, reader_id, at) VALUES (?, ?, ?, ?)
         ON CONFLICT(instance_ref) DO UPDATE SET clean = excluded.clean, reader_id = excluded.reader_id, at = excluded.at`,
      )
      .run(instanceId, clean ? 1 : 0, readerId, at);
  }

  isConfirmedClean(instanceId: string): boolean {
    const row = this.db
      .prepare('SELECT clean FROM image_clean_confirmations WHERE instance_ref = ?')
      .get(instanceId) as { clean: number } | undefined;
    return row?.clean === 1;
  }
}
