// Prompt prefill and the KV-cache decode loop. The image arrives encoded (once per study); its features
// replace the image tokens' embeddings and its DeepStack features go to the same positions. Decoding stops
// at a stop token, at the token budget or when the caller aborts, and streams text as it is produced.
// Prompts that start alike (system turn and image) can continue one cached prefix instead of each
// prefilling it again.
import { FRACTION_DIGITS_NEXT, medianCoordinate } from './median-coordinate';
import { decodePositionIds, ropeIndex, type RopeConfig } from './rope-index';
import { greedyToken, sampleToken, seededRandom, type Sampling } from './sample-token';
import type { ImageEncoding, KvCache, ModelSession } from './session';

export type Prompt = {
  inputIds: readonly number[];
  image: { encoding: ImageEncoding; gridThw: readonly [number, number, number] } | null;
};

/** The model state after some tokens: next-token logits, cache, and the decode position offset. */
export type DecodeState = { logits: Float32Array; cache: KvCache; ropeDelta: number };

export type TokenDecoder = {
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
};

export type GenerateOptions = {
  maxNewTokens: number;
  stopTokenIds: readonly number[];
  /** Greedy when absent. */
  sampling?: Sampling;
  signal?: AbortSignal;
  /** New text as it is produced; characters split across tokens are held back until complete. */
  onText?: (delta: string) => void;
  /** Continue from this cached prefix of the prompt instead of prefilling it again. */
  prefix?: PromptPrefix;
  /**
   * Write each "0.dd" box coordinate as the median of the model's distribution (median-coordinate.ts);
   * the token ids of the digits 0..9. Greedy decoding only: a sampled draft samples its coordinates too.
   */
  medianCoordinates?: { digitIds: readonly number[] };
};

export type StopReason = 'stop-token' | 'max-tokens' | 'cancelled';

export type Generation = {
  tokenIds: number[];
  text: string;
  stopReason: StopReason;
  promptTokens: number;
  timings: { prefillMs: number; decodeMs: number };
};

/** A prefilled start of prompts (system turn and image) whose KV cache later prompts continue from. */
export type PromptPrefix = { inputIds: readonly number[]; cache: KvCache };

/** The prompt through the decoder, or only what follows `prefix` when it continues a cached one. */
export async function prefill(
  session: ModelSession,
  prompt: Prompt,
  rope: RopeConfig,
  prefix?: PromptPrefix,
): Promise<DecodeState> {
  const { inputIds, image } = prompt;
  const hidden = session.hiddenSize;
  const levels = session.deepstackLevels;
  const from = prefix?.inputIds.length ?? 0;
  if (prefix && (from >= inputIds.length || prefix.inputIds.some((id, i) => id !== inputIds[i]))) {
    throw new Error('the prompt does not continue the cached prefix');
  }
  // Positions depend only on earlier tokens, so the new tokens take their slice of the whole prompt's.
  const positions = ropeIndex([inputIds], image ? [image.gridThw] : [], rope);
  const length = inputIds.length - from;
  const positionIds = new BigInt64Array(3 * length);
  for (let a = 0; a < 3; a++) {
    const axis = a * inputIds.length;
    positionIds.set(positions.positionIds.subarray(axis + from, axis + inputIds.length), a * length);
  }
  const embeds = await session.embed(inputIds.slice(from));
  const deepstack = levels > 0 && image ? new Float32Array(levels * length * hidden) : null;
  let next = 0;
  inputIds.forEach((id, s) => {
    if (id !== rope.imageTokenId || !image) return;
    const { features, deepstack: stack, tokens } = image.encoding;
    const row = s - from;
    if (row >= 0) {
      embeds.set(features.subarray(next * hidden, (next + 1) * hidden), row * hidden);
      for (let k = 0; deepstack && k < levels; k++) {
        const at = (k * tokens + next) * hidden;
        deepstack.set(stack.subarray(at, at + hidden), (k * length + row) * hidden);
      }
    }
    next++;
  });
  if (image && next !== image.encoding.tokens) {
    throw new Error(`prompt has ${next} image tokens, the encoded image ${image.encoding.tokens}`);
  }
  const { logits, cache } = await session.forward(
    { embeds, positionIds, deepstack },
    prefix?.cache ?? session.emptyCache(),
  );
  return { logits, cache, ropeDelta: positions.ropeDeltas[0]! };
}

/** One token through the decoder at position cache length + rope delta. */
export async function decodeStep(
  session: ModelSession,
  tokenId: number,
  state: DecodeState,
): Promise<DecodeState> {
  const embeds = await session.embed([tokenId]);
  const positionIds = decodePositionIds(state.cache.length, [state.ropeDelta]);
  const { logits, cache } = await session.forward({ embeds, positionIds, deepstack: null }, state.cache);
  return { logits, cache, ropeDelta: state.ropeDelta };
}

export async function generate(
  session: ModelSession,
  tokenDecoder: TokenDecoder,
  prompt: Prompt,
  rope: RopeConfig,
  options: GenerateOptions,
): Promise<Generation> {
  const { maxNewTokens, stopTokenIds, sampling, signal, onText, prefix, medianCoordinates } = options;
  const median = sampling ? undefined : medianCoordinates;
  const tokenIds: number[] = [];
  const timings = { prefillMs: 0, decodeMs: 0 };
  let emitted = 0;
  const stream = (final: boolean) => {
    const text = tokenIds.length > 0 ? tokenDecoder.decode(tokenIds, { skipSpecialTokens: true }) : '';
    // U+FFFD at the end: the last token holds only part of a character's bytes.
    if (!final && text.endsWith('\uFFFD')) return text;
    if (text.length > emitted) onText?.(text.slice(emitted));
    emitted = text.length;
    return text;
  };
  const finish = (stopReason: StopReason): Generation => ({
    tokenIds,
    text: stream(true),
    stopReason,
    promptTokens: prompt.inputIds.length,
    timings,
  });

  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1)
    throw new Error(`token budget must be a positive integer, got ${maxNewTokens}`);
  if (signal?.aborted) return finish('cancelled');
  let start = performance.now();
  let state = await prefill(session, prompt, rope, prefix);
  timings.prefillMs = performance.now() - start;
  start = performance.now();
  const random = sampling ? seededRandom(sampling.seed) : null;
  let stopReason: StopReason;
  let text = '';
  for (;;) {
    if (signal?.aborted) {
      stopReason = 'cancelled';
      break;
    }
    if (median && tokenIds.length + 2 <= maxNewTokens && FRACTION_DIGITS_NEXT.test(text)) {
      const step = (id: number, from: DecodeState) => decodeStep(session, id, from);
      const { digits, state: after } = await medianCoordinate(state, median.digitIds, step);
      tokenIds.push(...digits.map((d) => median.digitIds[d]!));
      text = stream(false);
      state = after;
      if (tokenIds.length < maxNewTokens) continue;
      stopReason = 'max-tokens';
      break;
    }
    const token =
      sampling && random ? sampleToken(state.logits, sampling, random) : greedyToken(state.logits);
    if (stopTokenIds.includes(token)) {
      stopReason = 'stop-token';
      break;
    }
    tokenIds.push(token);
    text = stream(false);
    if (tokenIds.length >= maxNewTokens) {
      stopReason = 'max-tokens';
      break;
    }
    if (signal?.aborted) {
      stopReason = 'cancelled';
      break;
    }
    state = await decodeStep(session, token, state);
  }
  timings.decodeMs = performance.now() - start;
  return finish(stopReason);
}
