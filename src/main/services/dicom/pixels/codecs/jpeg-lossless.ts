// JPEG lossless (process 14, any predictor) with the decoder dicom-image-loader uses.
import { Decoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import { describeThrown, PixelDataError } from '../errors';
import type { PixelModule } from '../pixel-module';
import { checkDecodedShape, storedValues } from './samples';

export function decodeJpegLossless(data: Uint8Array, module: PixelModule): Int32Array {
  let decoded: Uint8Array | Uint16Array;
  try {
    // The decoder reads from an ArrayBuffer, so give it one that holds just this frame.
    const frame = new Uint8Array(data);
    const decoder = new Decoder();
    decoded = decoder.decode(frame.buffer, 0, frame.length, module.bitsAllocated <= 8 ? 1 : 2);
    checkDecodedShape('JPEG lossless', module, decoder.xDim, decoder.yDim, decoder.numComp);
  } catch (err) {
    if (err instanceof PixelDataError) throw err;
    throw new PixelDataError('corrupt', `JPEG lossless decoding failed: ${describeThrown(err)}`);
  }
  return storedValues(decoded, module);
}
