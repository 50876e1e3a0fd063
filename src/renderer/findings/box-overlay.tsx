// The draft's boxes over the image they were found on, read-only. Drawn in canvas coordinates taken
// from the viewport at each render (the pane re-renders on every camera change and redraw).
import { utilities, type StackViewport } from '@cornerstonejs/core';
import type { Finding } from '../../shared/draft';
import { boxCorners, svgPoints, type Point } from './box-geometry';
import './findings.css';

type Props = {
  viewport: StackViewport;
  findings: readonly Finding[];
  highlighted: number | null;
  onHover: (finding: number | null) => void;
};

export function BoxOverlay({ viewport, findings, highlighted, onHover }: Props) {
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
          return [
            <g
              key={`${index}-${b}`}
              className={`finding-box${highlighted === index ? ' highlighted' : ''}`}
              data-testid="finding-box"
              data-finding={index}
              data-highlighted={highlighted === index}
            >
              <polygon className="box-line" points={points} />
              {/* A wide invisible outline to hover: the inside stays free for window/level drags. */}
              <polygon
                className="box-hit"
                points={points}
                onPointerEnter={() => onHover(index)}
                onPointerLeave={() => onHover(null)}
              />
            </g>,
          ];
        }),
      )}
    </svg>
  );
}
