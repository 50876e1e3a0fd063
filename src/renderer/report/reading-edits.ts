// The editor's decisions that need no screen: new ids, which edits a grounded phrase or a drawn box
// becomes, who may change what, and what a refusal from main means.
import type { Box } from '../../shared/draft';
import type { FindingState, Reading, ReadingFinding, ReadingOp, Role } from '../../shared/reading';

/** A new finding or box id (the contract's 16 hex digits): the sender names them so undo can too. */
export function newId(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return Array.from(random(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** main refuses an edit made on an older revision with a message that says so. */
export const isStaleRevision = (message: string): boolean => /another window/i.test(message);

/** The text a box drawn with no finding selected starts with; the reader writes over it. */
export const MISSED_FINDING_TEXT = 'Missed finding';

export const isReadOnly = (reading: Reading): boolean => reading.status !== 'in-progress';

/** Annotators correct boxes only; main refuses their text edits anyway. */
export const mayEditText = (reading: Reading, role: Role | null): boolean =>
  role === 'radiologist' && !isReadOnly(reading);

export const mayEditBoxes = (reading: Reading, role: Role | null): boolean =>
  role !== null && !isReadOnly(reading);

export const stateLabel: Readonly<Record<FindingState, string>> = {
  pending: 'not reviewed',
  accepted: 'accepted',
  edited: 'edited',
  rejected: 'rejected',
  added: 'added by reader',
};

/**
 * The finding a grounded phrase belongs to: the one it was selected in, else the first finding
 * (not rejected) whose text holds it, ignoring case; null when it needs a finding of its own.
 */
export function groundTarget(
  findings: readonly ReadingFinding[],
  phrase: string,
  sourceFindingId: string | null,
): ReadingFinding | null {
  const source = findings.find((f) => f.id === sourceFindingId);
  if (source && source.state !== 'rejected') return source;
  const wanted = phrase.toLowerCase();
  return findings.find((f) => f.state !== 'rejected' && f.text.toLowerCase().includes(wanted)) ?? null;
}

/** "Ground this": the grounded boxes go to the finding that holds the phrase, or to a new finding. */
export function groundOps(
  findings: readonly ReadingFinding[],
  phrase: string,
  sourceFindingId: string | null,
  boxes: readonly Box[],
  ids: () => string = newId,
): { findingId: string; ops: ReadingOp[] } {
  const target = groundTarget(findings, phrase, sourceFindingId);
  const findingId = target?.id ?? ids();
  const ops: ReadingOp[] = target ? [] : [{ type: 'finding.add', findingId, text: phrase }];
  for (const box of boxes) ops.push({ type: 'box.add', findingId, boxId: ids(), box });
  return { findingId, ops };
}

/**
 * A box drawn on the image (with the id its drawing already has): for the selected finding, or for
 * a new "missed finding" of its own.
 */
export function drawnBoxOps(
  selectedFindingId: string | null,
  boxId: string,
  box: Box,
  ids: () => string = newId,
): { findingId: string; ops: ReadingOp[] } {
  const findingId = selectedFindingId ?? ids();
  const ops: ReadingOp[] = selectedFindingId
    ? []
    : [{ type: 'finding.add', findingId, text: MISSED_FINDING_TEXT }];
  ops.push({ type: 'box.add', findingId, boxId, box });
  return { findingId, ops };
}

/** The finding that holds a box. */
export const findingOfBox = (reading: Reading, boxId: string): ReadingFinding | undefined =>
  reading.findings.find((f) => f.boxes.some((b) => b.id === boxId));
