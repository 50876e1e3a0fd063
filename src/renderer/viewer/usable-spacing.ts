// Some real files carry PixelSpacing 0\0 (the NEMA WG04 chest does). Zero spacing gives the
// WebGL path a degenerate image (black, NaN camera), so such images are shown uncalibrated, at 1.
export type PlaneSpacing = {
  rowPixelSpacing?: number | null;
  columnPixelSpacing?: number | null;
  pixelSpacing?: number[];
};

const usable = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n > 0;

export function withUsableSpacing<T extends PlaneSpacing>(plane: T): T {
  if (usable(plane.rowPixelSpacing) && usable(plane.columnPixelSpacing)) return plane;
  return { ...plane, rowPixelSpacing: 1, columnPixelSpacing: 1, pixelSpacing: [1, 1] };
}
