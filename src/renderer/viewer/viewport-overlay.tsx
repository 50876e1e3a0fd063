import type { Study } from '../../shared/domain';
import { formatDate, formatPersonName } from '../worklist/format';
import type { ViewportState } from './viewport-state';

type Props = { study: Study; seriesLabel: string; state: ViewportState | null };

const round = (n: number): string => String(Math.round(n));

export function ViewportOverlay({ study, seriesLabel, state }: Props) {
  const transforms = state
    ? [
        state.rotation ? `rot ${round(state.rotation)}°` : '',
        state.flipHorizontal ? 'flip H' : '',
        state.flipVertical ? 'flip V' : '',
        state.invert ? 'inverted' : '',
      ].filter(Boolean)
    : [];
  return (
    <div className="viewport-overlay" aria-hidden="true">
      <div className="corner top-left">
        <div>{formatPersonName(study.patientName) || '(no name)'}</div>
        <div>{study.patientId}</div>
        <div>{[study.patientSex, study.patientBirthDate].filter(Boolean).join(' · ')}</div>
      </div>
      <div className="corner top-right">
        <div>{formatDate(study.studyDate)}</div>
        <div>{study.description}</div>
        <div>{seriesLabel}</div>
      </div>
      {state && (
        <>
          <div className="corner bottom-left" data-testid="overlay-window">
            {state.window ? `W ${round(state.window.width)}  L ${round(state.window.center)}` : ''}
          </div>
          <div className="corner bottom-right">
            <div>{transforms.join(' · ')}</div>
            <div>Zoom {Math.round(state.scale * 100)}%</div>
            <div>
              Im {state.index + 1}/{state.count}
            </div>
          </div>
        </>
      )}
    </div>
  );
}
