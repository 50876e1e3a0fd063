// DICOM RLE Lossless (PS3.5 Annex G). Written here because dicom-image-loader does not export its
// decoder, and this one checks every offset and length so a damaged file fails with a reason.
import { PixelDataError } from '../errors';
import { storedValueReader, type PixelModule } from '../pixel-module';

function decodeSegment(data: Uint8Array, start: number, end: number, out: Uint8Array): void {
  let i = start;
  let o = 0;
  while (i < end && o < out.length) {
    const n = data[i++]!;
    if (n < 128) {
      const count = n + 1;
      if (i + count > end) throw new PixelDataError('corrupt', 'RLE literal run past the end of its segment');
      out.set(data.subarray(i, i + Math.min(count, out.length - o)), o);
      i += count;
      o += count;
    } else if (n > 128) {
      if (i >= end) throw new PixelDataError('corrupt', 'RLE replicate run past the end of its segment');
      const count = 257 - n;
      out.fill(data[i++]!, o, Math.min(o + count, out.length));
      o += count;
    }
    // n = 128 (-128) is a no-op by definition.
  }
  if (o < out.length)
    throw new PixelDataError('corrupt', `RLE segment decodes to ${o} of ${out.length} bytes`);
}

export function decodeRle(data: Uint8Array, module: PixelModule): Int32Array {
  const pixels = module.rows * module.columns;
  const bytesPerSample = module.bitsAllocated / 8;
  const expected = module.samplesPerPixel * bytesPerSample;
  if (data.length < 64) throw new PixelDataError('corrupt', 'RLE frame shorter than its 64-byte header');
  const header = new DataView(data.buffer, data.byteOffset, 64);
  const segments = header.getUint32(0, true);
  if (segments !== expected)
    throw new PixelDataError('corrupt', `RLE frame has ${segments} segments, expected ${expected}`);

  const values = new Int32Array(pixels * module.samplesPerPixel);
  const segment = new Uint8Array(pixels);
  for (let s = 0; s < segments; s++) {
    const start = header.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? header.getUint32(8 + 4 * s, true) : data.length;
    if (start < 64 || end > data.length || end < start)
      throw new PixelDataError('corrupt', `RLE segment ${s + 1} has a bad offset`);
    decodeSegment(data, start, end, segment);
    // Segments come most significant byte first, one set per sample.
    const sample = Math.floor(s / bytesPerSample);
    const shift = 8 * (bytesPerSample - 1 - (s % bytesPerSample));
    for (let p = 0; p < pixels; p++) values[p * module.samplesPerPixel + sample]! |= segment[p]! << shift;
  }
  const read = storedValueReader(module, module.highBit + 1 - module.bitsStored);
  for (let i = 0; i < values.length; i++) values[i] = read(values[i]!);
  return values;
}
