// The two decoder KV cache layouts on the tiny pack, exported both ways: the delta decoder (contract 1.1,
// the cache grown in place) computes what the whole-cache decoder of contract 1 packs computes, through a
// long prompt, decoding past the buffer's growth, and prompts continuing a shared cached prefix; and a
// contract 1 pack still opens and runs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeStep,
  generate,
  prefill,
  type DecodeState,
  type Prompt,
  type PromptPrefix,
} from '../../../../../src/main/services/inference/engine/generate';
import { openModel, type OpenModel } from '../../../../../src/main/services/inference/engine/open-model';
import { preprocessImage } from '../../../../../src/main/services/inference/engine/preprocess-image';
import { greedyToken } from '../../../../../src/main/services/inference/engine/sample-token';
import { ModelSession } from '../../../../../src/main/services/inference/engine/session';
import { exportTinyPack } from '../../../../helpers/tiny-pack';
import { goldenImage, goldenJson } from './golden';

/** Float32 rounding: the delta graph sums attention over buffer and new keys in two products. */
const TOLERANCE = 1e-6;

function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let norm = 0;
  expected.forEach((e, i) => {
    diff += (actual[i]! - e) ** 2;
    norm += e * e;
  });
  return Math.sqrt(diff / norm);
}

type Run = { logits: Float32Array[]; ids: number[]; state: DecodeState };

/** Prefill (from `prefix` if given), then `steps` greedy decode steps: the logits of each and the ids. */
async function greedy(model: OpenModel, prompt: Prompt, steps: number, prefix?: PromptPrefix): Promise<Run> {
  let state = await prefill(model.session, prompt, model.pack.rope, prefix);
  const logits = [state.logits];
  const ids: number[] = [];
  for (let k = 0; k < steps; k++) {
    ids.push(greedyToken(state.logits));
    state = await decodeStep(model.session, ids.at(-1)!, state);
    logits.push(state.logits);
  }
  return { logits, ids, state };
}

function expectSame(delta: Run, full: Run): number {
  expect(delta.ids).toEqual(full.ids);
  const worst = Math.max(...delta.logits.map((l, i) => relativeError(l, full.logits[i]!)));
  expect(worst).toBeLessThanOrEqual(TOLERANCE);
  return worst;
}

describe('delta and whole-cache decoders', () => {
  const golden = goldenJson();
  let workDir: string;
  let delta: OpenModel;
  let full: OpenModel;
  let prompts: (instruction: string) => Prompt;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'lightbox-kv-cache-'));
    const open = (dir: string) => openModel({ dir, provider: 'cpu', hashCacheFile: null, threads: 2 });
    [delta, full] = await Promise.all([
      open(exportTinyPack(workDir, 'delta')),
      open(exportTinyPack(workDir, 'full', { kvCache: 'full' })),
    ]);
    const image = preprocessImage(goldenImage(), delta.pack.imageConfig);
    const encoding = await delta.session.encodeImage(image.pixelValues, image.dims, image.gridThw);
    prompts = (instruction) => ({
      inputIds: delta.tokenizer.imagePrompt({ instruction, imageTokens: image.imageTokens }).inputIds,
      image: { encoding, gridThw: image.gridThw },
    });
  });

  afterAll(async () => {
    await Promise.all([delta?.session.release(), full?.session.release()]);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('opens each pack with the layout its manifest declares', () => {
    const manifest = (model: OpenModel) =>
      JSON.parse(readFileSync(join(model.pack.dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest(delta)).toMatchObject({
      contract_version: '1.1',
      kv_cache: { layout: 'capacity-buffer', outputs: 'delta' },
    });
    expect(manifest(full).contract_version).toBe('1');
    expect(manifest(full)).not.toHaveProperty('kv_cache');
    expect([delta.pack.kvCache, delta.session.kvCache]).toEqual(['delta', 'delta']);
    expect([full.pack.kvCache, full.session.kvCache]).toEqual(['full', 'full']);
  });

  it('give the same logits and ids for the golden prompt and 120 decode steps, across buffer growth', async () => {
    const prompt = prompts(golden.prompt_text);
    const [d, f] = [await greedy(delta, prompt, 120), await greedy(full, prompt, 120)];
    expect(d.ids.slice(0, 16)).toEqual(golden.greedy_new_ids);
    // 93 + 120 positions: the delta buffer grew at least once on the way.
    expect(d.state.cache.length).toBe(213);
    console.info(
      `delta vs whole cache, 121 logits: worst relative error ${expectSame(d, f).toExponential(2)}`,
    );
  });

  it('give the same logits for prompts continuing a cached prefix, one after another', async () => {
    const report = prompts(golden.prompt_text);
    const grounding = prompts('Please locate the following sentence: The heart is enlarged.');
    let shared = 0;
    while (report.inputIds[shared] === grounding.inputIds[shared]) shared++;
    const prefixPrompt = { inputIds: report.inputIds.slice(0, shared), image: report.image };
    const prefixOf = async (model: OpenModel): Promise<PromptPrefix> => ({
      inputIds: prefixPrompt.inputIds,
      cache: (await prefill(model.session, prefixPrompt, model.pack.rope)).cache,
    });
    const [deltaPrefix, fullPrefix] = [await prefixOf(delta), await prefixOf(full)];
    expect(shared).toBeGreaterThan(72);

    // The report, then the grounding prompt, then the report again, each from the prefix.
    const deltaReport = await greedy(delta, report, 6, deltaPrefix);
    expectSame(deltaReport, await greedy(full, report, 6, fullPrefix));
    const deltaGrounding = await greedy(delta, grounding, 6, deltaPrefix);
    expectSame(deltaGrounding, await greedy(full, grounding, 6, fullPrefix));
    expectSame(await greedy(delta, report, 6, deltaPrefix), deltaReport);
    // As if the prefix had not been cached.
    expectSame(deltaGrounding, await greedy(delta, grounding, 6));

    // The first report's cache lost its rows to the later prompts: it refuses to go on, where the
    // whole-cache decoder's caches are each their own.
    await expect(decodeStep(delta.session, 0, deltaReport.state)).rejects.toThrow(/KV cache overwritten/);
    const fullReport = await greedy(full, report, 6, fullPrefix);
    await expect(decodeStep(full.session, 0, fullReport.state)).resolves.toBeDefined();
  });

  it('draft through generate from the prefix the same way (the report, then grounding prompts)', async () => {
    const run = async (model: OpenModel) => {
      const report = prompts(golden.prompt_text);
      const first = prompts('Please locate the following sentence: The heart is enlarged.');
      let shared = 0;
      while (report.inputIds[shared] === first.inputIds[shared]) shared++;
      const inputIds = report.inputIds.slice(0, shared);
      const cache = (await prefill(model.session, { inputIds, image: report.image }, model.pack.rope)).cache;
      const options = { maxNewTokens: 10, stopTokenIds: [], prefix: { inputIds, cache } };
      const texts = [];
      for (const prompt of [report, first, prompts('Please locate the following sentence: No effusion.')])
        texts.push(
          (await generate(model.session, model.tokenizer, prompt, model.pack.rope, options)).tokenIds,
        );
      return texts;
    };
    expect(await run(delta)).toEqual(await run(full));
  });

  it('refuses a decoder or a cache of the other layout', async () => {
    await expect(ModelSession.open(full.pack.graphs, { kvCache: 'delta' })).rejects.toThrow(
      "the decoder has no output present_delta.0.key, but the pack's manifest declares a delta KV cache",
    );
    await expect(ModelSession.open(delta.pack.graphs)).rejects.toThrow(
      "the decoder has no output present.0.key, but the pack's manifest declares no kv_cache (the whole cache)",
    );
    const input = { embeds: new Float32Array(delta.session.hiddenSize), positionIds: new BigInt64Array(3) };
    await expect(
      delta.session.forward({ ...input, deepstack: null }, full.session.emptyCache()),
    ).rejects.toThrow('a full KV cache for a delta decoder');
  });
});
