// The attributes the index keeps, read from a parsed data set. Missing identifiers are errors
// (the file cannot be placed in a study); missing descriptive attributes are empty strings.
import type { DataSet } from 'dicom-parser';
import type { View } from '../../../shared/domain';
import { classifyView } from './classify-view';

export type IndexedHeader = {
  patientId: string;
  patientName: string;
  patientBirthDate: string;
  patientSex: string;
  studyUid: string;
  studyDate: string;
  studyDescription: string;
  accession: string;
  seriesUid: string;
  seriesNumber: number | null;
  modality: string;
  seriesDescription: string;
  bodyPart: string;
  sopUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  rows: number;
  columns: number;
  frames: number;
  photometric: string;
  view: View;
  hasPixelData: boolean;
};

const text = (ds: DataSet, tag: string): string => (ds.string(tag) ?? '').replace(/\0/g, '').trim();

const integer = (ds: DataSet, tag: string): number | null => {
  const raw = text(ds, tag);
  if (!/^[+-]?\d+$/.test(raw)) return null;
  return Number(raw);
};

/** DICOM DA (YYYYMMDD, or the ACR-NEMA YYYY.MM.DD) to ISO; anything else becomes ''. */
export function isoDate(da: string): string {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(da.trim());
  if (!m) return '';
  const [, y, mo, d] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return '';
  return `${y}-${mo}-${d}`;
}

export class HeaderError extends Error {}

export function readHeader(ds: DataSet): IndexedHeader {
  const studyUid = text(ds, 'x0020000d');
  const seriesUid = text(ds, 'x0020000e');
  const sopUid = text(ds, 'x00080018');
  if (!studyUid) throw new HeaderError('missing StudyInstanceUID (0020,000D)');
  if (!seriesUid) throw new HeaderError('missing SeriesInstanceUID (0020,000E)');
  if (!sopUid) throw new HeaderError('missing SOPInstanceUID (0008,0018)');
  const seriesDescription = text(ds, 'x0008103e');
  return {
    patientId: text(ds, 'x00100020'),
    patientName: text(ds, 'x00100010').replace(/\^+/g, ' ').trim(),
    patientBirthDate: isoDate(text(ds, 'x00100030')),
    patientSex: text(ds, 'x00100040'),
    studyUid,
    studyDate: isoDate(text(ds, 'x00080020')),
    studyDescription: text(ds, 'x00081030'),
    accession: text(ds, 'x00080050'),
    seriesUid,
    seriesNumber: integer(ds, 'x00200011'),
    modality: text(ds, 'x00080060') || 'OT',
    seriesDescription,
    bodyPart: text(ds, 'x00180015'),
    sopUid,
    sopClassUid: text(ds, 'x00080016'),
    instanceNumber: integer(ds, 'x00200013'),
    rows: ds.uint16('x00280010') ?? 0,
    columns: ds.uint16('x00280011') ?? 0,
    frames: integer(ds, 'x00280008') ?? 1,
    photometric: text(ds, 'x00280004'),
    view: classifyView(
      text(ds, 'x00185101'),
      seriesDescription,
      text(ds, 'x00181030'),
      text(ds, 'x00204000'),
    ),
    hasPixelData: ds.elements.x7fe00010 !== undefined,
  };
}
