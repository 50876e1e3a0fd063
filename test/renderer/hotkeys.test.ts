import { describe, expect, it } from 'vitest';
import { commandForKey } from '../../src/renderer/viewer/hotkeys';

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) =>
  commandForKey({ key, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('viewer hotkeys (OHIF defaults)', () => {
  it.each([
    ['i', { kind: 'invert' }],
    [' ', { kind: 'reset' }],
    ['z', { kind: 'toggle-zoom-tool' }],
    ['r', { kind: 'rotate', degrees: 90 }],
    ['l', { kind: 'rotate', degrees: -90 }],
    ['h', { kind: 'flip', axis: 'horizontal' }],
    ['v', { kind: 'flip', axis: 'vertical' }],
    ['ArrowDown', { kind: 'image', step: 1 }],
    ['ArrowUp', { kind: 'image', step: -1 }],
    ['ArrowRight', { kind: 'viewport', step: 1 }],
    ['ArrowLeft', { kind: 'viewport', step: -1 }],
    ['d', { kind: 'draft' }],
  ])('%j maps to %j', (key, command) => {
    expect(press(key)).toEqual(command);
  });

  it('maps 1-5 to the preset slots', () => {
    expect([1, 2, 3, 4, 5].map((n) => press(String(n)))).toEqual(
      [1, 2, 3, 4, 5].map((slot) => ({ kind: 'preset', slot })),
    );
  });

  it('accepts upper-case letters (caps lock, shift)', () => {
    expect(press('I')).toEqual({ kind: 'invert' });
  });

  it('leaves chords and unknown keys to the browser', () => {
    expect(press('r', { ctrlKey: true })).toBeNull();
    expect(press('i', { metaKey: true })).toBeNull();
    expect(press('h', { altKey: true })).toBeNull();
    expect(press('q')).toBeNull();
    expect(press('Enter')).toBeNull();
  });
});
