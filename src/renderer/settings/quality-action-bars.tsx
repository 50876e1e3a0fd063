// Stacked bars: per model version, the share of its findings the readers accepted, edited, rejected
// or added. Drawn in SVG with geometry attributes and CSS classes (the CSP allows no inline styles).
import type { ModelQuality } from '../../shared/feedback';
import { modelKey, modelLabel } from './quality-format';

const ACTIONS = ['accepted', 'edited', 'rejected', 'added'] as const;
const WIDTH = 960;
const LABEL = 190;
const BAR = WIDTH - LABEL - 10;
const ROW = 26;

const shorten = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function QualityActionBars({ models }: { models: readonly ModelQuality[] }) {
  const height = models.length * ROW + 28;
  return (
    <figure className="quality-figure wide">
      <svg
        className="quality-plot"
        data-testid="action-bars"
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-label="Share of finding actions per model version"
      >
        {models.map((m, row) => {
          const total = ACTIONS.reduce((s, a) => s + m.findings[a], 0);
          const y = row * ROW + 4;
          let x = LABEL;
          return (
            <g key={modelKey(m)} data-testid="action-bar" data-model={modelLabel(m)}>
              <text
                className="quality-label"
                x={LABEL - 8}
                y={y + ROW / 2}
                textAnchor="end"
                dominantBaseline="middle"
              >
                <title>{modelLabel(m)}</title>
                {shorten(modelLabel(m), 24)}
              </text>
              {total === 0 ? (
                <rect className="quality-empty" x={LABEL} y={y + 2} width={BAR} height={ROW - 8} />
              ) : (
                ACTIONS.filter((a) => m.findings[a] > 0).map((a) => {
                  const share = m.findings[a] / total;
                  const rect = (
                    <rect
                      key={a}
                      className={`quality-action ${a}`}
                      data-testid="action-segment"
                      data-action={a}
                      data-share={share.toFixed(4)}
                      x={x}
                      y={y + 2}
                      width={share * BAR}
                      height={ROW - 8}
                    >
                      <title>{`${a}: ${m.findings[a]} of ${total} (${Math.round(share * 100)}%)`}</title>
                    </rect>
                  );
                  x += share * BAR;
                  return rect;
                })
              )}
            </g>
          );
        })}
        <g transform={`translate(${LABEL}, ${models.length * ROW + 12})`}>
          {ACTIONS.map((a, i) => (
            <g key={a} transform={`translate(${i * 110}, 0)`}>
              <rect className={`quality-action ${a}`} width={10} height={10} />
              <text className="quality-label" x={15} y={5} dominantBaseline="middle">
                {a}
              </text>
            </g>
          ))}
        </g>
      </svg>
      <figcaption>Finding actions per model version</figcaption>
    </figure>
  );
}
