// The Image Pixel module attributes a decoder needs, read once and checked, so that every
// decoder can trust rows × columns × samples and the bit layout.
import type { DataSet } from 'dicom-parser';
import { PixelDataError } from './errors';

export type PixelModule = {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  photometric: string;
  /** 0 = pixel-interleaved (R1G1B1R2...), 1 = planar (R1R2...G1G2...). */
  planarConfiguration: number;
  numberOfFrames: number;
};

const PHOTOMETRICS = new Set([
  'MONOCHROME1',
  'MONOCHROME2',
  'RGB',
  'YBR_FULL',
  'YBR_FULL_422',
  'YBR_RCT',
  'YBR_ICT',
]);

function requiredUint16(dataSet: DataSet, tag: string, name: string): number {
  const value = dataSet.elements[tag] ? dataSet.uint16(tag) : undefined;
  if (value === undefined) throw new PixelDataError('missing-attribute', `missing ${name}`);
  return value;
}

export function readPixelModule(dataSet: DataSet): PixelModule {
  const rows = requiredUint16(dataSet, 'x00280010', 'Rows (0028,0010)');
  const columns = requiredUint16(dataSet, 'x00280011', 'Columns (0028,0011)');
  const bitsAllocated = requiredUint16(dataSet, 'x00280100', 'Bits Allocated (0028,0100)');
  const bitsStored = dataSet.elements.x00280101
    ? (dataSet.uint16('x00280101') ?? bitsAllocated)
    : bitsAllocated;
  const highBit = dataSet.elements.x00280102
    ? (dataSet.uint16('x00280102') ?? bitsStored - 1)
    : bitsStored - 1;
  const samplesPerPixel = dataSet.elements.x00280002 ? (dataSet.uint16('x00280002') ?? 1) : 1;
  const photometric = (dataSet.string('x00280004') ?? 'MONOCHROME2').trim().toUpperCase();
  const numberOfFrames = Number.parseInt(dataSet.string('x00280008') ?? '1', 10);

  if (rows === 0 || columns === 0)
    throw new PixelDataError('invalid-attribute', `empty image (${rows} rows × ${columns} columns)`);
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new PixelDataError(
      'unsupported-pixel-format',
      `Bits Allocated ${bitsAllocated} (only 8 and 16 are read)`,
    );
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw new PixelDataError(
      'invalid-attribute',
      `inconsistent bits: allocated ${bitsAllocated}, stored ${bitsStored}, high bit ${highBit}`,
    );
  }
  if (!PHOTOMETRICS.has(photometric)) {
    throw new PixelDataError('unsupported-pixel-format', `Photometric Interpretation ${photometric}`);
  }
  const expectedSamples = photometric.startsWith('MONOCHROME') ? 1 : 3;
  if (samplesPerPixel !== expectedSamples) {
    throw new PixelDataError('invalid-attribute', `${photometric} with ${samplesPerPixel} samples per pixel`);
  }
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit,
    signed: (dataSet.uint16('x00280103') ?? 0) === 1,
    photometric,
    planarConfiguration: samplesPerPixel > 1 ? (dataSet.uint16('x00280006') ?? 0) : 0,
    numberOfFrames: Number.isFinite(numberOfFrames) && numberOfFrames > 0 ? numberOfFrames : 1,
  };
}

/** Keeps BitsStored bits at HighBit and sign-extends them, so 12-in-16 or signed data read as numbers. */
export function storedValueReader(module: PixelModule, shift: number): (raw: number) => number {
  const mask = (1 << module.bitsStored) - 1;
  if (!module.signed) return (raw) => (raw >>> shift) & mask;
  const signBit = 1 << (module.bitsStored - 1);
  return (raw) => {
    const v = (raw >>> shift) & mask;
    return v & signBit ? v - (mask + 1) : v;
  };
}
