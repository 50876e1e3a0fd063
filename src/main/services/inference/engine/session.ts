// The pack's three ONNX graphs in onnxruntime-node (docs/model-pack.md, contract 1.1): vision encoder,
// token embeddings, and the decoder with its KV cache, whole (contract 1) or grown in place (a delta
// decoder, kv-buffer.ts). Sizes are read from the graphs, not assumed.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { KvBuffer, type BufferKvCache } from './kv-buffer';

export type GraphPaths = { visionEncoder: string; embedTokens: string; decoder: string };

/** The manifest's kv_cache: "delta" for a decoder that returns only the new positions, "full" for
 * contract 1's decoder that returns the whole cache. */
export type KvCacheLayout = 'full' | 'delta';

export type SessionOptions = {
  threads?: number;
  /** onnxruntime provider names in order of preference; default CPU only. */
  executionProviders?: readonly string[];
  /** Default "full", as a pack without kv_cache in its manifest. */
  kvCache?: KvCacheLayout;
};

/** An image through the vision encoder: computed once, scattered into every prompt that shows it. */
export type ImageEncoding = {
  tokens: number;
  /** [tokens, hidden] */
  features: Float32Array;
  /** [levels, tokens, hidden]; empty for a decoder without DeepStack. */
  deepstack: Float32Array;
};

/** Keys and values of the tokens seen so far: per layer as a contract 1 decoder returned them, or in a
 * buffer shared with the caches it continues (see kv-buffer.ts for when such a cache stays usable). */
export type KvCache =
  | { readonly layout: 'full'; readonly length: number; readonly tensors: Record<string, Tensor> }
  | BufferKvCache;

export type ForwardInput = {
  /** [length, hidden] for batch 1. */
  embeds: Float32Array;
  /** [3, 1, length] */
  positionIds: BigInt64Array;
  /** [levels, 1, length, hidden], zeros outside image positions; ignored without DeepStack. */
  deepstack: Float32Array | null;
};

const PAST = 'past_key_values.';
const PRESENT = 'present.';
const PRESENT_DELTA = 'present_delta.';
const DEEPSTACK = 'deepstack_visual_embeds';

function fixedDim(session: InferenceSession, input: string, axis: number): number {
  const meta = session.inputMetadata.find((m) => m.name === input);
  const dim = meta?.isTensor ? meta.shape[axis] : undefined;
  if (typeof dim !== 'number') throw new Error(`graph input ${input} has no fixed size on axis ${axis}`);
  return dim;
}

function floats(tensor: Tensor | undefined, name: string): Float32Array {
  if (tensor?.type !== 'float32') throw new Error(`graph output ${name} is missing or not float32`);
  return tensor.data as Float32Array;
}

export class ModelSession {
  readonly hiddenSize: number;
  /** DeepStack levels the decoder adds; 0 for a community export without them. */
  readonly deepstackLevels: number;
  private readonly pastNames: string[];
  /** Decoder output that carries each past input's keys or values, in pastNames' order. */
  private readonly presentNames: string[];

  private constructor(
    private readonly vision: InferenceSession,
    private readonly embedding: InferenceSession,
    private readonly decoder: InferenceSession,
    readonly kvCache: KvCacheLayout,
  ) {
    this.hiddenSize = fixedDim(decoder, 'inputs_embeds', 2);
    this.deepstackLevels = decoder.inputNames.includes(DEEPSTACK) ? fixedDim(decoder, DEEPSTACK, 0) : 0;
    this.pastNames = decoder.inputNames.filter((n) => n.startsWith(PAST));
    const present = kvCache === 'delta' ? PRESENT_DELTA : PRESENT;
    this.presentNames = this.pastNames.map((n) => present + n.slice(PAST.length));
    const missing = this.presentNames.find((n) => !decoder.outputNames.includes(n));
    if (missing) {
      const declared = kvCache === 'delta' ? 'a delta KV cache' : 'no kv_cache (the whole cache)';
      throw new Error(`the decoder has no output ${missing}, but the pack's manifest declares ${declared}`);
    }
  }

  static async open(graphs: GraphPaths, options: SessionOptions = {}): Promise<ModelSession> {
    const sessionOptions: InferenceSession.SessionOptions = {
      executionProviders: [...(options.executionProviders ?? ['cpu'])],
      ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
    };
    const [vision, embedding, decoder] = await Promise.all(
      [graphs.visionEncoder, graphs.embedTokens, graphs.decoder].map((path) =>
        InferenceSession.create(path, sessionOptions),
      ),
    );
    try {
      return new ModelSession(vision!, embedding!, decoder!, options.kvCache ?? 'full');
    } catch (err) {
      await Promise.all([vision!.release(), embedding!.release(), decoder!.release()]);
      throw err;
    }
  }

  async encodeImage(
    pixelValues: Float32Array,
    dims: readonly [number, number],
    gridThw: readonly [number, number, number],
  ): Promise<ImageEncoding> {
    const out = await this.vision.run({
      pixel_values: new Tensor('float32', pixelValues, [...dims]),
      image_grid_thw: new Tensor('int64', BigInt64Array.from(gridThw.map(BigInt)), [1, 3]),
    });
    const features = floats(out.image_features, 'image_features');
    const tokens = features.length / this.hiddenSize;
    const deepstack =
      this.deepstackLevels > 0 ? floats(out.deepstack_features, 'deepstack_features') : new Float32Array(0);
    if (deepstack.length !== this.deepstackLevels * tokens * this.hiddenSize) {
      throw new Error('vision encoder and decoder disagree on DeepStack levels');
    }
    return { tokens, features, deepstack };
  }

  /** [ids.length, hidden] token embeddings. */
  async embed(ids: readonly number[]): Promise<Float32Array> {
    const out = await this.embedding.run({
      input_ids: new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
    });
    return floats(out.inputs_embeds, 'inputs_embeds');
  }

  /** A cache of no tokens; with a delta decoder, on a buffer of its own. */
  emptyCache(): KvCache {
    const inputs = this.pastNames.map((name) => ({
      name,
      heads: fixedDim(this.decoder, name, 1),
      headDim: fixedDim(this.decoder, name, 3),
    }));
    if (this.kvCache === 'delta') return new KvBuffer(inputs).empty();
    const tensors = Object.fromEntries(
      inputs.map(({ name, heads, headDim }) => [
        name,
        new Tensor('float32', new Float32Array(0), [1, heads, 0, headDim]),
      ]),
    );
    return { layout: 'full', length: 0, tensors };
  }

  /** Runs new tokens after the cached ones: logits of the last one, and the cache extended by them. */
  async forward(input: ForwardInput, cache: KvCache): Promise<{ logits: Float32Array; cache: KvCache }> {
    if (cache.layout !== this.kvCache)
      throw new Error(`a ${cache.layout} KV cache for a ${this.kvCache} decoder`);
    const length = input.embeds.length / this.hiddenSize;
    const total = cache.length + length;
    const feeds: Record<string, Tensor> = {
      inputs_embeds: new Tensor('float32', input.embeds, [1, length, this.hiddenSize]),
      attention_mask: new Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new Tensor('int64', input.positionIds, [3, 1, length]),
      ...(cache.layout === 'full' ? cache.tensors : cache.buffer.feeds(cache, length)),
    };
    if (this.deepstackLevels > 0) {
      const data = input.deepstack ?? new Float32Array(this.deepstackLevels * length * this.hiddenSize);
      feeds[DEEPSTACK] = new Tensor('float32', data, [this.deepstackLevels, 1, length, this.hiddenSize]);
    }
    const out = await this.decoder.run(feeds);
    const present = this.presentNames.map((name) => {
      const tensor = out[name];
      if (!tensor) throw new Error(`decoder output ${name} is missing`);
      return tensor;
    });
    const logits = floats(out.logits, 'logits');
    if (cache.layout === 'delta') return { logits, cache: cache.buffer.append(cache, present, length) };
    const tensors = Object.fromEntries(this.pastNames.map((name, i) => [name, present[i]!]));
    return { logits, cache: { layout: 'full', length: total, tensors } };
  }

  async release(): Promise<void> {
    await Promise.all([this.vision.release(), this.embedding.release(), this.decoder.release()]);
  }
}
