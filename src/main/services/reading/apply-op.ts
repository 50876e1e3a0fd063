// One edit of a reading, as a pure function of the state before it. The model's sentence (modelText)
// is never changed: it is what the feedback record compares the reader's final text with.
import { boxOnImage, MIN_BOX_SIDE, type ImageSize } from '../../../shared/box-on-image';
import type { ReaderBox, ReadingFinding, ReadingOp } from '../../../shared/reading';
import { UserError } from '../library';
import type { ReadingState } from './reading-state';

export const BOX_OFF_IMAGE = `This box falls outside the image: less than ${MIN_BOX_SIDE} pixels of it would be left on it.`;
export const NO_IMAGE_FOR_BOXES = 'This report has no image to draw boxes on.';

/**
 * The edit with its box kept on the reading's image (image: its Columns x Rows, null without one).
 * Main trusts no coordinate from the renderer: what is signed and exported lies on the image.
 */
export function opOnImage(op: ReadingOp, image: ImageSize | null): ReadingOp {
  if (op.type !== 'box.add' && op.type !== 'box.update') return op;
  if (!image) throw new UserError(NO_IMAGE_FOR_BOXES);
  const box = boxOnImage(op.box, image);
  if (!box) throw new UserError(BOX_OFF_IMAGE);
  return { ...op, box };
}

const isModelFinding = (finding: ReadingFinding): boolean => finding.modelIndex !== null;

/** A model finding whose text is the model's again counts as accepted, otherwise as edited. */
const stateForText = (finding: ReadingFinding, text: string): ReadingFinding['state'] =>
  text === finding.modelText ? 'accepted' : 'edited';

export function applyOp(state: ReadingState, op: ReadingOp): ReadingState {
  const { findings } = state;
  const finding = (id: string): ReadingFinding => {
    const found = findings.find((f) => f.id === id);
    if (!found) throw new UserError('This finding is no longer in the report.');
    return found;
  };
  const modelFinding = (id: string, refusal: string): ReadingFinding => {
    const found = finding(id);
    if (!isModelFinding(found)) throw new UserError(refusal);
    return found;
  };
  const box = (id: string): { owner: ReadingFinding; box: ReaderBox } => {
    for (const owner of findings) {
      const found = owner.boxes.find((b) => b.id === id);
      if (found) return { owner, box: found };
    }
    throw new UserError('This box is no longer in the report.');
  };
  const fresh = (id: string): void => {
    if (findings.some((f) => f.id === id || f.boxes.some((b) => b.id === id))) {
      throw new UserError('This id is already in use in the report.');
    }
  };
  const replace = (id: string, next: (f: ReadingFinding) => ReadingFinding): ReadingState => ({
    ...state,
    findings: findings.map((f) => (f.id === id ? next(f) : f)),
  });
  const withBoxes = (f: ReadingFinding, boxes: ReaderBox[]): ReadingFinding => ({ ...f, boxes });

  switch (op.type) {
    case 'finding.accept': {
      // Accepting keeps the reader's text: a changed sentence stays an edit.
      const f = modelFinding(op.findingId, "Only the model's findings can be accepted.");
      return replace(f.id, (x) => ({ ...x, state: stateForText(x, x.text) }));
    }
    case 'finding.reject': {
      const f = modelFinding(op.findingId, 'A finding you added is removed, not rejected.');
      return replace(f.id, (x) => ({ ...x, state: 'rejected' }));
    }
    case 'finding.restore': {
      const f = modelFinding(op.findingId, "Only the model's findings can be restored.");
      return replace(f.id, (x) => ({ ...x, state: 'pending', text: x.modelText ?? x.text }));
    }
    case 'finding.edit': {
      const f = finding(op.findingId);
      return replace(f.id, (x) => ({
        ...x,
        text: op.text,
        state: isModelFinding(x) ? stateForText(x, op.text) : 'added',
      }));
    }
    case 'finding.add':
      fresh(op.findingId);
      return {
        ...state,
        findings: [
          ...findings,
          { id: op.findingId, modelIndex: null, modelText: null, text: op.text, state: 'added', boxes: [] },
        ],
      };
    case 'finding.remove': {
      const f = finding(op.findingId);
      if (isModelFinding(f)) throw new UserError("The model's findings are rejected, not removed.");
      return { ...state, findings: findings.filter((x) => x.id !== f.id) };
    }
    case 'box.add': {
      const f = finding(op.findingId);
      fresh(op.boxId);
      const added: ReaderBox = { ...op.box, id: op.boxId, source: 'reader', modelBox: null };
      return replace(f.id, (x) => withBoxes(x, [...x.boxes, added]));
    }
    case 'box.update': {
      const { owner, box: old } = box(op.boxId);
      const moved: ReaderBox = { ...old, ...op.box };
      return replace(owner.id, (x) =>
        withBoxes(
          x,
          x.boxes.map((b) => (b.id === old.id ? moved : b)),
        ),
      );
    }
    case 'box.delete': {
      const { owner } = box(op.boxId);
      return replace(owner.id, (x) =>
        withBoxes(
          x,
          x.boxes.filter((b) => b.id !== op.boxId),
        ),
      );
    }
    case 'box.relabel': {
      const { owner, box: moved } = box(op.boxId);
      const target = finding(op.findingId);
      if (target.id === owner.id) return state;
      return {
        ...state,
        findings: findings.map((f) =>
          f.id === owner.id
            ? withBoxes(
                f,
                f.boxes.filter((b) => b.id !== moved.id),
              )
            : f.id === target.id
              ? withBoxes(f, [...f.boxes, moved])
              : f,
        ),
      };
    }
    case 'impression.set':
      return { ...state, impression: op.text };
  }
}
