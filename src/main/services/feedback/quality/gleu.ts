// Sentence GLEU (Wu et al. 2016, "Google's Neural Machine Translation System", section 7): all 1- to
// 4-grams of both texts are pooled; GLEU = min(precision, recall) of the matching n-grams, i.e.
// matches / max(#hypothesis n-grams, #reference n-grams). Same as NLTK's sentence_gleu, except that two
// texts with no n-grams at all (both empty) score 1, not 0: they agree.
import { wordTokens } from './word-tokens';

function ngramCounts(tokens: readonly string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      // Tokens never contain a space, so the joined key is unique per n-gram (and per order).
      const key = tokens.slice(i, i + n).join(' ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

const total = (counts: Map<string, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);

export function tokenGleu(hypothesis: readonly string[], reference: readonly string[], maxOrder = 4): number {
  const hyp = ngramCounts(hypothesis, maxOrder);
  const ref = ngramCounts(reference, maxOrder);
  const all = Math.max(total(hyp), total(ref));
  if (all === 0) return 1;
  let matches = 0;
  for (const [key, count] of hyp) matches += Math.min(count, ref.get(key) ?? 0);
  return matches / all;
}

export const sentenceGleu = (hypothesis: string, reference: string): number =>
  tokenGleu(wordTokens(hypothesis), wordTokens(reference));
