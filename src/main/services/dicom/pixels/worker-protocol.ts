// Messages between the render pool and its workers. Errors cross the thread boundary as plain
// objects and are rebuilt on the other side so callers can still test `instanceof`.
import { DicomParseError } from '../parse-dataset';
import { describeThrown, PixelDataError, type PixelErrorCode } from './errors';
import type { FileRendition, RenderOptions } from './render-file';

export type RenderTask = { id: number; path: string; options: RenderOptions };

export type SerializedError =
  | { kind: 'pixel'; code: PixelErrorCode; message: string }
  | { kind: 'parse'; message: string }
  | { kind: 'other'; message: string; code?: string };

export type RenderReply =
  { id: number; ok: true; rendition: FileRendition } | { id: number; ok: false; error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof PixelDataError) return { kind: 'pixel', code: err.code, message: err.message };
  if (err instanceof DicomParseError) return { kind: 'parse', message: err.message };
  const code =
    err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  return { kind: 'other', message: describeThrown(err), ...(code ? { code } : {}) };
}

export function deserializeError(error: SerializedError): Error {
  if (error.kind === 'pixel') return new PixelDataError(error.code, error.message);
  if (error.kind === 'parse') return new DicomParseError(error.message);
  return Object.assign(new Error(error.message), error.code ? { code: error.code } : {});
}
