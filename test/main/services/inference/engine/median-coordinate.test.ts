import { describe, expect, it } from 'vitest';
import {
  FRACTION_DIGITS_NEXT,
  digitDistribution,
  medianCoordinate,
  weightedMedian,
} from '../../../../../src/main/services/inference/engine/median-coordinate';

// Token ids of "0".."9" in a 40-token toy vocabulary, out of order as in a real one.
const DIGITS = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29].reverse();

/** Logits giving the digits these probabilities (the rest of the vocabulary far below). */
function logitsFor(p: Record<number, number>): Float32Array {
  const logits = new Float32Array(40).fill(-30);
  DIGITS.forEach((id, d) => (logits[id] = Math.log(p[d] ?? 1e-9)));
  return logits;
}

type Toy = { logits: Float32Array; path: number[] };

/** A model whose tenths are `tenths` and whose hundredths after tenth d are `hundredths[d]`. */
function toyModel(tenths: Record<number, number>, hundredths: Record<number, Record<number, number>>) {
  const calls: number[][] = [];
  const step = async (token: number, from: Toy): Promise<Toy> => {
    const path = [...from.path, DIGITS.indexOf(token)];
    calls.push(path);
    return {
      path,
      logits: path.length === 1 ? logitsFor(hundredths[path[0]!] ?? { 0: 1 }) : logitsFor({ 5: 1 }),
    };
  };
  return { start: { logits: logitsFor(tenths), path: [] } as Toy, step, calls };
}

describe('median coordinates', () => {
  it('normalises the softmax over the digit tokens alone', () => {
    const logits = logitsFor({ 3: 0.6, 4: 0.2 });
    logits[0] = 100; // a likelier non-digit token does not count
    const p = digitDistribution(logits, DIGITS);
    expect(p[3]).toBeCloseTo(0.75, 6);
    expect(p[4]).toBeCloseTo(0.25, 6);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('takes the smallest value whose cumulative probability reaches one half', () => {
    expect(
      weightedMedian([
        { value: 7, p: 0.2 },
        { value: 1, p: 0.3 },
        { value: 4, p: 0.5 },
      ]),
    ).toBe(4);
    expect(
      weightedMedian([
        { value: 2, p: 0.5 },
        { value: 9, p: 0.5 },
      ]),
    ).toBe(2);
  });

  it('writes the median where the greedy path would take the likeliest tenth', async () => {
    // Greedy: tenth 3 (0.4), then its likeliest hundredth 0 -> 0.30. Most mass lies at 0.4x and above.
    const toy = toyModel(
      { 3: 0.4, 4: 0.35, 5: 0.25 },
      { 3: { 0: 0.9, 9: 0.1 }, 4: { 1: 0.8, 2: 0.2 }, 5: { 0: 1 } },
    );
    const { digits, state } = await medianCoordinate(toy.start, DIGITS, toy.step);
    expect(digits).toEqual([4, 1]);
    // Three tenths tried from the start, the chosen one run again, then its hundredth.
    expect(toy.calls).toEqual([[3], [4], [5], [4], [4, 1]]);
    expect(state.path).toEqual([4, 1]);
  });

  it('follows only the tenths that hold the probability, and reuses the last branch when chosen', async () => {
    const toy = toyModel({ 7: 0.995, 8: 0.005 }, { 7: { 2: 0.3, 3: 0.7 } });
    const { digits } = await medianCoordinate(toy.start, DIGITS, toy.step);
    expect(digits).toEqual([7, 3]);
    expect(toy.calls).toEqual([[7], [7, 3]]);
  });

  it('starts after "[0." and ", 0." only', () => {
    for (const text of ['located at the coordinates [0.', '[0.12, 0.', '[0.12,0.'])
      expect(FRACTION_DIGITS_NEXT.test(text)).toBe(true);
    for (const text of ['[0.1', '[1.', 'about 0.', '[0.12, 0.34]'])
      expect(FRACTION_DIGITS_NEXT.test(text)).toBe(false);
  });
});
