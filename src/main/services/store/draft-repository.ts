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
    return this.latestEntry(studyId)?.draft ?? null;
  }

  /** The study's most recent draft with its row id (a reading keeps the id of the draft it started from). */
  latestEntry(studyId: string): { id: string; draft: Draft } | null {
    const row = this.db
      .prepare('SELECT id, json FROM drafts WHERE study_ref = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
      .get(studyId) as { id: string; json: string } | undefined;
    const draft = row ? parseDraft(row.json) : null;
    return row && draft ? { id: row.id, draft } : null;
  }

  get(id: string): Draft | null {
    const row = this.db.prepare('SELECT json FROM drafts WHERE id = ?').get(id) as
      { json: string } | undefined;
    return row ? parseDraft(row.json) : null;
  }
}

function parseDraft(json: string): Draft | null {
  const parsed = draftSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : null;
}
