// A model stuck in a loop writes the same phrase (or box) again and again until its token budget runs out.
// The loop is found as the earliest stretch where the text equals itself shifted by a period p, at least
// three periods long and 30 characters: one copy is kept, the rest is cut.

export type Repetition = {
  /** Where the repeated stretch starts in the text. */
  start: number;
  /** One period of it. */
  unit: string;
  /** Whole periods in the stretch. */
  copies: number;
};

const MIN_COPIES = 3;
const MIN_SPAN = 30;
const MAX_UNIT = 400;

export function findRunawayRepetition(text: string): Repetition | null {
  let best: Repetition | null = null;
  const maxUnit = Math.min(MAX_UNIT, Math.floor(text.length / MIN_COPIES));
  for (let p = 1; p <= maxUnit; p++) {
    const needed = Math.max(p * (MIN_COPIES - 1), MIN_SPAN - p);
    let run = 0;
    // Only a loop starting before the best one found can replace it.
    const end = best ? Math.min(text.length - p, best.start + needed) : text.length - p;
    for (let i = 0; i < end; i++) {
      run = text[i] === text[i + p] ? run + 1 : 0;
      if (run < needed) continue;
      const start = i - run + 1;
      if (best && start >= best.start) break;
      let stop = i + 1;
      while (stop + p < text.length && text[stop] === text[stop + p]) stop++;
      best = { start, unit: text.slice(start, start + p), copies: Math.floor((stop - start + p) / p) };
      break;
    }
  }
  return best;
}

/** The text with a runaway repetition cut to one copy, ended at a sentence end when the copy holds one. */
export function truncateRunawayRepetition(text: string): { text: string; repetition: Repetition | null } {
  const repetition = findRunawayRepetition(text);
  if (!repetition) return { text, repetition };
  const cut = repetition.start + repetition.unit.length;
  // The period can start mid-sentence (". Lungs clear"): finish that sentence from the second copy.
  const sentenceEnd = /[.!?](?=\s|$)/;
  const end = /[.!?]\s*$/.test(repetition.unit) ? null : sentenceEnd.exec(repetition.unit);
  const keep = end ? cut + end.index + 1 : cut;
  return { text: text.slice(0, keep).trimEnd(), repetition };
}
