// What the overlay (and the e2e tests, through data attributes) read from a viewport.
import { utilities, type StackViewport } from '@cornerstonejs/core';

export type ViewportState = {
  window: { center: number; width: number } | null;
  /** Screen pixels per image pixel: 1 = actual size, the same on the GPU and CPU paths. */
  scale: number;
  rotation: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
  /** Inverted by the user, relative to how the photometric interpretation displays it. */
  invert: boolean;
  index: number;
  count: number;
};

function displayScale(viewport: StackViewport): number {
  const image = viewport.getCornerstoneImage();
  if (!image) return 1;
  const imageId = viewport.getCurrentImageId();
  const origin = utilities.imageToWorldCoords(imageId, [0, 0]);
  const right = utilities.imageToWorldCoords(imageId, [image.columns, 0]);
  if (!origin || !right) return 1;
  const [x0, y0] = viewport.worldToCanvas(origin);
  const [x1, y1] = viewport.worldToCanvas(right);
  return Math.hypot(x1 - x0, y1 - y0) / image.columns;
}

export function readViewportState(viewport: StackViewport): ViewportState {
  const { voiRange, invert } = viewport.getProperties();
  const { rotation } = viewport.getViewPresentation();
  const camera = viewport.getCamera();
  const wl = voiRange ? utilities.windowLevel.toWindowLevel(voiRange.lower, voiRange.upper) : null;
  return {
    window: wl ? { center: wl.windowCenter, width: wl.windowWidth } : null,
    scale: displayScale(viewport),
    rotation: rotation ?? 0,
    flipHorizontal: camera.flipHorizontal ?? false,
    flipVertical: camera.flipVertical ?? false,
    invert: (invert ?? false) !== (viewport.getCornerstoneImage()?.invert ?? false),
    index: viewport.getCurrentImageIdIndex(),
    count: viewport.getImageIds().length,
  };
}
