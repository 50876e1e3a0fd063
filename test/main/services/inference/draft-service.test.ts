// Drafts of library studies as the app asks for them, through the real inference child process and the
// tiny exported pack: progress events, the stored draft, the study's status, cancel, a crash and a retry.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DraftProgress } from '../../../../src/shared/draft';
import { defaultPack, DraftService } from '../../../../src/main/services/inference/draft-service';
import { forkInference } from '../../../../src/main/services/inference/fork-inference-process';
import {
  createInferenceHost,
  type InferenceHost,
} from '../../../../src/main/services/inference/inference-host';
import { Library } from '../../../../src/main/services/library';
import { SAMPLES } from '../../../helpers/paths';
import { exportTinyPack, WORKER_SOURCE } from '../../../helpers/tiny-pack';

const SAMPLE = join(SAMPLES, 'cxr/nih-cxr14-google_DX_implicitLE.dcm');

let workDir: string;
let modelsDir: string;
let host: InferenceHost;
let library: Library;
let studyId: string;
const events: DraftProgress[] = [];
let service: DraftService;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'lightbox-draft-service-'));
  modelsDir = join(workDir, 'models');
  exportTinyPack(modelsDir);
  host = createInferenceHost(forkInference(WORKER_SOURCE));
  library = Library.open(join(workDir, 'lightbox.sqlite'), null);
  studyId = (await library.importPaths([SAMPLE])).studyIds[0]!;
  service = new DraftService({
    host,
    library,
    modelsDir,
    emit: (progress) => events.push(progress),
    hashCacheFile: join(workDir, 'hashes.json'),
    threads: 2,
    limits: { maxNewTokens: 12, groundingMaxNewTokens: 8 },
  });
});

afterAll(async () => {
  await host?.dispose();
  library?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** The events of one draft until it ends. */
async function ended(draftId: string): Promise<DraftProgress['event'][]> {
  const mine = () => events.filter((e) => e.draftId === draftId).map((e) => e.event);
  await expect
    .poll(() => mine().some((e) => e.kind === 'done' || e.kind === 'error'), { timeout: 60_000 })
    .toBe(true);
  return mine();
}

describe('the models folder', () => {
  it('prefers lightbox-demo, else takes the first pack, else says none is installed', () => {
    expect(defaultPack(modelsDir)).toBe(join(modelsDir, 'tiny'));
    const empty = join(workDir, 'empty-models');
    mkdirSync(empty);
    expect(() => defaultPack(empty)).toThrow(`No model pack is installed: put one in ${empty}`);
    expect(() => defaultPack(join(workDir, 'missing'))).toThrow('No model pack is installed');
  });
});

describe('drafting a library study', () => {
  it('streams the draft, stores it and marks the study drafted', async () => {
    expect(service.latest(studyId)).toBeNull();
    const { draftId, sopInstanceUid } = service.start(studyId, 'cpu');
    const progress = await ended(draftId);
    const kinds = new Set(progress.map((e) => e.kind));
    expect([...kinds]).toEqual(['stage', 'provider', 'model', 'report-text', 'finding', 'done']);
    const done = progress.at(-1);
    if (done?.kind !== 'done') throw new Error('no draft');
    expect(done.draft.image.path).toBe(SAMPLE);
    expect(done.draft.image.sopInstanceUid).toBe(sopInstanceUid);
    expect(progress.find((e) => e.kind === 'model')).toEqual({ kind: 'model', model: done.draft.model });
    expect(done.draft.provider.provider).toBe('cpu');
    expect(progress.flatMap((e) => (e.kind === 'report-text' ? [e.delta] : [])).join('')).toBe(
      done.draft.rawText,
    );
    expect(service.latest(studyId)).toEqual(done.draft);
    expect(library.getStudy(studyId).status).toBe('drafted');
  });

  it('grounds a phrase on the drafted image, as the draft grounds its findings', async () => {
    const draft = service.latest(studyId)!;
    // The draft grounded its abnormal sentences with the same prompt; greedy decoding repeats itself.
    const grounded = draft.findings.find((f) => f.grounding);
    const phrase = grounded?.text ?? 'There is a right pleural effusion.';
    const result = await service.ground(studyId, phrase, 'cpu');
    if (grounded) expect(result.rawText).toBe(grounded.grounding!.rawText);
    expect(result.boxes.length + result.dropped.length).toBeGreaterThan(0);
    for (const box of result.boxes) {
      expect(box.x + box.width).toBeLessThanOrEqual(draft.image.width);
      expect(box.y + box.height).toBeLessThanOrEqual(draft.image.height);
    }
    expect(await service.ground(studyId, phrase, 'cpu')).toEqual(result);
  });

  it('refuses an unknown study at once', () => {
    expect(() => service.start('0123456789abcdef')).toThrow('This study is no longer in the library.');
  });

  it('cancels a draft while it runs, and one that waits behind it', async () => {
    const before = service.latest(studyId);
    const running = service.start(studyId, 'cpu');
    const waiting = service.start(studyId, 'cpu');
    service.cancel(waiting.draftId);
    await expect.poll(() => events.some((e) => e.draftId === running.draftId)).toBe(true);
    service.cancel(running.draftId);
    for (const id of [running.draftId, waiting.draftId])
      expect((await ended(id)).at(-1)).toEqual({
        kind: 'error',
        message: 'The draft was cancelled.',
        cancelled: true,
      });
    expect(service.latest(studyId)).toEqual(before);
  });

  it('reports a crash of the inference process, and the next draft works', async () => {
    const crashed = service.start(studyId, 'cpu');
    await expect.poll(() => events.some((e) => e.draftId === crashed.draftId)).toBe(true);
    process.kill(host.pid!, 'SIGKILL');
    const last = (await ended(crashed.draftId)).at(-1);
    expect(last).toMatchObject({ kind: 'error', cancelled: false });
    expect(last?.kind === 'error' && last.message).toMatch(/^The inference process was killed/);
    const retry = service.start(studyId, 'cpu');
    expect((await ended(retry.draftId)).at(-1)?.kind).toBe('done');
  });
});
