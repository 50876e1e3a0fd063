// Uncompressed pixels: little endian as stored, big endian byte-swapped per 16-bit word.
import { storedValueReader, type PixelModule } from '../pixel-module';
import { toPixelInterleaved } from './interleave';

export function decodeNative(
  bytes: Uint8Array,
  module: PixelModule,
  bigEndian: boolean,
  swapBytePairs = false,
): Int32Array {
  const count = module.rows * module.columns * module.samplesPerPixel;
  const read = storedValueReader(module, module.highBit + 1 - module.bitsStored);
  const out = new Int32Array(count);
  if (module.bitsAllocated === 8) {
    // 8-bit data in an OW element of a big endian data set has each byte pair swapped.
    for (let i = 0; i < count; i++) out[i] = read(bytes[swapBytePairs ? i ^ 1 : i]!);
  } else if (bigEndian) {
    for (let i = 0; i < count; i++) out[i] = read((bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  } else {
    for (let i = 0; i < count; i++) out[i] = read(bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
  }
  return module.planarConfiguration === 1 ? toPixelInterleaved(out, module.samplesPerPixel) : out;
}
