// The one rule that keeps a box on its image, as the viewer and main apply it.
import { describe, expect, it } from 'vitest';
import { boxOnImage, MIN_BOX_SIDE } from '../../src/shared/box-on-image';

const image = { columns: 440, rows: 300 };

describe('boxOnImage', () => {
  it('keeps a box on the image as it is, to a hundredth of a pixel', () => {
    expect(boxOnImage({ x: 10.004, y: 20, width: 30, height: 40.006 }, image)).toEqual({
      x: 10,
      y: 20,
      width: 30,
      height: 40.01,
    });
  });

  it('cuts what hangs off any side', () => {
    expect(boxOnImage({ x: -5000, y: -5000, width: 5100, height: 5100 }, image)).toEqual({
      x: 0,
      y: 0,
      width: 100,
      height: 100,
    });
    expect(boxOnImage({ x: 400, y: 250, width: 9e4, height: 9e4 }, image)).toEqual({
      x: 400,
      y: 250,
      width: 40,
      height: 50,
    });
  });

  it(`gives nothing when less than ${MIN_BOX_SIDE} pixels of it would be left on the image`, () => {
    expect(boxOnImage({ x: -5000, y: -5000, width: 10, height: 10 }, image)).toBeNull();
    expect(boxOnImage({ x: 439, y: 10, width: 500, height: 50 }, image)).toBeNull();
    expect(boxOnImage({ x: 10, y: 10, width: 50, height: 1.99 }, image)).toBeNull();
    expect(boxOnImage({ x: 10, y: 10, width: 50, height: 50 }, { columns: 0, rows: 0 })).toBeNull();
  });
});
