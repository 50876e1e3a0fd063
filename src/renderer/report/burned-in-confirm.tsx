// Burned-in text is the one identifier de-identification of the header cannot remove, so export leaves
// out images whose header says they carry it, or does not say, until a reader confirms that nothing
// identifying is burned into the pixels. Any reader may confirm, also after signing: it is about the
// image, not the report.
import { useState } from 'react';
import type { Reading } from '../../shared/reading';

type Props = {
  burnedIn: NonNullable<Reading['burnedIn']>;
  onConfirm: (clean: boolean) => Promise<boolean>;
};

const HEADER_SAYS: Record<Props['burnedIn']['annotation'], string> = {
  YES: 'The image header says text is burned into the pixels.',
  NO: 'The image header says no text is burned into the pixels.',
  unknown: 'The image header does not say whether text is burned into the pixels.',
};

export function BurnedInConfirm({ burnedIn, onConfirm }: Props) {
  const { annotation } = burnedIn;
  // What was clicked, shown until main has answered (the box would otherwise flick back meanwhile).
  const [pending, setPending] = useState<boolean | null>(null);
  const confirmedClean = pending ?? burnedIn.confirmedClean;
  const change = (clean: boolean) => {
    setPending(clean);
    void onConfirm(clean).finally(() => setPending(null));
  };
  return (
    <section
      className="burned-in"
      aria-label="Burned-in identifiers"
      data-testid="burned-in"
      data-annotation={annotation}
    >
      <label>
        <input type="checkbox" checked={confirmedClean} onChange={(e) => change(e.target.checked)} />
        No identifiers burned into this image
      </label>
      <p className="muted" data-testid="burned-in-header">
        {HEADER_SAYS[annotation]}
        {annotation !== 'NO' &&
          !confirmedClean &&
          ' Training exports leave it out until a reader confirms it shows no name, ID or date.'}
      </p>
    </section>
  );
}
