// Shared by the model-quality table and plots: how a model version is named and numbers are shown.
type ModelRef = { modelId: string; modelVersion: string };

export const modelLabel = (m: ModelRef): string => `${m.modelId} ${m.modelVersion}`;

/** Identifies a model version; ids may contain spaces, so not the label. */
export const modelKey = (m: ModelRef): string => JSON.stringify([m.modelId, m.modelVersion]);

export const fixed = (x: number | null, digits = 3): string => (x === null ? '—' : x.toFixed(digits));

/** The series colours cycle through this many classes (quality-view.css). */
export const SERIES_CLASSES = 6;
