// Decoding and the grayscale pipeline on small synthetic images whose right answer is known.
import { describe, expect, it } from 'vitest';
import { DicomParseError, parseDicom } from '../../../../../src/main/services/dicom/parse-dataset';
import {
  decodeFrame,
  isSupportedTransferSyntax,
  PixelDataError,
  renderDicom,
  transferSyntaxName,
  windowFunction,
} from '../../../../../src/main/services/dicom/pixels';
import {
  encapsulatedPixelData,
  imageElements,
  rleFrame16,
  writeDicom,
  type DicomElement,
} from '../../../../helpers/dicom-writer';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';
const RLE = '1.2.840.10008.1.2.5';

function words(values: number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint16(2 * i, v & 0xffff, littleEndian));
  return out;
}

async function decoded(bytes: Uint8Array): Promise<number[]> {
  return Array.from((await decodeFrame(parseDicom(bytes))).values);
}

function mono(
  values: number[],
  extra: DicomElement[] = [],
  image: Parameters<typeof imageElements>[0] = { rows: 1, columns: values.length },
) {
  return writeDicom({
    transferSyntax: EXPLICIT_LE,
    elements: [...imageElements(image), ...extra],
    pixelData: { native: words(values) },
  });
}

describe('stored values', () => {
  it('sign-extends signed pixels and ignores bits above Bits Stored', async () => {
    const values = [-2048, -1, 0, 1, 2047];
    const raw = values.map((v) => (v & 0x0fff) | 0xa000); // garbage (an overlay, say) in the top 4 bits
    const bytes = mono(raw, [], { rows: 1, columns: 5, bitsStored: 12, signed: true });
    expect(await decoded(bytes)).toEqual(values);
  });

  it('shifts down values stored at a High Bit above Bits Stored - 1', async () => {
    const values = [0, 1, 2048, 4095];
    const raw = values.map((v) => (v << 4) | 0x7);
    const bytes = mono(raw, [], { rows: 2, columns: 2, bitsStored: 12, highBit: 15 });
    expect(await decoded(bytes)).toEqual(values);
  });

  it('byte-swaps explicit big endian, 16-bit and 8-bit in OW', async () => {
    const values = [1, 256, 4095, 300, 65535, 0];
    const bytes16 = writeDicom({
      transferSyntax: BIG_ENDIAN,
      elements: imageElements({ rows: 2, columns: 3 }),
      pixelData: { native: words(values, false) },
    });
    expect(await decoded(bytes16)).toEqual(values);
    // OW is a sequence of 16-bit words, so 8-bit samples come pairwise swapped.
    const bytes8 = writeDicom({
      transferSyntax: BIG_ENDIAN,
      elements: imageElements({ rows: 2, columns: 2, bitsAllocated: 8 }),
      pixelData: { native: new Uint8Array([20, 10, 40, 30]), vr: 'OW' },
    });
    expect(await decoded(bytes8)).toEqual([10, 20, 30, 40]);
  });

  it('decodes RLE Lossless, replicate and literal runs, signed', async () => {
    const values = Array.from({ length: 64 * 48 }, (_, i) => (i % 64 < 20 ? -300 : ((i * 37) % 2000) - 1000));
    const bytes = writeDicom({
      transferSyntax: RLE,
      elements: imageElements({ rows: 48, columns: 64, signed: true }),
      pixelData: { encapsulated: encapsulatedPixelData([rleFrame16(values)]) },
    });
    expect(await decoded(bytes)).toEqual(values);
  });

  it('reads one frame of a multi-frame image by offset and rejects a frame past the end', async () => {
    const frames = [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ];
    const bytes = mono(frames.flat(), [], { rows: 2, columns: 2, frames: 3 });
    const parsed = parseDicom(bytes);
    expect(Array.from((await decodeFrame(parsed, 2)).values)).toEqual(frames[2]);
    await expect(decodeFrame(parsed, 3)).rejects.toMatchObject({
      code: 'frame-out-of-range',
      message: 'frame 4 requested, the image has 3 frames',
    });
  });

  it('reduces RGB to luminance, pixel-interleaved or planar', async () => {
    const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];
    const planar = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255];
    for (const [data, planarConfiguration] of [
      [rgb, 0],
      [planar, 1],
    ] as const) {
      const bytes = writeDicom({
        transferSyntax: EXPLICIT_LE,
        elements: [
          ...imageElements({ rows: 2, columns: 2, bitsAllocated: 8, photometric: 'RGB', samplesPerPixel: 3 }),
          { tag: 0x00280006, vr: 'US', value: [planarConfiguration] },
          { tag: 0x00281050, vr: 'DS', value: '127.5' },
          { tag: 0x00281051, vr: 'DS', value: '256' },
        ],
        pixelData: { native: Uint8Array.from(data), vr: 'OB' },
      });
      const { pixels, info } = await renderDicom(bytes);
      expect(info.colorToLuminance).toBe(true);
      // Luminance 0.299 R + 0.587 G + 0.114 B, rounded, then the header window.
      const f = windowFunction(127.5, 256, 'LINEAR');
      expect(Array.from(pixels)).toEqual([76, 150, 29, 255].map((v) => Math.round(f(v))));
    }
  });
});

describe('grayscale pipeline', () => {
  it('applies rescale, then the header window with the PS3.3 linear function', async () => {
    // Stored 0..4000 with intercept -1024: a CT-like mediastinal window 40/400.
    const values = [0, 800, 1004, 1064, 1244, 1300, 4000];
    const { pixels, info } = await renderDicom(
      mono(values, [
        { tag: 0x00281052, vr: 'DS', value: '-1024' },
        { tag: 0x00281053, vr: 'DS', value: '1' },
        { tag: 0x00281050, vr: 'DS', value: '40\\-600' },
        { tag: 0x00281051, vr: 'DS', value: '400\\1500' },
      ]),
    );
    const linear = windowFunction(40, 400, 'LINEAR');
    expect(Array.from(pixels)).toEqual(values.map((v) => Math.round(linear(v - 1024))));
    expect(pixels[0]).toBe(0);
    expect(pixels[6]).toBe(255);
    expect(info.voi).toMatchObject({
      kind: 'window',
      source: 'header',
      center: 40,
      width: 400,
      function: 'LINEAR',
    });
    expect(info.modalityLut).toEqual({ kind: 'rescale', slope: 1, intercept: -1024 });
  });

  it('follows the linear function exactly at its borders', () => {
    const f = windowFunction(2048, 4096, 'LINEAR');
    expect(f(-0.5 + 2048 - 2047.5)).toBe(0);
    expect(f(4095)).toBe(255);
    expect(windowFunction(100, 1, 'LINEAR')(99)).toBe(0);
    expect(windowFunction(100, 1, 'LINEAR')(100)).toBe(255);
  });

  it('uses LINEAR_EXACT and SIGMOID when the header says so', async () => {
    const values = [0, 50, 100, 150, 200];
    for (const fn of ['LINEAR_EXACT', 'SIGMOID'] as const) {
      const { pixels, info } = await renderDicom(
        mono(values, [
          { tag: 0x00281050, vr: 'DS', value: '100' },
          { tag: 0x00281051, vr: 'DS', value: '100' },
          { tag: 0x00281056, vr: 'CS', value: fn },
        ]),
      );
      const f = windowFunction(100, 100, fn);
      expect(Array.from(pixels)).toEqual(values.map((v) => Math.round(f(v))));
      expect(info.voi).toMatchObject({ function: fn });
    }
    expect(windowFunction(100, 100, 'LINEAR_EXACT')(50)).toBe(0);
    expect(windowFunction(100, 100, 'LINEAR_EXACT')(100)).toBe(127.5);
    expect(windowFunction(100, 100, 'SIGMOID')(100)).toBe(127.5);
  });

  it('applies a Modality LUT Sequence and a VOI LUT Sequence', async () => {
    // Modality LUT maps 10..13 to 1000, 3000, 2000, 4000 (not monotonic); values outside clamp.
    const modalityLut: DicomElement[] = [
      { tag: 0x00283002, vr: 'US', value: [4, 10, 16] },
      { tag: 0x00283006, vr: 'OW', value: Uint16Array.from([1000, 3000, 2000, 4000]) },
    ];
    const voiLut: DicomElement[] = [
      { tag: 0x00283002, vr: 'US', value: [4001, 0, 12] },
      {
        tag: 0x00283006,
        vr: 'OW',
        value: Uint16Array.from({ length: 4001 }, (_, i) => Math.round((i / 4000) * 4095)),
      },
    ];
    const { pixels, info } = await renderDicom(
      mono(
        [5, 10, 11, 12, 13, 20],
        [
          { tag: 0x00283000, vr: 'SQ', value: [modalityLut] },
          { tag: 0x00283010, vr: 'SQ', value: [voiLut] },
        ],
      ),
    );
    expect(Array.from(pixels)).toEqual(
      [1000, 1000, 3000, 2000, 4000, 4000].map((m) =>
        Math.round((Math.round((m / 4000) * 4095) * 255) / 4095),
      ),
    );
    expect(info.modalityLut).toMatchObject({ kind: 'lut', firstMapped: 10, entries: 4 });
    expect(info.voi).toMatchObject({ kind: 'lut', entries: 4001, bitsPerEntry: 12 });
    expect(info.modalityRange).toEqual({ min: 1000, max: 4000 });
  });

  it('min-max spans the modality output; explicit windows override the header', async () => {
    const header: DicomElement[] = [
      { tag: 0x00281050, vr: 'DS', value: '1000' },
      { tag: 0x00281051, vr: 'DS', value: '10' },
      { tag: 0x00281053, vr: 'DS', value: '2' },
    ];
    const bytes = mono([100, 150, 200], header);
    const minmax = await renderDicom(bytes, { window: { kind: 'minmax' } });
    expect(Array.from(minmax.pixels)).toEqual([0, 128, 255]);
    expect(minmax.info.voi).toMatchObject({ source: 'minmax', center: 300.5, width: 201 });
    const explicit = await renderDicom(bytes, { window: { kind: 'explicit', center: 300, width: 2 } });
    expect(Array.from(explicit.pixels)).toEqual([0, 255, 255]);
  });

  it('inverts MONOCHROME1 after the window, so the window keeps its meaning', async () => {
    const header: DicomElement[] = [
      { tag: 0x00281050, vr: 'DS', value: '150' },
      { tag: 0x00281051, vr: 'DS', value: '101' },
    ];
    const image = { rows: 1, columns: 4, photometric: 'MONOCHROME1' };
    const { pixels, info } = await renderDicom(mono([0, 100, 150, 300], header, image));
    const f = windowFunction(150, 101, 'LINEAR');
    expect(Array.from(pixels)).toEqual([0, 100, 150, 300].map((v) => 255 - Math.round(f(v))));
    expect(pixels[0]).toBe(255);
    expect(pixels[3]).toBe(0);
    expect(info.inverted).toBe(true);
  });
});

describe('bad input gives typed errors', () => {
  const garbage = Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251);
  const jpegLike = Uint8Array.from([
    0xff,
    0xd8,
    0xff,
    0xc0,
    0x00,
    0x0b,
    0x08,
    0x00,
    0x10,
    0x00,
    0x10,
    0x01,
    0x01,
    0x11,
    0x00,
    ...garbage,
  ]);
  const syntaxes = [
    '1.2.840.10008.1.2.4.50',
    '1.2.840.10008.1.2.4.51',
    '1.2.840.10008.1.2.4.57',
    '1.2.840.10008.1.2.4.70',
    '1.2.840.10008.1.2.4.80',
    '1.2.840.10008.1.2.4.81',
    '1.2.840.10008.1.2.4.90',
    '1.2.840.10008.1.2.4.91',
    '1.2.840.10008.1.2.4.201',
    RLE,
  ];

  for (const uid of syntaxes) {
    it(`garbage in a ${transferSyntaxName(uid)} fragment`, async () => {
      for (const fragment of [garbage, jpegLike]) {
        const bytes = writeDicom({
          transferSyntax: uid,
          elements: imageElements({ rows: 16, columns: 16 }),
          pixelData: { encapsulated: encapsulatedPixelData([fragment]) },
        });
        const error = await renderDicom(bytes).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PixelDataError);
        expect((error as PixelDataError).code).toBe('corrupt');
      }
    });
  }

  it('a codec still works after a garbage frame', async () => {
    const bad = writeDicom({
      transferSyntax: '1.2.840.10008.1.2.4.80',
      elements: imageElements({ rows: 16, columns: 16 }),
      pixelData: { encapsulated: encapsulatedPixelData([garbage]) },
    });
    await expect(renderDicom(bad)).rejects.toBeInstanceOf(PixelDataError);
    const { readFile } = await import('node:fs/promises');
    const good = await readFile('test/fixtures/dicom/derived/barre_chest_JPEGLSLossless.dcm');
    expect((await renderDicom(good)).pixels.length).toBe(440 * 440);
  });

  it('truncated native pixel data', async () => {
    const bytes = mono(
      Array.from({ length: 64 }, (_, i) => i),
      [],
      { rows: 8, columns: 8 },
    );
    const error = await renderDicom(bytes.subarray(0, bytes.length - 20)).catch((e: unknown) => e);
    expect(error instanceof PixelDataError || error instanceof DicomParseError, String(error)).toBe(true);
  });

  it('pixel data shorter than rows × columns', async () => {
    const bytes = mono([1, 2, 3], [], { rows: 8, columns: 8 });
    await expect(renderDicom(bytes)).rejects.toMatchObject({ code: 'truncated' });
  });

  it('zero rows, missing attributes, no pixel data', async () => {
    await expect(renderDicom(mono([], [], { rows: 0, columns: 8 }))).rejects.toMatchObject({
      code: 'invalid-attribute',
    });
    const noRows = writeDicom({
      transferSyntax: EXPLICIT_LE,
      elements: imageElements({ rows: 1, columns: 1 }).filter((e) => e.tag !== 0x00280010),
      pixelData: { native: words([1]) },
    });
    await expect(renderDicom(noRows)).rejects.toMatchObject({ code: 'missing-attribute' });
    const noPixels = writeDicom({
      transferSyntax: EXPLICIT_LE,
      elements: imageElements({ rows: 1, columns: 1 }),
    });
    await expect(renderDicom(noPixels)).rejects.toMatchObject({ code: 'no-pixel-data' });
  });

  it('an unsupported transfer syntax names itself', async () => {
    const bytes = writeDicom({
      transferSyntax: '1.2.840.10008.1.2.4.100',
      elements: imageElements({ rows: 1, columns: 1 }),
      pixelData: { encapsulated: encapsulatedPixelData([garbage]) },
    });
    await expect(renderDicom(bytes)).rejects.toMatchObject({
      code: 'unsupported-transfer-syntax',
      message: 'unsupported pixel encoding: MPEG2 Main Profile / Main Level (1.2.840.10008.1.2.4.100)',
    });
    expect(isSupportedTransferSyntax('1.2.840.10008.1.2.4.100')).toBe(false);
    expect(isSupportedTransferSyntax('1.2.840.10008.1.2.4.203')).toBe(true);
    expect(transferSyntaxName('1.2.3')).toBe('unknown transfer syntax');
  });
});
