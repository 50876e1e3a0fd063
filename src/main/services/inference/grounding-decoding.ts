// How grounding answers are decoded. A pack that writes radvlm fractions gets its coordinates as the
// median of the model's distribution (engine/median-coordinate.ts), unless the reader asked for sampling;
// other box formats are decoded as text.
import type { Draft } from '../../../shared/draft';
import type { GenerateOptions } from './engine/generate';
import type { ModelPack } from './engine/load-pack';
import type { PromptTokenizer } from './engine/tokenizer';

export function groundingDecoding(
  pack: Pick<ModelPack, 'boxFormat'>,
  tokenizer: Pick<PromptTokenizer, 'tokenId'>,
  sampled: boolean,
): { coordinates: Draft['decoding']['coordinates']; options: Pick<GenerateOptions, 'medianCoordinates'> } {
  if (sampled || pack.boxFormat !== 'radvlm-fraction-xyxy') return { coordinates: 'tokens', options: {} };
  const digitIds = [...'0123456789'].map((d) => tokenizer.tokenId(d));
  return { coordinates: 'median', options: { medianCoordinates: { digitIds } } };
}
