import { describe, expect, it } from 'vitest';
import { withUsableSpacing } from '../../src/renderer/viewer/usable-spacing';

describe('withUsableSpacing', () => {
  it('keeps a real pixel spacing', () => {
    const plane = {
      rowPixelSpacing: 0.168,
      columnPixelSpacing: 0.168,
      pixelSpacing: [0.168, 0.168],
      rows: 10,
    };
    expect(withUsableSpacing(plane)).toBe(plane);
  });

  it.each([0, null, undefined, Number.NaN, -1])('replaces a spacing of %s by 1 (uncalibrated)', (bad) => {
    expect(withUsableSpacing({ rowPixelSpacing: bad, columnPixelSpacing: 0.2, rows: 10 })).toEqual({
      rowPixelSpacing: 1,
      columnPixelSpacing: 1,
      pixelSpacing: [1, 1],
      rows: 10,
    });
  });
});
