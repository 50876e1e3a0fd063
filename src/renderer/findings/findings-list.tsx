// The findings of a draft as it streams: status, how many boxes each has and why any were dropped.
// Hovering one highlights its boxes on the image, and a hovered box highlights its finding here.
import type { DroppedBox, Finding } from '../../shared/draft';
import './findings.css';

type Props = {
  findings: readonly Finding[];
  highlighted: string | null;
  onHover: (findingId: string | null) => void;
};

/** A streaming draft's findings have no ids yet: their place names them. */
export const draftFindingId = (index: number): string => `draft-${index}`;

export const boxCount = (n: number): string => (n === 1 ? '1 box' : `${n} boxes`);

export function FindingsList({ findings, highlighted, onHover }: Props) {
  return (
    <ol className="findings" aria-label="Findings">
      {findings.map((finding, index) => (
        <li
          key={index}
          className={`finding ${finding.status}${highlighted === draftFindingId(index) ? ' highlighted' : ''}`}
          data-testid="finding"
          data-status={finding.status}
          data-highlighted={highlighted === draftFindingId(index)}
          onPointerEnter={() => onHover(draftFindingId(index))}
          onPointerLeave={() => onHover(null)}
        >
          <div className="finding-head">
            <span className="finding-status">{finding.status}</span>
            <span className="finding-boxes" data-testid="finding-box-count">
              {boxCount(finding.boxes.length)}
            </span>
          </div>
          <p className="finding-text">{finding.text}</p>
          <DroppedBoxes dropped={finding.dropped} />
        </li>
      ))}
    </ol>
  );
}

/** Why boxes the model wrote could not be used. */
export function DroppedBoxes({ dropped }: { dropped: readonly DroppedBox[] }) {
  if (dropped.length === 0) return null;
  return (
    <ul className="dropped" aria-label="Dropped boxes">
      {dropped.map((d, i) => (
        <li key={i} title={d.text}>
          {d.reason}
        </li>
      ))}
    </ul>
  );
}
