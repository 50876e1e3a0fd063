// Feedback records in SQLite: the pseudonymised JSON, with the local keys an export needs to find the
// image again (study, instance, and the sha256 of the content it was read on) kept in columns that never
// leave this machine; and the readers' clean confirmations, by content.
import { feedbackRecordSchema, type FeedbackRecord } from '../../../shared/feedback';
import type { Db } from './open-database';

export type StoredRecord = {
  record: FeedbackRecord;
  studyId: string;
  instanceId: string;
  /** The image's pinned sha256 when the record was written; null when that cannot be known (see migrations). */
  imageSha256: string | null;
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
  image_sha256: string | null;
  excluded: number;
  exclude_reason: string | null;
};

export class FeedbackRepository {
  constructor(private readonly db: Db) {}

  /**
   * The record is of the content its draft was made from (`draftSha256`), else of the image's content as
   * pinned now (the bytes the reader was shown); an export leaves it out once the pin is other content.
   */
  insert(
    studyId: string,
    version: number,
    instanceId: string,
    record: FeedbackRecord,
    draftSha256: string | null = null,
  ): void {
    const parsed = feedbackRecordSchema.parse(record);
    this.db
      .prepare(
        `INSERT INTO feedback_records
           (id, study_ref, version, instance_ref, image_sha256, kind, model_id, model_version, created_at, excluded,
            exclude_reason, json)
         VALUES (?, ?, ?, ?, COALESCE(?, (SELECT sha256 FROM instances WHERE id = ?)), ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        parsed.recordId,
        studyId,
        version,
        instanceId,
        draftSha256,
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
    const sql = `SELECT json, study_ref, instance_ref, image_sha256, excluded, exclude_reason FROM feedback_records
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, rowid`;
    return (this.db.prepare(sql).all(...params) as Row[]).map((r) => {
      const record = feedbackRecordSchema.parse(JSON.parse(r.json));
      const excluded = r.excluded === 1;
      return {
        record: { ...record, exclude: { excluded, reason: excluded ? r.exclude_reason : null } },
        studyId: r.study_ref,
        instanceId: r.instance_ref,
        imageSha256: r.image_sha256,
        excluded,
        excludeReason: r.exclude_reason,
      };
    });
  }

  /**
   * A reader's statement that the image content with this sha256 carries no burned-in identifiers (or
   * withdrawal of it). Who may give it is burned-in-annotation.ts's rule.
   */
  confirmClean(sha256: string, clean: boolean, readerId: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO clean_confirmations (sha256, clean, reader_id, at) VALUES (?, ?, ?, ?)
         ON CONFLICT(sha256) DO UPDATE SET clean = excluded.clean, reader_id = excluded.reader_id, at = excluded.at`,
      )
      .run(sha256, clean ? 1 : 0, readerId, at);
  }

  isConfirmedClean(sha256: string): boolean {
    const row = this.db.prepare('SELECT clean FROM clean_confirmations WHERE sha256 = ?').get(sha256) as
      { clean: number } | undefined;
    return row?.clean === 1;
  }
}
