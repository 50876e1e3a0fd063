// JPEG 2000 (OpenJPEG) and High-Throughput JPEG 2000 (OpenJPH).
import type { PixelModule } from '../pixel-module';
import { checkDecodedShape, sampleView, storedValues } from './samples';
import { wasmCodec, type WasmCodec } from './wasm-codec';

const openjpeg = wasmCodec(
  'OpenJPEG',
  'J2KDecoder',
  () => import('@cornerstonejs/codec-openjpeg/decodewasmjs'),
);
const openjph = wasmCodec('OpenJPH', 'HTJ2KDecoder', () => import('@cornerstonejs/codec-openjph/wasmjs'));

function decodeWith(
  codec: WasmCodec,
  name: string,
  data: Uint8Array,
  module: PixelModule,
): Promise<Int32Array> {
  return codec.decode(data, (decoder) => {
    const info = decoder.getFrameInfo();
    checkDecodedShape(name, module, info.width, info.height, info.componentCount);
    return storedValues(sampleView(decoder.getDecodedBuffer(), info.bitsPerSample), module);
  });
}

export const decodeJpeg2000 = (data: Uint8Array, module: PixelModule): Promise<Int32Array> =>
  decodeWith(openjpeg, 'JPEG 2000', data, module);

export const decodeHtj2k = (data: Uint8Array, module: PixelModule): Promise<Int32Array> =>
  decodeWith(openjph, 'HTJ2K', data, module);
