import { describe, expect, it } from 'vitest';
import {
  greedyToken,
  sampleToken,
  seededRandom,
} from '../../../../../src/main/services/inference/engine/sample-token';

describe('greedyToken', () => {
  it('takes the first of tied maxima, as torch.argmax', () => {
    expect(greedyToken(Float32Array.from([1, 3, 3, -Infinity]))).toBe(1);
  });
});

describe('seededRandom', () => {
  it('repeats for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(seededRandom(43)()).not.toBe(values[0]);
  });
});

describe('sampleToken', () => {
  const logits = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
  const frequencies = (topP: number, temperature = 1) => {
    const random = seededRandom(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[sampleToken(logits, { temperature, topP }, random)]!++;
    return counts.map((c) => c / 20000);
  };

  it('draws from the softmax', () => {
    frequencies(1).forEach((f, i) => expect(f).toBeCloseTo([0.5, 0.3, 0.15, 0.05][i]!, 1));
  });

  it('keeps the smallest top set reaching top_p', () => {
    const f = frequencies(0.75);
    expect(f[2]).toBe(0);
    expect(f[3]).toBe(0);
    expect(f[0]).toBeCloseTo(0.5 / 0.8, 1);
  });

  it('sharpens with a low temperature', () => {
    expect(frequencies(1, 0.05)[0]).toBeGreaterThan(0.99);
  });

  it('never picks a forbidden (-inf) token', () => {
    const masked = Float32Array.from([-Infinity, 0, -Infinity]);
    const random = seededRandom(3);
    for (let i = 0; i < 100; i++)
      expect(sampleToken(masked, { temperature: 0.7, topP: 0.5 }, random)).toBe(1);
  });

  it('rejects meaningless settings', () => {
    const random = seededRandom(1);
    expect(() => sampleToken(logits, { temperature: 0, topP: 1 }, random)).toThrow(/temperature > 0/);
    expect(() => sampleToken(logits, { temperature: 1, topP: 1.5 }, random)).toThrow(/top_p/);
    expect(() => sampleToken(logits, { temperature: Number.NaN, topP: 1 }, random)).toThrow(/temperature/);
  });
});
