// Qwen3-VL image preparation (transformers Qwen2VLImageProcessor `_preprocess`): smart_resize, antialiased
// bicubic, rescale, normalise, repeat the frame temporal_patch_size times, and cut into patches ordered so
// that the merge_size x merge_size patches the vision merger joins into one token are consecutive rows.
// Bit for bit equal to transformers 5.17's output on the golden picture.
import type { ImageProcessorConfig } from './image-processor-config';
import { resizeBicubic } from './resample-bicubic';
import { smartResize } from './smart-resize';

/** An 8-bit picture as the app renders it, row by row, channels interleaved. */
export type PixelImage = { pixels: Uint8Array; width: number; height: number; channels: 1 | 3 };

export type PreparedImage = {
  /** [patches, 3 * temporal_patch_size * patch_size^2], row-major. */
  pixelValues: Float32Array;
  dims: [number, number];
  /** [t, h, w] in patches. */
  gridThw: [number, number, number];
  resized: { height: number; width: number };
  /** Tokens the image takes in the prompt: t * h * w / merge_size^2. */
  imageTokens: number;
};

const CHANNELS = 3;

/** The three RGB planes at the resized size. */
function resizedPlanes(image: PixelImage, outWidth: number, outHeight: number): Uint8Array[] {
  const { pixels, width, height, channels } = image;
  if (pixels.length !== width * height * channels) {
    throw new Error(`pixel buffer has ${pixels.length} bytes, expected ${width}x${height}x${channels}`);
  }
  // Grey to RGB (do_convert_rgb) copies the level into each channel: resize once, use it thrice.
  if (channels === 1) {
    const grey = resizeBicubic(pixels, width, height, outWidth, outHeight);
    return [grey, grey, grey];
  }
  return [0, 1, 2].map((c) => {
    const plane = new Uint8Array(width * height);
    for (let i = 0; i < plane.length; i++) plane[i] = pixels[i * 3 + c]!;
    return resizeBicubic(plane, width, height, outWidth, outHeight);
  });
}

/**
 * The float value of each 8-bit level per channel, in float32 as the reference computes it: rescale and
 * normalise fused into (v - mean / rescale) / (std / rescale).
 */
function levelTables(config: ImageProcessorConfig): Float32Array[] {
  const f = Math.fround;
  const { rescaleFactor, normalize } = config;
  return [0, 1, 2].map((c) => {
    const table = new Float32Array(256);
    const inverse = rescaleFactor === null ? 1 : f(1 / rescaleFactor);
    const mean = normalize ? f(f(normalize.mean[c]!) * inverse) : 0;
    const std = normalize ? f(f(normalize.std[c]!) * inverse) : 1;
    for (let v = 0; v < 256; v++) {
      table[v] = normalize ? f(f(v - mean) / std) : rescaleFactor === null ? v : f(v * f(rescaleFactor));
    }
    return table;
  });
}

export function preprocessImage(image: PixelImage, config: ImageProcessorConfig): PreparedImage {
  const { patchSize: P, temporalPatchSize: T, mergeSize: M } = config;
  const resized = smartResize(image.height, image.width, {
    factor: P * M,
    minPixels: config.minPixels,
    maxPixels: config.maxPixels,
  });
  const { width: W, height: H } = resized;
  const scaled = resizedPlanes(image, W, H);
  const tables = levelTables(config);

  const gridH = H / P;
  const gridW = W / P;
  const rows = gridH * gridW;
  const dim = CHANNELS * T * P * P;
  const out = new Float32Array(rows * dim);
  let o = 0;
  // Row order (h-block, w-block, m1, m2) and column order (c, t, p1, p2): the reference's permute(0,3,6,4,7,2,1,5,8).
  for (let hb = 0; hb < gridH / M; hb++) {
    for (let wb = 0; wb < gridW / M; wb++) {
      for (let m1 = 0; m1 < M; m1++) {
        for (let m2 = 0; m2 < M; m2++) {
          const y0 = (hb * M + m1) * P;
          const x0 = (wb * M + m2) * P;
          for (let c = 0; c < CHANNELS; c++) {
            const plane = scaled[c]!;
            const table = tables[c]!;
            // The single frame repeated to fill the temporal patch.
            for (let t = 0; t < T; t++) {
              for (let p1 = 0; p1 < P; p1++) {
                const row = (y0 + p1) * W + x0;
                for (let p2 = 0; p2 < P; p2++) out[o++] = table[plane[row + p2]!]!;
              }
            }
          }
        }
      }
    }
  }
  return {
    pixelValues: out,
    dims: [rows, dim],
    gridThw: [1, gridH, gridW],
    resized,
    imageTokens: rows / (M * M),
  };
}
