// A strip of one thumbnail per series; clicking one shows that series in the active viewport.
import { useEffect, useRef } from 'react';
import { utilities } from '@cornerstonejs/core';
import type { Series } from '../../shared/domain';
import { stackForSeries } from './pick-views';

type Props = {
  series: readonly Series[];
  imageBaseUrl: string;
  shownSeriesIds: readonly string[];
  onSelect: (series: Series) => void;
};

export const seriesLabel = (s: Series): string =>
  [s.modality, s.description || s.bodyPart, s.instances[0]?.view].filter(Boolean).join(' · ');

function Thumbnail({ series, imageBaseUrl }: { series: Series; imageBaseUrl: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const first = stackForSeries(imageBaseUrl, series).entries[0];
    if (!canvas.current || !first) return;
    // CPU rendering: a thumbnail is not worth a WebGL context.
    utilities
      .loadImageToCanvas({
        canvas: canvas.current,
        imageId: first.imageId,
        thumbnail: true,
        useCPURendering: true,
      })
      .catch(() => canvas.current?.classList.add('failed'));
  }, [series, imageBaseUrl]);
  // Drawn at 2x for sharpness; CSS shows it at 96 px.
  return <canvas ref={canvas} width={192} height={192} />;
}

export function SeriesThumbnails({ series, imageBaseUrl, shownSeriesIds, onSelect }: Props) {
  return (
    <nav className="thumbnails" aria-label="Series">
      {series.map((s) => (
        <button
          key={s.id}
          type="button"
          className={`thumbnail${shownSeriesIds.includes(s.id) ? ' shown' : ''}`}
          data-testid="thumbnail"
          title={seriesLabel(s)}
          onClick={() => onSelect(s)}
        >
          <Thumbnail series={s} imageBaseUrl={imageBaseUrl} />
          <span className="thumbnail-label">{seriesLabel(s)}</span>
          <span className="thumbnail-count">{s.instances.length} im</span>
        </button>
      ))}
    </nav>
  );
}
