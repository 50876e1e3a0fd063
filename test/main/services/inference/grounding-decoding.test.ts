import { describe, expect, it } from 'vitest';
import { groundingDecoding } from '../../../../src/main/services/inference/grounding-decoding';

const tokenizer = { tokenId: (token: string) => 15 + Number(token) };

describe('grounding decoding', () => {
  it('decodes radvlm fractions by their median, with the digit tokens of the pack', () => {
    expect(groundingDecoding({ boxFormat: 'radvlm-fraction-xyxy' }, tokenizer, false)).toEqual({
      coordinates: 'median',
      options: { medianCoordinates: { digitIds: [15, 16, 17, 18, 19, 20, 21, 22, 23, 24] } },
    });
  });

  it('leaves sampled drafts and other box formats to the tokens', () => {
    for (const [boxFormat, sampled] of [
      ['radvlm-fraction-xyxy', true],
      ['qwen-bbox-2d-1000', false],
    ] as const)
      expect(groundingDecoding({ boxFormat }, tokenizer, sampled)).toEqual({
        coordinates: 'tokens',
        options: {},
      });
  });
});
