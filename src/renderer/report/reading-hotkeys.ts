// Keys of the reading. Undo/redo, box editing, grounding and deleting a box act anywhere outside a
// text field; the keys for the selected finding act while the findings list has the focus, because
// r and the arrows are the viewer's (rotate, images) everywhere else.
import type { KeyInput } from '../viewer/hotkeys';

export type ReadingCommand =
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'edit-boxes' }
  | { kind: 'ground' }
  | { kind: 'delete-box' }
  | { kind: 'deselect' };

export type FindingCommand =
  { kind: 'accept' } | { kind: 'reject' } | { kind: 'edit' } | { kind: 'select'; step: 1 | -1 };

export type ReadingKeyInput = KeyInput & { shiftKey: boolean };

export function readingCommandForKey(input: ReadingKeyInput): ReadingCommand | null {
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  if (input.ctrlKey || input.metaKey) {
    if (input.altKey) return null;
    if (key === 'z') return { kind: input.shiftKey ? 'redo' : 'undo' };
    if (key === 'y' && !input.shiftKey) return { kind: 'redo' };
    return null;
  }
  if (input.altKey) return null;
  if (key === 'b') return { kind: 'edit-boxes' };
  if (key === 'g') return { kind: 'ground' };
  if (key === 'Delete' || key === 'Backspace') return { kind: 'delete-box' };
  if (key === 'Escape') return { kind: 'deselect' };
  return null;
}

const findingKeys: Readonly<Record<string, FindingCommand>> = {
  a: { kind: 'accept' },
  r: { kind: 'reject' },
  e: { kind: 'edit' },
  ArrowDown: { kind: 'select', step: 1 },
  ArrowUp: { kind: 'select', step: -1 },
};

export function findingCommandForKey(input: ReadingKeyInput): FindingCommand | null {
  if (input.ctrlKey || input.metaKey || input.altKey || input.shiftKey) return null;
  return findingKeys[input.key.length === 1 ? input.key.toLowerCase() : input.key] ?? null;
}

/** One line per binding, for the help in the report panel. */
export const readingHotkeyHelp: readonly string[] = [
  'Ctrl+Z undo · Ctrl+Shift+Z / Ctrl+Y redo',
  'b edit boxes (with no finding selected, a drawn box is a new finding) · Esc: select none',
  'g ground the selected text · Delete: the selected box',
  'In the findings list: ↑ / ↓ select · a accept · r reject · e edit',
];
