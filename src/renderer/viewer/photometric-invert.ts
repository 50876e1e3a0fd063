// Cornerstone applies MONOCHROME1's inversion when a stack is loaded and then carries the
// viewport's invert over to the next images. A series can mix MONOCHROME1 and MONOCHROME2 (the
// FAKE-MONOCHROME1 sample does), so each new image gets its own inversion, keeping the user's
// own invert toggle on top.
import type { StackViewport } from '@cornerstonejs/core';

/** The loader sets image.invert for MONOCHROME1. */
const isMonochrome1 = (viewport: StackViewport): boolean | null =>
  viewport.getCornerstoneImage()?.invert ?? null;

export function photometricInverter(viewport: StackViewport): () => void {
  let shownMonochrome1: boolean | null = null;
  return () => {
    const monochrome1 = isMonochrome1(viewport);
    if (monochrome1 === null) return;
    const inverted = viewport.getProperties().invert ?? false;
    const userInverted = shownMonochrome1 !== null && inverted !== shownMonochrome1;
    shownMonochrome1 = monochrome1;
    if (inverted === (monochrome1 !== userInverted)) return;
    viewport.setProperties({ invert: monochrome1 !== userInverted });
    viewport.render();
  };
}

/** After a reset, the current image's own photometric decides, whatever the stack began with. */
export function resetInversion(viewport: StackViewport): void {
  const monochrome1 = isMonochrome1(viewport);
  if (monochrome1 !== null) viewport.setProperties({ invert: monochrome1 });
}
