// Finds the bytes of one frame in (7FE0,0010): by offset for native data, through the basic
// offset table or the fragments for encapsulated data.
import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { describeThrown, PixelDataError } from './errors';
import type { PixelModule } from './pixel-module';

export function pixelDataElement(dataSet: DataSet): Element {
  const element = dataSet.elements.x7fe00010;
  if (!element) throw new PixelDataError('no-pixel-data', 'no Pixel Data (7FE0,0010)');
  return element;
}

function checkFrameIndex(frameIndex: number, module: PixelModule): void {
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= module.numberOfFrames) {
    // Messages count frames from 1, as DICOM and DCMTK do.
    const frames = `${module.numberOfFrames} frame${module.numberOfFrames === 1 ? '' : 's'}`;
    throw new PixelDataError(
      'frame-out-of-range',
      `frame ${frameIndex + 1} requested, the image has ${frames}`,
    );
  }
}

export function nativeFrameBytes(dataSet: DataSet, module: PixelModule, frameIndex: number): Uint8Array {
  checkFrameIndex(frameIndex, module);
  const element = pixelDataElement(dataSet);
  if (element.encapsulatedPixelData)
    throw new PixelDataError('corrupt', 'encapsulated pixel data in a native transfer syntax');
  const frameSize = (module.rows * module.columns * module.samplesPerPixel * module.bitsAllocated) / 8;
  const start = element.dataOffset + frameIndex * frameSize;
  const available = Math.min(element.dataOffset + element.length, dataSet.byteArray.length);
  if (start + frameSize > available) {
    throw new PixelDataError(
      'truncated',
      `pixel data truncated: frame ${frameIndex} needs ${frameSize} bytes, ${Math.max(0, available - start)} present`,
    );
  }
  const bytes = dataSet.byteArray;
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, frameSize);
}

export function encapsulatedFrameBytes(
  dataSet: DataSet,
  module: PixelModule,
  frameIndex: number,
): Uint8Array {
  checkFrameIndex(frameIndex, module);
  const element = pixelDataElement(dataSet);
  const fragments = element.fragments ?? [];
  if (!element.encapsulatedPixelData || fragments.length === 0) {
    throw new PixelDataError('corrupt', 'no encapsulated fragments in a compressed transfer syntax');
  }
  try {
    if (module.numberOfFrames === 1) {
      return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, fragments.length);
    }
    if (element.basicOffsetTable?.length) {
      return dicomParser.readEncapsulatedImageFrame(dataSet, element, frameIndex);
    }
    if (fragments.length === module.numberOfFrames) {
      return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, frameIndex, 1);
    }
    // No offset table and several fragments per frame: find where each JPEG frame starts.
    const table = dicomParser.createJPEGBasicOffsetTable(dataSet, element);
    return dicomParser.readEncapsulatedImageFrame(dataSet, element, frameIndex, table);
  } catch (err) {
    throw new PixelDataError(
      'corrupt',
      `unreadable encapsulated frame ${frameIndex}: ${describeThrown(err)}`,
    );
  }
}
