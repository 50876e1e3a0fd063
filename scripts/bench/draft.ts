// Drafting speed on this machine's CPU: the app's pipeline in the inference child process, against the
// same ONNX graphs driven by a plain onnxruntime-node loop (no engine), and decoding against its floor:
// the decoder's weight bytes plus the KV cache read per token, at this machine's measured memory
// bandwidth. The tiny golden pack always; 2B-shape q4 packs when LIGHTBOX_BENCH_2B_PACK names them (folders
// separated by the path delimiter, e.g. the same checkpoint exported with each KV cache layout).
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Draft } from '../../src/shared/draft';
import { renderFile } from '../../src/main/services/dicom/pixels';
import { loadPack, type ModelPack } from '../../src/main/services/inference/engine/load-pack';
import { preprocessImage } from '../../src/main/services/inference/engine/preprocess-image';
import { decodePositionIds, ropeIndex } from '../../src/main/services/inference/engine/rope-index';
import { PromptTokenizer } from '../../src/main/services/inference/engine/tokenizer';
import { forkInference } from '../../src/main/services/inference/fork-inference-process';
import { createInferenceHost } from '../../src/main/services/inference/inference-host';
import { exportTinyPack, WORKER_SOURCE } from '../../test/helpers/tiny-pack';

const ROOT = resolve(import.meta.dirname, '../..');
/** 1024 x 1024: 441 image tokens, a prompt of about 470 tokens. */
const SAMPLE = join(ROOT, 'samples/cxr/nih-cxr14-google_DX_implicitLE.dcm');
const THREADS = availableParallelism();
const VARIANTS = ['q4', 'fp32', 'fp16'];

const fmt = (n: number, digits = 1): string => n.toFixed(digits);

/** GB/s of a large typed-array copy (bytes read + bytes written), the best of a few. */
function memoryBandwidth(): number {
  const n = 32 * 1024 * 1024;
  const src = new Float64Array(n).fill(1);
  const dst = new Float64Array(n);
  let best = Infinity;
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    dst.set(src);
    best = Math.min(best, performance.now() - t);
  }
  return (2 * n * 8) / (best / 1000) / 1e9;
}

const fileBytes = (path: string): number =>
  statSync(path).size + (existsSync(`${path}_data`) ? statSync(`${path}_data`).size : 0);

/** Peak resident memory of a process, from Linux's /proc; null elsewhere. */
function peakRssMiB(pid: number | null): number | null {
  if (pid === null || !existsSync(`/proc/${pid}/status`)) return null;
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
  return line ? Number(line[1]) / 1024 : null;
}

type EngineRun = { draft: Draft; ttftMs: number; peakRss: number | null };

/** The app's pipeline, warm (model open): one draft, timed from the request to the first text. */
async function engineDraft(pack: string, maxNewTokens: number): Promise<EngineRun> {
  const host = createInferenceHost(forkInference(WORKER_SOURCE));
  const request = {
    modelDir: pack,
    provider: 'cpu' as const,
    source: { kind: 'path' as const, path: SAMPLE },
    maxNewTokens,
    groundingMaxNewTokens: 8,
    sampling: null,
    threads: THREADS,
    hashCacheFile: null,
  };
  try {
    await host.draft({ ...request, maxNewTokens: 2 });
    const start = performance.now();
    let ttftMs = NaN;
    const draft = await host.draft(request, (event) => {
      if (event.kind === 'report-text' && Number.isNaN(ttftMs)) ttftMs = performance.now() - start;
    });
    return { draft, ttftMs, peakRss: peakRssMiB(host.pid) };
  } finally {
    await host.dispose();
  }
}

type PlainRun = { encodeMs: number; prefillMs: number; decodeMs: number; promptTokens: number };

/** The same graphs in this process with nothing around them: encode, prefill, greedy decode `steps`. */
async function plainLoop(pack: ModelPack, steps: number): Promise<PlainRun> {
  const options = { intraOpNumThreads: THREADS, interOpNumThreads: 1 };
  const [vision, embed, decoder] = (await Promise.all(
    [pack.graphs.visionEncoder, pack.graphs.embedTokens, pack.graphs.decoder].map((g) =>
      InferenceSession.create(g, options),
    ),
  )) as [InferenceSession, InferenceSession, InferenceSession];
  const { pixels, info } = await renderFile(SAMPLE);
  const image = preprocessImage(
    { pixels, width: info.columns, height: info.rows, channels: 1 },
    pack.imageConfig,
  );
  const tokenizer = await PromptTokenizer.load(pack.dir);
  const ids = tokenizer.imagePrompt({
    instruction: pack.tasks.reportGeneration,
    imageTokens: image.imageTokens,
  }).inputIds;
  const rope = ropeIndex([ids], [image.gridThw], pack.rope);
  const shape = (name: string) => {
    const meta = decoder.inputMetadata.find((m) => m.name === name);
    return meta?.isTensor ? meta.shape : [];
  };
  const hidden = shape('inputs_embeds')[2] as number;
  const levels = decoder.inputNames.includes('deepstack_visual_embeds')
    ? (shape('deepstack_visual_embeds')[0] as number)
    : 0;
  const pastNames = decoder.inputNames.filter((n) => n.startsWith('past_key_values.'));
  const embedIds = async (tokens: readonly number[]) =>
    (
      await embed.run({
        input_ids: new Tensor('int64', BigInt64Array.from(tokens, BigInt), [1, tokens.length]),
      })
    ).inputs_embeds!.data as Float32Array;
  const step = (
    embeds: Float32Array,
    positions: BigInt64Array,
    deepstack: Float32Array,
    past: Record<string, Tensor>,
    total: number,
  ) => {
    const length = embeds.length / hidden;
    const feeds: Record<string, Tensor> = {
      inputs_embeds: new Tensor('float32', embeds, [1, length, hidden]),
      attention_mask: new Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new Tensor('int64', positions, [3, 1, length]),
      ...past,
    };
    if (levels > 0)
      feeds.deepstack_visual_embeds = new Tensor('float32', deepstack, [levels, 1, length, hidden]);
    return decoder.run(feeds);
  };
  const argmax = (logits: Float32Array) => {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    return best;
  };
  const kvDims = (name: string) => [shape(name)[1] as number, shape(name)[3] as number] as const;
  const delta = pack.kvCache === 'delta';

  const once = async (): Promise<PlainRun> => {
    let t = performance.now();
    const encoded = await vision.run({
      pixel_values: new Tensor('float32', image.pixelValues, [...image.dims]),
      image_grid_thw: new Tensor('int64', BigInt64Array.from(image.gridThw, BigInt), [1, 3]),
    });
    const encodeMs = performance.now() - t;
    const features = encoded.image_features!.data as Float32Array;
    const stack = levels > 0 ? (encoded.deepstack_features!.data as Float32Array) : new Float32Array(0);

    t = performance.now();
    const embeds = await embedIds(ids);
    const deepstack = new Float32Array(levels * ids.length * hidden);
    let k = 0;
    ids.forEach((id, s) => {
      if (id !== pack.rope.imageTokenId) return;
      embeds.set(features.subarray(k * hidden, (k + 1) * hidden), s * hidden);
      for (let l = 0; l < levels; l++) {
        const from = (l * image.imageTokens + k) * hidden;
        deepstack.set(stack.subarray(from, from + hidden), (l * ids.length + s) * hidden);
      }
      k++;
    });
    // Contract 1 feeds the whole cache back; a delta decoder reads buffers of the whole run's length,
    // its new rows written in after each step.
    const capacity = delta ? ids.length + steps : 0;
    const past: Record<string, Tensor> = Object.fromEntries(
      pastNames.map((n) => {
        const [heads, headDim] = kvDims(n);
        return [
          n,
          new Tensor('float32', new Float32Array(heads * capacity * headDim), [1, heads, capacity, headDim]),
        ];
      }),
    );
    let pastLength = 0;
    const advance = (out: Record<string, Tensor>, length: number) => {
      for (const n of pastNames) {
        const layer = n.slice('past_key_values.'.length);
        if (!delta) {
          past[n] = out[`present.${layer}`]!;
          continue;
        }
        const [heads, headDim] = kvDims(n);
        const rows = out[`present_delta.${layer}`]!.data as Float32Array;
        const buffer = past[n]!.data as Float32Array;
        for (let h = 0; h < heads; h++)
          buffer.set(
            rows.subarray(h * length * headDim, (h + 1) * length * headDim),
            (h * capacity + pastLength) * headDim,
          );
      }
      pastLength += length;
    };
    let out = await step(embeds, rope.positionIds, deepstack, past, ids.length);
    advance(out, ids.length);
    const prefillMs = performance.now() - t;

    t = performance.now();
    const noDeepstack = new Float32Array(levels * hidden);
    for (let i = 0; i < steps; i++) {
      const token = argmax(out.logits!.data as Float32Array);
      const total = ids.length + i + 1;
      const positions = decodePositionIds(total - 1, [rope.ropeDeltas[0]!]);
      out = await step(await embedIds([token]), positions, noDeepstack, past, total);
      advance(out, 1);
    }
    return { encodeMs, prefillMs, decodeMs: performance.now() - t, promptTokens: ids.length };
  };
  try {
    // The first run pays for onnxruntime's warm-up, as the engine's warm-up draft did.
    await once();
    return await once();
  } finally {
    await Promise.all([vision.release(), embed.release(), decoder.release()]);
  }
}

/** KV bytes the decoder reads per token at `context` tokens. */
async function kvBytesPerToken(pack: ModelPack, context: number): Promise<number> {
  const decoder = await InferenceSession.create(pack.graphs.decoder);
  try {
    return (
      decoder.inputMetadata
        .filter((m) => m.name.startsWith('past_key_values.'))
        .reduce((sum, m) => sum + (m.isTensor ? (m.shape[1] as number) * (m.shape[3] as number) * 4 : 0), 0) *
      context
    );
  } finally {
    await decoder.release();
  }
}

async function benchPack(
  dir: string,
  maxNewTokens: number,
  bandwidth: number,
): Promise<Record<string, string>> {
  const pack = await loadPack(dir, { preferVariants: VARIANTS, hashCacheFile: null });
  const { draft, ttftMs, peakRss } = await engineDraft(dir, maxNewTokens);
  const generated = draft.tokens.reportGenerated;
  // The first token comes from the prefill; a stop token costs a step of its own.
  const steps = draft.stopReason === 'max-tokens' ? generated - 1 : generated;
  const plain = await plainLoop(pack, steps);
  const t = draft.timings;
  const prompt = draft.tokens.reportPrompt;
  const engineDecode = t.reportDecodeMs / steps;
  const plainDecode = plain.decodeMs / steps;
  const weights = fileBytes(pack.graphs.decoder);
  const kv = await kvBytesPerToken(pack, prompt + generated / 2);
  const floorMs = ((weights + kv) / (bandwidth * 1e9)) * 1000;
  const prefillMs = t.prefixPrefillMs + t.reportPrefillMs;
  return {
    pack: `${draft.model.id} ${draft.model.variant} (${pack.kvCache} KV cache), ${prompt} prompt tokens (${draft.image.imageTokens} image), ${generated} generated (${steps} decode steps), ${THREADS} threads`,
    'image encoding': `engine ${fmt(t.encodeImageMs)} ms, plain loop ${fmt(plain.encodeMs)} ms`,
    prefill: `engine ${fmt((prompt / prefillMs) * 1000)} tokens/s (prefix ${fmt(t.prefixPrefillMs)} ms + prompt ${fmt(t.reportPrefillMs)} ms), plain loop ${fmt((plain.promptTokens / plain.prefillMs) * 1000)} tokens/s`,
    decode: `engine ${fmt(1000 / engineDecode)} tokens/s (${fmt(engineDecode)} ms/token), plain loop ${fmt(1000 / plainDecode)} tokens/s (${fmt(plainDecode)} ms/token)`,
    'decode floor': `${fmt(floorMs, 2)} ms/token (${fmt(weights / 1e6)} MB weights + ${fmt(kv / 1e6)} MB KV at mid-decode, / ${fmt(bandwidth)} GB/s): engine ${fmt(engineDecode / floorMs, 2)}x, plain loop ${fmt(plainDecode / floorMs, 2)}x the floor`,
    'time to first token': `${fmt(ttftMs)} ms (model open; render, encode, prefill, first step)`,
    'whole draft': `${fmt(t.totalMs)} ms (${draft.findings.length} findings, grounding ${fmt(t.groundingMs)} ms)`,
    'peak RSS of the inference process': peakRss === null ? 'n/a (no /proc)' : `${fmt(peakRss)} MiB`,
  };
}

export async function benchDraft(): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'lightbox-bench-draft-'));
  try {
    const bandwidth = memoryBandwidth();
    const out: Record<string, string> = { 'memory bandwidth (typed-array copy)': `${fmt(bandwidth)} GB/s` };
    const packs: [string, string, number][] = [['tiny', exportTinyPack(dir), 64]];
    const big = process.env.LIGHTBOX_BENCH_2B_PACK;
    for (const pack of big?.split(delimiter).filter(Boolean) ?? [])
      packs.push([`2B q4 ${basename(pack)}`, resolve(pack), 32]);
    for (const [name, pack, tokens] of packs)
      for (const [k, v] of Object.entries(await benchPack(pack, tokens, bandwidth))) out[`${name}: ${k}`] = v;
    if (!big)
      out['2B q4'] =
        'skipped: set LIGHTBOX_BENCH_2B_PACK to a pack exported with --random-init --shape 2b --variants q4';
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
