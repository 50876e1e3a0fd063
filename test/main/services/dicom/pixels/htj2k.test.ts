// HTJ2K: no sample arrives in it, so encode the Barré chest losslessly with OpenJPH's encoder
// (shipped in @cornerstonejs/codec-openjph) and check the decode gives back the source values.
import { readFileSync } from 'node:fs';
import openjphFactory from '@cornerstonejs/codec-openjph/wasmjs';
import { expect, it } from 'vitest';
import { parseDicom } from '../../../../../src/main/services/dicom/parse-dataset';
import { decodeFrame, renderDicom } from '../../../../../src/main/services/dicom/pixels';
import { encapsulatedPixelData, imageElements, writeDicom } from '../../../../helpers/dicom-writer';

type Encoder = {
  getDecodedBuffer(info: object): Uint8Array;
  setQuality(lossless: boolean, quantizationStep: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
};

async function htj2kEncode(
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

it('decodes HTJ2K (lossless) to the source values', async () => {
  const source = await decodeFrame(parseDicom(readFileSync('samples/cxr/barre_CR-MONO1-10-chest.dcm')));
  const { rows, columns } = source.module;
  const encoded = await htj2kEncode(source.values, rows, columns, 10);
  for (const uid of ['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.203']) {
    const bytes = writeDicom({
      transferSyntax: uid,
      elements: [
        ...imageElements({ rows, columns, bitsStored: 10, photometric: 'MONOCHROME1' }),
        { tag: 0x00281050, vr: 'DS', value: '550' },
        { tag: 0x00281051, vr: 'DS', value: '1024' },
      ],
      pixelData: { encapsulated: encapsulatedPixelData([encoded]) },
    });
    const decoded = await decodeFrame(parseDicom(bytes));
    expect(decoded.values).toEqual(source.values);
    const { info } = await renderDicom(bytes);
    expect(info).toMatchObject({ transferSyntaxUid: uid, inverted: true, voi: { center: 550, width: 1024 } });
  }
});
