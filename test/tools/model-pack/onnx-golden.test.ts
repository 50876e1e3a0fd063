// The model pack exported from the tiny Qwen3-VL, run from TypeScript in onnxruntime-node (the runtime
// Lightbox ships), against the outputs of Hugging Face transformers 5.17 for the same image and prompt;
// the decoder in both KV cache layouts (a delta decoder, and contract 1's whole cache).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../helpers/paths';
import { exportTinyPack } from '../../helpers/tiny-pack';
import { float32, int64, readSafetensors, type SafeTensor } from './safetensors';

const REFERENCE = join(FIXTURES, 'qwen3vl/tiny-qwen3vl-a');
const TOLERANCE = 1e-4;
// prompt fed through the KV cache in chunks ending at the golden logits positions 0, 4, 75 and 92
const CHUNKS: [number, number][] = [
  [0, 1],
  [1, 5],
  [5, 76],
  [76, 93],
];

type KvCache = 'delta' | 'full';

interface Golden {
  input_ids: number[];
  rope_deltas: number[][];
  greedy_new_ids: number[];
  prompt_text: string;
  prompt_rendered_without_pads: string;
  tokenizer_cases: { text: string; ids: number[] }[];
}

/** ‖a − b‖ / ‖b‖ over the entries where b is finite (generation forbade some tokens with −inf). */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] ?? NaN;
    if (!Number.isFinite(e)) continue;
    diff += ((actual[i] ?? NaN) - e) ** 2;
    norm += e * e;
  }
  return Math.sqrt(diff / norm);
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

function floats(tensor: ort.Tensor | undefined): Float32Array {
  if (tensor?.type !== 'float32') throw new Error('expected a float32 output');
  return tensor.data as Float32Array;
}

describe('model pack exported from the tiny Qwen3-VL', () => {
  const golden = JSON.parse(readFileSync(join(REFERENCE, 'golden/golden.json'), 'utf8')) as Golden;
  let tensors: Map<string, SafeTensor>;
  let workDir: string;
  let pack: string;
  let vision: ort.InferenceSession;
  let embed: ort.InferenceSession;
  const decoders: Partial<Record<KvCache, ort.InferenceSession>> = {};

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'lightbox-pack-'));
    pack = exportTinyPack(workDir, 'tiny-qwen3vl-a');
    const fullPack = exportTinyPack(workDir, 'tiny-qwen3vl-a-full', { kvCache: 'full' });
    tensors = readSafetensors(join(REFERENCE, 'golden/golden.safetensors'));
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 2, interOpNumThreads: 1 };
    const open = (graph: string, dir = pack) =>
      ort.InferenceSession.create(join(dir, 'onnx', `${graph}.onnx`), options);
    [vision, embed, decoders.delta, decoders.full] = await Promise.all([
      open('vision_encoder'),
      open('embed_tokens'),
      open('decoder_model_merged'),
      open('decoder_model_merged', fullPack),
    ]);
  });

  afterAll(async () => {
    await Promise.all([vision, embed, decoders.delta, decoders.full].map((s) => s?.release()));
    rmSync(workDir, { recursive: true, force: true });
  });

  it.each(['delta', 'full'] as const)(
    'reproduces the vision features, prompt logits and 16 greedy steps with a %s KV cache',
    async (kvCache) => {
      const decoder = decoders[kvCache]!;
      const pixels = float32(tensors, 'pixel_values');
      const grid = int64(tensors, 'image_grid_thw');
      const visionOut = await vision.run({
        pixel_values: new ort.Tensor('float32', pixels, [pixels.length / 1536, 1536]),
        image_grid_thw: new ort.Tensor('int64', grid.data, grid.shape),
      });
      const features = floats(visionOut.image_features);
      const stack = floats(visionOut.deepstack_features);
      const tokens = visionOut.image_features?.dims[0] ?? 0;
      const hidden = visionOut.image_features?.dims[1] ?? 0;
      const levels = visionOut.deepstack_features?.dims[0] ?? 0;
      expect(relativeError(features, float32(tensors, 'visual_out_pooler_output_0'))).toBeLessThanOrEqual(
        TOLERANCE,
      );
      for (let k = 0; k < levels; k++) {
        const level = stack.subarray(k * tokens * hidden, (k + 1) * tokens * hidden);
        const expected = float32(tensors, `visual_out_deepstack_features_${k}`);
        expect(relativeError(level, expected)).toBeLessThanOrEqual(TOLERANCE);
      }

      // token embeddings with the image features, and DeepStack features, at the image positions
      const ids = BigInt64Array.from(golden.input_ids.map(BigInt));
      const seq = ids.length;
      const embedOut = await embed.run({ input_ids: new ort.Tensor('int64', ids, [1, seq]) });
      const embeds = floats(embedOut.inputs_embeds);
      const deepstack = new Float32Array(levels * seq * hidden);
      let next = 0;
      ids.forEach((id, s) => {
        if (id !== 151655n) return;
        embeds.set(features.subarray(next * hidden, (next + 1) * hidden), s * hidden);
        for (let k = 0; k < levels; k++) {
          const from = (k * tokens + next) * hidden;
          deepstack.set(stack.subarray(from, from + hidden), (k * seq + s) * hidden);
        }
        next++;
      });
      expect(next).toBe(tokens);
      expect(relativeError(embeds, float32(tensors, 'inputs_embeds'))).toBeLessThanOrEqual(TOLERANCE);

      const kvNames = decoder.inputNames.filter((n) => n.startsWith('past_key_values.'));
      const kvShape = (name: string): number[] => {
        const meta = decoder.inputMetadata.find((m) => m.name === name);
        if (!meta?.isTensor) throw new Error(`no input ${name}`);
        return meta.shape.map((d) => (typeof d === 'number' ? d : 0));
      };
      // A delta decoder reads the first pastLength rows of a buffer it is given whole (the rest is junk here,
      // which it must not read) and returns the new rows; contract 1's returns the whole cache.
      const capacity = kvCache === 'delta' ? seq + golden.greedy_new_ids.length + 5 : 0;
      let past: Record<string, ort.Tensor> = Object.fromEntries(
        kvNames.map((n) => {
          const [, heads = 0, , headDim = 0] = kvShape(n);
          const junk = Float32Array.from({ length: heads * capacity * headDim }, (_, i) => (i % 97) - 48);
          return [n, new ort.Tensor('float32', junk, [1, heads, capacity, headDim])];
        }),
      );
      let pastLength = 0;
      const decode = async (inputs: Float32Array, positions: BigInt64Array, stackSlice: Float32Array) => {
        const length = inputs.length / hidden;
        const out = await decoder.run({
          inputs_embeds: new ort.Tensor('float32', inputs, [1, length, hidden]),
          attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLength + length).fill(1n), [
            1,
            pastLength + length,
          ]),
          position_ids: new ort.Tensor('int64', positions, [3, 1, length]),
          deepstack_visual_embeds: new ort.Tensor('float32', stackSlice, [levels, 1, length, hidden]),
          ...past,
        });
        if (kvCache === 'full')
          past = Object.fromEntries(
            kvNames.map((n) => [n, out[n.replace('past_key_values.', 'present.')] as ort.Tensor]),
          );
        else
          for (const n of kvNames) {
            const rows = floats(out[n.replace('past_key_values.', 'present_delta.')]);
            const buffer = past[n]!.data as Float32Array;
            const [, heads = 0, , headDim = 0] = kvShape(n);
            for (let h = 0; h < heads; h++)
              buffer.set(
                rows.subarray(h * length * headDim, (h + 1) * length * headDim),
                (h * capacity + pastLength) * headDim,
              );
          }
        pastLength += length;
        return floats(out.logits);
      };

      const positions = int64(tensors, 'position_ids').data;
      const promptLogits = float32(tensors, 'logits_at_positions');
      let logits: Float32Array = new Float32Array(0);
      for (const [i, [a, b]] of CHUNKS.entries()) {
        const chunkPositions = new BigInt64Array(3 * (b - a));
        for (let axis = 0; axis < 3; axis++)
          chunkPositions.set(positions.subarray(axis * seq + a, axis * seq + b), axis * (b - a));
        const chunkStack = new Float32Array(levels * (b - a) * hidden);
        for (let k = 0; k < levels; k++)
          chunkStack.set(
            deepstack.subarray((k * seq + a) * hidden, (k * seq + b) * hidden),
            k * (b - a) * hidden,
          );
        logits = await decode(embeds.slice(a * hidden, b * hidden), chunkPositions, chunkStack);
        const expected = promptLogits.subarray(i * logits.length, (i + 1) * logits.length);
        expect(relativeError(logits, expected)).toBeLessThanOrEqual(TOLERANCE);
      }

      // greedy decoding: the step at cache length L has position L + rope_delta on all three axes
      const ropeDelta = golden.rope_deltas[0]?.[0] ?? 0;
      const stepScores = float32(tensors, 'greedy_scores_first4');
      const greedy: number[] = [];
      for (let step = 0; step < golden.greedy_new_ids.length; step++) {
        if (step < 4) {
          const expected = stepScores.subarray(step * logits.length, (step + 1) * logits.length);
          expect(relativeError(logits, expected)).toBeLessThanOrEqual(TOLERANCE);
        }
        const token = argmax(logits);
        greedy.push(token);
        if (greedy.length === golden.greedy_new_ids.length) break;
        const tokenEmbed = await embed.run({
          input_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(token)), [1, 1]),
        });
        const p = BigInt(pastLength + ropeDelta);
        logits = await decode(
          floats(tokenEmbed.inputs_embeds),
          BigInt64Array.of(p, p, p),
          new Float32Array(levels * hidden),
        );
      }
      expect(greedy).toEqual(golden.greedy_new_ids);
    },
  );

  it('ships a tokenizer and chat template that give the reference ids and prompt', () => {
    const tokenizerJson: unknown = JSON.parse(readFileSync(join(pack, 'tokenizer.json'), 'utf8'));
    const tokenizerConfig = JSON.parse(readFileSync(join(pack, 'tokenizer_config.json'), 'utf8')) as {
      chat_template: string;
    };
    const tokenizer = new Tokenizer(tokenizerJson as object, tokenizerConfig);
    for (const { text, ids } of golden.tokenizer_cases) {
      expect(tokenizer.encode(text, { add_special_tokens: false }).ids).toEqual(ids);
    }
    const prompt = new Template(tokenizerConfig.chat_template).render({
      messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: golden.prompt_text }] }],
      add_generation_prompt: true,
    });
    expect(prompt).toBe(golden.prompt_rendered_without_pads);
  });
});
