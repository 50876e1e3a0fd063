// One feedback record made ready to leave the machine: its image as the model saw it (the drafting
// pipeline's render call and settings, before the model's resize) as a PNG without text chunks, its
// header under the Basic profile, its free text masked with the study's own identifiers, its reading
// dates moved back with the patient's date shift. A record whose image may carry burned-in text, whose
// file is no longer the content the record was read on (the sha256 pinned at intake), or whose image can
// no longer be read, is left out with the reason: nothing of it is exported, so the
// export stays complete in what it holds and says what it left out (one moved file should not block an
// export of thousands of records). A header that cannot be de-identified stops the export instead.
import type { FeedbackRecord } from '../../../../shared/feedback';
import type { PngRendition, RenderPng } from '../../dicom/pixels';
import { ImageChangedError, UserError, type Library, type PinnedImage } from '../../library';
import type { StoredRecord } from '../../store/feedback-repository';
import { burnedInAnnotation, burnedInExclusion } from '../burned-in-annotation';
import { deidentifyHeader } from '../deidentify/deidentify-header';
import { knownIdentifiers } from '../deidentify/known-identifiers';
import { TextMasker } from '../deidentify/mask-text';
import { readDataset, type JsonDataset } from '../deidentify/read-dataset';
import { dateShiftDays } from '../pseudonym';

export type PreparedRecord = {
  record: FeedbackRecord;
  /** images/<recordId>.png, relative to the export folder. */
  image: string;
  png: Uint8Array;
  header: JsonDataset;
};

export type Exclusion = { recordId: string; reason: string };

const DAY_MS = 86_400_000;

const CHANGED =
  'the image file changed on disk after it was imported (its content no longer matches the sha256 taken ' +
  'at intake); it has been indexed again, and a confirmation that the earlier file was clean does not carry over';
const OTHER_CONTENT =
  'the image was indexed again with other content after this record was made, or its draft was made from ' +
  'an earlier file; the record belongs to other pixels than the file holds now';

const shiftTimestamp = (iso: string, days: number): string => {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? '' : new Date(time - days * DAY_MS).toISOString();
};

/** The record with every free-text field masked and its dates shifted. */
function deidentifyRecord(record: FeedbackRecord, masker: TextMasker, shiftDays: number): FeedbackRecord {
  const mask = (text: string) => masker.mask(text);
  const maskOrNull = (text: string | null) => (text === null ? null : mask(text));
  const findings = (list: FeedbackRecord['final']['findings']) =>
    list.map((f) => ({ ...f, text: mask(f.text) }));
  return {
    ...record,
    createdAt: shiftTimestamp(record.createdAt, shiftDays),
    draft: record.draft && { report: mask(record.draft.report), findings: findings(record.draft.findings) },
    final: {
      report: mask(record.final.report),
      impression: mask(record.final.impression),
      findings: findings(record.final.findings),
    },
    actions: record.actions.map((a) => ({
      ...a,
      draftText: maskOrNull(a.draftText),
      finalText: maskOrNull(a.finalText),
    })),
    reading: { ...record.reading, signedAt: shiftTimestamp(record.reading.signedAt, shiftDays) },
    exclude: { excluded: record.exclude.excluded, reason: maskOrNull(record.exclude.reason) },
  };
}

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

  let rendition: PngRendition;
  try {
    rendition = await render(bytes, {
      frame: record.image.rendition.frameIndex,
      window: { kind: 'auto' },
    });
  } catch (err) {
    return exclude(`the image cannot be rendered: ${err instanceof Error ? err.message : String(err)}`);
  }
  const { rows, columns } = rendition.info;
  if (columns !== record.image.width || rows !== record.image.height)
    return exclude(
      `the image is ${columns}x${rows} now, ${record.image.width}x${record.image.height} when it was read`,
    );

  const masker = new TextMasker(knownIdentifiers(dataset));
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
  return {
    record: deidentifyRecord(record, masker, shiftDays),
    image: `images/${record.recordId}.png`,
    png: rendition.png,
    header,
  };
}
