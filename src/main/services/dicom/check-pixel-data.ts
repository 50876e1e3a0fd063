// Truncation shows up at intake, not when the reader opens the study: native pixel data must
// hold every frame, encapsulated pixel data must hold at least one fragment per frame.
import type { ParsedDicom } from './parse-dataset';
import type { IndexedHeader } from './read-header';

const NATIVE = new Set([
  '1.2.840.10008.1.2',
  '1.2.840.10008.1.2.1',
  '1.2.840.10008.1.2.1.99',
  '1.2.840.10008.1.2.2',
]);

export function checkPixelDataLength(parsed: ParsedDicom, header: IndexedHeader): string | null {
  const { dataSet } = parsed;
  const element = dataSet.elements.x7fe00010;
  if (!element) return 'no pixel data';
  if (header.rows <= 0 || header.columns <= 0) return `invalid image size ${header.rows}x${header.columns}`;
  if (element.dataOffset + element.length > dataSet.byteArray.length) {
    return 'truncated: pixel data runs past the end of the file';
  }
  if (NATIVE.has(parsed.transferSyntaxUid)) {
    const bitsAllocated = dataSet.uint16('x00280100') ?? 0;
    const samples = dataSet.uint16('x00280002') ?? 1;
    if (![1, 8, 16, 32].includes(bitsAllocated)) return `unsupported BitsAllocated ${bitsAllocated}`;
    const expected = Math.ceil((header.rows * header.columns * samples * header.frames * bitsAllocated) / 8);
    if (element.length < expected) return `truncated: pixel data has ${element.length} of ${expected} bytes`;
  } else if (!element.encapsulatedPixelData || (element.fragments?.length ?? 0) === 0) {
    return 'truncated or malformed: encapsulated pixel data has no fragments';
  }
  return null;
}
