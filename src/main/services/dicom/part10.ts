// Gives every indexed file the one shape the renderer's loader reads: Part-10 with file meta,
// and not deflated (Cornerstone's loader cannot parse a deflated data set).
import dicomParser from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';
import { EXPLICIT_LE, MAX_INFLATED_BYTES } from './parse-dataset';

export const DEFLATED_LE = '1.2.840.10008.1.2.1.99';

const IMPLEMENTATION_CLASS_UID = '1.2.826.0.1.3680043.10.1432.1';

function element(group: number, elementNo: number, vr: string, value: Uint8Array): Uint8Array {
  const long = vr === 'OB';
  const out = new Uint8Array((long ? 12 : 8) + value.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, group, true);
  view.setUint16(2, elementNo, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, value.length, true);
  else view.setUint16(6, value.length, true);
  out.set(value, long ? 12 : 8);
  return out;
}

const uid = (s: string): Uint8Array => {
  const padded = s.length % 2 ? `${s}\0` : s;
  return new TextEncoder().encode(padded);
};

export function wrapPart10(
  dataSet: Uint8Array,
  meta: { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string },
): Uint8Array {
  const body = [
    element(0x0002, 0x0001, 'OB', new Uint8Array([0, 1])),
    element(0x0002, 0x0002, 'UI', uid(meta.sopClassUid)),
    element(0x0002, 0x0003, 'UI', uid(meta.sopInstanceUid)),
    element(0x0002, 0x0010, 'UI', uid(meta.transferSyntaxUid || EXPLICIT_LE)),
    element(0x0002, 0x0012, 'UI', uid(IMPLEMENTATION_CLASS_UID)),
  ];
  const groupLength = body.reduce((n, e) => n + e.length, 0);
  const lengthValue = new Uint8Array(4);
  new DataView(lengthValue.buffer).setUint32(0, groupLength, true);
  const parts = [
    new Uint8Array(128),
    new TextEncoder().encode('DICM'),
    element(0x0002, 0x0000, 'UL', lengthValue),
    ...body,
    dataSet,
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A deflated Part-10 file as the same data set in explicit VR little endian. */
export function inflatePart10(
  bytes: Uint8Array,
  meta: { sopClassUid: string; sopInstanceUid: string },
): Uint8Array {
  const header = dicomParser.readPart10Header(bytes) as ReturnType<typeof dicomParser.readPart10Header> & {
    position: number;
  };
  const body = inflateRawSync(bytes.subarray(header.position), { maxOutputLength: MAX_INFLATED_BYTES });
  return wrapPart10(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), {
    ...meta,
    transferSyntaxUid: EXPLICIT_LE,
  });
}
