// A finding's box from image pixels to the canvas. The mapping is the viewport's own (zoom, pan,
// rotation, flip, pixel spacing), so a box stays on the anatomy however the image is shown; a rotated
// rectangle need not stay axis-aligned, so it is drawn as the polygon of its four corners.
import { boxOnImage, type ImageSize } from '../../shared/box-on-image';
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

/**
 * RectangleROI's four handles for a box, in image pixels: 0 and 3 are one diagonal, 1 and 2 the
 * other, and Cornerstone draws them as top left, top right, bottom left, bottom right.
 */
export function rectangleHandles(box: Box): Point[] {
  const { x, y, width, height } = box;
  return [
    [x, y],
    [x + width, y],
    [x, y + height],
    [x + width, y + height],
  ];
}

/**
 * The image-axis box around a rectangle's corners after a drag, kept on the image (boxOnImage); null
 * when it is too small to be a box. Quarter turns and flips keep a drawn rectangle on the image axes,
 * so its bounds are the rectangle itself.
 */
export function boxAround(points: readonly Point[], size: ImageSize): Box | null {
  if (points.length === 0) return null;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return boxOnImage({ x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y }, size);
}

/** Whether two boxes are the same to a hundredth of a pixel (what a round trip through world space keeps). */
export const sameBox = (a: Box, b: Box): boolean =>
  Math.abs(a.x - b.x) < 0.01 &&
  Math.abs(a.y - b.y) < 0.01 &&
  Math.abs(a.width - b.width) < 0.01 &&
  Math.abs(a.height - b.height) < 0.01;
