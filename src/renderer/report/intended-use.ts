// The pack's declared intended use in words the reader cannot miss (docs/model-pack.md, intended_use).
export type IntendedUseLabel = { text: string; tone: 'warning' | 'notice' };

export function intendedUseLabel(intendedUse: string): IntendedUseLabel {
  if (intendedUse === 'demo-not-for-clinical-use')
    return { text: 'Demo model — not for clinical use', tone: 'warning' };
  if (intendedUse === 'clinical-research')
    return { text: 'For research use — every finding must be checked by the reader', tone: 'notice' };
  // A pack from a newer exporter: say what it declares rather than guess.
  return { text: `Intended use: ${intendedUse}`, tone: 'warning' };
}
