// Hand-built feedback records with known quality numbers, for the summary, CSV, CLI and e2e tests,
// and the library they are stored in (a real SQLite file; records belong to an imported study).
import { join } from 'node:path';
import type { Box } from '../../../../../src/shared/draft';
import type { FeedbackRecord, FindingAction, RecordBox } from '../../../../../src/shared/feedback';
import { DATABASE_FILE } from '../../../../../src/main/paths';
import { Library } from '../../../../../src/main/services/library';
import { SAMPLES } from '../../../../helpers/paths';

const W = 1000;
const H = 800;

const box = (x: number, y: number, width: number, height: number): RecordBox => {
  const pixel: Box = { x, y, width, height };
  return { pixel, normalized: [x / W, y / H, (x + width) / W, (y + height) / H] };
};

const model = (id: string, version: string): NonNullable<FeedbackRecord['model']> => ({
  id,
  version,
  variant: 'q4',
  manifestSha256: 'a'.repeat(64),
  checkpointSha256: null,
  intendedUse: 'research',
});

const action = (
  kind: FindingAction['action'],
  draftText: string | null,
  finalText: string | null,
  draftBoxes: RecordBox[] = [],
  finalBoxes: RecordBox[] = [],
  boxIou: number | null = null,
): FindingAction => ({
  action: kind,
  draftText,
  finalText,
  draftBoxes,
  finalBoxes,
  boxIou,
  boxesChanged: JSON.stringify(draftBoxes) !== JSON.stringify(finalBoxes),
});

type Parts = Pick<FeedbackRecord, 'recordId' | 'createdAt' | 'model' | 'draft' | 'final' | 'actions'>;

function record(parts: Parts): FeedbackRecord {
  return {
    schemaVersion: 1,
    kind: 'signed-report',
    refs: { patient: 'p-1', study: 's-1', series: 'se-1', instance: 'i-1' },
    view: 'PA',
    image: {
      width: W,
      height: H,
      resized: { width: 448, height: 352 },
      imageTokens: 154,
      rendition: {
        frameIndex: 0,
        rows: H,
        columns: W,
        photometric: 'MONOCHROME2',
        inverted: false,
        transferSyntaxUid: '1.2.840.10008.1.2.1',
      },
    },
    provider: parts.model ? { provider: 'cpu', requested: 'auto', fallbackReason: null } : null,
    prompts: parts.model
      ? { reportGeneration: 'Write the findings.', phraseGrounding: 'Locate: {phrase}' }
      : null,
    decoding: parts.model
      ? { maxNewTokens: 256, groundingMaxNewTokens: 32, sampling: null, coordinates: 'tokens' as const }
      : null,
    reading: {
      version: 1,
      parentVersion: null,
      role: 'radiologist',
      readerId: 'r-00000000000000aa',
      timeOnTaskMs: 60_000,
      signedAt: parts.createdAt,
    },
    exclude: { excluded: false, reason: null },
    ...parts,
  };
}

const E1 = box(100, 100, 100, 100);
const E2 = box(100, 100, 100, 50); // IoU with E1: 0.5
const P = box(0, 0, 100, 100);
const N = box(50, 0, 100, 100); // IoU with P: 1/3

/**
 * Five records, listed out of time order. Expected per model version (see the summary test):
 * demo 1.0.0: two drafts; demo 2.0.0: one edited draft; 'research,"beta"' 0.1: one draft without
 * boxes; and one study read without a draft, which the quality view skips.
 */
export const QUALITY_RECORDS: FeedbackRecord[] = [
  record({
    recordId: '0000000000000003',
    createdAt: '2025-02-01T09:00:00.000Z',
    model: model('lightbox-demo', '2.0.0'),
    draft: {
      report: 'Left pleural effusion.',
      findings: [{ text: 'Left pleural effusion.', status: 'abnormal', boxes: [E1] }],
    },
    final: {
      report: 'Small left pleural effusion.',
      impression: 'Effusion.',
      findings: [{ text: 'Small left pleural effusion.', status: 'abnormal', boxes: [E2] }],
    },
    actions: [action('edited', 'Left pleural effusion.', 'Small left pleural effusion.', [E1], [E2], 0.5)],
  }),
  record({
    recordId: '0000000000000001',
    createdAt: '2025-01-01T09:00:00.000Z',
    model: model('lightbox-demo', '1.0.0'),
    draft: {
      report: 'Small left pleural effusion. No pneumothorax.',
      findings: [
        { text: 'Small left pleural effusion.', status: 'abnormal', boxes: [E1] },
        { text: 'No pneumothorax.', status: 'normal', boxes: [] },
      ],
    },
    final: {
      report: 'Small left pleural effusion. No pneumothorax.',
      impression: 'Small left effusion.',
      findings: [
        { text: 'Small left pleural effusion.', status: 'abnormal', boxes: [E1] },
        { text: 'No pneumothorax.', status: 'normal', boxes: [] },
      ],
    },
    actions: [
      action('accepted', 'Small left pleural effusion.', 'Small left pleural effusion.', [E1], [E1], 1),
      action('accepted', 'No pneumothorax.', 'No pneumothorax.'),
    ],
  }),
  record({
    recordId: '0000000000000005',
    createdAt: '2025-01-10T09:00:00.000Z',
    model: null,
    draft: null,
    final: {
      report: 'Normal chest.',
      impression: 'Normal.',
      findings: [{ text: 'Normal chest.', status: null, boxes: [] }],
    },
    actions: [action('added', null, 'Normal chest.')],
  }),
  record({
    recordId: '0000000000000004',
    createdAt: '2025-01-15T09:00:00.000Z',
    model: model('research,"beta"', '0.1'),
    draft: {
      report: 'No acute findings.',
      findings: [{ text: 'No acute findings.', status: 'normal', boxes: [] }],
    },
    final: {
      report: 'No acute findings.',
      impression: 'Normal.',
      findings: [{ text: 'No acute findings.', status: 'normal', boxes: [] }],
    },
    actions: [action('accepted', 'No acute findings.', 'No acute findings.')],
  }),
  record({
    recordId: '0000000000000002',
    createdAt: '2025-01-02T09:00:00.000Z',
    model: model('lightbox-demo', '1.0.0'),
    draft: {
      report: 'Cardiomegaly. Right pneumothorax.',
      findings: [
        { text: 'Cardiomegaly.', status: 'abnormal', boxes: [] },
        { text: 'Right pneumothorax.', status: 'abnormal', boxes: [P] },
      ],
    },
    final: {
      report: 'Cardiomegaly. Nodule.',
      impression: 'Cardiomegaly and a nodule.',
      findings: [
        { text: 'Cardiomegaly.', status: 'abnormal', boxes: [] },
        { text: 'Nodule.', status: 'abnormal', boxes: [N] },
      ],
    },
    actions: [
      action('accepted', 'Cardiomegaly.', 'Cardiomegaly.'),
      action('rejected', 'Right pneumothorax.', null, [P], []),
      action('added', null, 'Nodule.', [], [N]),
    ],
  }),
];

/** A library in dataDir holding one imported sample study, with the records stored against it. */
export async function seedQualityLibrary(dataDir: string, records = QUALITY_RECORDS): Promise<void> {
  const library = Library.open(join(dataDir, DATABASE_FILE), null);
  try {
    const report = await library.importPaths([join(SAMPLES, 'cxr/siim-acr_nih_CR_jpegbaseline.dcm')]);
    const study = library.getStudy(report.studyIds[0]!);
    const instanceId = study.series[0]!.instances[0]!.id;
    for (const r of records) library.feedback.insert(study.id, 1, instanceId, r);
  } finally {
    library.close();
  }
}
