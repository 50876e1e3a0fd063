// Intake finds what would stop an image from showing before the reader opens the study, using
// the pixel pipeline's own checks: the pixel module, and the bytes of every frame being there.
import { codecFor } from './pixels/transfer-syntaxes';
import { encapsulatedFrameBytes, nativeFrameBytes, pixelDataElement } from './pixels/frame-bytes';
import { PixelDataError, readPixelModule } from './pixels';
import type { ParsedDicom } from './parse-dataset';

export function checkPixelData(parsed: ParsedDicom): string | null {
  const { dataSet } = parsed;
  try {
    const module = readPixelModule(dataSet);
    const lastFrame = module.numberOfFrames - 1;
    // The last frame is the one a truncated file loses first.
    if (codecFor(parsed.transferSyntaxUid)?.startsWith('native'))
      nativeFrameBytes(dataSet, module, lastFrame);
    else if (module.numberOfFrames > 1) encapsulatedFrameBytes(dataSet, module, lastFrame);
    // One frame: dicom-parser has already refused fragments running past the end of the file, so
    // their presence is enough; reading them would copy the whole image.
    else if ((pixelDataElement(dataSet).fragments ?? []).length === 0) {
      return 'no encapsulated fragments in a compressed transfer syntax';
    }
    return null;
  } catch (err) {
    if (err instanceof PixelDataError) return err.message;
    throw err;
  }
}
