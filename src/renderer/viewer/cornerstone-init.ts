// One-time Cornerstone3D set-up: core, tools and the DICOM image loader with its WASM decoders.
import { getRenderingCapabilities, init as initCore } from '@cornerstonejs/core';
import { init as initLoader } from '@cornerstonejs/dicom-image-loader';
import { metaData as metadataChain } from '@cornerstonejs/metadata';
import {
  addTool,
  init as initTools,
  PanTool,
  RectangleROITool,
  StackScrollTool,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import { viewerEngine } from './viewer-engine';
import { withUsableSpacing, type PlaneSpacing } from './usable-spacing';

export type RenderBackend = { kind: 'GPU' | 'CPU'; renderer: string; reason: string };

let backend: RenderBackend | null = null;

/**
 * Chooses GPU (WebGL) rendering only with a hardware WebGL context. Without WebGL, or with a
 * software rasterizer (SwiftShader, llvmpipe: what headless Chromium with --disable-gpu gets),
 * Cornerstone's CPU path is used: for 2D radiographs it is faster than emulated WebGL.
 * `?render=gpu|cpu` in the page URL overrides the choice (used by tests).
 */
function chooseBackend(): RenderBackend {
  const caps = getRenderingCapabilities();
  const forced = new URLSearchParams(window.location.search).get('render');
  if (forced === 'gpu' && caps.webgl)
    return { kind: 'GPU', renderer: caps.renderer, reason: 'forced by ?render=gpu' };
  if (forced === 'cpu') return { kind: 'CPU', renderer: caps.renderer, reason: 'forced by ?render=cpu' };
  if (!caps.webgl) return { kind: 'CPU', renderer: 'none', reason: 'WebGL is not available' };
  if (caps.softwareRasterizer)
    return { kind: 'CPU', renderer: caps.renderer, reason: 'WebGL is software-emulated' };
  return { kind: 'GPU', renderer: caps.renderer, reason: 'hardware WebGL' };
}

export function initCornerstone(): RenderBackend {
  if (backend) return backend;
  const chosen = chooseBackend();
  initCore({ rendering: { useCPURendering: chosen.kind === 'CPU' }, debug: {} });
  initTools();
  initLoader({ maxWebWorkers: Math.min(2, navigator.hardwareConcurrency || 1) });
  // Outermost in the image-plane chain: corrects what the default providers derive.
  metadataChain.addTypedProvider(
    'imagePlaneModule',
    (next, query, data, options) => {
      const plane = next(query, data, options) as PlaneSpacing | undefined;
      return plane && withUsableSpacing(plane);
    },
    { priority: 100 },
  );
  for (const tool of [WindowLevelTool, ZoomTool, PanTool, StackScrollTool, RectangleROITool]) addTool(tool);
  viewerEngine();
  backend = chosen;
  return chosen;
}

export const renderBackend = (): RenderBackend | null => backend;
