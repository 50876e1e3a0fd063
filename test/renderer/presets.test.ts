import { describe, expect, it } from 'vitest';
import {
  bandWindow,
  distribution,
  presetForHotkey,
  presetsFor,
  quantile,
} from '../../src/renderer/viewer/presets';

const ramp = (n: number, from: number, to: number) =>
  Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

describe('distribution', () => {
  it('sorts the values and applies the modality LUT when pixels are not pre-scaled', () => {
    expect(distribution([3, 1, 2], { slope: 2, intercept: -1024 })).toEqual([-1022, -1020, -1018]);
  });

  it('samples large images across all columns instead of sorting every pixel', () => {
    // 4096 columns whose value is the column index: a stride of 256 would see 16 columns only.
    const values = distribution(new Uint16Array(4096 * 4096).map((_, i) => i % 4096));
    expect(values.length).toBeLessThanOrEqual(65536);
    expect(new Set(values).size).toBeGreaterThan(4000);
  });

  it('gives quantiles, clamped to the sample', () => {
    const values = distribution(ramp(101, 0, 100));
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 1)).toBe(100);
    expect(quantile([], 0.5)).toBe(0);
  });
});

describe('histogram band windows', () => {
  const values = distribution(ramp(1000, 1000, 3000));

  it('puts the lung window low and the bone window high on a MONOCHROME2 image', () => {
    expect(bandWindow('lung', values, false).center).toBeLessThan(2000);
    expect(bandWindow('bone', values, false).center).toBeGreaterThan(2000);
  });

  it('mirrors the bands on MONOCHROME1, where dense tissue has low values', () => {
    const mono2 = bandWindow('lung', values, false);
    const mono1 = bandWindow('lung', values, true);
    expect(mono1.center - 1000).toBeCloseTo(3000 - mono2.center, -1);
    expect(mono1.width).toBeCloseTo(mono2.width, -1);
  });

  it('ignores the extreme 0.5 % at each end (markers, collimation) for "full"', () => {
    const withOutliers = distribution([...ramp(1000, 100, 1100), 60000, 60000, 60000, 0, 0, 0]);
    const { center, width } = bandWindow('full', withOutliers, false);
    expect(center - width / 2).toBeGreaterThanOrEqual(100);
    expect(center + width / 2).toBeLessThanOrEqual(1100);
  });

  it('never returns an empty window', () => {
    expect(bandWindow('bone', distribution(new Uint16Array(100).fill(7)), false).width).toBe(1);
  });
});

describe('presets and hotkey slots', () => {
  const headerWindows = [
    { center: 550, width: 1024 },
    { center: 600, width: 0 },
  ];
  const presets = presetsFor({
    values: distribution(ramp(1000, 0, 1000)),
    monochrome1: false,
    headerWindows,
  });

  it('lists valid header windows first, then lung, mediastinum, bone and full range', () => {
    expect(presets.map((p) => p.id)).toEqual(['header-0', 'lung', 'mediastinum', 'bone', 'full']);
    expect(presets[0]?.window).toEqual({ center: 550, width: 1024 });
  });

  it('maps 1 to the header window, 2-5 to lung, mediastinum, bone, full', () => {
    expect(([1, 2, 3, 4, 5] as const).map((slot) => presetForHotkey(presets, slot)?.id)).toEqual([
      'header-0',
      'lung',
      'mediastinum',
      'bone',
      'full',
    ]);
  });

  it('falls back to the full range for slot 1 when the header has no window', () => {
    const none = presetsFor({
      values: distribution(ramp(256, 0, 255)),
      monochrome1: false,
      headerWindows: [],
    });
    expect(presetForHotkey(none, 1)?.id).toBe('full');
  });
});
