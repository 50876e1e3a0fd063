// Boxes from model output to stored pixel boxes, and why the display never moves them.
import { describe, expect, it } from 'vitest';
import { parseModelOutput } from '../../../../../src/main/services/inference/engine/parse-output';
import { toPixelBox, type PixelBox } from '../../../../../src/main/services/inference/engine/pixel-box';

const IMAGE = { width: 2500, height: 3000 };

describe('toPixelBox', () => {
  it('maps radvlm fractions onto the original image', () => {
    const [box] = parseModelOutput(
      'The effusion is located at the coordinates [0.61, 0.63, 0.86, 0.86] on the image.',
      'radvlm-fraction-xyxy',
    ).boxes;
    expect(toPixelBox(box!, IMAGE)).toEqual({ x: 1525, y: 1890, width: 625, height: 690 });
  });

  it('maps qwen 0..1000 coordinates onto the original image, not the resized one the model saw', () => {
    // The golden picture: 300 x 247 original, 288 x 256 as the model sees it.
    const [box] = parseModelOutput(
      '{"bbox_2d": [500, 500, 1000, 1000], "label": "x"}',
      'qwen-bbox-2d-1000',
    ).boxes;
    expect(toPixelBox(box!, { width: 300, height: 247 })).toEqual({
      x: 150,
      y: 124,
      width: 150,
      height: 123,
    });
  });

  it('covers the whole image for [0, 0, 1, 1] and keeps edges inside it', () => {
    expect(toPixelBox({ x1: 0, y1: 0, x2: 1, y2: 1 }, IMAGE)).toEqual({ x: 0, y: 0, ...IMAGE });
    expect(toPixelBox({ x1: -0.2, y1: 0.5, x2: 1.3, y2: 0.5 }, IMAGE)).toEqual({
      x: 0,
      y: 1500,
      width: 2500,
      height: 0,
    });
  });

  it('rejects a bad image size', () => {
    expect(() => toPixelBox({ x1: 0, y1: 0, x2: 1, y2: 1 }, { width: 0, height: 10 })).toThrow(
      /positive integers/,
    );
  });
});

describe('stored boxes and the display', () => {
  // What the viewer may do to the image on screen. A stored box goes through it only to be drawn.
  type Display = {
    rotation: 0 | 90 | 180 | 270;
    flipH: boolean;
    flipV: boolean;
    zoom: number;
    spacing: [number, number];
  };

  function toScreen(d: Display, x: number, y: number): [number, number] {
    let u = x * d.spacing[0];
    let v = y * d.spacing[1];
    const w = IMAGE.width * d.spacing[0];
    const h = IMAGE.height * d.spacing[1];
    if (d.flipH) u = w - u;
    if (d.flipV) v = h - v;
    const rotated: Record<Display['rotation'], [number, number]> = {
      0: [u, v],
      90: [h - v, u],
      180: [w - u, h - v],
      270: [v, w - u],
    };
    const [sx, sy] = rotated[d.rotation];
    return [sx * d.zoom, sy * d.zoom];
  }

  function fromScreen(d: Display, sx: number, sy: number): [number, number] {
    const w = IMAGE.width * d.spacing[0];
    const h = IMAGE.height * d.spacing[1];
    const a = sx / d.zoom;
    const b = sy / d.zoom;
    const unrotated: Record<Display['rotation'], [number, number]> = {
      0: [a, b],
      90: [b, h - a],
      180: [w - a, h - b],
      270: [w - b, a],
    };
    let [u, v] = unrotated[d.rotation];
    if (d.flipH) u = w - u;
    if (d.flipV) v = h - v;
    return [u / d.spacing[0], v / d.spacing[1]];
  }

  /** The box as the viewer draws it (screen corners) and reads it back. */
  function drawnAndReadBack(d: Display, box: PixelBox): PixelBox {
    const corners = [toScreen(d, box.x, box.y), toScreen(d, box.x + box.width, box.y + box.height)].map(
      ([sx, sy]) => fromScreen(d, sx, sy),
    );
    const xs = corners.map((c) => Math.round(c[0]));
    const ys = corners.map((c) => Math.round(c[1]));
    return {
      x: Math.min(...xs),
      y: Math.min(...ys),
      width: Math.abs(xs[1]! - xs[0]!),
      height: Math.abs(ys[1]! - ys[0]!),
    };
  }

  const displays: Display[] = [];
  for (const rotation of [0, 90, 180, 270] as const) {
    for (const flipH of [false, true]) {
      for (const flipV of [false, true]) {
        for (const [zoom, spacing] of [
          [1, [1, 1]],
          [0.37, [0.139, 0.139]],
          [2.5, [0.1, 0.2]],
        ] as const) {
          displays.push({ rotation, flipH, flipV, zoom, spacing: [...spacing] });
        }
      }
    }
  }

  it('the stored box depends only on the model output and the original image size', () => {
    const output = 'The nodule is located at the coordinates [0.12, 0.34, 0.56, 0.78] on the image.';
    const stored = toPixelBox(parseModelOutput(output, 'radvlm-fraction-xyxy').boxes[0]!, IMAGE);
    // toPixelBox takes no display argument; whatever the display, the same model output gives the same box.
    expect(toPixelBox.length).toBe(2);
    for (const d of displays) {
      const again = toPixelBox(parseModelOutput(output, 'radvlm-fraction-xyxy').boxes[0]!, IMAGE);
      expect(again, JSON.stringify(d)).toEqual(stored);
      expect(drawnAndReadBack(d, stored), JSON.stringify(d)).toEqual(stored);
    }
  });
});
