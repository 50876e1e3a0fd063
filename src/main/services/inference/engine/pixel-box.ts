// Boxes are stored in pixels of the original image (DICOM columns x rows). The mapping takes nothing from
// the display (rotation, flip, zoom, pixel spacing): the viewer applies those when it draws, so a stored
// box stays on the same anatomy however the image is shown.
import { clampEdge } from '../../../../shared/box-on-image';

/** [x1, y1, x2, y2] as fractions (0..1) of the original image's width and height, origin top left. */
export type FractionBox = { x1: number; y1: number; x2: number; y2: number };

export type PixelBox = { x: number; y: number; width: number; height: number };

export type ImageSize = { width: number; height: number };

/** Edges rounded to whole pixels and kept inside the image. */
export function toPixelBox(box: FractionBox, image: ImageSize): PixelBox {
  const { width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`image size must be positive integers, got ${width}x${height}`);
  }
  const edge = (fraction: number, size: number) => clampEdge(Math.round(fraction * size), size);
  const left = edge(Math.min(box.x1, box.x2), width);
  const top = edge(Math.min(box.y1, box.y2), height);
  const right = edge(Math.max(box.x1, box.x2), width);
  const bottom = edge(Math.max(box.y1, box.y2), height);
  return { x: left, y: top, width: right - left, height: bottom - top };
}
