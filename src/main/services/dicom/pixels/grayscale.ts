// The grayscale pipeline the app uses to prepare model input and `lightbox render` uses:
// stored values -> modality LUT (or rescale) -> VOI (window or VOI LUT) -> MONOCHROME1 inversion,
// to 8 bits. The order follows PS3.4 N.2.1: inverting before VOI would mirror the window.
import type { DecodedFrame } from './decode-frame';
import type { DisplayAttributes, Lut, VoiLutFunction } from './display-attributes';
import type { WindowRequest } from './window-option';

export type LutSummary = { firstMapped: number; entries: number; bitsPerEntry: number; explanation?: string };

/** What was applied, to be recorded as the rendition sent to the model. */
export type RenditionInfo = {
  frameIndex: number;
  rows: number;
  columns: number;
  photometric: string;
  /** Colour input was reduced to luminance (Y of YBR, or 0.299 R + 0.587 G + 0.114 B). */
  colorToLuminance: boolean;
  modalityLut: { kind: 'rescale'; slope: number; intercept: number } | ({ kind: 'lut' } & LutSummary);
  voi:
    | {
        kind: 'window';
        source: 'header' | 'minmax' | 'explicit';
        center: number;
        width: number;
        function: VoiLutFunction;
        explanation?: string;
      }
    | ({ kind: 'lut'; source: 'header' } & LutSummary);
  /** MONOCHROME1: the VOI output was inverted so that bone is bright. */
  inverted: boolean;
  /** Range of the modality-LUT output over the frame's pixels. */
  modalityRange: { min: number; max: number };
};

export type Rendition = { pixels: Uint8Array; info: RenditionInfo };

function luminance(frame: DecodedFrame): Int32Array {
  const { values, colorModel } = frame;
  if (colorModel === 'gray') return values;
  const out = new Int32Array(values.length / 3);
  for (let p = 0, i = 0; p < out.length; p++, i += 3) {
    out[p] =
      colorModel === 'ybr'
        ? values[i]!
        : Math.round(0.299 * values[i]! + 0.587 * values[i + 1]! + 0.114 * values[i + 2]!);
  }
  return out;
}

function lutLookup(lut: Lut): (x: number) => number {
  const last = lut.data.length - 1;
  return (x) => lut.data[Math.min(last, Math.max(0, Math.round(x) - lut.firstMapped))]!;
}

function summary(lut: Lut): LutSummary {
  return {
    firstMapped: lut.firstMapped,
    entries: lut.data.length,
    bitsPerEntry: lut.bitsPerEntry,
    ...(lut.explanation ? { explanation: lut.explanation } : {}),
  };
}

/** PS3.3 C.11.2.1.2 (and C.11.2.1.3 for the exact and sigmoid functions), output 0..255. */
export function windowFunction(center: number, width: number, fn: VoiLutFunction): (x: number) => number {
  if (fn === 'SIGMOID') return (x) => 255 / (1 + Math.exp((-4 * (x - center)) / width));
  if (fn === 'LINEAR_EXACT') {
    return (x) =>
      x <= center - width / 2 ? 0 : x > center + width / 2 ? 255 : ((x - center) / width + 0.5) * 255;
  }
  const low = center - 0.5 - (width - 1) / 2;
  const high = center - 0.5 + (width - 1) / 2;
  return (x) => (x <= low ? 0 : x > high ? 255 : ((x - (center - 0.5)) / (width - 1) + 0.5) * 255);
}

function voiLutFunction(lut: Lut): (x: number) => number {
  const lookup = lutLookup(lut);
  // Some LUTs declare 16 bits per entry but use fewer; scale to what the data can reach.
  let top = 2 ** lut.bitsPerEntry - 1;
  for (const v of lut.data) if (v > top) top = v;
  return (x) => (lookup(x) * 255) / top;
}

export function renderGrayscale(
  frame: DecodedFrame,
  attributes: DisplayAttributes,
  request: WindowRequest,
): Rendition {
  const { module } = frame;
  const gray = luminance(frame);
  const colorToLuminance = frame.colorModel !== 'gray';

  let storedMin = Infinity;
  let storedMax = -Infinity;
  for (const v of gray) {
    if (v < storedMin) storedMin = v;
    if (v > storedMax) storedMax = v;
  }
  const present = new Uint8Array(storedMax - storedMin + 1);
  for (const v of gray) present[v - storedMin] = 1;

  // Rescale and modality LUTs describe monochrome pixels only.
  const { slope, intercept } = colorToLuminance ? { slope: 1, intercept: 0 } : attributes.rescale;
  const modalityLut = colorToLuminance ? undefined : attributes.modalityLut;
  const modality = modalityLut ? lutLookup(modalityLut) : (v: number) => v * slope + intercept;

  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < present.length; i++) {
    if (!present[i]) continue;
    const m = modality(i + storedMin);
    if (m < min) min = m;
    if (m > max) max = m;
  }

  let voi: RenditionInfo['voi'];
  let voiFn: (x: number) => number;
  const header = request.kind === 'auto' ? attributes.window : undefined;
  const headerLut = request.kind === 'auto' && !header ? attributes.voiLut : undefined;
  if (request.kind === 'explicit') {
    voi = {
      kind: 'window',
      source: 'explicit',
      center: request.center,
      width: request.width,
      function: 'LINEAR',
    };
    voiFn = windowFunction(request.center, request.width, 'LINEAR');
  } else if (header) {
    const fn = attributes.voiLutFunction;
    voi = {
      kind: 'window',
      source: 'header',
      center: header.center,
      width: header.width,
      function: fn,
      ...(header.explanation ? { explanation: header.explanation } : {}),
    };
    voiFn = windowFunction(header.center, header.width, fn);
  } else if (headerLut) {
    voi = { kind: 'lut', source: 'header', ...summary(headerLut) };
    voiFn = voiLutFunction(headerLut);
  } else {
    // As DCMTK: a Supplement 33 window that maps min to 0 and max to 255.
    const center = (min + max + 1) / 2;
    const width = max - min + 1;
    voi = { kind: 'window', source: 'minmax', center, width, function: 'LINEAR' };
    voiFn = windowFunction(center, width, 'LINEAR');
  }

  const inverted = module.photometric === 'MONOCHROME1';
  const table = new Uint8Array(present.length);
  for (let i = 0; i < table.length; i++) {
    const y = Math.min(255, Math.max(0, Math.round(voiFn(modality(i + storedMin)))));
    table[i] = inverted ? 255 - y : y;
  }
  const pixels = new Uint8Array(gray.length);
  for (let i = 0; i < gray.length; i++) pixels[i] = table[gray[i]! - storedMin]!;

  return {
    pixels,
    info: {
      frameIndex: frame.frameIndex,
      rows: module.rows,
      columns: module.columns,
      photometric: module.photometric,
      colorToLuminance,
      modalityLut: modalityLut
        ? { kind: 'lut', ...summary(modalityLut) }
        : { kind: 'rescale', slope, intercept },
      voi,
      inverted,
      modalityRange: { min, max },
    },
  };
}
