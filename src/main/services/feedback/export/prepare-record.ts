// One feedback record made ready to leave the machine: its image as the model saw it (the drafting
// pipeline's render call and settings, before the model's resize) as a PNG without text chunks, its
// header under the Basic profile, and the record itself through the one de-identification boundary
// (../deidentify/exported-record.ts: free text masked with the study's own identifiers, dates moved back
// with the patient's date shift, header text only as the de-identified header keeps it). A record whose
// image may carry burned-in text, whose file is no longer the content the record was read on (the sha256
// pinned at intake), whose image can no longer be read, or with a field not of its expected form is left
// out with the reason: nothing of it is exported, so the export stays complete in what it holds and says
// what it left out (one moved file should not block an export of thousands of records). A header that
// cannot be de-identified stops the export instead.
import type { PngRendition, RenderPng } from '../../dicom/pixels';
import { ImageChangedError, UserError, type Library, type PinnedImage } from '../../library';
import type { StoredRecord } from '../../store/feedback-repository';
import { burnedInAnnotation, burnedInExclusion } from '../burned-in-annotation';
import { deidentifyHeader } from '../deidentify/deidentify-header';
import { exportedRecord, UnexpectedField, type ExportedRecord } from '../deidentify/exported-record';
import { knownIdentifiers } from '../deidentify/known-identifiers';
import { TextMasker } from '../deidentify/mask-text';
import { readDataset, type JsonDataset } from '../deidentify/read-dataset';
import { dateShiftDays } from '../pseudonym';

export type PreparedRecord = {
  record: ExportedRecord;
  /** images/<recordId>.png, relative to the export folder. */
  image: string;
  png: Uint8Array;
  header: JsonDataset;
};

export type Exclusion = { recordId: string; reason: string };

const CHANGED =
  'the image file changed on disk after it was imported (its content no longer matches the sha256 taken ' +
  'at intake); it has been indexed again, and a confirmation that the earlier file was clean does not carry over';
const OTHER_CONTENT =
  'the image was indexed again with other content after this record was made, or its draft was made from ' +
  'an earlier file; the record belongs to other pixels than the file holds now';

/** A record the reader excluded, with their reason masked (with the header's identifiers if it can be read). */
export async function readerExclusion(library: Library, stored: StoredRecord): Promise<Exclusion> {
  const { record, instanceId } = stored;
  const reason = stored.excludeReason?.trim();
  if (!reason) return { recordId: record.recordId, reason: 'excluded from training by a reader' };
  let masker = new TextMasker([]);
  try {
    if (library.repo.instance(instanceId))
      masker = new TextMasker(knownIdentifiers(readDataset(await library.instanceBytes(instanceId))));
  } catch {
    // The generic patterns still apply.
  }
  return { recordId: record.recordId, reason: `excluded from training by a reader: ${masker.mask(reason)}` };
}

export async function prepareRecord(
  library: Library,
  stored: StoredRecord,
  secret: string,
  render: RenderPng,
): Promise<PreparedRecord | Exclusion> {
  const { record, instanceId } = stored;
  const exclude = (reason: string): Exclusion => ({ recordId: record.recordId, reason });
  if (!library.repo.instance(instanceId)) return exclude('the image is no longer in the library');
  let image: PinnedImage;
  let dataset: JsonDataset;
  try {
    image = await library.readImage(instanceId);
    dataset = readDataset(image.bytes);
  } catch (err) {
    if (err instanceof ImageChangedError) return exclude(CHANGED);
    return exclude('the image file is missing or can no longer be read; re-import the study');
  }
  if (stored.imageSha256 !== image.sha256) return exclude(OTHER_CONTENT);
  const { bytes, sha256 } = image;
  const burnedIn = burnedInExclusion(burnedInAnnotation(dataset), library.feedback.isConfirmedClean(sha256));
  if (burnedIn) return exclude(burnedIn);

  const masker = new TextMasker(knownIdentifiers(dataset));
  let rendition: PngRendition;
  try {
    rendition = await render(bytes, {
      frame: record.image.rendition.frameIndex,
      window: { kind: 'auto' },
    });
  } catch (err) {
    // A decoder's message may quote the header.
    const message = masker.mask(err instanceof Error ? err.message : String(err));
    return exclude(`the image cannot be rendered: ${message}`);
  }
  const { rows, columns } = rendition.info;
  if (columns !== record.image.width || rows !== record.image.height)
    return exclude(
      `the image is ${columns}x${rows} now, ${record.image.width}x${record.image.height} when it was read`,
    );

  const shiftDays = dateShiftDays(secret, record.refs.patient);
  let header: JsonDataset;
  try {
    header = deidentifyHeader(dataset, { secret, shiftDays, patientPseudonym: record.refs.patient, masker });
  } catch (err) {
    throw new UserError(
      `The de-identification profile could not be applied to the header of record ${record.recordId} ` +
        `(${err instanceof Error ? err.message : String(err)}); nothing was exported.`,
    );
  }
  let exported: ExportedRecord;
  try {
    exported = exportedRecord(record, { masker, shiftDays, header });
  } catch (err) {
    if (!(err instanceof UnexpectedField)) throw err;
    return exclude(`${err.message}; the record is left out rather than exported unchecked`);
  }
  return { record: exported, image: `images/${exported.recordId}.png`, png: rendition.png, header };
}
