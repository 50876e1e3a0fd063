// Burned-in text is the one identifier de-identifying the header cannot remove, so the export leaves out
// an image unless its header states, as its one value, that nothing is burned in (Burned In Annotation
// (0028,0301) = NO), or a radiologist confirmed it clean. This module is that rule for everything that reads
// it: the export, and the state the reader is shown beside the confirmation.
//
// - Anything but a single CS value YES or NO (absent, empty, `NO\YES`, `no`, another VR) is 'unknown',
//   which the export treats as YES: a header that does not clearly say NO has not said it.
// - A confirmation belongs to the file's content (the sha256 pinned at intake), never to its path: the
//   same bytes moved or copied elsewhere keep it, a changed file loses it. It is given for bytes read and
//   checked against the pin at that moment.
// - Only a radiologist may confirm an image clean. Releasing pixels past the gate is a de-identification
//   decision a site's privacy officer expects from accountable clinical staff, not from annotators who may
//   be contractors correcting boxes; anyone who sees text may withdraw a confirmation, which only keeps
//   more out. (A site enforces roles by fixing them in site.json.)
import type { BurnedInState, ReaderProfile, Role } from '../../../shared/reading';
import { UserError, ImageChangedError, type Library, type PinnedImage } from '../library';
import { retryWhileBusy } from '../store/busy-retry';
import { readDataset, type JsonDataset } from './deidentify/read-dataset';

export type BurnedInAnnotation = BurnedInState['annotation'];

const BURNED_IN_ANNOTATION = '00280301';

export function burnedInAnnotation(dataset: JsonDataset): BurnedInAnnotation {
  const element = dataset[BURNED_IN_ANNOTATION];
  const values = element?.Value ?? [];
  if (element?.vr !== 'CS' || values.length !== 1 || typeof values[0] !== 'string') return 'unknown';
  // CS values are padded with spaces to an even length.
  const value = values[0].trim();
  return value === 'YES' || value === 'NO' ? value : 'unknown';
}

/** Why the export leaves the image out, or null when it may go. */
export function burnedInExclusion(annotation: BurnedInAnnotation, confirmedClean: boolean): string | null {
  if (annotation === 'NO' || confirmedClean) return null;
  return annotation === 'YES'
    ? 'the image has burned-in annotation (BurnedInAnnotation YES) and no radiologist has confirmed it clean'
    : 'the image does not state, as its one BurnedInAnnotation value, that it is free of burned-in ' +
        'annotation and no radiologist has confirmed it clean';
}

export const mayConfirmClean = (role: Role): boolean => role === 'radiologist';

function stateOf(library: Library, image: PinnedImage, role: Role, changed: boolean): BurnedInState {
  let annotation: BurnedInAnnotation = 'unknown';
  try {
    annotation = burnedInAnnotation(readDataset(image.bytes));
  } catch {
    // A header dcmjs cannot read states nothing.
  }
  return {
    annotation,
    confirmedClean: library.feedback.isConfirmedClean(image.sha256),
    mayConfirm: mayConfirmClean(role),
    changed,
  };
}

/** The image's state, read from its file now; a file found changed is indexed again and its state given. */
export async function burnedInState(
  library: Library,
  instanceId: string,
  reader: ReaderProfile,
): Promise<BurnedInState> {
  try {
    return stateOf(library, await library.readImage(instanceId), reader.role, false);
  } catch (err) {
    if (!(err instanceof ImageChangedError)) throw err;
    return stateOf(library, await library.readImage(instanceId), reader.role, true);
  }
}

/**
 * Records (or withdraws) the statement for the content the file holds now, which must be the content the
 * reader was shown: a file that changed since its intake is refused (and indexed again) instead.
 */
export async function confirmClean(
  library: Library,
  instanceId: string,
  clean: boolean,
  reader: ReaderProfile,
  at: string,
): Promise<BurnedInState> {
  if (clean && !mayConfirmClean(reader.role))
    throw new UserError(
      'Only a radiologist can confirm that an image shows no burned-in identifiers; ' +
        'an annotator can withdraw a confirmation.',
    );
  let image: PinnedImage;
  try {
    image = await library.readImage(instanceId);
  } catch (err) {
    if (err instanceof ImageChangedError)
      throw new ImageChangedError(
        `${err.message} Look at the image again${clean ? ' before confirming it' : ''}.`,
      );
    throw err;
  }
  await retryWhileBusy(() => library.feedback.confirmClean(image.sha256, clean, reader.readerId, at));
  return stateOf(library, image, reader.role, false);
}
