import { describe, expect, it } from 'vitest';
import {
  findingCommandForKey,
  readingCommandForKey,
  type ReadingKeyInput,
} from '../../src/renderer/report/reading-hotkeys';

const key = (k: string, mods: Partial<Omit<ReadingKeyInput, 'key'>> = {}): ReadingKeyInput => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('reading keys', () => {
  it.each([
    [key('z', { ctrlKey: true }), { kind: 'undo' }],
    [key('Z', { ctrlKey: true, shiftKey: true }), { kind: 'redo' }],
    [key('y', { ctrlKey: true }), { kind: 'redo' }],
    [key('z', { metaKey: true }), { kind: 'undo' }],
    [key('b'), { kind: 'edit-boxes' }],
    [key('g'), { kind: 'ground' }],
    [key('Delete'), { kind: 'delete-box' }],
    [key('Backspace'), { kind: 'delete-box' }],
    [key('Escape'), { kind: 'deselect' }],
  ])('%j maps to %j', (input, command) => {
    expect(readingCommandForKey(input)).toEqual(command);
  });

  it("leaves the viewer's keys and other chords alone", () => {
    for (const input of [key('z'), key('r'), key('d'), key('ArrowUp'), key('c', { ctrlKey: true })])
      expect(readingCommandForKey(input)).toBeNull();
    expect(readingCommandForKey(key('z', { ctrlKey: true, altKey: true }))).toBeNull();
  });
});

describe('finding keys', () => {
  it.each([
    ['a', { kind: 'accept' }],
    ['r', { kind: 'reject' }],
    ['E', { kind: 'edit' }],
    ['ArrowDown', { kind: 'select', step: 1 }],
    ['ArrowUp', { kind: 'select', step: -1 }],
  ])('%j maps to %j', (k, command) => {
    expect(findingCommandForKey(key(k))).toEqual(command);
  });

  it('ignores chords and other keys', () => {
    expect(findingCommandForKey(key('a', { ctrlKey: true }))).toBeNull();
    expect(findingCommandForKey(key('A', { shiftKey: true }))).toBeNull();
    expect(findingCommandForKey(key('x'))).toBeNull();
  });
});
