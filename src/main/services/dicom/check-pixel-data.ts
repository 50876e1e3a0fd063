// Intake finds what would stop an image from showing before the reader opens the study, using
// the pixel pipeline's own checks: the pixel module, and the bytes of every frame being there.
import { codecFor } from './pixels/transfer-syntaxes';
import { encapsulatedFrameBytes, nativeFrameBytes } from './pixels/frame-bytes';
import { PixelDataError, readPixelModule } from './pixels';
import type { ParsedDicom } from './parse-dataset';

export function checkPixelData(parsed: ParsedDicom): string | null {
  try {
    const module = readPixelModule(parsed.dataSet);
    const native = codecFor(parsed.transferSyntaxUid)?.startsWith('native');
    const frameBytes = native ? nativeFrameBytes : encapsulatedFrameBytes;
    // The last frame is the one a truncated file loses first.
    frameBytes(parsed.dataSet, module, module.numberOfFrames - 1);
    return null;
  } catch (err) {
    if (err instanceof PixelDataError) return err.message;
    throw err;
  }
}
