// An image's Burned In Annotation (0028,0301) as its header states it. Export leaves out an image whose
// header says YES or says nothing unless a reader confirmed it clean, so the reader is shown the same
// statement beside the confirmation.
import { readFileSync } from 'node:fs';
import { parseDicom } from '../dicom/parse-dataset';

export type BurnedInAnnotation = 'YES' | 'NO' | 'unknown';

/** 'unknown' when the header has no usable value; null when the file can no longer be read. */
export function readBurnedInAnnotation(path: string): BurnedInAnnotation | null {
  try {
    const { dataSet } = parseDicom(new Uint8Array(readFileSync(path)), { untilTag: 'x7fe00010' });
    const value = dataSet.string('x00280301')?.trim().toUpperCase();
    return value === 'YES' || value === 'NO' ? value : 'unknown';
  } catch {
    return null;
  }
}
