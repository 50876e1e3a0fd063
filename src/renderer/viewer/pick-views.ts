// Which images a study opens with, and the stack each viewport scrolls through.
import { isFrontal, type Instance, type Series, type Study } from '../../shared/domain';

export type StackEntry = { imageId: string; instanceId: string; frame: number };
export type ViewportStack = { seriesId: string; entries: StackEntry[]; initialIndex: number };

/** Cornerstone's WADO-URI id for one frame; the base is app:info's imageBaseUrl. */
export function imageIdFor(imageBaseUrl: string, instanceId: string, frame: number, frames: number): string {
  const base = imageBaseUrl.endsWith('/') ? imageBaseUrl : `${imageBaseUrl}/`;
  return `wadouri:${base}${instanceId}${frames > 1 ? `?frame=${frame + 1}` : ''}`;
}

export function stackForSeries(imageBaseUrl: string, series: Series, instanceId?: string): ViewportStack {
  const entries = series.instances.flatMap((instance) =>
    Array.from({ length: Math.max(1, instance.frames) }, (_, frame) => ({
      imageId: imageIdFor(imageBaseUrl, instance.id, frame, instance.frames),
      instanceId: instance.id,
      frame,
    })),
  );
  const initialIndex = Math.max(
    0,
    entries.findIndex((e) => e.instanceId === instanceId),
  );
  return { seriesId: series.id, entries, initialIndex };
}

type Located = { series: Series; instance: Instance };

/**
 * The viewports a study opens with: the first frontal image, then the first lateral one, side by
 * side. Without a frontal image the first image leads; without a lateral one the next image
 * follows (a second frontal film, say), so a two-image study is always seen whole. Series arrive
 * in reading order from studies:get, so "first" and "next" follow that order.
 */
export function pickViews(study: Study, imageBaseUrl: string): ViewportStack[] {
  const all: Located[] = study.series.flatMap((series) =>
    series.instances.map((instance) => ({ series, instance })),
  );
  const lead = all.find((x) => isFrontal(x.instance.view)) ?? all[0];
  if (!lead) return [];
  const others = all.filter((x) => x.instance.id !== lead.instance.id);
  const second = others.find((x) => x.instance.view === 'LATERAL') ?? others[0];
  return [lead, second]
    .filter((x): x is Located => x !== undefined)
    .map((x) => stackForSeries(imageBaseUrl, x.series, x.instance.id));
}
