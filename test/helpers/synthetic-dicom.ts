// Writes small, valid-or-deliberately-broken Part-10 files with dcmjs for bad-input tests.
import dcmjs from 'dcmjs';
import { writeFileSync } from 'node:fs';

type Naturalized = Record<string, unknown>;
type DcmjsWriter = {
  data: {
    DicomMetaDictionary: {
      denaturalizeDataset(d: Naturalized): Record<string, { vr: string; Value: unknown[] }>;
    };
    DicomDict: new (meta: Record<string, unknown>) => { dict: Record<string, unknown>; write(): ArrayBuffer };
  };
};
const { DicomMetaDictionary, DicomDict } = (dcmjs as unknown as DcmjsWriter).data;

export const CR_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.1';

export type SyntheticOptions = {
  transferSyntaxUid?: string;
  rows?: number;
  columns?: number;
  pixels?: Uint16Array | null;
  overrides?: Naturalized;
  omit?: string[];
};

export function syntheticDicom(sopUid: string, options: SyntheticOptions = {}): Uint8Array {
  const rows = options.rows ?? 8;
  const columns = options.columns ?? 8;
  const pixels =
    options.pixels === undefined ? new Uint16Array(rows * columns).map((_, i) => i * 16) : options.pixels;
  const ds: Naturalized = {
    PatientName: 'Synthetic^Patient',
    PatientID: 'SYN-1',
    StudyInstanceUID: '1.2.826.0.1.3680043.10.1432.100',
    SeriesInstanceUID: '1.2.826.0.1.3680043.10.1432.100.1',
    SOPInstanceUID: sopUid,
    SOPClassUID: CR_SOP_CLASS,
    StudyDate: '20240102',
    Modality: 'CR',
    ViewPosition: 'PA',
    Rows: rows,
    Columns: columns,
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    ...options.overrides,
  };
  if (pixels) {
    ds.PixelData = [pixels.buffer];
    ds._vrMap = { PixelData: 'OW' };
  }
  for (const key of options.omit ?? []) delete ds[key];
  const dict = DicomMetaDictionary.denaturalizeDataset(ds);
  const meta = {
    '00020001': { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] },
    '00020002': { vr: 'UI', Value: [CR_SOP_CLASS] },
    '00020003': { vr: 'UI', Value: [sopUid] },
    '00020010': { vr: 'UI', Value: [options.transferSyntaxUid ?? '1.2.840.10008.1.2.1'] },
  };
  const file = new DicomDict(meta);
  file.dict = dict;
  return new Uint8Array(file.write());
}

export function writeSynthetic(path: string, sopUid: string, options?: SyntheticOptions): void {
  writeFileSync(path, syntheticDicom(sopUid, options));
}
