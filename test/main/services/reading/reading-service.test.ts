// The reading workflow on a real SQLite file and a real demo DICOM study: starting from the draft,
// every edit operation, undo/redo across a restart, sign/submit with their feedback records, revisions,
// two windows, and time on task.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Library, UserError } from '../../../../src/main/services/library';
import { ReadingService, STALE_MESSAGE } from '../../../../src/main/services/reading/reading-service';
import { IDLE_CAP_MS } from '../../../../src/main/services/reading/time-on-task';
import type { Reading, ReadingOp } from '../../../../src/shared/reading';
import { useTempDirs } from '../../../helpers/temp-dir';
import { ANNOTATOR, HEART_BOX, RADIOLOGIST, importStudy, saveDraft } from './reading-fixtures';

const tempDir = useTempDirs();

/** A library with the demo cardiomegaly study, optionally drafted, and a clock the test moves. */
async function setup(options: { draft?: boolean } = {}) {
  const file = join(tempDir(), 'db.sqlite');
  const library = Library.open(file, null);
  const { studyId, instance } = await importStudy(library);
  const draftId = options.draft === false ? null : saveDraft(library, studyId, instance);
  const clock = { ms: Date.parse('2025-03-01T08:00:00Z') };
  const service = new ReadingService(library, () => clock.ms);
  return { file, library, studyId, instance, draftId, clock, service };
}

const editCount = (library: Library, studyId: string): number =>
  (
    library.repo.db.prepare('SELECT count(*) AS n FROM reading_edits WHERE study_ref = ?').get(studyId) as {
      n: number;
    }
  ).n;

describe('opening a reading', () => {
  it('starts version 1 from the latest draft: pending model findings with the model boxes', async () => {
    const { library, studyId, instance, draftId, service } = await setup();
    const reading = service.open(studyId);
    expect(reading).toMatchObject({
      studyId,
      version: 1,
      parentVersion: null,
      revision: 0,
      status: 'in-progress',
      draftId,
      instanceId: instance.id,
      impression: '',
      canUndo: false,
      canRedo: false,
      signedBy: null,
    });
    expect(reading.findings.map((f) => [f.modelIndex, f.state, f.text, f.modelText])).toEqual([
      [0, 'pending', 'Severe cardiomegaly.', 'Severe cardiomegaly.'],
      [1, 'pending', 'No pleural effusion or pneumothorax.', 'No pleural effusion or pneumothorax.'],
    ]);
    const [box] = reading.findings[0]!.boxes;
    expect(box).toMatchObject({ ...HEART_BOX, source: 'model', modelBox: HEART_BOX });
    expect(box!.id).toMatch(/^[0-9a-f]{16}$/);
    // Opening again gives the same reading (same ids), not a new one.
    expect(service.open(studyId).findings.map((f) => f.id)).toEqual(reading.findings.map((f) => f.id));
    library.close();
  });

  it('without a draft starts empty on the frontal image', async () => {
    const { library, studyId, instance, service } = await setup({ draft: false });
    expect(service.open(studyId)).toMatchObject({ findings: [], draftId: null, instanceId: instance.id });
    library.close();
  });

  it('follows a newer draft while version 1 is untouched, and not after an edit', async () => {
    const { library, studyId, instance, service } = await setup();
    const first = service.open(studyId);
    saveDraft(library, studyId, instance, '00000000000000d2', '2025-02-01T00:00:00.000Z');
    const rebuilt = service.open(studyId);
    expect(rebuilt.draftId).toBe('00000000000000d2');
    expect(rebuilt.revision).toBe(first.revision + 1);
    expect(rebuilt.findings.map((f) => f.id)).not.toEqual(first.findings.map((f) => f.id));
    // A window still on the old draft is refused.
    expect(() =>
      service.apply(studyId, first.revision, { type: 'impression.set', text: 'x' }, RADIOLOGIST),
    ).toThrow(STALE_MESSAGE);
    const edited = service.apply(
      studyId,
      rebuilt.revision,
      { type: 'impression.set', text: 'x' },
      RADIOLOGIST,
    );
    saveDraft(library, studyId, instance, '00000000000000d3', '2025-02-02T00:00:00.000Z');
    expect(service.open(studyId)).toMatchObject({ draftId: '00000000000000d2', revision: edited.revision });
    library.close();
  });

  it('refuses a study that is not in the library', async () => {
    const { library, service } = await setup();
    expect(() => service.open('0123456789abcdef')).toThrow(UserError);
    library.close();
  });
});

describe('editing', () => {
  it('applies every operation and keeps the model text', async () => {
    const { library, studyId, service } = await setup();
    let r = service.open(studyId);
    const [heart, pleura] = r.findings as [Reading['findings'][0], Reading['findings'][0]];
    const boxId = heart.boxes[0]!.id;
    const step = (op: ReadingOp, profile = RADIOLOGIST): Reading =>
      (r = service.apply(studyId, r.revision, op, profile));

    step({ type: 'finding.edit', findingId: heart.id, text: 'Moderate cardiomegaly.' });
    expect(r.findings[0]).toMatchObject({
      state: 'edited',
      text: 'Moderate cardiomegaly.',
      modelText: 'Severe cardiomegaly.',
    });
    step({ type: 'finding.edit', findingId: heart.id, text: 'Severe cardiomegaly.' });
    expect(r.findings[0]!.state).toBe('accepted');
    step({ type: 'finding.edit', findingId: heart.id, text: 'Cardiomegaly.' });
    step({ type: 'finding.accept', findingId: heart.id });
    expect(r.findings[0]).toMatchObject({ state: 'edited', text: 'Cardiomegaly.' });
    step({ type: 'finding.restore', findingId: heart.id });
    expect(r.findings[0]).toMatchObject({ state: 'pending', text: 'Severe cardiomegaly.' });
    step({ type: 'finding.accept', findingId: heart.id });
    expect(r.findings[0]!.state).toBe('accepted');
    step({ type: 'finding.reject', findingId: pleura.id });
    expect(r.findings[1]!.state).toBe('rejected');

    step({ type: 'finding.add', findingId: 'aaaaaaaaaaaaaaaa', text: 'Small left effusion.' });
    expect(r.findings[2]).toMatchObject({ state: 'added', modelIndex: null, modelText: null, boxes: [] });
    step({ type: 'finding.edit', findingId: 'aaaaaaaaaaaaaaaa', text: 'Small left pleural effusion.' });
    expect(r.findings[2]).toMatchObject({ state: 'added', text: 'Small left pleural effusion.' });

    const drawn = { x: 300, y: 300, width: 60, height: 40 };
    step({ type: 'box.add', findingId: 'aaaaaaaaaaaaaaaa', boxId: 'bbbbbbbbbbbbbbbb', box: drawn });
    expect(r.findings[2]!.boxes).toEqual([
      { ...drawn, id: 'bbbbbbbbbbbbbbbb', source: 'reader', modelBox: null },
    ]);
    const moved = { x: 150, y: 210, width: 200, height: 170 };
    step({ type: 'box.update', boxId, box: moved });
    expect(r.findings[0]!.boxes[0]).toEqual({ ...moved, id: boxId, source: 'model', modelBox: HEART_BOX });
    step({ type: 'box.relabel', boxId, findingId: 'aaaaaaaaaaaaaaaa' });
    expect(r.findings[0]!.boxes).toEqual([]);
    expect(r.findings[2]!.boxes.map((b) => b.id)).toEqual(['bbbbbbbbbbbbbbbb', boxId]);
    step({ type: 'box.delete', boxId: 'bbbbbbbbbbbbbbbb' });
    expect(r.findings[2]!.boxes.map((b) => b.id)).toEqual([boxId]);
    step({ type: 'impression.set', text: 'Cardiomegaly.' });
    expect(r.impression).toBe('Cardiomegaly.');
    step({ type: 'finding.remove', findingId: 'aaaaaaaaaaaaaaaa' });
    expect(r.findings.map((f) => f.id)).toEqual([heart.id, pleura.id]);

    expect(r.revision).toBe(15);
    expect(editCount(library, studyId)).toBe(15);
    library.close();
  });

  it('refuses unknown ids, reused ids and operations that do not fit the finding', async () => {
    const { library, studyId, service } = await setup();
    const r = service.open(studyId);
    const [heart] = r.findings;
    const refuse = (op: ReadingOp, message: RegExp | string) =>
      expect(() => service.apply(studyId, r.revision, op, RADIOLOGIST)).toThrow(message);
    refuse(
      { type: 'finding.accept', findingId: 'ffffffffffffffff' },
      'This finding is no longer in the report.',
    );
    refuse({ type: 'box.delete', boxId: 'ffffffffffffffff' }, 'This box is no longer in the report.');
    refuse(
      { type: 'box.relabel', boxId: heart!.boxes[0]!.id, findingId: 'ffffffffffffffff' },
      /finding is no longer/,
    );
    refuse(
      { type: 'finding.add', findingId: heart!.id, text: 'x' },
      'This id is already in use in the report.',
    );
    refuse(
      { type: 'box.add', findingId: heart!.id, boxId: heart!.boxes[0]!.id, box: HEART_BOX },
      'This id is already in use in the report.',
    );
    refuse(
      { type: 'finding.remove', findingId: heart!.id },
      "The model's findings are rejected, not removed.",
    );
    const added = service.apply(
      studyId,
      r.revision,
      { type: 'finding.add', findingId: 'aaaaaaaaaaaaaaaa', text: 'x' },
      RADIOLOGIST,
    );
    for (const type of ['finding.accept', 'finding.reject', 'finding.restore'] as const) {
      expect(() =>
        service.apply(studyId, added.revision, { type, findingId: 'aaaaaaaaaaaaaaaa' }, RADIOLOGIST),
      ).toThrow(UserError);
    }
    expect(service.open(studyId).revision).toBe(added.revision);
    expect(editCount(library, studyId)).toBe(1);
    library.close();
  });

  it('lets annotators change boxes only', async () => {
    const { library, studyId, service } = await setup();
    const r = service.open(studyId);
    const [heart] = r.findings;
    expect(() =>
      service.apply(
        studyId,
        r.revision,
        { type: 'finding.edit', findingId: heart!.id, text: 'x' },
        ANNOTATOR,
      ),
    ).toThrow('Annotators correct boxes; only a radiologist can change the report text.');
    expect(() =>
      service.apply(studyId, r.revision, { type: 'impression.set', text: 'x' }, ANNOTATOR),
    ).toThrow(UserError);
    const moved = service.apply(
      studyId,
      r.revision,
      { type: 'box.update', boxId: heart!.boxes[0]!.id, box: { x: 1, y: 2, width: 3, height: 4 } },
      ANNOTATOR,
    );
    expect(moved.findings[0]!.boxes[0]).toMatchObject({ x: 1, y: 2, width: 3, height: 4 });
    // A radiologist's text edit cannot be undone by an annotator either.
    const edited = service.apply(studyId, moved.revision, { type: 'impression.set', text: 'x' }, RADIOLOGIST);
    expect(() => service.undo(studyId, edited.revision, ANNOTATOR)).toThrow(/only a radiologist/);
    expect(() => service.sign(studyId, edited.revision, ANNOTATOR)).toThrow(
      'Only a radiologist can sign a report.',
    );
    expect(() => service.submit(studyId, edited.revision, RADIOLOGIST)).toThrow(/only annotators submit/);
    library.close();
  });

  it('writes each edit in one durable transaction and goes back to synchronous = NORMAL', async () => {
    const { library, studyId, service } = await setup();
    const r = service.open(studyId);
    service.apply(studyId, r.revision, { type: 'impression.set', text: 'x' }, RADIOLOGIST);
    expect(library.repo.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(() =>
      service.apply(studyId, r.revision, { type: 'impression.set', text: 'y' }, RADIOLOGIST),
    ).toThrow();
    expect(library.repo.db.pragma('synchronous', { simple: true })).toBe(1);
    library.close();
  });
});

describe('undo and redo', () => {
  it('move over the stored edits, survive a restart, and a new edit drops the redo tail', async () => {
    const { file, library, studyId, service } = await setup();
    const opened = service.open(studyId);
    let r = opened;
    for (const text of ['one', 'two', 'three']) {
      r = service.apply(studyId, r.revision, { type: 'impression.set', text }, RADIOLOGIST);
    }
    r = service.undo(studyId, r.revision, RADIOLOGIST);
    r = service.undo(studyId, r.revision, RADIOLOGIST);
    expect(r).toMatchObject({ impression: 'one', canUndo: true, canRedo: true, revision: 5 });
    library.close();

    const reopened = Library.open(file, null);
    const again = new ReadingService(reopened);
    r = again.open(studyId);
    expect(r).toMatchObject({ impression: 'one', canUndo: true, canRedo: true, revision: 5 });
    r = again.redo(studyId, r.revision, RADIOLOGIST);
    expect(r).toMatchObject({ impression: 'two', canRedo: true });
    r = again.undo(studyId, r.revision, RADIOLOGIST);
    r = again.undo(studyId, r.revision, RADIOLOGIST);
    expect(r).toMatchObject({ impression: '', canUndo: false, canRedo: true });
    expect(r.findings).toEqual(opened.findings);
    expect(() => again.undo(studyId, r.revision, RADIOLOGIST)).toThrow('There is nothing to undo.');
    r = again.redo(studyId, r.revision, RADIOLOGIST);
    r = again.apply(studyId, r.revision, { type: 'impression.set', text: 'other' }, RADIOLOGIST);
    expect(r).toMatchObject({ impression: 'other', canUndo: true, canRedo: false });
    expect(editCount(reopened, studyId)).toBe(2);
    expect(() => again.redo(studyId, r.revision, RADIOLOGIST)).toThrow('There is nothing to redo.');
    r = again.undo(studyId, r.revision, RADIOLOGIST);
    expect(r.impression).toBe('one');
    reopened.close();
  });
});

describe('two windows', () => {
  it('refuses the second edit based on the same revision and keeps the first', async () => {
    const { file, library, studyId, service } = await setup();
    const other = Library.open(file, null);
    const second = new ReadingService(other);
    const a = service.open(studyId);
    const b = second.open(studyId);
    expect(b.revision).toBe(a.revision);
    const after = service.apply(
      studyId,
      a.revision,
      { type: 'impression.set', text: 'window A' },
      RADIOLOGIST,
    );
    expect(() =>
      second.apply(studyId, b.revision, { type: 'impression.set', text: 'window B' }, RADIOLOGIST),
    ).toThrow(STALE_MESSAGE);
    expect(() => second.undo(studyId, b.revision, RADIOLOGIST)).toThrow(STALE_MESSAGE);
    expect(() => second.sign(studyId, b.revision, RADIOLOGIST)).toThrow(STALE_MESSAGE);
    const reloaded = second.open(studyId);
    expect(reloaded).toMatchObject({ impression: 'window A', revision: after.revision });
    expect(editCount(other, studyId)).toBe(1);
    other.close();
    library.close();
  });
});

describe('signing, submitting and revising', () => {
  it('signs: pending findings accepted, read-only, study signed, one record in the same transaction', async () => {
    const { library, studyId, instance, service, clock } = await setup();
    let r = service.open(studyId);
    clock.ms += 60_000;
    r = service.apply(
      studyId,
      r.revision,
      { type: 'finding.reject', findingId: r.findings[1]!.id },
      RADIOLOGIST,
    );
    clock.ms += 20 * 60_000; // away from the desk: counts as five minutes
    r = service.apply(studyId, r.revision, { type: 'impression.set', text: 'Cardiomegaly.' }, RADIOLOGIST);
    clock.ms += 60_000;
    const signed = service.sign(studyId, r.revision, RADIOLOGIST);
    expect(signed).toMatchObject({
      status: 'signed',
      signedBy: RADIOLOGIST.readerId,
      signedAt: '2025-03-01T08:22:00.000Z',
      canUndo: false,
      canRedo: false,
    });
    expect(signed.findings.map((f) => f.state)).toEqual(['accepted', 'rejected']);
    expect(library.getStudy(studyId).status).toBe('signed');
    const [stored] = library.feedback.list();
    expect(library.feedback.list()).toHaveLength(1);
    expect(stored).toMatchObject({ studyId, instanceId: instance.id, excluded: false });
    expect(stored!.record).toMatchObject({
      kind: 'signed-report',
      final: { report: 'Severe cardiomegaly.', impression: 'Cardiomegaly.' },
      reading: {
        version: 1,
        parentVersion: null,
        role: 'radiologist',
        readerId: RADIOLOGIST.readerId,
        timeOnTaskMs: 60_000 + IDLE_CAP_MS + 60_000,
        signedAt: signed.signedAt,
      },
    });
    expect(stored!.record.actions.map((a) => a.action)).toEqual(['accepted', 'rejected']);
    expect(() =>
      service.apply(studyId, signed.revision, { type: 'impression.set', text: 'x' }, RADIOLOGIST),
    ).toThrow(/signed and can no longer be changed/);
    expect(() => service.sign(studyId, signed.revision, RADIOLOGIST)).toThrow(UserError);
    expect(service.open(studyId)).toMatchObject({ status: 'signed', revision: signed.revision });
    library.close();
  });

  it('leaves nothing signed when the record cannot be written', async () => {
    const { library, studyId, instance, service } = await setup();
    const r = service.open(studyId);
    // The image vanished from the index between opening and signing.
    library.repo.db.prepare('DELETE FROM instances WHERE id = ?').run(instance.id);
    expect(() => service.sign(studyId, r.revision, RADIOLOGIST)).toThrow(/no longer in the library/);
    expect(library.feedback.list()).toEqual([]);
    const row = library.repo.db
      .prepare('SELECT status, revision FROM readings WHERE study_ref = ?')
      .get(studyId);
    expect(row).toEqual({ status: 'in-progress', revision: r.revision });
    library.close();
  });

  it('submits an annotator correction without signing the study', async () => {
    const { library, studyId, service } = await setup();
    let r = service.open(studyId);
    r = service.apply(
      studyId,
      r.revision,
      {
        type: 'box.update',
        boxId: r.findings[0]!.boxes[0]!.id,
        box: { x: 150, y: 210, width: 200, height: 170 },
      },
      ANNOTATOR,
    );
    const submitted = service.submit(studyId, r.revision, ANNOTATOR);
    expect(submitted).toMatchObject({ status: 'submitted', signedBy: ANNOTATOR.readerId });
    expect(library.getStudy(studyId).status).not.toBe('signed');
    const [stored] = library.feedback.list();
    expect(stored!.record).toMatchObject({ kind: 'annotator-correction', reading: { role: 'annotator' } });
    expect(stored!.record.actions[0]).toMatchObject({ action: 'accepted', boxesChanged: true });
    library.close();
  });

  it('revises a signed report as a new version and keeps the signed one', async () => {
    const { library, studyId, service } = await setup();
    let r = service.open(studyId);
    r = service.apply(studyId, r.revision, { type: 'impression.set', text: 'First.' }, RADIOLOGIST);
    const signed = service.sign(studyId, r.revision, RADIOLOGIST);
    const v2 = service.revise(studyId);
    expect(v2).toMatchObject({
      version: 2,
      parentVersion: 1,
      revision: signed.revision + 1,
      status: 'in-progress',
      impression: 'First.',
      findings: signed.findings,
      draftId: signed.draftId,
      instanceId: signed.instanceId,
      canUndo: false,
      signedBy: null,
    });
    // A second window asking to revise gets the same new version.
    expect(service.revise(studyId).version).toBe(2);
    r = service.apply(studyId, v2.revision, { type: 'impression.set', text: 'Amended.' }, RADIOLOGIST);
    r = service.undo(studyId, r.revision, RADIOLOGIST);
    expect(r.impression).toBe('First.');
    r = service.redo(studyId, r.revision, RADIOLOGIST);
    service.sign(studyId, r.revision, RADIOLOGIST);
    const records = library.feedback.list().map((s) => s.record);
    expect(records.map((x) => [x.reading.version, x.reading.parentVersion, x.final.impression])).toEqual([
      [1, null, 'First.'],
      [2, 1, 'Amended.'],
    ]);
    const v1 = library.repo.db
      .prepare('SELECT status, state_json FROM readings WHERE study_ref = ? AND version = 1')
      .get(studyId) as { status: string; state_json: string };
    expect(v1.status).toBe('signed');
    expect(JSON.parse(v1.state_json).impression).toBe('First.');
    library.close();
  });

  it('excludes the study records from training, and says so when there is none', async () => {
    const { library, studyId, service } = await setup();
    const r = service.open(studyId);
    expect(r.exclude).toBeNull();
    expect(() => service.exclude(studyId, true, 'wrong patient')).toThrow(/no signed or submitted report/);
    const signed = service.sign(studyId, r.revision, RADIOLOGIST);
    expect(signed.exclude).toEqual({ excluded: false, reason: null });
    service.exclude(studyId, true, 'wrong patient');
    expect(library.feedback.list()[0]).toMatchObject({ excluded: true, excludeReason: 'wrong patient' });
    service.exclude(studyId, false, null);
    expect(library.feedback.list()[0]).toMatchObject({ excluded: false });
    library.close();
  });

  it('reads the flag back after a restart, and an amendment keeps the study excluded', async () => {
    const { file, library, studyId, service } = await setup();
    const r = service.open(studyId);
    service.sign(studyId, r.revision, RADIOLOGIST);
    service.exclude(studyId, true, 'poor inspiration');
    library.close();

    const reopened = Library.open(file, null);
    const again = new ReadingService(reopened);
    expect(again.open(studyId).exclude).toEqual({ excluded: true, reason: 'poor inspiration' });
    const v2 = again.revise(studyId);
    expect(v2.exclude).toEqual({ excluded: true, reason: 'poor inspiration' });
    const amended = again.apply(studyId, v2.revision, { type: 'impression.set', text: 'x' }, RADIOLOGIST);
    again.sign(studyId, amended.revision, RADIOLOGIST);
    expect(
      reopened.feedback.list().map((s) => [s.record.reading.version, s.excluded, s.excludeReason]),
    ).toEqual([
      [1, true, 'poor inspiration'],
      [2, true, 'poor inspiration'],
    ]);
    again.exclude(studyId, false, 'ignored when cleared');
    expect(again.open(studyId).exclude).toEqual({ excluded: false, reason: null });
    reopened.close();
  });
});
