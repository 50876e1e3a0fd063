// One finding of the reading: who wrote it and what the reader did with it, its text (edited in
// place), the model's original sentence on demand, why boxes were dropped, and its actions. The
// selected finding also lists its boxes, each of which can move to another finding or go.
import { useEffect, useRef, useState } from 'react';
import type { DroppedBox } from '../../shared/draft';
import type { ReadingFinding, ReadingOp } from '../../shared/reading';
import { stateLabel } from '../report/reading-edits';
import { boxCount, DroppedBoxes } from './findings-list';

export type FindingChoice = { id: string; label: string };

type Props = {
  finding: ReadingFinding;
  dropped: readonly DroppedBox[];
  selected: boolean;
  highlighted: boolean;
  editing: boolean;
  canEditText: boolean;
  canEditBoxes: boolean;
  /** Findings a box of this one can move to. */
  others: readonly FindingChoice[];
  onSelect: () => void;
  onHover: (on: boolean) => void;
  onEditText: (on: boolean) => void;
  /** Resolves whether main stored the edits. */
  onOps: (ops: ReadingOp[]) => Promise<boolean>;
};

type TextEditorProps = {
  text: string;
  /** Resolves whether main stored the text (after the reader's retries, where it could not at first). */
  onSave: (text: string) => Promise<boolean>;
  onClose: () => void;
};

/**
 * Enter or leaving the field saves; the editor closes once main has the text, so text main refused
 * (the disk is full, the library busy) stays here for Retry, or for Enter again. Escape closes it.
 */
function TextEditor({ text, onSave, onClose }: TextEditorProps) {
  const [value, setValue] = useState(text);
  const latest = useRef(text);
  /** The text on its way to main: Enter and the blur that follows send it once. */
  const sending = useRef<string | null>(null);
  const closed = useRef(false);
  // A save that returns after the editor went (another finding opened) closes nothing.
  useEffect(() => {
    closed.current = false;
    return () => {
      closed.current = true;
    };
  }, []);
  const close = () => {
    if (closed.current) return;
    closed.current = true;
    onClose();
  };
  const save = () => {
    if (closed.current || sending.current !== null) return;
    const next = value.trim();
    if (!next || next === text) return close();
    sending.current = next;
    void onSave(next).then((ok) => {
      sending.current = null;
      // Text typed while it was on its way is the reader's too: the editor stays for it.
      if (ok && latest.current.trim() === next) close();
    });
  };
  return (
    <textarea
      className="finding-editor"
      aria-label="Finding text"
      value={value}
      rows={Math.max(2, Math.ceil(value.length / 40))}
      maxLength={20_000}
      autoFocus
      onFocus={(e) => e.currentTarget.select()}
      onChange={(e) => {
        latest.current = e.target.value;
        setValue(e.target.value);
      }}
      onBlur={save}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !e.shiftKey) {
          e.preventDefault();
          save();
        } else if (e.key === 'Escape') {
          e.preventDefault();
          close();
        }
      }}
    />
  );
}

export function FindingItem({
  finding,
  dropped,
  selected,
  highlighted,
  editing,
  canEditText,
  canEditBoxes,
  others,
  onSelect,
  onHover,
  onEditText,
  onOps,
}: Props) {
  const { id, state, modelIndex } = finding;
  const fromModel = modelIndex !== null;
  const op = (o: ReadingOp) => () => void onOps([o]);
  const saveText = (text: string) => onOps([{ type: 'finding.edit', findingId: id, text }]);
  const classes = [
    'finding',
    `state-${state}`,
    fromModel && state === 'pending' ? 'ai' : '',
    selected ? 'selected' : '',
    highlighted ? 'highlighted' : '',
  ];
  return (
    <li
      className={classes.filter(Boolean).join(' ')}
      data-testid="finding"
      data-finding-id={id}
      data-state={state}
      data-selected={selected}
      data-highlighted={highlighted}
      aria-selected={selected}
      role="option"
      tabIndex={-1}
      onClick={onSelect}
      onPointerEnter={() => onHover(true)}
      onPointerLeave={() => onHover(false)}
    >
      <div className="finding-head">
        {fromModel && state === 'pending' && (
          <span className="ai-badge" title="Written by the model, not yet reviewed" data-testid="ai-badge">
            AI
          </span>
        )}
        <span className="finding-state">{stateLabel[state]}</span>
        <span className="finding-boxes" data-testid="finding-box-count">
          {boxCount(finding.boxes.length)}
        </span>
      </div>
      {editing ? (
        <div data-groundable>
          <TextEditor text={finding.text} onSave={saveText} onClose={() => onEditText(false)} />
        </div>
      ) : (
        <p className="finding-text" data-testid="finding-text" data-groundable>
          {finding.text}
        </p>
      )}
      {state === 'edited' && finding.modelText !== null && (
        <details className="model-text" onClick={(e) => e.stopPropagation()}>
          <summary>Model text</summary>
          <p data-testid="model-text">{finding.modelText}</p>
        </details>
      )}
      <DroppedBoxes dropped={dropped} />
      {selected && canEditBoxes && finding.boxes.length > 0 && (
        <ul className="box-rows" aria-label="Boxes">
          {finding.boxes.map((box, i) => (
            <li key={box.id} data-testid="box-row">
              <span>
                Box {i + 1} <span className="muted">({box.source === 'model' ? 'model' : 'reader'})</span>
              </span>
              {others.length > 0 && (
                <select
                  aria-label={`Move box ${i + 1} to`}
                  value=""
                  onChange={(e) => {
                    const to = e.target.value;
                    if (to) void onOps([{ type: 'box.relabel', boxId: box.id, findingId: to }]);
                  }}
                >
                  <option value="" disabled>
                    Move to…
                  </option>
                  {others.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.label}
                    </option>
                  ))}
                </select>
              )}
              <button
                type="button"
                aria-label={`Delete box ${i + 1}`}
                title="Delete box"
                onClick={op({ type: 'box.delete', boxId: box.id })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {canEditText && !editing && (
        <div className="finding-actions">
          {fromModel && state === 'pending' && (
            <button type="button" title="Accept (a)" onClick={op({ type: 'finding.accept', findingId: id })}>
              Accept
            </button>
          )}
          {fromModel && state !== 'rejected' && (
            <button type="button" title="Reject (r)" onClick={op({ type: 'finding.reject', findingId: id })}>
              Reject
            </button>
          )}
          {state !== 'rejected' && (
            <button type="button" title="Edit (e)" onClick={() => onEditText(true)}>
              Edit
            </button>
          )}
          {fromModel && state !== 'pending' && (
            <button
              type="button"
              title="Back to the model's text, not reviewed"
              onClick={op({ type: 'finding.restore', findingId: id })}
            >
              Restore
            </button>
          )}
          {!fromModel && (
            <button type="button" onClick={op({ type: 'finding.remove', findingId: id })}>
              Remove
            </button>
          )}
        </div>
      )}
    </li>
  );
}
