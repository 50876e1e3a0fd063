// HTJ2K: no sample arrives in it, so tests encode the Barré chest losslessly with OpenJPH's encoder
// (shipped in @cornerstonejs/codec-openjph) and wrap it as DICOM.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import openjphFactory from '@cornerstonejs/codec-openjph/wasmjs';
import { parseDicom } from '../../src/main/services/dicom/parse-dataset';
import { decodeFrame } from '../../src/main/services/dicom/pixels';
import { encapsulatedPixelData, imageElements, writeDicom, type DicomElement } from './dicom-writer';
import { SAMPLES } from './paths';

type Encoder = {
  getDecodedBuffer(info: object): Uint8Array;
  setQuality(lossless: boolean, quantizationStep: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
};

export async function htj2kEncode(
  values: Int32Array,
  rows: number,
  columns: number,
  bitsStored: number,
): Promise<Uint8Array> {
  const codec = (await openjphFactory()) as { HTJ2KEncoder: new () => Encoder };
  const encoder = new codec.HTJ2KEncoder();
  try {
    const info = {
      width: columns,
      height: rows,
      bitsPerSample: bitsStored,
      componentCount: 1,
      isSigned: false,
      isUsingColorTransform: false,
    };
    const input = encoder.getDecodedBuffer(info);
    input.set(new Uint8Array(Uint16Array.from(values).buffer));
    encoder.setQuality(true, 0);
    encoder.encode();
    return encoder.getEncodedBuffer().slice();
  } finally {
    encoder.delete();
  }
}

export const BARRE = join(SAMPLES, 'cxr/barre_CR-MONO1-10-chest.dcm');

/** The Barré chest as an HTJ2K file of the given transfer syntax; `extra` adds header elements. */
export async function barreAsHtj2k(transferSyntax: string, extra: DicomElement[] = []): Promise<Uint8Array> {
  const source = await decodeFrame(parseDicom(readFileSync(BARRE)));
  const { rows, columns } = source.module;
  const encoded = await htj2kEncode(source.values, rows, columns, 10);
  return writeDicom({
    transferSyntax,
    elements: [
      ...extra,
      ...imageElements({ rows, columns, bitsStored: 10, photometric: 'MONOCHROME1' }),
      { tag: 0x00281050, vr: 'DS', value: '550' },
      { tag: 0x00281051, vr: 'DS', value: '1024' },
    ].sort((a, b) => a.tag - b.tag),
    pixelData: { encapsulated: encapsulatedPixelData([encoded]) },
  });
}
