import { describe, expect, it } from 'vitest';
import {
  tokenEditDistance,
  wordEditDistance,
} from '../../../../../src/main/services/feedback/quality/edit-distance';

describe('wordEditDistance', () => {
  it('counts word insertions, deletions and substitutions', () => {
    expect(wordEditDistance('No acute findings.', 'No acute cardiopulmonary findings.')).toBe(1);
    expect(wordEditDistance('Cardiomegaly. Right pneumothorax.', 'Cardiomegaly. Nodule.')).toBe(2);
    expect(tokenEditDistance(['a', 'b', 'c'], ['c', 'b', 'a'])).toBe(2);
    expect(tokenEditDistance(['kitten', 'sat'], ['sitting', 'sat', 'down'])).toBe(2);
  });

  it('is zero for the same words and the length of the other text against an empty one', () => {
    expect(wordEditDistance('Small LEFT effusion', 'small left effusion.')).toBe(0);
    expect(wordEditDistance('', 'two words')).toBe(2);
    expect(wordEditDistance('three more words', '')).toBe(3);
  });
});
