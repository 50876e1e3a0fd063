// Shared by the reading, feedback-record and IPC tests: a real demo study in a temp library, a
// hand-built draft of it (valid against draftSchema), and the two kinds of reader.
import { join } from 'node:path';
import { draftSchema, type Draft } from '../../../../src/shared/draft';
import type { Instance } from '../../../../src/shared/domain';
import type { ReaderProfile } from '../../../../src/shared/reading';
import type { Library } from '../../../../src/main/services/library';
import { SAMPLES } from '../../../helpers/paths';

export const CARDIOMEGALY = join(SAMPLES, 'demo/demo-02-cardiomegaly.dcm');

export const RADIOLOGIST: ReaderProfile = {
  readerId: 'r-00000000000000a1',
  displayName: 'Dr Test',
  role: 'radiologist',
  source: 'local',
};

export const ANNOTATOR: ReaderProfile = {
  readerId: 'r-00000000000000b2',
  displayName: 'Ann Otator',
  role: 'annotator',
  source: 'local',
};

/** The model's cardiomegaly box on the 440 x 440 demo image (samples/demo/*.truth.json). */
export const HEART_BOX = { x: 160.61, y: 216.04, width: 190.96, height: 162.36 };

export function demoDraft(
  image: { path: string; sopInstanceUid: string | null; sha256?: string; width?: number; height?: number },
  findings: Draft['findings'] = [
    {
      text: 'Severe cardiomegaly.',
      status: 'abnormal',
      boxes: [HEART_BOX],
      box_source: 'model',
      dropped: [],
      grounding: null,
    },
    {
      text: 'No pleural effusion or pneumothorax.',
      status: 'normal',
      boxes: [],
      box_source: 'model',
      dropped: [],
      grounding: null,
    },
  ],
  createdAt = '2025-01-02T03:04:05.000Z',
): Draft {
  const width = image.width ?? 440;
  const height = image.height ?? 440;
  return draftSchema.parse({
    model: {
      id: 'lightbox-demo',
      version: '0.1.0',
      variant: 'fp32',
      manifestSha256: 'a'.repeat(64),
      checkpointSha256: null,
      intendedUse: 'demo-not-for-clinical-use',
    },
    provider: { provider: 'cpu', requested: 'auto', fallbackReason: null },
    image: {
      path: image.path,
      sopInstanceUid: image.sopInstanceUid,
      ...(image.sha256 ? { sha256: image.sha256 } : {}),
      view: 'PA',
      width,
      height,
      resized: { width: 448, height: 448 },
      imageTokens: 256,
      rendition: {
        frameIndex: 0,
        rows: height,
        columns: width,
        photometric: 'MONOCHROME2',
        inverted: false,
        transferSyntaxUid: '1.2.840.10008.1.2.1',
      },
    },
    prompts: { reportGeneration: 'Describe the findings.', phraseGrounding: 'Locate: {phrase}' },
    decoding: { maxNewTokens: 512, groundingMaxNewTokens: 96, sampling: null, stopTokenIds: [2] },
    tokens: { prefix: 300, reportPrompt: 12, reportGenerated: 20 },
    stopReason: 'stop-token',
    rawText: findings.map((f) => f.text).join(' '),
    report: findings.map((f) => f.text).join(' '),
    thinking: [],
    findings,
    timings: {
      loadModelMs: 1,
      renderMs: 1,
      preprocessMs: 1,
      encodeImageMs: 1,
      prefixPrefillMs: 1,
      reportPrefillMs: 1,
      reportDecodeMs: 1,
      groundingMs: 1,
      totalMs: 8,
    },
    createdAt,
  });
}

/** Imports the file and returns its study and (only) image. */
export async function importStudy(
  library: Library,
  file = CARDIOMEGALY,
): Promise<{ studyId: string; instance: Instance }> {
  const studyId = (await library.importPaths([file])).studyIds[0]!;
  const instance = library.getStudy(studyId).series[0]!.instances[0]!;
  return { studyId, instance };
}

/** A draft of the study's image saved as the pipeline would; returns the draft row's id. */
export function saveDraft(
  library: Library,
  studyId: string,
  instance: Instance,
  id = '00000000000000d1',
  createdAt?: string,
): string {
  // Made from the bytes pinned now, as the draft service keeps it.
  const { path, sha256 } = library.repo.instance(instance.id)!;
  library.drafts.save(
    id,
    studyId,
    demoDraft(
      {
        path,
        sopInstanceUid: instance.sopInstanceUid,
        sha256,
        width: instance.columns,
        height: instance.rows,
      },
      undefined,
      createdAt,
    ),
  );
  return id;
}
