// Pre-tokenise a make_dataset.py set with the app's own code, so training sees exactly the ids and pixels
// that Lightbox produces at inference:
//   node --import tsx tools/demo-model/prepare_tokens.ts DATASET_DIR [--check N]
// Writes DATASET_DIR/prepared/pixels.u8 (each image resized by the engine's smart_resize + antialiased
// bicubic, 8-bit grey, row-major, concatenated), DATASET_DIR/prepared/index.json (per sample: id, byte offset,
// resized height/width, grid, and per task the prompt ids (chat template, image pads widened, generation
// prompt) and the answer ids followed by <|im_end|>). With --check N, also writes the engine's full
// pixel_values of the first N images to prepared/check-<i>.f32 so the Python patchify can be compared.
import { readFileSync, readdirSync, writeFileSync, mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { PromptTokenizer } from '../../src/main/services/inference/engine/tokenizer';
import { preprocessImage } from '../../src/main/services/inference/engine/preprocess-image';
import { resizeBicubic } from '../../src/main/services/inference/engine/resample-bicubic';
import { smartResize } from '../../src/main/services/inference/engine/smart-resize';
import { parseImageProcessorConfig } from '../../src/main/services/inference/engine/image-processor-config';

const ROOT = resolve(import.meta.dirname, '..', '..');
const ASSETS = join(ROOT, 'tools', 'model-pack', 'assets');

// The demo pack's preprocessor_config.json (written by train.py into the checkpoint the same way).
export const PREPROCESSOR = {
  patch_size: 16,
  temporal_patch_size: 2,
  merge_size: 2,
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.5, 0.5, 0.5],
  min_pixels: 65536,
  max_pixels: 65536,
  do_resize: true,
  resample: 3,
  do_rescale: true,
  rescale_factor: 1 / 255,
  do_normalize: true,
};

export function loadTokenizer(): PromptTokenizer {
  const json = JSON.parse(
    gunzipSync(readFileSync(join(ASSETS, 'qwen3-tokenizer', 'tokenizer.json.gz'))).toString('utf8'),
  );
  const config = JSON.parse(readFileSync(join(ASSETS, 'qwen3-tokenizer', 'tokenizer_config.json'), 'utf8'));
  config.chat_template = readFileSync(join(ASSETS, 'qwen3vl_chat_template.jinja'), 'utf8');
  return new PromptTokenizer(json, config);
}

function readGrey(path: string): { pixels: Uint8Array; width: number; height: number } {
  const png = PNG.sync.read(readFileSync(path));
  const { width, height, data } = png; // RGBA
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data[i * 4]!;
  return { pixels, width, height };
}

type Sample = { id: string; image: string; tasks: { task: string; prompt: string; answer: string }[] };

function main(): void {
  const args = process.argv.slice(2);
  const dir = resolve(args[0] ?? '');
  const checkAt = args.indexOf('--check');
  const check = checkAt >= 0 ? Number(args[checkAt + 1]) : 0;
  const config = parseImageProcessorConfig(PREPROCESSOR);
  const tok = loadTokenizer();
  const imEnd = tok.tokenId('<|im_end|>');
  const out = join(dir, 'prepared');
  mkdirSync(out, { recursive: true });
  const names = readdirSync(join(dir, 'samples'))
    .filter((n) => n.endsWith('.json'))
    .sort();
  const fd = openSync(join(out, 'pixels.u8'), 'w');
  let offset = 0;
  const index: unknown[] = [];
  const promptCache = new Map<string, number[]>();
  for (const [i, name] of names.entries()) {
    const s = JSON.parse(readFileSync(join(dir, 'samples', name), 'utf8')) as Sample;
    const img = readGrey(join(dir, s.image));
    const r = smartResize(img.height, img.width, {
      factor: config.patchSize * config.mergeSize,
      minPixels: config.minPixels,
      maxPixels: config.maxPixels,
    });
    const grey = resizeBicubic(img.pixels, img.width, img.height, r.width, r.height);
    writeSync(fd, grey);
    const imageTokens =
      ((r.height / config.patchSize) * (r.width / config.patchSize)) / config.mergeSize ** 2;
    if (i < check) {
      const prepared = preprocessImage({ ...img, channels: 1 }, config);
      writeFileSync(join(out, `check-${i}.f32`), Buffer.from(prepared.pixelValues.buffer));
    }
    const tasks = s.tasks.map((t) => {
      const key = `${imageTokens}\u0000${t.prompt}`;
      let prompt = promptCache.get(key);
      if (!prompt) {
        prompt = tok.imagePrompt({ instruction: t.prompt, imageTokens }).inputIds;
        promptCache.set(key, prompt);
      }
      return { task: t.task, prompt, answer: [...tok.encode(t.answer), imEnd] };
    });
    index.push({ id: s.id, offset, height: r.height, width: r.width, tasks });
    offset += grey.length;
    if ((i + 1) % 500 === 0) console.log(`${i + 1}/${names.length}`);
  }
  closeSync(fd);
  // The ids of "0".."9", one token each in Qwen's vocabulary: train.py weights grounding answers' digits.
  const digitIds = [...'0123456789'].map((d) => {
    const ids = tok.encode(d);
    if (ids.length !== 1) throw new Error(`digit ${d} is ${ids.length} tokens`);
    return ids[0];
  });
  writeFileSync(
    join(out, 'index.json'),
    JSON.stringify({ count: index.length, im_end: imEnd, digit_ids: digitIds, samples: index }),
  );
  console.log(`wrote ${index.length} samples, ${offset} pixel bytes to ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
