// Presets for the image a viewport shows, from its pixels and its header.
import { metaData, type Types } from '@cornerstonejs/core';
import { distribution, presetsFor, type Preset, type WindowLevel } from './presets';

type VoiLutModule = { windowCenter?: number[]; windowWidth?: number[] };
type ImagePixelModule = { photometricInterpretation?: string };

const cache = new Map<string, Preset[]>();
const CACHE_LIMIT = 64;

function headerWindows(imageId: string): WindowLevel[] {
  const voi = metaData.get('voiLutModule', imageId) as VoiLutModule | undefined;
  const centers = voi?.windowCenter ?? [];
  const widths = voi?.windowWidth ?? [];
  return centers.map((center, i) => ({ center, width: widths[i] ?? Number.NaN }));
}

export function presetsForImage(image: Types.IImage): Preset[] {
  const cached = cache.get(image.imageId);
  if (cached) return cached;
  // Pre-scaled pixels already carry the modality LUT; otherwise apply rescale slope/intercept.
  const scaling = image.preScale?.scaled ? undefined : { slope: image.slope, intercept: image.intercept };
  const pixel = metaData.get('imagePixelModule', image.imageId) as ImagePixelModule | undefined;
  const presets = presetsFor({
    values: distribution(image.getPixelData(), scaling),
    monochrome1: pixel?.photometricInterpretation === 'MONOCHROME1',
    headerWindows: headerWindows(image.imageId),
  });
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(image.imageId, presets);
  return presets;
}
