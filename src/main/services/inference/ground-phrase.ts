// "Ground this": the pack's phrase-grounding prompt for one phrase the reader selected, on the study's
// drafted image; the answer becomes boxes in pixels of the original image, unusable boxes kept with why.
import type { GroundRequest, GroundResult } from '../../../shared/draft';
import { generate } from './engine/generate';
import type { ModelCache } from './engine/open-model';
import { encodeImage, groundingInstruction, openRequestedModel } from './encode-image';
import { boxesFromGrounding } from './finding-boxes';
import { groundingDecoding } from './grounding-decoding';

export async function groundPhrase(
  request: GroundRequest,
  context: { models: ModelCache; signal: AbortSignal },
): Promise<GroundResult> {
  const { model } = await openRequestedModel(context.models, request);
  const { pack, session, tokenizer } = model;
  const { width, height, promptFor } = await encodeImage(model, request.image);
  const answer = await generate(
    session,
    tokenizer,
    promptFor(groundingInstruction(pack.tasks.phraseGrounding, request.phrase)),
    pack.rope,
    {
      stopTokenIds: pack.stopTokenIds,
      maxNewTokens: request.maxNewTokens,
      signal: context.signal,
      ...groundingDecoding(pack, tokenizer, false).options,
    },
  );
  return { ...boxesFromGrounding(answer.text, pack.boxFormat, { width, height }), rawText: answer.text };
}
