// The feedback record: finding actions and box agreement, the model's box convention, the draft's
// provenance, and no identifier of the patient (a study with planted ones goes through the real
// import, reading and signing).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFeedbackRecord, type RecordImage } from '../../../../src/main/services/feedback/build-record';
import { pseudonym } from '../../../../src/main/services/feedback/pseudonym';
import { Library } from '../../../../src/main/services/library';
import { ReadingService } from '../../../../src/main/services/reading/reading-service';
import { feedbackRecordSchema } from '../../../../src/shared/feedback';
import type { Finding } from '../../../../src/shared/draft';
import type { Reading, ReadingFinding } from '../../../../src/shared/reading';
import { writeSynthetic } from '../../../helpers/synthetic-dicom';
import { useTempDirs } from '../../../helpers/temp-dir';
import { demoDraft, HEART_BOX, RADIOLOGIST } from '../reading/reading-fixtures';

const tempDir = useTempDirs();
const SECRET = 'ab'.repeat(32);

const modelFinding = (text: string, status: Finding['status'], boxes: Finding['boxes']): Finding => ({
  text,
  status,
  boxes,
  box_source: 'model',
  dropped: [],
  grounding: null,
});

const IMAGE: RecordImage = {
  patientKey: 'PID-1\u0000Doe^Jane',
  studyUid: '1.2.3.4',
  seriesUid: '1.2.3.4.5',
  sopInstanceUid: '1.2.3.4.5.6',
  view: 'PA',
  columns: 440,
  rows: 440,
  photometric: 'MONOCHROME2',
  transferSyntaxUid: '1.2.840.10008.1.2.1',
};

const finding = (
  f: Partial<ReadingFinding> & Pick<ReadingFinding, 'id' | 'text' | 'state'>,
): ReadingFinding => ({
  modelIndex: null,
  modelText: null,
  boxes: [],
  ...f,
});

const reading = (findings: ReadingFinding[], impression = ''): Reading => ({
  studyId: '0000000000000001',
  version: 2,
  parentVersion: 1,
  revision: 9,
  status: 'signed',
  draftId: '00000000000000d1',
  instanceId: '0000000000000002',
  findings,
  impression,
  canUndo: false,
  canRedo: false,
  exclude: null,
  signedBy: RADIOLOGIST.readerId,
  signedAt: '2025-03-01T09:00:00.000Z',
  updatedAt: '2025-03-01T09:00:00.000Z',
});

const readerBox = (id: string, box: typeof HEART_BOX, model: boolean) => ({
  ...box,
  id,
  source: model ? ('model' as const) : ('reader' as const),
  modelBox: model ? HEART_BOX : null,
});

describe('buildFeedbackRecord', () => {
  const draft = demoDraft({ path: '/data/patients/doe/image.dcm', sopInstanceUid: IMAGE.sopInstanceUid }, [
    modelFinding('Severe cardiomegaly.', 'abnormal', [HEART_BOX]),
    modelFinding('No pneumothorax.', 'normal', []),
    modelFinding('Left effusion.', 'abnormal', [{ x: 40, y: 300, width: 100, height: 80 }]),
    modelFinding('Clear lungs.', 'normal', []),
  ]);
  const halfHeart = { ...HEART_BOX, height: HEART_BOX.height / 2 };
  const drawn = { x: 10, y: 20, width: 30, height: 40 };
  const final = reading(
    [
      finding({
        id: 'f000000000000000',
        modelIndex: 0,
        modelText: 'Severe cardiomegaly.',
        text: 'Severe cardiomegaly.',
        state: 'accepted',
        boxes: [readerBox('b000000000000000', halfHeart, true)],
      }),
      finding({
        id: 'f000000000000001',
        modelIndex: 1,
        modelText: 'No pneumothorax.',
        text: 'No pneumothorax.',
        state: 'rejected',
      }),
      finding({
        id: 'f000000000000002',
        modelIndex: 2,
        modelText: 'Left effusion.',
        text: 'Small left pleural effusion.',
        state: 'edited',
        boxes: [
          { x: 40, y: 300, width: 100, height: 80, id: 'b000000000000002', source: 'model', modelBox: null },
        ],
      }),
      finding({
        id: 'f000000000000003',
        text: 'Sternal wires.',
        state: 'added',
        boxes: [readerBox('b000000000000003', drawn, false)],
      }),
      finding({
        id: 'f000000000000004',
        modelIndex: 3,
        modelText: 'Clear lungs.',
        text: 'Clear lungs.',
        state: 'pending',
      }),
    ],
    'Cardiomegaly and a small effusion.',
  );
  const build = () =>
    buildFeedbackRecord({
      kind: 'signed-report',
      reading: final,
      draft,
      image: IMAGE,
      secret: SECRET,
      reader: { role: 'radiologist', readerId: RADIOLOGIST.readerId },
      timeOnTaskMs: 123_000,
      createdAt: '2025-03-01T09:00:01.000Z',
    });

  it('records what the reader did with each finding and how the boxes moved', () => {
    const record = feedbackRecordSchema.parse(build());
    expect(record.actions.map((a) => [a.action, a.draftText, a.finalText, a.boxIou, a.boxesChanged])).toEqual(
      [
        ['accepted', 'Severe cardiomegaly.', 'Severe cardiomegaly.', expect.closeTo(0.5, 9), true],
        ['rejected', 'No pneumothorax.', null, null, false],
        ['edited', 'Left effusion.', 'Small left pleural effusion.', 1, false],
        ['added', null, 'Sternal wires.', null, true],
        ['accepted', 'Clear lungs.', 'Clear lungs.', null, false],
      ],
    );
    expect(record.actions[0]!.draftBoxes).toEqual([
      { pixel: HEART_BOX, normalized: [0.37, 0.49, 0.8, 0.86] },
    ]);
    expect(record.actions[3]!.finalBoxes).toEqual([{ pixel: drawn, normalized: [0.02, 0.05, 0.09, 0.14] }]);
    expect(record.final).toEqual({
      report: 'Severe cardiomegaly. Small left pleural effusion. Sternal wires. Clear lungs.',
      impression: 'Cardiomegaly and a small effusion.',
      findings: [
        {
          text: 'Severe cardiomegaly.',
          status: 'abnormal',
          boxes: [{ pixel: halfHeart, normalized: [0.37, 0.49, 0.8, 0.68] }],
        },
        { text: 'Small left pleural effusion.', status: null, boxes: record.actions[2]!.finalBoxes },
        { text: 'Sternal wires.', status: null, boxes: record.actions[3]!.finalBoxes },
        { text: 'Clear lungs.', status: 'normal', boxes: [] },
      ],
    });
    expect(record.draft!.findings.map((f) => [f.text, f.status, f.boxes.length])).toEqual([
      ['Severe cardiomegaly.', 'abnormal', 1],
      ['No pneumothorax.', 'normal', 0],
      ['Left effusion.', 'abnormal', 1],
      ['Clear lungs.', 'normal', 0],
    ]);
  });

  it('carries the draft provenance, the reading and keyed references only', () => {
    const record = build();
    expect(record).toMatchObject({
      schemaVersion: 1,
      kind: 'signed-report',
      view: 'PA',
      image: { width: 440, height: 440, resized: { width: 448, height: 448 }, imageTokens: 256 },
      model: draft.model,
      provider: draft.provider,
      prompts: draft.prompts,
      decoding: { maxNewTokens: 512, groundingMaxNewTokens: 96, sampling: null },
      reading: {
        version: 2,
        parentVersion: 1,
        role: 'radiologist',
        readerId: RADIOLOGIST.readerId,
        timeOnTaskMs: 123_000,
        signedAt: '2025-03-01T09:00:00.000Z',
      },
      exclude: { excluded: false, reason: null },
    });
    expect(record.decoding).not.toHaveProperty('stopTokenIds');
    expect(record.refs).toEqual({
      patient: pseudonym(SECRET, 'patient', IMAGE.patientKey),
      study: pseudonym(SECRET, 'study', IMAGE.studyUid),
      series: pseudonym(SECRET, 'series', IMAGE.seriesUid),
      instance: pseudonym(SECRET, 'instance', IMAGE.sopInstanceUid),
    });
    const again = build();
    expect(again.refs).toEqual(record.refs);
    expect(again.recordId).not.toBe(record.recordId);
    expect(record.recordId).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(record)).not.toContain('/data/patients');
  });

  it('describes a reading without a draft from the image alone', () => {
    const record = buildFeedbackRecord({
      kind: 'annotator-correction',
      reading: reading([
        finding({
          id: 'f000000000000003',
          text: 'Sternal wires.',
          state: 'added',
          boxes: [readerBox('b000000000000003', drawn, false)],
        }),
      ]),
      draft: null,
      image: { ...IMAGE, columns: 200, rows: 100, view: 'AP', photometric: 'MONOCHROME1' },
      secret: SECRET,
      reader: { role: 'annotator', readerId: 'r-00000000000000b2' },
      timeOnTaskMs: 0,
      createdAt: '2025-03-01T09:00:01.000Z',
    });
    expect(feedbackRecordSchema.parse(record)).toMatchObject({
      view: 'AP',
      model: null,
      provider: null,
      prompts: null,
      decoding: null,
      draft: null,
      image: {
        width: 200,
        height: 100,
        imageTokens: 0,
        rendition: { photometric: 'MONOCHROME1', inverted: true },
      },
    });
    expect(record.final.findings[0]!.boxes[0]!.normalized).toEqual([0.05, 0.2, 0.2, 0.6]);
  });
});

describe('a signed study with planted identifiers', () => {
  it('leaves no name, ID, UID, date or path of the patient in the record', async () => {
    const dir = tempDir();
    const file = join(dir, 'Plantedname-study.dcm');
    const planted = {
      PatientName: 'Plantedname^Secretperson',
      PatientID: 'PID-PLANTED-778',
      PatientBirthDate: '19450203',
      StudyInstanceUID: '1.2.826.0.1.3680043.10.1432.987654',
      SeriesInstanceUID: '1.2.826.0.1.3680043.10.1432.987654.7',
      StudyDate: '19770615',
      AccessionNumber: 'ACC-PLANTED-55',
      InstitutionName: 'Planted General Hospital',
    };
    const sopUid = '1.2.826.0.1.3680043.10.1432.987654.7.1';
    writeSynthetic(file, sopUid, { rows: 64, columns: 48, overrides: planted });
    const library = Library.open(join(dir, 'db.sqlite'), null);
    const studyId = (await library.importPaths([file])).studyIds[0]!;
    const instance = library.getStudy(studyId).series[0]!.instances[0]!;
    library.drafts.save(
      '00000000000000d1',
      studyId,
      demoDraft({ path: file, sopInstanceUid: sopUid, width: 48, height: 64 }, [
        modelFinding('Left effusion.', 'abnormal', [{ x: 4, y: 30, width: 12, height: 16 }]),
      ]),
    );
    const service = new ReadingService(library);
    let r = service.open(studyId);
    expect(r.instanceId).toBe(instance.id);
    r = service.apply(studyId, r.revision, { type: 'impression.set', text: 'Effusion.' }, RADIOLOGIST);
    service.sign(studyId, r.revision, RADIOLOGIST);
    const [stored] = library.feedback.list();
    const json = JSON.stringify(stored!.record);
    for (const value of [
      ...Object.values(planted),
      'Plantedname',
      'Secretperson',
      '1977-06-15',
      '1945-02-03',
      sopUid,
      '987654',
      dir,
      file,
      studyId,
      instance.id,
    ]) {
      expect(json).not.toContain(value);
    }
    expect(stored!.record.refs.patient).toBe(
      pseudonym(library.settings.pseudonymSecret(), 'patient', library.repo.patientKey(studyId)!),
    );
    expect(stored!.record.actions[0]!.finalBoxes[0]!.normalized).toEqual([0.08, 0.47, 0.33, 0.72]);
    library.close();
  });
});
