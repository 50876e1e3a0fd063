// A finished draft of the NEMA J2K chest (1841 x 1955, MONOCHROME1) with findings and boxes chosen by the
// test, stored as the draft service stores one: for specs that need known boxes, not the model's.
import { join } from 'node:path';
import type { Draft, Finding } from '../../../src/shared/draft';
import { SAMPLE_DIR } from './fixture-dirs';

export const NEMA_WIDTH = 1841;
export const NEMA_HEIGHT = 1955;

export function nemaDraft(sopInstanceUid: string, findings: Finding[]): Draft {
  const text = findings.map((f) => f.text).join(' ');
  return {
    model: {
      id: 'boxes-fixture',
      version: '1',
      variant: 'fp32',
      manifestSha256: '0'.repeat(64),
      checkpointSha256: null,
      intendedUse: 'clinical-research',
    },
    provider: { provider: 'cpu', requested: 'auto', fallbackReason: null },
    image: {
      path: join(SAMPLE_DIR, 'nema-wg04_RG1_J2KI.dcm'),
      sopInstanceUid,
      view: 'PA',
      width: NEMA_WIDTH,
      height: NEMA_HEIGHT,
      resized: { width: 640, height: 672 },
      imageTokens: 420,
      rendition: {
        frameIndex: 0,
        rows: NEMA_HEIGHT,
        columns: NEMA_WIDTH,
        photometric: 'MONOCHROME1',
        inverted: true,
        transferSyntaxUid: '1.2.840.10008.1.2.4.91',
      },
    },
    prompts: { reportGeneration: 'Provide a radiology report for this Chest X-Ray.', phraseGrounding: '' },
    decoding: {
      maxNewTokens: 1,
      groundingMaxNewTokens: 1,
      sampling: null,
      stopTokenIds: [],
      coordinates: 'tokens',
    },
    tokens: { prefix: 0, reportPrompt: 0, reportGenerated: 0 },
    stopReason: 'stop-token',
    rawText: text,
    report: text,
    thinking: [],
    findings,
    timings: {
      loadModelMs: 0,
      renderMs: 0,
      preprocessMs: 0,
      encodeImageMs: 0,
      prefixPrefillMs: 0,
      reportPrefillMs: 0,
      reportDecodeMs: 0,
      groundingMs: 0,
      totalMs: 0,
    },
    createdAt: new Date().toISOString(),
  };
}
