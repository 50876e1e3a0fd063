// The reading under the draft: findings, "Ground this" and box editing, the impression, sign-off, and
// what training exports may take: the image (burned-in text) and the study (the exclude flag).
// Everything the reader does goes to main as an edit of the reading.
import type { Finding } from '../../shared/draft';
import { FindingsEditor } from '../findings/findings-editor';
import { DroppedBoxes } from '../findings/findings-list';
import { BurnedInConfirm } from './burned-in-confirm';
import { ExcludeToggle } from './exclude-toggle';
import { ImpressionEditor } from './impression-editor';
import { isReadOnly } from './reading-edits';
import { readingHotkeyHelp } from './reading-hotkeys';
import { SignBar } from './sign-bar';
import type { ReadingSession } from './use-reading-session';

type Props = { session: ReadingSession; draftFindings: readonly Finding[] };

export function ReadingEditor({ session, draftFindings }: Props) {
  const { reading: control, role } = session;
  const reading = control.reading;
  if (control.error)
    return (
      <p className="error" role="alert" data-testid="reading-error">
        {control.error}
      </p>
    );
  if (!reading) return <p className="muted">Opening the reading…</p>;
  const readOnly = isReadOnly(reading);
  const outcome = session.groundOutcome;
  return (
    <div
      className="reading"
      data-testid="reading"
      data-status={reading.status}
      data-version={reading.version}
      data-read-only={readOnly}
    >
      {control.notice && (
        <p
          className="notice"
          role="alert"
          data-testid="reading-notice"
          // Its buttons take no focus: a finding being edited keeps it, and its text.
          onMouseDown={(e) => {
            if ((e.target as Element).closest('button')) e.preventDefault();
          }}
        >
          <span>{control.notice}</span>
          <span className="notice-actions">
            {control.retry && (
              <button type="button" onClick={control.retry}>
                Retry
              </button>
            )}
            <button type="button" aria-label="Dismiss" onClick={control.dismissNotice}>
              ×
            </button>
          </span>
        </p>
      )}
      <section className="findings-section" aria-labelledby="findings-title">
        <div
          className="section-head"
          // Buttons keep no focus: a text selection (for grounding) and the list's keys stay.
          onMouseDown={(e) => {
            if ((e.target as Element).closest('button')) e.preventDefault();
          }}
        >
          <h3 id="findings-title">Findings</h3>
          <button
            type="button"
            aria-pressed={session.editingBoxes}
            disabled={!session.canEditBoxes}
            title="Edit boxes on the image (b): drag an edge to move, a corner to resize, elsewhere to draw"
            onClick={() => session.command({ kind: 'edit-boxes' })}
          >
            Edit boxes
          </button>
          <button
            type="button"
            disabled={readOnly || session.grounding}
            title="Ground the selected phrase on the image (g)"
            onClick={session.groundSelection}
          >
            {session.grounding ? 'Grounding…' : 'Ground selection'}
          </button>
        </div>
        {outcome && (
          <div className="ground-outcome" role="status" data-testid="ground-outcome">
            {outcome.phrase && <q>{outcome.phrase}</q>} {outcome.message}
            <DroppedBoxes dropped={outcome.dropped} />
          </div>
        )}
        <FindingsEditor
          findings={reading.findings}
          draftFindings={draftFindings}
          selected={session.selected}
          hovered={session.hovered}
          editingText={session.editingText}
          canEditText={session.canEditText}
          canEditBoxes={session.canEditBoxes}
          onSelect={session.select}
          onHover={session.hover}
          onEditText={session.editText}
          onCommand={session.findingCommand}
          onOps={control.apply}
        />
      </section>
      <ImpressionEditor
        key={reading.studyId}
        studyId={reading.studyId}
        value={reading.impression}
        readOnly={!session.canEditText}
        onSave={(text) => control.apply([{ type: 'impression.set', text }])}
      />
      <SignBar
        reading={reading}
        role={role}
        onSign={control.sign}
        onSubmit={control.submit}
        onRevise={control.revise}
      />
      <section className="training-data" aria-labelledby="training-data-title">
        <h3 id="training-data-title">Training data</h3>
        {reading.instanceId && <BurnedInConfirm instanceId={reading.instanceId} />}
        <ExcludeToggle exclude={reading.exclude} onChange={control.exclude} />
      </section>
      <p className="hotkey-help muted">{readingHotkeyHelp.join(' · ')}</p>
    </div>
  );
}
