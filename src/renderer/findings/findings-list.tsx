// The draft's findings: status, how many boxes each has and why any were dropped. Hovering one
// highlights its boxes on the image, and a hovered box highlights its finding here.
import type { Finding } from '../../shared/draft';
import './findings.css';

type Props = {
  findings: readonly Finding[];
  highlighted: number | null;
  onHover: (finding: number | null) => void;
};

const boxCount = (n: number): string => (n === 1 ? '1 box' : `${n} boxes`);

export function FindingsList({ findings, highlighted, onHover }: Props) {
  return (
    <ol className="findings" aria-label="Findings">
      {findings.map((finding, index) => (
        <li
          key={index}
          className={`finding ${finding.status}${highlighted === index ? ' highlighted' : ''}`}
          data-testid="finding"
          data-status={finding.status}
          data-highlighted={highlighted === index}
          onPointerEnter={() => onHover(index)}
          onPointerLeave={() => onHover(null)}
        >
          <div className="finding-head">
            <span className="finding-status">{finding.status}</span>
            <span className="finding-boxes" data-testid="finding-box-count">
              {boxCount(finding.boxes.length)}
            </span>
          </div>
          <p className="finding-text">{finding.text}</p>
          {finding.dropped.length > 0 && (
            <ul className="dropped" aria-label="Dropped boxes">
              {finding.dropped.map((d, i) => (
                <li key={i} title={d.text}>
                  {d.reason}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
