// What the tag browser flags: headers that disagree with each other or with a twin file.
import type { DataSet } from 'dicom-parser';

const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';

const COMPARED: [tag: string, name: string][] = [
  ['x00280004', 'PhotometricInterpretation'],
  ['x00280010', 'Rows'],
  ['x00280011', 'Columns'],
  ['x00280101', 'BitsStored'],
  ['x00080060', 'Modality'],
  ['x00100020', 'PatientID'],
  ['x0020000d', 'StudyInstanceUID'],
];

const read = (ds: DataSet, tag: string): string => {
  const el = ds.elements[tag];
  if (!el) return '';
  if (el.vr === 'US' || (!el.vr && (tag === 'x00280010' || tag === 'x00280011' || tag === 'x00280101'))) {
    return String(ds.uint16(tag) ?? '');
  }
  return (ds.string(tag) ?? '').trim();
};

export function headerWarnings(ds: DataSet, hasPart10Header: boolean, transferSyntaxName: string): string[] {
  const warnings: string[] = [];
  if (!hasPart10Header) {
    warnings.push(`No Part-10 preamble or file meta information: read as ${transferSyntaxName}.`);
  }
  const modality = read(ds, 'x00080060');
  if (read(ds, 'x00080016') === SECONDARY_CAPTURE && (modality === 'CR' || modality === 'DX')) {
    warnings.push(
      `Stored as Secondary Capture although Modality is ${modality}: acquisition details may be missing.`,
    );
  }
  return warnings;
}

export function twinWarning(ds: DataSet, twin: DataSet, twinName: string): string {
  const diffs = COMPARED.filter(([tag]) => read(ds, tag) !== read(twin, tag)).map(
    ([tag, name]) =>
      `${name} is ${read(ds, tag) || '(empty)'} here but ${read(twin, tag) || '(empty)'} in ${twinName}`,
  );
  const samePixels = pixelBytesEqual(ds, twin);
  const base = `SOPInstanceUID is shared with another file (${twinName}).`;
  if (diffs.length === 0) return `${base} Headers agree${samePixels ? ' and pixel data are identical' : ''}.`;
  return `${base} ${diffs.join('; ')}${samePixels ? ' — yet both files carry identical pixel data, so one header is wrong' : ''}.`;
}

function pixelBytesEqual(a: DataSet, b: DataSet): boolean {
  const ea = a.elements.x7fe00010;
  const eb = b.elements.x7fe00010;
  if (!ea || !eb || ea.length !== eb.length) return false;
  const pa = a.byteArray.subarray(ea.dataOffset, ea.dataOffset + ea.length);
  const pb = b.byteArray.subarray(eb.dataOffset, eb.dataOffset + eb.length);
  return Buffer.compare(pa, pb) === 0;
}
