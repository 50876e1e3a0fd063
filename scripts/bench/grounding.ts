// What median coordinates cost: phrase-grounding answers on the demo studies with the committed demo pack,
// each decoded with coordinates token by token (the baseline) and as the median of the model's
// distribution (what drafts do), alternating, on one open model. Reports time per answer and how many
// decoder steps the median's extra branches took.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderFile } from '../../src/main/services/dicom/pixels';
import { generate, type Prompt } from '../../src/main/services/inference/engine/generate';
import { openModel } from '../../src/main/services/inference/engine/open-model';
import { preprocessImage } from '../../src/main/services/inference/engine/preprocess-image';
import { groundingDecoding } from '../../src/main/services/inference/grounding-decoding';
import { median } from './stats';

const ROOT = resolve(import.meta.dirname, '../..');
const STUDIES = [
  '02-cardiomegaly',
  '03-left-effusion',
  '04-right-pneumothorax',
  '05-nodule-ett',
  '06-consolidation',
];
const ROUNDS = 5;

type Truth = { grounding: { task: string; phrase?: string }[] };

export async function benchGrounding(): Promise<Record<string, string>> {
  const model = await openModel({
    dir: join(ROOT, 'models/lightbox-demo'),
    provider: 'cpu',
    threads: 1,
    hashCacheFile: null,
  });
  const { pack, session, tokenizer } = model;
  const byMedian = groundingDecoding(pack, tokenizer, false).options;
  const prompts: Prompt[] = [];
  for (const study of STUDIES) {
    const path = join(ROOT, 'samples/demo', `demo-${study}.dcm`);
    const truth = JSON.parse(readFileSync(`${path}.truth.json`, 'utf8')) as Truth;
    const { pixels, info } = await renderFile(path);
    const image = preprocessImage(
      { pixels, width: info.columns, height: info.rows, channels: 1 },
      pack.imageConfig,
    );
    const encoding = await session.encodeImage(image.pixelValues, image.dims, image.gridThw);
    for (const { phrase } of truth.grounding.filter((g) => g.task === 'phrase_grounding')) {
      const instruction = pack.tasks.phraseGrounding.replaceAll('{phrase}', phrase!);
      prompts.push({
        inputIds: tokenizer.imagePrompt({ instruction, imageTokens: image.imageTokens }).inputIds,
        image: { encoding, gridThw: image.gridThw },
      });
    }
  }
  // Counts decoder runs: prefill, one per written token, and the median's extra branches.
  let steps = 0;
  const counted: typeof session = Object.create(session) as typeof session;
  counted.forward = (input, cache) => {
    steps++;
    return session.forward(input, cache);
  };
  const times = { tokens: [] as number[], median: [] as number[] };
  const decodeSteps = { tokens: 0, median: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    for (const prompt of prompts) {
      for (const mode of ['tokens', 'median'] as const) {
        steps = 0;
        const t = performance.now();
        await generate(counted, tokenizer, prompt, pack.rope, {
          maxNewTokens: 96,
          stopTokenIds: pack.stopTokenIds,
          ...(mode === 'median' ? byMedian : {}),
        });
        times[mode].push(performance.now() - t);
        if (round === 0) decodeSteps[mode] += steps;
      }
    }
  }
  await session.release();
  return {
    answers: `${prompts.length} phrase-grounding prompts on ${STUDIES.length} demo studies, ${ROUNDS} rounds, 1 thread`,
    'tokens (baseline)': `${median(times.tokens).toFixed(1)} ms an answer (median), ${decodeSteps.tokens} decoder runs in all`,
    median: `${median(times.median).toFixed(1)} ms an answer (median), ${decodeSteps.median} decoder runs in all`,
  };
}
