// An instance's data set (without pixel data) in the DICOM JSON model of PS3.18 F.2, read with dcmjs,
// whose dictionaries it uses as that model: { "00100010": { vr: "PN", Value: [{ Alphabetic: "…" }] } }.
import dcmjs from 'dcmjs';

export type PersonName = { Alphabetic?: string; Ideographic?: string; Phonetic?: string };
export type JsonValue = string | number | PersonName | JsonDataset | ArrayBuffer | null;
export type JsonElement = { vr: string; Value?: JsonValue[]; InlineBinary?: string };
export type JsonDataset = { [tag: string]: JsonElement };

type DcmjsReader = {
  log: { getLevel(): number; setLevel(level: number | 'silent'): void };
  data: {
    DicomMessage: {
      readFile(
        buffer: ArrayBuffer,
        options: { untilTag: string; includeUntilTagValue: boolean; ignoreErrors: boolean },
      ): { dict: JsonDataset };
    };
  };
};
const { log, data } = dcmjs as unknown as DcmjsReader;

const PIXEL_DATA = '7FE00010';

/** Part-10 bytes (Library.instanceBytes gives them) to the data set, stopping at the pixel data. */
export function readDataset(bytes: Uint8Array): JsonDataset {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  // dcmjs logs each odd value it meets (an AS of the wrong length) on the console; what it cannot
  // read it throws, and the caller handles that.
  const level = log.getLevel();
  log.setLevel('silent');
  try {
    const { dict } = data.DicomMessage.readFile(buffer, {
      untilTag: PIXEL_DATA,
      includeUntilTagValue: false,
      ignoreErrors: false,
    });
    delete dict[PIXEL_DATA];
    return dict;
  } finally {
    log.setLevel(level);
  }
}

/** The string values of an element: person names as their component groups, numbers as text. */
export function elementStrings(element: JsonElement): string[] {
  const out: string[] = [];
  for (const value of element.Value ?? []) {
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'number') out.push(String(value));
    else if (element.vr === 'PN' && value && typeof value === 'object' && !(value instanceof ArrayBuffer)) {
      const name = value as PersonName;
      for (const group of [name.Alphabetic, name.Ideographic, name.Phonetic]) if (group) out.push(group);
    }
  }
  return out;
}
