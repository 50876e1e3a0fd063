// Box agreement as the training tools compute it: the same random box sets through metrics.py
// (tools/demo-model) and through box-match.ts give the same matching, IoUs and rewards.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Box } from '../../../../src/shared/draft';
import {
  groundingReward,
  hungarian,
  iou,
  matchedIous,
  meanMatchedIou,
} from '../../../../src/main/services/feedback/box-match';
import { ROOT } from '../../../helpers/paths';

/** Deterministic pseudo-random boxes (mulberry32). */
function boxes(seed: number, n: number): Box[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => ({
    x: Math.round(rand() * 80),
    y: Math.round(rand() * 80),
    width: 5 + Math.round(rand() * 40),
    height: 5 + Math.round(rand() * 40),
  }));
}

describe('IoU', () => {
  it('is 1 for the same box, 0 apart, and the overlap ratio between', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    expect(iou(a, a)).toBe(1);
    expect(iou(a, { x: 20, y: 0, width: 10, height: 10 })).toBe(0);
    expect(iou(a, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(50 / 150, 12);
  });
});

describe('Hungarian matching', () => {
  it('finds the assignment of least cost in any shape, checked against every permutation', () => {
    const permutations = (n: number): number[][] =>
      n === 0
        ? [[]]
        : permutations(n - 1).flatMap((p) =>
            Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
          );
    for (let seed = 1; seed < 40; seed++) {
      const a = boxes(seed, 1 + (seed % 4));
      const b = boxes(seed * 7, 1 + ((seed >> 2) % 4));
      const cost = a.map((x) => b.map((y) => -iou(x, y)));
      const pairs = hungarian(cost);
      expect(pairs).toHaveLength(Math.min(a.length, b.length));
      const got = pairs.reduce((s, [i, j]) => s + cost[i]![j]!, 0);
      // Brute force over injections of the smaller side into the larger.
      const [small, large] = a.length <= b.length ? [a.length, b.length] : [b.length, a.length];
      let best = Infinity;
      for (const p of permutations(large)) {
        let s = 0;
        for (let k = 0; k < small; k++) s += a.length <= b.length ? cost[k]![p[k]!]! : cost[p[k]!]![k]!;
        best = Math.min(best, s);
      }
      expect(got).toBeCloseTo(best, 12);
    }
  });
});

describe('the grounding reward', () => {
  it('equals tools/demo-model/metrics.py on the same boxes', () => {
    const cases = Array.from(
      { length: 30 },
      (_, k) => [boxes(k + 100, k % 4), boxes(k + 500, (k >> 1) % 4)] as const,
    );
    const xyxy = (bs: readonly Box[]) => bs.map((b) => [b.x, b.y, b.x + b.width, b.y + b.height]);
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(join(ROOT, 'tools/demo-model'))})
import metrics
cases = json.loads(sys.stdin.read())
print(json.dumps([[metrics.grounding_reward(p, t), sorted(metrics.matched_ious(p, t))] for p, t in cases]))
`;
    const out = execFileSync('/usr/bin/python3', ['-c', script], {
      input: JSON.stringify(cases.map(([p, t]) => [xyxy(p), xyxy(t)])),
      encoding: 'utf8',
    });
    const expected = JSON.parse(out) as [number, number[]][];
    cases.forEach(([p, t], k) => {
      expect(groundingReward(p, t)).toBeCloseTo(expected[k]![0], 12);
      const mine = [...matchedIous(p, t)].sort((x, y) => x - y);
      expect(mine).toHaveLength(expected[k]![1].length);
      mine.forEach((v, i) => expect(v).toBeCloseTo(expected[k]![1][i]!, 12));
    });
  });

  it('is 1 with no boxes on either side, 0 with boxes on one side only', () => {
    expect(groundingReward([], [])).toBe(1);
    expect(groundingReward(boxes(1, 1), [])).toBe(0);
    expect(meanMatchedIou([], boxes(1, 1))).toBeNull();
    const two = boxes(3, 2);
    expect(meanMatchedIou(two, two.slice(0, 1))).toBeCloseTo(0.5, 12);
  });
});
