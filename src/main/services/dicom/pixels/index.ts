// Public API of the pixel pipeline; callers import from here, not from the files behind it.
export { PixelDataError, type PixelErrorCode } from './errors';
export { isSupportedTransferSyntax, transferSyntaxName } from './transfer-syntaxes';
export { readPixelModule, type PixelModule } from './pixel-module';
export { decodeFrame, type DecodedFrame, type ColorModel } from './decode-frame';
export { readDisplayAttributes, type DisplayAttributes } from './display-attributes';
export { renderGrayscale, windowFunction, type Rendition, type RenditionInfo } from './grayscale';
export { parseWindowOption, type WindowRequest } from './window-option';
export { encodeGrayPng } from './png';
export { renderDicom, renderFile, type FileRendition, type RenderOptions } from './render-file';
export { renderPng, type PngRendition, type RenderPng } from './render-png';
export { RenderThread } from './render-thread-client';
