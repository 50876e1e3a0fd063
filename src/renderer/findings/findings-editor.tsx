// The reading's findings as a list the reader works through: click or ↑/↓ to select, then accept,
// reject or edit (also a, r, e while the list has the focus), and a field to add a finding.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Finding } from '../../shared/draft';
import type { ReadingFinding, ReadingOp } from '../../shared/reading';
import { newId } from '../report/reading-edits';
import { findingCommandForKey, type FindingCommand } from '../report/reading-hotkeys';
import { isEditable } from '../viewer/use-hotkeys';
import { FindingItem, type FindingChoice } from './finding-item';
import './findings.css';

type Props = {
  findings: readonly ReadingFinding[];
  /** The draft the reading started from: why the model's boxes were dropped. */
  draftFindings: readonly Finding[];
  selected: string | null;
  hovered: string | null;
  editingText: string | null;
  canEditText: boolean;
  canEditBoxes: boolean;
  onSelect: (findingId: string | null) => void;
  onHover: (findingId: string | null) => void;
  onEditText: (findingId: string | null) => void;
  onCommand: (command: FindingCommand) => void;
  onOps: (ops: ReadingOp[]) => Promise<boolean>;
};

const shortLabel = (f: ReadingFinding, i: number): string =>
  `${i + 1}. ${f.text.length > 40 ? `${f.text.slice(0, 39)}…` : f.text}`;

/** A new finding's text stays in the field until main has stored the finding (after Retry, if it must). */
function AddFinding({ onAdd }: { onAdd: (text: string) => Promise<boolean> }) {
  const [text, setText] = useState('');
  /** One finding on its way at a time: Enter again must not add it twice. */
  const adding = useRef(false);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const value = text.trim();
    if (!value || adding.current) return;
    adding.current = true;
    void onAdd(value).then((ok) => {
      adding.current = false;
      // Text typed while it was on its way stays.
      if (ok) setText((t) => (t.trim() === value ? '' : t));
    });
  };
  return (
    <form className="add-finding" onSubmit={submit}>
      <textarea
        aria-label="New finding"
        placeholder="Add a finding…"
        rows={2}
        maxLength={20_000}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) submit(e);
        }}
      />
      <button type="submit" disabled={text.trim() === ''}>
        Add finding
      </button>
    </form>
  );
}

export function FindingsEditor(props: Props) {
  const { findings, selected, hovered, editingText, onSelect, onHover, onEditText, onOps } = props;
  const list = useRef<HTMLOListElement>(null);

  // Keyboard selection moves the focus along, so the keys keep acting on the list.
  useEffect(() => {
    const el = list.current;
    if (!el || !selected || !el.contains(document.activeElement)) return;
    const item = el.querySelector<HTMLElement>(`[data-finding-id="${selected}"]`);
    if (item && !item.contains(document.activeElement)) item.focus();
  }, [selected]);

  const choices = (of: string): FindingChoice[] =>
    findings.flatMap((f, i) =>
      f.id !== of && f.state !== 'rejected' ? [{ id: f.id, label: shortLabel(f, i) }] : [],
    );

  const add = async (text: string) => {
    const findingId = newId();
    const ok = await onOps([{ type: 'finding.add', findingId, text }]);
    if (ok) onSelect(findingId);
    return ok;
  };

  return (
    <>
      <ol
        ref={list}
        className="findings"
        aria-label="Findings"
        role="listbox"
        tabIndex={0}
        data-own-hotkeys
        onKeyDown={(e) => {
          if (isEditable(e.target)) return;
          const command = findingCommandForKey(e);
          if (!command) return;
          e.preventDefault();
          props.onCommand(command);
        }}
      >
        {findings.map((finding) => (
          <FindingItem
            key={finding.id}
            finding={finding}
            dropped={
              finding.modelIndex === null ? [] : (props.draftFindings[finding.modelIndex]?.dropped ?? [])
            }
            selected={selected === finding.id}
            highlighted={hovered === finding.id}
            editing={editingText === finding.id}
            canEditText={props.canEditText}
            canEditBoxes={props.canEditBoxes}
            others={choices(finding.id)}
            onSelect={() => onSelect(finding.id)}
            onHover={(on) => onHover(on ? finding.id : null)}
            onEditText={(on) => onEditText(on ? finding.id : null)}
            onOps={onOps}
          />
        ))}
      </ol>
      {findings.length === 0 && <p className="muted">No findings.</p>}
      {props.canEditText && <AddFinding onAdd={add} />}
    </>
  );
}
