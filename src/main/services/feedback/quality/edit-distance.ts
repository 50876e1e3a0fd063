// Word-level Levenshtein distance: the fewest word insertions, deletions and substitutions that turn
// the draft into the final text.
import { wordTokens } from './word-tokens';

export function tokenEditDistance(a: readonly string[], b: readonly string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export const wordEditDistance = (draft: string, final: string): number =>
  tokenEditDistance(wordTokens(draft), wordTokens(final));
