// Drafts of library studies for the app: the study's images from the index, the pack from the models
// folder, the draft itself in the inference process. Progress goes out as it comes; the finished draft
// is stored and the study marked drafted. Drafts run one at a time, in the order they were asked for.
// Each image goes with the sha256 pinned at intake; the inference process reads, hashes and renders the
// same bytes and refuses a file that no longer matches, and a draft is kept only if the bytes it was made
// from are still the pinned ones when it ends. A changed file is indexed again and the draft refused.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type {
  Draft,
  DraftImage,
  DraftProgress,
  DraftRequest,
  GroundResult,
  ProviderSetting,
} from '../../../shared/draft';
import { UserError, type Library } from '../library';
import { retryWhileBusy } from '../store/busy-retry';
import { storageMessage } from '../store/storage-errors';
import { DraftImageChangedError } from './image-changed';
import { DraftCancelledByUserError, type InferenceHost } from './inference-host';
import { pickFrontal } from './pick-image';

export const DEFAULT_PACK = 'lightbox-demo';

export type DraftLimits = { maxNewTokens: number; groundingMaxNewTokens: number };

/** A findings paragraph fits in 512 tokens; a grounding answer is one sentence with a few boxes. */
const DEFAULT_LIMITS: DraftLimits = { maxNewTokens: 512, groundingMaxNewTokens: 96 };

export type DraftServiceOptions = {
  host: InferenceHost;
  library: Library;
  /** Holds the packs, one folder each: lightbox-demo is drafted with when present, else the first. */
  modelsDir: string;
  emit: (progress: DraftProgress) => void;
  /** Remembers the pack files' sha256 by size and mtime, so a pack is hashed once, not per draft. */
  hashCacheFile: string | null;
  threads?: number;
  limits?: DraftLimits;
};

const hasManifest = (dir: string): boolean => existsSync(join(dir, 'manifest.json'));

/** The pack drafts use: models/lightbox-demo, else the first pack under models/. */
export function defaultPack(modelsDir: string): string {
  const demo = join(modelsDir, DEFAULT_PACK);
  if (hasManifest(demo)) return demo;
  let names: string[] = [];
  try {
    names = readdirSync(modelsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && hasManifest(join(modelsDir, e.name)))
      .map((e) => e.name)
      .sort();
  } catch {
    // No models folder: no packs.
  }
  if (names[0]) return join(modelsDir, names[0]);
  throw new UserError(
    `No model pack is installed: put one in ${modelsDir} (${DEFAULT_PACK} is used when present).`,
  );
}

type Job = { draftId: string; studyId: string; request: DraftRequest };

export class DraftService {
  private queue: Promise<void> = Promise.resolve();
  private readonly waiting = new Map<string, Job>();
  private runningId: string | null = null;

  constructor(private readonly options: DraftServiceOptions) {}

  /** Checks what can be checked at once (study, frontal image, pack), then queues the draft. */
  start(
    studyId: string,
    provider: ProviderSetting = 'auto',
  ): { draftId: string; sopInstanceUid: string | null } {
    const images = this.studyImages(studyId);
    // The inference process picks the same one from the same list.
    const frontal = this.frontal(images, 'drafted');
    const limits = this.options.limits ?? DEFAULT_LIMITS;
    const job: Job = {
      draftId: randomBytes(8).toString('hex'),
      studyId,
      request: {
        modelDir: defaultPack(this.options.modelsDir),
        provider,
        source: { kind: 'images', images },
        ...limits,
        sampling: null,
        ...(this.options.threads ? { threads: this.options.threads } : {}),
        hashCacheFile: this.options.hashCacheFile,
      },
    };
    this.waiting.set(job.draftId, job);
    this.queue = this.queue.then(() => this.run(job));
    return { draftId: job.draftId, sopInstanceUid: frontal.sopInstanceUid };
  }

  /**
   * "Ground this": the phrase on the image the study's latest draft was made from (where its boxes are
   * drawn), else on the study's frontal image. Queued behind any draft in progress.
   */
  async ground(studyId: string, phrase: string, provider: ProviderSetting = 'auto'): Promise<GroundResult> {
    const images = this.studyImages(studyId);
    const drafted = this.latest(studyId)?.image.sopInstanceUid;
    const image =
      images.find((i) => drafted && i.sopInstanceUid === drafted) ?? this.frontal(images, 'grounded');
    const limits = this.options.limits ?? DEFAULT_LIMITS;
    try {
      return await this.options.host.ground({
        modelDir: defaultPack(this.options.modelsDir),
        provider,
        image,
        phrase,
        maxNewTokens: limits.groundingMaxNewTokens,
        ...(this.options.threads ? { threads: this.options.threads } : {}),
        hashCacheFile: this.options.hashCacheFile,
      });
    } catch (err) {
      if (err instanceof DraftImageChangedError) throw await this.options.library.reindexChanged(image.path);
      throw err;
    }
  }

  private studyImages(studyId: string): DraftImage[] {
    const { library } = this.options;
    return library.getStudy(studyId).series.flatMap((series) =>
      series.instances.flatMap((instance) => {
        const location = library.repo.instance(instance.id);
        return location
          ? [
              {
                path: location.path,
                view: instance.view,
                sopInstanceUid: instance.sopInstanceUid,
                sha256: location.sha256,
              },
            ]
          : [];
      }),
    );
  }

  private frontal(images: DraftImage[], what: 'drafted' | 'grounded'): DraftImage {
    try {
      return pickFrontal(images);
    } catch (err) {
      throw new UserError(`This study cannot be ${what}: ${(err as Error).message}.`);
    }
  }

  /** The drafted file changed after intake: it is indexed again, and the draft is not kept. */
  private async refuseChanged(job: Job): Promise<Error> {
    if (job.request.source.kind !== 'images') return new Error('the image file changed on disk');
    const { path } = pickFrontal(job.request.source.images);
    const reindexed = await this.options.library.reindexChanged(path);
    return new UserError(`${reindexed.message} The draft was not kept; draft the study again.`);
  }

  /** Stops the draft whether it runs or waits; one that already ended is left as it is. */
  cancel(draftId: string): void {
    const job = this.waiting.get(draftId);
    if (job) {
      this.waiting.delete(draftId);
      this.send(job, { kind: 'error', message: 'The draft was cancelled.', cancelled: true });
    } else if (this.runningId === draftId) this.options.host.cancel();
  }

  latest(studyId: string): Draft | null {
    return this.options.library.drafts.latest(studyId);
  }

  private send(job: Job, event: DraftProgress['event']): void {
    this.options.emit({ draftId: job.draftId, studyId: job.studyId, event });
  }

  private async run(job: Job): Promise<void> {
    // Cancelled while it waited.
    if (!this.waiting.delete(job.draftId)) return;
    const { host, library } = this.options;
    this.runningId = job.draftId;
    try {
      const draft = await host.draft(job.request, (event) => this.send(job, event));
      // An import during the draft may have pinned other content for the file.
      if (draft.image.sha256 !== library.repo.findByPath(draft.image.path)?.sha256)
        throw new DraftImageChangedError(draft.image.path);
      // One transaction, so a retry after a busy library never saves the draft twice.
      const store = library.repo.db.transaction(() => {
        library.drafts.save(job.draftId, job.studyId, draft);
        // A signed study stays signed: a new draft does not undo the reader's sign-off.
        if (library.getStudy(job.studyId).status === 'new') library.repo.setStatus(job.studyId, 'drafted');
      });
      await retryWhileBusy(() => store.immediate());
      this.send(job, { kind: 'done', draft });
    } catch (caught) {
      const err = caught instanceof DraftImageChangedError ? await this.refuseChanged(job) : caught;
      const cancelled = err instanceof DraftCancelledByUserError;
      const message = cancelled
        ? 'The draft was cancelled.'
        : (storageMessage(err) ?? (err instanceof Error ? err.message : String(err)));
      this.send(job, { kind: 'error', message, cancelled });
    } finally {
      this.runningId = null;
    }
  }
}
