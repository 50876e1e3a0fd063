// The reading workflow of a study: started from its latest draft, edited one operation at a time with
// undo/redo kept in the database, signed by a radiologist or submitted by an annotator (each writes a
// feedback record in the same transaction), and revised as a new version. Every change names the
// revision it was based on, so a second window working from an older state is refused, never merged.
import { isFrontal, type Study } from '../../../shared/domain';
import type { Draft } from '../../../shared/draft';
import type { FeedbackRecord } from '../../../shared/feedback';
import { ANNOTATOR_OPS, type ReaderProfile, type Reading, type ReadingOp } from '../../../shared/reading';
import { buildFeedbackRecord, type RecordImage } from '../feedback/build-record';
import { UserError, type Library } from '../library';
import { storageRefusal } from '../store/storage-errors';
import type { Db } from '../store/open-database';
import type { ImageSize } from '../../../shared/box-on-image';
import { applyOp, opOnImage } from './apply-op';
import { ReadingRepository, type ReadingRow } from './reading-repository';
import { EMPTY_STATE, stateFromDraft, type ReadingState } from './reading-state';
import { timeOnTaskMs } from './time-on-task';

export const STALE_MESSAGE = 'This report was changed in another window; it has been reloaded.';

/** A version shown while the library could not store it (disk full, busy), kept until it can be. */
type Unsaved = {
  row: ReadingRow;
  /** The stored revision it was made from (null: nothing was stored); it holds while that is unchanged. */
  over: number | null;
  /** When it was first opened, for time on task. */
  openedAt: number;
};

type Change = 'insert' | 'update' | null;
type Current = { row: ReadingRow; change: Change; held: Unsaved | undefined; over: number | null };

export class ReadingService {
  private readonly db: Db;
  private readonly rows: ReadingRepository;
  /** First versions shown while the library could not store them, by study. */
  private readonly unsaved = new Map<string, Unsaved>();

  constructor(
    private readonly library: Library,
    /** Milliseconds since the epoch; tests pass their own clock to measure time on task. */
    private readonly now: () => number = Date.now,
  ) {
    this.db = library.repo.db;
    this.rows = new ReadingRepository(this.db);
  }

  /**
   * The current version; the first one is made from the latest draft (or empty) when there is none.
   * Showing it needs no write: when the library cannot take one (disk full, busy), the reading is shown
   * from memory, and the first edit that can be stored stores it too.
   */
  open(studyId: string): Reading {
    const study = this.library.getStudy(studyId);
    const at = this.now();
    try {
      const row = this.db
        .transaction(() => {
          const { row, change, held } = this.current(study, at);
          this.store(row, change, held);
          this.rows.addActivity(row, 'open', at);
          return row;
        })
        .immediate();
      this.unsaved.delete(studyId);
      return this.toReading(row);
    } catch (err) {
      if (!storageRefusal(err)) throw err;
    }
    const { row, change, held, over } = this.current(study, at);
    if (change) this.unsaved.set(studyId, { row, over, openedAt: held?.openedAt ?? at });
    else this.unsaved.delete(studyId);
    return this.toReading(row);
  }

  apply(studyId: string, revision: number, op: ReadingOp, profile: ReaderProfile): Reading {
    if (profile.role === 'annotator' && !ANNOTATOR_OPS.includes(op.type)) {
      throw new UserError('Annotators correct boxes; only a radiologist can change the report text.');
    }
    return this.durable(studyId, () => {
      const row = this.editable(studyId, revision);
      const placed = opOnImage(op, this.imageSize(row));
      const state = applyOp(row.state, placed);
      const at = this.now();
      const seq = row.cursor + 1;
      // A new edit after undo: the undone edits can no longer be redone.
      this.rows.deleteEditsAfter(row, row.cursor);
      this.rows.insertEdit(row, seq, placed, state, profile.readerId, iso(at));
      return this.save(row, { state, cursor: seq }, 'edit', at);
    });
  }

  undo(studyId: string, revision: number, profile: ReaderProfile): Reading {
    return this.durable(studyId, () => {
      const row = this.editable(studyId, revision);
      const last = row.cursor > 0 ? this.rows.edit(row, row.cursor) : undefined;
      if (!last) throw new UserError('There is nothing to undo.');
      this.checkRole(profile, last.op);
      const cursor = row.cursor - 1;
      const state = cursor === 0 ? row.base : this.rows.edit(row, cursor)!.state;
      return this.save(row, { state, cursor }, 'undo', this.now());
    });
  }

  redo(studyId: string, revision: number, profile: ReaderProfile): Reading {
    return this.durable(studyId, () => {
      const row = this.editable(studyId, revision);
      const next = this.rows.edit(row, row.cursor + 1);
      if (!next) throw new UserError('There is nothing to redo.');
      this.checkRole(profile, next.op);
      return this.save(row, { state: next.state, cursor: row.cursor + 1 }, 'redo', this.now());
    });
  }

  /** Radiologists: findings not looked at are signed as the model wrote them. */
  sign(studyId: string, revision: number, profile: ReaderProfile): Reading {
    if (profile.role !== 'radiologist') throw new UserError('Only a radiologist can sign a report.');
    return this.finish(studyId, revision, profile, 'signed-report');
  }

  /** Annotators: the box corrections become a record; the text stays the model's or the radiologist's. */
  submit(studyId: string, revision: number, profile: ReaderProfile): Reading {
    if (profile.role !== 'annotator')
      throw new UserError('Radiologists sign the report; only annotators submit.');
    return this.finish(studyId, revision, profile, 'annotator-correction');
  }

  /** A new in-progress version from the signed or submitted one, which stays as it was. */
  revise(studyId: string): Reading {
    this.library.getStudy(studyId);
    return this.durable(studyId, () => {
      const old = this.rows.latest(studyId);
      if (!old) throw new UserError('This study has no report yet.');
      // Another window already started the revision: it is the one to work on.
      if (old.status === 'in-progress') return this.toReading(old);
      const at = this.now();
      const row: ReadingRow = {
        ...old,
        version: old.version + 1,
        parentVersion: old.version,
        status: 'in-progress',
        // Revisions keep counting across versions, so a window's revision never matches another version's.
        revision: old.revision + 1,
        base: old.state,
        cursor: 0,
        signedBy: null,
        signedAt: null,
        createdAt: iso(at),
        updatedAt: iso(at),
      };
      this.rows.insert(row);
      this.rows.addActivity(row, 'open', at);
      return this.toReading(row);
    });
  }

  /** Flags the study's feedback records as not for training, or clears the flag. */
  exclude(studyId: string, excluded: boolean, reason: string | null): void {
    this.library.getStudy(studyId);
    if (this.library.feedback.setExcluded(studyId, excluded, reason) === 0) {
      throw new UserError('This study has no signed or submitted report yet.');
    }
  }

  private finish(
    studyId: string,
    revision: number,
    profile: ReaderProfile,
    kind: FeedbackRecord['kind'],
  ): Reading {
    return this.durable(studyId, () => {
      const row = this.editable(studyId, revision);
      if (!row.instanceId) throw new UserError('This study has no image to sign a report for.');
      const at = this.now();
      const state: ReadingState =
        kind === 'signed-report'
          ? {
              ...row.state,
              findings: row.state.findings.map((f) =>
                f.state === 'pending' ? { ...f, state: 'accepted' } : f,
              ),
            }
          : row.state;
      const reading = this.save(
        row,
        {
          state,
          status: kind === 'signed-report' ? 'signed' : 'submitted',
          signedBy: profile.readerId,
          signedAt: iso(at),
        },
        kind === 'signed-report' ? 'sign' : 'submit',
        at,
      );
      const draft = row.draftId ? this.library.drafts.get(row.draftId) : null;
      const record = buildFeedbackRecord({
        kind,
        reading,
        draft,
        image: this.recordImage(studyId, row.instanceId),
        secret: this.library.settings.pseudonymSecret(),
        reader: { role: profile.role, readerId: profile.readerId },
        timeOnTaskMs: timeOnTaskMs(this.rows.activityTimes(row)),
        createdAt: iso(at),
      });
      // A study kept out of training stays out when it is amended: the reader excluded the case.
      const exclusion = this.library.feedback.exclusion(studyId);
      const exclude = exclusion ?? record.exclude;
      // The record pairs the draft with the final: it is of the pixels the draft was made from.
      this.library.feedback.insert(
        studyId,
        row.version,
        row.instanceId,
        { ...record, exclude },
        draft?.image.sha256,
      );
      if (kind === 'signed-report') this.library.repo.setStatus(studyId, 'signed');
      // The reading was read back before its record existed.
      return { ...reading, exclude };
    });
  }

  /**
   * One immediate transaction (the revision check and the write cannot interleave with another
   * connection's) with synchronous = FULL, so an edit the caller was told about survives a power cut;
   * the library's other writes keep the cheaper NORMAL. Once it is stored, a version shown from memory
   * is memory no more.
   */
  private durable<T>(studyId: string, fn: () => T): T {
    this.db.pragma('synchronous = FULL');
    try {
      const result = this.db.transaction(fn).immediate();
      this.unsaved.delete(studyId);
      return result;
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  /** The version an edit is made on, stored first when it was shown from memory. */
  private editable(studyId: string, revision: number): ReadingRow {
    const stored = this.rows.latest(studyId);
    const held = this.held(studyId, stored);
    // Another connection stored a reading after the one shown from memory: the reader has not seen it.
    if (this.unsaved.has(studyId) && !held) throw new UserError(STALE_MESSAGE);
    const row = held?.row ?? stored;
    if (!row) throw new UserError('Open the study before editing its report.');
    if (row.revision !== revision) throw new UserError(STALE_MESSAGE);
    if (row.status !== 'in-progress') {
      throw new UserError('This report is signed and can no longer be changed; revise it to amend it.');
    }
    this.store(row, held ? (stored ? 'update' : 'insert') : null, held);
    return row;
  }

  /**
   * The version to show: the stored one, or the one shown from memory while what is stored is what it
   * was made from; a first version from the latest draft when there is none, and an untouched first
   * version following a newer draft (nothing of the reader's is lost; the revision moves on, so a window
   * still showing the old draft is refused). `change` is what storing it takes.
   */
  private current(study: Study, at: number): Current {
    const stored = this.rows.latest(study.id);
    const held = this.held(study.id, stored);
    const over = stored?.revision ?? null;
    let row = held?.row ?? stored;
    let change: Change = held ? (stored ? 'update' : 'insert') : null;
    const entry = this.library.drafts.latestEntry(study.id);
    if (!row) {
      row = { ...this.start(study, entry, at), version: 1, parentVersion: null, createdAt: iso(at) };
      change = 'insert';
    } else if (
      row.version === 1 &&
      row.status === 'in-progress' &&
      entry &&
      entry.id !== row.draftId &&
      this.rows.countEdits(row) === 0
    ) {
      row = { ...row, ...this.start(study, entry, at), revision: row.revision + 1 };
      change ??= 'update';
    }
    return { row, change, held, over };
  }

  /** The version shown from memory, while what is stored is still what it was made from. */
  private held(studyId: string, stored: ReadingRow | undefined): Unsaved | undefined {
    const unsaved = this.unsaved.get(studyId);
    return unsaved && unsaved.over === (stored?.revision ?? null) ? unsaved : undefined;
  }

  /** Writes a version as `change` says; one shown from memory keeps the time it was opened. */
  private store(row: ReadingRow, change: Change, held: Unsaved | undefined): void {
    if (change === 'insert') this.rows.insert(row);
    if (change === 'update') this.rows.update(row);
    if (held) this.rows.addActivity(row, 'open', held.openedAt);
  }

  private checkRole(profile: ReaderProfile, op: ReadingOp): void {
    if (profile.role === 'annotator' && !ANNOTATOR_OPS.includes(op.type)) {
      throw new UserError('This step changed the report text, which only a radiologist can undo or redo.');
    }
  }

  private save(row: ReadingRow, change: Partial<ReadingRow>, activity: string, at: number): Reading {
    const next: ReadingRow = { ...row, ...change, revision: row.revision + 1, updatedAt: iso(at) };
    this.rows.update(next);
    this.rows.addActivity(next, activity, at);
    return this.toReading(next);
  }

  /** A first version's fields from a draft, or empty on the study's frontal image. */
  private start(
    study: Study,
    entry: { id: string; draft: Draft } | null,
    at: number,
  ): Omit<ReadingRow, 'version' | 'parentVersion' | 'createdAt'> {
    const state = entry ? stateFromDraft(entry.draft) : EMPTY_STATE;
    return {
      studyId: study.id,
      status: 'in-progress',
      revision: 0,
      draftId: entry?.id ?? null,
      instanceId: entry ? this.draftedInstance(study, entry.draft) : frontalInstance(study),
      base: state,
      state,
      cursor: 0,
      signedBy: null,
      signedAt: null,
      updatedAt: iso(at),
    };
  }

  /** The indexed image the draft was made from: by SOPInstanceUID, else by its file. */
  private draftedInstance(study: Study, draft: Draft): string | null {
    const instances = study.series.flatMap((s) => s.instances);
    const bySop = draft.image.sopInstanceUid
      ? instances.find((i) => i.sopInstanceUid === draft.image.sopInstanceUid)
      : undefined;
    const byPath = this.library.repo.findByPath(draft.image.path);
    return (
      bySop?.id ?? (byPath && instances.some((i) => i.id === byPath.id) ? byPath.id : frontalInstance(study))
    );
  }

  /** The pixels of the image the reading's boxes belong to; null without one. */
  private imageSize(row: ReadingRow): ImageSize | null {
    if (!row.instanceId) return null;
    const instances = this.library.getStudy(row.studyId).series.flatMap((s) => s.instances);
    const instance = instances.find((i) => i.id === row.instanceId);
    return instance ? { columns: instance.columns, rows: instance.rows } : null;
  }

  private recordImage(studyId: string, instanceId: string): RecordImage {
    const study = this.library.getStudy(studyId);
    for (const series of study.series) {
      const instance = series.instances.find((i) => i.id === instanceId);
      if (!instance) continue;
      return {
        patientKey: this.library.repo.patientKey(studyId) ?? study.patientId,
        studyUid: study.studyInstanceUid,
        seriesUid: series.seriesInstanceUid,
        sopInstanceUid: instance.sopInstanceUid,
        view: instance.view,
        columns: instance.columns,
        rows: instance.rows,
        photometric: instance.photometric,
        transferSyntaxUid: instance.transferSyntaxUid,
      };
    }
    throw new UserError('The image this report belongs to is no longer in the library.');
  }

  private toReading(row: ReadingRow): Reading {
    return {
      studyId: row.studyId,
      version: row.version,
      parentVersion: row.parentVersion,
      revision: row.revision,
      status: row.status,
      draftId: row.draftId,
      instanceId: row.instanceId,
      findings: row.state.findings,
      impression: row.state.impression,
      canUndo: row.status === 'in-progress' && row.cursor > 0,
      canRedo: row.status === 'in-progress' && this.rows.hasEditAfter(row, row.cursor),
      signedBy: row.signedBy,
      signedAt: row.signedAt,
      updatedAt: row.updatedAt,
      // Records are written by sign and submit, so an unfinished first version has none to look up.
      exclude:
        row.version === 1 && row.status === 'in-progress'
          ? null
          : this.library.feedback.exclusion(row.studyId),
    };
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The study's frontal image (series come frontal first), else its first image. */
function frontalInstance(study: Study): string | null {
  const instances = study.series.flatMap((s) => s.instances);
  return (instances.find((i) => isFrontal(i.view)) ?? instances[0])?.id ?? null;
}
