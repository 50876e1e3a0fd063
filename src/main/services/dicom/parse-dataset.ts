// Parses DICOM bytes with dicom-parser, including files written without the Part-10 preamble
// and meta header (old modalities and some archives still produce them).
import dicomParser, { type DataSet } from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';

export const IMPLICIT_LE = '1.2.840.10008.1.2';
export const EXPLICIT_LE = '1.2.840.10008.1.2.1';

export type ParsedDicom = {
  dataSet: DataSet;
  transferSyntaxUid: string;
  /** False for a bare data set without preamble and file meta information. */
  hasPart10Header: boolean;
};

export class DicomParseError extends Error {}

const VRS = new Set(
  'AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(
    ' ',
  ),
);

/** A bare data set starts with a group-0008 element; its VR bytes tell explicit from implicit. */
function guessBareSyntax(bytes: Uint8Array): string | null {
  if (bytes.length < 8) return null;
  const group = bytes[0]! | (bytes[1]! << 8);
  if (group !== 0x0008 && group !== 0x0002 && group !== 0x0010) return null;
  const vr = String.fromCharCode(bytes[4]!, bytes[5]!);
  return VRS.has(vr) ? EXPLICIT_LE : IMPLICIT_LE;
}

function message(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && 'exception' in err)
    return String((err as { exception: unknown }).exception);
  return String(err);
}

export type ParseOptions = { untilTag?: string };

/** Bounds a deflated data set's expansion, so a zip bomb fails instead of exhausting memory. */
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

function inflate(bytes: Uint8Array, position: number): Uint8Array {
  const body = inflateRawSync(bytes.subarray(position), { maxOutputLength: MAX_INFLATED_BYTES });
  const whole = new Uint8Array(position + body.length);
  whole.set(bytes.subarray(0, position), 0);
  whole.set(body, position);
  return whole;
}

export function parseDicom(bytes: Uint8Array, options: ParseOptions = {}): ParsedDicom {
  const hasPart10Header =
    bytes.length > 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d;
  let fallback: string | undefined;
  if (!hasPart10Header) {
    const guess = guessBareSyntax(bytes);
    if (!guess) throw new DicomParseError('not a DICOM file (no DICM prefix and no data set at the start)');
    fallback = guess;
  }
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, {
      // dicom-parser types the inflater as returning void; it uses the returned bytes.
      inflater: inflate as unknown as (arr: Uint8Array, position: number) => void,
      ...(fallback ? { TransferSyntaxUID: fallback } : {}),
      ...(options.untilTag ? { untilTag: options.untilTag } : {}),
    });
  } catch (err) {
    throw new DicomParseError(`unreadable DICOM: ${message(err)}`);
  }
  const transferSyntaxUid = (dataSet.string('x00020010') ?? fallback ?? '').trim().replace(/\0/g, '');
  if (!transferSyntaxUid) throw new DicomParseError('no transfer syntax in the file meta information');
  return { dataSet, transferSyntaxUid, hasPart10Header };
}
