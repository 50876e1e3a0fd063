// Multimodal rotary positions against the reference's position_ids and rope_deltas.
import { describe, expect, it } from 'vitest';
import { decodePositionIds, ropeIndex } from '../../../../../src/main/services/inference/engine/rope-index';
import { goldenJson, goldenTensor } from './golden';

const CONFIG = { imageTokenId: 151655, visionStartTokenId: 151652, spatialMergeSize: 2 };
const S = 151652;
const I = 151655;
const E = 151653;
const grid = (t: number, h: number, w: number) => [t, h, w] as const;

const axis = (r: ReturnType<typeof ropeIndex>, a: number, b = 0) => {
  const [, batch, length] = r.dims;
  return [...r.positionIds.subarray((a * batch + b) * length, (a * batch + b + 1) * length)].map(Number);
};

describe('ropeIndex against the reference', () => {
  it('reproduces position_ids [3, 1, 93] and rope_deltas', () => {
    const golden = goldenJson();
    const expected = goldenTensor('position_ids');
    const [gt, gh, gw] = golden.image_grid_thw[0]!;
    const out = ropeIndex([golden.input_ids], [grid(gt!, gh!, gw!)], CONFIG);
    expect(out.dims).toEqual(expected.shape);
    expect([...out.positionIds]).toEqual([...expected.data]);
    expect(out.ropeDeltas).toEqual(golden.rope_deltas.map((row) => row[0]));
    expect([...goldenTensor('rope_position_ids').data]).toEqual([...expected.data]);
  });

  it('continues decoding at past_length + rope_delta on all three axes', () => {
    const golden = goldenJson();
    const next = decodePositionIds(golden.input_ids.length, [-63]);
    expect([...next].map(Number)).toEqual([30, 30, 30]);
    const three = decodePositionIds(95, [-63], 2);
    expect([...three].map(Number)).toEqual([32, 33, 32, 33, 32, 33]);
  });
});

describe('ropeIndex', () => {
  it('gives a 2x3 merged grid (t, row, col) positions after the text and resumes after its widest side', () => {
    const ids = [1, 2, S, I, I, I, I, I, I, E, 3];
    const out = ropeIndex([ids], [grid(1, 4, 6)], CONFIG);
    expect(axis(out, 0)).toEqual([0, 1, 2, 3, 3, 3, 3, 3, 3, 6, 7]);
    expect(axis(out, 1)).toEqual([0, 1, 2, 3, 3, 3, 4, 4, 4, 6, 7]);
    expect(axis(out, 2)).toEqual([0, 1, 2, 3, 4, 5, 3, 4, 5, 6, 7]);
    expect(out.ropeDeltas).toEqual([8 - 11]);
  });

  it('handles two images in order', () => {
    const ids = [S, I, E, S, I, I, E];
    const out = ropeIndex([ids], [grid(1, 2, 2), grid(1, 2, 4)], CONFIG);
    expect(axis(out, 0)).toEqual([0, 1, 2, 3, 4, 4, 6]);
    expect(axis(out, 2)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('numbers text-only rows 0..n-1 with a zero delta', () => {
    const out = ropeIndex([[5, 6, 7]], [], CONFIG);
    expect([0, 1, 2].map((a) => axis(out, a))).toEqual([
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(out.ropeDeltas).toEqual([0]);
  });

  it('skips left padding, leaving it at 1, and shifts the delta by the padding', () => {
    const ids = [
      [0, 0, S, I, E],
      [9, 9, S, I, E],
    ];
    const mask = [
      [0, 0, 1, 1, 1],
      [1, 1, 1, 1, 1],
    ];
    const out = ropeIndex(ids, [grid(1, 2, 2), grid(1, 2, 2)], CONFIG, mask);
    expect(axis(out, 0, 0)).toEqual([1, 1, 0, 1, 2]);
    expect(axis(out, 0, 1)).toEqual([0, 1, 2, 3, 4]);
    expect(out.ropeDeltas).toEqual([-2, 0]);
    expect([...decodePositionIds(5, out.ropeDeltas)].map(Number)).toEqual([3, 5, 3, 5, 3, 5]);
  });

  it('refuses prompts whose image tokens do not match the grids', () => {
    expect(() => ropeIndex([[S, I, I, E]], [grid(1, 2, 2)], CONFIG)).toThrow(/exactly 1 image tokens/);
    expect(() => ropeIndex([[S, I, E]], [grid(1, 4, 4)], CONFIG)).toThrow(/exactly 4 image tokens/);
    expect(() => ropeIndex([[S, I, E]], [], CONFIG)).toThrow(/more images than image grids/);
    expect(() => ropeIndex([[1, 2]], [grid(1, 2, 2)], CONFIG)).toThrow(/have no image/);
    expect(() => ropeIndex([[S, I, E]], [grid(2, 2, 2)], CONFIG)).toThrow(/one frame/);
    expect(() => ropeIndex([[1], [1, 2]], [], CONFIG)).toThrow(/same length/);
  });
});
