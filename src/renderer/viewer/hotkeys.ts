// Keyboard map, following OHIF's defaults so radiologists' habits carry over.
import type { PresetSlot } from './presets';

export type ViewerCommand =
  | { kind: 'invert' }
  | { kind: 'reset' }
  | { kind: 'fit' }
  | { kind: 'zoom'; factor: number }
  | { kind: 'preset'; slot: PresetSlot }
  | { kind: 'toggle-zoom-tool' }
  | { kind: 'rotate'; degrees: 90 | -90 }
  | { kind: 'flip'; axis: 'horizontal' | 'vertical' }
  | { kind: 'image'; step: 1 | -1 }
  | { kind: 'viewport'; step: 1 | -1 }
  | { kind: 'draft' };

export type KeyInput = { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean };

const byKey: Readonly<Record<string, ViewerCommand>> = {
  i: { kind: 'invert' },
  ' ': { kind: 'reset' },
  '=': { kind: 'fit' },
  '+': { kind: 'zoom', factor: 1.25 },
  '-': { kind: 'zoom', factor: 0.8 },
  '1': { kind: 'preset', slot: 1 },
  '2': { kind: 'preset', slot: 2 },
  '3': { kind: 'preset', slot: 3 },
  '4': { kind: 'preset', slot: 4 },
  '5': { kind: 'preset', slot: 5 },
  z: { kind: 'toggle-zoom-tool' },
  r: { kind: 'rotate', degrees: 90 },
  l: { kind: 'rotate', degrees: -90 },
  h: { kind: 'flip', axis: 'horizontal' },
  v: { kind: 'flip', axis: 'vertical' },
  ArrowDown: { kind: 'image', step: 1 },
  ArrowUp: { kind: 'image', step: -1 },
  ArrowRight: { kind: 'viewport', step: 1 },
  ArrowLeft: { kind: 'viewport', step: -1 },
  d: { kind: 'draft' },
};

/** The command for a key press, or null; chords with Ctrl/Meta/Alt are left to the browser. */
export function commandForKey(input: KeyInput): ViewerCommand | null {
  if (input.ctrlKey || input.metaKey || input.altKey) return null;
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  return byKey[key] ?? null;
}

/** One line per binding, for the help shown in the toolbar. */
export const hotkeyHelp: readonly string[] = [
  'Left drag: window/level (z: zoom)',
  'Middle drag: pan · Right drag: zoom · Wheel: images',
  'i invert · space reset · = fit · +/- zoom',
  '1 header · 2 lung · 3 mediastinum · 4 bone · 5 full range',
  'r / l rotate · h / v flip',
  '↑ / ↓ image · ← / → viewport',
  'd draft the report',
];
