import { PNG } from 'pngjs';

/** An 8-bit grayscale PNG of a rendition (one byte per pixel, row by row). */
export function encodeGrayPng(pixels: Uint8Array, columns: number, rows: number): Buffer {
  // Sizes set after construction so pngjs does not allocate an RGBA buffer it would not use.
  const png = new PNG();
  png.width = columns;
  png.height = rows;
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}
