// The findings' boxes over the image they belong to, read-only. Drawn in canvas coordinates taken
// from the viewport at each render (the pane re-renders on every camera change and redraw).
import { utilities, type StackViewport } from '@cornerstonejs/core';
import type { Box } from '../../shared/draft';
import { boxCorners, svgPoints, type Point } from './box-geometry';
import './findings.css';

/** What the overlay draws of a finding: a draft's finding while it streams, or the reading's. */
export type OverlayFinding = { id: string; boxes: readonly Box[]; rejected: boolean };

type Props = {
  viewport: StackViewport;
  findings: readonly OverlayFinding[];
  highlighted: string | null;
  selected: string | null;
  onHover: (findingId: string | null) => void;
};

export function BoxOverlay({ viewport, findings, highlighted, selected, onHover }: Props) {
  const imageId = viewport.getCurrentImageId();
  if (!imageId || !viewport.getCornerstoneImage()) return null;
  const toCanvas = (point: Point): Point | null => {
    const world = utilities.imageToWorldCoords(imageId, [point[0], point[1]]);
    if (!world) return null;
    const [x, y] = viewport.worldToCanvas(world);
    return [x, y];
  };
  return (
    <svg className="box-overlay" data-testid="box-overlay">
      {findings.flatMap((finding, index) =>
        finding.boxes.flatMap((box, b) => {
          const corners = boxCorners(box, toCanvas);
          if (!corners) return [];
          const points = svgPoints(corners);
          const lit = highlighted === finding.id || selected === finding.id;
          return [
            <g
              key={`${finding.id}-${b}`}
              className={`finding-box${lit ? ' highlighted' : ''}${finding.rejected ? ' rejected' : ''}`}
              data-testid="finding-box"
              data-finding={index}
              data-finding-id={finding.id}
              data-highlighted={lit}
            >
              <polygon className="box-line" points={points} />
              {/* A wide invisible outline to hover: the inside stays free for window/level drags. */}
              <polygon
                className="box-hit"
                points={points}
                onPointerEnter={() => onHover(finding.id)}
                onPointerLeave={() => onHover(null)}
              />
            </g>,
          ];
        }),
      )}
    </svg>
  );
}
