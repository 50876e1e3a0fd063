// A verified pack opened on an execution provider, with its tokenizer: what drafting needs, kept open
// between drafts in the inference process. A GPU provider is proven with one tiny run of each graph
// before it is trusted, so that a provider failing at its first run falls back to the CPU here.
import type { ExecutionProvider, ProviderChoice, ProviderSetting } from '../../../../shared/draft';
import { openWithFallback, type Platform } from './execution-providers';
import { loadPack, type ModelPack } from './load-pack';
import { preprocessImage } from './preprocess-image';
import { ModelSession } from './session';
import { PromptTokenizer } from './tokenizer';

export type OpenModel = {
  pack: ModelPack;
  session: ModelSession;
  tokenizer: PromptTokenizer;
  provider: ProviderChoice;
};

export type OpenModelOptions = {
  dir: string;
  provider: ProviderSetting;
  variant?: string;
  threads?: number;
  hashCacheFile: string | null;
  /** For tests; the running machine by default. */
  platform?: Platform;
};

/** On the CPU 4-bit weights are fastest and fp16 is computed in fp32 anyway; GPUs do best with fp16. */
const VARIANT_PREFERENCE: Record<ExecutionProvider, string[]> = {
  cpu: ['q4', 'fp32', 'fp16'],
  cuda: ['fp16', 'q4', 'fp32'],
  dml: ['fp16', 'fp32', 'q4'],
  coreml: ['fp16', 'fp32', 'q4'],
};

/** A blank picture of (at least) one image token through the three graphs. */
async function smokeRun(session: ModelSession, pack: ModelPack): Promise<void> {
  const side = pack.imageConfig.patchSize * pack.imageConfig.mergeSize;
  const blank = { pixels: new Uint8Array(side * side), width: side, height: side, channels: 1 as const };
  const image = preprocessImage(blank, pack.imageConfig);
  const encoding = await session.encodeImage(image.pixelValues, image.dims, image.gridThw);
  const embeds = await session.embed([pack.rope.imageTokenId]);
  embeds.set(encoding.features.subarray(0, session.hiddenSize));
  await session.forward({ embeds, positionIds: new BigInt64Array(3), deepstack: null }, session.emptyCache());
}

export async function openModel(options: OpenModelOptions): Promise<OpenModel> {
  const { value, choice } = await openWithFallback(
    options.provider,
    async (provider) => {
      const pack = await loadPack(options.dir, {
        variant: options.variant,
        preferVariants: VARIANT_PREFERENCE[provider],
        hashCacheFile: options.hashCacheFile,
      });
      const session = await ModelSession.open(pack.graphs, {
        threads: options.threads,
        executionProviders: [provider],
        kvCache: pack.kvCache,
      });
      if (provider !== 'cpu') {
        try {
          await smokeRun(session, pack);
        } catch (err) {
          await session.release();
          throw err;
        }
      }
      return { pack, session };
    },
    options.platform,
  );
  const tokenizer = await PromptTokenizer.load(value.pack.dir);
  return { ...value, tokenizer, provider: choice };
}

/** The model of the last draft, reopened only when the pack, provider, variant or threads change. */
export class ModelCache {
  private current: { key: string; model: Promise<OpenModel> } | null = null;

  async get(options: OpenModelOptions): Promise<{ model: OpenModel; reused: boolean }> {
    const { dir, provider, variant, threads } = options;
    const key = JSON.stringify([dir, provider, variant ?? null, threads ?? null]);
    if (this.current?.key === key) {
      try {
        return { model: await this.current.model, reused: true };
      } catch {
        // A failed open is not remembered: the pack may have been fixed since.
      }
    }
    await this.release();
    const model = openModel(options);
    this.current = { key, model };
    return { model: await model, reused: false };
  }

  async release(): Promise<void> {
    const previous = this.current;
    this.current = null;
    await previous?.model.then((m) => m.session.release()).catch(() => undefined);
  }
}
