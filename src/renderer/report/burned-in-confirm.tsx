// Burned-in text is the one identifier de-identification of the header cannot remove, so export leaves
// out images whose header says they carry it, or does not clearly say they do not, until a radiologist
// confirms that nothing identifying is burned into the pixels (main's rule: burned-in-annotation.ts).
// An annotator sees the box and may withdraw a confirmation, not give one. It can be changed after
// signing: it is about the image, not the report.
import { useState } from 'react';
import type { BurnedInState } from '../../shared/reading';
import { useBurnedIn } from './use-burned-in';

const HEADER_SAYS: Record<BurnedInState['annotation'], string> = {
  YES: 'The image header says text is burned into the pixels.',
  NO: 'The image header says no text is burned into the pixels.',
  unknown: 'The image header does not clearly say whether text is burned into the pixels.',
};

export function BurnedInConfirm({ instanceId }: { instanceId: string }) {
  const { state, error, confirm } = useBurnedIn(instanceId);
  // What was clicked, shown until main has answered (the box would otherwise flick back meanwhile).
  const [pending, setPending] = useState<boolean | null>(null);
  const confirmedClean = pending ?? state?.confirmedClean ?? false;
  const change = (clean: boolean) => {
    setPending(clean);
    void confirm(clean).finally(() => setPending(null));
  };
  const locked = !state || (!state.mayConfirm && !confirmedClean);
  return (
    <section
      className="burned-in"
      aria-label="Burned-in identifiers"
      data-testid="burned-in"
      data-annotation={state?.annotation}
    >
      <label title={state && !state.mayConfirm ? 'Only a radiologist can confirm an image clean' : undefined}>
        <input
          type="checkbox"
          checked={confirmedClean}
          disabled={locked}
          onChange={(e) => change(e.target.checked)}
        />
        No identifiers burned into this image
      </label>
      {state && (
        <p className="muted" data-testid="burned-in-header">
          {HEADER_SAYS[state.annotation]}
          {state.annotation !== 'NO' &&
            !confirmedClean &&
            (state.mayConfirm
              ? ' Training exports leave it out until a radiologist confirms it shows no name, ID or date.'
              : ' Training exports leave it out until a radiologist confirms it shows no name, ID or date; ' +
                'annotators cannot confirm it.')}
        </p>
      )}
      {state?.changed && (
        <p className="notice" role="status" data-testid="burned-in-changed">
          The image file changed on disk after it was imported. It has been indexed again, and a confirmation
          given for the earlier file does not carry over.
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="burned-in-error">
          {error}
        </p>
      )}
    </section>
  );
}
