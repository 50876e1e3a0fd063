// The transfer syntaxes CR/DX images arrive in, and which decoder reads each. Intake uses the
// names to say "unsupported pixel encoding: <name> (<uid>)".
export type Codec =
  'native-le' | 'native-be' | 'rle' | 'jpeg' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000' | 'htj2k';

type SyntaxInfo = { name: string; codec?: Codec };

const SYNTAXES: Record<string, SyntaxInfo> = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', codec: 'native-le' },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', codec: 'native-le' },
  // dicom-parser inflates the whole data set while parsing, so the pixels arrive native.
  '1.2.840.10008.1.2.1.99': { name: 'Deflated Explicit VR Little Endian', codec: 'native-le' },
  '1.2.840.10008.1.2.2': { name: 'Explicit VR Big Endian (retired)', codec: 'native-be' },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', codec: 'rle' },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline (Process 1)', codec: 'jpeg' },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended (Process 2 & 4)', codec: 'jpeg' },
  '1.2.840.10008.1.2.4.53': { name: 'JPEG Spectral Selection, Non-Hierarchical (retired)', codec: 'jpeg' },
  '1.2.840.10008.1.2.4.55': { name: 'JPEG Full Progression, Non-Hierarchical (retired)', codec: 'jpeg' },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless, Non-Hierarchical (Process 14)', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.70': {
    name: 'JPEG Lossless, First-Order Prediction (Process 14 SV1)',
    codec: 'jpeg-lossless',
  },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', codec: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-Lossless', codec: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 Lossless', codec: 'jpeg2000' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', codec: 'jpeg2000' },
  '1.2.840.10008.1.2.4.201': { name: 'HTJ2K Lossless', codec: 'htj2k' },
  '1.2.840.10008.1.2.4.202': { name: 'HTJ2K Lossless RPCL', codec: 'htj2k' },
  '1.2.840.10008.1.2.4.203': { name: 'HTJ2K', codec: 'htj2k' },
  // Known but not decoded: named so the import report is readable.
  '1.2.840.10008.1.2.1.98': { name: 'Encapsulated Uncompressed Explicit VR Little Endian' },
  '1.2.840.10008.1.2.4.52': { name: 'JPEG Extended (Process 3 & 5, retired)' },
  '1.2.840.10008.1.2.4.92': { name: 'JPEG 2000 Part 2 Multi-component Lossless' },
  '1.2.840.10008.1.2.4.93': { name: 'JPEG 2000 Part 2 Multi-component' },
  '1.2.840.10008.1.2.4.94': { name: 'JPIP Referenced' },
  '1.2.840.10008.1.2.4.95': { name: 'JPIP Referenced Deflate' },
  '1.2.840.10008.1.2.4.100': { name: 'MPEG2 Main Profile / Main Level' },
  '1.2.840.10008.1.2.4.102': { name: 'MPEG-4 AVC/H.264 High Profile' },
  '1.2.840.10008.1.2.4.110': { name: 'JPEG XL Lossless' },
  '1.2.840.10008.1.2.4.111': { name: 'JPEG XL JPEG Recompression' },
  '1.2.840.10008.1.2.4.112': { name: 'JPEG XL' },
};

export function isSupportedTransferSyntax(uid: string): boolean {
  return SYNTAXES[uid]?.codec !== undefined;
}

export function transferSyntaxName(uid: string): string {
  return SYNTAXES[uid]?.name ?? 'unknown transfer syntax';
}

export function codecFor(uid: string): Codec | undefined {
  return SYNTAXES[uid]?.codec;
}
