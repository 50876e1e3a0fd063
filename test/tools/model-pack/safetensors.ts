import { readFileSync } from 'node:fs';

/** A float32 or int64 tensor read from a .safetensors file (the golden files hold only these). */
export type SafeTensor =
  | { dtype: 'F32'; shape: number[]; data: Float32Array }
  | { dtype: 'I64'; shape: number[]; data: BigInt64Array };

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** safetensors: 8-byte little-endian header length, JSON header, then the raw little-endian bytes. */
export function readSafetensors(file: string): Map<string, SafeTensor> {
  const bytes = readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as Record<string, HeaderEntry>;
  const tensors = new Map<string, SafeTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = entry.data_offsets;
    // copy: the data of a tensor need not be aligned for a typed-array view
    const raw = new Uint8Array(bytes.subarray(8 + headerLength + begin, 8 + headerLength + end)).buffer;
    if (entry.dtype === 'F32')
      tensors.set(name, { dtype: 'F32', shape: entry.shape, data: new Float32Array(raw) });
    else if (entry.dtype === 'I64')
      tensors.set(name, { dtype: 'I64', shape: entry.shape, data: new BigInt64Array(raw) });
    else throw new Error(`${file}: ${name} has dtype ${entry.dtype}, only F32 and I64 are read`);
  }
  return tensors;
}

export function float32(tensors: Map<string, SafeTensor>, name: string): Float32Array {
  const t = tensors.get(name);
  if (t?.dtype !== 'F32') throw new Error(`no float32 tensor ${name}`);
  return t.data;
}

export function int64(
  tensors: Map<string, SafeTensor>,
  name: string,
): { data: BigInt64Array; shape: number[] } {
  const t = tensors.get(name);
  if (t?.dtype !== 'I64') throw new Error(`no int64 tensor ${name}`);
  return t;
}
