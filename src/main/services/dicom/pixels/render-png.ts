// One DICOM image to the PNG of its 8-bit rendition: what an export writes. Run in a worker thread by the
// app (render-thread-client.ts), in the caller's thread by the CLI.
import { encodeGrayPng } from './png';
import { renderDicom, type FileRendition, type RenderOptions } from './render-file';

export type PngRendition = { info: FileRendition['info']; png: Uint8Array };

export type RenderPng = (bytes: Uint8Array, options: RenderOptions) => Promise<PngRendition>;

export const renderPng: RenderPng = async (bytes, options) => {
  const { pixels, info } = await renderDicom(bytes, options);
  return { info, png: encodeGrayPng(pixels, info.columns, info.rows) };
};
