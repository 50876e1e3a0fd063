import { PixelDataError } from '../errors';
import { storedValueReader, type PixelModule } from '../pixel-module';

/** Checks a codec's output against the header, so a mismatch is an error rather than a garbled image. */
export function checkDecodedShape(
  codec: string,
  module: PixelModule,
  width: number,
  height: number,
  components: number,
): void {
  if (width !== module.columns || height !== module.rows || components !== module.samplesPerPixel) {
    throw new PixelDataError(
      'corrupt',
      `${codec} frame is ${width}×${height}×${components}, the header says ${module.columns}×${module.rows}×${module.samplesPerPixel}`,
    );
  }
}

/** Codec output (8-bit, or 16-bit little endian as wasm memory is) to masked, sign-extended stored values. */
export function storedValues(decoded: ArrayLike<number>, module: PixelModule): Int32Array {
  const count = module.rows * module.columns * module.samplesPerPixel;
  if (decoded.length < count)
    throw new PixelDataError('corrupt', `decoder returned ${decoded.length} of ${count} samples`);
  const read = storedValueReader(module, 0);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = read(decoded[i]!);
  return out;
}

export function sampleView(buffer: Uint8Array, bitsPerSample: number): Uint8Array | Uint16Array {
  if (bitsPerSample <= 8) return buffer;
  // Copy: the wasm heap view may be unaligned or freed with the decoder.
  const copy = new Uint8Array(buffer);
  return new Uint16Array(copy.buffer, 0, copy.length >> 1);
}
