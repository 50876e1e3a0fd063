// JPEG baseline/extended/progressive (ISO 10918-1). 8-bit streams go to libjpeg-turbo (what the
// viewer uses); 12-bit streams, which libjpeg-turbo's 8-bit build cannot read, go to the JavaScript
// decoder dicom-image-loader uses for them. That file is not in the package's exports, hence the path.
import JpegImage from '../../../../../../node_modules/@cornerstonejs/dicom-image-loader/dist/esm/codecs/jpeg.js';
import { describeThrown, PixelDataError } from '../errors';
import type { PixelModule } from '../pixel-module';
import { checkDecodedShape, sampleView, storedValues } from './samples';
import { wasmCodec } from './wasm-codec';

const libjpegTurbo = wasmCodec(
  'libjpeg-turbo',
  'JPEGDecoder',
  () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
);

/** Sample precision from the first SOF marker, or undefined when there is none. */
export function jpegPrecision(data: Uint8Array): number | undefined {
  let i = 2;
  while (i + 8 < data.length) {
    if (data[i] !== 0xff) return undefined;
    const marker = data[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return data[i + 4];
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    i += 2 + ((data[i + 2]! << 8) | data[i + 3]!);
  }
  return undefined;
}

/** True when a scan refines earlier ones bit by bit (SOS Ah/Al), which jpeg.js gets wrong at 12 bits. */
function usesSuccessiveApproximation(data: Uint8Array): boolean {
  // Entropy-coded data stuffs every 0xFF with 0x00, so 0xFFDA only ever starts a scan header.
  for (let i = 0; i + 5 < data.length; i++) {
    if (data[i] !== 0xff || data[i + 1] !== 0xda) continue;
    const components = data[i + 4]!;
    if (data[i + 4 + 2 * components + 3]) return true;
  }
  return false;
}

type JpegJs = {
  parse(data: Uint8Array): void;
  width: number;
  height: number;
  components: unknown[];
  colorTransform?: boolean;
  getData16(width: number, height: number): Uint16Array;
};

function decodeWithJpegJs(data: Uint8Array, module: PixelModule): Int32Array {
  const jpeg = new JpegImage() as unknown as JpegJs;
  let decoded: Uint16Array;
  try {
    jpeg.parse(data);
    checkDecodedShape('JPEG', module, jpeg.width, jpeg.height, jpeg.components.length);
    jpeg.colorTransform = false;
    decoded = jpeg.getData16(jpeg.width, jpeg.height);
  } catch (err) {
    if (err instanceof PixelDataError) throw err;
    throw new PixelDataError('corrupt', `JPEG decoding failed: ${describeThrown(err)}`);
  }
  return storedValues(correctLevelShift(decoded), module);
}

/**
 * jpeg.js scales the 8-bit level shift and rounding constant (2056/16) by 4095/255 for 12-bit data
 * instead of using 2048 + 0.5, so every unclamped sample comes out exactly 15 too high (DCMTK/IJG
 * and this corrected output agree to ±1). A sample clamped at 4095 stays 4095: its true value,
 * somewhere in 4080..4095, is lost in jpeg.js.
 */
function correctLevelShift(decoded: Uint16Array): Uint16Array {
  for (let i = 0; i < decoded.length; i++) {
    const v = decoded[i]!;
    if (v !== 4095) decoded[i] = v > 15 ? v - 15 : 0;
  }
  return decoded;
}

export async function decodeJpeg(data: Uint8Array, module: PixelModule): Promise<Int32Array> {
  const precision = jpegPrecision(data);
  if (precision === undefined) throw new PixelDataError('corrupt', 'not a JPEG stream (no SOF marker)');
  if (precision > 8) {
    if (usesSuccessiveApproximation(data)) {
      throw new PixelDataError(
        'unsupported-pixel-format',
        '12-bit JPEG with successive approximation (no accurate decoder)',
      );
    }
    return decodeWithJpegJs(data, module);
  }
  return libjpegTurbo.decode(data, (decoder) => {
    const info = decoder.getFrameInfo();
    checkDecodedShape('JPEG', module, info.width, info.height, info.componentCount);
    return storedValues(sampleView(decoder.getDecodedBuffer(), 8), module);
  });
}
