// Drafts of library studies as the app asks for them, through the real inference child process and the
// tiny exported pack: progress events, the stored draft, the study's status, cancel, a crash and a retry.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { pinMtime, swapKeepingStat } from '../../../helpers/swap-file';
import { exportTinyPack, WORKER_SOURCE } from '../../../helpers/tiny-pack';

const SAMPLE = join(SAMPLES, 'cxr/nih-cxr14-google_DX_implicitLE.dcm');

let workDir: string;
let modelsDir: string;
let host: InferenceHost;
let library: Library;
let studyId: string;
const events: DraftProgress[] = [];
/** Sees each event as it is emitted, before the service goes on. */
let tap: ((progress: DraftProgress) => void) | null = null;
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
    emit: (progress) => {
      events.push(progress);
      tap?.(progress);
    },
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
    expect(done.draft.image.sha256).toBe(library.repo.findByPath(SAMPLE)!.sha256);
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

describe('a file that changed on disk after intake', () => {
  /** A copy of a sample (one study each), imported with an mtime a swap can set back, and its study. */
  async function importedCopy(sample: string): Promise<{ file: string; study: string }> {
    const file = join(workDir, sample);
    copyFileSync(join(SAMPLES, 'cxr', sample), file);
    pinMtime(file);
    const report = await library.importPaths([file]);
    return { file, study: report.studyIds[0]! };
  }

  /** The same file with its last pixels changed: same size, same mtime. */
  function swap(file: string): string {
    const bytes = Uint8Array.from(readFileSync(file));
    bytes.fill(0, bytes.length - 4096);
    swapKeepingStat(file, bytes);
    return createHash('sha256').update(bytes).digest('hex');
  }

  it('is refused, indexed again, and drafted from the new pin the next time', async () => {
    const { file, study } = await importedCopy('barre_CR-MONO1-10-chest.dcm');
    const swapped = swap(file);
    const refused = service.start(study, 'cpu');
    expect((await ended(refused.draftId)).at(-1)).toEqual({
      kind: 'error',
      message: expect.stringMatching(
        /^The image file changed on disk after it was imported; it has been indexed again, .* The draft was not kept; draft the study again\.$/,
      ),
      cancelled: false,
    });
    expect(service.latest(study)).toBeNull();
    expect(library.repo.findByPath(file)!.sha256).toBe(swapped);
    const retry = service.start(study, 'cpu');
    const done = (await ended(retry.draftId)).at(-1);
    expect(done?.kind === 'done' && done.draft.image.sha256).toBe(swapped);
  });

  it('is not kept when the file was pinned to other content while it was drafted', async () => {
    const { file, study } = await importedCopy('siim-acr_nih_CR_jpegbaseline.dcm');
    const pinned = library.repo.findByPath(file)!.sha256;
    tap = (progress) => {
      // After the image was read and encoded: as an import of other content would leave the index.
      if (progress.event.kind === 'stage' && progress.event.stage === 'report')
        library.repo.db.prepare("UPDATE instances SET sha256 = 'other' WHERE path = ?").run(file);
    };
    try {
      const draft = service.start(study, 'cpu');
      const last = (await ended(draft.draftId)).at(-1);
      expect(last).toMatchObject({ kind: 'error', cancelled: false });
      expect(last?.kind === 'error' && last.message).toMatch(/The draft was not kept/);
    } finally {
      tap = null;
    }
    expect(service.latest(study)).toBeNull();
    // Indexed again from the file, whose bytes are the ones first pinned.
    expect(library.repo.findByPath(file)!.sha256).toBe(pinned);
  });

  it('is refused for grounding too', async () => {
    const { file, study } = await importedCopy('nema-wg04_RG1_J2KI.dcm');
    const swapped = swap(file);
    await expect(service.ground(study, 'There is a right pleural effusion.', 'cpu')).rejects.toThrow(
      /^The image file changed on disk after it was imported; it has been indexed again/,
    );
    expect(library.repo.findByPath(file)!.sha256).toBe(swapped);
  });
});
