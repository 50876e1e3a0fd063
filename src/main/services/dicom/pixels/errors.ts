// One error type for everything that stops a frame from becoming pixels, so intake can list the
// file with a reason and the CLI can print one line, instead of either crashing.
export type PixelErrorCode =
  | 'unsupported-transfer-syntax'
  | 'unsupported-pixel-format'
  | 'missing-attribute'
  | 'invalid-attribute'
  | 'no-pixel-data'
  | 'truncated'
  | 'corrupt'
  | 'frame-out-of-range'
  /** A codec package or its .wasm could not be loaded: a broken install, not a bad file. */
  | 'codec-unavailable';

export class PixelDataError extends Error {
  override readonly name = 'PixelDataError';
  constructor(
    readonly code: PixelErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** dicom-parser and the emscripten codecs throw strings and numbers as well as Errors. */
export function describeThrown(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  return String(err);
}
