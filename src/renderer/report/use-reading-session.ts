// Everything the report panel and the image panes share about a study's reading: the draft and the
// reading, which finding is selected or hovered, whether boxes are being edited on the image, "Ground
// this", and what each hotkey does.
import { useState } from 'react';
import type { Study } from '../../shared/domain';
import type { Box, DroppedBox } from '../../shared/draft';
import type { ReadingFinding, Role } from '../../shared/reading';
import { selectedBoxId, type BoxEditing } from '../findings/box-annotations';
import type { OverlayFinding } from '../findings/box-overlay';
import { boxCount, draftFindingId } from '../findings/findings-list';
import { MAX_PHRASE, selectedPhrase } from './ground-selection';
import { drawnBoxOps, findingOfBox, groundOps, isReadOnly, mayEditBoxes, mayEditText } from './reading-edits';
import type { FindingCommand, ReadingCommand } from './reading-hotkeys';
import { useDraft, type DraftControl } from './use-draft';
import { useReading, type ReadingControl } from './use-reading';

/** What the last "Ground this" gave. */
export type GroundOutcome = { phrase: string; message: string; dropped: readonly DroppedBox[] };

/** The boxes to draw over one image, and whether they are being edited. */
export type ImageBoxes = {
  instanceId: string;
  findings: readonly OverlayFinding[];
  editing: BoxEditing | null;
};

export type ReadingSession = {
  draft: DraftControl;
  reading: ReadingControl;
  role: Role | null;
  canEditText: boolean;
  canEditBoxes: boolean;
  selected: string | null;
  select(findingId: string | null): void;
  hovered: string | null;
  hover(findingId: string | null): void;
  /** The finding whose text is open for editing. */
  editingText: string | null;
  editText(findingId: string | null): void;
  editingBoxes: boolean;
  grounding: boolean;
  groundOutcome: GroundOutcome | null;
  groundSelection(): void;
  command(command: ReadingCommand): void;
  findingCommand(command: FindingCommand): void;
  boxes: ImageBoxes | null;
};

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const overlayOf = (f: ReadingFinding): OverlayFinding => ({
  id: f.id,
  boxes: f.boxes,
  rejected: f.state === 'rejected',
});

export function useReadingSession(study: Study, role: Role | null): ReadingSession {
  const reading = useReading(study.id);
  const draft = useDraft(study.id, reading.reopen);
  const [selected, select] = useState<string | null>(null);
  const [hovered, hover] = useState<string | null>(null);
  const [editingText, editText] = useState<string | null>(null);
  const [boxesOn, setBoxesOn] = useState(false);
  const [grounding, setGrounding] = useState(false);
  const [groundOutcome, setGroundOutcome] = useState<GroundOutcome | null>(null);

  const current = reading.reading;
  const running = draft.view.running;
  const canEditText = current !== null && !running && mayEditText(current, role);
  const canEditBoxes =
    current !== null && !running && current.instanceId !== null && mayEditBoxes(current, role);
  const editingBoxes = boxesOn && canEditBoxes;
  const selectedFinding = current?.findings.find((f) => f.id === selected) ?? null;

  const groundSelection = () => {
    if (!current || grounding || running) return;
    const selection = selectedPhrase();
    const say = (phrase: string, text: string, dropped: readonly DroppedBox[] = []) =>
      setGroundOutcome({ phrase, message: text, dropped });
    if (!selection) return say('', 'Select a phrase in a finding or in the impression first.');
    const { phrase, findingId } = selection;
    if (phrase.length > MAX_PHRASE) return say(phrase, `Select at most ${MAX_PHRASE} characters.`);
    if (isReadOnly(current)) return say(phrase, 'The reading is signed: amend it to add boxes.');
    setGrounding(true);
    setGroundOutcome(null);
    window.lightbox
      .invoke('drafts:ground', { studyId: study.id, phrase })
      .then(async (result) => {
        if (result.boxes.length === 0)
          return say(phrase, 'The model found no box for this phrase.', result.dropped);
        const edit = groundOps(current.findings, phrase, findingId, result.boxes);
        if (!canEditText && edit.ops.some((op) => op.type === 'finding.add'))
          return say(phrase, 'No finding holds this phrase, and annotators cannot add findings.');
        // A refusal shows as the reading's notice.
        if (!(await reading.apply(edit.ops))) return say(phrase, 'The boxes were not added.', result.dropped);
        select(edit.findingId);
        say(phrase, `${boxCount(result.boxes.length)} added.`, result.dropped);
      })
      .catch((e: unknown) => say(phrase, message(e)))
      .finally(() => setGrounding(false));
  };

  const editing: BoxEditing | null = editingBoxes
    ? {
        findings: current?.findings.filter((f) => f.state !== 'rejected') ?? [],
        selectedFindingId: selected,
        onUpdate: (boxId: string, box: Box) => reading.apply([{ type: 'box.update', boxId, box }]),
        onDraw: async (boxId: string, box: Box) => {
          const target = selectedFinding && selectedFinding.state !== 'rejected' ? selectedFinding.id : null;
          if (!target && !canEditText) {
            reading.tell('Select the finding the box belongs to first: annotators cannot add findings.');
            return false;
          }
          const edit = drawnBoxOps(target, boxId, box);
          const ok = await reading.apply(edit.ops);
          // A missed finding starts with a placeholder: its text opens for the reader to write.
          if (ok && !target) {
            select(edit.findingId);
            editText(edit.findingId);
          }
          return ok;
        },
        onSelectBox: (boxId: string) => {
          const owner = current && findingOfBox(current, boxId);
          if (owner) select(owner.id);
        },
      }
    : null;

  const command = (c: ReadingCommand) => {
    if (!current || running) return;
    switch (c.kind) {
      case 'undo':
        if (current.canUndo && !isReadOnly(current)) reading.undo();
        return;
      case 'redo':
        if (current.canRedo && !isReadOnly(current)) reading.redo();
        return;
      case 'edit-boxes':
        if (canEditBoxes) setBoxesOn((on) => !on);
        return;
      case 'ground':
        groundSelection();
        return;
      case 'deselect':
        select(null);
        return;
      case 'delete-box': {
        const boxId = editingBoxes ? selectedBoxId() : null;
        if (boxId && findingOfBox(current, boxId)) void reading.apply([{ type: 'box.delete', boxId }]);
        return;
      }
    }
  };

  const findingCommand = (c: FindingCommand) => {
    if (!current) return;
    if (c.kind === 'select') {
      const findings = current.findings;
      const at = findings.findIndex((f) => f.id === selected);
      const next = at < 0 ? (c.step > 0 ? 0 : findings.length - 1) : at + c.step;
      const to = findings[Math.min(findings.length - 1, Math.max(0, next))];
      if (to) select(to.id);
      return;
    }
    const f = selectedFinding;
    if (!f || !canEditText) return;
    if (c.kind === 'edit' && f.state !== 'rejected') editText(f.id);
    if (c.kind === 'accept' && f.state === 'pending')
      void reading.apply([{ type: 'finding.accept', findingId: f.id }]);
    if (c.kind === 'reject' && f.modelIndex !== null && f.state !== 'rejected')
      void reading.apply([{ type: 'finding.reject', findingId: f.id }]);
  };

  const instanceOfSop = (sop: string | null) =>
    study.series.flatMap((s) => s.instances).find((i) => sop !== null && i.sopInstanceUid === sop)?.id ??
    null;
  let boxes: ImageBoxes | null = null;
  if (running) {
    const instanceId = instanceOfSop(draft.view.sopInstanceUid);
    const findings = draft.view.findings.map((f, i) => ({
      id: draftFindingId(i),
      boxes: f.boxes,
      rejected: false,
    }));
    if (instanceId) boxes = { instanceId, findings, editing: null };
  } else if (current?.instanceId) {
    boxes = { instanceId: current.instanceId, findings: current.findings.map(overlayOf), editing };
  }

  return {
    draft,
    reading,
    role,
    canEditText,
    canEditBoxes,
    selected,
    select,
    hovered,
    hover,
    editingText,
    editText,
    editingBoxes,
    grounding,
    groundOutcome,
    groundSelection,
    command,
    findingCommand,
    boxes,
  };
}
