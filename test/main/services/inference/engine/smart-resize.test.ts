// smart_resize edge cases; expected sizes computed with transformers' Python smart_resize.
import { describe, expect, it } from 'vitest';
import { roundHalfEven, smartResize } from '../../../../../src/main/services/inference/engine/smart-resize';

const RADVLM = { factor: 32, minPixels: 1024, maxPixels: 451584 };
const QWEN3VL = { factor: 32, minPixels: 65536, maxPixels: 16777216 };

describe('smartResize', () => {
  it.each([
    [247, 300, 256, 288],
    [48, 80, 64, 64], // 1.5 and 2.5 both round to 2: Python rounds halves to even
    [112, 144, 128, 128],
    [2048, 2500, 608, 736],
  ])('%ix%i (h x w) in range -> %ix%i', (h, w, eh, ew) => {
    expect(smartResize(h, w, RADVLM)).toEqual({ height: eh, width: ew });
  });

  it.each([
    [10, 10, 32, 32],
    [12, 20, 32, 64],
    [5, 900, 32, 448],
    [1, 200, 32, 480],
  ])('grows a tiny %ix%i image up to min_pixels -> %ix%i', (h, w, eh, ew) => {
    const out = smartResize(h, w, RADVLM);
    expect(out).toEqual({ height: eh, width: ew });
    expect(out.height * out.width).toBeGreaterThanOrEqual(RADVLM.minPixels);
  });

  it('grows to the Qwen3-VL default min_pixels', () => {
    expect(smartResize(100, 100, QWEN3VL)).toEqual({ height: 256, width: 256 });
  });

  it.each([
    [3000, 2500, 736, 608],
    [4240, 3480, 736, 608],
    [100000, 600, 8672, 32],
  ])('shrinks a huge %ix%i image under max_pixels -> %ix%i', (h, w, eh, ew) => {
    const out = smartResize(h, w, RADVLM);
    expect(out).toEqual({ height: eh, width: ew });
    expect(out.height * out.width).toBeLessThanOrEqual(RADVLM.maxPixels);
  });

  it('accepts an aspect ratio of exactly 200 and rejects more, as the reference', () => {
    expect(smartResize(30, 6000, RADVLM)).toEqual({ height: 32, width: 6016 });
    expect(() => smartResize(10, 2010, RADVLM)).toThrow(
      /absolute aspect ratio must be smaller than 200, got 201/,
    );
    expect(() => smartResize(5000, 2, RADVLM)).toThrow(/aspect ratio/);
  });

  it('rejects empty and non-integer sizes', () => {
    expect(() => smartResize(0, 100, RADVLM)).toThrow(/positive integers/);
    expect(() => smartResize(100.5, 100, RADVLM)).toThrow(/positive integers/);
    expect(() => smartResize(Number.NaN, 100, RADVLM)).toThrow(/positive integers/);
  });

  it('refuses a grid the reference would leave empty', () => {
    expect(() => smartResize(10, 100, { factor: 32, minPixels: 0, maxPixels: 451584 })).toThrow(/too small/);
  });
});

describe('roundHalfEven', () => {
  it('rounds like Python', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, 2, 3]);
  });
});
