// The whole engine on the tiny pack exported from the golden checkpoint: the picture prepared, the prompt
// tokenized and positioned, the image encoded once, prefill and KV-cache decoding, against transformers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTinyPack } from '../../../../helpers/tiny-pack';
import {
  decodeStep,
  generate,
  prefill,
  type Prompt,
} from '../../../../../src/main/services/inference/engine/generate';
import { parseImageProcessorConfig } from '../../../../../src/main/services/inference/engine/image-processor-config';
import { preprocessImage } from '../../../../../src/main/services/inference/engine/preprocess-image';
import { ModelSession } from '../../../../../src/main/services/inference/engine/session';
import { PromptTokenizer } from '../../../../../src/main/services/inference/engine/tokenizer';
import { goldenImage, goldenJson, goldenTensor } from './golden';

const TOLERANCE = 1e-4;
const ROPE = { imageTokenId: 151655, visionStartTokenId: 151652, spatialMergeSize: 2 };
const STOP = [151645];

/** ‖a − b‖ / ‖b‖ over the entries where b is finite (generation forbade some tokens with −inf). */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    if (!Number.isFinite(e)) continue;
    diff += (actual[i]! - e) ** 2;
    norm += e * e;
  }
  return Math.sqrt(diff / norm);
}

describe('engine on the tiny exported pack', () => {
  const golden = goldenJson();
  let workDir: string;
  let session: ModelSession;
  let tokenizer: PromptTokenizer;
  let prompt: Prompt;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'lightbox-engine-'));
    const pack = exportTinyPack(workDir);
    const graph = (name: string) => join(pack, 'onnx', `${name}.onnx`);
    session = await ModelSession.open(
      {
        visionEncoder: graph('vision_encoder'),
        embedTokens: graph('embed_tokens'),
        decoder: graph('decoder_model_merged'),
      },
      { threads: 2, kvCache: 'delta' },
    );
    tokenizer = await PromptTokenizer.load(pack);
    const config = parseImageProcessorConfig(
      JSON.parse(readFileSync(join(pack, 'preprocessor_config.json'), 'utf8')),
    );
    const image = preprocessImage(goldenImage(), config);
    const encoding = await session.encodeImage(image.pixelValues, image.dims, image.gridThw);
    const { inputIds } = tokenizer.imagePrompt({
      instruction: golden.prompt_text,
      imageTokens: image.imageTokens,
    });
    prompt = { inputIds, image: { encoding, gridThw: image.gridThw } };
  });

  afterAll(async () => {
    await session?.release();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('builds the golden prompt from the pack tokenizer and the image from image.png', () => {
    expect(prompt.inputIds).toEqual(golden.input_ids);
    const features = goldenTensor('visual_out_pooler_output_0').data as Float32Array;
    expect(relativeError(prompt.image!.encoding.features, features)).toBeLessThanOrEqual(TOLERANCE);
    expect(session.deepstackLevels).toBe(3);
  });

  it('reproduces the last prompt logits and the first four decoding steps', async () => {
    const expectedPrompt = goldenTensor('logits_at_positions').data as Float32Array;
    const vocab = expectedPrompt.length / 4;
    let state = await prefill(session, prompt, ROPE);
    expect(state.ropeDelta).toBe(-63);
    const errors = [relativeError(state.logits, expectedPrompt.subarray(3 * vocab))];
    // Step k's scores come from the prompt (k = 0) or from feeding greedy token k - 1 through the cache.
    const steps = goldenTensor('greedy_scores_first4').data as Float32Array;
    for (let step = 0; step < 4; step++) {
      if (step > 0) state = await decodeStep(session, golden.greedy_new_ids[step - 1]!, state);
      errors.push(relativeError(state.logits, steps.subarray(step * vocab, (step + 1) * vocab)));
    }
    console.info(`logits relative errors: ${errors.map((e) => e.toExponential(2)).join(', ')}`);
    for (const e of errors) expect(e).toBeLessThanOrEqual(TOLERANCE);
  });

  it('decodes the 16 greedy ids and streams their text', async () => {
    const deltas: string[] = [];
    const out = await generate(session, tokenizer, prompt, ROPE, {
      maxNewTokens: 16,
      stopTokenIds: STOP,
      onText: (d) => deltas.push(d),
    });
    expect(out.tokenIds).toEqual(golden.greedy_new_ids);
    expect(out.stopReason).toBe('max-tokens');
    expect(out.promptTokens).toBe(93);
    expect(deltas.join('')).toBe(out.text);
    expect(out.text).toBe(tokenizer.decode(golden.greedy_new_ids));
  });

  it('stops at a stop token without emitting it', async () => {
    const out = await generate(session, tokenizer, prompt, ROPE, {
      maxNewTokens: 16,
      stopTokenIds: [golden.greedy_new_ids[0]!],
    });
    expect(out).toMatchObject({ tokenIds: [], text: '', stopReason: 'stop-token' });
  });

  it('is cancelled through its AbortSignal, keeping what it produced', async () => {
    const controller = new AbortController();
    const out = await generate(session, tokenizer, prompt, ROPE, {
      maxNewTokens: 16,
      stopTokenIds: STOP,
      signal: controller.signal,
      onText: () => controller.abort(),
    });
    expect(out.stopReason).toBe('cancelled');
    expect(out.tokenIds).toEqual(golden.greedy_new_ids.slice(0, 1));
    const before = await generate(session, tokenizer, prompt, ROPE, {
      maxNewTokens: 4,
      stopTokenIds: STOP,
      signal: AbortSignal.abort(),
    });
    expect(before).toMatchObject({ tokenIds: [], stopReason: 'cancelled' });
  });

  it('samples reproducibly from a seed, and top-p near 0 is greedy', async () => {
    const run = (seed: number, topP = 0.9) =>
      generate(session, tokenizer, prompt, ROPE, {
        maxNewTokens: 6,
        stopTokenIds: STOP,
        sampling: { temperature: 1, topP, seed },
      });
    const [a, b, c] = await Promise.all([run(7), run(7), run(8)]);
    expect(a.tokenIds).toEqual(b.tokenIds);
    expect(a.tokenIds).not.toEqual(c.tokenIds);
    expect((await run(7, 1e-9)).tokenIds).toEqual(golden.greedy_new_ids.slice(0, 6));
  });
});
