import { describe, expect, it } from 'vitest';
import { wordTokens } from '../../../../../src/main/services/feedback/quality/word-tokens';

describe('wordTokens', () => {
  it('lower-cases words and numbers, keeps inner hyphens and decimal points, drops punctuation', () => {
    expect(wordTokens('Right-sided 1.5 cm nodule; T11 (stable), patient’s ET tube.')).toEqual([
      'right-sided',
      '1.5',
      'cm',
      'nodule',
      't11',
      'stable',
      'patient’s',
      'et',
      'tube',
    ]);
    expect(wordTokens('Épanchement pleural.')).toEqual(['épanchement', 'pleural']);
    expect(wordTokens(' ... ')).toEqual([]);
  });
});
