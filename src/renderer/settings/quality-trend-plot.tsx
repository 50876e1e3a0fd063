// One point per draft over time (sign-off date on x, the metric on y from 0 to 1), coloured by model
// version, so a new version's drafts can be seen next to the previous one's.
import type { QualityPoint } from '../../shared/feedback';
import { modelKey, modelLabel, SERIES_CLASSES } from './quality-format';

const WIDTH = 480;
const HEIGHT = 180;
const LEFT = 40;
const RIGHT = 12;
const TOP = 10;
const BOTTOM = 36;

type Props = {
  title: string;
  points: readonly QualityPoint[];
  metric: 'groundingReward' | 'gleu';
  /** Model keys in legend order; a point's colour is its model's index. */
  models: readonly string[];
};

export function QualityTrendPlot({ title, points, metric, models }: Props) {
  const shown = points.filter((p) => p[metric] !== null);
  const times = shown.map((p) => Date.parse(p.createdAt));
  const first = Math.min(...times);
  const last = Math.max(...times);
  // Points keep clear of the frame by their radius and a little more.
  const inset = 10;
  const plotW = WIDTH - LEFT - RIGHT - 2 * inset;
  const plotH = HEIGHT - TOP - BOTTOM;
  // A single moment (or a single draft) sits in the middle rather than on the axis.
  const xOf = (t: number) =>
    LEFT + inset + (last > first ? ((t - first) / (last - first)) * plotW : plotW / 2);
  const hidden = points.length - shown.length;
  const yOf = (v: number) => TOP + (1 - v) * plotH;
  return (
    <figure className="quality-figure">
      <svg
        className="quality-plot"
        data-testid={`trend-${metric}`}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${title} per draft over time`}
      >
        {[0, 0.5, 1].map((v) => (
          <g key={v}>
            <line className="quality-grid" x1={LEFT} x2={WIDTH - RIGHT} y1={yOf(v)} y2={yOf(v)} />
            <text
              className="quality-label"
              x={LEFT - 6}
              y={yOf(v)}
              textAnchor="end"
              dominantBaseline="middle"
            >
              {v.toFixed(1)}
            </text>
          </g>
        ))}
        {shown.length > 0 && (
          <g className="quality-label">
            <text x={LEFT} y={HEIGHT - BOTTOM + 16}>
              {shown[0]!.createdAt.slice(0, 10)}
            </text>
            <text x={WIDTH - RIGHT} y={HEIGHT - BOTTOM + 16} textAnchor="end">
              {shown.at(-1)!.createdAt.slice(0, 10)}
            </text>
          </g>
        )}
        {shown.map((p, i) => {
          const value = p[metric]!;
          const series = Math.max(0, models.indexOf(modelKey(p))) % SERIES_CLASSES;
          return (
            <circle
              key={p.recordId}
              className={`quality-point series-${series}`}
              data-testid="trend-point"
              data-record={p.recordId}
              data-model={modelLabel(p)}
              data-value={value.toFixed(4)}
              cx={xOf(times[i]!)}
              cy={yOf(value)}
              r={4}
            >
              <title>{`${p.createdAt.slice(0, 10)} · ${modelLabel(p)}: ${value.toFixed(3)}`}</title>
            </circle>
          );
        })}
      </svg>
      <figcaption>
        {title}
        {hidden > 0 && (
          <span className="muted">{` (not shown: ${hidden} ${hidden === 1 ? 'draft' : 'drafts'} without boxes on either side)`}</span>
        )}
      </figcaption>
    </figure>
  );
}
