// The window a caller asks for: `auto` (the header's window, else its VOI LUT, else min-max),
// `minmax`, or an explicit centre and width.
export type WindowRequest =
  { kind: 'auto' } | { kind: 'minmax' } | { kind: 'explicit'; center: number; width: number };

export function parseWindowOption(text: string): WindowRequest {
  const value = text.trim().toLowerCase();
  if (value === 'auto') return { kind: 'auto' };
  if (value === 'minmax') return { kind: 'minmax' };
  const match = /^(-?\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)$/.exec(value);
  const center = Number(match?.[1]);
  const width = Number(match?.[2]);
  if (!match || !Number.isFinite(center) || !Number.isFinite(width) || width < 1) {
    throw new RangeError(`window must be auto, minmax or C,W with width >= 1 (got "${text}")`);
  }
  return { kind: 'explicit', center, width };
}
