import { describe, expect, it } from 'vitest';
import { sentenceGleu, tokenGleu } from '../../../../../src/main/services/feedback/quality/gleu';

describe('sentenceGleu', () => {
  it('is matched 1- to 4-grams over the larger n-gram count', () => {
    // a b c / a b d: 6 n-grams each, a, b and "a b" match.
    expect(tokenGleu(['a', 'b', 'c'], ['a', 'b', 'd'])).toBe(0.5);
    // 3 hypothesis n-grams, all in the reference's 10: recall 0.3 is the minimum, either way round.
    expect(tokenGleu(['a', 'b'], ['a', 'b', 'c', 'd'])).toBe(0.3);
    expect(tokenGleu(['a', 'b', 'c', 'd'], ['a', 'b'])).toBe(0.3);
  });

  it('clips repeated n-grams to the reference count', () => {
    // the x3, "the the" x2, "the the the" x1 against one "the".
    expect(tokenGleu(['the', 'the', 'the'], ['the'])).toBe(1 / 6);
  });

  it('stops at 4-grams', () => {
    // 5 tokens: 5+4+3+2 = 14 n-grams up to order 4; one substitution at the end leaves 4+3+2+1 = 10.
    expect(tokenGleu(['a', 'b', 'c', 'd', 'e'], ['a', 'b', 'c', 'd', 'f'])).toBe(10 / 14);
  });

  it('compares words, not case or punctuation; empty texts agree, one empty text does not', () => {
    expect(sentenceGleu('No effusion.', 'no effusion')).toBe(1);
    expect(sentenceGleu('Left pleural effusion.', 'Small left pleural effusion.')).toBe(0.6);
    expect(sentenceGleu('', '')).toBe(1);
    expect(sentenceGleu('', 'No effusion.')).toBe(0);
  });
});
