// Window presets. CR/DX pixel values are detector units, not Hounsfield units, so the CT lung
// window (W1500/L-600) means nothing here. Lung, mediastinum and bone are therefore defined on
// the image's own histogram, as percentile bands in display order (0 = darkest pixel shown,
// 1 = brightest). A chest film's darker pixels are air and lung, its middle band soft tissue and
// mediastinum, its brightest bone, so each band spreads that tissue over the grey scale whatever
// the detector's units. For MONOCHROME1 (high values displayed dark) the bands are mirrored.

export type WindowLevel = { center: number; width: number };
export type PresetSlot = 1 | 2 | 3 | 4 | 5;
export type PresetId = 'header' | 'lung' | 'mediastinum' | 'bone' | 'full';
export type Preset = { id: string; label: string; window: WindowLevel };
export type Scaling = { slope: number; intercept: number };

/** Sorted sample of an image's values after the modality LUT. */
export type Distribution = readonly number[];

type Band = { label: string; from: number; to: number };

const bands: Readonly<Record<Exclude<PresetId, 'header'>, Band>> = {
  lung: { label: 'Lung', from: 0.03, to: 0.6 },
  mediastinum: { label: 'Mediastinum', from: 0.3, to: 0.98 },
  bone: { label: 'Bone', from: 0.5, to: 0.999 },
  full: { label: 'Full range', from: 0.005, to: 0.995 },
};

/** Hotkeys 1-5, as OHIF numbers its presets. */
export const presetForSlot: Readonly<Record<PresetSlot, PresetId>> = {
  1: 'header',
  2: 'lung',
  3: 'mediastinum',
  4: 'bone',
  5: 'full',
};

const MAX_SAMPLES = 65536;
// A prime multiplier scatters sample positions over rows and columns; a plain stride could
// line up with the image width and sample a few columns only.
const SCATTER = 2654435761;

export function distribution(
  pixels: ArrayLike<number>,
  scaling: Scaling = { slope: 1, intercept: 0 },
): Distribution {
  const n = pixels.length;
  const sample: number[] = [];
  for (let i = 0; i < Math.min(n, MAX_SAMPLES); i++) {
    const index = n > MAX_SAMPLES ? (i * SCATTER) % n : i;
    sample.push((pixels[index] ?? 0) * scaling.slope + scaling.intercept);
  }
  return sample.sort((a, b) => a - b);
}

export function quantile(values: Distribution, q: number): number {
  if (values.length === 0) return 0;
  return values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))] ?? 0;
}

export function bandWindow(
  id: Exclude<PresetId, 'header'>,
  values: Distribution,
  monochrome1: boolean,
): WindowLevel {
  const { from, to } = bands[id];
  const [a, b] = monochrome1 ? [1 - to, 1 - from] : [from, to];
  const low = quantile(values, a);
  const high = Math.max(quantile(values, b), low + 1);
  return { center: (low + high) / 2, width: high - low };
}

export type PresetInput = {
  values: Distribution;
  monochrome1: boolean;
  headerWindows: readonly WindowLevel[];
};

/** Every preset for an image: the header's windows first, then the histogram bands. */
export function presetsFor(input: PresetInput): Preset[] {
  const header = input.headerWindows
    .filter((w) => Number.isFinite(w.center) && Number.isFinite(w.width) && w.width > 0)
    .map((window, i) => ({ id: `header-${i}`, label: `Header ${i + 1}`, window }));
  const fromBands = (['lung', 'mediastinum', 'bone', 'full'] as const).map((id) => ({
    id,
    label: bands[id].label,
    window: bandWindow(id, input.values, input.monochrome1),
  }));
  return [...header, ...fromBands];
}

/** The preset a hotkey selects; slot 1 falls back to the full range when the header has no window. */
export function presetForHotkey(presets: readonly Preset[], slot: PresetSlot): Preset | undefined {
  const id = presetForSlot[slot];
  if (id === 'header')
    return presets.find((p) => p.id === 'header-0') ?? presets.find((p) => p.id === 'full');
  return presets.find((p) => p.id === id);
}
