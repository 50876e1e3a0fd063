// Bicubic resize of one 8-bit plane as the reference processor does it (transformers 5 resizes a uint8 tensor
// with torchvision, i.e. ATen's antialiased uint8 kernel, itself modelled on Pillow's Resample.c): a separable
// convolution with a = -0.5 whose support widens with the downscale factor, a horizontal pass then a vertical
// pass, each rounded and clamped to 8 bits. Unlike Pillow's 22-bit weights, ATen's are int16 with as many
// fractional bits as the largest weight allows; Pillow's weights leave 0.2% of the golden levels off by one.

const SUPPORT = 2;

function bicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/** Per output sample: the first source sample, how many are read, and their fixed-point weights. */
type Coefficients = {
  ksize: number;
  first: Int32Array;
  count: Int32Array;
  weights: Int32Array;
  precision: number;
};

function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const support = scale >= 1 ? SUPPORT * scale : SUPPORT;
  const ksize = Math.ceil(support) * 2 + 1;
  const invScale = scale >= 1 ? 1 / scale : 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const real = new Float64Array(outSize * ksize);
  let maxWeight = 0;
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    // C++ integer casts truncate toward zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.max(Math.min(Math.trunc(center + support + 0.5), inSize) - xmin, 0), ksize);
    let total = 0;
    for (let j = 0; j < xsize; j++) {
      const w = bicubic((j + xmin - center + 0.5) * invScale);
      real[i * ksize + j] = w;
      total += w;
    }
    if (total !== 0) {
      for (let j = 0; j < xsize; j++) {
        real[i * ksize + j]! /= total;
        maxWeight = Math.max(maxWeight, real[i * ksize + j]!);
      }
    }
    first[i] = xmin;
    count[i] = xsize;
  }
  // The most fractional bits for which the largest weight still fits an int16.
  let precision = 0;
  while (precision < 22 && Math.trunc(0.5 + maxWeight * 2 ** (precision + 1)) < 2 ** 15) precision++;
  const weights = new Int32Array(outSize * ksize);
  for (let k = 0; k < real.length; k++) {
    const v = real[k]! * 2 ** precision;
    weights[k] = Math.trunc(v < 0 ? -0.5 + v : 0.5 + v);
  }
  return { ksize, first, count, weights, precision };
}

function clip8(sum: number, precision: number): number {
  const v = Math.floor(sum / 2 ** precision);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function horizontal(
  src: Uint8Array,
  width: number,
  rows: number,
  rowOffset: number,
  outWidth: number,
): Uint8Array {
  const { ksize, first, count, weights, precision } = coefficients(width, outWidth);
  const half = 2 ** (precision - 1);
  const out = new Uint8Array(outWidth * rows);
  for (let y = 0; y < rows; y++) {
    const row = (y + rowOffset) * width;
    for (let xx = 0; xx < outWidth; xx++) {
      const base = row + first[xx]!;
      const n = count[xx]!;
      const kOffset = xx * ksize;
      let sum = half;
      for (let x = 0; x < n; x++) sum += src[base + x]! * weights[kOffset + x]!;
      out[y * outWidth + xx] = clip8(sum, precision);
    }
  }
  return out;
}

function vertical(
  src: Uint8Array,
  width: number,
  outHeight: number,
  c: Coefficients,
  rowShift: number,
): Uint8Array {
  const { ksize, first, count, weights, precision } = c;
  const half = 2 ** (precision - 1);
  const out = new Uint8Array(width * outHeight);
  for (let yy = 0; yy < outHeight; yy++) {
    const top = first[yy]! - rowShift;
    const n = count[yy]!;
    const kOffset = yy * ksize;
    for (let x = 0; x < width; x++) {
      let sum = half;
      for (let y = 0; y < n; y++) sum += src[(top + y) * width + x]! * weights[kOffset + y]!;
      out[yy * width + x] = clip8(sum, precision);
    }
  }
  return out;
}

/** One 8-bit plane (row by row) resized to outWidth x outHeight. */
export function resizeBicubic(
  plane: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  if (plane.length !== width * height)
    throw new Error(`plane has ${plane.length} bytes, expected ${width}x${height}`);
  const needHorizontal = outWidth !== width;
  const needVertical = outHeight !== height;
  if (!needHorizontal && !needVertical) return plane.slice();
  const vert = coefficients(height, outHeight);
  // The horizontal pass only needs the source rows the vertical pass reads.
  const firstRow = vert.first[0]!;
  const lastRow = vert.first[outHeight - 1]! + vert.count[outHeight - 1]!;
  const rows = needHorizontal ? lastRow - firstRow : height;
  const temp = needHorizontal ? horizontal(plane, width, rows, firstRow, outWidth) : plane;
  return needVertical ? vertical(temp, outWidth, outHeight, vert, needHorizontal ? firstRow : 0) : temp;
}
