// Decodes one frame of any supported transfer syntax to stored values: one Int32 per sample,
// pixel-interleaved, masked to Bits Stored and sign-extended, before any LUT.
import type { ParsedDicom } from '../parse-dataset';
import { decodeJpeg } from './codecs/jpeg';
import { decodeJpeg2000, decodeHtj2k } from './codecs/jpeg2000';
import { decodeJpegLossless } from './codecs/jpeg-lossless';
import { decodeJpegLs } from './codecs/jpeg-ls';
import { decodeNative } from './codecs/native';
import { decodeRle } from './codecs/rle';
import { PixelDataError } from './errors';
import { encapsulatedFrameBytes, nativeFrameBytes, pixelDataElement } from './frame-bytes';
import { readPixelModule, type PixelModule } from './pixel-module';
import { codecFor, transferSyntaxName } from './transfer-syntaxes';

/** How to read the samples of a colour frame: decoders return RGB except where YBR stays as stored. */
export type ColorModel = 'gray' | 'rgb' | 'ybr';

export type DecodedFrame = {
  module: PixelModule;
  frameIndex: number;
  values: Int32Array;
  colorModel: ColorModel;
};

export async function decodeFrame(
  { dataSet, transferSyntaxUid }: ParsedDicom,
  frameIndex = 0,
): Promise<DecodedFrame> {
  const codec = codecFor(transferSyntaxUid);
  if (!codec) {
    throw new PixelDataError(
      'unsupported-transfer-syntax',
      `unsupported pixel encoding: ${transferSyntaxName(transferSyntaxUid)} (${transferSyntaxUid})`,
    );
  }
  const module = readPixelModule(dataSet);
  const native = codec === 'native-le' || codec === 'native-be';
  if (native && module.photometric === 'YBR_FULL_422') {
    throw new PixelDataError(
      'unsupported-pixel-format',
      'uncompressed YBR_FULL_422 (chroma-subsampled) pixels',
    );
  }
  let values: Int32Array;
  if (native) {
    const bytes = nativeFrameBytes(dataSet, module, frameIndex);
    const swapBytePairs = codec === 'native-be' && pixelDataElement(dataSet).vr === 'OW';
    values = decodeNative(bytes, module, codec === 'native-be', swapBytePairs);
  } else {
    const bytes = encapsulatedFrameBytes(dataSet, module, frameIndex);
    if (codec === 'rle') values = decodeRle(bytes, module);
    else if (codec === 'jpeg') values = await decodeJpeg(bytes, module);
    else if (codec === 'jpeg-lossless') values = decodeJpegLossless(bytes, module);
    else if (codec === 'jpeg-ls') values = await decodeJpegLs(bytes, module);
    else if (codec === 'jpeg2000') values = await decodeJpeg2000(bytes, module);
    else values = await decodeHtj2k(bytes, module);
  }
  return { module, frameIndex, values, colorModel: colorModelOf(module, codec === 'jpeg') };
}

function colorModelOf(module: PixelModule, jpeg: boolean): ColorModel {
  if (module.samplesPerPixel === 1) return 'gray';
  // libjpeg-turbo converts YCbCr to RGB itself; other decoders hand back what was stored.
  if (!jpeg && (module.photometric === 'YBR_FULL' || module.photometric === 'YBR_FULL_422')) return 'ybr';
  return 'rgb';
}
