// Qwen's `smart_resize` (transformers `image_processing_qwen2_vl.py`), the same arithmetic in the same order so
// that the grid, and with it the number of image tokens, always equals the reference.

export type PixelLimits = { factor: number; minPixels: number; maxPixels: number };

const MAX_ASPECT_RATIO = 200;

/** Python's `round()`: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Height and width, multiples of `factor`, with height x width within [minPixels, maxPixels] where possible. */
export function smartResize(
  height: number,
  width: number,
  limits: PixelLimits,
): { height: number; width: number } {
  const { factor, minPixels, maxPixels } = limits;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new Error(`image size must be positive integers, got ${width}x${height}`);
  }
  const ratio = Math.max(height, width) / Math.min(height, width);
  if (ratio > MAX_ASPECT_RATIO) {
    throw new Error(
      `absolute aspect ratio must be smaller than ${MAX_ASPECT_RATIO}, got ${ratio} (${width}x${height})`,
    );
  }
  let hBar = roundHalfEven(height / factor) * factor;
  let wBar = roundHalfEven(width / factor) * factor;
  if (hBar * wBar > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    hBar = Math.max(factor, Math.floor(height / beta / factor) * factor);
    wBar = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (hBar * wBar < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    hBar = Math.ceil((height * beta) / factor) * factor;
    wBar = Math.ceil((width * beta) / factor) * factor;
  }
  // The reference would go on with an empty grid (min_pixels 0 and a side under factor / 2); refuse instead.
  if (hBar < factor || wBar < factor)
    throw new Error(`image ${width}x${height} is too small for patches of ${factor}`);
  return { height: hBar, width: wBar };
}
