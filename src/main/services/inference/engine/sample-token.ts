// Choosing the next token from the last position's logits: greedy (argmax, first of ties as torch does), or
// sampling with temperature and top-p (nucleus) from a seeded generator so that a draft can be reproduced.

export type Sampling = { temperature: number; topP: number; seed: number };

/** mulberry32: a small, fast, seedable uniform generator on [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function greedyToken(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

/**
 * Softmax of logits / temperature, cut to the most likely tokens whose mass reaches topP (tokens tied with
 * the last one kept are kept too), then one draw.
 */
export function sampleToken(
  logits: Float32Array,
  sampling: Omit<Sampling, 'seed'>,
  random: () => number,
): number {
  const { temperature, topP } = sampling;
  if (!(temperature > 0) || !(topP > 0 && topP <= 1)) {
    throw new Error(`sampling needs temperature > 0 and 0 < top_p <= 1, got ${temperature} and ${topP}`);
  }
  const max = logits[greedyToken(logits)]!;
  const weights = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    weights[i] = Math.exp((logits[i]! - max) / temperature);
    total += weights[i]!;
  }
  let threshold = 0;
  if (topP < 1) {
    // A native numeric sort, fast even over a whole vocabulary.
    const sorted = weights.slice().sort().reverse();
    let mass = 0;
    for (const w of sorted) {
      mass += w;
      threshold = w;
      if (mass >= topP * total) break;
    }
  }
  let kept = 0;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! < threshold) continue;
    kept += weights[i]!;
    last = i;
  }
  let target = random() * kept;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! < threshold) continue;
    target -= weights[i]!;
    if (target < 0) return i;
  }
  return last;
}
