import { describe, expect, it } from 'vitest';
import { boxCorners, svgPoints, type Point } from '../../src/renderer/findings/box-geometry';

/** A 1000 x 800 image fitted at half size into a 500 x 500 canvas, then turned or mirrored about the centre. */
function view(rotation: 0 | 90, flipHorizontal: boolean) {
  return ([x, y]: Point): Point => {
    let dx = (x - 500) * 0.5;
    let dy = (y - 400) * 0.5;
    if (rotation === 90) [dx, dy] = [-dy, dx];
    if (flipHorizontal) dx = -dx;
    return [250 + dx, 250 + dy];
  };
}

const box = { x: 100, y: 200, width: 300, height: 100 };

describe('boxCorners', () => {
  it('maps the corners through the view, clockwise from the top left of the image', () => {
    expect(boxCorners(box, view(0, false))).toEqual([
      [50, 150],
      [200, 150],
      [200, 200],
      [50, 200],
    ]);
  });

  it('follows a quarter turn: the image top left ends up top right', () => {
    expect(boxCorners(box, view(90, false))).toEqual([
      [350, 50],
      [350, 200],
      [300, 200],
      [300, 50],
    ]);
  });

  it('follows a horizontal flip', () => {
    expect(boxCorners(box, view(0, true))).toEqual([
      [450, 150],
      [300, 150],
      [300, 200],
      [450, 200],
    ]);
  });

  it('gives nothing when a corner cannot be placed', () => {
    expect(boxCorners(box, () => null)).toBeNull();
  });
});

describe('svgPoints', () => {
  it('writes the polygon points with a tenth of a pixel', () => {
    expect(
      svgPoints([
        [1, 2.25],
        [3.04, 4],
      ]),
    ).toBe('1.0,2.3 3.0,4.0');
  });
});
