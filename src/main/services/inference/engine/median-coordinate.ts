// Box coordinates ("0.dd", the radvlm format) written as the median of the model's distribution over
// 0.00..0.99 instead of digit by digit. Greedy decoding takes the likeliest tenths digit and then the
// likeliest hundredths after it; where the model spreads a box edge over two tenths (0.39 or 0.40), that
// path can sit away from most of its probability. The median is the value with the least expected
// absolute error, which is what a box edge is judged by (its effect on the demo pack's boxes:
// tools/demo-model/README.md).

/** The text so far ends where a fraction's digits come next: "[0." or ", 0.". */
export const FRACTION_DIGITS_NEXT = /(?:\[|,\s*)0\.$/;

/** Tenths digits followed up: the likeliest, until they hold this much of the probability or number this many. */
const TENTHS_MASS = 0.99;
const MAX_TENTHS = 3;

/** The softmax of the logits over the digit tokens alone, normalised among them. */
export function digitDistribution(logits: Float32Array, digitIds: readonly number[]): number[] {
  const values = digitIds.map((id) => logits[id]!);
  const max = Math.max(...values);
  const weights = values.map((v) => Math.exp(v - max));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** The smallest value whose cumulative probability reaches one half. */
export function weightedMedian(values: readonly { value: number; p: number }[]): number {
  const sorted = [...values].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((a, v) => a + v.p, 0);
  let cumulative = 0;
  for (const v of sorted) {
    cumulative += v.p;
    if (cumulative >= total / 2) return v.value;
  }
  return sorted[sorted.length - 1]!.value;
}

type State = { logits: Float32Array };

/**
 * From `state`, whose logits give the tenths digit: the median coordinate's two digits (0..9 each) and the
 * state after both. `step(token, from)` runs one token after `from`; the tenths candidates each branch from
 * `state` (a cache may be extended again from the same point), and the chosen branch is run again unless
 * it was the last one tried.
 */
export async function medianCoordinate<S extends State>(
  state: S,
  digitIds: readonly number[],
  step: (token: number, from: S) => Promise<S>,
): Promise<{ digits: [number, number]; state: S }> {
  const tenths = digitDistribution(state.logits, digitIds);
  const order = [...tenths.keys()].sort((a, b) => tenths[b]! - tenths[a]!);
  const outcomes: { value: number; p: number }[] = [];
  let mass = 0;
  let tried = 0;
  let last: { digit: number; state: S } | null = null;
  for (const digit of order) {
    if (tried > 0 && (mass >= TENTHS_MASS || tried >= MAX_TENTHS)) break;
    const next = await step(digitIds[digit]!, state);
    digitDistribution(next.logits, digitIds).forEach((p, hundredth) =>
      outcomes.push({ value: digit * 10 + hundredth, p: tenths[digit]! * p }),
    );
    mass += tenths[digit]!;
    tried++;
    last = { digit, state: next };
  }
  const value = weightedMedian(outcomes);
  const [tenth, hundredth] = [Math.floor(value / 10), value % 10];
  const afterTenth = last?.digit === tenth ? last.state : await step(digitIds[tenth]!, state);
  return { digits: [tenth, hundredth], state: await step(digitIds[hundredth]!, afterTenth) };
}
