// The feedback record of a signed report or an annotator's correction: what the model drafted, what
// the reader made of it finding by finding, and how the draft was made. Identifiers of the patient,
// study, series and image enter only as keyed pseudonyms; nothing else from the DICOM header is copied.
import { randomBytes } from 'node:crypto';
import type { View } from '../../../shared/domain';
import type { Box, Draft } from '../../../shared/draft';
import type { FeedbackRecord, FindingAction, RecordBox, RecordFinding } from '../../../shared/feedback';
import type { Reading, ReadingFinding, Role } from '../../../shared/reading';
import { meanMatchedIou } from './box-match';
import { pseudonym } from './pseudonym';

/** The image the reading's boxes belong to, as the index knows it (local values, never copied as they are). */
export type RecordImage = {
  /** The patient row's key (patient ID and name). */
  patientKey: string;
  studyUid: string;
  seriesUid: string;
  sopInstanceUid: string;
  view: View;
  columns: number;
  rows: number;
  photometric: string;
  transferSyntaxUid: string;
};

export type RecordInput = {
  kind: FeedbackRecord['kind'];
  /** The final reading: signed or submitted, so signedAt is set. */
  reading: Reading;
  draft: Draft | null;
  image: RecordImage;
  secret: string;
  reader: { role: Role; readerId: string };
  timeOnTaskMs: number;
  createdAt: string;
};

const round2 = (v: number): number => Math.round(v * 100) / 100;

const plain = ({ x, y, width, height }: Box): Box => ({ x, y, width, height });

/** Pixels, and the model's convention: [x1, y1, x2, y2] as fractions of the image, 2 decimals. */
function recordBox(box: Box, width: number, height: number): RecordBox {
  return {
    pixel: plain(box),
    normalized: [
      round2(box.x / width),
      round2(box.y / height),
      round2((box.x + box.width) / width),
      round2((box.y + box.height) / height),
    ],
  };
}

const boxKey = (b: Box): string => `${b.x},${b.y},${b.width},${b.height}`;
const sameBoxes = (a: readonly Box[], b: readonly Box[]): boolean =>
  a.length === b.length && a.map(boxKey).sort().join(';') === b.map(boxKey).sort().join(';');

/** A finding the reader never touched was signed as the model wrote it. */
const finalState = (f: ReadingFinding): FindingAction['action'] =>
  f.state === 'pending' ? 'accepted' : f.state;

export function buildFeedbackRecord(input: RecordInput): FeedbackRecord {
  const { reading, draft, image, secret } = input;
  if (!reading.signedAt) throw new Error('a feedback record needs a signed or submitted reading');
  const width = draft?.image.width ?? image.columns;
  const height = draft?.image.height ?? image.rows;
  const toRecord = (boxes: readonly Box[]): RecordBox[] => boxes.map((b) => recordBox(b, width, height));
  const draftFinding = (f: ReadingFinding) =>
    f.modelIndex === null ? undefined : draft?.findings[f.modelIndex];

  const actions = reading.findings.map((f): FindingAction => {
    const action = finalState(f);
    const draftBoxes = (draftFinding(f)?.boxes ?? []).map(plain);
    const finalBoxes = action === 'rejected' ? [] : f.boxes.map(plain);
    return {
      action,
      draftText: f.modelText,
      finalText: action === 'rejected' ? null : f.text,
      draftBoxes: toRecord(draftBoxes),
      finalBoxes: toRecord(finalBoxes),
      boxIou: meanMatchedIou(draftBoxes, finalBoxes),
      boxesChanged: !sameBoxes(draftBoxes, finalBoxes),
    };
  });

  const kept = reading.findings.filter((f) => f.state !== 'rejected');
  const finalFindings = kept.map((f): RecordFinding => ({
    text: f.text,
    // The model's normal/abnormal label holds for its own sentence only.
    status: finalState(f) === 'accepted' ? (draftFinding(f)?.status ?? null) : null,
    boxes: toRecord(f.boxes),
  }));

  return {
    schemaVersion: 1,
    recordId: randomBytes(8).toString('hex'),
    kind: input.kind,
    createdAt: input.createdAt,
    refs: {
      patient: pseudonym(secret, 'patient', image.patientKey),
      study: pseudonym(secret, 'study', image.studyUid),
      series: pseudonym(secret, 'series', image.seriesUid),
      instance: pseudonym(secret, 'instance', image.sopInstanceUid),
    },
    view: draft?.image.view ?? image.view,
    image: draft
      ? {
          width,
          height,
          resized: draft.image.resized,
          imageTokens: draft.image.imageTokens,
          rendition: draft.image.rendition,
        }
      : {
          // Read without a draft: the model saw nothing, so no resize and no image tokens.
          width,
          height,
          resized: { width, height },
          imageTokens: 0,
          rendition: {
            frameIndex: 0,
            rows: image.rows,
            columns: image.columns,
            photometric: image.photometric,
            inverted: image.photometric === 'MONOCHROME1',
            transferSyntaxUid: image.transferSyntaxUid,
          },
        },
    model: draft?.model ?? null,
    provider: draft?.provider ?? null,
    prompts: draft?.prompts ?? null,
    decoding: draft
      ? {
          maxNewTokens: draft.decoding.maxNewTokens,
          groundingMaxNewTokens: draft.decoding.groundingMaxNewTokens,
          sampling: draft.decoding.sampling,
          coordinates: draft.decoding.coordinates,
        }
      : null,
    draft: draft
      ? {
          report: draft.report,
          findings: draft.findings.map((f) => ({ text: f.text, status: f.status, boxes: toRecord(f.boxes) })),
        }
      : null,
    final: {
      report: kept
        .map((f) => f.text.trim())
        .filter((t) => t.length > 0)
        .join(' '),
      impression: reading.impression,
      findings: finalFindings,
    },
    actions,
    reading: {
      version: reading.version,
      parentVersion: reading.parentVersion,
      role: input.reader.role,
      readerId: input.reader.readerId,
      timeOnTaskMs: input.timeOnTaskMs,
      signedAt: reading.signedAt,
    },
    exclude: { excluded: false, reason: null },
  };
}
