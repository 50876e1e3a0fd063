// Image preparation against the Hugging Face processor output for the golden picture.
import { describe, expect, it } from 'vitest';
import { parseImageProcessorConfig } from '../../../../../src/main/services/inference/engine/image-processor-config';
import {
  preprocessImage,
  type PixelImage,
} from '../../../../../src/main/services/inference/engine/preprocess-image';
import { resizeBicubic } from '../../../../../src/main/services/inference/engine/resample-bicubic';
import { goldenImage, goldenJson, goldenTensor, preprocessorJson } from './golden';

const config = () => parseImageProcessorConfig(preprocessorJson());

describe('preprocessImage against the reference', () => {
  it('reproduces pixel_values, image_grid_thw and the resized size', () => {
    const golden = goldenJson();
    const expected = goldenTensor('pixel_values');
    const out = preprocessImage(goldenImage(), config());
    expect(out.gridThw).toEqual(golden.image_grid_thw[0]);
    expect([out.resized.height, out.resized.width]).toEqual(golden.resized_hw);
    expect(out.dims).toEqual(expected.shape);
    expect(out.imageTokens).toBe(golden.num_image_tokens);
    let maxAbs = 0;
    for (let i = 0; i < out.pixelValues.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(out.pixelValues[i]! - Number(expected.data[i])));
    }
    // Measured: 0 (bit for bit). One 8-bit level is 2/255 = 0.0078 after normalisation.
    expect(maxAbs).toBe(0);
  });
});

describe('preprocessImage', () => {
  function greyImage(width: number, height: number): PixelImage {
    const pixels = new Uint8Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) pixels[y * width + x] = (x * 7 + y * 13) % 256;
    return { pixels, width, height, channels: 1 };
  }

  it('gives a grey image the same values as the RGB image with three equal channels', () => {
    const grey = greyImage(123, 77);
    const rgb = new Uint8Array(grey.pixels.length * 3);
    grey.pixels.forEach((v, i) => rgb.fill(v, i * 3, i * 3 + 3));
    const a = preprocessImage(grey, config());
    const b = preprocessImage({ pixels: rgb, width: 123, height: 77, channels: 3 }, config());
    expect(a.gridThw).toEqual(b.gridThw);
    expect(a.pixelValues).toEqual(b.pixelValues);
  });

  it('lays out rows as merge blocks of 2x2 patches and columns as c, t, y, x', () => {
    // Every pixel's level encodes its patch column, so each value tells where it was read.
    const width = 64;
    const height = 32;
    const pixels = new Uint8Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) pixels[y * width + x] = Math.floor(x / 16) * 10 + Math.floor(y / 16);
    const plain = parseImageProcessorConfig({
      ...(preprocessorJson() as object),
      do_normalize: false,
      do_rescale: false,
    });
    const out = preprocessImage({ pixels, width, height, channels: 1 }, plain);
    expect(out.gridThw).toEqual([1, 2, 4]);
    expect(out.imageTokens).toBe(2);
    const level = (row: number) => out.pixelValues[row * out.dims[1]]!;
    // Rows: merge block (0,0) holds patches (0,0) (0,1) (1,0) (1,1), then block (0,1).
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(level)).toEqual([0, 10, 1, 11, 20, 30, 21, 31]);
    // Within a row: 3 channels x 2 frames of 16x16, all equal here.
    expect(new Set(out.pixelValues.subarray(out.dims[1] * 5, out.dims[1] * 6))).toEqual(new Set([30]));
  });

  it('prepares a full-size radiograph quickly', () => {
    const image = greyImage(3000, 2500);
    const start = performance.now();
    const out = preprocessImage(image, config());
    const ms = performance.now() - start;
    expect(out.resized).toEqual({ height: 608, width: 736 });
    expect(out.dims).toEqual([(608 / 16) * (736 / 16), 1536]);
    expect(ms).toBeLessThan(5000);
  });

  it('rejects a buffer that does not match its size', () => {
    expect(() =>
      preprocessImage({ pixels: new Uint8Array(10), width: 4, height: 4, channels: 1 }, config()),
    ).toThrow(/pixel buffer has 10 bytes, expected 4x4x1/);
  });
});

describe('resizeBicubic', () => {
  it('keeps a constant plane constant, up and down', () => {
    const plane = new Uint8Array(50 * 40).fill(173);
    for (const [w, h] of [
      [32, 32],
      [160, 96],
      [7, 300],
    ] as const) {
      expect(new Set(resizeBicubic(plane, 50, 40, w, h))).toEqual(new Set([173]));
    }
  });

  it('clamps the overshoot of a sharp edge to 0..255', () => {
    const plane = new Uint8Array(8 * 1);
    plane.fill(255, 4);
    const out = resizeBicubic(plane, 8, 1, 29, 1);
    expect(Math.min(...out)).toBe(0);
    expect(Math.max(...out)).toBe(255);
  });
});

describe('parseImageProcessorConfig', () => {
  it('reads size.shortest_edge / longest_edge and lets min_pixels / max_pixels override them', () => {
    expect(config()).toMatchObject({
      patchSize: 16,
      temporalPatchSize: 2,
      mergeSize: 2,
      minPixels: 1024,
      maxPixels: 451584,
    });
    const both = parseImageProcessorConfig({
      ...(preprocessorJson() as object),
      min_pixels: 3136,
      max_pixels: 1003520,
    });
    expect(both).toMatchObject({ minPixels: 3136, maxPixels: 1003520 });
  });

  it('defaults the switches as transformers does', () => {
    const {
      do_normalize: _n,
      do_rescale: _r,
      rescale_factor: _f,
      resample: _s,
      do_resize: _z,
      ...rest
    } = preprocessorJson() as Record<string, unknown>;
    expect(parseImageProcessorConfig(rest)).toMatchObject({
      rescaleFactor: 1 / 255,
      normalize: { mean: [0.5, 0.5, 0.5] },
    });
  });

  it('names what is missing or unsupported', () => {
    const { image_mean: _m, ...noMean } = preprocessorJson() as Record<string, unknown>;
    expect(() => parseImageProcessorConfig(noMean)).toThrow(/image_mean/);
    const { size: _s, ...noSize } = preprocessorJson() as Record<string, unknown>;
    expect(() => parseImageProcessorConfig(noSize)).toThrow(/min_pixels\/max_pixels/);
    expect(() => parseImageProcessorConfig({ ...(preprocessorJson() as object), resample: 2 })).toThrow(
      /only 3 \(bicubic\)/,
    );
    expect(() =>
      parseImageProcessorConfig({ ...(preprocessorJson() as object), image_std: [0.5, 0, 0.5] }),
    ).toThrow(/positive/);
    expect(() => parseImageProcessorConfig(null)).toThrow(/preprocessor_config.json/);
  });
});
