// Feedback records built by hand for the export tests: real DICOM files imported into a real library,
// and records that satisfy feedbackRecordSchema referring to their instances.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeedbackRecord, FindingAction, RecordBox } from '../../../../../src/shared/feedback';
import { renderDicom } from '../../../../../src/main/services/dicom/pixels';
import { pseudonym } from '../../../../../src/main/services/feedback/pseudonym';
import { Library } from '../../../../../src/main/services/library';
import { syntheticDicom } from '../../../../helpers/synthetic-dicom';

export const PROMPTS = {
  reportGeneration: 'Provide a radiology report for this Chest X-Ray.',
  phraseGrounding: 'Please locate the following sentence: {phrase}',
};

export type ImportedImage = { studyId: string; instanceId: string; path: string; patientKey: string };

export const openLibrary = (dir: string): Library => Library.open(join(dir, 'lightbox.sqlite'), null);

/** Writes the file, imports it and finds its instance. */
export async function importFile(
  library: Library,
  path: string,
  bytes: Uint8Array,
  sopUid: string,
): Promise<ImportedImage> {
  writeFileSync(path, bytes);
  const report = await library.importPaths([path]);
  if (report.rejected.length > 0) throw new Error(`import rejected: ${report.rejected[0]!.reason}`);
  for (const studyId of report.studyIds) {
    const study = library.getStudy(studyId);
    const instance = study.series.flatMap((s) => s.instances).find((i) => i.sopInstanceUid === sopUid);
    if (instance) return { studyId, instanceId: instance.id, path, patientKey: study.patientId };
  }
  throw new Error(`instance ${sopUid} not found after import`);
}

let counter = 0;

/** A 48x32 synthetic radiograph of its own study; BurnedInAnnotation NO unless overridden. */
export async function importSynthetic(
  library: Library,
  dir: string,
  overrides: Record<string, unknown> = {},
): Promise<ImportedImage> {
  counter++;
  const root = `1.2.826.0.1.3680043.10.1432.${process.pid}.${counter}`;
  const sopUid = `${root}.1.1`;
  const pixels = new Uint16Array(32 * 48).map((_, i) => (i * 37) % 4096);
  const bytes = syntheticDicom(sopUid, {
    rows: 32,
    columns: 48,
    pixels,
    overrides: {
      StudyInstanceUID: root,
      SeriesInstanceUID: `${root}.1`,
      PatientName: 'Fixture^Alma',
      PatientID: `PAT${1000 + counter}`,
      BurnedInAnnotation: 'NO',
      ...overrides,
    },
  });
  return importFile(library, join(dir, `image-${counter}.dcm`), bytes, sopUid);
}

const round2 = (v: number) => Math.round(v * 100) / 100;

export const WIDTH = 48;
export const HEIGHT = 32;

export function box(x: number, y: number, width: number, height: number): RecordBox {
  return {
    pixel: { x, y, width, height },
    normalized: [
      round2(x / WIDTH),
      round2(y / HEIGHT),
      round2((x + width) / WIDTH),
      round2((y + height) / HEIGHT),
    ],
  };
}

export const BOXES = {
  effusion: box(30, 18, 12, 10),
  nodule: box(6, 4, 8, 6),
  noduleMoved: box(8, 5, 9, 6),
  heart: box(16, 12, 18, 14),
  atelectasisA: box(28, 24, 10, 6),
  atelectasisB: box(4, 24, 8, 6),
};

/**
 * The standard reading: effusion accepted as drafted, nodule reworded and its box moved, cardiomegaly
 * rejected, "No pneumothorax." accepted (no box), atelectasis added with two boxes.
 */
export function readingParts(): Pick<FeedbackRecord, 'draft' | 'final' | 'actions'> {
  const { effusion, nodule, noduleMoved, heart, atelectasisA, atelectasisB } = BOXES;
  const action = (a: Partial<FindingAction> & Pick<FindingAction, 'action'>): FindingAction => ({
    draftText: null,
    finalText: null,
    draftBoxes: [],
    finalBoxes: [],
    boxIou: null,
    boxesChanged: false,
    ...a,
  });
  return {
    draft: {
      report: 'Findings: Left pleural effusion. Right upper lobe nodule. Cardiomegaly. No pneumothorax.',
      findings: [
        { text: 'Left pleural effusion.', status: 'abnormal', boxes: [effusion] },
        { text: 'Right upper lobe nodule.', status: 'abnormal', boxes: [nodule] },
        { text: 'Cardiomegaly.', status: 'abnormal', boxes: [heart] },
        { text: 'No pneumothorax.', status: 'normal', boxes: [] },
      ],
    },
    final: {
      report:
        'Left pleural effusion. Right upper lobe nodule, 8 mm. No pneumothorax. Left basal atelectasis.',
      impression: 'Small left effusion.',
      findings: [
        { text: 'Left pleural effusion.', status: 'abnormal', boxes: [effusion] },
        { text: 'Right upper lobe nodule, 8 mm.', status: null, boxes: [noduleMoved] },
        { text: 'No pneumothorax.', status: 'normal', boxes: [] },
        { text: 'Left basal atelectasis.', status: null, boxes: [atelectasisA, atelectasisB] },
      ],
    },
    actions: [
      action({
        action: 'accepted',
        draftText: 'Left pleural effusion.',
        finalText: 'Left pleural effusion.',
        draftBoxes: [effusion],
        finalBoxes: [effusion],
        boxIou: 1,
      }),
      action({
        action: 'edited',
        draftText: 'Right upper lobe nodule.',
        finalText: 'Right upper lobe nodule, 8 mm.',
        draftBoxes: [nodule],
        finalBoxes: [noduleMoved],
        boxIou: 0.5,
        boxesChanged: true,
      }),
      action({
        action: 'rejected',
        draftText: 'Cardiomegaly.',
        draftBoxes: [heart],
        boxIou: 0,
        boxesChanged: true,
      }),
      action({ action: 'accepted', draftText: 'No pneumothorax.', finalText: 'No pneumothorax.' }),
      action({
        action: 'added',
        finalText: 'Left basal atelectasis.',
        finalBoxes: [atelectasisA, atelectasisB],
        boxesChanged: true,
      }),
    ],
  };
}

/** A signed report of the image, as the reading service writes it, with `changes` applied. */
export async function makeRecord(
  library: Library,
  image: ImportedImage,
  changes: Partial<FeedbackRecord> = {},
): Promise<FeedbackRecord> {
  const secret = library.settings.pseudonymSecret();
  const { info } = await renderDicom(await library.instanceBytes(image.instanceId), {
    frame: 0,
    window: { kind: 'auto' },
  });
  return {
    schemaVersion: 1,
    recordId: randomBytes(8).toString('hex'),
    kind: 'signed-report',
    createdAt: '2025-03-02T10:00:00.000Z',
    refs: {
      patient: pseudonym(secret, 'patient', image.patientKey),
      study: pseudonym(secret, 'study', image.studyId),
      series: pseudonym(secret, 'series', image.studyId),
      instance: pseudonym(secret, 'instance', image.instanceId),
    },
    view: 'PA',
    image: {
      width: info.columns,
      height: info.rows,
      resized: { width: 64, height: 32 },
      imageTokens: 8,
      rendition: info,
    },
    model: {
      id: 'radvlm-grpo',
      version: '1.0.0',
      variant: 'q4',
      manifestSha256: 'ab'.repeat(32),
      checkpointSha256: null,
      intendedUse: 'research',
    },
    provider: { provider: 'cpu', requested: 'auto', fallbackReason: null },
    prompts: PROMPTS,
    decoding: { maxNewTokens: 512, groundingMaxNewTokens: 96, sampling: null, coordinates: 'median' },
    ...readingParts(),
    reading: {
      version: 1,
      parentVersion: null,
      role: 'radiologist',
      readerId: 'r-0123456789abcdef',
      timeOnTaskMs: 61_000,
      signedAt: '2025-03-02T10:01:01.000Z',
    },
    exclude: { excluded: false, reason: null },
    ...changes,
  };
}

/** A radiologist's statement that the image's pinned content is clean (or its withdrawal). */
export function confirmClean(
  library: Library,
  image: Pick<ImportedImage, 'instanceId'>,
  clean = true,
  at = '2025-03-01T00:00:00.000Z',
): void {
  library.feedback.confirmClean(
    library.repo.instance(image.instanceId)!.sha256,
    clean,
    'r-0123456789abcdef',
    at,
  );
}

/** Makes the record and stores it as the reading service does. */
export async function insertRecord(
  library: Library,
  image: ImportedImage,
  changes: Partial<FeedbackRecord> = {},
): Promise<FeedbackRecord> {
  const record = await makeRecord(library, image, changes);
  library.feedback.insert(image.studyId, record.reading.version, image.instanceId, record);
  return record;
}
