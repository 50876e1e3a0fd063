// The pack's three ONNX graphs in onnxruntime-node (docs/model-pack.md, contract 1): vision encoder,
// token embeddings, and the decoder with its KV cache. Sizes are read from the graphs, not assumed.
import { InferenceSession, Tensor } from 'onnxruntime-node';

export type GraphPaths = { visionEncoder: string; embedTokens: string; decoder: string };

export type SessionOptions = {
  threads?: number;
  /** onnxruntime provider names in order of preference; default CPU only. */
  executionProviders?: readonly string[];
};

/** An image through the vision encoder: computed once, scattered into every prompt that shows it. */
export type ImageEncoding = {
  tokens: number;
  /** [tokens, hidden] */
  features: Float32Array;
  /** [levels, tokens, hidden]; empty for a decoder without DeepStack. */
  deepstack: Float32Array;
};

/** Keys and values of the tokens seen so far, per layer, as the decoder returned them. */
export type KvCache = { length: number; tensors: Record<string, Tensor> };

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

  private constructor(
    private readonly vision: InferenceSession,
    private readonly embedding: InferenceSession,
    private readonly decoder: InferenceSession,
  ) {
    this.hiddenSize = fixedDim(decoder, 'inputs_embeds', 2);
    this.deepstackLevels = decoder.inputNames.includes(DEEPSTACK) ? fixedDim(decoder, DEEPSTACK, 0) : 0;
    this.pastNames = decoder.inputNames.filter((n) => n.startsWith(PAST));
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
    return new ModelSession(vision!, embedding!, decoder!);
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

  emptyCache(): KvCache {
    const tensors = Object.fromEntries(
      this.pastNames.map((name) => {
        const shape = [1, fixedDim(this.decoder, name, 1), 0, fixedDim(this.decoder, name, 3)];
        return [name, new Tensor('float32', new Float32Array(0), shape)];
      }),
    );
    return { length: 0, tensors };
  }

  /** Runs new tokens after the cached ones: logits of the last one, and the cache extended by them. */
  async forward(input: ForwardInput, cache: KvCache): Promise<{ logits: Float32Array; cache: KvCache }> {
    const length = input.embeds.length / this.hiddenSize;
    const total = cache.length + length;
    const feeds: Record<string, Tensor> = {
      inputs_embeds: new Tensor('float32', input.embeds, [1, length, this.hiddenSize]),
      attention_mask: new Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new Tensor('int64', input.positionIds, [3, 1, length]),
      ...cache.tensors,
    };
    if (this.deepstackLevels > 0) {
      const data = input.deepstack ?? new Float32Array(this.deepstackLevels * length * this.hiddenSize);
      feeds[DEEPSTACK] = new Tensor('float32', data, [this.deepstackLevels, 1, length, this.hiddenSize]);
    }
    const out = await this.decoder.run(feeds);
    const tensors = Object.fromEntries(
      this.pastNames.map((name) => {
        const present = out[PRESENT + name.slice(PAST.length)];
        if (!present) throw new Error(`decoder output ${PRESENT}${name.slice(PAST.length)} is missing`);
        return [name, present];
      }),
    );
    return { logits: floats(out.logits, 'logits'), cache: { length: total, tensors } };
  }

  async release(): Promise<void> {
    await Promise.all([this.vision.release(), this.embedding.release(), this.decoder.release()]);
  }
}
