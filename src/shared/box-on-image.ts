// The one rule that keeps a box on its image: the renderer applies it to what the reader drags, main to
// every box an edit brings (whatever the renderer sent), and the model's boxes use its edge clamp.
import type { Box } from './draft';

/** Pixels of the original image: DICOM Columns (0028,0011) x Rows (0028,0010). */
export type ImageSize = { columns: number; rows: number };

/** Smallest side, in image pixels, of a box a reader makes; a click is not a box. */
export const MIN_BOX_SIDE = 2;

/**
 * Largest magnitude of a box coordinate anywhere: twice the largest DICOM Rows/Columns (16 bits), room
 * for a box hanging off any image before it is clamped, and far from where sums lose precision.
 */
export const MAX_BOX_COORDINATE = 2 * 65_535;

/** An edge kept between 0 and the image's side. */
export const clampEdge = (n: number, side: number): number => Math.min(side, Math.max(0, n));

const hundredth = (n: number): number => Math.round(n * 100) / 100;

/**
 * The part of a box that lies on the image, rounded to a hundredth of a pixel (what a round trip
 * through the viewer's world space keeps); null when less than MIN_BOX_SIDE of it is left either way.
 */
export function boxOnImage(box: Box, size: ImageSize): Box | null {
  const left = hundredth(clampEdge(box.x, size.columns));
  const top = hundredth(clampEdge(box.y, size.rows));
  const width = hundredth(hundredth(clampEdge(box.x + box.width, size.columns)) - left);
  const height = hundredth(hundredth(clampEdge(box.y + box.height, size.rows)) - top);
  if (!(width >= MIN_BOX_SIDE && height >= MIN_BOX_SIDE)) return null;
  return { x: left, y: top, width, height };
}
