// Writes small Part-10 DICOM files for tests: explicit VR, little or big endian, native or
// encapsulated pixel data, and sequences (for LUT items).
export type Value = string | number[] | Uint8Array | Uint16Array | Item[];
export type Item = DicomElement[];
export type DicomElement = { tag: number; vr: string; value: Value };

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

class Bytes {
  private readonly parts: Uint8Array[] = [];
  constructor(private readonly littleEndian: boolean) {}
  u16(v: number): void {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v & 0xffff, this.littleEndian);
    this.parts.push(b);
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, this.littleEndian);
    this.parts.push(b);
  }
  raw(b: Uint8Array): void {
    this.parts.push(b);
  }
  text(s: string): void {
    this.raw(new TextEncoder().encode(s));
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

function encodeValue(vr: string, value: Value, le: boolean): Uint8Array {
  const b = new Bytes(le);
  if (typeof value === 'string') {
    const padded = value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value;
    b.text(padded);
  } else if (value instanceof Uint16Array) {
    for (const v of value) b.u16(v);
  } else if (value instanceof Uint8Array) {
    b.raw(value);
    if (value.length % 2) b.raw(new Uint8Array(1));
  } else if (vr === 'SQ') {
    for (const item of value as Item[]) {
      const body = encodeElements(item, le);
      b.u16(0xfffe);
      b.u16(0xe000);
      b.u32(body.length);
      b.raw(body);
    }
  } else {
    for (const v of value as number[]) {
      if (vr === 'UL' || vr === 'SL') b.u32(v);
      else b.u16(v);
    }
  }
  return b.concat();
}

export function encodeElements(elements: DicomElement[], le: boolean): Uint8Array {
  const b = new Bytes(le);
  for (const { tag, vr, value } of [...elements].sort((x, y) => x.tag - y.tag)) {
    const body = encodeValue(vr, value, le);
    b.u16(tag >>> 16);
    b.u16(tag & 0xffff);
    b.text(vr);
    if (LONG_VRS.has(vr)) {
      b.u16(0);
      b.u32(body.length);
    } else b.u16(body.length);
    b.raw(body);
  }
  return b.concat();
}

/** (7FE0,0010) with undefined length: an offset table item (optional), then one item per fragment. */
export function encapsulatedPixelData(fragments: Uint8Array[], offsets: number[] = []): Uint8Array {
  const b = new Bytes(true);
  b.u16(0x7fe0);
  b.u16(0x0010);
  b.text('OB');
  b.u16(0);
  b.u32(0xffffffff);
  for (const data of [new Uint8Array(new Uint32Array(offsets).buffer), ...fragments]) {
    b.u16(0xfffe);
    b.u16(0xe000);
    const even = data.length % 2 ? new Uint8Array([...data, 0]) : data;
    b.u32(even.length);
    b.raw(even);
  }
  b.u16(0xfffe);
  b.u16(0xe0dd);
  b.u32(0);
  return b.concat();
}

export type FileSpec = {
  transferSyntax: string;
  elements: DicomElement[];
  /** Native pixel bytes (already in the file's byte order) or encapsulated pixel data from encapsulatedPixelData. */
  pixelData?: { native: Uint8Array; vr?: 'OB' | 'OW' } | { encapsulated: Uint8Array };
};

export function writeDicom({ transferSyntax, elements, pixelData }: FileSpec): Uint8Array {
  const le = transferSyntax !== '1.2.840.10008.1.2.2';
  const metaBody = encodeElements(
    [
      { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
      { tag: 0x00020002, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.1' },
      { tag: 0x00020003, vr: 'UI', value: '1.2.3.4.5.6.7' },
      { tag: 0x00020010, vr: 'UI', value: transferSyntax },
    ],
    true,
  );
  const meta = encodeElements([{ tag: 0x00020000, vr: 'UL', value: [metaBody.length] }], true);
  const b = new Bytes(le);
  b.raw(new Uint8Array(128));
  b.text('DICM');
  b.raw(meta);
  b.raw(metaBody);
  b.raw(encodeElements(elements, le));
  if (pixelData && 'native' in pixelData)
    b.raw(encodeElements([{ tag: 0x7fe00010, vr: pixelData.vr ?? 'OW', value: pixelData.native }], le));
  if (pixelData && 'encapsulated' in pixelData) b.raw(pixelData.encapsulated);
  return b.concat();
}

/** The Image Pixel module for a monochrome image. */
export function imageElements(o: {
  rows: number;
  columns: number;
  bitsAllocated?: number;
  bitsStored?: number;
  highBit?: number;
  signed?: boolean;
  photometric?: string;
  samplesPerPixel?: number;
  frames?: number;
}): DicomElement[] {
  const bitsAllocated = o.bitsAllocated ?? 16;
  const bitsStored = o.bitsStored ?? bitsAllocated;
  return [
    { tag: 0x00080060, vr: 'CS', value: 'CR' },
    { tag: 0x00280002, vr: 'US', value: [o.samplesPerPixel ?? 1] },
    { tag: 0x00280004, vr: 'CS', value: o.photometric ?? 'MONOCHROME2' },
    ...(o.frames ? [{ tag: 0x00280008, vr: 'IS', value: String(o.frames) }] : []),
    { tag: 0x00280010, vr: 'US', value: [o.rows] },
    { tag: 0x00280011, vr: 'US', value: [o.columns] },
    { tag: 0x00280100, vr: 'US', value: [bitsAllocated] },
    { tag: 0x00280101, vr: 'US', value: [bitsStored] },
    { tag: 0x00280102, vr: 'US', value: [o.highBit ?? bitsStored - 1] },
    { tag: 0x00280103, vr: 'US', value: [o.signed ? 1 : 0] },
  ];
}

/** PackBits as RLE Lossless wants it: replicate runs for repeats, literal runs otherwise. */
export function packBits(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    let run = 1;
    while (i + run < data.length && run < 128 && data[i + run] === data[i]) run++;
    if (run >= 3) {
      out.push(257 - run, data[i]!);
      i += run;
      continue;
    }
    const start = i;
    while (i < data.length && i - start < 128 && !(data[i + 1] === data[i] && data[i + 2] === data[i])) i++;
    out.push(i - start - 1, ...data.subarray(start, i));
  }
  return new Uint8Array(out);
}

/** An RLE Lossless frame of 16-bit samples: header, then the high-byte and low-byte segments. */
export function rleFrame16(values: ArrayLike<number>): Uint8Array {
  const high = packBits(Uint8Array.from(Array.from(values, (v) => (v >> 8) & 0xff)));
  const low = packBits(Uint8Array.from(Array.from(values, (v) => v & 0xff)));
  const header = new Uint32Array(16);
  header[0] = 2;
  header[1] = 64;
  header[2] = 64 + high.length;
  const out = new Uint8Array(64 + high.length + low.length);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(high, 64);
  out.set(low, 64 + high.length);
  return out;
}
