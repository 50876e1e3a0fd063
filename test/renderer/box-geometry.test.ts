import { describe, expect, it } from 'vitest';
import {
  boxAround,
  boxCorners,
  rectangleHandles,
  sameBox,
  svgPoints,
  type Point,
} from '../../src/renderer/findings/box-geometry';

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

describe('rectangleHandles', () => {
  it("puts the box's corners in RectangleROI's order: diagonals 0-3 and 1-2", () => {
    expect(rectangleHandles(box)).toEqual([
      [100, 200],
      [400, 200],
      [100, 300],
      [400, 300],
    ]);
  });
});

describe('boxAround', () => {
  const size = { columns: 1000, rows: 800 };

  it('gives back the box its handles came from', () => {
    expect(boxAround(rectangleHandles(box), size)).toEqual(box);
  });

  it('bounds the corners whatever their order (a rectangle dragged past its opposite corner)', () => {
    expect(
      boxAround(
        [
          [400, 300],
          [100, 300],
          [400, 200],
          [100, 200],
        ],
        size,
      ),
    ).toEqual(box);
  });

  it('keeps the box on the image', () => {
    expect(
      boxAround(
        [
          [-50, 700],
          [1200, 900],
        ],
        size,
      ),
    ).toEqual({ x: 0, y: 700, width: 1000, height: 100 });
  });

  it('rounds to a hundredth of a pixel, so a round trip through world space changes nothing', () => {
    expect(
      boxAround(
        [
          [100.000000001, 199.99999999],
          [399.996, 300.004],
        ],
        size,
      ),
    ).toEqual(box);
  });

  it('gives nothing for a click or a sliver', () => {
    expect(
      boxAround(
        [
          [10, 10],
          [11, 200],
        ],
        size,
      ),
    ).toBeNull();
    expect(boxAround([], size)).toBeNull();
  });
});

describe('sameBox', () => {
  it('tells boxes apart by a hundredth of a pixel', () => {
    expect(sameBox(box, { ...box, x: box.x + 0.001 })).toBe(true);
    expect(sameBox(box, { ...box, width: box.width + 0.5 })).toBe(false);
  });
});
