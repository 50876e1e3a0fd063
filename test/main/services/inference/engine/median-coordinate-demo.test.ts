// Median coordinates through the real engine and the committed demo pack: every coordinate written is the
// median of the model's whole distribution over 0.00..0.99, found here by following all ten tenths.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFile } from '../../../../../src/main/services/dicom/pixels/render-file';
import {
  decodeStep,
  generate,
  prefill,
  type Prompt,
} from '../../../../../src/main/services/inference/engine/generate';
import {
  digitDistribution,
  weightedMedian,
} from '../../../../../src/main/services/inference/engine/median-coordinate';
import { openModel, type OpenModel } from '../../../../../src/main/services/inference/engine/open-model';
import { preprocessImage } from '../../../../../src/main/services/inference/engine/preprocess-image';
import { groundingDecoding } from '../../../../../src/main/services/inference/grounding-decoding';
import { ROOT } from '../../../../helpers/paths';

const ANSWER =
  /^The (.+) is located at the coordinates \[(0\.\d\d), (0\.\d\d), (0\.\d\d), (0\.\d\d)\] on the image\.$/;

describe('median coordinates on the demo pack', () => {
  let model: OpenModel;
  let prompt: Prompt;
  let digitIds: readonly number[];

  beforeAll(async () => {
    model = await openModel({
      dir: join(ROOT, 'models/lightbox-demo'),
      provider: 'cpu',
      threads: 1,
      hashCacheFile: null,
    });
    const rendition = await renderFile(join(ROOT, 'samples/demo/demo-06-consolidation.dcm'), {
      frame: 0,
      window: { kind: 'auto' },
    });
    const prepared = preprocessImage(
      { pixels: rendition.pixels, width: rendition.info.columns, height: rendition.info.rows, channels: 1 },
      model.pack.imageConfig,
    );
    const encoding = await model.session.encodeImage(prepared.pixelValues, prepared.dims, prepared.gridThw);
    const instruction = model.pack.tasks.phraseGrounding.replaceAll(
      '{phrase}',
      'Right lower lobe consolidation.',
    );
    prompt = {
      inputIds: model.tokenizer.imagePrompt({ instruction, imageTokens: prepared.imageTokens }).inputIds,
      image: { encoding, gridThw: prepared.gridThw },
    };
    const decoding = groundingDecoding(model.pack, model.tokenizer, false);
    expect(decoding.coordinates).toBe('median');
    digitIds = decoding.options.medianCoordinates!.digitIds;
  });

  afterAll(async () => {
    await model?.session.release();
  });

  const answer = (maxNewTokens: number, median: boolean) =>
    generate(model.session, model.tokenizer, prompt, model.pack.rope, {
      maxNewTokens,
      stopTokenIds: model.pack.stopTokenIds,
      ...(median ? { medianCoordinates: { digitIds } } : {}),
    });

  it('writes each coordinate as the median of the full distribution', async () => {
    const median = await answer(96, true);
    const match = ANSWER.exec(median.text);
    expect(match, median.text).not.toBeNull();
    const digitPositions = median.tokenIds.flatMap((id, i) =>
      digitIds.includes(id) && model.tokenizer.decode(median.tokenIds.slice(0, i)).endsWith('0.') ? [i] : [],
    );
    expect(digitPositions).toHaveLength(4);
    for (const [k, at] of digitPositions.entries()) {
      const before = { ...prompt, inputIds: [...prompt.inputIds, ...median.tokenIds.slice(0, at)] };
      const state = await prefill(model.session, before, model.pack.rope);
      const tenths = digitDistribution(state.logits, digitIds);
      const outcomes = [];
      for (let tenth = 0; tenth < 10; tenth++) {
        const next = await decodeStep(model.session, digitIds[tenth]!, state);
        const hundredths = digitDistribution(next.logits, digitIds);
        for (let h = 0; h < 10; h++)
          outcomes.push({ value: tenth * 10 + h, p: tenths[tenth]! * hundredths[h]! });
      }
      expect(Number(match![k + 2])).toBeCloseTo(weightedMedian(outcomes) / 100, 6);
    }
  });

  it('keeps the template and the label of the greedy answer', async () => {
    const greedy = await answer(96, false);
    const median = await answer(96, true);
    expect(ANSWER.exec(greedy.text)?.[1]).toBe(ANSWER.exec(median.text)?.[1]);
  });

  it('never writes past the token budget', async () => {
    const full = (await answer(96, true)).tokenIds;
    for (let budget = 10; budget <= full.length; budget++) {
      const cut = await answer(budget, true);
      expect(cut.tokenIds.length).toBeLessThanOrEqual(budget);
      expect(cut.stopReason).toBe('max-tokens');
      expect(cut.tokenIds).toEqual(full.slice(0, cut.tokenIds.length));
    }
  });
});
