// Applies a viewer command to one Cornerstone stack viewport.
import { utilities, type StackViewport } from '@cornerstonejs/core';
import type { ViewerCommand } from './hotkeys';
import { presetForHotkey, type WindowLevel } from './presets';
import { presetsForImage } from './image-presets';
import { resetInversion } from './photometric-invert';

type ViewportCommand = Exclude<
  ViewerCommand,
  { kind: 'viewport' } | { kind: 'toggle-zoom-tool' } | { kind: 'draft' }
>;

export function applyWindow(viewport: StackViewport, window: WindowLevel): void {
  viewport.setProperties({ voiRange: utilities.windowLevel.toLowHighRange(window.width, window.center) });
  viewport.render();
}

export function applyCommand(viewport: StackViewport, command: ViewportCommand): void {
  const presentation = viewport.getViewPresentation();
  switch (command.kind) {
    case 'invert':
      viewport.setProperties({ invert: !viewport.getProperties().invert });
      break;
    case 'reset':
      viewport.resetProperties();
      resetInversion(viewport);
      viewport.setCamera({ flipHorizontal: false, flipVertical: false });
      viewport.setViewPresentation({ rotation: 0 });
      viewport.resetCamera();
      break;
    case 'fit':
      viewport.setViewPresentation({ zoom: 1, pan: [0, 0] });
      break;
    case 'zoom':
      viewport.setZoom(viewport.getZoom() * command.factor);
      break;
    case 'preset': {
      const image = viewport.getCornerstoneImage();
      const preset = image ? presetForHotkey(presetsForImage(image), command.slot) : undefined;
      if (preset) applyWindow(viewport, preset.window);
      return;
    }
    case 'rotate':
      viewport.setViewPresentation({
        rotation: ((presentation.rotation ?? 0) + command.degrees + 360) % 360,
      });
      break;
    case 'flip': {
      // Through the camera: setViewPresentation's flip only toggles on the GPU path.
      const camera = viewport.getCamera();
      viewport.setCamera(
        command.axis === 'horizontal'
          ? { flipHorizontal: !camera.flipHorizontal }
          : { flipVertical: !camera.flipVertical },
      );
      break;
    }
    case 'image': {
      const last = viewport.getImageIds().length - 1;
      const next = Math.min(last, Math.max(0, viewport.getCurrentImageIdIndex() + command.step));
      void viewport.setImageIdIndex(next);
      return;
    }
  }
  viewport.render();
}
