// One DICOM image to an 8-bit rendition: parse, decode a frame, run the grayscale pipeline.
import { readFile } from 'node:fs/promises';
import { parseDicom } from '../parse-dataset';
import { decodeFrame } from './decode-frame';
import { readDisplayAttributes } from './display-attributes';
import { renderGrayscale, type RenditionInfo } from './grayscale';
import type { WindowRequest } from './window-option';

export type RenderOptions = {
  /** Zero-based frame index; default 0. */
  frame?: number;
  /** Default `auto`. */
  window?: WindowRequest;
};

export type FileRendition = {
  /** rows × columns display grey levels, row by row (MONOCHROME1 already inverted). */
  pixels: Uint8Array;
  info: RenditionInfo & { transferSyntaxUid: string };
};

export async function renderDicom(bytes: Uint8Array, options: RenderOptions = {}): Promise<FileRendition> {
  const parsed = parseDicom(bytes);
  const frame = await decodeFrame(parsed, options.frame ?? 0);
  const attributes = readDisplayAttributes(parsed.dataSet, frame.module.signed);
  const { pixels, info } = renderGrayscale(frame, attributes, options.window ?? { kind: 'auto' });
  return { pixels, info: { ...info, transferSyntaxUid: parsed.transferSyntaxUid } };
}

export async function renderFile(path: string, options: RenderOptions = {}): Promise<FileRendition> {
  return renderDicom(await readFile(path), options);
}
