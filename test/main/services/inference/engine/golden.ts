// The Hugging Face reference outputs for tiny-qwen3vl-a (test/fixtures/qwen3vl/tiny-qwen3vl-a/golden).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { PNG } from 'pngjs';
import { FIXTURES, ROOT } from '../../../../helpers/paths';
import type { PixelImage } from '../../../../../src/main/services/inference/engine/preprocess-image';
import { PromptTokenizer } from '../../../../../src/main/services/inference/engine/tokenizer';

export const GOLDEN_DIR = resolve(FIXTURES, 'qwen3vl/tiny-qwen3vl-a');
// The exporter's bundled Qwen3 tokenizer and its fallback Qwen3-VL chat template.
export const TOKENIZER_DIR = resolve(ROOT, 'tools/model-pack/assets/qwen3-tokenizer');
const CHAT_TEMPLATE = resolve(TOKENIZER_DIR, '../qwen3vl_chat_template.jinja');

export type GoldenJson = {
  image: { width: number; height: number };
  image_grid_thw: number[][];
  resized_hw: [number, number];
  prompt_text: string;
  prompt_rendered_without_pads: string;
  num_image_tokens: number;
  input_ids: number[];
  rope_deltas: number[][];
  greedy_new_ids: number[];
  text_only_input_ids: number[];
  tokenizer_cases: { text: string; ids: number[] }[];
};

export function goldenJson(): GoldenJson {
  return JSON.parse(readFileSync(resolve(GOLDEN_DIR, 'golden/golden.json'), 'utf8')) as GoldenJson;
}

export type Tensor = { dtype: string; shape: number[]; data: Float32Array | BigInt64Array };

/** One tensor of golden.safetensors (F32 or I64 only: that is all the file holds). */
export function goldenTensor(name: string): Tensor {
  const bytes = readFileSync(resolve(GOLDEN_DIR, 'golden/golden.safetensors'));
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const entry = header[name];
  if (!entry) throw new Error(`golden.safetensors has no ${name}`);
  const [begin, end] = entry.data_offsets;
  const raw = bytes.subarray(8 + headerLength + begin, 8 + headerLength + end);
  // Copied so the typed array is aligned.
  const buffer = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
  if (entry.dtype === 'F32') return { dtype: 'F32', shape: entry.shape, data: new Float32Array(buffer) };
  if (entry.dtype === 'I64') return { dtype: 'I64', shape: entry.shape, data: new BigInt64Array(buffer) };
  throw new Error(`unexpected dtype ${entry.dtype} for ${name}`);
}

/** image.png as an interleaved RGB buffer. */
export function goldenImage(): PixelImage {
  const png = PNG.sync.read(readFileSync(resolve(GOLDEN_DIR, 'image.png')));
  const rgb = new Uint8Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) {
    rgb[i * 3] = png.data[i * 4]!;
    rgb[i * 3 + 1] = png.data[i * 4 + 1]!;
    rgb[i * 3 + 2] = png.data[i * 4 + 2]!;
  }
  return { pixels: rgb, width: png.width, height: png.height, channels: 3 };
}

export function preprocessorJson(): unknown {
  return JSON.parse(readFileSync(resolve(GOLDEN_DIR, 'preprocessor_config.json'), 'utf8'));
}

/** The tokenizer files an exported pack holds (tokenizer.json is stored gzipped in the assets). */
export function tokenizerFiles(): { json: unknown; config: unknown } {
  return {
    json: JSON.parse(gunzipSync(readFileSync(resolve(TOKENIZER_DIR, 'tokenizer.json.gz'))).toString('utf8')),
    config: {
      ...(JSON.parse(readFileSync(resolve(TOKENIZER_DIR, 'tokenizer_config.json'), 'utf8')) as object),
      chat_template: readFileSync(CHAT_TEMPLATE, 'utf8'),
    },
  };
}

export function fixtureTokenizer(): PromptTokenizer {
  const { json, config } = tokenizerFiles();
  return new PromptTokenizer(json, config);
}
