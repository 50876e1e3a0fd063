/** Planar (RRR…GGG…BBB…) to pixel-interleaved (RGBRGB…), the one layout the pipeline reads. */
export function toPixelInterleaved(planar: Int32Array, samplesPerPixel: number): Int32Array {
  const pixels = planar.length / samplesPerPixel;
  const out = new Int32Array(planar.length);
  for (let s = 0; s < samplesPerPixel; s++) {
    for (let p = 0; p < pixels; p++) out[p * samplesPerPixel + s] = planar[s * pixels + p]!;
  }
  return out;
}
