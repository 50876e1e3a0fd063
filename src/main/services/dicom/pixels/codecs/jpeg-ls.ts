// JPEG-LS lossless and near-lossless with CharLS.
import type { PixelModule } from '../pixel-module';
import { toPixelInterleaved } from './interleave';
import { checkDecodedShape, sampleView, storedValues } from './samples';
import { wasmCodec } from './wasm-codec';

const charls = wasmCodec('CharLS', 'JpegLSDecoder', () => import('@cornerstonejs/codec-charls/decodewasmjs'));

export function decodeJpegLs(data: Uint8Array, module: PixelModule): Promise<Int32Array> {
  return charls.decode(data, (decoder) => {
    const info = decoder.getFrameInfo();
    checkDecodedShape('JPEG-LS', module, info.width, info.height, info.componentCount);
    const values = storedValues(sampleView(decoder.getDecodedBuffer(), info.bitsPerSample), module);
    // Interleave mode 0 ("none") stores each colour component as its own plane.
    const planar = info.componentCount > 1 && decoder.getInterleaveMode?.() === 0;
    return planar ? toPixelInterleaved(values, info.componentCount) : values;
  });
}
