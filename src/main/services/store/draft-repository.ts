// Finished drafts in SQLite, one row per draft: the JSON as the pipeline wrote it, with the columns a
// later query needs (study, time, model) beside it.
import { draftSchema, type Draft } from '../../../shared/draft';
import type { Db } from './open-database';

export class DraftRepository {
  constructor(private readonly db: Db) {}

  save(id: string, studyId: string, draft: Draft): void {
    this.db
      .prepare(
        `INSERT INTO drafts (id, study_ref, created_at, model_id, model_version, json) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(id, studyId, draft.createdAt, draft.model.id, draft.model.version, JSON.stringify(draft));
  }

  /** The study's most recent draft; a row an older or newer schema cannot read counts as none. */
  latest(studyId: string): Draft | null {
    const row = this.db
      .prepare('SELECT json FROM drafts WHERE study_ref = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
      .get(studyId) as { json: string } | undefined;
    if (!row) return null;
    const parsed = draftSchema.safeParse(JSON.parse(row.json));
    return parsed.success ? parsed.data : null;
  }
}
