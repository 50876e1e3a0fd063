// A finding's box from image pixels to the canvas. The mapping is the viewport's own (zoom, pan,
// rotation, flip, pixel spacing), so a box stays on the anatomy however the image is shown; a rotated
// rectangle need not stay axis-aligned, so it is drawn as the polygon of its four corners.
import type { Box } from '../../shared/draft';

export type Point = readonly [number, number];

/**
 * Corners clockwise on the image: top left, top right, bottom right, bottom left; null when the
 * mapping has nothing to anchor a corner to (an image without plane metadata).
 */
export function boxCorners(box: Box, toCanvas: (imagePoint: Point) => Point | null): Point[] | null {
  const { x, y, width, height } = box;
  const corners: Point[] = [
    [x, y],
    [x + width, y],
    [x + width, y + height],
    [x, y + height],
  ];
  const mapped = corners.map(toCanvas);
  return mapped.every((p) => p !== null) ? mapped : null;
}

/** The value of an SVG polygon's points attribute. */
export const svgPoints = (corners: readonly Point[]): string =>
  corners.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
