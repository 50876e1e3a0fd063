// The attributes that turn stored values into a displayed grey level (PS3.3 C.11): the modality
// LUT or rescale, and the VOI window or VOI LUT the header proposes.
import type { DataSet, Element } from 'dicom-parser';

export type Lut = {
  firstMapped: number;
  bitsPerEntry: number;
  data: Uint16Array;
  explanation?: string;
};

export type VoiLutFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

export type DisplayAttributes = {
  rescale: { slope: number; intercept: number };
  modalityLut?: Lut;
  window?: { center: number; width: number; explanation?: string };
  voiLutFunction: VoiLutFunction;
  voiLut?: Lut;
};

function readLut(item: DataSet, signed: boolean): Lut | undefined {
  const data = item.elements.x00283006;
  if (!item.elements.x00283002 || !data) return undefined;
  const entries = item.uint16('x00283002', 0) || 65536;
  // The first mapped value is signed (SS) when the pixels it maps are.
  const firstMapped = (signed ? item.int16('x00283002', 1) : item.uint16('x00283002', 1)) ?? 0;
  const bitsPerEntry = item.uint16('x00283002', 2) ?? 16;
  const values = readLutData(item, data, entries);
  if (!values) return undefined;
  const explanation = item.string('x00283003');
  return { firstMapped, bitsPerEntry, data: values, ...(explanation ? { explanation } : {}) };
}

function readLutData(item: DataSet, element: Element, entries: number): Uint16Array | undefined {
  const out = new Uint16Array(entries);
  // Some writers store 8-bit entries one per byte rather than one per 16-bit word.
  if (element.length === entries) {
    out.set(item.byteArray.subarray(element.dataOffset, element.dataOffset + entries));
    return out;
  }
  if (element.length < entries * 2) return undefined;
  for (let i = 0; i < entries; i++) out[i] = item.uint16(element.tag, i) ?? 0;
  return out;
}

function firstItem(dataSet: DataSet, tag: string): DataSet | undefined {
  return dataSet.elements[tag]?.items?.[0]?.dataSet;
}

function finiteNumber(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

export function readDisplayAttributes(dataSet: DataSet, signed: boolean): DisplayAttributes {
  const slope = finiteNumber(dataSet.floatString('x00281053'));
  const intercept = finiteNumber(dataSet.floatString('x00281052'));
  const modalityItem = firstItem(dataSet, 'x00283000');
  const voiItem = firstItem(dataSet, 'x00283010');
  const modalityLut = modalityItem ? readLut(modalityItem, signed) : undefined;
  // A VOI LUT indexes modality-LUT output, signed whenever the modality output can be.
  const voiLut = voiItem ? readLut(voiItem, signed || (intercept ?? 0) < 0) : undefined;

  const center = finiteNumber(dataSet.floatString('x00281050', 0));
  const width = finiteNumber(dataSet.floatString('x00281051', 0));
  const explanation = dataSet.string('x00281055', 0);
  const fn = (dataSet.string('x00281056') ?? 'LINEAR').trim().toUpperCase();
  const voiLutFunction: VoiLutFunction = fn === 'LINEAR_EXACT' || fn === 'SIGMOID' ? fn : 'LINEAR';
  const minWidth = voiLutFunction === 'LINEAR' ? 1 : Number.MIN_VALUE;
  return {
    rescale: { slope: slope && slope !== 0 ? slope : 1, intercept: intercept ?? 0 },
    ...(modalityLut ? { modalityLut } : {}),
    ...(center !== undefined && width !== undefined && width >= minWidth
      ? { window: { center, width, ...(explanation ? { explanation } : {}) } }
      : {}),
    voiLutFunction,
    ...(voiLut ? { voiLut } : {}),
  };
}
